// s8gemm with the Armv8.6 int8 matrix multiply (FEAT_I8MM: Neoverse V1/V2/N2, AmpereOne, Graviton3/4,
// Grace; not Neoverse N1 / Altra): the tile of mmla_kernel.hpp over SMMLA, which multiplies two rows'
// eight k steps by two columns' into a 2 x 2 block of int32: 32 products per instruction, twice SDOT's
// 16. Runs only where the CPU reports i8mm (HWCAP2_I8MM).
#if !defined(__ARM_FEATURE_MATMUL_INT8)
#error "gemm_neon_i8mm.cpp needs the int8 matrix multiply extension: add it with armperf_add_kernel_family()"
#endif
#include <arm_neon.h>

#include <cstdint>

#include "kernels/gemm/gemm.hpp"
#include "kernels/gemm/gemm_pack.hpp"
#include "kernels/gemm/mmla_kernel.hpp"
#include "kernels/gemm/neon_accumulators.hpp"
#include "kernels/registry.hpp"

namespace armperf::kernels {
namespace {

struct MS8 : NeonS32C {  // a 2 x 2 block of C, or four int32 of a row
  static constexpr int group = 8;
  // Two rows of A, or two columns of B, at k steps 8g .. 8g + 7.
  using NeonS32C::load;
  static int8x16_t load(const std::int8_t* p) { return vld1q_s8(p); }
  static V mmla(V acc, int8x16_t a, int8x16_t b) { return vmmlaq_s32(acc, a, b); }
  static void zip_rows(V left, V right, V& upper, V& lower) {
    const int64x2_t l = vreinterpretq_s64_s32(left), r = vreinterpretq_s64_s32(right);
    upper = vreinterpretq_s32_s64(vzip1q_s64(l, r));
    lower = vreinterpretq_s32_s64(vzip2q_s64(l, r));
  }
};

constexpr int kMr = 8, kNr = 12;

}  // namespace

void int8_s8gemm__neon_i8mm_8x12(const GemmArgs<std::int8_t>& args) {
  gemm(args, gemm_micro_kernel<std::int8_t, kMr, MS8::group>(kNr, &mmla_ukernel<MS8, std::int8_t, kMr, kNr>));
}

ARMPERF_REGISTER_KERNEL(KernelVariant{.name = "int8_s8gemm__neon_i8mm_8x12",
                                      .family = "gemm",
                                      .op = "s8gemm",
                                      .dtype = "int8",
                                      .isa = Isa::neon,
                                      .feature = "i8mm",
                                      .peak_instruction = "smmla",
                                      .tile = kMr,
                                      .tile_n = kNr,
                                      .fn = reinterpret_cast<KernelFn>(&int8_s8gemm__neon_i8mm_8x12)});

}  // namespace armperf::kernels
