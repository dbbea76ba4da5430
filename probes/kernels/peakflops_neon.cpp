#if !defined(__ARM_NEON)
#error "peakflops_neon.cpp needs AdvSIMD: add it with armperf_add_isa_sources()"
#endif
#include <arm_neon.h>

#include "probes/kernels/peakflops_loops.hpp"

namespace armperf::probes {
namespace {

// FMLA adds into its destination: the accumulate chain (peakflops.hpp), one instruction per chain and round.
struct F32x4 : fma_loops::FmaOf<32> {
  static constexpr std::string_view instruction = "fmla";
  static constexpr Chain chain = Chain::accumulate;
  using reg = float32x4_t;
  static std::size_t lanes() { return 4; }
  static reg set1(double v) { return vdupq_n_f32(static_cast<float>(v)); }
  static reg fma(reg acc, reg a, reg b) { return vfmaq_f32(acc, a, b); }  // acc + a·b
  static double sum(reg v) { return vaddvq_f32(v); }
};
struct F64x2 : fma_loops::FmaOf<64> {
  static constexpr std::string_view instruction = "fmla";
  static constexpr Chain chain = Chain::accumulate;
  using reg = float64x2_t;
  static std::size_t lanes() { return 2; }
  static reg set1(double v) { return vdupq_n_f64(v); }
  static reg fma(reg acc, reg a, reg b) { return vfmaq_f64(acc, a, b); }
  static double sum(reg v) { return vaddvq_f64(v); }
};

// 24 of the 32 v registers: above Neoverse V2's 4 pipes × 4 cycles and N1's 2 × 4.
constexpr int kAccumulators = 24;
constinit const FmaKernel kKernels[] = {
    fma_loops::make_fma_kernel<F64x2, kAccumulators>(Isa::neon),
    fma_loops::make_fma_kernel<F32x4, kAccumulators>(Isa::neon),
};
ARMPERF_AT_STARTUP(register_fma_kernels(kKernels));

}  // namespace
}  // namespace armperf::probes
