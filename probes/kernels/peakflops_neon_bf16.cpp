// BFDOT and BFMMLA (FEAT_BF16, Armv8.6): bf16 products added into f32 lanes, 2 per lane (BFDOT) or a
// 2x4 by 4x2 matrix product per 128-bit segment, 4 per lane (BFMMLA). Runs only where HWCAP2 says bf16.
#if !defined(__ARM_FEATURE_BF16_VECTOR_ARITHMETIC)
#error "peakflops_neon_bf16.cpp needs +bf16: add it with armperf_add_isa_sources()"
#endif
#include <arm_neon.h>

#include <bit>

#include "probes/kernels/peakflops_loops.hpp"

namespace armperf::probes {
namespace {

template <bool kMatrix>
struct Bf16 {
  static constexpr std::string_view dtype = "bf16";
  static constexpr std::string_view instruction = kMatrix ? "bfmmla" : "bfdot";
  static constexpr std::string_view feature = "bf16";
  static constexpr Chain chain = Chain::dot;
  static constexpr int lane_bits = 32;
  using reg = float32x4_t;
  using in = bfloat16x8_t;
  static std::size_t lanes() { return 4; }
  static reg set1(double v) { return vdupq_n_f32(static_cast<float>(v)); }
  // bf16 is the upper half of an f32: exact for the small integers the probe and tests use.
  static in operand(double v) {
    const auto bits = static_cast<std::uint16_t>(std::bit_cast<std::uint32_t>(static_cast<float>(v)) >> 16);
    return vreinterpretq_bf16_u16(vdupq_n_u16(bits));
  }
  static reg fma(reg acc, in a, in b) {
    if constexpr (kMatrix) {
      return vbfmmlaq_f32(acc, a, b);
    } else {
      return vbfdotq_f32(acc, a, b);
    }
  }
  static double sum(reg v) { return vaddvq_f32(v); }
};

constexpr int kAccumulators = 24;
constinit const FmaKernel kKernels[] = {
    fma_loops::make_fma_kernel<Bf16<false>, kAccumulators>(Isa::neon),
    fma_loops::make_fma_kernel<Bf16<true>, kAccumulators>(Isa::neon),
};
ARMPERF_AT_STARTUP(register_fma_kernels(kKernels));

}  // namespace
}  // namespace armperf::probes
