// Turns registry rows into Google Benchmark benchmarks, and the helpers family bench functions
// share (element-count shapes from the cache sizes, derived rates with units).
#pragma once

#include <benchmark/benchmark.h>

#include <cstdint>
#include <regex>
#include <string>
#include <vector>

#include "kernels/registry.hpp"

namespace armperf {

// The plan for this machine: cache sizes from the topology (hwloc), the given profile.
BenchPlan machine_bench_plan(Profile profile);

// "<variant>/<size>[/threads:<n>]", the gbench name of one registry row at one shape.
std::string benchmark_name(const KernelVariant& variant, const BenchShape& shape);

// Registers every (variant, shape) whose name matches filter. A variant this machine cannot run is
// still registered and reports SkipWithError("isa unsupported: sve"), so results show the gap.
// Returns the number registered.
int register_kernel_benchmarks(const BenchPlan& plan, const std::regex& filter);

// Element counts for streaming kernels over `arrays` arrays of element_bytes elements: the whole
// working set sits in half of L1, of L2, of the LLC, or spans plan.dram_bytes. quick: L1 and DRAM.
std::vector<BenchShape> elementwise_shapes(const BenchPlan& plan, int arrays, std::int64_t element_bytes);

// Sets items/bytes processed and the derived counters gbps (GB/s, 1e9 B) and gflops from the
// variant's per-element figures, after the timed loop.
void set_elementwise_rates(benchmark::State& state, const KernelVariant& variant, std::int64_t elements);

}  // namespace armperf
