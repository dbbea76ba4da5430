// The FMA chains once, for any fixed-lane vector type V (reg, scalar, lanes, set1, fma, store).
// Included only by probes/kernels/peakflops_<isa>.cpp, compiled with that file's ISA flags.
#pragma once

#include <cstdint>

#include "probes/kernels/peakflops.hpp"

namespace armperf::probes::fma_loops {

template <class V, int kAccumulators>
double fma_chains(std::uint64_t iterations, double a, double b) {
  typename V::reg acc[kAccumulators];
  for (auto& x : acc) x = V::set1(0);
  const typename V::reg va = V::set1(static_cast<typename V::scalar>(a));
  const typename V::reg vb = V::set1(static_cast<typename V::scalar>(b));
  for (std::uint64_t i = 0; i < iterations; ++i) {
    for (int k = 0; k < kAccumulators; ++k) acc[k] = V::fma(acc[k], va, vb);
  }
  double sum = 0;
  for (auto& x : acc) {
    typename V::scalar lane[V::lanes];
    V::store(lane, x);
    for (auto v : lane) sum += static_cast<double>(v);
  }
  return sum;
}

template <class V>
std::size_t fixed_lanes() {
  return V::lanes;
}

template <class V, int kAccumulators>
FmaKernel make_fma_kernel(Isa isa, std::string_view dtype) {
  return FmaKernel{isa, dtype, kAccumulators, &fixed_lanes<V>, &fma_chains<V, kAccumulators>};
}

}  // namespace armperf::probes::fma_loops
