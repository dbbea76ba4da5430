// s8gemm with the Armv8.6 int8 matrix multiply (FEAT_I8MM: Neoverse V1/V2/N2, AmpereOne, Graviton3/4,
// Grace; not Neoverse N1 / Altra). smmla v.4s, v.16b, v.16b multiplies a 2 x 8 block of A (two rows,
// eight k steps) by an 8 x 2 block of B (two columns) into a 2 x 2 block of C: 32 products per
// instruction, twice SDOT's 16. So the panels hold k in groups of 8 (gemm_pack.hpp's group layout with
// U = 8: a register of A is two rows' eight k steps, one of B two columns'), and each accumulator is a
// 2 x 2 block of C, unzipped into rows after the k loop. Runs only where the CPU reports i8mm
// (HWCAP2_I8MM).
#if !defined(__ARM_FEATURE_MATMUL_INT8)
#error "gemm_neon_i8mm.cpp needs the int8 matrix multiply extension: add it with armperf_add_kernel_family()"
#endif
#include <arm_neon.h>

#include <cstdint>

#include "kernels/gemm/gemm.hpp"
#include "kernels/gemm/gemm_pack.hpp"
#include "kernels/gemm/unroll.hpp"
#include "kernels/registry.hpp"

namespace armperf::kernels {
namespace {

// 8 rows x 12 columns: 4 x 6 blocks of 2 x 2 (24 accumulators), 6 registers of B and one of A at a time
// fill 31 of the 32 vector registers; per 8 k steps 10 loads feed 24 SMMLA.
constexpr int kMr = 8, kNr = 12, kGroup = 8;

// The MicroKernelFn contract of gemm.hpp over panels packed in groups of 8 k steps.
void ukernel(std::int64_t kc, const std::int8_t* a, const std::int8_t* b, std::int64_t ldb, std::int32_t* c,
             std::int64_t ldc, std::int32_t alpha, std::int32_t beta) {
  constexpr int row_pairs = kMr / 2, col_pairs = kNr / 2;
  int32x4_t acc[row_pairs][col_pairs];  // [r0c0, r0c1, r1c0, r1c1] of rows 2i, 2i+1 and columns 2j, 2j+1
  unroll<row_pairs>([&](auto i) { unroll<col_pairs>([&](auto j) { acc[i][j] = vdupq_n_s32(0); }); });
  for (std::int64_t g = 0; g < (kc + kGroup - 1) / kGroup; ++g) {
    int8x16_t bv[col_pairs];
    unroll<col_pairs>([&](auto j) { bv[j] = vld1q_s8(b + 2 * kGroup * j); });
    unroll<row_pairs>([&](auto i) {
      const int8x16_t av = vld1q_s8(a + 2 * kGroup * i);
      unroll<col_pairs>([&](auto j) { acc[i][j] = vmmlaq_s32(acc[i][j], av, bv[j]); });
    });
    a += kMr * kGroup;
    b += ldb * kGroup;
  }
  const int32x4_t va = vdupq_n_s32(alpha), vb = vdupq_n_s32(beta);
  auto store = [&](std::int32_t* out, int32x4_t sums) {
    const int32x4_t ab = vmulq_s32(va, sums);
    vst1q_s32(out, beta == 0 ? ab : vmlaq_s32(ab, vb, vld1q_s32(out)));
  };
  unroll<row_pairs>([&](auto i) {
    unroll<col_pairs / 2>([&](auto q) {
      // Two neighbouring blocks hold columns 4q .. 4q + 3 of both rows: their low halves are the upper
      // row's, their high halves the lower row's.
      const int64x2_t left = vreinterpretq_s64_s32(acc[i][2 * q]),
                      right = vreinterpretq_s64_s32(acc[i][2 * q + 1]);
      store(c + (2 * i) * ldc + 4 * q, vreinterpretq_s32_s64(vzip1q_s64(left, right)));
      store(c + (2 * i + 1) * ldc + 4 * q, vreinterpretq_s32_s64(vzip2q_s64(left, right)));
    });
  });
}

}  // namespace

void int8_s8gemm__neon_i8mm_8x12(const GemmArgs<std::int8_t>& args) {
  gemm(args, gemm_micro_kernel<std::int8_t, kMr, kGroup>(kNr, &ukernel));
}

ARMPERF_REGISTER_KERNEL(KernelVariant{.name = "int8_s8gemm__neon_i8mm_8x12",
                                      .family = "gemm",
                                      .op = "s8gemm",
                                      .dtype = "int8",
                                      .isa = Isa::neon,
                                      .feature = "i8mm",
                                      .tile = kMr,
                                      .tile_n = kNr,
                                      .fn = reinterpret_cast<KernelFn>(&int8_s8gemm__neon_i8mm_8x12)});

}  // namespace armperf::kernels
