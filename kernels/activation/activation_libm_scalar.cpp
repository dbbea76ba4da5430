// The libm peer (impl "libm"): the same formulations as our variants, evaluated one float at a
// time with glibc's scalar functions (std::exp, std::expm1, ...) in place of Sleef's vectors —
// what a plain loop over <cmath> gives. Named *_scalar.cpp so it gets -fno-tree-vectorize.
#include <cmath>
#include <cstddef>

#include "kernels/activation/activation_impl.hpp"

namespace armperf::kernels {
namespace {

struct Libm {
  using V = float;
  using M = bool;
  static std::size_t lanes() { return 1; }
  static V set1(float v) { return v; }
  static V load(const float* p) { return *p; }
  static void store(float* p, V v) { *p = v; }
  static V load_partial(const float* p, std::size_t, float) { return *p; }  // never called: 1 lane
  static void store_partial(float* p, V v, std::size_t) { *p = v; }
  static V add(V a, V b) { return a + b; }
  static V sub(V a, V b) { return a - b; }
  static V mul(V a, V b) { return a * b; }
  static V div(V a, V b) { return a / b; }
  static V fmadd(V a, V b, V c) { return std::fma(a, b, c); }
  static V fnmadd(V a, V b, V c) { return std::fma(-a, b, c); }
  static V sqrt(V a) { return std::sqrt(a); }
  static V abs(V a) { return std::fabs(a); }
  static V neg(V a) { return -a; }
  static V nabs(V a) { return -std::fabs(a); }
  static V max(V a, V b) { return a > b ? a : b; }
  static V min(V a, V b) { return a < b ? a : b; }
  static M lt(V a, V b) { return a < b; }
  static M le(V a, V b) { return a <= b; }
  static M gt(V a, V b) { return a > b; }
  static V select(M m, V a, V b) { return m ? a : b; }
  static float reduce_max(V a) { return a; }
  static float reduce_add(V a) { return a; }
  static V exp(V a) { return std::exp(a); }
  static V expm1(V a) { return std::expm1(a); }
  static V log1p(V a) { return std::log1p(a); }
  static V tanh(V a) { return std::tanh(a); }
  static V erfc(V a) { return std::erfc(a); }
};

[[maybe_unused]] const bool registered = register_activation_variants<Libm, 1>("libm", Isa::scalar, 1, "libm");

}  // namespace
}  // namespace armperf::kernels
