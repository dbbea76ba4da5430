// AVX-512 VNNI vpdpbusd: in each int32 lane, four unsigned-int8 × signed-int8 products added to the
// accumulator. Runs only where cpuid says avx512_vnni (leaf 7.0 ecx bit 11).
#if !defined(__AVX512F__) || !defined(__AVX512VNNI__)
#error "peakflops_avx512_vnni.cpp needs AVX-512 VNNI: add it with armperf_add_isa_sources()"
#endif
#include <immintrin.h>

#include "probes/kernels/peakflops_loops.hpp"

namespace armperf::probes {
namespace {

struct Vpdpbusd : fma_loops::Int8DotOf {
  static constexpr std::string_view instruction = "vpdpbusd";
  static constexpr std::string_view feature = "avx512vnni";
  using reg = __m512i;
  using in = __m512i;  // 64 int8: unsigned in a, signed in b
  static std::size_t lanes() { return 16; }
  static reg set1(double v) { return _mm512_set1_epi32(static_cast<int>(v)); }
  static in operand(double v) { return _mm512_set1_epi8(static_cast<char>(v)); }
  static reg fma(reg acc, in a, in b) { return _mm512_dpbusd_epi32(acc, a, b); }
  static double sum(reg v) {
    alignas(64) std::int32_t lane[16];
    _mm512_store_si512(lane, v);
    double s = 0;
    for (auto x : lane) s += x;
    return s;
  }
};

// As the f32 file: 16 of the 32 zmm registers.
constexpr int kAccumulators = 16;
constinit const FmaKernel kKernels[] = {fma_loops::make_fma_kernel<Vpdpbusd, kAccumulators>(Isa::avx512)};
ARMPERF_AT_STARTUP(register_fma_kernels(kKernels));

}  // namespace
}  // namespace armperf::probes
