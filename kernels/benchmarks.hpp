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

// Told about every call of a registered benchmark's function (gbench calls it once per calibration
// step of the first repetition and once per further repetition; the call builds the family's buffers
// and runs the timed loop): armperf run counts PMU events around it. One observer at a time.
class BenchCallObserver {
 public:
  virtual ~BenchCallObserver() = default;
  virtual void before_call() = 0;
  virtual void after_call(const benchmark::State& state) = 0;
};
// Null: no observer (the default, and armperf-bench's).
void set_bench_call_observer(BenchCallObserver* observer);

// "<variant>/<size>[/threads:<n>]", the gbench name of one registry row at one shape.
std::string benchmark_name(const KernelVariant& variant, const BenchShape& shape);

// Registers every (variant, shape) whose name matches filter, at the plan's thread count: a shape a
// family returns with another count is not registered (a family that ignores plan.threads gets no
// row that claims threads it did not run). A variant this machine cannot run is still registered and
// reports SkipWithError("isa unsupported: sve"), so results show the gap. Returns the number registered.
int register_kernel_benchmarks(const BenchPlan& plan, const std::regex& filter);

// Element counts for streaming kernels over `arrays` arrays of element_bytes elements, on plan.threads
// threads: each thread's slice sits in half of its L1 or of its L2 (private caches: the working set
// grows with the threads), or the whole working set in half of one LLC instance or spanning
// plan.dram_bytes (shared: split over the threads). quick: L1 and DRAM. dims = {total elements}, a
// multiple of 64 per thread; size = the total.
std::vector<BenchShape> elementwise_shapes(const BenchPlan& plan, int arrays, std::int64_t element_bytes);

// Calls of a kernel per thread and timed iteration for a slice of slice_bytes: enough for ~64 MiB of
// traffic, so waking the team (microseconds) stays out of an L1-resident slice's rate. At least 1.
std::int64_t elementwise_repeats(double slice_bytes);

// Sets items/bytes processed and the derived counters gbps (GB/s, 1e9 B) and gflops from the
// variant's per-element figures, and the threads counter, after the timed loop; elements is the
// work of one iteration (all threads, all repeats).
void set_elementwise_rates(benchmark::State& state, const KernelVariant& variant, std::int64_t elements,
                           int threads = 1);

}  // namespace armperf
