// SMMLA (FEAT_I8MM, Armv8.6): a 2x8 int8 matrix times an 8x2 one, added into the 2x2 int32 matrix
// of the register: 8 products per int32 lane. Runs only where HWCAP2 says i8mm.
#if !defined(__ARM_FEATURE_MATMUL_INT8)
#error "peakflops_neon_i8mm.cpp needs +i8mm: add it with armperf_add_isa_sources()"
#endif
#include <arm_neon.h>

#include "probes/kernels/peakflops_loops.hpp"

namespace armperf::probes {
namespace {

struct Smmla : fma_loops::Int8DotOf {
  static constexpr std::string_view instruction = "smmla";
  static constexpr std::string_view feature = "i8mm";
  using reg = int32x4_t;
  using in = int8x16_t;
  static std::size_t lanes() { return 4; }
  static reg set1(double v) { return vdupq_n_s32(static_cast<std::int32_t>(v)); }
  static in operand(double v) { return vdupq_n_s8(static_cast<std::int8_t>(v)); }
  static reg fma(reg acc, in a, in b) { return vmmlaq_s32(acc, a, b); }
  static double sum(reg v) { return static_cast<double>(vaddlvq_s32(v)); }
};

constexpr int kAccumulators = 24;
constinit const FmaKernel kKernels[] = {fma_loops::make_fma_kernel<Smmla, kAccumulators>(Isa::neon)};
ARMPERF_AT_STARTUP(register_fma_kernels(kKernels));

}  // namespace
}  // namespace armperf::probes
