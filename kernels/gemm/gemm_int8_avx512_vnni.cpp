// s8gemm with AVX512_VNNI, exact over the whole int8 range. vpdpbusd multiplies four unsigned bytes by four
// signed bytes and adds the four products to an int32 lane, without saturating (vpdpbusds would). Its
// unsigned operand is B, packed as offset binary (x + 128 as a byte: gemm_pack.hpp's pack_b_groups with
// kOffsetBinary), so each lane accumulates sum_p A(i,p) * (B(p,j) + 128), which is C(i,j) plus 128 times row
// i's sum of A over the slice. pack_a takes those sums once per panel (one vpdpbusd by a vector of ones per
// 64 bytes) and stores them after it (MicroKernel::a_panel_extra); each tile of the panel's row subtracts
// them after its k loop. Taken in every tile instead they cost 1/48 of its vpdpbusd: taking them once
// gained 1-2 % at 1 thread and 2-4 % at 2 (1024^3 and 512x4096x1024, Granite Rapids VM, paired medians
// of 7-15 interleaved rounds, oneDNN's rows within 1-3 % between the builds). The int32 lanes wrap, and the
// offset is taken off in the same modular arithmetic, so C is exact wherever it fits int32 (the
// GemmAccumulator<int8_t> contract). Runs only where cpuid reports avx512vnni.
#if !defined(__AVX512VNNI__)
#error "gemm_int8_avx512_vnni.cpp needs AVX512_VNNI: add it with armperf_add_kernel_family()"
#endif
#include <immintrin.h>

#include <cstdint>

#include "kernels/gemm/gemm.hpp"
#include "kernels/gemm/gemm_pack.hpp"
#include "kernels/gemm/unroll.hpp"
#include "kernels/registry.hpp"

namespace armperf::kernels {
namespace {

// 8 rows x 3 vectors of 16 int32 columns: 24 accumulators, 3 registers of B and a broadcast of A, 28 of the
// 32 zmm registers. Eight rows make a packed k quad of A 32 bytes, so a 64-byte load of the panel holds two
// quads and row i's bytes always land in int32 lanes i and i + 8 (with the f32 tiles' 6 rows, a row's lanes
// would repeat only every three loads).
constexpr int kMr = 8, kNv = 3, kLanes = 16, kNr = kNv * kLanes, kQuad = 4;
// After each packed panel: its rows' offsets as kMr int32, in a whole line so that the panels that
// follow keep the alignment they had. Bytes, and elements of the packed int8 (MicroKernel::a_panel_extra).
constexpr std::int64_t kOffsetBytes = 64;
static_assert(kMr * sizeof(std::int32_t) <= kOffsetBytes);

// acc + the four products of each lane's unsigned bytes of u8 and signed bytes of s8. In asm because GCC 12
// allocates _mm512_dpbusd_epi32's accumulator apart from its result: each of the tile's vpdpbusd then came
// with a register copy, and the copies spilled accumulators to the stack in every k step (the disassembly).
[[gnu::always_inline]] inline __m512i dpbusd(__m512i acc, __m512i u8, __m512i s8) {
  asm("vpdpbusd %2, %1, %0" : "+v"(acc) : "v"(u8), "v"(s8));
  return acc;
}

// 128 times each row's sum of the packed A panel (`groups` quads of kMr rows), as int32 lanes 0-7.
__m256i offset_of_rows(const std::int8_t* a, std::int64_t groups) {
  // Four sums, each a chain of vpdpbusd (5 cycles apart on Intel cores): one chain took ~20 % of a
  // 256-step tile's time (in-L1 harness on a Granite Rapids VM, 707 against 871 GOP/s without it).
  constexpr int kChains = 4;
  const __m512i ones = _mm512_set1_epi8(1);
  const std::int64_t bytes = groups * kMr * kQuad;
  __m512i chain[kChains];
  unroll<kChains>([&](auto u) { chain[u] = _mm512_setzero_si512(); });
  std::int64_t at = 0;
  for (; at + kChains * 64 <= bytes; at += kChains * 64) {
    unroll<kChains>(
        [&](auto u) { chain[u] = _mm512_dpbusd_epi32(chain[u], ones, _mm512_loadu_si512(a + at + u * 64)); });
  }
  for (; at + 64 <= bytes; at += 64)
    chain[0] = _mm512_dpbusd_epi32(chain[0], ones, _mm512_loadu_si512(a + at));
  if (at < bytes) {  // an odd number of quads: the last 32 bytes
    const __mmask64 low = _cvtu64_mask64(~std::uint64_t{0} >> (64 - (bytes - at)));
    chain[1] = _mm512_dpbusd_epi32(chain[1], ones, _mm512_maskz_loadu_epi8(low, a + at));
  }
  const __m512i sums =
      _mm512_add_epi32(_mm512_add_epi32(chain[0], chain[1]), _mm512_add_epi32(chain[2], chain[3]));
  // Zero-masking extracts: the plain ones and the cast start from _mm256_undefined_si256(), which trips
  // GCC 12's -Wuninitialized.
  const __m256i rows = _mm256_add_epi32(_mm512_maskz_extracti64x4_epi64(0xF, sums, 0),
                                        _mm512_maskz_extracti64x4_epi64(0xF, sums, 1));
  return _mm256_slli_epi32(rows, 7);
}

// The PackAFn contract of gemm.hpp, then the panel's row offsets after it.
void pack_a_with_offsets(const GemmOperand<std::int8_t>& a, std::int64_t i0, std::int64_t rows,
                         std::int64_t p0, std::int64_t kc, int mr, std::int64_t next_rows, std::int8_t* dst) {
  pack_a_groups<std::int8_t, kMr, kQuad>(a, i0, rows, p0, kc, mr, next_rows, dst);
  const std::int64_t groups = (kc + kQuad - 1) / kQuad;
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + groups * kMr * kQuad), offset_of_rows(dst, groups));
}

// The MicroKernelFn contract of gemm.hpp over the quad-interleaved panels, B in offset binary, A packed by
// pack_a_with_offsets.
void ukernel(std::int64_t kc, const std::int8_t* a, const std::int8_t* b, std::int64_t ldb, std::int32_t* c,
             std::int64_t ldc, std::int32_t alpha, std::int32_t beta) {
  const std::int64_t groups = (kc + kQuad - 1) / kQuad;
  std::int32_t offset[kMr];
  __builtin_memcpy(offset, a + groups * kMr * kQuad, sizeof offset);
  __m512i acc[kMr][kNv];
  unroll<kMr>([&](auto i) {
    unroll<kNv>([&](auto j) {
      acc[i][j] = _mm512_setzero_si512();
      __builtin_prefetch(c + i * ldc + j * kLanes);
    });
  });
  for (std::int64_t g = 0; g < groups; ++g) {
    __m512i bv[kNv];
    unroll<kNv>([&](auto j) { bv[j] = _mm512_loadu_si512(b + j * kLanes * kQuad); });
    unroll<kMr>([&](auto i) {
      std::int32_t quad;
      __builtin_memcpy(&quad, a + i * kQuad, sizeof quad);
      const __m512i ai = _mm512_set1_epi32(quad);
      unroll<kNv>([&](auto j) { acc[i][j] = dpbusd(acc[i][j], bv[j], ai); });
    });
    a += kMr * kQuad;
    b += ldb * kQuad;
  }
  // vpmulld is two uops of 10 cycles: skipped for the usual alpha and beta of 1.
  const __m512i va = _mm512_set1_epi32(alpha), vb = _mm512_set1_epi32(beta);
  unroll<kMr>([&](auto i) {
    const __m512i row_offset = _mm512_set1_epi32(offset[i]);
    unroll<kNv>([&](auto j) {
      std::int32_t* out = c + i * ldc + j * kLanes;
      __m512i r = _mm512_sub_epi32(acc[i][j], row_offset);
      if (alpha != 1) r = _mm512_mullo_epi32(va, r);
      if (beta != 0) {
        const __m512i old = _mm512_loadu_si512(out);
        r = _mm512_add_epi32(r, beta == 1 ? old : _mm512_mullo_epi32(vb, old));
      }
      _mm512_storeu_si512(out, r);
    });
  });
}

}  // namespace

void int8_s8gemm__avx512_vnni_8x48(const GemmArgs<std::int8_t>& args) {
  MicroKernel<std::int8_t> kernel = gemm_micro_kernel<std::int8_t, kMr>(kNr, &ukernel);
  kernel.pack_a = &pack_a_with_offsets;
  kernel.a_panel_extra = kOffsetBytes;
  kernel.pack_b = &pack_b_groups<std::int8_t, kQuad, true>;  // the unsigned operand: offset binary
  gemm(args, kernel);
}

ARMPERF_REGISTER_KERNEL(KernelVariant{.name = "int8_s8gemm__avx512_vnni_8x48",
                                      .family = "gemm",
                                      .op = "s8gemm",
                                      .dtype = "int8",
                                      .isa = Isa::avx512,
                                      .feature = "avx512vnni",
                                      .tile = kMr,
                                      .tile_n = kNr,
                                      .fn = reinterpret_cast<KernelFn>(&int8_s8gemm__avx512_vnni_8x48)});

}  // namespace armperf::kernels
