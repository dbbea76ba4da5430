// The micro-kernel of ISAs without a by-element FMA (AVX2, AVX-512): MR rows x NV vectors of C in
// registers, per k step NV vector loads of B and MR broadcasts of A, each broadcast feeding NV FMAs.
// One template for every vector width: the ISA file supplies the traits (V: vector type, lanes,
// zero, set1, loadu, storeu, mul, fma), compiled with that ISA's flags. ISA-neutral; included by the
// gemm_<isa>.cpp files only.
#pragma once

#include <cstdint>

#include "kernels/gemm/unroll.hpp"

namespace armperf::kernels {

// The tile, with A either packed (the MicroKernelFn contract: a[p * MR + i]) or, kDirectA, read in
// place from a row-major A (a[i * lda + p]): each k step then broadcasts from MR row streams, which
// the hardware prefetcher follows like the packed panel's one stream, and the driver skips packing.
template <class Z, class T, int MR, int NV, bool kDirectA>
[[gnu::always_inline]] inline void broadcast_tile(std::int64_t kc, const T* a, std::int64_t lda, const T* b,
                                                  std::int64_t ldb, T* c, std::int64_t ldc, T alpha, T beta) {
  using V = typename Z::V;
  V acc[MR][NV];
  // C is needed only after the k loop: start fetching its lines now (a 64-byte vector is one line;
  // narrower ones fetch a line per row twice, which costs nothing).
  unroll<MR>([&](auto i) {
    unroll<NV>([&](auto j) {
      acc[i][j] = Z::zero();
      __builtin_prefetch(c + i * ldc + j * Z::lanes);
    });
  });
#pragma GCC unroll 4
  // No software prefetch of B: the packed sliver is one sequential stream, and prefetching it 8, 16
  // or 32 k steps ahead changed nothing measurable on Zen 5 (6x64 f32, 6x32 f64).
  for (std::int64_t p = 0; p < kc; ++p) {
    V bv[NV];
    unroll<NV>([&](auto j) { bv[j] = Z::loadu(b + j * Z::lanes); });
    unroll<MR>([&](auto i) {
      // The compiler folds it into a broadcast load.
      const V ai = Z::set1(kDirectA ? a[i * lda + p] : a[p * MR + i]);
      unroll<NV>([&](auto j) { acc[i][j] = Z::fma(ai, bv[j], acc[i][j]); });
    });
    b += ldb;
  }
  const V va = Z::set1(alpha), vb = Z::set1(beta);
  unroll<MR>([&](auto i) {
    unroll<NV>([&](auto j) {
      T* out = c + i * ldc + j * Z::lanes;
      const V ab = Z::mul(va, acc[i][j]);
      Z::storeu(out, beta == T(0) ? ab : Z::fma(vb, Z::loadu(out), ab));
    });
  });
}

// Traits Z for element type T; the MicroKernelFn contract of gemm.hpp. A register budget of
// MR * NV + NV + 1 vectors (accumulators, B, one broadcast) is the caller's choice of tile.
template <class Z, class T, int MR, int NV>
void broadcast_ukernel(std::int64_t kc, const T* a, const T* b, std::int64_t ldb, T* c, std::int64_t ldc,
                       T alpha, T beta) {
  broadcast_tile<Z, T, MR, NV, false>(kc, a, 0, b, ldb, c, ldc, alpha, beta);
}

// The same tile reading a row-major A in place (the DirectAFn contract of gemm.hpp).
template <class Z, class T, int MR, int NV>
void broadcast_ukernel_direct_a(std::int64_t kc, const T* a, std::int64_t lda, const T* b, std::int64_t ldb,
                                T* c, std::int64_t ldc, T alpha, T beta) {
  broadcast_tile<Z, T, MR, NV, true>(kc, a, lda, b, ldb, c, ldc, alpha, beta);
}

}  // namespace armperf::kernels
