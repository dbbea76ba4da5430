#if !defined(__AVX2__) || !defined(__FMA__)
#error "activation_avx2.cpp needs AVX2 and FMA: add it with armperf_add_kernel_family()"
#endif
#include <immintrin.h>
#include <sleef.h>

#include <cstddef>

#include "kernels/activation/activation_impl.hpp"

namespace armperf::kernels {
namespace {

// 8 f32 lanes; the tail uses AVX's vmaskmovps (masked-off lanes are neither read nor written).
struct Avx2 {
  using V = __m256;
  using M = __m256;
  static std::size_t lanes() { return 8; }
  static V set1(float v) { return _mm256_set1_ps(v); }
  static V load(const float* p) { return _mm256_loadu_ps(p); }
  static void store(float* p, V v) { _mm256_storeu_ps(p, v); }
  static __m256i tail(std::size_t k) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(k)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  }
  static V load_partial(const float* p, std::size_t k, float fill) {
    const __m256i m = tail(k);
    return _mm256_blendv_ps(set1(fill), _mm256_maskload_ps(p, m), _mm256_castsi256_ps(m));
  }
  static void store_partial(float* p, V v, std::size_t k) { _mm256_maskstore_ps(p, tail(k), v); }
  static V add(V a, V b) { return _mm256_add_ps(a, b); }
  static V sub(V a, V b) { return _mm256_sub_ps(a, b); }
  static V mul(V a, V b) { return _mm256_mul_ps(a, b); }
  static V div(V a, V b) { return _mm256_div_ps(a, b); }
  static V fmadd(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
  static V fnmadd(V a, V b, V c) { return _mm256_fnmadd_ps(a, b, c); }
  static V sqrt(V a) { return _mm256_sqrt_ps(a); }
  static V abs(V a) { return _mm256_andnot_ps(set1(-0.0f), a); }
  static V neg(V a) { return _mm256_xor_ps(set1(-0.0f), a); }
  static V nabs(V a) { return _mm256_or_ps(set1(-0.0f), a); }
  static V max(V a, V b) { return _mm256_max_ps(a, b); }
  static V min(V a, V b) { return _mm256_min_ps(a, b); }
  static M lt(V a, V b) { return _mm256_cmp_ps(a, b, _CMP_LT_OQ); }
  static M le(V a, V b) { return _mm256_cmp_ps(a, b, _CMP_LE_OQ); }
  static M gt(V a, V b) { return _mm256_cmp_ps(a, b, _CMP_GT_OQ); }
  static V select(M m, V a, V b) { return _mm256_blendv_ps(b, a, m); }
  static float reduce_max(V a) {
    __m128 r = _mm_max_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
    r = _mm_max_ps(r, _mm_movehl_ps(r, r));
    return _mm_cvtss_f32(_mm_max_ss(r, _mm_movehdup_ps(r)));
  }
  static float reduce_add(V a) {
    __m128 r = _mm_add_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
    r = _mm_add_ps(r, _mm_movehl_ps(r, r));
    return _mm_cvtss_f32(_mm_add_ss(r, _mm_movehdup_ps(r)));
  }
  static V round(V a) { return _mm256_round_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
  // p 2^n for integral n in [-151, 128] as p 2^(n/2) 2^(n - n/2): both factors are normal, and
  // only the second product rounds (into the subnormals when it must).
  static V scale2(V p, V n) {
    const __m256i k = _mm256_cvtps_epi32(n), k1 = _mm256_srai_epi32(k, 1), k2 = _mm256_sub_epi32(k, k1);
    const __m256i bias = _mm256_set1_epi32(127);
    const V s1 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(k1, bias), 23));
    const V s2 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(k2, bias), 23));
    return mul(mul(p, s1), s2);
  }
  static V shift_to_exponent(V v) { return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_castps_si256(v), 23)); }
  static V scale2_floor(V p, V n) { return scale2(p, _mm256_floor_ps(n)); }
  // table[low 4 bits of v's pattern] per lane: each 8-entry half by one permute, the half chosen by
  // bit 3 (shifted into the sign bit, which blendv reads).
  static V lookup16(const float (&table)[16], V v) {
    const __m256i idx = _mm256_castps_si256(v);
    const V lo = _mm256_permutevar8x32_ps(_mm256_loadu_ps(table), idx);
    const V hi = _mm256_permutevar8x32_ps(_mm256_loadu_ps(table + 8), idx);
    return _mm256_blendv_ps(lo, hi, _mm256_castsi256_ps(_mm256_slli_epi32(idx, 28)));
  }
  // 12-bit estimate (relative error up to 1.5 2^-12): one Newton step would leave up to 2 ulp, two leave
  // the final rounding. Not used for plain quotients: vdivps is the faster (measured on Zen 5, 1 thread:
  // gelu_tanh 9.0 GB/s with it, 8.4 with the estimate).
  static constexpr bool kEstimateBeatsDivision = false;
  static V recip_fast(V d) { return newton_recip<Avx2>(d, newton_recip<Avx2>(d, _mm256_rcp_ps(d))); }
  static V exp(V a) { return Sleef_expf8_u10avx2(a); }
  static V expm1(V a) { return Sleef_expm1f8_u10avx2(a); }
  static V log1p(V a) { return Sleef_log1pf8_u10avx2(a); }
  static V tanh(V a) { return Sleef_tanhf8_u10avx2(a); }
  static V erfc(V a) { return Sleef_erfcf8_u15avx2(a); }
};

// Two ymm per step (16 elements).
ARMPERF_AT_STARTUP(register_activation_variants<Avx2, 2>("avx2_u16", Isa::avx2, 16));
ARMPERF_AT_STARTUP(register_activation_variants<WithOwnExp<Avx2>, 2>("avx2_t7_u16", Isa::avx2, 16, "armperf",
                                                                     kExpOnlyOps));
ARMPERF_AT_STARTUP(register_activation_variants<WithOwnPoly<Avx2>, 2>("avx2_p6_u16", Isa::avx2, 16, "armperf",
                                                                      kOwnPolyOps));
ARMPERF_AT_STARTUP(register_activation_variants<WithLutExp<Avx2>, 2>("avx2_lut16_u16", Isa::avx2, 16,
                                                                     "armperf", kLutOps));

}  // namespace
}  // namespace armperf::kernels
