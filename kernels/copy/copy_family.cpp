#include <benchmark/benchmark.h>

#include <algorithm>

#include "core/buffer.hpp"
#include "kernels/benchmarks.hpp"
#include "kernels/copy/copy.hpp"
#include "kernels/registry.hpp"

namespace armperf::kernels {

void copy_on_team(SlicedTeam& team, CopyFn copy, const float* x, float* y, std::int64_t repeats) {
  team.run([&](int, Slice s) { copy(x + s.begin, y + s.begin, s.size()); }, repeats);
}

namespace {

std::vector<BenchShape> copy_shapes(const BenchPlan& plan) {
  return elementwise_shapes(plan, 2, sizeof(float));
}

void copy_bench(benchmark::State& state, const KernelVariant& variant, const BenchShape& shape) {
  const auto n = static_cast<std::size_t>(shape.dims.at(0));
  SlicedTeam team(shape.threads, n);
  Buffer x(n * sizeof(float)), y(n * sizeof(float));
  float* xp = x.as<float>();
  float* yp = y.as<float>();
  // Each thread first touches its own slice (DESIGN §7).
  team.run([&](int, Slice s) {
    std::fill(xp + s.begin, xp + s.end, 1.0f);
    std::fill(yp + s.begin, yp + s.end, 0.0f);
  });
  auto copy = variant.as<CopyFn>();
  const std::int64_t repeats =
      elementwise_repeats(kCopyBytesPerElement * static_cast<double>(team.slice(0).size()));
  for (auto _ : state) {
    copy_on_team(team, copy, xp, yp, repeats);
    benchmark::DoNotOptimize(yp);
    benchmark::ClobberMemory();
  }
  if (yp[n - 1] != 1.0f || yp[0] != 1.0f) state.SkipWithError("copy result check failed");
  set_elementwise_rates(state, variant, static_cast<std::int64_t>(n) * repeats, shape.threads);
}

}  // namespace

ARMPERF_REGISTER_KERNEL(KernelFamily{.name = "copy",
                                     .description = "f32 array copy, y = x (the registry's smoke test)",
                                     .shapes = copy_shapes,
                                     .run = copy_bench});

}  // namespace armperf::kernels
