// The micro-kernel of ISAs with a by-element multiply-add (AdvSIMD: fmla v.4s, v.4s, v.s[lane] for
// f32/f64, bfdot v.4s, v.8h, v.2h[lane] for bf16 pairs, sdot v.4s, v.16b, v.4b[lane] for int8 quads):
// MR rows x NV vectors of C in registers; per k step (or group of steps) MR / lanes loads of A, each register
// holding `lanes` rows that the lane index picks, and NV loads of B, with no broadcasts. ISA-neutral: the ISA
// file supplies the traits Q (V: C's vector type, lanes, k_unit: k steps per packed group, zero, set1, load
// (of A or B, and of C), store, mul, fma, fma_lane<L>), compiled with that ISA's flags. Included by
// gemm_neon*.cpp only.
#pragma once

#include <cstdint>

#include "kernels/gemm/gemm.hpp"
#include "kernels/gemm/unroll.hpp"

namespace armperf::kernels {

// The MicroKernelFn contract of gemm.hpp; with Q::k_unit > 1 over the group-interleaved panels.
template <class Q, class T, int MR, int NV>
void lane_ukernel(std::int64_t kc, const T* a, const T* b, std::int64_t ldb, GemmAcc<T>* c, std::int64_t ldc,
                  GemmAcc<T> alpha, GemmAcc<T> beta) {
  using V = typename Q::V;
  using Acc = GemmAcc<T>;
  constexpr int lanes = Q::lanes, u = Q::k_unit;
  static_assert(MR % lanes == 0, "A's rows fill whole registers");
  static_assert(u == kGemmKUnit<T>, "the traits read k in the packing's groups");
  V acc[MR][NV];
  unroll<MR>([&](auto i) { unroll<NV>([&](auto j) { acc[i][j] = Q::zero(); }); });
  for (std::int64_t g = 0; g < (kc + u - 1) / u; ++g) {
    decltype(Q::load(a)) av[MR / lanes], bv[NV];
    unroll<MR / lanes>([&](auto q) { av[q] = Q::load(a + q * lanes * u); });
    unroll<NV>([&](auto j) { bv[j] = Q::load(b + j * lanes * u); });
    unroll<MR>([&](auto i) {
      unroll<NV>(
          [&](auto j) { acc[i][j] = Q::template fma_lane<i % lanes>(acc[i][j], bv[j], av[i / lanes]); });
    });
    a += MR * u;
    b += ldb * u;
  }
  const V va = Q::set1(alpha), vb = Q::set1(beta);
  unroll<MR>([&](auto i) {
    unroll<NV>([&](auto j) {
      Acc* out = c + i * ldc + j * lanes;
      const V ab = Q::mul(va, acc[i][j]);
      Q::store(out, beta == Acc(0) ? ab : Q::fma(ab, vb, Q::load(out)));
    });
  });
}

}  // namespace armperf::kernels
