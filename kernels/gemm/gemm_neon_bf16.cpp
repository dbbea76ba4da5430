// sbgemm with the Armv8.6 BF16 extension (Neoverse V1/V2/N2, AmpereOne, Graviton3/4, Grace; not Neoverse
// N1 / Altra): the f32 NEON tile of lane_kernel.hpp over bf16 pairs. bfdot v.4s, v.8h, v.2h[lane]
// multiplies four pairs of B by one pair of A (the lane picks the row) and adds both products to each
// f32 lane, so an 8 x 12 tile takes, per two k steps, the f32 tile's loads and instruction count for
// one. The same extension has bfmmla v.4s, v.8h, v.8h, a 2 x 4 by 4 x 2 block product (16 products per
// instruction, BFDOT's 8): the second variant runs the tile of mmla_kernel.hpp over it, k in groups of
// 4. Runs only where the CPU reports bf16 (HWCAP2_BF16).
#if !defined(__ARM_FEATURE_BF16_VECTOR_ARITHMETIC)
#error "gemm_neon_bf16.cpp needs the BF16 extension: add it with armperf_add_kernel_family()"
#endif
#include <arm_neon.h>

#include "kernels/gemm/gemm.hpp"
#include "kernels/gemm/gemm_pack.hpp"
#include "kernels/gemm/lane_kernel.hpp"
#include "kernels/gemm/mmla_kernel.hpp"
#include "kernels/gemm/neon_accumulators.hpp"
#include "kernels/registry.hpp"

namespace armperf::kernels {
namespace {

// A bf16 register: four pairs (four columns of B or rows of A, k steps 2g and 2g + 1) for BFDOT; two rows
// of A or columns of B at k steps 4g .. 4g + 3 for BFMMLA.
bfloat16x8_t load_bf16(const Bfloat16* p) { return vld1q_bf16(reinterpret_cast<const bfloat16_t*>(p)); }

struct QBf16 : NeonF32C {  // C's f32 lanes
  static constexpr int lanes = 4, k_unit = 2;
  using NeonF32C::load;
  static bfloat16x8_t load(const Bfloat16* p) { return load_bf16(p); }
  template <int L>
  static V fma_lane(V acc, bfloat16x8_t b, bfloat16x8_t a) {
    return vbfdotq_laneq_f32(acc, b, a, L);
  }
};

// The f32 NEON tile: 24 accumulators, 3 registers of B, 2 of A.
constexpr int kMr = 8, kNv = 3;

struct MBf16 : NeonF32C {  // a 2 x 2 block of C, or four f32 of a row
  static constexpr int group = 4;
  using NeonF32C::load;
  static bfloat16x8_t load(const Bfloat16* p) { return load_bf16(p); }
  static V mmla(V acc, bfloat16x8_t a, bfloat16x8_t b) { return vbfmmlaq_f32(acc, a, b); }
  static void zip_rows(V left, V right, V& upper, V& lower) {
    const float64x2_t l = vreinterpretq_f64_f32(left), r = vreinterpretq_f64_f32(right);
    upper = vreinterpretq_f32_f64(vzip1q_f64(l, r));
    lower = vreinterpretq_f32_f64(vzip2q_f64(l, r));
  }
};

constexpr int kMmlaMr = 8, kMmlaNr = 12;

}  // namespace

void bf16_sbgemm__neon_bf16_8x12(const GemmArgs<Bfloat16>& args) {
  gemm(args, gemm_micro_kernel<Bfloat16, kMr>(kNv * QBf16::lanes, &lane_ukernel<QBf16, Bfloat16, kMr, kNv>));
}

void bf16_sbgemm__neon_bf16_mmla_8x12(const GemmArgs<Bfloat16>& args) {
  gemm(args, gemm_micro_kernel<Bfloat16, kMmlaMr, MBf16::group>(
                 kMmlaNr, &mmla_ukernel<MBf16, Bfloat16, kMmlaMr, kMmlaNr>));
}

ARMPERF_REGISTER_KERNEL(KernelVariant{.name = "bf16_sbgemm__neon_bf16_8x12",
                                      .family = "gemm",
                                      .op = "sbgemm",
                                      .dtype = "bf16",
                                      .isa = Isa::neon,
                                      .feature = "bf16",
                                      .tile = kMr,
                                      .tile_n = kNv * QBf16::lanes,
                                      .fn = reinterpret_cast<KernelFn>(&bf16_sbgemm__neon_bf16_8x12)});

ARMPERF_REGISTER_KERNEL(KernelVariant{.name = "bf16_sbgemm__neon_bf16_mmla_8x12",
                                      .family = "gemm",
                                      .op = "sbgemm",
                                      .dtype = "bf16",
                                      .isa = Isa::neon,
                                      .feature = "bf16",
                                      .peak_instruction = "bfmmla",
                                      .tile = kMmlaMr,
                                      .tile_n = kMmlaNr,
                                      .fn = reinterpret_cast<KernelFn>(&bf16_sbgemm__neon_bf16_mmla_8x12)});

}  // namespace armperf::kernels
