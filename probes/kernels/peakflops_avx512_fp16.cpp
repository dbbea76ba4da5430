// AVX512_FP16 vfmadd*ph: 32 half-precision lanes per zmm (Sapphire Rapids onward; no AMD core so
// far). Runs only where cpuid says avx512_fp16 (leaf 7.0 edx bit 23).
#if !defined(__AVX512F__) || !defined(__AVX512FP16__)
#error "peakflops_avx512_fp16.cpp needs AVX512_FP16: add it with armperf_add_isa_sources()"
#endif
#include <immintrin.h>

#include "probes/kernels/peakflops_loops.hpp"

namespace armperf::probes {
namespace {

struct F16x32 : fma_loops::FmaOf<16> {
  static constexpr std::string_view instruction = "vfmadd";
  static constexpr std::string_view feature = "avx512fp16";
  using reg = __m512h;
  static std::size_t lanes() { return 32; }
  static reg set1(double v) { return _mm512_set1_ph(static_cast<_Float16>(v)); }
  static reg fma(reg acc, reg a, reg b) { return _mm512_fmadd_ph(acc, a, b); }
  static double sum(reg v) {
    alignas(64) _Float16 lane[32];
    _mm512_store_ph(lane, v);
    double s = 0;
    for (auto x : lane) s += static_cast<double>(x);
    return s;
  }
};

constexpr int kAccumulators = 16;
constinit const FmaKernel kKernels[] = {fma_loops::make_fma_kernel<F16x32, kAccumulators>(Isa::avx512)};
ARMPERF_AT_STARTUP(register_fma_kernels(kKernels));

}  // namespace
}  // namespace armperf::probes
