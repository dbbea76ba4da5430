// The FMA chains once, for every ISA and type: a vector type V provides reg, lanes() (elements per
// register here; SVE's is the vector length in use), set1, fma(acc, a, b) = acc·a + b and sum (all
// lanes, in double). Included only by probes/kernels/peakflops_<isa>.cpp, with that file's ISA flags.
//
// The accumulators are a parameter pack, not an array: each is its own named value, so it lives in a
// register at every optimisation level. An array of chains is kept in registers only when the
// compiler unrolls the chain loop completely (g++ 12 does at -O3, not at -O2), and otherwise every FMA
// waits for a store-to-load forward of its accumulator, which measured 30-40 % of Zen 5's peak. SVE's
// sizeless types cannot form an array at all; a pack holds them like any other type.
// Chain k starts at k: chains with equal start values compute equal values, and the compiler merges
// them into one (g++ 12 did, at -O3: one FMA per iteration, "200 %" of the peak).
#pragma once

#include <cstdint>
#include <utility>

#include "probes/kernels/peakflops.hpp"

namespace armperf::probes::fma_loops {

template <class V, class... Acc>
double fma_rounds(std::uint64_t iterations, typename V::reg a, typename V::reg b, Acc... acc) {
  for (std::uint64_t i = 0; i < iterations; ++i) ((acc = V::fma(acc, a, b)), ...);
  return (V::sum(acc) + ...);
}

template <class V, std::size_t... K>
double fma_chains(std::uint64_t iterations, double a, double b, std::index_sequence<K...>) {
  return fma_rounds<V>(iterations, V::set1(a), V::set1(b), V::set1(static_cast<double>(K))...);
}

template <class V, int kAccumulators>
double fma_chains(std::uint64_t iterations, double a, double b) {
  return fma_chains<V>(iterations, a, b, std::make_index_sequence<kAccumulators>());
}

template <class V, int kAccumulators>
FmaKernel make_fma_kernel(Isa isa, std::string_view dtype) {
  return FmaKernel{isa, dtype, kAccumulators, &V::lanes, &fma_chains<V, kAccumulators>};
}

}  // namespace armperf::probes::fma_loops
