#if !defined(__AVX512F__)
#error "peakflops_avx512.cpp needs AVX-512F: add it with armperf_add_isa_sources()"
#endif
#include <immintrin.h>

#include "probes/kernels/peakflops_loops.hpp"

namespace armperf::probes {
namespace {

struct F32x16 {
  using reg = __m512;
  using scalar = float;
  static constexpr std::size_t lanes = 16;
  static reg set1(float v) { return _mm512_set1_ps(v); }
  static reg fma(reg acc, reg a, reg b) { return _mm512_fmadd_ps(acc, a, b); }
  static void store(float* p, reg v) { _mm512_storeu_ps(p, v); }
};
struct F64x8 {
  using reg = __m512d;
  using scalar = double;
  static constexpr std::size_t lanes = 8;
  static reg set1(double v) { return _mm512_set1_pd(v); }
  static reg fma(reg acc, reg a, reg b) { return _mm512_fmadd_pd(acc, a, b); }
  static void store(double* p, reg v) { _mm512_storeu_pd(p, v); }
};

// 16 of the 32 zmm registers: twice Zen5's and Skylake-SP's 2 pipes × 4 cycles.
constexpr int kAccumulators = 16;
[[maybe_unused]] const bool f64 = register_fma_kernel(fma_loops::make_fma_kernel<F64x8, kAccumulators>(Isa::avx512, "f64"));
[[maybe_unused]] const bool f32 = register_fma_kernel(fma_loops::make_fma_kernel<F32x16, kAccumulators>(Isa::avx512, "f32"));

}  // namespace
}  // namespace armperf::probes
