// The distance loop of the low-precision kernels (f16, bf16, int8) for the fixed-width ISAs: each
// distance_lowp_<isa>[_<feature>].cpp supplies an Ops struct and instantiates rows() through
// distances(). The f32 loop (distance_impl.hpp) loads floats; these load a narrower type and widen or
// dot-product it, so the step is the Ops' whole business here and the loop only walks rows and
// columns. The elements past the last whole step (d % W) take the scalar reference loop, which is
// also the scalar variant (distance_lowp_scalar.cpp).
//
// Ops: dtype (Dtype), Acc (one row's running state), W (elements per step), zero(), add(Acc, Acc),
// step<M>(Acc, const T* q, const T* b) -> Acc, reduce<M>(Acc) -> Out, and bias<M>(const T* q, n) -> Out,
// a per-query term added to every row (the L2 kernels that expand ||q - b||^2 = ||q||^2 + ||b||^2 -
// 2 q.b around a dot-product instruction return ||q[0, n)||^2; the others 0).
#pragma once

#include <cstdint>
#include <string_view>

#include "kernels/gemm/unroll.hpp"
#include "kernels/knn/lowp.hpp"

namespace armperf::kernels::lowp_impl {

// Registers the l2 and ip rows of one dtype (lowp.cpp, built at the baseline: it runs at start-up on
// every machine, called from ISA files through ARMPERF_LOWP_DISTANCES).
bool register_distances(Dtype dtype, Isa isa, std::string_view suffix, unsigned tile,
                        std::string_view feature, KernelFn l2, KernelFn ip);

// Everything below is instantiated by each distance_lowp_<isa>.cpp with its own flags: internal to
// that file, so that the linker never hands one file's copy (say, scalar_distance with AVX2 code) to
// another's callers.
namespace {

template <Dtype D>
struct Element;
template <>
struct Element<Dtype::f16> {
  using T = Half;
  using Out = float;  // f32 accumulation
  static Out value(T x) { return f16_to_f32(x); }
};
template <>
struct Element<Dtype::bf16> {
  using T = Half;
  using Out = float;
  static Out value(T x) { return bf16_to_f32(x); }
};
template <>
struct Element<Dtype::int8> {
  using T = std::int8_t;
  using Out = std::int32_t;  // exact
  static Out value(T x) { return x; }
};

// One distance element by element, in the accumulator type: the scalar variant and every tail.
template <Dtype D, Metric M>
typename Element<D>::Out scalar_distance(const typename Element<D>::T* q, const typename Element<D>::T* b,
                                         std::int64_t n) {
  using E = Element<D>;
  typename E::Out sum = 0;
  for (std::int64_t j = 0; j < n; ++j) {
    const typename E::Out x = E::value(q[j]), y = E::value(b[j]);
    if constexpr (M == Metric::l2) {
      sum += (x - y) * (x - y);
    } else {
      sum += x * y;
    }
  }
  return sum;
}

// Rows per step and independent accumulators per row, as in distance_impl.hpp (the query's step is
// loaded and widened once for kRows rows).
constexpr int kRows = 4;
constexpr int kChains = 2;

template <class Ops, Metric M, int R>
[[gnu::always_inline]] inline void rows(const typename Element<Ops::dtype>::T* query,
                                        const typename Element<Ops::dtype>::T* base, std::int64_t d,
                                        typename Element<Ops::dtype>::Out bias,
                                        typename Element<Ops::dtype>::Out* out) {
  using Acc = typename Ops::Acc;
  constexpr std::int64_t W = Ops::W;
  Acc acc[R][kChains];
  unroll<R>([&](auto r) { unroll<kChains>([&](auto c) { acc[r][c] = Ops::zero(); }); });
  std::int64_t j = 0;
  for (; j + kChains * W <= d; j += kChains * W) {
    unroll<kChains>([&](auto c) {
      unroll<R>([&](auto r) {
        acc[r][c] = Ops::template step<M>(acc[r][c], query + j + c * W, base + r * d + j + c * W);
      });
    });
  }
  for (; j + W <= d; j += W) {
    unroll<R>([&](auto r) { acc[r][0] = Ops::template step<M>(acc[r][0], query + j, base + r * d + j); });
  }
  unroll<R>([&](auto r) {
    out[r] = Ops::template reduce<M>(Ops::add(acc[r][0], acc[r][1])) + bias +
             scalar_distance<Ops::dtype, M>(query + j, base + r * d + j, d - j);
  });
}

template <class Ops, Metric M>
void distances(const typename Element<Ops::dtype>::T* query, const typename Element<Ops::dtype>::T* base,
               std::int64_t nb, std::int64_t d, typename Element<Ops::dtype>::Out* out) {
  // The per-query term over the columns the vector steps cover (rows() leaves d % W to the scalar tail),
  // once per call rather than per row.
  const auto bias = Ops::template bias<M>(query, d / Ops::W * Ops::W);
  std::int64_t i = 0;
  for (; i + kRows <= nb; i += kRows) rows<Ops, M, kRows>(query, base + i * d, d, bias, out + i);
  for (; i < nb; ++i) rows<Ops, M, 1>(query, base + i * d, d, bias, out + i);
}

// ||q[0, n)||^2 of the converted values in f32, for the expanding L2 kernels' bias.
template <Dtype D>
float query_norm(const typename Element<D>::T* q, std::int64_t n) {
  return scalar_distance<D, Metric::ip>(q, q, n);
}

}  // namespace
}  // namespace armperf::kernels::lowp_impl

// Registers the l2 and ip rows of one dtype, named <dtype>_l2sq_distance__<suffix> and
// <dtype>_ip_distance__<suffix>; `feature` is the CpuFeatures flag they need beyond the ISA ("" none).
#define ARMPERF_LOWP_DISTANCES(DTYPE, ISA, SUFFIX, TILE, FEATURE, L2, IP) \
  ARMPERF_AT_STARTUP(::armperf::kernels::lowp_impl::register_distances(   \
      ::armperf::kernels::Dtype::DTYPE, ISA, SUFFIX, TILE, FEATURE,       \
      reinterpret_cast<::armperf::KernelFn>(L2), reinterpret_cast<::armperf::KernelFn>(IP)))
