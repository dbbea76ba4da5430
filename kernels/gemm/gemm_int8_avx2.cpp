// s8gemm with AVX2, exact over the whole int8 range. AVX2 has no int8 dot product (VNNI came later), and
// its byte multiply-add (vpmaddubsw) takes one unsigned operand and saturates the pair sums at int16:
// oneDNN documents that its int8 GEMM may saturate there. This tile sign-extends both operands to int16
// instead and multiplies with vpmaddwd, whose pair sums (at most 2 * 128 * 128) fit an int32 lane, so
// every product is exact: per k quad (the int8 packing of gemm_pack.hpp), B's 8 columns are two
// registers of int16 (columns 0-3 and 4-7, four k steps each), a row's quad of A is broadcast as four
// int16, and vpmaddwd leaves each column's sum in two int32 lanes (k steps 0-1 and 2-3), added up once
// after the k loop.
#if !defined(__AVX2__)
#error "gemm_int8_avx2.cpp needs AVX2: add it with armperf_add_kernel_family()"
#endif
#include <immintrin.h>

#include <cstdint>

#include "kernels/gemm/gemm.hpp"
#include "kernels/gemm/gemm_pack.hpp"
#include "kernels/gemm/unroll.hpp"
#include "kernels/registry.hpp"

namespace armperf::kernels {
namespace {

// 4 rows x 8 columns: two accumulators per row (8), two registers of B and the broadcasts of A. Six rows
// would fit 15 of the 16 ymm registers, but GCC 12 then loads all six broadcasts of A first and keeps
// half of the accumulators on the stack, a store and a load each per k quad (seen in the disassembly);
// four rows leave it room.
constexpr int kMr = 4, kNr = 8, kQuad = 4;

// The MicroKernelFn contract of gemm.hpp over the quad-interleaved panels.
void ukernel(std::int64_t kc, const std::int8_t* a, const std::int8_t* b, std::int64_t ldb, std::int32_t* c,
             std::int64_t ldc, std::int32_t alpha, std::int32_t beta) {
  __m256i lo[kMr], hi[kMr];  // row i: columns 0-3 and 4-7, each as two partial sums
  unroll<kMr>([&](auto i) {
    lo[i] = hi[i] = _mm256_setzero_si256();
    __builtin_prefetch(c + i * ldc);
  });
  for (std::int64_t g = 0; g < (kc + kQuad - 1) / kQuad; ++g) {
    const __m256i b_lo = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(b)));
    const __m256i b_hi = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(b + 16)));
    unroll<kMr>([&](auto i) {
      const __m256i ai = _mm256_broadcastq_epi64(_mm_cvtepi8_epi16(_mm_loadu_si32(a + i * kQuad)));
      lo[i] = _mm256_add_epi32(lo[i], _mm256_madd_epi16(ai, b_lo));
      hi[i] = _mm256_add_epi32(hi[i], _mm256_madd_epi16(ai, b_hi));
    });
    a += kMr * kQuad;
    b += ldb * kQuad;
  }
  const __m256i va = _mm256_set1_epi32(alpha), vb = _mm256_set1_epi32(beta);
  unroll<kMr>([&](auto i) {
    // hadd pairs the lanes within each 128-bit half: columns 0 1 4 5 | 2 3 6 7; the permute restores
    // the order.
    const __m256i sums = _mm256_permute4x64_epi64(_mm256_hadd_epi32(lo[i], hi[i]), 0xD8);
    auto* out = reinterpret_cast<__m256i*>(c + i * ldc);
    __m256i r = _mm256_mullo_epi32(va, sums);
    if (beta != 0) r = _mm256_add_epi32(r, _mm256_mullo_epi32(vb, _mm256_loadu_si256(out)));
    _mm256_storeu_si256(out, r);
  });
}

}  // namespace

void int8_s8gemm__avx2_4x8(const GemmArgs<std::int8_t>& args) {
  gemm(args, gemm_micro_kernel<std::int8_t, kMr>(kNr, &ukernel));
}

ARMPERF_REGISTER_KERNEL(KernelVariant{.name = "int8_s8gemm__avx2_4x8",
                                      .family = "gemm",
                                      .op = "s8gemm",
                                      .dtype = "int8",
                                      .isa = Isa::avx2,
                                      .tile = kMr,
                                      .tile_n = kNr,
                                      .fn = reinterpret_cast<KernelFn>(&int8_s8gemm__avx2_4x8)});

}  // namespace armperf::kernels
