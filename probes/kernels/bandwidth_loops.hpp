// The STREAM loops once, for any vector type with fixed lanes: each ISA file supplies a Vec
// (lanes, load, store, stream, set1, add, mul, fma, reduce, fence) and instantiates
// make_bandwidth_kernels<Vec>(). Included only by probes/kernels/bandwidth_<isa>.cpp, so the loops are
// compiled with that file's ISA flags.
#pragma once

#include <cstddef>
#include <cstdint>

#include "probes/kernels/bandwidth.hpp"

namespace armperf::probes::stream_loops {

// The element-wise ops as functors over a Vec; the scalar head/tail uses Scalar below.
struct Write {
  template <class V>
  static typename V::reg apply(const double*, const double*, typename V::reg s) { return s; }
};
struct Copy {
  template <class V>
  static typename V::reg apply(const double* x, const double*, typename V::reg) { return V::load(x); }
};
struct Scale {
  template <class V>
  static typename V::reg apply(const double* x, const double*, typename V::reg s) { return V::mul(s, V::load(x)); }
};
struct Add {
  template <class V>
  static typename V::reg apply(const double* x, const double* y, typename V::reg) {
    return V::add(V::load(x), V::load(y));
  }
};
struct Triad {
  template <class V>
  static typename V::reg apply(const double* x, const double* y, typename V::reg s) {
    return V::fma(s, V::load(y), V::load(x));
  }
};

// One f64 lane: the heads and tails of the vector loops, and the scalar ISA itself.
struct Scalar {
  using reg = double;
  static constexpr std::size_t lanes = 1;
  static reg load(const double* p) { return *p; }
  static void store(double* p, reg v) { *p = v; }
  static reg set1(double s) { return s; }
  static reg add(reg a, reg b) { return a + b; }
  static reg mul(reg a, reg b) { return a * b; }
  static reg fma(reg a, reg b, reg c) { return a * b + c; }
  static double reduce(reg v) { return v; }
};

// Four independent vectors per step, so neither the load/store queue nor the sum's add chain limits a
// core that has the bandwidth.
inline constexpr std::size_t kUnroll = 4;

template <class V, class Op, bool kNonTemporal>
double elementwise(double* z, const double* x, const double* y, double s, std::size_t n) {
  std::size_t i = 0;
  if constexpr (kNonTemporal) {
    // Streaming stores need an aligned address: scalar stores up to the first aligned element.
    constexpr std::uintptr_t align = V::lanes * sizeof(double);
    while (i < n && reinterpret_cast<std::uintptr_t>(z + i) % align != 0) {
      Scalar::store(z + i, Op::template apply<Scalar>(x + i, y + i, s));
      ++i;
    }
  }
  const typename V::reg sv = V::set1(s);
  for (; i + kUnroll * V::lanes <= n; i += kUnroll * V::lanes) {
    for (std::size_t u = 0; u < kUnroll; ++u) {
      const std::size_t k = i + u * V::lanes;
      const typename V::reg v = Op::template apply<V>(x + k, y + k, sv);
      if constexpr (kNonTemporal) {
        V::stream(z + k, v);
      } else {
        V::store(z + k, v);
      }
    }
  }
  for (; i < n; ++i) Scalar::store(z + i, Op::template apply<Scalar>(x + i, y + i, s));
  if constexpr (kNonTemporal) V::fence();
  return 0;
}

template <class V>
double read(double*, const double* x, const double*, double, std::size_t n) {
  typename V::reg acc[kUnroll];
  for (auto& a : acc) a = V::set1(0);
  std::size_t i = 0;
  for (; i + kUnroll * V::lanes <= n; i += kUnroll * V::lanes) {
    for (std::size_t u = 0; u < kUnroll; ++u) acc[u] = V::add(acc[u], V::load(x + i + u * V::lanes));
  }
  double sum = V::reduce(V::add(V::add(acc[0], acc[1]), V::add(acc[2], acc[3])));
  for (; i < n; ++i) sum += x[i];
  return sum;
}

// Runs at start-up (registration) on every machine: baseline code (core/startup.hpp), and no lambda
// whose call operator would be compiled with the file's flags.
template <class V, bool kWithNonTemporal>
ARMPERF_BASELINE_CODE BandwidthKernels make_bandwidth_kernels(Isa isa) {
  BandwidthKernels k;
  k.isa = isa;
  const auto at = [](StreamOp op) consteval { return static_cast<std::size_t>(op); };  // no code
  k.fn[at(StreamOp::read)] = &read<V>;
  k.fn[at(StreamOp::write)] = &elementwise<V, Write, false>;
  k.fn[at(StreamOp::copy)] = &elementwise<V, Copy, false>;
  k.fn[at(StreamOp::scale)] = &elementwise<V, Scale, false>;
  k.fn[at(StreamOp::add)] = &elementwise<V, Add, false>;
  k.fn[at(StreamOp::triad)] = &elementwise<V, Triad, false>;
  if constexpr (kWithNonTemporal) {
    k.fn[at(StreamOp::write_nt)] = &elementwise<V, Write, true>;
    k.fn[at(StreamOp::copy_nt)] = &elementwise<V, Copy, true>;
    k.fn[at(StreamOp::triad_nt)] = &elementwise<V, Triad, true>;
  }
  return k;
}

}  // namespace armperf::probes::stream_loops
