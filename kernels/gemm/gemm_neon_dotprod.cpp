// s8gemm with the Armv8.2 dot product extension (Neoverse N1 / Altra and Altra Max, AmpereOne, Neoverse
// V1/V2/N2, Graviton2-4, Grace): the f32 NEON tile of lane_kernel.hpp over int8 quads. sdot v.4s,
// v.16b, v.4b[lane] multiplies the four quads of B (four columns, four k steps each) by one quad of A
// (the lane picks the row) and adds each column's four products to its int32 lane, so an 8 x 12 tile
// takes, per four k steps, the f32 tile's loads and instruction count for one. Runs only where the
// CPU reports it (HWCAP_ASIMDDP).
#if !defined(__ARM_FEATURE_DOTPROD)
#error "gemm_neon_dotprod.cpp needs the dot product extension: add it with armperf_add_kernel_family()"
#endif
#include <arm_neon.h>

#include <cstdint>

#include "kernels/gemm/gemm.hpp"
#include "kernels/gemm/gemm_pack.hpp"
#include "kernels/gemm/lane_kernel.hpp"
#include "kernels/gemm/neon_accumulators.hpp"
#include "kernels/registry.hpp"

namespace armperf::kernels {
namespace {

struct QS8 : NeonS32C {  // C's int32 lanes
  static constexpr int lanes = 4, k_unit = 4;
  // Four quads: four columns of B, or four rows of A, at k steps 4g .. 4g + 3.
  using NeonS32C::load;
  static int8x16_t load(const std::int8_t* p) { return vld1q_s8(p); }
  template <int L>
  static V fma_lane(V acc, int8x16_t b, int8x16_t a) {
    return vdotq_laneq_s32(acc, b, a, L);
  }
};

// The f32 NEON tile: 24 accumulators, 3 registers of B, 2 of A.
constexpr int kMr = 8, kNv = 3;

}  // namespace

void int8_s8gemm__neon_dotprod_8x12(const GemmArgs<std::int8_t>& args) {
  gemm(args,
       gemm_micro_kernel<std::int8_t, kMr>(kNv * QS8::lanes, &lane_ukernel<QS8, std::int8_t, kMr, kNv>));
}

ARMPERF_REGISTER_KERNEL(KernelVariant{.name = "int8_s8gemm__neon_dotprod_8x12",
                                      .family = "gemm",
                                      .op = "s8gemm",
                                      .dtype = "int8",
                                      .isa = Isa::neon,
                                      .feature = "dotprod",
                                      .tile = kMr,
                                      .tile_n = kNv * QS8::lanes,
                                      .fn = reinterpret_cast<KernelFn>(&int8_s8gemm__neon_dotprod_8x12)});

}  // namespace armperf::kernels
