#if !defined(__AVX2__) || !defined(__FMA__)
#error "peakflops_avx2.cpp needs AVX2 and FMA: add it with armperf_add_isa_sources()"
#endif
#include <immintrin.h>

#include "probes/kernels/peakflops_loops.hpp"

namespace armperf::probes {
namespace {

struct F32x8 {
  using reg = __m256;
  using scalar = float;
  static constexpr std::size_t lanes = 8;
  static reg set1(float v) { return _mm256_set1_ps(v); }
  static reg fma(reg acc, reg a, reg b) { return _mm256_fmadd_ps(acc, a, b); }
  static void store(float* p, reg v) { _mm256_storeu_ps(p, v); }
};
struct F64x4 {
  using reg = __m256d;
  using scalar = double;
  static constexpr std::size_t lanes = 4;
  static reg set1(double v) { return _mm256_set1_pd(v); }
  static reg fma(reg acc, reg a, reg b) { return _mm256_fmadd_pd(acc, a, b); }
  static void store(double* p, reg v) { _mm256_storeu_pd(p, v); }
};

// 12 of the 16 ymm registers (two hold a and b): above 2 pipes × 4-5 cycles on Zen and Intel.
constexpr int kAccumulators = 12;
[[maybe_unused]] const bool f64 = register_fma_kernel(fma_loops::make_fma_kernel<F64x4, kAccumulators>(Isa::avx2, "f64"));
[[maybe_unused]] const bool f32 = register_fma_kernel(fma_loops::make_fma_kernel<F32x8, kAccumulators>(Isa::avx2, "f32"));

}  // namespace
}  // namespace armperf::probes
