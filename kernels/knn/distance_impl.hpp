// The one distance loop the fixed-width ISAs share (scalar, NEON, AVX2, AVX-512); each
// distance_<isa>.cpp supplies an Ops struct of vector primitives and instantiates it, so the ISA
// files differ only in their primitives. SVE is vector-length agnostic and sizeless (no arrays of
// vectors), so distance_sve.cpp spells its loop out with predicates instead.
//
// Ops: V, lanes, zero(), load(p), load_tail(p, n) (n < lanes elements, the rest zero), sub, fma(a, b,
// acc) = a * b + acc, add, reduce(V) -> float; optionally reduce4(a, b, c, d, out) storing the four
// sums at out[0..3], which shares its shuffles among 4 rows (horizontal adds).
#pragma once

#include <cstdint>

#include "kernels/gemm/unroll.hpp"
#include "kernels/knn/knn.hpp"

namespace armperf::kernels::distance_impl {

// Rows of the database per step: the query's vector is loaded once for kRows rows, so loads per
// FMA fall from 2 to 1.25. With kChains vectors per row in flight, kRows * kChains = 8 accumulators
// cover 2 FMA pipes x 4 cycles of latency (Zen 4/5, Neoverse V1; N1 needs 2 x 4 / 2 = 4).
//
// The ceiling on L1-resident data, per vector of one row: one load of the row, 1/R of a query load
// (R rows per group), and for L2 a subtraction plus an FMA (3 FLOPs a lane, counted as in the
// registry row). One row at a time would need 2 loads per FMA: a core with 2 vector loads and 2 FMAs
// a cycle (Zen 5 at 512 bits, Neoverse V1/V2, N1 at 128 bits) would run its FMA pipes at half rate.
// At R = 4, 1.25 loads per FMA allow 2 / 1.25 = 1.6 FMAs a cycle (80 % of the FMA pipes), at R = 8
// (AVX-512) 1.78 (89 %); with the subtraction on the separate FP-add pipes that is 120 % / 133 % of
// the peakflops f32 FMA rate in L2 FLOPs (80 % / 89 % for inner product). Below it: the per-row
// horizontal sum (reduce4 shares its shuffles among 4 rows) and, at d = 128, only 4 loop trips per
// group of rows to amortise it over; and rows must start on 64-byte lines (a 16-byte aligned malloc
// block splits every AVX-512 load in two).
constexpr int kRows = 4;
constexpr int kChains = 2;

template <class Ops, Metric M>
[[gnu::always_inline]] inline typename Ops::V step(typename Ops::V acc, typename Ops::V q,
                                                   typename Ops::V b) {
  if constexpr (M == Metric::l2) {
    const typename Ops::V diff = Ops::sub(b, q);
    return Ops::fma(diff, diff, acc);
  } else {
    return Ops::fma(q, b, acc);
  }
}

// Rows per group: Ops::rows where an ISA sets it (32 registers hold 8 x kChains accumulators, and the
// query loads and the loop trips are shared by twice the rows), else kRows.
template <class Ops>
constexpr int group_rows() {
  if constexpr (requires { Ops::rows; }) {
    return Ops::rows;
  } else {
    return kRows;
  }
}

// R rows starting at base (stride d) against the query; zero-filled tails add nothing to either metric.
template <class Ops, Metric M, int R>
[[gnu::always_inline]] inline void rows(const float* query, const float* base, std::int64_t d, float* out) {
  using V = typename Ops::V;
  constexpr std::int64_t W = Ops::lanes;
  constexpr int C = kChains;
  V acc[R][C];
  unroll<R>([&](auto r) { unroll<C>([&](auto c) { acc[r][c] = Ops::zero(); }); });
  std::int64_t j = 0;
  for (; j + C * W <= d; j += C * W) {
    unroll<C>([&](auto c) {
      const V q = Ops::load(query + j + c * W);
      unroll<R>([&](auto r) { acc[r][c] = step<Ops, M>(acc[r][c], q, Ops::load(base + r * d + j + c * W)); });
    });
  }
  for (; j < d; j += W) {
    const std::int64_t n = d - j;
    const V q = n >= W ? Ops::load(query + j) : Ops::load_tail(query + j, n);
    unroll<R>([&](auto r) {
      const float* b = base + r * d + j;
      acc[r][0] = step<Ops, M>(acc[r][0], q, n >= W ? Ops::load(b) : Ops::load_tail(b, n));
    });
  }
  V sum[R];
  unroll<R>([&](auto r) {
    sum[r] = acc[r][0];
    unroll<C - 1>([&](auto c) { sum[r] = Ops::add(sum[r], acc[r][c + 1]); });
  });
  if constexpr (R % 4 == 0 && requires(V v, float* o) { Ops::reduce4(v, v, v, v, o); }) {
    unroll<R / 4>([&](auto g) {
      Ops::reduce4(sum[4 * g], sum[4 * g + 1], sum[4 * g + 2], sum[4 * g + 3], out + 4 * g);
    });
  } else {
    unroll<R>([&](auto r) { out[r] = Ops::reduce(sum[r]); });
  }
}

template <class Ops, Metric M>
void distances(const float* query, const float* base, std::int64_t nb, std::int64_t d, float* out) {
  constexpr int R = group_rows<Ops>();
  std::int64_t i = 0;
  for (; i + R <= nb; i += R) rows<Ops, M, R>(query, base + i * d, d, out + i);
  if constexpr (R > kRows) {
    for (; i + kRows <= nb; i += kRows) rows<Ops, M, kRows>(query, base + i * d, d, out + i);
  }
  for (; i < nb; ++i) rows<Ops, M, 1>(query, base + i * d, d, out + i);
}

}  // namespace armperf::kernels::distance_impl
