#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <random>
#include <vector>

#include "core/buffer.hpp"
#include "kernels/activation/activation.hpp"
#include "kernels/benchmarks.hpp"
#include "kernels/registry.hpp"

namespace armperf::kernels {

void activation_on_team(SlicedTeam& team, ActivationFn fn, const float* x, float* y, std::size_t cols,
                        bool crelu, std::span<const ActivationParams> params, std::int64_t repeats) {
  const std::size_t out_per_row = crelu ? 2 * cols : cols;
  team.run(
      [&](int t, Slice rows) {
        fn(x + rows.begin * cols, y + rows.begin * out_per_row, rows.size(), cols,
           params[static_cast<std::size_t>(t)]);
      },
      repeats);
}

namespace {

std::vector<BenchShape> activation_shapes(const BenchPlan& plan) {
  return elementwise_shapes(plan, 2, sizeof(float));
}

// The element count of one thread's slice as the op reads it: prelu and softmax as rows of 256
// channels (64 when n is not a multiple of 256; elementwise_shapes gives multiples of 64), the rest
// as one array.
std::vector<std::int64_t> activation_dims(const ActivationOp& op, std::int64_t n) {
  if (op.shape != ActivationShape::prelu && op.shape != ActivationShape::softmax) return {1, n};
  const std::int64_t cols = n % 256 == 0 ? 256 : 64;
  return {n / cols, cols};
}

void activation_bench(benchmark::State& state, const KernelVariant& variant, const BenchShape& shape) {
  const ActivationOp* op = find_activation_op(variant.op);
  const int threads = shape.threads;
  const auto slice_dims = activation_dims(*op, shape.dims.at(0) / threads);
  const auto cols = static_cast<std::size_t>(slice_dims[1]);
  const bool crelu = op->shape == ActivationShape::crelu;
  SlicedTeam team(threads, static_cast<std::size_t>(slice_dims[0]) * static_cast<std::size_t>(threads));
  const std::size_t n = team.units() * cols;
  Buffer x(n * sizeof(float)), y((crelu ? 2 * n : n) * sizeof(float));
  float* xp = x.as<float>();
  float* yp = y.as<float>();
  std::vector<float> alpha(cols, 0.25f);
  std::vector<std::shared_ptr<void>> prepared(static_cast<std::size_t>(threads));
  std::vector<ActivationParams> params(static_cast<std::size_t>(threads));
  // Each thread first touches its own slice (DESIGN §7), with inputs in [-5, 5]: both branches of
  // every op, no saturated fast path. A peer's operator is made there too, for that thread's slice,
  // outside the timed loop and on the thread that runs it (oneDNN's OpenMP setting is per thread).
  team.run([&](int t, Slice rows) {
    const auto i = static_cast<std::size_t>(t);
    std::mt19937 rng(42 + static_cast<unsigned>(t));
    std::uniform_real_distribution<float> dist(-5.0f, 5.0f);
    for (std::size_t e = rows.begin * cols; e < rows.end * cols; ++e) xp[e] = dist(rng);
    const std::size_t out = crelu ? 2 : 1;
    std::fill(yp + out * rows.begin * cols, yp + out * rows.end * cols, 0.0f);
    if (variant.prepare)
      prepared[i] = variant.prepare(variant, {static_cast<std::int64_t>(rows.size()), slice_dims[1]});
    params[i].prelu_alpha = alpha.data();
    params[i].prepared = prepared[i].get();
  });
  const auto fn = variant.as<ActivationFn>();
  activation_on_team(team, fn, xp, yp, cols, crelu, params);  // warm-up: where a peer creates its operator
  const double slice_bytes = op->bytes_per_element * static_cast<double>(team.slice(0).size() * cols);
  const std::int64_t repeats = elementwise_repeats(slice_bytes);
  for (auto _ : state) {
    activation_on_team(team, fn, xp, yp, cols, crelu, params, repeats);
    benchmark::DoNotOptimize(yp);
    benchmark::ClobberMemory();
  }
  if (!std::isfinite(yp[n - 1])) state.SkipWithError("activation result is not finite");
  set_elementwise_rates(state, variant, static_cast<std::int64_t>(n) * repeats, threads);
}

}  // namespace

ARMPERF_REGISTER_KERNEL(KernelFamily{
    .name = "activation",
    .description = "f32 activation functions (relu ... softmax), ULP-bounded",
    .shapes = activation_shapes,
    .run = activation_bench});

}  // namespace armperf::kernels
