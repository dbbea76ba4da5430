// The micro-kernel of ISAs without a by-element FMA (AVX2, AVX-512): MR rows x NV vectors of C in
// registers, per k step NV vector loads of B and MR broadcasts of A, each broadcast feeding NV FMAs.
// One template for every vector width: the ISA file supplies the traits (V: vector type, lanes,
// zero, set1, loadu, storeu, mul, fma), compiled with that ISA's flags. ISA-neutral; included by the
// gemm_<isa>.cpp files only.
#pragma once

#include <cassert>
#include <cstdint>

#include "kernels/gemm/gemm.hpp"
#include "kernels/gemm/unroll.hpp"

namespace armperf::kernels {

// What the tile reads per k step: one element of A and B, or, for traits that declare `Pair` (bf16:
// vdpbf16ps multiplies two k steps per 32-bit lane), one pair of the pair-interleaved panels (gemm.hpp).
template <class Z, class T>
struct TileStep {
  using type = T;
  static constexpr int k = 1;
};
template <class Z, class T>
requires requires { typename Z::Pair; }
struct TileStep<Z, T> {
  using type = typename Z::Pair;
  static constexpr int k = 2;
};

// The tile, with A either packed (the MicroKernelFn contract: a[p * MR + i]) or, kDirectA, read in
// place from a row-major A (a[i * lda + p]): each k step then broadcasts from MR row streams, which
// the hardware prefetcher follows like the packed panel's one stream, and the driver skips packing.
// Pair traits (bf16) overload loadu/set1 for a pair of A or B (giving their input vector type) and for
// C's f32 (giving V), and fma(a, b, acc) for pairs; kDirectA is for single k steps only.
template <class Z, class T, int MR, int NV, bool kDirectA>
[[gnu::always_inline]] inline void broadcast_tile(std::int64_t kc, const T* a_elements, std::int64_t lda,
                                                  const T* b_elements, std::int64_t ldb, GemmAcc<T>* c,
                                                  std::int64_t ldc, GemmAcc<T> alpha, GemmAcc<T> beta) {
  using V = typename Z::V;
  using Acc = GemmAcc<T>;
  using Step = TileStep<Z, T>;
  static_assert(Step::k == kGemmKUnit<T>, "the traits read k in the packing's groups");
  static_assert(Step::k == 1 || !kDirectA, "A in place is read one k step at a time");
  const auto* a = reinterpret_cast<const typename Step::type*>(a_elements);
  const auto* b = reinterpret_cast<const typename Step::type*>(b_elements);
  const std::int64_t steps = (kc + Step::k - 1) / Step::k;
  V acc[MR][NV];
  // C is needed only after the k loop: start fetching its lines now (a 64-byte vector is one line;
  // narrower ones fetch a line per row twice, which costs nothing).
  unroll<MR>([&](auto i) {
    unroll<NV>([&](auto j) {
      acc[i][j] = Z::zero();
      __builtin_prefetch(c + i * ldc + j * Z::lanes);
    });
  });
  // No software prefetch of B: the packed sliver is one sequential stream, and prefetching it 8, 16
  // or 32 k steps ahead changed nothing measurable on Zen 5 (6x64 f32, 6x32 f64).
#pragma GCC unroll 4
  for (std::int64_t p = 0; p < steps; ++p) {
    decltype(Z::loadu(b)) bv[NV];
    unroll<NV>([&](auto j) { bv[j] = Z::loadu(b + j * Z::lanes); });
    unroll<MR>([&](auto i) {
      // The compiler folds it into a broadcast load.
      const auto ai = Z::set1(kDirectA ? a[i * lda + p] : a[p * MR + i]);
      unroll<NV>([&](auto j) { acc[i][j] = Z::fma(ai, bv[j], acc[i][j]); });
    });
    b += ldb;
  }
  const V va = Z::set1(alpha), vb = Z::set1(beta);
  unroll<MR>([&](auto i) {
    unroll<NV>([&](auto j) {
      Acc* out = c + i * ldc + j * Z::lanes;
      const V ab = Z::mul(va, acc[i][j]);
      Z::storeu(out, beta == Acc(0) ? ab : Z::fma(vb, Z::loadu(out), ab));
    });
  });
}

// Traits Z for element type T; the MicroKernelFn contract of gemm.hpp. A register budget of
// MR * NV + NV + 1 vectors (accumulators, B, one broadcast) is the caller's choice of tile.
template <class Z, class T, int MR, int NV>
void broadcast_ukernel(std::int64_t kc, const T* a, const T* b, std::int64_t ldb, GemmAcc<T>* c,
                       std::int64_t ldc, GemmAcc<T> alpha, GemmAcc<T> beta) {
  broadcast_tile<Z, T, MR, NV, false>(kc, a, 0, b, ldb, c, ldc, alpha, beta);
}

// The same tile reading a row-major A in place (the DirectAFn contract of gemm.hpp).
template <class Z, class T, int MR, int NV>
void broadcast_ukernel_direct_a(std::int64_t kc, const T* a, std::int64_t lda, const T* b, std::int64_t ldb,
                                T* c, std::int64_t ldc, T alpha, T beta) {
  broadcast_tile<Z, T, MR, NV, true>(kc, a, lda, b, ldb, c, ldc, alpha, beta);
}

// ... and its tiles of 1 to MR - 1 rows (the DirectARowsFn contract): A in place has no padding rows to
// compute, so a last panel of fewer rows is a smaller tile of the same code, one per row count. They are
// inlined here, so that their k loops are in this symbol, where tests/kernels/gemm_loops_check.py looks
// for them (and checks that they keep C in registers).
template <class Z, class T, int MR, int NV>
void broadcast_ukernel_direct_a_rows(int rows, std::int64_t kc, const T* a, std::int64_t lda, const T* b,
                                     std::int64_t ldb, T* c, std::int64_t ldc, T alpha, T beta) {
  assert(rows > 0 && rows < MR);  // else no tile would run
  unroll<MR - 1>([&](auto r) __attribute__((always_inline)) {
    if (rows == r + 1) broadcast_tile<Z, T, r + 1, NV, true>(kc, a, lda, b, ldb, c, ldc, alpha, beta);
  });
}

// `kernel` with the tile's entries that read an untransposed A in place: its full row panels (direct_a)
// and a last one of fewer rows (direct_a_rows).
template <class Z, class T, int MR, int NV>
MicroKernel<T> with_direct_a(MicroKernel<T> kernel) {
  kernel.direct_a = &broadcast_ukernel_direct_a<Z, T, MR, NV>;
  kernel.direct_a_rows = &broadcast_ukernel_direct_a_rows<Z, T, MR, NV>;
  return kernel;
}

}  // namespace armperf::kernels
