// AVX512_BF16 vdpbf16ps: in each f32 lane, two bf16 products added to the accumulator. Runs only
// where cpuid says avx512_bf16 (leaf 7.1 eax bit 5).
#if !defined(__AVX512F__) || !defined(__AVX512BF16__)
#error "peakflops_avx512_bf16.cpp needs AVX512_BF16: add it with armperf_add_isa_sources()"
#endif
#include <immintrin.h>

#include <bit>

#include "probes/kernels/peakflops_loops.hpp"

namespace armperf::probes {
namespace {

struct Vdpbf16ps {
  static constexpr std::string_view dtype = "bf16";
  static constexpr std::string_view instruction = "vdpbf16ps";
  static constexpr std::string_view feature = "avx512bf16";
  static constexpr Chain chain = Chain::dot;
  static constexpr int lane_bits = 32;
  using reg = __m512;
  using in = __m512bh;
  static std::size_t lanes() { return 16; }
  static reg set1(double v) { return _mm512_set1_ps(static_cast<float>(v)); }
  // bf16 is the upper half of an f32: exact for the small integers the probe and tests use.
  static in operand(double v) {
    const auto bits = static_cast<short>(std::bit_cast<std::uint32_t>(static_cast<float>(v)) >> 16);
    return reinterpret_cast<in>(_mm512_set1_epi16(bits));
  }
  static reg fma(reg acc, in a, in b) { return _mm512_dpbf16_ps(acc, a, b); }
  static double sum(reg v) {
    alignas(64) float lane[16];
    _mm512_store_ps(lane, v);
    double s = 0;
    for (float x : lane) s += x;
    return s;
  }
};

constexpr int kAccumulators = 16;
constinit const FmaKernel kKernels[] = {fma_loops::make_fma_kernel<Vdpbf16ps, kAccumulators>(Isa::avx512)};
ARMPERF_AT_STARTUP(register_fma_kernels(kKernels));

}  // namespace
}  // namespace armperf::probes
