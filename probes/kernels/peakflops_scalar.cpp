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
struct Scalar : fma_loops::FmaOf<sizeof(T) * 8> {
  static constexpr std::string_view instruction = "fmadd";
  using reg = T;
  static std::size_t lanes() { return 1; }
  static reg set1(double v) { return static_cast<T>(v); }
  static reg fma(reg acc, reg a, reg b) { return std::fma(acc, a, b); }
  static double sum(reg v) { return static_cast<double>(v); }
};

// 16 of the 32 FP registers: above V2's 4 pipes × 4 cycles.
constexpr int kAccumulators = 16;
constinit const FmaKernel kKernels[] = {
    fma_loops::make_fma_kernel<Scalar<double>, kAccumulators>(Isa::scalar),
    fma_loops::make_fma_kernel<Scalar<float>, kAccumulators>(Isa::scalar),
};
ARMPERF_AT_STARTUP(register_fma_kernels(kKernels));

}  // namespace
}  // namespace armperf::probes
#endif
