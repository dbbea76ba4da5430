// FP16 FMLA (FEAT_FP16, Armv8.2): 8 half-precision lanes per 128-bit register, on the same FMA pipes
// as f32. Runs only where HWCAP says asimdhp (core/isa's "fp16").
#if !defined(__ARM_FEATURE_FP16_VECTOR_ARITHMETIC)
#error "peakflops_neon_fp16.cpp needs +fp16: add it with armperf_add_isa_sources()"
#endif
#include <arm_neon.h>

#include "probes/kernels/peakflops_loops.hpp"

namespace armperf::probes {
namespace {

struct F16x8 : fma_loops::FmaOf<16> {
  static constexpr std::string_view instruction = "fmla";
  static constexpr std::string_view feature = "fp16";
  static constexpr Chain chain = Chain::accumulate;  // FMLA adds into its destination (peakflops_neon.cpp)
  using reg = float16x8_t;
  static std::size_t lanes() { return 8; }
  static reg set1(double v) { return vdupq_n_f16(static_cast<float16_t>(v)); }
  static reg fma(reg acc, reg a, reg b) { return vfmaq_f16(acc, a, b); }  // acc + a·b
  static double sum(reg v) {
    const float32x4_t s = vaddq_f32(vcvt_f32_f16(vget_low_f16(v)), vcvt_f32_f16(vget_high_f16(v)));
    return vaddvq_f32(s);
  }
};

// As the f32 file: 24 of the 32 v registers.
constexpr int kAccumulators = 24;
constinit const FmaKernel kKernels[] = {fma_loops::make_fma_kernel<F16x8, kAccumulators>(Isa::neon)};
ARMPERF_AT_STARTUP(register_fma_kernels(kKernels));

}  // namespace
}  // namespace armperf::probes
