// SVE bf16 distances on FEAT_BF16 (SVE's BFDOT): bf16 pairs multiplied and both products added into
// an f32 lane, no widening. Inner product is one BFDOT per step; squared L2 expands to ||q||^2 +
// ||b||^2 - 2 q.b (b.b and q.b), as distance_lowp_neon_bf16.cpp explains. Runs only where AT_HWCAP2
// reports svebf16.
#if !defined(__ARM_FEATURE_SVE) || !defined(__ARM_FEATURE_BF16_SCALAR_ARITHMETIC)
#error "distance_lowp_sve_bf16.cpp needs SVE and FEAT_BF16: add it with armperf_add_kernel_family()"
#endif
#include "kernels/knn/distance_lowp_sve.hpp"
#include "kernels/registry.hpp"

namespace armperf::kernels {
namespace {

struct Bfdot {
  static constexpr Dtype dtype = Dtype::bf16;
  static std::int64_t count() { return static_cast<std::int64_t>(svcnth()); }
  static svbool_t pred(std::int64_t j, std::int64_t d) { return svwhilelt_b16_s64(j, d); }
  static svbfloat16_t load(svbool_t pg, const Half* p) { return svreinterpret_bf16_u16(svld1_u16(pg, p)); }
  static svfloat32_t zero() { return svdup_n_f32(0.0f); }
  // a: q.b; c: b.b (L2 only).
  template <Metric M>
  static void step(svfloat32_t& a, svfloat32_t& c, svbfloat16_t x, svbfloat16_t y) {
    if constexpr (M == Metric::l2) c = svbfdot_f32(c, y, y);
    a = svbfdot_f32(a, x, y);
  }
  template <Metric M>
  static float reduce(svfloat32_t a, svfloat32_t c) {
    const svbool_t all = svptrue_b32();
    if constexpr (M == Metric::l2) return svaddv(all, svmla_n_f32_x(all, c, a, -2.0f));
    return svaddv(all, a);
  }
  template <Metric M>
  static float bias(const Half* q, std::int64_t d) {
    if constexpr (M == Metric::l2) return lowp_impl::query_norm<Dtype::bf16>(q, d);
    return 0.0f;
  }
};

}  // namespace

// tile: one step at the largest VL (2048 bits: 128 bf16).
ARMPERF_LOWP_DISTANCES(bf16, Isa::sve, "sve_bf16_u1vl", 128, "svebf16", (&sve_lowp::distances<Bfdot, Metric::l2>),
                       (&sve_lowp::distances<Bfdot, Metric::ip>));
ARMPERF_REGISTER_KERNEL(lowp_search_variant(Dtype::bf16, Isa::sve, "svebf16"));

}  // namespace armperf::kernels
