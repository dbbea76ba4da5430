// NEON bf16 distances on FEAT_BF16: BFDOT multiplies bf16 pairs and adds both products into an f32
// lane, 8 elements per instruction with no widening. Inner product is one BFDOT per step; squared L2
// expands to ||q||^2 + ||b||^2 - 2 q.b (b.b and q.b: two per step), since a difference of two bf16
// values is not a bf16 value; its rounding error is relative to ||q||^2 + ||b||^2 (as in the f32
// search's GEMM path). Runs only where AT_HWCAP2 reports bf16.
#if !defined(__ARM_FEATURE_BF16_VECTOR_ARITHMETIC)
#error "distance_lowp_neon_bf16.cpp needs FEAT_BF16: add it with armperf_add_kernel_family()"
#endif
#include <arm_neon.h>

#include "kernels/knn/distance_lowp_impl.hpp"
#include "kernels/registry.hpp"

namespace armperf::kernels {
namespace {

struct Bfdot {
  static constexpr Dtype dtype = Dtype::bf16;
  static constexpr std::int64_t W = 8;
  struct Acc {
    float32x4_t bb, qb;  // L2: sum b.b and sum q.b; ip: qb only
  };
  static Acc zero() { return {vdupq_n_f32(0.0f), vdupq_n_f32(0.0f)}; }
  static Acc add(Acc a, Acc b) { return {vaddq_f32(a.bb, b.bb), vaddq_f32(a.qb, b.qb)}; }
  static bfloat16x8_t load(const Half* p) { return vreinterpretq_bf16_u16(vld1q_u16(p)); }
  template <Metric M>
  static Acc step(Acc acc, const Half* q, const Half* b) {
    const bfloat16x8_t x = load(q), y = load(b);
    if constexpr (M == Metric::l2) acc.bb = vbfdotq_f32(acc.bb, y, y);
    acc.qb = vbfdotq_f32(acc.qb, x, y);
    return acc;
  }
  template <Metric M>
  static float reduce(Acc a) {
    if constexpr (M == Metric::l2) return vaddvq_f32(vfmaq_n_f32(a.bb, a.qb, -2.0f));
    return vaddvq_f32(a.qb);
  }
  template <Metric M>
  static float bias(const Half* q, std::int64_t n) {
    if constexpr (M == Metric::l2) return lowp_impl::query_norm<Dtype::bf16>(q, n);
    return 0.0f;
  }
};

}  // namespace

ARMPERF_LOWP_DISTANCES(bf16, Isa::neon, "neon_bf16_u16", 16, "bf16", (&lowp_impl::distances<Bfdot, Metric::l2>),
                       (&lowp_impl::distances<Bfdot, Metric::ip>));

}  // namespace armperf::kernels
