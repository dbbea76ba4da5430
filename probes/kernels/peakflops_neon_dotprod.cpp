// SDOT (FEAT_DotProd, Armv8.2; Neoverse N1 has it): four int8 products summed into each int32 lane.
// Runs only where HWCAP says asimddp (core/isa's "dotprod").
#if !defined(__ARM_FEATURE_DOTPROD)
#error "peakflops_neon_dotprod.cpp needs +dotprod: add it with armperf_add_isa_sources()"
#endif
#include <arm_neon.h>

#include "probes/kernels/peakflops_loops.hpp"

namespace armperf::probes {
namespace {

struct Sdot : fma_loops::Int8DotOf {
  static constexpr std::string_view instruction = "sdot";
  static constexpr std::string_view feature = "dotprod";
  using reg = int32x4_t;
  using in = int8x16_t;
  static std::size_t lanes() { return 4; }
  static reg set1(double v) { return vdupq_n_s32(static_cast<std::int32_t>(v)); }
  static in operand(double v) { return vdupq_n_s8(static_cast<std::int8_t>(v)); }
  static reg fma(reg acc, in a, in b) { return vdotq_s32(acc, a, b); }
  static double sum(reg v) { return static_cast<double>(vaddlvq_s32(v)); }
};

constexpr int kAccumulators = 24;
constinit const FmaKernel kKernels[] = {fma_loops::make_fma_kernel<Sdot, kAccumulators>(Isa::neon)};
ARMPERF_AT_STARTUP(register_fma_kernels(kKernels));

}  // namespace
}  // namespace armperf::probes
