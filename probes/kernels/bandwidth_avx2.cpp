#if !defined(__AVX2__) || !defined(__FMA__)
#error "bandwidth_avx2.cpp needs AVX2 and FMA: add it with armperf_add_isa_sources()"
#endif
#include <immintrin.h>

#include "probes/kernels/bandwidth_loops.hpp"

namespace armperf::probes {
namespace {

struct Avx2 {
  using reg = __m256d;
  static constexpr std::size_t lanes = 4;
  static reg load(const double* p) { return _mm256_loadu_pd(p); }
  static void store(double* p, reg v) { _mm256_storeu_pd(p, v); }
  static void stream(double* p, reg v) { _mm256_stream_pd(p, v); }  // vmovntpd: 32-byte aligned
  static void fence() { _mm_sfence(); }  // streaming stores are weakly ordered
  static reg set1(double s) { return _mm256_set1_pd(s); }
  static reg add(reg a, reg b) { return _mm256_add_pd(a, b); }
  static reg mul(reg a, reg b) { return _mm256_mul_pd(a, b); }
  static reg fma(reg a, reg b, reg c) { return _mm256_fmadd_pd(a, b, c); }
  static double reduce(reg v) {
    const __m128d half = _mm_add_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
    return _mm_cvtsd_f64(_mm_add_sd(half, _mm_unpackhi_pd(half, half)));
  }
};

ARMPERF_AT_STARTUP(register_bandwidth_kernels(stream_loops::make_bandwidth_kernels<Avx2, true>(Isa::avx2)));

}  // namespace
}  // namespace armperf::probes
