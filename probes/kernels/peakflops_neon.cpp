#if !defined(__ARM_NEON)
#error "peakflops_neon.cpp needs AdvSIMD: add it with armperf_add_isa_sources()"
#endif
#include <arm_neon.h>

#include "probes/kernels/peakflops_loops.hpp"

namespace armperf::probes {
namespace {

struct F32x4 {
  using reg = float32x4_t;
  using scalar = float;
  static constexpr std::size_t lanes = 4;
  static reg set1(float v) { return vdupq_n_f32(v); }
  static reg fma(reg acc, reg a, reg b) { return vfmaq_f32(b, acc, a); }  // b + acc·a
  static void store(float* p, reg v) { vst1q_f32(p, v); }
};
struct F64x2 {
  using reg = float64x2_t;
  using scalar = double;
  static constexpr std::size_t lanes = 2;
  static reg set1(double v) { return vdupq_n_f64(v); }
  static reg fma(reg acc, reg a, reg b) { return vfmaq_f64(b, acc, a); }
  static void store(double* p, reg v) { vst1q_f64(p, v); }
};

// 24 of the 32 v registers: above Neoverse V2's 4 pipes × 4 cycles and N1's 2 × 4.
constexpr int kAccumulators = 24;
[[maybe_unused]] const bool f64 = register_fma_kernel(fma_loops::make_fma_kernel<F64x2, kAccumulators>(Isa::neon, "f64"));
[[maybe_unused]] const bool f32 = register_fma_kernel(fma_loops::make_fma_kernel<F32x4, kAccumulators>(Isa::neon, "f32"));

}  // namespace
}  // namespace armperf::probes
