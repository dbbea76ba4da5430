// SVE low-precision distances on base SVE: f16 loaded into the low half of 32-bit lanes (LD1H
// zero-extending) and widened by FCVT, f32 FMLA accumulating; int8 by SDOT (inner product) and UDOT
// of SABD's |q - b| (squared L2: <= 254, exact as uint8, since int8 data never holds -128). SDOT/UDOT
// are base SVE. bf16 (BFDOT) is in distance_lowp_sve_bf16.cpp.
#if !defined(__ARM_FEATURE_SVE)
#error "distance_lowp_sve.cpp needs SVE: add it with armperf_add_kernel_family()"
#endif
#include "kernels/knn/distance_lowp_sve.hpp"
#include "kernels/registry.hpp"

namespace armperf::kernels {
namespace {

struct F16 {
  static constexpr Dtype dtype = Dtype::f16;
  static std::int64_t count() { return static_cast<std::int64_t>(svcntw()); }
  static svbool_t pred(std::int64_t j, std::int64_t d) { return svwhilelt_b32_s64(j, d); }
  static svfloat32_t load(svbool_t pg, const Half* p) {
    return svcvt_f32_f16_x(svptrue_b32(), svreinterpret_f16_u32(svld1uh_u32(pg, p)));
  }
  static svfloat32_t zero() { return svdup_n_f32(0.0f); }
  template <Metric M>
  static void step(svfloat32_t& a, svfloat32_t&, svfloat32_t x, svfloat32_t y) {
    const svbool_t all = svptrue_b32();
    if constexpr (M == Metric::l2) {
      const svfloat32_t diff = svsub_x(all, y, x);
      a = svmla_x(all, a, diff, diff);
    } else {
      a = svmla_x(all, a, x, y);
    }
  }
  template <Metric>
  static float reduce(svfloat32_t a, svfloat32_t) { return svaddv(svptrue_b32(), a); }
  template <Metric>
  static float bias(const Half*, std::int64_t) { return 0.0f; }
};

struct Int8 {
  static constexpr Dtype dtype = Dtype::int8;
  static std::int64_t count() { return static_cast<std::int64_t>(svcntb()); }
  static svbool_t pred(std::int64_t j, std::int64_t d) { return svwhilelt_b8_s64(j, d); }
  static svint8_t load(svbool_t pg, const std::int8_t* p) { return svld1_s8(pg, p); }
  static svint32_t zero() { return svdup_n_s32(0); }
  template <Metric M>
  static void step(svint32_t& a, svint32_t&, svint8_t x, svint8_t y) {
    if constexpr (M == Metric::l2) {
      const svuint8_t diff = svreinterpret_u8_s8(svabd_s8_x(svptrue_b8(), x, y));
      a = svreinterpret_s32_u32(svdot_u32(svreinterpret_u32_s32(a), diff, diff));
    } else {
      a = svdot_s32(a, x, y);
    }
  }
  template <Metric>
  static std::int32_t reduce(svint32_t a, svint32_t) {
    return static_cast<std::int32_t>(svaddv_s32(svptrue_b32(), a));
  }
  template <Metric>
  static std::int32_t bias(const std::int8_t*, std::int64_t) { return 0; }
};

}  // namespace

// tile: one step at the largest VL (2048 bits: 64 f16 in 32-bit lanes, 256 int8).
ARMPERF_LOWP_DISTANCES(f16, Isa::sve, "sve_u1vl", 64, "", (&sve_lowp::distances<F16, Metric::l2>),
                       (&sve_lowp::distances<F16, Metric::ip>));
ARMPERF_LOWP_DISTANCES(int8, Isa::sve, "sve_u1vl", 256, "", (&sve_lowp::distances<Int8, Metric::l2>),
                       (&sve_lowp::distances<Int8, Metric::ip>));
ARMPERF_REGISTER_KERNEL(lowp_search_variant(Dtype::f16, Isa::sve));
ARMPERF_REGISTER_KERNEL(lowp_search_variant(Dtype::int8, Isa::sve));

}  // namespace armperf::kernels
