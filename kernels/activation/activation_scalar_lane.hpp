// The arithmetic of a one-float "vector", shared by the two scalar traits of the activation family:
// ours (Sleef's scalar functions, activation_scalar.cpp) and the libm peer (glibc's,
// activation_libm_scalar.cpp). They differ only in the transcendental functions and in the
// helpers of our own exp; everything below is plain float arithmetic.
#pragma once

#include <cmath>
#include <cstddef>

namespace armperf::kernels {

struct ScalarLane {
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
};

}  // namespace armperf::kernels
