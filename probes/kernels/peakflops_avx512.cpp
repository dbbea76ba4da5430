#if !defined(__AVX512F__)
#error "peakflops_avx512.cpp needs AVX-512F: add it with armperf_add_isa_sources()"
#endif
#include <immintrin.h>

// Lanes are summed through memory: g++ 12's _mm512_reduce_add_* trips -Werror=uninitialized.

#include "probes/kernels/peakflops_loops.hpp"

namespace armperf::probes {
namespace {

struct F32x16 : fma_loops::FmaOf<32> {
  static constexpr std::string_view instruction = "vfmadd";
  using reg = __m512;
  static std::size_t lanes() { return 16; }
  static reg set1(double v) { return _mm512_set1_ps(static_cast<float>(v)); }
  static reg fma(reg acc, reg a, reg b) { return _mm512_fmadd_ps(acc, a, b); }
  static double sum(reg v) {
    alignas(64) float lane[16];
    _mm512_store_ps(lane, v);
    double s = 0;
    for (float x : lane) s += x;
    return s;
  }
};
struct F64x8 : fma_loops::FmaOf<64> {
  static constexpr std::string_view instruction = "vfmadd";
  using reg = __m512d;
  static std::size_t lanes() { return 8; }
  static reg set1(double v) { return _mm512_set1_pd(v); }
  static reg fma(reg acc, reg a, reg b) { return _mm512_fmadd_pd(acc, a, b); }
  static double sum(reg v) {
    alignas(64) double lane[8];
    _mm512_store_pd(lane, v);
    double s = 0;
    for (double x : lane) s += x;
    return s;
  }
};

// 16 of the 32 zmm registers: twice Zen5's and Skylake-SP's 2 pipes × 4 cycles.
constexpr int kAccumulators = 16;
constinit const FmaKernel kKernels[] = {
    fma_loops::make_fma_kernel<F64x8, kAccumulators>(Isa::avx512),
    fma_loops::make_fma_kernel<F32x16, kAccumulators>(Isa::avx512),
};
ARMPERF_AT_STARTUP(register_fma_kernels(kKernels));

}  // namespace
}  // namespace armperf::probes
