#if !defined(__AVX2__) || !defined(__FMA__)
#error "peakflops_avx2.cpp needs AVX2 and FMA: add it with armperf_add_isa_sources()"
#endif
#include <immintrin.h>

#include "probes/kernels/peakflops_loops.hpp"

namespace armperf::probes {
namespace {

struct F32x8 : fma_loops::FmaOf<32> {
  static constexpr std::string_view instruction = "vfmadd";
  using reg = __m256;
  static std::size_t lanes() { return 8; }
  static reg set1(double v) { return _mm256_set1_ps(static_cast<float>(v)); }
  static reg fma(reg acc, reg a, reg b) { return _mm256_fmadd_ps(acc, a, b); }
  static double sum(reg v) {
    alignas(32) float lane[8];
    _mm256_store_ps(lane, v);
    double s = 0;
    for (float x : lane) s += x;
    return s;
  }
};
struct F64x4 : fma_loops::FmaOf<64> {
  static constexpr std::string_view instruction = "vfmadd";
  using reg = __m256d;
  static std::size_t lanes() { return 4; }
  static reg set1(double v) { return _mm256_set1_pd(v); }
  static reg fma(reg acc, reg a, reg b) { return _mm256_fmadd_pd(acc, a, b); }
  static double sum(reg v) {
    alignas(32) double lane[4];
    _mm256_store_pd(lane, v);
    return lane[0] + lane[1] + lane[2] + lane[3];
  }
};

// 12 of the 16 ymm registers (two hold a and b): above 2 pipes × 4-5 cycles on Zen and Intel.
constexpr int kAccumulators = 12;
constinit const FmaKernel kKernels[] = {
    fma_loops::make_fma_kernel<F64x4, kAccumulators>(Isa::avx2),
    fma_loops::make_fma_kernel<F32x8, kAccumulators>(Isa::avx2),
};
ARMPERF_AT_STARTUP(register_fma_kernels(kKernels));

}  // namespace
}  // namespace armperf::probes
