// The top-k threshold filter the fixed-width ISAs share (scalar, NEON, AVX2, AVX-512): find the first
// candidate whose key can enter a query's top-k, so the heap (topk.hpp) sees only those. Once the
// heap is full that is a few per block, so almost every candidate costs a vector compare instead of
// a scalar add, compare and branch. distance_sve.cpp spells the same loop with predicates.
//
// Ops (beyond distance_impl.hpp's): set1(x), Mask, less(a, b) (lanes with a < b, false for NaN),
// either(m1, m2) (lane-wise or), first(m) (index of the first set lane, lanes when none).
#pragma once

#include <cstdint>

#include "kernels/gemm/unroll.hpp"

namespace armperf::kernels::scan_impl {

// Vectors per step: their masks are or-ed into one test, so the branch is taken once per 4 vectors.
constexpr int kVectors = 4;

// The first i in [0, n) with scale * values[i] + offsets[i] < threshold (offsets null: + 0), or n.
// scale is +-1, so the fused multiply-add rounds exactly like the driver's separate multiply and add,
// and a NaN key never passes (as in TopK::push).
template <class Ops, bool kOffsets>
std::int64_t first_below(const float* values, const float* offsets, float scale, std::int64_t n,
                         float threshold) {
  using V = typename Ops::V;
  using Mask = typename Ops::Mask;
  constexpr std::int64_t W = Ops::lanes;
  const V t = Ops::set1(threshold), s = Ops::set1(scale);
  auto below = [&](std::int64_t i) {
    const V key = Ops::fma(s, Ops::load(values + i), kOffsets ? Ops::load(offsets + i) : Ops::zero());
    return Ops::less(key, t);
  };
  std::int64_t i = 0;
  for (; i + kVectors * W <= n; i += kVectors * W) {
    Mask m[kVectors];
    unroll<kVectors>([&](auto u) { m[u] = below(i + u * W); });
    if (Ops::first(Ops::either(Ops::either(m[0], m[1]), Ops::either(m[2], m[3]))) == W) continue;
    for (int u = 0; u < kVectors; ++u) {
      const int lane = Ops::first(m[u]);
      if (lane < W) return i + u * W + lane;
    }
  }
  for (; i + W <= n; i += W) {
    const int lane = Ops::first(below(i));
    if (lane < W) return i + lane;
  }
  for (; i < n; ++i) {
    if (scale * values[i] + (kOffsets ? offsets[i] : 0.0f) < threshold) return i;
  }
  return n;
}

template <class Ops>
std::int64_t first_below(const float* values, const float* offsets, float scale, std::int64_t n,
                         float threshold) {
  return offsets != nullptr ? first_below<Ops, true>(values, offsets, scale, n, threshold)
                            : first_below<Ops, false>(values, offsets, scale, n, threshold);
}

}  // namespace armperf::kernels::scan_impl
