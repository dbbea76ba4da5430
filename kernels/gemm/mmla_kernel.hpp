// The micro-kernel of Arm's matrix multiply-accumulate instructions (smmla v.4s, v.16b, v.16b for int8,
// bfmmla v.4s, v.8h, v.8h for bf16): each multiplies a 2 x G block of A (two rows, G k steps: one
// register) by a G x 2 block of B (two columns: one register) into a 2 x 2 block of C, [r0c0, r0c1,
// r1c0, r1c1]. So the panels hold k in groups of G (gemm_pack.hpp's group layout with U = G: one
// register of A is two rows' group, one of B two columns'), every accumulator is a 2 x 2 block, and the
// blocks are unzipped into rows after the k loop. ISA-neutral: the ISA file supplies the traits M (V:
// C's vector type, group, zero, set1, load (of A or B, and of C), store, mul, fma, mmla, zip_rows),
// compiled with that ISA's flags. Included by gemm_neon*.cpp only.
#pragma once

#include <cstdint>

#include "kernels/gemm/gemm.hpp"
#include "kernels/gemm/unroll.hpp"

namespace armperf::kernels {

// The MicroKernelFn contract of gemm.hpp over panels packed in groups of M::group k steps. MR x NR =
// 8 x 12: 4 x 6 blocks (24 accumulators), 6 registers of B and one of A at a time fill 31 of the 32
// vector registers; per group 10 loads feed 24 instructions. "One of A at a time" needs g++'s first
// scheduling pass off for the files that include this (kernels/gemm/CMakeLists.txt): it hoisted the four
// loads of A and spilled accumulators (tests/kernels/gemm_loops_check.py).
template <class M, class T, int MR, int NR>
void mmla_ukernel(std::int64_t kc, const T* a, const T* b, std::int64_t ldb, GemmAcc<T>* c, std::int64_t ldc,
                  GemmAcc<T> alpha, GemmAcc<T> beta) {
  using V = typename M::V;
  using Acc = GemmAcc<T>;
  constexpr int group = M::group, row_pairs = MR / 2, col_pairs = NR / 2;
  static_assert(MR % 2 == 0 && NR % 4 == 0, "whole 2 x 2 blocks, unzipped four columns at a time");
  V acc[row_pairs][col_pairs];  // rows 2i, 2i+1 x columns 2j, 2j+1
  unroll<row_pairs>([&](auto i) { unroll<col_pairs>([&](auto j) { acc[i][j] = M::zero(); }); });
  for (std::int64_t g = 0; g < (kc + group - 1) / group; ++g) {
    decltype(M::load(b)) bv[col_pairs];
    unroll<col_pairs>([&](auto j) { bv[j] = M::load(b + 2 * group * j); });
    unroll<row_pairs>([&](auto i) {
      const auto av = M::load(a + 2 * group * i);
      unroll<col_pairs>([&](auto j) { acc[i][j] = M::mmla(acc[i][j], av, bv[j]); });
    });
    a += MR * group;
    b += ldb * group;
  }
  const V va = M::set1(alpha), vb = M::set1(beta);
  auto store = [&](Acc* out, V sums) {
    const V ab = M::mul(va, sums);
    M::store(out, beta == Acc(0) ? ab : M::fma(ab, vb, M::load(out)));
  };
  unroll<row_pairs>([&](auto i) {
    unroll<col_pairs / 2>([&](auto q) {
      // Two neighbouring blocks hold columns 4q .. 4q + 3 of both rows: the upper row in their low
      // halves, the lower row in their high halves.
      V upper, lower;
      M::zip_rows(acc[i][2 * q], acc[i][2 * q + 1], upper, lower);
      store(c + (2 * i) * ldc + 4 * q, upper);
      store(c + (2 * i + 1) * ldc + 4 * q, lower);
    });
  });
}

}  // namespace armperf::kernels
