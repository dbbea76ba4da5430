// sbgemm with AVX512_BF16: the broadcast tile of broadcast_kernel.hpp over bf16 pairs. vdpbf16ps
// multiplies the 16 pairs of two registers and adds both products of a pair to an f32 lane, so each
// k group of two steps takes NV loads of B pairs, MR broadcasts of A pairs and MR * NV vdpbf16ps, the
// f32 tile's instruction count for twice its k. Runs only where cpuid reports avx512bf16.
#if !defined(__AVX512BF16__)
#error "gemm_avx512_bf16.cpp needs AVX512_BF16: add it with armperf_add_kernel_family()"
#endif
#include <immintrin.h>

#include <cstdint>

#include "kernels/gemm/broadcast_kernel.hpp"
#include "kernels/gemm/gemm.hpp"
#include "kernels/gemm/gemm_pack.hpp"
#include "kernels/registry.hpp"

namespace armperf::kernels {
namespace {

struct ZmmBf16 {
  using V = __m512;            // C's f32 lanes
  using Pair = std::uint32_t;  // two bf16 of A or B, k steps 2g and 2g + 1
  static constexpr int lanes = 16;
  static V zero() { return _mm512_setzero_ps(); }
  static __m512bh loadu(const Pair* p) { return reinterpret_cast<__m512bh>(_mm512_loadu_si512(p)); }
  static __m512bh set1(Pair x) { return reinterpret_cast<__m512bh>(_mm512_set1_epi32(static_cast<int>(x))); }
  static __m512 loadu(const float* p) { return _mm512_loadu_ps(p); }
  static __m512 set1(float x) { return _mm512_set1_ps(x); }
  static void storeu(float* p, V v) { _mm512_storeu_ps(p, v); }
  static V mul(V a, V b) { return _mm512_mul_ps(a, b); }
  static V fma(__m512bh a, __m512bh b, V acc) { return _mm512_dpbf16_ps(acc, a, b); }
  static V fma(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
};

// The f32 kernel's best tile (6 rows x 4 vectors, 24 accumulators), with A packed: a row's pairs are
// adjacent in a row-major A, but an odd lda leaves them off 4-byte boundaries and an odd KC slice would
// read its zero step past the slice (not read in place yet; packing A is ~3 % of the profile).
constexpr int kMr = 6, kNv = 4;

}  // namespace

void bf16_sbgemm__avx512_6x64(const GemmArgs<Bfloat16>& args) {
  gemm(args, gemm_micro_kernel<Bfloat16, kMr>(kNv * ZmmBf16::lanes,
                                              &broadcast_ukernel<ZmmBf16, Bfloat16, kMr, kNv>));
}

ARMPERF_REGISTER_KERNEL(KernelVariant{.name = "bf16_sbgemm__avx512_6x64",
                                      .family = "gemm",
                                      .op = "sbgemm",
                                      .dtype = "bf16",
                                      .isa = Isa::avx512,
                                      .feature = "avx512bf16",
                                      .tile = kMr,
                                      .tile_n = kNv * ZmmBf16::lanes,
                                      .fn = reinterpret_cast<KernelFn>(&bf16_sbgemm__avx512_6x64)});

}  // namespace armperf::kernels
