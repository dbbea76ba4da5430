// Compile-time loops for micro-kernels: unroll<N>(f) calls f(std::integral_constant<int, 0>) ...
// f(std::integral_constant<int, N-1>), so an accumulator array indexed by them lives in registers
// and lane arguments of by-element instructions (NEON vfmaq_laneq_f32) are constants.
// ISA-neutral; included by the gemm_<isa>.cpp files only.
#pragma once

#include <type_traits>
#include <utility>

namespace armperf::kernels {

template <int N, class F>
[[gnu::always_inline]] inline void unroll(F&& f) {
  [&]<int... I>(std::integer_sequence<int, I...>) __attribute__((always_inline)) {
    (f(std::integral_constant<int, I>{}), ...);
  }
  (std::make_integer_sequence<int, N>{});
}

}  // namespace armperf::kernels
