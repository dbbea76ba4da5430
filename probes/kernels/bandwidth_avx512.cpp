#if !defined(__AVX512F__)
#error "bandwidth_avx512.cpp needs AVX-512F: add it with armperf_add_isa_sources()"
#endif
#include <immintrin.h>

#include "probes/kernels/bandwidth_loops.hpp"

namespace armperf::probes {
namespace {

struct Avx512 {
  using reg = __m512d;
  static constexpr std::size_t lanes = 8;
  static reg load(const double* p) { return _mm512_loadu_pd(p); }
  static void store(double* p, reg v) { _mm512_storeu_pd(p, v); }
  static void stream(double* p, reg v) { _mm512_stream_pd(p, v); }  // vmovntpd: 64-byte aligned, a full line
  static void fence() { _mm_sfence(); }
  static reg set1(double s) { return _mm512_set1_pd(s); }
  static reg add(reg a, reg b) { return _mm512_add_pd(a, b); }
  static reg mul(reg a, reg b) { return _mm512_mul_pd(a, b); }
  static reg fma(reg a, reg b, reg c) { return _mm512_fmadd_pd(a, b, c); }
  // Through memory, once per call: g++ 12 warns (-Wuninitialized) inside the extract and shuffle
  // builtins every in-register reduction uses.
  static double reduce(reg v) {
    alignas(64) double lane[8];
    _mm512_store_pd(lane, v);
    return ((lane[0] + lane[1]) + (lane[2] + lane[3])) + ((lane[4] + lane[5]) + (lane[6] + lane[7]));
  }
};

ARMPERF_AT_STARTUP(
    register_bandwidth_kernels(stream_loops::make_bandwidth_kernels<Avx512, true>(Isa::avx512)));

}  // namespace
}  // namespace armperf::probes
