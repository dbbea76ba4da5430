// The chains once, for every ISA and type: a vector type V provides reg (the accumulator), lanes()
// (accumulator lanes per register here; SVE's is the vector length in use), set1 (an accumulator of
// one value), fma(acc, a, b) (the instruction under test) and sum (all lanes, in double), plus its
// row's metadata: dtype, instruction, feature, chain, lane_bits (a dot chain's products per lane follow
// from its instruction: core/peak.hpp's dot_products_per_lane). A V whose
// multiplied operands differ from the accumulator (bf16, int8 into f32, int32) also provides `in` and
// operand(v) (a register of that type with every element v). Included only by
// probes/kernels/peakflops_<isa>[_<feature>].cpp, with that file's ISA flags.
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

#include "core/peak.hpp"
#include "probes/kernels/peakflops.hpp"

namespace armperf::probes::fma_loops {

template <class V>
concept HasOperand = requires { typename V::in; };

template <class V>
struct Operand {
  using type = typename V::reg;
  static type make(double v) { return V::set1(v); }
};
template <HasOperand V>
struct Operand<V> {
  using type = typename V::in;
  static type make(double v) { return V::operand(v); }
};

// Always inlined into fma_chains<V, kAccumulators>, so the loop lives in the function the kernel's
// `run` points to: the instruction-count test disassembles exactly that function.
template <class V, class... Acc>
[[gnu::always_inline]] inline double fma_rounds(std::uint64_t iterations, typename Operand<V>::type a,
                                                typename Operand<V>::type b, Acc... acc) {
  for (std::uint64_t i = 0; i < iterations; ++i) ((acc = V::fma(acc, a, b)), ...);
  return (V::sum(acc) + ...);
}

template <class V, std::size_t... K>
[[gnu::always_inline]] inline double fma_chains(std::uint64_t iterations, double a, double b, std::index_sequence<K...>) {
  constexpr std::size_t first = V::chain == Chain::accumulate ? 1 : 0;  // FmaKernel::run
  return fma_rounds<V>(iterations, Operand<V>::make(a), Operand<V>::make(b),
                       V::set1(static_cast<double>(K + first))...);
}

template <class V, int kAccumulators>
double fma_chains(std::uint64_t iterations, double a, double b) {
  return fma_chains<V>(iterations, a, b, std::make_index_sequence<kAccumulators>());
}

template <class V, int kAccumulators>
constexpr FmaKernel make_fma_kernel(Isa isa) {
  constexpr int products = V::chain == Chain::dot ? dot_products_per_lane(V::instruction) : 1;
  static_assert(products > 0, "a dot-product chain of an instruction core/peak.hpp does not count");
  return FmaKernel{isa,           V::dtype,       V::instruction, V::feature, V::chain, products,
                   kAccumulators, &V::lanes,      V::lane_bits,   &fma_chains<V, kAccumulators>};
}

// The metadata of a plain FMA of one element type (one product per lane, no feature beyond the ISA).
template <int kBits>
struct FmaOf {
  static constexpr std::string_view dtype = kBits == 64 ? "f64" : kBits == 32 ? "f32" : "f16";
  static constexpr std::string_view feature = "";
  static constexpr Chain chain = Chain::fma;
  static constexpr int lane_bits = kBits;
};

// The metadata of an int8 dot-product chain into int32 lanes; the trait adds its instruction (which
// sets the products per lane: core/peak.hpp's dot_products_per_lane) and feature.
struct Int8DotOf {
  static constexpr std::string_view dtype = "int8";
  static constexpr Chain chain = Chain::dot;
  static constexpr int lane_bits = 32;
};

}  // namespace armperf::probes::fma_loops
