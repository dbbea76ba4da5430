#include "kernels/benchmarks.hpp"

#include <algorithm>

#include "core/topology.hpp"

namespace armperf {

BenchPlan machine_bench_plan(Profile profile) {
  BenchPlan plan;
  plan.profile = profile;
  const TopologySummary& topo = Topology::binding().summary();
  std::int64_t llc_total = 0;
  int llc_level = 0;
  for (const auto& cache : topo.caches) {
    if (cache.type == "instruction") continue;
    const auto size = static_cast<std::int64_t>(cache.size_bytes);
    if (cache.level == 1) plan.l1_bytes = size;
    if (cache.level == 2) plan.l2_bytes = size;
    if (cache.level >= llc_level) {
      llc_level = cache.level;
      plan.llc_bytes = size;
      llc_total = size * cache.count;
    }
  }
  std::uint64_t memory = 0;
  for (const auto& node : topo.numa) memory += node.memory_bytes;
  // STREAM's rule is 4x the total last-level cache. Bound it by an eighth of memory (the kernel
  // may need several arrays) and, except for full, by 512 MiB so it stays within its time; VMs also
  // report odd LLC sizes (hundreds of MiB per vCPU) that would otherwise dictate gigabytes.
  std::int64_t dram = std::max<std::int64_t>(4 * llc_total, 64 << 20);
  if (memory > 0) dram = std::min<std::int64_t>(dram, static_cast<std::int64_t>(memory / 8));
  // standard too: every repetition of a benchmark builds its buffers again (first touch at
  // 0.1-0.5 GB/s on a loaded VM), and a kernel's DRAM point only needs to be well past the LLC.
  if (profile != Profile::full) dram = std::min<std::int64_t>(dram, 512 << 20);
  plan.dram_bytes = dram;
  return plan;
}

namespace {
BenchCallObserver* call_observer = nullptr;
}  // namespace

void set_bench_call_observer(BenchCallObserver* observer) { call_observer = observer; }

std::string benchmark_name(const KernelVariant& variant, const BenchShape& shape) {
  std::string name = variant.name + "/" + shape.size;
  if (shape.threads != 1) name += "/threads:" + std::to_string(shape.threads);
  return name;
}

int register_kernel_benchmarks(const BenchPlan& plan, const std::regex& filter) {
  int count = 0;
  auto& registry = KernelRegistry::instance();
  for (const auto& family : registry.families()) {
    const auto shapes = family.shapes(plan);
    for (const KernelVariant* variant : registry.variants(family.name)) {
      for (const auto& shape : shapes) {
        if (shape.threads != plan.threads) continue;
        const std::string name = benchmark_name(*variant, shape);
        if (!std::regex_search(name, filter)) continue;
        auto* bench = benchmark::RegisterBenchmark(
            name.c_str(), [variant, shape, run = family.run](benchmark::State& state) {
              if (!variant->runnable()) {
                state.SkipWithError(variant->skip_reason().c_str());
                return;
              }
              BenchCallObserver* observer = call_observer;
              if (observer != nullptr) observer->before_call();
              run(state, *variant, shape);
              if (observer != nullptr) observer->after_call(state);
            });
        bench->UseRealTime();
        ++count;
      }
    }
  }
  return count;
}

std::vector<BenchShape> elementwise_shapes(const BenchPlan& plan, int arrays, std::int64_t element_bytes) {
  const std::int64_t per_element = arrays * element_bytes;
  const int threads = std::max(1, plan.threads);
  struct Level {
    std::int64_t bytes;
    bool per_thread;  // a private cache: one per thread
  };
  // Half of each cache leaves room for the rest of the process; the DRAM point is the plan's.
  std::vector<Level> levels = {{plan.l1_bytes / 2, true}, {plan.dram_bytes, false}};
  if (plan.profile != Profile::quick) {
    levels = {{plan.l1_bytes / 2, true},
              {plan.l2_bytes / 2, true},
              {plan.llc_bytes / 2, false},
              {plan.dram_bytes, false}};
  }
  std::vector<BenchShape> shapes;
  for (const Level& level : levels) {
    const std::int64_t slice_bytes = level.per_thread ? level.bytes : level.bytes / threads;
    const std::int64_t n = threads * std::max<std::int64_t>(64, slice_bytes / per_element / 64 * 64);
    // With many threads the private caches together can hold more than a shared level: that level's
    // point is then no larger than the previous one, which already measures it.
    if (!shapes.empty() && n <= shapes.back().dims[0]) continue;
    shapes.push_back({std::to_string(n), {n}, threads});
  }
  return shapes;
}

std::int64_t elementwise_repeats(double slice_bytes) {
  constexpr double kBytesPerCall = 64.0 * (1 << 20);
  return std::max<std::int64_t>(1, static_cast<std::int64_t>(kBytesPerCall / std::max(1.0, slice_bytes)));
}

void set_elementwise_rates(benchmark::State& state, const KernelVariant& variant, std::int64_t elements,
                           int threads) {
  const double total = static_cast<double>(state.iterations()) * static_cast<double>(elements);
  state.SetItemsProcessed(static_cast<std::int64_t>(total));
  state.SetBytesProcessed(static_cast<std::int64_t>(total * variant.bytes_per_element));
  using benchmark::Counter;
  if (variant.bytes_per_element > 0) {
    state.counters["gbps"] = Counter(total * variant.bytes_per_element / 1e9, Counter::kIsRate);
  }
  if (variant.flops_per_element > 0) {
    state.counters["gflops"] = Counter(total * variant.flops_per_element / 1e9, Counter::kIsRate);
  }
  state.counters["threads"] = threads;
  state.SetLabel(std::string("impl=") + variant.impl + " isa=" + variant.reported_isa() +
                 " dtype=" + variant.dtype + " threads=" + std::to_string(threads));
}

}  // namespace armperf
