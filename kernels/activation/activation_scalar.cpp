#include <sleef.h>

#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "kernels/activation/activation_impl.hpp"
#include "kernels/activation/activation_scalar_lane.hpp"

namespace armperf::kernels {
namespace {

// One float per "vector", Sleef's scalar functions: the same formulations as the vector variants,
// built with -fno-tree-vectorize, so the ratio to them is the value of the SIMD code alone.
struct Scalar : ScalarLane {
  static V round(V a) { return std::rint(a); }  // to nearest even (the default mode); one instruction
  // p 2^n for integral n in [-151, 128] as p 2^(n/2) 2^(n - n/2), like the AVX2 and NEON traits:
  // both factors are normal and only the second product rounds (std::ldexp is a library call).
  static V scale2(V p, V n) {
    const int k = static_cast<int>(n), k1 = k / 2, k2 = k - k1;
    const auto pow2 = [](int e) { return std::bit_cast<float>(static_cast<std::uint32_t>(e + 127) << 23); };
    return p * pow2(k1) * pow2(k2);
  }
  static V shift_to_exponent(V v) { return std::bit_cast<float>(std::bit_cast<std::uint32_t>(v) << 23); }
  static V scale2_floor(V p, V n) { return scale2(p, std::floor(n)); }
  static V lookup16(const float (&table)[16], V v) { return table[std::bit_cast<std::uint32_t>(v) & 15]; }
  static V recip_fast(V d) { return 1.0f / d; }  // no estimate instruction to start from
  static constexpr bool kEstimateBeatsDivision = false;
  static V exp(V a) { return Sleef_expf_u10(a); }
  static V expm1(V a) { return Sleef_expm1f_u10(a); }
  static V log1p(V a) { return Sleef_log1pf_u10(a); }
  static V tanh(V a) { return Sleef_tanhf_u10(a); }
  static V erfc(V a) { return Sleef_erfcf_u15(a); }
};

ARMPERF_AT_STARTUP(register_activation_variants<Scalar, 4>("scalar_u4", Isa::scalar, 4));
ARMPERF_AT_STARTUP(register_activation_variants<WithOwnExp<Scalar>, 4>("scalar_t7_u4", Isa::scalar, 4,
                                                                       "armperf", kExpOnlyOps));
ARMPERF_AT_STARTUP(register_activation_variants<WithOwnPoly<Scalar>, 4>("scalar_p6_u4", Isa::scalar, 4,
                                                                        "armperf", kOwnPolyOps));
ARMPERF_AT_STARTUP(register_activation_variants<WithLutExp<Scalar>, 4>("scalar_lut16_u4", Isa::scalar, 4,
                                                                       "armperf", kLutOps));

}  // namespace
}  // namespace armperf::kernels
