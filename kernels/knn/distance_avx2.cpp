#if !defined(__AVX2__) || !defined(__FMA__)
#error "distance_avx2.cpp needs AVX2 and FMA: add it with armperf_add_kernel_family()"
#endif
#include <immintrin.h>

#include "kernels/knn/distance_impl.hpp"
#include "kernels/knn/knn_family.hpp"
#include "kernels/knn/scan_impl.hpp"
#include "kernels/registry.hpp"

namespace armperf::kernels {
namespace {

struct Ymm {
  using V = __m256;
  static constexpr int lanes = 8;
  using Mask = __m256;  // all-ones lanes from a compare
  static V zero() { return _mm256_setzero_ps(); }
  static V set1(float x) { return _mm256_set1_ps(x); }
  static V load(const float* p) { return _mm256_loadu_ps(p); }
  // vmaskmovps reads only the active lanes (no fault past the row's end) and zeroes the rest.
  static V load_tail(const float* p, std::int64_t n) {
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_maskload_ps(p, _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(n)), lane));
  }
  static V sub(V a, V b) { return _mm256_sub_ps(a, b); }
  static V add(V a, V b) { return _mm256_add_ps(a, b); }
  static V fma(V a, V b, V acc) { return _mm256_fmadd_ps(a, b, acc); }
  static Mask less(V a, V b) { return _mm256_cmp_ps(a, b, _CMP_LT_OQ); }
  static Mask either(Mask a, Mask b) { return _mm256_or_ps(a, b); }
  static int first(Mask m) {
    const int bits = _mm256_movemask_ps(m);
    return bits == 0 ? lanes : __builtin_ctz(static_cast<unsigned>(bits));
  }
  static float reduce(V a) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    return _mm_cvtss_f32(_mm_add_ss(s, _mm_movehdup_ps(s)));
  }
  // Four rows' sums at once: three horizontal adds and one 128-bit add leave [a, b, c, d].
  static void reduce4(V a, V b, V c, V d, float* out) {
    const __m256 s = _mm256_hadd_ps(_mm256_hadd_ps(a, b), _mm256_hadd_ps(c, d));
    _mm_storeu_ps(out, _mm_add_ps(_mm256_castps256_ps128(s), _mm256_extractf128_ps(s, 1)));
  }
};

}  // namespace

void f32_l2sq_distance__avx2_u16(const float* q, const float* b, std::int64_t nb, std::int64_t d,
                                 float* out) {
  distance_impl::distances<Ymm, Metric::l2>(q, b, nb, d, out);
}
void f32_ip_distance__avx2_u16(const float* q, const float* b, std::int64_t nb, std::int64_t d, float* out) {
  distance_impl::distances<Ymm, Metric::ip>(q, b, nb, d, out);
}
std::int64_t f32_key_scan__avx2(const float* values, const float* offsets, float scale, std::int64_t n,
                                float threshold) {
  return scan_impl::first_below<Ymm>(values, offsets, scale, n, threshold);
}
KnnResult f32_knn_search__avx2(const KnnArgs& args) {
  static const KnnKernels kernels = knn_kernels(Isa::avx2, &f32_key_scan__avx2);
  return knn_search(args, kernels);
}

ARMPERF_REGISTER_KERNEL(distance_variant("f32_l2sq_distance__avx2_u16", Metric::l2, Isa::avx2, 16,
                                         &f32_l2sq_distance__avx2_u16));
ARMPERF_REGISTER_KERNEL(distance_variant("f32_ip_distance__avx2_u16", Metric::ip, Isa::avx2, 16,
                                         &f32_ip_distance__avx2_u16));
ARMPERF_REGISTER_KERNEL(search_variant("f32_knn_search__avx2", Isa::avx2, &f32_knn_search__avx2));

}  // namespace armperf::kernels
