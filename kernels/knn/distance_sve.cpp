#if !defined(__ARM_FEATURE_SVE)
#error "distance_sve.cpp needs SVE: add it with armperf_add_kernel_family()"
#endif
#include <arm_sve.h>

#include "kernels/knn/knn.hpp"
#include "kernels/knn/knn_family.hpp"
#include "kernels/registry.hpp"

namespace armperf::kernels {
namespace {

// Vector-length agnostic: two vectors of each row per step under svwhilelt predicates, so the tail is
// the last step with part of its lanes off (they load as zero and add nothing), at any VL. Four rows
// share each query load, as in distance_impl.hpp; SVE vectors are sizeless (no arrays), so the rows
// are spelled out by ROWS.
#define ARMPERF_KNN_SVE_ROWS(X) X(0) X(1) X(2) X(3)

template <Metric M>
[[gnu::always_inline]] inline svfloat32_t step(svbool_t all, svfloat32_t acc, svfloat32_t q, svfloat32_t b) {
  if constexpr (M == Metric::l2) {
    const svfloat32_t diff = svsub_x(all, b, q);
    return svmla_x(all, acc, diff, diff);
  } else {
    return svmla_x(all, acc, q, b);
  }
}

template <Metric M>
void four_rows(const float* query, const float* base, std::int64_t d, float* out) {
  const svbool_t all = svptrue_b32();
  const std::int64_t vl = static_cast<std::int64_t>(svcntw());
#define ARMPERF_ZERO(r) svfloat32_t acc##r##a = svdup_n_f32(0.0f), acc##r##b = svdup_n_f32(0.0f);
  ARMPERF_KNN_SVE_ROWS(ARMPERF_ZERO)
#undef ARMPERF_ZERO
  for (std::int64_t j = 0; j < d; j += 2 * vl) {
    const svbool_t p0 = svwhilelt_b32_s64(j, d), p1 = svwhilelt_b32_s64(j + vl, d);
    const svfloat32_t q0 = svld1(p0, query + j), q1 = svld1(p1, query + j + vl);
#define ARMPERF_STEP(r)                                                 \
  acc##r##a = step<M>(all, acc##r##a, q0, svld1(p0, base + (r)*d + j)); \
  acc##r##b = step<M>(all, acc##r##b, q1, svld1(p1, base + (r)*d + j + vl));
    ARMPERF_KNN_SVE_ROWS(ARMPERF_STEP)
#undef ARMPERF_STEP
  }
#define ARMPERF_REDUCE(r) out[r] = svaddv(all, svadd_x(all, acc##r##a, acc##r##b));
  ARMPERF_KNN_SVE_ROWS(ARMPERF_REDUCE)
#undef ARMPERF_REDUCE
}

template <Metric M>
void one_row(const float* query, const float* base, std::int64_t d, float* out) {
  const svbool_t all = svptrue_b32();
  svfloat32_t acc = svdup_n_f32(0.0f);
  for (std::int64_t j = 0; j < d; j += static_cast<std::int64_t>(svcntw())) {
    const svbool_t pg = svwhilelt_b32_s64(j, d);
    acc = step<M>(all, acc, svld1(pg, query + j), svld1(pg, base + j));
  }
  *out = svaddv(all, acc);
}

template <Metric M>
void distances(const float* query, const float* base, std::int64_t nb, std::int64_t d, float* out) {
  std::int64_t i = 0;
  for (; i + 4 <= nb; i += 4) four_rows<M>(query, base + i * d, d, out + i);
  for (; i < nb; ++i) one_row<M>(query, base + i * d, d, out + i);
}

}  // namespace

void f32_l2sq_distance__sve_u2vl(const float* q, const float* b, std::int64_t nb, std::int64_t d,
                                 float* out) {
  distances<Metric::l2>(q, b, nb, d, out);
}
void f32_ip_distance__sve_u2vl(const float* q, const float* b, std::int64_t nb, std::int64_t d, float* out) {
  distances<Metric::ip>(q, b, nb, d, out);
}
// The top-k filter (scan_impl.hpp's loop with predicates): four whole vectors per step under an all-true
// predicate, their hits or-ed into one test, then the rest one vector at a time under WHILELT, so there
// is no scalar tail; the lanes before the first hit are counted with BRKB + CNTP. A WHILELT and a PTEST
// for every vector made the predicate pipe the bound: one vector per ~4 cycles on Neoverse V1 by an
// llvm-mca 19 model, half the NEON scan's rate there (no SVE hardware here to measure it).
namespace {
template <bool kOffsets>
std::int64_t key_scan(const float* values, const float* offsets, float scale, std::int64_t n,
                      float threshold) {
  const std::int64_t vl = static_cast<std::int64_t>(svcntw());
  // Lanes pg of the vector at i whose key is below the threshold (false for NaN).
  const auto below = [&](svbool_t pg, std::int64_t i) {
    const svfloat32_t v = svld1(pg, values + i);
    const svfloat32_t key =
        kOffsets ? svmla_n_f32_x(pg, svld1(pg, offsets + i), v, scale) : svmul_n_f32_x(pg, v, scale);
    return svcmplt_n_f32(pg, key, threshold);
  };
  const auto first = [](svbool_t pg, svbool_t hit, std::int64_t i) {
    return i + static_cast<std::int64_t>(svcntp_b32(pg, svbrkb_z(pg, hit)));
  };
  const svbool_t all = svptrue_b32();
  std::int64_t i = 0;
  for (; i + 4 * vl <= n; i += 4 * vl) {
    // Sizeless predicates cannot form an array: four named ones.
    const svbool_t h0 = below(all, i), h1 = below(all, i + vl), h2 = below(all, i + 2 * vl),
                   h3 = below(all, i + 3 * vl);
    if (!svptest_any(all, svorr_z(all, svorr_z(all, h0, h1), svorr_z(all, h2, h3)))) continue;
    if (svptest_any(all, h0)) return first(all, h0, i);
    if (svptest_any(all, h1)) return first(all, h1, i + vl);
    if (svptest_any(all, h2)) return first(all, h2, i + 2 * vl);
    return first(all, h3, i + 3 * vl);
  }
  for (; i < n; i += vl) {
    const svbool_t pg = svwhilelt_b32_s64(i, n);
    const svbool_t hit = below(pg, i);
    if (svptest_any(pg, hit)) return first(pg, hit, i);
  }
  return n;
}
}  // namespace
std::int64_t f32_key_scan__sve(const float* values, const float* offsets, float scale, std::int64_t n,
                               float threshold) {
  return offsets != nullptr ? key_scan<true>(values, offsets, scale, n, threshold)
                            : key_scan<false>(values, offsets, scale, n, threshold);
}
KnnResult f32_knn_search__sve(const KnnArgs& args) {
  static const KnnKernels kernels = knn_kernels(Isa::sve, &f32_key_scan__sve);
  return knn_search(args, kernels);
}

// tile = two vectors at the largest VL (2048 bits: 128 f32).
ARMPERF_REGISTER_KERNEL(distance_variant("f32_l2sq_distance__sve_u2vl", Metric::l2, Isa::sve, 128,
                                         &f32_l2sq_distance__sve_u2vl));
ARMPERF_REGISTER_KERNEL(distance_variant("f32_ip_distance__sve_u2vl", Metric::ip, Isa::sve, 128,
                                         &f32_ip_distance__sve_u2vl));
ARMPERF_REGISTER_KERNEL(search_variant("f32_knn_search__sve", Isa::sve, &f32_knn_search__sve));

}  // namespace armperf::kernels
