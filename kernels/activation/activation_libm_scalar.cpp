// The libm peer (impl "libm"): the same formulations as our variants, evaluated one float at a
// time with glibc's scalar functions (std::exp, std::expm1, ...) in place of Sleef's vectors —
// what a plain loop over <cmath> gives. Named *_scalar.cpp so it gets -fno-tree-vectorize.
#include <cmath>
#include <cstddef>

#include "kernels/activation/activation_impl.hpp"
#include "kernels/activation/activation_scalar_lane.hpp"

namespace armperf::kernels {
namespace {

struct Libm : ScalarLane {
  static V exp(V a) { return std::exp(a); }
  static V expm1(V a) { return std::expm1(a); }
  static V log1p(V a) { return std::log1p(a); }
  static V tanh(V a) { return std::tanh(a); }
  static V erfc(V a) { return std::erfc(a); }
};

ARMPERF_AT_STARTUP(register_activation_variants<Libm, 1>("libm", Isa::scalar, 1, "libm"));

}  // namespace
}  // namespace armperf::kernels
