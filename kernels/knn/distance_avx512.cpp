#if !defined(__AVX512F__)
#error "distance_avx512.cpp needs AVX-512F: add it with armperf_add_kernel_family()"
#endif
#include <immintrin.h>

#include "kernels/knn/distance_impl.hpp"
#include "kernels/knn/knn_family.hpp"
#include "kernels/knn/scan_impl.hpp"
#include "kernels/registry.hpp"

namespace armperf::kernels {
namespace {

struct Zmm {
  using V = __m512;
  static constexpr int lanes = 16;
  using Mask = __mmask16;
  // 8 rows x kChains = 16 of the 32 zmm accumulate: query loads and loop trips shared by twice the
  // rows. Measured on Zen 5 (page-aligned, CPU time): 48 x 128 L2 in 104-110 ns against 118-122 ns
  // with 4 rows, 8 x 768 in 74 against 84 ns, 1024 x 128 (L2-resident) within 3 %.
  static constexpr int rows = 8;
  static V zero() { return _mm512_setzero_ps(); }
  static V set1(float x) { return _mm512_set1_ps(x); }
  static V load(const float* p) { return _mm512_loadu_ps(p); }
  // Masked-off lanes are neither read (no fault past the row's end) nor kept: they load as zero.
  static V load_tail(const float* p, std::int64_t n) {
    return _mm512_maskz_loadu_ps(static_cast<__mmask16>((1u << n) - 1), p);
  }
  static V sub(V a, V b) { return _mm512_sub_ps(a, b); }
  static V add(V a, V b) { return _mm512_add_ps(a, b); }
  static V fma(V a, V b, V acc) { return _mm512_fmadd_ps(a, b, acc); }
  static Mask less(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ); }
  static Mask either(Mask a, Mask b) { return static_cast<Mask>(a | b); }
  static int first(Mask m) { return m == 0 ? lanes : __builtin_ctz(m); }
  // By halves, with zero-masking extracts: the plain ones, the cast and _mm512_reduce_add_ps start from
  // _mm256_undefined_ps(), which trips GCC 12's -Wmaybe-uninitialized.
  static float reduce(V a) {
    const __m256 h =
        _mm256_add_ps(_mm512_maskz_extractf32x8_ps(0xFF, a, 0), _mm512_maskz_extractf32x8_ps(0xFF, a, 1));
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    return _mm_cvtss_f32(_mm_add_ss(s, _mm_movehdup_ps(s)));
  }
  // Four rows' sums at once: each folded to 256 bits, then three horizontal adds and one 128-bit add
  // leave [a, b, c, d] in one register (14 shuffles and adds instead of 4 x 9).
  static __m256 half_sum(V a) {
    return _mm256_add_ps(_mm512_maskz_extractf32x8_ps(0xFF, a, 0), _mm512_maskz_extractf32x8_ps(0xFF, a, 1));
  }
  static void reduce4(V a, V b, V c, V d, float* out) {
    const __m256 s =
        _mm256_hadd_ps(_mm256_hadd_ps(half_sum(a), half_sum(b)), _mm256_hadd_ps(half_sum(c), half_sum(d)));
    _mm_storeu_ps(out, _mm_add_ps(_mm256_castps256_ps128(s), _mm256_extractf128_ps(s, 1)));
  }
};

}  // namespace

void f32_l2sq_distance__avx512_u32(const float* q, const float* b, std::int64_t nb, std::int64_t d,
                                   float* out) {
  distance_impl::distances<Zmm, Metric::l2>(q, b, nb, d, out);
}
void f32_ip_distance__avx512_u32(const float* q, const float* b, std::int64_t nb, std::int64_t d,
                                 float* out) {
  distance_impl::distances<Zmm, Metric::ip>(q, b, nb, d, out);
}
std::int64_t f32_key_scan__avx512(const float* values, const float* offsets, float scale, std::int64_t n,
                                  float threshold) {
  return scan_impl::first_below<Zmm>(values, offsets, scale, n, threshold);
}
KnnResult f32_knn_search__avx512(const KnnArgs& args) {
  static const KnnKernels kernels = knn_kernels(Isa::avx512, &f32_key_scan__avx512);
  return knn_search(args, kernels);
}

ARMPERF_REGISTER_KERNEL(distance_variant("f32_l2sq_distance__avx512_u32", Metric::l2, Isa::avx512, 32,
                                         &f32_l2sq_distance__avx512_u32));
ARMPERF_REGISTER_KERNEL(distance_variant("f32_ip_distance__avx512_u32", Metric::ip, Isa::avx512, 32,
                                         &f32_ip_distance__avx512_u32));
ARMPERF_REGISTER_KERNEL(search_variant("f32_knn_search__avx512", Isa::avx512, &f32_knn_search__avx512));

}  // namespace armperf::kernels
