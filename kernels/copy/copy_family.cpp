#include <benchmark/benchmark.h>

#include <vector>

#include "kernels/benchmarks.hpp"
#include "kernels/copy/copy.hpp"
#include "kernels/registry.hpp"

namespace armperf::kernels {
namespace {

std::vector<BenchShape> copy_shapes(const BenchPlan& plan) { return elementwise_shapes(plan, 2, sizeof(float)); }

void copy_bench(benchmark::State& state, const KernelVariant& variant, const BenchShape& shape) {
  const auto n = static_cast<std::size_t>(shape.dims.at(0));
  std::vector<float> x(n, 1.0f), y(n, 0.0f);
  auto copy = variant.as<CopyFn>();
  for (auto _ : state) {
    copy(x.data(), y.data(), n);
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  if (y[n - 1] != 1.0f) state.SkipWithError("copy result check failed");
  set_elementwise_rates(state, variant, static_cast<std::int64_t>(n));
}

}  // namespace

ARMPERF_REGISTER_KERNEL(KernelFamily{.name = "copy",
                                     .description = "f32 array copy, y = x (the registry's smoke test)",
                                     .shapes = copy_shapes,
                                     .run = copy_bench});

}  // namespace armperf::kernels
