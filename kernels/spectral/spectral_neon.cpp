#if !defined(__ARM_NEON)
#error "spectral_neon.cpp needs AdvSIMD (NEON): add it with armperf_add_kernel_family()"
#endif
#include <arm_neon.h>

#include <algorithm>

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

// 4 points per step; the last partial step goes through a zero-padded copy of its points.
void assign_rows(const KmeansAssignArgs& args, Index begin, Index end) {
  const std::int64_t n = args.n;
  for (Index i = begin; i < end; i += 4) {
    const int lanes = static_cast<int>(std::min<Index>(4, end - i));
    float32x4_t best = vdupq_n_f32(__builtin_inff());
    uint32x4_t best_j = vdupq_n_u32(0);
    for (int j = 0; j < args.k; ++j) {
      float32x4_t dist = vdupq_n_f32(0);
      for (int c = 0; c < args.d; ++c) {
        float lane[4] = {0, 0, 0, 0};
        const float* src = args.points + c * n + i;
        float32x4_t p;
        if (lanes == 4) {
          p = vld1q_f32(src);
        } else {
          std::copy(src, src + lanes, lane);
          p = vld1q_f32(lane);
        }
        const float32x4_t diff = vsubq_f32(p, vdupq_n_f32(args.centers[j * args.d + c]));
        dist = vfmaq_f32(dist, diff, diff);
      }
      const uint32x4_t closer = vcltq_f32(dist, best);
      best = vbslq_f32(closer, dist, best);
      best_j = vbslq_u32(closer, vdupq_n_u32(static_cast<std::uint32_t>(j)), best_j);
    }
    float out_d[4];
    std::uint32_t out_j[4];
    vst1q_f32(out_d, best);
    vst1q_u32(out_j, best_j);
    for (int l = 0; l < lanes; ++l) {
      args.labels[i + l] = static_cast<Index>(out_j[l]);
      args.dist2[i + l] = out_d[l];
    }
  }
}

}  // namespace

[[maybe_unused]] static const bool registered =
    register_spectral_rows<Isa::neon, spmv_rows<true>, spmv_rows<false>, assign_rows>();

}  // namespace armperf::kernels::spectral
