// SVE BFDOT and BFMMLA (FEAT_BF16 with SVE): as the NEON ones, per 128-bit segment of the vector
// length in use. Runs only where HWCAP2 says svebf16.
#if !defined(__ARM_FEATURE_SVE) || !defined(__ARM_FEATURE_BF16_VECTOR_ARITHMETIC)
#error "peakflops_sve_bf16.cpp needs +sve+bf16: add it with armperf_add_isa_sources()"
#endif
#include <arm_sve.h>

#include <bit>

#include "probes/kernels/peakflops_loops.hpp"

namespace armperf::probes {
namespace {

template <bool kMatrix>
struct Bf16Vl {
  static constexpr std::string_view dtype = "bf16";
  static constexpr std::string_view instruction = kMatrix ? "bfmmla" : "bfdot";
  static constexpr std::string_view feature = "svebf16";
  static constexpr Chain chain = Chain::dot;
  static constexpr int lane_bits = 32;
  using reg = svfloat32_t;
  using in = svbfloat16_t;
  static std::size_t lanes() { return svcntw(); }
  static reg set1(double v) { return svdup_f32(static_cast<float>(v)); }
  // bf16 is the upper half of an f32: exact for the small integers the probe and tests use.
  static in operand(double v) {
    const auto bits = static_cast<std::uint16_t>(std::bit_cast<std::uint32_t>(static_cast<float>(v)) >> 16);
    return svreinterpret_bf16_u16(svdup_u16(bits));
  }
  static reg fma(reg acc, in a, in b) {
    if constexpr (kMatrix) {
      return svbfmmla_f32(acc, a, b);
    } else {
      return svbfdot_f32(acc, a, b);
    }
  }
  static double sum(reg v) { return svaddv_f32(svptrue_b32(), v); }
};

constexpr int kAccumulators = 24;
constinit const FmaKernel kKernels[] = {
    fma_loops::make_fma_kernel<Bf16Vl<false>, kAccumulators>(Isa::sve),
    fma_loops::make_fma_kernel<Bf16Vl<true>, kAccumulators>(Isa::sve),
};
ARMPERF_AT_STARTUP(register_fma_kernels(kKernels));

}  // namespace
}  // namespace armperf::probes
