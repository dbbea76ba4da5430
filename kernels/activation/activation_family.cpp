#include <benchmark/benchmark.h>

#include <cmath>
#include <random>
#include <vector>

#include "kernels/activation/activation.hpp"
#include "kernels/benchmarks.hpp"
#include "kernels/registry.hpp"

namespace armperf::kernels {
namespace {

std::vector<BenchShape> activation_shapes(const BenchPlan& plan) { return elementwise_shapes(plan, 2, sizeof(float)); }

// The element count as the op reads it: prelu and softmax as rows of 256 channels (64 when n is
// not a multiple of 256; elementwise_shapes gives multiples of 64), the rest as one array.
std::vector<std::int64_t> activation_dims(const ActivationOp& op, std::int64_t n) {
  if (op.shape != ActivationShape::prelu && op.shape != ActivationShape::softmax) return {1, n};
  const std::int64_t cols = n % 256 == 0 ? 256 : 64;
  return {n / cols, cols};
}

void activation_bench(benchmark::State& state, const KernelVariant& variant, const BenchShape& shape) {
  const ActivationOp* op = find_activation_op(variant.op);
  const auto dims = activation_dims(*op, shape.dims.at(0));
  const auto rows = static_cast<std::size_t>(dims[0]), cols = static_cast<std::size_t>(dims[1]);
  const std::size_t n = rows * cols;
  // Inputs in [-5, 5]: both branches of every op, no saturated fast path.
  std::vector<float> x(n), y(op->shape == ActivationShape::crelu ? 2 * n : n), alpha(cols, 0.25f);
  std::mt19937 rng(42);
  std::uniform_real_distribution<float> dist(-5.0f, 5.0f);
  for (auto& v : x) v = dist(rng);
  ActivationParams params;
  params.prelu_alpha = alpha.data();
  const auto prepared = variant.prepare ? variant.prepare(variant, dims) : nullptr;
  params.prepared = prepared.get();
  auto fn = variant.as<ActivationFn>();
  fn(x.data(), y.data(), rows, cols, params);  // warm-up: also where a peer creates its operator
  for (auto _ : state) {
    fn(x.data(), y.data(), rows, cols, params);
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  if (!std::isfinite(y[n - 1])) state.SkipWithError("activation result is not finite");
  set_elementwise_rates(state, variant, static_cast<std::int64_t>(n));
}

}  // namespace

ARMPERF_REGISTER_KERNEL(KernelFamily{.name = "activation",
                                     .description = "f32 activation functions (relu ... softmax), ULP-bounded",
                                     .shapes = activation_shapes,
                                     .run = activation_bench});

}  // namespace armperf::kernels
