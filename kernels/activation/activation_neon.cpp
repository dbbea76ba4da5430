#if !defined(__ARM_NEON)
#error "activation_neon.cpp needs AdvSIMD: add it with armperf_add_kernel_family()"
#endif
#include <arm_neon.h>
#include <sleef.h>

#include <cstddef>
#include <cstring>

#include "kernels/activation/activation_impl.hpp"

namespace armperf::kernels {
namespace {

// 4 f32 lanes. AdvSIMD has no masked memory access: the tail goes through a 4-lane stack buffer.
struct Neon {
  using V = float32x4_t;
  using M = uint32x4_t;
  static std::size_t lanes() { return 4; }
  static V set1(float v) { return vdupq_n_f32(v); }
  static V load(const float* p) { return vld1q_f32(p); }
  static void store(float* p, V v) { vst1q_f32(p, v); }
  static V load_partial(const float* p, std::size_t k, float fill) {
    float buf[4] = {fill, fill, fill, fill};
    std::memcpy(buf, p, k * sizeof(float));
    return vld1q_f32(buf);
  }
  static void store_partial(float* p, V v, std::size_t k) {
    float buf[4];
    vst1q_f32(buf, v);
    std::memcpy(p, buf, k * sizeof(float));
  }
  static V add(V a, V b) { return vaddq_f32(a, b); }
  static V sub(V a, V b) { return vsubq_f32(a, b); }
  static V mul(V a, V b) { return vmulq_f32(a, b); }
  static V div(V a, V b) { return vdivq_f32(a, b); }
  static V fmadd(V a, V b, V c) { return vfmaq_f32(c, a, b); }
  static V fnmadd(V a, V b, V c) { return vfmsq_f32(c, a, b); }
  static V sqrt(V a) { return vsqrtq_f32(a); }
  static V abs(V a) { return vabsq_f32(a); }
  static V neg(V a) { return vnegq_f32(a); }
  static V nabs(V a) { return vreinterpretq_f32_u32(vorrq_u32(vreinterpretq_u32_f32(a), vdupq_n_u32(0x80000000u))); }
  static V max(V a, V b) { return vmaxq_f32(a, b); }
  static V min(V a, V b) { return vminq_f32(a, b); }
  static M lt(V a, V b) { return vcltq_f32(a, b); }
  static M le(V a, V b) { return vcleq_f32(a, b); }
  static M gt(V a, V b) { return vcgtq_f32(a, b); }
  static V select(M m, V a, V b) { return vbslq_f32(m, a, b); }
  static float reduce_max(V a) { return vmaxvq_f32(a); }
  static float reduce_add(V a) { return vaddvq_f32(a); }
  static V round(V a) { return vrndnq_f32(a); }
  // p 2^n for integral n in [-151, 128] as p 2^(n/2) 2^(n - n/2): both factors are normal, and
  // only the second product rounds (into the subnormals when it must).
  static V scale2(V p, V n) {
    const int32x4_t k = vcvtq_s32_f32(n), k1 = vshrq_n_s32(k, 1), k2 = vsubq_s32(k, k1);
    const int32x4_t bias = vdupq_n_s32(127);
    const V s1 = vreinterpretq_f32_s32(vshlq_n_s32(vaddq_s32(k1, bias), 23));
    const V s2 = vreinterpretq_f32_s32(vshlq_n_s32(vaddq_s32(k2, bias), 23));
    return vmulq_f32(vmulq_f32(p, s1), s2);
  }
  static V shift_to_exponent(V v) { return vreinterpretq_f32_u32(vshlq_n_u32(vreinterpretq_u32_f32(v), 23)); }
  static V scale2_floor(V p, V n) { return scale2(p, vrndmq_f32(n)); }
  // table[low 4 bits of v's pattern] per lane by one 64-byte TBL: lane index j becomes the byte
  // indices 4j .. 4j+3 (4j in every byte of the lane, plus 0, 1, 2, 3).
  static V lookup16(const float (&table)[16], V v) {
    const uint8x16x4_t bytes = {{vreinterpretq_u8_f32(vld1q_f32(table)), vreinterpretq_u8_f32(vld1q_f32(table + 4)),
                                 vreinterpretq_u8_f32(vld1q_f32(table + 8)), vreinterpretq_u8_f32(vld1q_f32(table + 12))}};
    const uint32x4_t j4 = vandq_u32(vshlq_n_u32(vreinterpretq_u32_f32(v), 2), vdupq_n_u32(0x3c));
    const uint32x4_t idx = vmlaq_u32(vdupq_n_u32(0x03020100u), j4, vdupq_n_u32(0x01010101u));
    return vreinterpretq_f32_u8(vqtbl4q_u8(bytes, vreinterpretq_u8_u32(idx)));
  }
  // 8-bit estimate, two Newton steps (FRECPS gives 2 - d r in one instruction): error about 2^-32
  // before the final rounding. Used for quotients: FDIV issues once every several cycles on
  // Neoverse cores (not measured here: no ARM hardware).
  static constexpr bool kEstimateBeatsDivision = true;
  static V recip_fast(V d) {
    V r = vrecpeq_f32(d);
    r = vmulq_f32(r, vrecpsq_f32(d, r));
    return vmulq_f32(r, vrecpsq_f32(d, r));
  }
  static V exp(V a) { return Sleef_expf4_u10advsimd(a); }
  static V expm1(V a) { return Sleef_expm1f4_u10advsimd(a); }
  static V log1p(V a) { return Sleef_log1pf4_u10advsimd(a); }
  static V tanh(V a) { return Sleef_tanhf4_u10advsimd(a); }
  static V erfc(V a) { return Sleef_erfcf4_u15advsimd(a); }
};

// Two q registers per step (8 elements); Neoverse N1 has two 128-bit FP pipes.
ARMPERF_AT_STARTUP(register_activation_variants<Neon, 2>("neon_u8", Isa::neon, 8));
ARMPERF_AT_STARTUP(register_activation_variants<WithOwnExp<Neon>, 2>("neon_t7_u8", Isa::neon, 8, "armperf",
                                                                     kExpOnlyOps));
ARMPERF_AT_STARTUP(register_activation_variants<WithOwnPoly<Neon>, 2>("neon_p6_u8", Isa::neon, 8, "armperf",
                                                                      kOwnPolyOps));
ARMPERF_AT_STARTUP(register_activation_variants<WithLutExp<Neon>, 2>("neon_lut16_u8", Isa::neon, 8, "armperf",
                                                                     kLutOps));

}  // namespace
}  // namespace armperf::kernels
