// Scalar FMA chains: the baseline the vector rows are compared with. Registered only where the
// baseline has a fused multiply-add instruction (aarch64: FMADD). x86-64-v2 has none (FMA3 arrives
// with x86-64-v3, i.e. the avx2 level): a mul + add pair would be a different instruction mix with a
// different peak, so on x86 the probe notes the gap instead of measuring something else under this name.
#include <cmath>

#include "probes/kernels/peakflops_loops.hpp"

#if defined(__FP_FAST_FMA) && defined(__FP_FAST_FMAF)
namespace armperf::probes {
namespace {

template <class T>
struct Scalar {
  using reg = T;
  static std::size_t lanes() { return 1; }
  static reg set1(double v) { return static_cast<T>(v); }
  static reg fma(reg acc, reg a, reg b) { return std::fma(acc, a, b); }
  static double sum(reg v) { return static_cast<double>(v); }
};

// 16 of the 32 FP registers: above V2's 4 pipes × 4 cycles.
constexpr int kAccumulators = 16;
[[maybe_unused]] const bool f64 =
    register_fma_kernel(fma_loops::make_fma_kernel<Scalar<double>, kAccumulators>(Isa::scalar, "f64"));
[[maybe_unused]] const bool f32 =
    register_fma_kernel(fma_loops::make_fma_kernel<Scalar<float>, kAccumulators>(Isa::scalar, "f32"));

}  // namespace
}  // namespace armperf::probes
#endif
