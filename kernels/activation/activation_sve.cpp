#if !defined(__ARM_FEATURE_SVE)
#error "activation_sve.cpp needs SVE: add it with armperf_add_kernel_family()"
#endif
#include <arm_sve.h>
#include <sleef.h>

#include <cstddef>
#include <cstdint>

#include "kernels/activation/activation_impl.hpp"

namespace armperf::kernels {
namespace {

// Vector-length agnostic: lanes() = svcntw(), the tail is an svwhilelt predicate. Arithmetic runs
// under an all-true predicate (_x forms); only memory access is predicated.
struct Sve {
  using V = svfloat32_t;
  using M = svbool_t;
  static std::size_t lanes() { return svcntw(); }
  static svbool_t all() { return svptrue_b32(); }
  static V set1(float v) { return svdup_n_f32(v); }
  static V load(const float* p) { return svld1_f32(all(), p); }
  static void store(float* p, V v) { svst1_f32(all(), p, v); }
  static V load_partial(const float* p, std::size_t k, float fill) {
    const svbool_t pg = svwhilelt_b32_u64(0, k);
    return svsel_f32(pg, svld1_f32(pg, p), set1(fill));
  }
  static void store_partial(float* p, V v, std::size_t k) { svst1_f32(svwhilelt_b32_u64(0, k), p, v); }
  static V add(V a, V b) { return svadd_f32_x(all(), a, b); }
  static V sub(V a, V b) { return svsub_f32_x(all(), a, b); }
  static V mul(V a, V b) { return svmul_f32_x(all(), a, b); }
  static V div(V a, V b) { return svdiv_f32_x(all(), a, b); }
  static V fmadd(V a, V b, V c) { return svmla_f32_x(all(), c, a, b); }
  static V fnmadd(V a, V b, V c) { return svmls_f32_x(all(), c, a, b); }
  static V sqrt(V a) { return svsqrt_f32_x(all(), a); }
  static V abs(V a) { return svabs_f32_x(all(), a); }
  static V neg(V a) { return svneg_f32_x(all(), a); }
  static V nabs(V a) { return svreinterpret_f32_u32(svorr_n_u32_x(all(), svreinterpret_u32_f32(a), 0x80000000u)); }
  static V max(V a, V b) { return svmax_f32_x(all(), a, b); }
  static V min(V a, V b) { return svmin_f32_x(all(), a, b); }
  static M lt(V a, V b) { return svcmplt_f32(all(), a, b); }
  static M le(V a, V b) { return svcmple_f32(all(), a, b); }
  static M gt(V a, V b) { return svcmpgt_f32(all(), a, b); }
  static V select(M m, V a, V b) { return svsel_f32(m, a, b); }
  static float reduce_max(V a) { return svmaxv_f32(all(), a); }
  static float reduce_add(V a) { return svaddv_f32(all(), a); }
  static V round(V a) { return svrintn_f32_x(all(), a); }
  static V scale2(V p, V n) { return svscale_f32_x(all(), p, svcvt_s32_f32_x(all(), n)); }  // FSCALE: one rounding
  static V shift_to_exponent(V v) { return svreinterpret_f32_u32(svlsl_n_u32_x(all(), svreinterpret_u32_f32(v), 23)); }
  static V scale2_floor(V p, V n) { return scale2(p, svrintm_f32_x(all(), n)); }
  // table[low 4 bits of v's pattern] per lane: one TBL per vector-length chunk of the table (one
  // from 512 bits up). TBL gives 0 for an index past its chunk, so the chunks' results add up.
  static V lookup16(const float (&table)[16], V v) {
    const svuint32_t j = svand_n_u32_x(all(), svreinterpret_u32_f32(v), 15);
    V r = svtbl_f32(svld1_f32(svwhilelt_b32_u64(0, 16), table), j);
    for (std::uint64_t base = svcntw(); base < 16; base += svcntw()) {
      const V chunk = svld1_f32(svwhilelt_b32_u64(base, 16), table + base);
      r = svadd_f32_x(all(), r, svtbl_f32(chunk, svsub_n_u32_x(all(), j, static_cast<std::uint32_t>(base))));
    }
    return r;
  }
  // 8-bit estimate, two Newton steps (FRECPS gives 2 - d r in one instruction); used for quotients
  // as on NEON (not measured here: no ARM hardware).
  static constexpr bool kEstimateBeatsDivision = true;
  static V recip_fast(V d) {
    V r = svrecpe_f32(d);
    r = svmul_f32_x(all(), r, svrecps_f32(d, r));
    return svmul_f32_x(all(), r, svrecps_f32(d, r));
  }
  static V exp(V a) { return Sleef_expfx_u10sve(a); }
  static V expm1(V a) { return Sleef_expm1fx_u10sve(a); }
  static V log1p(V a) { return Sleef_log1pfx_u10sve(a); }
  static V tanh(V a) { return Sleef_tanhfx_u10sve(a); }
  static V erfc(V a) { return Sleef_erfcfx_u15sve(a); }
};

// Two vectors per step; tile = 2 vectors at the largest VL (2048 bits: 128 f32), so the tests'
// 1..2*tile sweep covers full steps plus every tail at every VL from 128 to 2048.
ARMPERF_AT_STARTUP(register_activation_variants<Sve, 2>("sve_u2", Isa::sve, 128));
ARMPERF_AT_STARTUP(register_activation_variants<WithOwnExp<Sve>, 2>("sve_t7_u2", Isa::sve, 128, "armperf",
                                                                    kExpOnlyOps));
ARMPERF_AT_STARTUP(register_activation_variants<WithOwnPoly<Sve>, 2>("sve_p6_u2", Isa::sve, 128, "armperf",
                                                                     kOwnPolyOps));
ARMPERF_AT_STARTUP(register_activation_variants<WithLutExp<Sve>, 2>("sve_lut16_u2", Isa::sve, 128, "armperf",
                                                                    kLutOps));

}  // namespace
}  // namespace armperf::kernels
