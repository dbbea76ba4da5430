#if !defined(__AVX512F__)
#error "activation_avx512.cpp needs AVX-512F: add it with armperf_add_kernel_family()"
#endif
// GCC 12 flags the _mm512_undefined_ps() pass-through operand inside avx512fintrin.h's own sqrt,
// max and extract intrinsics as maybe-uninitialized once they are inlined: a false positive.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#include <sleef.h>

#include <cstddef>

#include "kernels/activation/activation_impl.hpp"

namespace armperf::kernels {
namespace {

// 16 f32 lanes; the tail is a masked load/store, so no scalar loop and no over-read.
struct Avx512 {
  using V = __m512;
  using M = __mmask16;
  static std::size_t lanes() { return 16; }
  static V set1(float v) { return _mm512_set1_ps(v); }
  static V load(const float* p) { return _mm512_loadu_ps(p); }
  static void store(float* p, V v) { _mm512_storeu_ps(p, v); }
  static M tail(std::size_t k) { return static_cast<M>((1u << k) - 1); }
  static V load_partial(const float* p, std::size_t k, float fill) {
    return _mm512_mask_loadu_ps(set1(fill), tail(k), p);
  }
  static void store_partial(float* p, V v, std::size_t k) { _mm512_mask_storeu_ps(p, tail(k), v); }
  static V add(V a, V b) { return _mm512_add_ps(a, b); }
  static V sub(V a, V b) { return _mm512_sub_ps(a, b); }
  static V mul(V a, V b) { return _mm512_mul_ps(a, b); }
  static V div(V a, V b) { return _mm512_div_ps(a, b); }
  static V fmadd(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
  static V fnmadd(V a, V b, V c) { return _mm512_fnmadd_ps(a, b, c); }
  static V sqrt(V a) { return _mm512_sqrt_ps(a); }
  static V abs(V a) { return _mm512_abs_ps(a); }
  static V nabs(V a) { return _mm512_castsi512_ps(_mm512_or_si512(_mm512_castps_si512(a), _mm512_set1_epi32(INT32_MIN))); }
  static V neg(V a) { return _mm512_castsi512_ps(_mm512_xor_si512(_mm512_castps_si512(a), _mm512_set1_epi32(INT32_MIN))); }
  // Sigmoid's selections (activation_impl.hpp). vrangeps: the operand of smaller magnitude (imm
  // bits 1:0 = 10) with the sign set (bits 3:2 = 11); it returns -hi for NaN, which neg_or_one
  // restores. vfixupimmps picks per class of x (one nibble per class, lowest first: QNaN, SNaN,
  // zero, 1, -inf, +inf, negative, positive): NaN of x (2), +1 (A), or e itself (0).
  static V nabs_min(V a, float hi) { return _mm512_range_ps(set1(hi), a, 0xe); }
  static V neg_or_one(V x, V e) { return _mm512_fixupimm_ps(e, x, _mm512_set1_epi32(0xA0A0AA22), 0); }
  // Elu's selection the same way: x itself (1) for NaN, +-0, 1, +inf and positive x, em1 (0) for
  // negative x, and -1 (9) for -inf.
  static V pos_or(V x, V em1) { return _mm512_fixupimm_ps(em1, x, _mm512_set1_epi32(0x10191122), 0); }
  // The *_lut16r sigmoid's clamp: x with its magnitude limited to hi and its sign kept (imm 0010:
  // the smaller magnitude, the sign of the first operand). A NaN x becomes +-hi on Zen 5 and stays
  // NaN per the SDM; the caller keeps NaN through another path either way.
  static V clamp_mag(V x, float hi) { return _mm512_range_ps(x, set1(hi), 0x2); }
  static V fnmsub(V a, V b, V c) { return _mm512_fnmsub_ps(a, b, c); }  // -(a b) - c, one rounding
  static V max(V a, V b) { return _mm512_max_ps(a, b); }
  static V min(V a, V b) { return _mm512_min_ps(a, b); }
  static M lt(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ); }
  static M le(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_LE_OQ); }
  static M gt(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_GT_OQ); }
  static V select(M m, V a, V b) { return _mm512_mask_blend_ps(m, b, a); }
  static float reduce_max(V a) { return _mm512_reduce_max_ps(a); }
  static float reduce_add(V a) { return _mm512_reduce_add_ps(a); }
  static V round(V a) { return _mm512_roundscale_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
  static V scale2(V p, V n) { return _mm512_scalef_ps(p, n); }  // p 2^n, one rounding, no overflow trap
  static V shift_to_exponent(V v) { return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_castps_si512(v), 23)); }
  static V scale2_floor(V p, V n) { return _mm512_scalef_ps(p, n); }  // vscalefps takes floor(n) itself
  // table[low 4 bits of v's pattern] per lane: one permute, the 16 floats filling one zmm.
  static V lookup16(const float (&table)[16], V v) {
    return _mm512_permutexvar_ps(_mm512_castps_si512(v), _mm512_loadu_ps(table));
  }
  // table[low 5 bits of v's pattern] per lane: one vpermt2ps over the table's two zmm.
  static V lookup32(const float (&table)[32], V v) {
    return _mm512_permutex2var_ps(_mm512_loadu_ps(table), _mm512_castps_si512(v), _mm512_loadu_ps(table + 16));
  }
  // 14-bit estimate, one Newton step: error about 2^-28 before the final rounding. Not used for
  // plain quotients: vdivps is the faster (measured on Zen 5, 1 thread: gelu_tanh 24.6 GB/s with it,
  // 20.4 with the estimate; sigmoid and silu the same way).
  static constexpr bool kEstimateBeatsDivision = false;
  static V recip_fast(V d) { return newton_recip<Avx512>(d, _mm512_rcp14_ps(d)); }
  static V exp(V a) { return Sleef_expf16_u10avx512f(a); }
  static V expm1(V a) { return Sleef_expm1f16_u10avx512f(a); }
  static V log1p(V a) { return Sleef_log1pf16_u10avx512f(a); }
  static V tanh(V a) { return Sleef_tanhf16_u10avx512f(a); }
  static V erfc(V a) { return Sleef_erfcf16_u15avx512f(a); }
};

// Two zmm per step (32 elements): enough independent work to cover Sleef's latency chains.
ARMPERF_AT_STARTUP(register_activation_variants<Avx512, 2>("avx512_u32", Isa::avx512, 32));
ARMPERF_AT_STARTUP(register_activation_variants<WithOwnExp<Avx512>, 2>("avx512_t7_u32", Isa::avx512, 32,
                                                                       "armperf", kExpOnlyOps));
ARMPERF_AT_STARTUP(register_activation_variants<WithOwnPoly<Avx512>, 2>("avx512_p6_u32", Isa::avx512, 32,
                                                                        "armperf", kOwnPolyOps));
// Four zmm per step for the table variants, as the peer they are measured against (XNNPACK) does.
ARMPERF_AT_STARTUP(register_activation_variants<WithLutExp<Avx512>, 4>("avx512_lut16_u64", Isa::avx512, 64,
                                                                       "armperf", kLutOps));
ARMPERF_AT_STARTUP(register_activation_variants<WithLutRecipSigmoid<Avx512>, 4>("avx512_lut16r_u64",
                                                                                Isa::avx512, 64, "armperf",
                                                                                kLut16rOps));
ARMPERF_AT_STARTUP(register_activation_variants<WithLut32Exp<Avx512>, 4>("avx512_lut32_u64", Isa::avx512, 64,
                                                                         "armperf", kLut32Ops));

}  // namespace
}  // namespace armperf::kernels
