// The one distance loop the fixed-width ISAs share (scalar, NEON, AVX2, AVX-512); each
// distance_<isa>.cpp supplies an Ops struct of vector primitives and instantiates it, so the ISA
// files differ only in their primitives. SVE is vector-length agnostic and sizeless (no arrays of
// vectors), so distance_sve.cpp spells its loop out with predicates instead.
//
// Ops: V, lanes, zero(), load(p), load_tail(p, n) (n < lanes elements, the rest zero), sub, fma(a, b,
// acc) = a * b + acc, add, reduce(V) -> float.
#pragma once

#include <cstdint>

#include "kernels/gemm/unroll.hpp"
#include "kernels/knn/knn.hpp"

namespace armperf::kernels::distance_impl {

// Rows of the database per step: the query's vector is loaded once for kRows rows, so loads per
// FMA fall from 2 to 1.25. With kChains vectors per row in flight, kRows * kChains = 8 accumulators
// cover 2 FMA pipes x 4 cycles of latency (Zen 4/5, Neoverse V1; N1 needs 2 x 4 / 2 = 4).
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

// R rows starting at base (stride d) against the query; zero-filled tails add nothing to either metric.
template <class Ops, Metric M, int R>
[[gnu::always_inline]] inline void rows(const float* query, const float* base, std::int64_t d, float* out) {
  using V = typename Ops::V;
  constexpr std::int64_t W = Ops::lanes;
  V acc[R][kChains];
  unroll<R>([&](auto r) { unroll<kChains>([&](auto c) { acc[r][c] = Ops::zero(); }); });
  std::int64_t j = 0;
  for (; j + kChains * W <= d; j += kChains * W) {
    unroll<kChains>([&](auto c) {
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
  unroll<R>([&](auto r) { out[r] = Ops::reduce(Ops::add(acc[r][0], acc[r][1])); });
}

template <class Ops, Metric M>
void distances(const float* query, const float* base, std::int64_t nb, std::int64_t d, float* out) {
  std::int64_t i = 0;
  for (; i + kRows <= nb; i += kRows) rows<Ops, M, kRows>(query, base + i * d, d, out + i);
  for (; i < nb; ++i) rows<Ops, M, 1>(query, base + i * d, d, out + i);
}

}  // namespace armperf::kernels::distance_impl
