#if !defined(__ARM_NEON)
#error "spectral_neon.cpp needs AdvSIMD (NEON): add it with armperf_add_kernel_family()"
#endif
#include <arm_neon.h>

#include "kernels/spectral/isa_kernels.hpp"

namespace armperf::kernels::spectral {
namespace {

// AdvSIMD has no gather: four x elements go into lanes with ld1 {v}[lane], then one fmla per four
// entries and two accumulators so consecutive fmla do not wait on each other. The tail is scalar.
template <bool kValues>
void spmv_rows(const SpmvArgs& args, Index begin, Index end) {
  const CsrRef& a = args.a;
  for (Index i = begin; i < end; ++i) {
    const Index p0 = a.row_ptr[i], p1 = a.row_ptr[i + 1];
    float32x4_t acc0 = vdupq_n_f32(0), acc1 = vdupq_n_f32(0);
    Index p = p0;
    auto gather4 = [&](Index q) {
      float32x4_t x = vdupq_n_f32(0);
      x = vld1q_lane_f32(args.x + a.col[q], x, 0);
      x = vld1q_lane_f32(args.x + a.col[q + 1], x, 1);
      x = vld1q_lane_f32(args.x + a.col[q + 2], x, 2);
      return vld1q_lane_f32(args.x + a.col[q + 3], x, 3);
    };
    for (; p + 8 <= p1; p += 8) {
      const float32x4_t x0 = gather4(p), x1 = gather4(p + 4);
      if constexpr (kValues) {
        acc0 = vfmaq_f32(acc0, vld1q_f32(a.val + p), x0);
        acc1 = vfmaq_f32(acc1, vld1q_f32(a.val + p + 4), x1);
      } else {
        acc0 = vaddq_f32(acc0, x0);
        acc1 = vaddq_f32(acc1, x1);
      }
    }
    float acc = vaddvq_f32(vaddq_f32(acc0, acc1));
    for (; p < p1; ++p) {
      const float x = args.x[a.col[p]];
      acc += kValues ? a.val[p] * x : x;
    }
    args.y[i] = spmv_finish(args, i, acc);
  }
}

}  // namespace

ARMPERF_AT_STARTUP(register_spectral_rows<Isa::neon, spmv_rows<true>, spmv_rows<false>>());

}  // namespace armperf::kernels::spectral
