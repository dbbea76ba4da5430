// The activation ops written once, over a per-ISA vector type (included only by activation_<isa>.cpp).
//
// Each ISA translation unit defines a traits struct T (vector type V, mask type M, loads/stores with
// a partial form for the tail, arithmetic, compares, select, reductions and Sleef's transcendentals)
// and calls register_activation_variants<T, U>(). Everything here sits in an anonymous namespace:
// each ISA file gets its own copy, compiled with its own flags, so the linker can never merge an
// AVX-512 instantiation into a caller that runs on an AVX2 machine.
//
// The formulations are the numerically stable ones the accuracy contract (DESIGN §3) needs; the
// comment on each op says why it is written the way it is.
#pragma once

#include <algorithm>
#include <cstddef>
#include <limits>
#include <span>
#include <string_view>

#include "kernels/activation/activation.hpp"
#include "kernels/registry.hpp"

namespace armperf::kernels {
namespace {

// y[i] = op(in[i]...) for i < n: U vectors per main-loop step, then whole vectors, then one
// partial vector for the tail (masked on ISAs that have masks), so the tail is written once.
template <class T, unsigned U, class Op, class... In>
inline void apply(float* y, std::size_t n, const Op& op, const In*... in) {
  const std::size_t lanes = T::lanes();
  std::size_t i = 0;
  for (; i + U * lanes <= n; i += U * lanes) {
    for (unsigned u = 0; u < U; ++u) T::store(y + i + u * lanes, op(T::load(in + i + u * lanes)...));
  }
  for (; i + lanes <= n; i += lanes) T::store(y + i, op(T::load(in + i)...));
  if (i < n) T::store_partial(y + i, op(T::load_partial(in + i, n - i, 0.0f)...), n - i);
}

// Keep NaN: T::max(a, b) and T::min(a, b) return b when either is NaN (x86's rule; AdvSIMD, SVE and
// the scalar traits return the NaN), so with x second a NaN x comes through on every ISA. One
// instruction where a compare and a select take two, and one step of latency on every exp chain.
template <class T>
inline typename T::V clamp_below(typename T::V x, float lo) {
  return T::max(T::set1(lo), x);
}

template <class T>
inline typename T::V clamp_above(typename T::V x, float hi) {
  return T::min(T::set1(hi), x);
}

// 1/d and a/b for the ops whose bound has room for a reciprocal within about 1 ulp: the traits'
// recip (a hardware estimate refined by Newton steps: a few pipelined multiplies instead of a
// division that issues once every several cycles) when they have one, else a division.
template <class T>
inline typename T::V recip(typename T::V d) {
  if constexpr (requires { T::recip(d); }) {
    return T::recip(d);
  } else {
    return T::div(T::set1(1.0f), d);
  }
}

template <class T>
inline typename T::V quotient(typename T::V a, typename T::V b) {
  if constexpr (requires { T::recip(b); }) {
    return T::mul(a, T::recip(b));
  } else {
    return T::div(a, b);
  }
}

// One Newton step for 1/d from an estimate r with relative error e: r + r(1 - d r), error e^2 plus
// the final rounding (the fma makes 1 - d r exact enough not to matter).
template <class T>
inline typename T::V newton_recip(typename T::V d, typename T::V r) {
  return T::fmadd(r, T::fnmadd(d, r, T::set1(1.0f)), r);
}

// ReLU family: bitwise exact. relu(-0) = +0 and relu(NaN) = the same NaN (x <= 0 is false for NaN).
template <class T>
struct Relu {
  using V = typename T::V;
  explicit Relu(const ActivationParams&) {}
  V operator()(V x) const { return T::select(T::le(x, T::set1(0.0f)), T::set1(0.0f), x); }
};

// alpha*x is one rounding of an exact product, equal to the double reference rounded to f32.
template <class T>
struct LeakyRelu {
  using V = typename T::V;
  float alpha;
  explicit LeakyRelu(const ActivationParams& p) : alpha(p.leaky_alpha) {}
  V operator()(V x) const { return T::select(T::lt(x, T::set1(0.0f)), T::mul(x, T::set1(alpha)), x); }
};

template <class T>
struct Prelu {
  using V = typename T::V;
  explicit Prelu(const ActivationParams&) {}
  V operator()(V x, V alpha) const { return T::select(T::lt(x, T::set1(0.0f)), T::mul(x, alpha), x); }
};

template <class T>
struct NegRelu {
  using V = typename T::V;
  explicit NegRelu(const ActivationParams& p) : relu(p) {}
  Relu<T> relu;
  V operator()(V x) const { return relu(T::neg(x)); }
};

// e^x - 1 for x <= 0 (any value for x > 0, which the callers discard): T::expm1_nonpos where the
// traits have one (without the upper clamp that T::expm1 needs for the whole range), else T::expm1.
template <class T>
inline typename T::V expm1_nonpos(typename T::V x) {
  if constexpr (requires { T::expm1_nonpos(x); }) {
    return T::expm1_nonpos(x);
  } else {
    return T::expm1(x);
  }
}

// x where x > 0, +-0 or NaN, em1 where x < 0: elu's final selection, one instruction where the
// traits have T::pos_or (AVX-512), else a compare and a select (em1 is NaN or +-0 there anyway).
template <class T>
inline typename T::V pos_or(typename T::V x, typename T::V em1) {
  if constexpr (requires { T::pos_or(x, em1); }) {
    return T::pos_or(x, em1);
  } else {
    return T::select(T::gt(x, T::set1(0.0f)), x, em1);
  }
}

// expm1, not exp(x) - 1: no cancellation near 0, and elu(-0) = -0 like the reference. With
// kUnitAlpha (alpha = 1, the default) without the multiply: one instruction of about twenty, and
// these kernels are bound by instruction count.
template <class T, bool kUnitAlpha = false>
struct Elu {
  using V = typename T::V;
  float alpha;
  explicit Elu(const ActivationParams& p) : alpha(p.elu_alpha) {}
  V operator()(V x) const {
    const V em1 = expm1_nonpos<T>(x);
    if constexpr (kUnitAlpha) {
      return pos_or<T>(x, em1);
    } else {
      return T::select(T::gt(x, T::set1(0.0f)), x, T::mul(T::set1(alpha), em1));
    }
  }
};

// lambda*alpha folded into one f32 constant: one constant rounding instead of two.
template <class T>
struct Selu {
  using V = typename T::V;
  explicit Selu(const ActivationParams&) {}
  V operator()(V x) const {
    const V pos = T::mul(x, T::set1(static_cast<float>(kSeluLambda)));
    const V neg = T::mul(T::set1(static_cast<float>(kSeluLambda * kSeluAlpha)), T::expm1(x));
    return T::select(T::gt(x, T::set1(0.0f)), pos, neg);
  }
};

// x/2 * erfc(-x/sqrt2), which is x/2 * (1 + erf(x/sqrt2)) without the cancellation of 1 + erf for
// x < 0. erfc(-z) amplifies the rounding error dz of z = x/sqrt2 by its log-derivative
// R(t) = 2/sqrt(pi) e^(-t^2) / erfc(t), t = -z (about 2t: 10x at x = -3). We compute dz exactly
// (fma) and correct to first order with the Mills-ratio bound R(t) ~ t + sqrt(t^2 + 4/pi), exact
// at t = 0 and asymptotically. x < -16 gives -0 anyway; clamping there makes gelu(-inf) = -0.
template <class T>
struct GeluErf {
  using V = typename T::V;
  explicit GeluErf(const ActivationParams&) {}
  V operator()(V x) const {
    constexpr double kInvSqrt2 = 0.70710678118654752440;
    const float c_hi = static_cast<float>(kInvSqrt2);
    const float c_lo = static_cast<float>(kInvSqrt2 - static_cast<double>(c_hi));
    x = clamp_below<T>(x, -16.0f);
    const V z = T::mul(x, T::set1(c_hi));
    const V dz = T::fmadd(x, T::set1(c_lo), T::fmadd(x, T::set1(c_hi), T::neg(z)));
    const V f = T::erfc(T::neg(z));
    const V t = T::abs(z);
    const V ratio = T::add(t, T::sqrt(T::fmadd(t, t, T::set1(static_cast<float>(4.0 / 3.14159265358979323846)))));
    const V correction = T::select(T::lt(z, T::set1(0.0f)), T::mul(ratio, dz), T::set1(0.0f));
    return T::mul(T::mul(x, T::set1(0.5f)), T::fmadd(f, correction, f));
  }
};

// 1 + tanh(u) = 2 sigma(2u), so gelu = x / (1 + e^w), w = -2u = x (K1 + K2 x^2): no cancellation
// for x < 0. e^w turns the error of w into relative error |w| dw (6x at x = -2.8), so w is built
// in double-float: x^2 and x*q with their exact fma errors, K1 + K2 x^2 as a Fast2Sum (|K1| > |K2 x^2|
// wherever the result is checked in ULP) with K1's low part, and e^(w_hi + w_lo) = e^w_hi (1 + w_lo).
// w is taken from x clamped to [-12, 12], which keeps x^2 finite: above 10, e^w < 2^-126 and the
// result is x; below -10, e^w overflows (inf * w_lo would be NaN) and the result, |y| < 3e-38, is -0.
template <class T>
struct GeluTanh {
  using V = typename T::V;
  explicit GeluTanh(const ActivationParams&) {}
  V operator()(V x) const {
    constexpr double kK1 = -2.0 * 0.79788456080286535588;  // -2 sqrt(2/pi)
    constexpr double kK2 = kK1 * 0.044715;
    const float k1_hi = static_cast<float>(kK1);
    const float k1_lo = static_cast<float>(kK1 - static_cast<double>(k1_hi));
    const V k2 = T::set1(static_cast<float>(kK2));
    const V xc = clamp_above<T>(clamp_below<T>(x, -12.0f), 12.0f);
    const V s = T::mul(xc, xc);
    const V s_lo = T::fmadd(xc, xc, T::neg(s));
    const V t = T::mul(k2, s);
    const V q = T::add(T::set1(k1_hi), t);
    const V q_lo = T::add(T::sub(t, T::sub(q, T::set1(k1_hi))), T::fmadd(k2, s_lo, T::set1(k1_lo)));
    const V w = T::mul(xc, q);
    const V w_lo = T::fmadd(xc, q_lo, T::fmadd(xc, q, T::neg(w)));
    const V e = T::exp(w);
    const V y = quotient<T>(x, T::add(T::set1(1.0f), T::fmadd(e, w_lo, e)));
    return T::select(T::lt(x, T::set1(-10.0f)), T::set1(-0.0f), y);
  }
};

// e^z for z in [-104, 0] (or NaN): T::exp_nonpos where the traits have one (the table-driven
// exp_lut16, which skips the clamps that T::exp needs for the whole range), else T::exp.
template <class T>
inline typename T::V exp_nonpos(typename T::V z) {
  if constexpr (requires { T::exp_nonpos(z); }) {
    return T::exp_nonpos(z);
  } else {
    return T::exp(z);
  }
}

// Sigmoid's two selections, each one instruction where the ISA's traits have it (AVX-512) and
// two otherwise. nabs_min: -min(|x|, hi), NaN kept by the fallback (T::nabs_min may turn it into
// -hi). neg_or_one: e where x < 0, 1 where x >= 0 (-0 included), NaN where x is NaN; the fallback
// gives 1 for NaN x, the NaN arriving through e from the NaN-keeping nabs_min.
template <class T>
inline typename T::V nabs_min(typename T::V x, float hi) {
  if constexpr (requires { T::nabs_min(x, hi); }) {
    return T::nabs_min(x, hi);
  } else {
    return clamp_below<T>(T::nabs(x), -hi);
  }
}

template <class T>
inline typename T::V neg_or_one(typename T::V x, typename T::V e) {
  if constexpr (requires { T::neg_or_one(x, e); }) {
    return T::neg_or_one(x, e);
  } else {
    return T::select(T::lt(x, T::set1(0.0f)), e, T::set1(1.0f));
  }
}

// sigma(x) from e = e^-|x| <= 1: 1/(1+e) for x >= 0, e/(1+e) below; neither overflows nor cancels.
// The numerator is selected before the one division, so each branch rounds once after 1 + e.
// Below -104 e^-|x| is 0 in f32 (and sigma rounds to 0), so clamping there changes no result
// and keeps sigma(-inf) = 0 on every exp. Traits with their own T::sigmoid (the *_lut16r variant)
// replace the whole formulation.
template <class T>
struct Sigmoid {
  using V = typename T::V;
  explicit Sigmoid(const ActivationParams&) {}
  V operator()(V x) const {
    if constexpr (requires { T::sigmoid(x); }) return T::sigmoid(x);
    const V e = exp_nonpos<T>(nabs_min<T>(x, 104.0f));
    return quotient<T>(neg_or_one<T>(x, e), T::add(T::set1(1.0f), e));
  }
};

// Below x = -80, silu and mish are x e^x (1 + e^x rounds to 1) and head for subnormals, where
// x * exp(x) would multiply exp's rounding of a subnormal by |x| (50 ulp at -104). There the one
// exp call takes x/2 instead and the result is (x e^(x/2)) e^(x/2), rounded once into the subnormals.
constexpr float kTinyBelow = -80.0f;

template <class T>
inline typename T::V exp_arg_or_half(typename T::V x, typename T::V arg) {
  return T::select(T::lt(x, T::set1(kTinyBelow)), T::mul(x, T::set1(0.5f)), arg);
}

template <class T>
inline typename T::V tiny_product(typename T::V x, typename T::V half_exp, typename T::V y) {
  return T::select(T::lt(x, T::set1(kTinyBelow)), T::mul(T::mul(x, half_exp), half_exp), y);
}

// x sigma(x) with sigma as in Sigmoid; x < -128 gives -0 anyway, and the clamp
// keeps silu(-inf) = -0 instead of -inf * 0.
template <class T>
struct Silu {
  using V = typename T::V;
  explicit Silu(const ActivationParams&) {}
  V operator()(V x) const {
    x = clamp_below<T>(x, -128.0f);
    const V e = exp_nonpos<T>(exp_arg_or_half<T>(x, nabs_min<T>(x, 104.0f)));  // in [-104, 0]
    const V sigma = quotient<T>(neg_or_one<T>(x, e), T::add(T::set1(1.0f), e));
    return tiny_product<T>(x, e, T::mul(x, sigma));
  }
};

// tanh(softplus(x)) = n / (n + 2) with n = e^x (e^x + 2): one exp, no log, no cancellation.
// For x > 20 the ratio is 1 in f32; the upper clamp keeps e^x finite, the lower one mish(-inf) = -0.
template <class T>
struct Mish {
  using V = typename T::V;
  explicit Mish(const ActivationParams&) {}
  V operator()(V x) const {
    x = clamp_below<T>(x, -128.0f);
    const V e = T::exp(exp_arg_or_half<T>(x, clamp_above<T>(x, 20.0f)));
    const V n = T::mul(e, T::add(e, T::set1(2.0f)));
    return tiny_product<T>(x, e, T::mul(x, quotient<T>(n, T::add(n, T::set1(2.0f)))));
  }
};

// max(x, 0) + log1p(e^-|x|): never overflows, and log1p keeps the small-e tail accurate.
template <class T>
struct Softplus {
  using V = typename T::V;
  explicit Softplus(const ActivationParams&) {}
  V operator()(V x) const {
    const V pos = T::select(T::gt(x, T::set1(0.0f)), x, T::set1(0.0f));
    return T::add(pos, T::log1p(T::exp(T::neg(T::abs(x)))));
  }
};

// (x + s)/2 with s = sqrt(x^2 + b) for x >= 0; (b/2) / (s - x) for x < 0 (same value, no
// cancellation). Halves are taken before adding so nothing overflows near FLT_MAX; above 2^32
// x^2 + b rounds to x^2 for any b < 2^40, so s = |x| there avoids overflowing x^2.
template <class T>
struct Squareplus {
  using V = typename T::V;
  float b;
  explicit Squareplus(const ActivationParams& p) : b(p.squareplus_b) {}
  V operator()(V x) const {
    const V half = T::set1(0.5f);
    const V ax = T::abs(x);
    const V s = T::select(T::gt(ax, T::set1(4294967296.0f)), ax, T::sqrt(T::fmadd(x, x, T::set1(b))));
    const V pos = T::fmadd(x, half, T::mul(s, half));
    const V neg = T::div(T::set1(0.25f * b), T::fmadd(ax, half, T::mul(s, half)));
    return T::select(T::lt(x, T::set1(0.0f)), neg, pos);
  }
};

template <class T>
struct Delu {
  using V = typename T::V;
  float a, b, xc;
  explicit Delu(const ActivationParams& p) : a(p.delu_a), b(p.delu_b), xc(p.delu_xc) {}
  V operator()(V x) const {
    const V low = T::div(T::expm1(T::mul(x, T::set1(a))), T::set1(b));
    return T::select(T::gt(x, T::set1(xc)), x, low);
  }
};

template <class T>
struct Tanh {
  using V = typename T::V;
  explicit Tanh(const ActivationParams&) {}
  V operator()(V x) const { return T::tanh(x); }
};

template <class T>
struct Scale {
  using V = typename T::V;
  float factor;
  V operator()(V x) const { return T::mul(x, T::set1(factor)); }
};

// e^(x - m) with x - m as an exact TwoSum (hi + lo): the rounding of x - m alone would cost
// |x - m| * eps/2 relative error (32 eps at x - m = -80), far over the 10 eps of the contract.
template <class T>
struct ExpShifted {
  using V = typename T::V;
  float m;
  V operator()(V x) const {
    const V b = T::set1(-m);
    const V s = T::add(x, b);
    const V bb = T::sub(s, x);
    const V lo = T::add(T::sub(x, T::sub(s, bb)), T::sub(b, bb));
    const V e = T::exp(s);
    return T::fmadd(e, lo, e);
  }
};

// Cody-Waite reduction shared by exp_taylor7, expm1_taylor8 and exp_p6: x = n ln2 + r with
// n = round(x / ln2), |r| <= ln2/2, ln2 split in two parts so that r carries no rounding error
// from n ln2.
template <class T>
inline typename T::V reduce_ln2(typename T::V x, typename T::V& n) {
  n = T::round(T::mul(x, T::set1(1.44269504088896341f)));
  const typename T::V r = T::fmadd(n, T::set1(-0x1.62e43p-1f), x);
  return T::fmadd(n, T::set1(0x1.05c61p-29f), r);
}

// Our own e^x, the cheaper alternative to Sleef's for the exp-based ops (the issue: "keep both as
// separate variants and let the numbers speak"). Cody-Waite reduction x = n ln2 + r, |r| <= ln2/2,
// with ln2 in two parts and fma; e^r by its Taylor polynomial of degree 7 (truncation 4e-9
// relative, under 0.05 ulp); 2^n applied by the ISA's scale (T::scale2), which rounds once into
// the subnormals. x is clamped to [-104, 89] (keeping NaN): beyond, e^x is 0 or inf in f32.
template <class T>
inline typename T::V exp_taylor7(typename T::V x) {
  using V = typename T::V;
  x = clamp_below<T>(x, -104.0f);
  x = clamp_above<T>(x, 89.0f);
  V n;
  const V r = reduce_ln2<T>(x, n);
  V p = T::set1(1.0f / 5040);
  p = T::fmadd(p, r, T::set1(1.0f / 720));
  p = T::fmadd(p, r, T::set1(1.0f / 120));
  p = T::fmadd(p, r, T::set1(1.0f / 24));
  p = T::fmadd(p, r, T::set1(1.0f / 6));
  p = T::fmadd(p, r, T::set1(0.5f));
  p = T::fmadd(p, r, T::set1(1.0f));
  p = T::fmadd(p, r, T::set1(1.0f));
  return T::scale2(p, n);
}

// e^x - 1 the same way: with x = n ln2 + r, e^x - 1 = 2^n (e^r - 1) + (2^n - 1), one fma, where
// e^r - 1 = r + r^2 q(r) (Taylor, degree 8 overall) has no cancellation and 2^n - 1 is exact for
// the n that occur: x is clamped below at -17.5, where e^x - 1 is -1 in f32.
template <class T>
inline typename T::V expm1_taylor8(typename T::V x) {
  using V = typename T::V;
  x = clamp_below<T>(x, -17.5f);
  x = clamp_above<T>(x, 89.0f);
  V n;
  const V r = reduce_ln2<T>(x, n);
  V q = T::set1(1.0f / 40320);
  q = T::fmadd(q, r, T::set1(1.0f / 5040));
  q = T::fmadd(q, r, T::set1(1.0f / 720));
  q = T::fmadd(q, r, T::set1(1.0f / 120));
  q = T::fmadd(q, r, T::set1(1.0f / 24));
  q = T::fmadd(q, r, T::set1(1.0f / 6));
  q = T::fmadd(q, r, T::set1(0.5f));
  const V em1 = T::fmadd(T::mul(r, r), q, r);
  const V s = T::scale2(T::set1(1.0f), n);
  return T::fmadd(s, em1, T::sub(s, T::set1(1.0f)));
}

// The traits of an ISA with exp and expm1 replaced by ours (the rest, Sleef included, is T's).
template <class T>
struct WithOwnExp : T {
  static typename T::V exp(typename T::V x) { return exp_taylor7<T>(x); }
  static typename T::V expm1(typename T::V x) { return expm1_taylor8<T>(x); }
};

// The ops whose only transcendentals are exp and expm1: the ones a WithOwnExp variant changes.
inline constexpr std::string_view kExpOnlyOps[] = {"elu", "selu", "delu", "sigmoid", "silu", "mish", "gelu_tanh",
                                                   "softmax"};

// The *_p6 variants: lower degrees than Taylor's for the same accuracy, with near-minimax
// coefficients (Chebyshev fits of the remainder, rounded to f32), in Horner's form. These kernels
// are bound by instruction count, not latency (measured on Zen 5: unrolling 2 or 4 vectors per step
// gives the same rate, and Estrin's shorter chains, which cost a multiply and register copies, were
// no faster), so every operation saved counts.
//
// e^r = 1 + r P(r), P of degree 5 on |r| <= ln2/2: relative error 1.1e-8 with these f32
// coefficients (0.2 ulp), then 2^n by T::scale2 as in exp_taylor7.
template <class T>
inline typename T::V exp_p6(typename T::V x) {
  using V = typename T::V;
  x = clamp_above<T>(clamp_below<T>(x, -104.0f), 89.0f);
  V n;
  const V r = reduce_ln2<T>(x, n);
  V p = T::fmadd(T::set1(0x1.6d4316p-10f), r, T::set1(0x1.123d82p-7f));
  p = T::fmadd(p, r, T::set1(0x1.5554eap-5f));
  p = T::fmadd(p, r, T::set1(0x1.55547cp-3f));
  p = T::fmadd(p, r, T::set1(0.5f));
  p = T::fmadd(p, r, T::set1(1.0f));
  return T::scale2(T::fmadd(p, r, T::set1(1.0f)), n);
}

// e^x - 1 as in expm1_taylor8, e^r - 1 = r + r^2 Q(r) with Q of degree 4 (relative error 2.4e-8
// of e^r - 1 with these f32 coefficients, 0.4 ulp). The reduction takes ln2 as one f32 (one fma
// less): that adds n 1.9e-9 to r, a relative error of e^x that stays under 0.05 ulp of e^x - 1
// wherever 2^n is not large (x < 1.5, which is where elu, selu and delu use it) and is divided by
// m + 2 in tanh_p6, which takes it up to 18 (measured with the accuracy sweeps).
template <class T>
inline typename T::V expm1_p6(typename T::V x) {
  using V = typename T::V;
  x = clamp_above<T>(clamp_below<T>(x, -17.5f), 89.0f);
  const V n = T::round(T::mul(x, T::set1(1.44269504088896341f)));
  const V r = T::fmadd(n, T::set1(-0x1.62e43p-1f), x);
  V q = T::fmadd(T::set1(0x1.6d10fcp-10f), r, T::set1(0x1.120b62p-7f));
  q = T::fmadd(q, r, T::set1(0x1.55551ap-5f));
  q = T::fmadd(q, r, T::set1(0x1.5554dep-3f));
  q = T::fmadd(q, r, T::set1(0.5f));
  const V em1 = T::fmadd(T::mul(q, r), r, r);
  const V s = T::scale2(T::set1(1.0f), n);
  return T::fmadd(s, em1, T::sub(s, T::set1(1.0f)));
}

// tanh x = sign(x) m / (m + 2) with m = e^(2|x|) - 1: no cancellation anywhere (m's relative error
// passes to the ratio scaled by 2/(m + 2) <= 1) and tanh(+-0) = +-0. Above |x| = 9 the ratio is 1
// in f32; the clamp keeps m finite. The rounding of m + 2 and of the quotient would add up to 1 ulp
// to m's (measured: 2.4 ulp at x = -0.0156, over tanh's 2), so the quotient is corrected once:
// d + d_lo = m + 2 exactly (TwoSum), q = m / d from T::recip_fast, and q += (m - q (d + d_lo)) / d
// with the residual from fmas, which leaves m's error and one rounding.
template <class T>
inline typename T::V tanh_p6(typename T::V x) {
  using V = typename T::V;
  const V m = expm1_p6<T>(T::mul(clamp_above<T>(T::abs(x), 9.0f), T::set1(2.0f)));
  const V two = T::set1(2.0f);
  const V d = T::add(m, two);
  const V bb = T::sub(d, m);
  const V d_lo = T::add(T::sub(m, T::sub(d, bb)), T::sub(two, bb));
  const V r = T::recip_fast(d);
  const V q = T::mul(m, r);
  const V t = T::fmadd(T::fnmadd(q, d_lo, T::fnmadd(q, d, m)), r, q);
  // The sign from x; x itself where it is +-0 (t = +0 there) or NaN.
  const V signed_t = T::select(T::lt(x, T::set1(0.0f)), T::neg(t), t);
  return T::select(T::gt(T::abs(x), T::set1(0.0f)), signed_t, x);
}

// The traits of an ISA with exp, expm1 and tanh from the p6 polynomials (Sleef is not used), and
// 1/d from the ISA's reciprocal estimate with Newton steps (T::recip_fast, within about 1 ulp) on
// the ISAs whose traits say it beats a division (T::kEstimateBeatsDivision).
template <class T>
struct WithOwnPoly : T {
  static typename T::V exp(typename T::V x) { return exp_p6<T>(x); }
  static typename T::V expm1(typename T::V x) { return expm1_p6<T>(x); }
  static typename T::V tanh(typename T::V x) { return tanh_p6<T>(x); }
  static typename T::V recip(typename T::V d)
    requires T::kEstimateBeatsDivision
  {
    return T::recip_fast(d);
  }
};

// The ops a WithOwnPoly variant changes.
inline constexpr std::string_view kOwnPolyOps[] = {"elu",  "selu",      "delu",    "sigmoid", "silu",
                                                   "mish", "gelu_tanh", "softmax", "tanh"};

// The *_lut variants: e^z for z <= 0 from a 16-entry table of 2^(j/16) and a degree-3
// polynomial, the shape of the fastest peers' exp (XNNPACK's sigmoid): z = (k + j/16) ln2 + t,
// e^z = 2^k 2^(j/16) e^t with |t| <= ln2/32. Adding 1.5 * 2^19 (whose ulp is 1/16) rounds z/ln2
// to sixteenths inside the fma and leaves k*16 + j in the low mantissa bits: the lookup reads j
// there (T::lookup16), and T::scale2_floor applies 2^k from n = k + j/16 (floor(n) = k), rounding
// once into the subnormals. t is exact from the first fma (|z - n ln2_hi| < 2^-5 needs no more
// bits than z has). e^t = 1 + t q(t), q = 1 + c2 t + c3 t^2 with near-minimax f32 coefficients
// (relative error 0.03 ulp), and with the table's rounding c_j (kExp2SixteenthsLog) and ln2's low
// part, c = c_j + n ln2_lo, 2^(j/16) e^(t + c) ~ l + l (t q + c): two fmas, c riding in the first
// (c t and c's effect on q are under 2^-28). c is computed beside the polynomial, off the critical
// chain (measured on Zen 5: 5% faster than correcting t first). e is about 0.6 ulp from e^z.
inline constexpr float kExp2Sixteenths[16] = {
    0x1.000000p+0f, 0x1.0b5586p+0f, 0x1.172b84p+0f, 0x1.2387a6p+0f, 0x1.306fe0p+0f, 0x1.3dea64p+0f,
    0x1.4bfdaep+0f, 0x1.5ab07ep+0f, 0x1.6a09e6p+0f, 0x1.7a1148p+0f, 0x1.8ace54p+0f, 0x1.9c4918p+0f,
    0x1.ae89fap+0f, 0x1.c199bep+0f, 0x1.d5818ep+0f, 0x1.ea4afap+0f};
// ln(2^(j/16) / kExp2Sixteenths[j]): added to t, it takes out the table's rounding (up to 0.8 ulp
// of e) for a second lookup (the add is folded into an fma of the polynomial). Without it sigmoid
// reached 2.85 ulp in a 2^24 sample (bound 3) and silu 3.6 (bound 4); with it 2.2 and 3.0.
inline constexpr float kExp2SixteenthsLog[16] = {
    0.0f,           0x1.8d96d4p-25f,  -0x1.9c0c22p-27f, 0x1.964902p-25f,  0x1.125002p-25f,  0x1.370be4p-25f,
    -0x1.0a3552p-25f, -0x1.00d8acp-27f, 0x1.26055cp-26f,  -0x1.05cb44p-25f, 0x1.67a1cap-28f,  0x1.a3b5e4p-28f,
    -0x1.f9c306p-27f, -0x1.6961b4p-28f, -0x1.a5217cp-28f, 0x1.61428ep-28f};

template <class T>
inline typename T::V exp_lut16(typename T::V z) {
  using V = typename T::V;
  const V magic = T::set1(0x1.8p19f);
  const V biased = T::fmadd(z, T::set1(1.44269504088896341f), magic);
  const V l = T::lookup16(kExp2Sixteenths, biased);
  const V n = T::sub(biased, magic);
  const V t = T::fmadd(n, T::set1(-0x1.62e43p-1f), z);
  const V c = T::fmadd(n, T::set1(0x1.05c61p-29f), T::lookup16(kExp2SixteenthsLog, biased));
  V q = T::fmadd(T::set1(0x1.55561cp-3f), t, T::set1(0x1.000222p-1f));
  q = T::fmadd(q, t, T::set1(1.0f));
  return T::scale2_floor(T::fmadd(l, T::fmadd(t, q, c), l), n);
}

// e^x - 1 for x <= 0 as in expm1_p6 (same polynomial and reduction), with n and 2^n taken from
// one fma instead of a multiply, a rounding and a scale: adding 1.5 * 2^23 + 127 rounds x/ln2 to
// an integer n inside the fma and leaves n + 127 in the low mantissa bits, which shifted up into
// the exponent field (T::shift_to_exponent) are 2^n: normal, as x >= -17.5 keeps n >= -26. For
// x > 0 the result is garbage that elu discards.
template <class T>
inline typename T::V expm1_p6_nonpos(typename T::V x) {
  using V = typename T::V;
  x = clamp_below<T>(x, -17.5f);
  const V magic = T::set1(0x1.8p23f + 127.0f);
  const V biased = T::fmadd(x, T::set1(1.44269504088896341f), magic);
  const V n = T::sub(biased, magic);
  const V s = T::shift_to_exponent(biased);
  const V r = T::fmadd(n, T::set1(-0x1.62e43p-1f), x);
  V q = T::fmadd(T::set1(0x1.6d10fcp-10f), r, T::set1(0x1.120b62p-7f));
  q = T::fmadd(q, r, T::set1(0x1.55551ap-5f));
  q = T::fmadd(q, r, T::set1(0x1.5554dep-3f));
  q = T::fmadd(q, r, T::set1(0.5f));
  const V em1 = T::fmadd(T::mul(q, r), r, r);
  return T::fmadd(s, em1, T::sub(s, T::set1(1.0f)));
}

// The p6 traits with e^z for z <= 0 from exp_lut16 (sigmoid, silu), and elu's e^x - 1 for x <= 0
// from expm1_p6_nonpos. (A table would not do for expm1: near 0 the rounding of
// 2^(j/16) alone is about 25 ulp of e^x - 1.)
template <class T>
struct WithLutExp : WithOwnPoly<T> {
  static typename T::V exp_nonpos(typename T::V z) { return exp_lut16<T>(z); }
  static typename T::V expm1_nonpos(typename T::V x) { return expm1_p6_nonpos<T>(x); }
};

inline constexpr std::string_view kLutOps[] = {"elu", "sigmoid", "silu"};

// The *_lut32 variant (AVX-512 only: T::lookup32 is one vpermt2ps over two registers there; AdvSIMD,
// SVE at short vector lengths and AVX2 would need two or more lookups and a select): elu's
// e^x - 1 for x <= 0 from 32 entries of 2^(j/32), which leaves |t| <= ln2/64 and a degree-3
// polynomial where expm1_p6_nonpos needs degree 6: as many instructions, but three multiply-adds
// fewer (two lookups and a scale instead) in a shorter chain. Measured on Zen 5, 1 thread,
// L2-resident: about 7% above XNNPACK's elu, where expm1_p6_nonpos trails it by 2 to 5%.
// x = n ln2 + t with n = k + j/32 rounded inside the fma as in exp_lut16 (1.5 * 2^18 has ulp 1/32);
// s = 2^k 2^(j/32) is the table entry scaled exactly (x >= -17.5 keeps it normal), and
// e^x - 1 = s (e^(t + c_j) - 1) + (s - 1), where c_j = ln(2^(j/32) / table[j]) takes out the
// table's rounding: near 0, s - 1 cancels and a rounding of 2^(j/32) alone would be 8 ulp of
// e^x - 1. s - 1 is exact (s in [1/2, 2] where it matters) and e^u - 1 = u + u^2 (c2 + c3 u) with
// f32 Chebyshev coefficients (0.45 ulp), u = t + c_j. ln2 is one f32 (as in expm1_p6): n <= 26
// keeps its error under 0.05 ulp. Measured: 1.44 ulp at most over all 2^32 inputs.
inline constexpr float kExp2ThirtySeconds[32] = {
    0x1.000000p+0f, 0x1.059b0ep+0f, 0x1.0b5586p+0f, 0x1.11301ep+0f, 0x1.172b84p+0f, 0x1.1d4874p+0f,
    0x1.2387a6p+0f, 0x1.29e9e0p+0f, 0x1.306fe0p+0f, 0x1.371a74p+0f, 0x1.3dea64p+0f, 0x1.44e086p+0f,
    0x1.4bfdaep+0f, 0x1.5342b6p+0f, 0x1.5ab07ep+0f, 0x1.6247ecp+0f, 0x1.6a09e6p+0f, 0x1.71f75ep+0f,
    0x1.7a1148p+0f, 0x1.82589ap+0f, 0x1.8ace54p+0f, 0x1.93737cp+0f, 0x1.9c4918p+0f, 0x1.a5503cp+0f,
    0x1.ae89fap+0f, 0x1.b7f770p+0f, 0x1.c199bep+0f, 0x1.cb720ep+0f, 0x1.d5818ep+0f, 0x1.dfc974p+0f,
    0x1.ea4afap+0f, 0x1.f50766p+0f};
inline constexpr float kExp2ThirtySecondsLog[32] = {
    0.0f,            -0x1.947416p-25f, 0x1.8d96d4p-25f,  -0x1.dda2fep-25f, -0x1.9c0c22p-27f, -0x1.a2fbb4p-25f,
    0x1.964902p-25f, -0x1.2b0dbcp-25f, 0x1.125002p-25f,  -0x1.cde8cep-26f, 0x1.370be4p-25f,  0x1.336de2p-30f,
    -0x1.0a3552p-25f, -0x1.c541b6p-26f, -0x1.00d8acp-27f, -0x1.6cb284p-25f, 0x1.26055cp-26f,  0x1.8b2bb8p-26f,
    -0x1.05cb44p-25f, -0x1.1c2142p-26f, 0x1.67a1cap-28f,  -0x1.348e56p-25f, 0x1.a3b5e4p-28f,  -0x1.0b7ec8p-25f,
    -0x1.f9c306p-27f, -0x1.e4c886p-26f, -0x1.6961b4p-28f, -0x1.b5151ep-28f, -0x1.a5217cp-28f, -0x1.ab7132p-26f,
    0x1.61428ep-28f,  -0x1.2ad5f8p-27f};

template <class T>
inline typename T::V expm1_lut32_nonpos(typename T::V x) {
  using V = typename T::V;
  x = clamp_below<T>(x, -17.5f);
  const V magic = T::set1(0x1.8p18f);
  const V biased = T::fmadd(x, T::set1(1.44269504088896341f), magic);
  const V n = T::sub(biased, magic);
  const V s = T::scale2_floor(T::lookup32(kExp2ThirtySeconds, biased), n);
  const V t = T::fmadd(n, T::set1(-0x1.62e43p-1f), x);
  const V u = T::add(t, T::lookup32(kExp2ThirtySecondsLog, biased));
  // u + t^2 q rather than u + (q t) t: t^2 beside q, one step less on the critical chain.
  const V q = T::fmadd(T::set1(0x1.555596p-3f), t, T::set1(0x1.000052p-1f));
  return T::fmadd(s, T::fmadd(q, T::mul(t, t), u), T::sub(s, T::set1(1.0f)));
}

template <class T>
struct WithLut32Exp : WithOwnPoly<T> {
  static typename T::V expm1_nonpos(typename T::V x) { return expm1_lut32_nonpos<T>(x); }
};

inline constexpr std::string_view kLut32Ops[] = {"elu"};

// The *_lut16r variant (AVX-512 only: it needs T::clamp_mag and T::fnmsub, one instruction each
// there, and a T::scale2_floor that is one instruction): sigmoid(x) = C / (C + C e^-x) with
// C = 2^-64, one formula for both signs of x, without Sigmoid's selection of the numerator (the
// vfixupimmps that selection takes is among the costliest instructions of the loop on Zen 5).
// e^-x is exp_lut16's (same table, correction and polynomial) with the table entries scaled by C,
// so C e^-x stays finite up to x = -104 (2^86) and C / (C + C e^-x) rounds once into the
// subnormals there; for x > 43, where C e^-x is subnormal, the quotient is 1 anyway. The loop is
// latency-bound as much as instruction-bound (measured: the same instructions with the scale and
// ln2's low part on the critical path ran 10% slower), so 2^k is applied to the table entry and
// ln2's low part joins the correction, both beside the polynomial's chain, and the denominator is
// one fma: s u + (s + C). x is clamped to [-104, 104] for n (beyond, e^-x is 0 or over 2^150 and
// the quotient 1 or 0); t takes min(x, 104) instead, which keeps NaN, and for x < -104 makes t
// large (the quotient still 0, +inf included). Measured: 2.49 ulp at most over all 2^32 inputs
// (bound 3); on Zen 5, 1 thread, L2-resident, about 3% above XNNPACK's sigmoid, where the select
// form (lut16) trails it by 11%.
struct Exp2SixteenthsScaled {
  float v[16];
};
inline constexpr Exp2SixteenthsScaled kExp2SixteenthsTiny = [] {
  Exp2SixteenthsScaled r{};
  for (int j = 0; j < 16; ++j) r.v[j] = kExp2Sixteenths[j] * 0x1p-64f;  // exact: a power of 2
  return r;
}();

template <class T>
inline typename T::V sigmoid_lut16r(typename T::V x) {
  using V = typename T::V;
  constexpr float kC = 0x1p-64f;
  const V xn = T::clamp_mag(x, 104.0f);
  const V xt = clamp_above<T>(x, 104.0f);
  const V magic = T::set1(0x1.8p19f);
  const V biased = T::fmadd(xn, T::set1(-1.44269504088896341f), magic);
  const V n = T::sub(biased, magic);
  const V s = T::scale2_floor(T::lookup16(kExp2SixteenthsTiny.v, biased), n);
  const V s_c = T::add(s, T::set1(kC));
  const V c = T::fmadd(n, T::set1(0x1.05c61p-29f), T::lookup16(kExp2SixteenthsLog, biased));
  const V t = T::fnmsub(n, T::set1(0x1.62e43p-1f), xt);  // -x - n ln2_hi, exact
  V q = T::fmadd(T::set1(0x1.55561cp-3f), t, T::set1(0x1.000222p-1f));
  q = T::fmadd(q, t, T::set1(1.0f));
  return T::div(T::set1(kC), T::fmadd(s, T::fmadd(t, q, c), s_c));
}

template <class T>
struct WithLutRecipSigmoid : WithLutExp<T> {
  static typename T::V sigmoid(typename T::V x) { return sigmoid_lut16r<T>(x); }
};

inline constexpr std::string_view kLut16rOps[] = {"sigmoid"};

template <class T, unsigned U, template <class> class Op>
void elementwise(const float* x, float* y, std::size_t rows, std::size_t cols, const ActivationParams& p) {
  apply<T, U>(y, rows * cols, Op<T>(p), x);
}

template <class T, unsigned U>
void elu(const float* x, float* y, std::size_t rows, std::size_t cols, const ActivationParams& p) {
  if (p.elu_alpha == 1.0f) {
    apply<T, U>(y, rows * cols, Elu<T, true>(p), x);
  } else {
    apply<T, U>(y, rows * cols, Elu<T>(p), x);
  }
}

// relu(-x) first: with y == x it writes the second half, which is not input.
template <class T, unsigned U>
void crelu(const float* x, float* y, std::size_t rows, std::size_t cols, const ActivationParams& p) {
  const std::size_t n = rows * cols;
  apply<T, U>(y + n, n, NegRelu<T>(p), x);
  apply<T, U>(y, n, Relu<T>(p), x);
}

template <class T, unsigned U>
void prelu(const float* x, float* y, std::size_t rows, std::size_t cols, const ActivationParams& p) {
  for (std::size_t r = 0; r < rows; ++r) apply<T, U>(y + r * cols, cols, Prelu<T>(p), x + r * cols, p.prelu_alpha);
}

// Three passes per row: the max, e^(x - max) stored and summed, the scale by 1/sum. Tail lanes
// load -inf for the max and are summed from what was stored (zero-filled), never from padding.
// Per-lane TwoSum accumulation: a plain f32 sum of 1000 terms drifts by up to n/lanes * eps/2,
// which alone would break softmax's 10 eps per element on the scalar variant.
// (SVE vectors are sizeless, so the pair lives in the caller, not in a struct.)
template <class T>
inline void compensated_add(typename T::V& hi, typename T::V& lo, typename T::V v) {
  const auto s = T::add(hi, v);
  const auto bb = T::sub(s, hi);
  lo = T::add(lo, T::add(T::sub(hi, T::sub(s, bb)), T::sub(v, bb)));
  hi = s;
}

template <class T, unsigned U>
void softmax_row(const float* x, float* y, std::size_t n) {
  const std::size_t lanes = T::lanes();
  constexpr float kNegInf = -std::numeric_limits<float>::infinity();
  auto vmax = T::set1(kNegInf);
  std::size_t i = 0;
  for (; i + lanes <= n; i += lanes) vmax = T::max(vmax, T::load(x + i));
  if (i < n) vmax = T::max(vmax, T::load_partial(x + i, n - i, kNegInf));
  const ExpShifted<T> shifted{T::reduce_max(vmax)};
  auto hi = T::set1(0.0f), lo = T::set1(0.0f);
  for (i = 0; i + lanes <= n; i += lanes) {
    const auto e = shifted(T::load(x + i));
    T::store(y + i, e);
    compensated_add<T>(hi, lo, e);
  }
  if (i < n) {
    T::store_partial(y + i, shifted(T::load_partial(x + i, n - i, 0.0f)), n - i);
    compensated_add<T>(hi, lo, T::load_partial(y + i, n - i, 0.0f));
  }
  const Scale<T> scale{1.0f / (T::reduce_add(hi) + T::reduce_add(lo))};
  apply<T, U>(y, n, scale, static_cast<const float*>(y));
}

template <class T, unsigned U>
void softmax(const float* x, float* y, std::size_t rows, std::size_t cols, const ActivationParams&) {
  for (std::size_t r = 0; r < rows; ++r) softmax_row<T, U>(x + r * cols, y + r * cols, cols);
}

// Registers the 16 ops for one ISA (or, for the libm peer, one set of scalar functions):
// f32_<op>__<suffix>; tile = elements per main-loop step at the widest vector length of the ISA.
// only: register just these ops (empty: all 16).
// Runs at start-up on every machine: baseline code (core/startup.hpp) that hands each row to
// add_activation_variant (activation.cpp, built at the baseline), so that nothing compiled with this
// file's flags runs before the ISA is known.
struct ActivationRows {
  std::string_view suffix;
  Isa isa;
  unsigned tile;
  std::string_view impl;
  std::span<const std::string_view> only;

  ARMPERF_BASELINE_CODE void operator()(std::string_view op, ActivationFn fn) const {
    add_activation_variant(op, fn, suffix, isa, tile, impl, only);
  }
};
template <class T, unsigned U>
ARMPERF_BASELINE_CODE bool register_activation_variants(std::string_view suffix, Isa isa, unsigned tile,
                                                        std::string_view impl = "armperf",
                                                        std::span<const std::string_view> only = {}) {
  const ActivationRows add{suffix, isa, tile, impl, only};
  add("relu", &elementwise<T, U, Relu>);
  add("leaky_relu", &elementwise<T, U, LeakyRelu>);
  add("prelu", &prelu<T, U>);
  add("crelu", &crelu<T, U>);
  add("elu", &elu<T, U>);
  add("selu", &elementwise<T, U, Selu>);
  add("gelu_erf", &elementwise<T, U, GeluErf>);
  add("gelu_tanh", &elementwise<T, U, GeluTanh>);
  add("silu", &elementwise<T, U, Silu>);
  add("mish", &elementwise<T, U, Mish>);
  add("softplus", &elementwise<T, U, Softplus>);
  add("squareplus", &elementwise<T, U, Squareplus>);
  add("delu", &elementwise<T, U, Delu>);
  add("sigmoid", &elementwise<T, U, Sigmoid>);
  add("tanh", &elementwise<T, U, Tanh>);
  add("softmax", &softmax<T, U>);
  return true;
}

}  // namespace
}  // namespace armperf::kernels
