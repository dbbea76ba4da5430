// SVE SMMLA (FEAT_I8MM with SVE): per 128-bit segment a 2x8 by 8x2 int8 product into 2x2 int32,
// 8 products per int32 lane. Runs only where HWCAP2 says svei8mm.
#if !defined(__ARM_FEATURE_SVE) || !defined(__ARM_FEATURE_SVE_MATMUL_INT8)
#error "peakflops_sve_i8mm.cpp needs +sve+i8mm: add it with armperf_add_isa_sources()"
#endif
#include <arm_sve.h>

#include "probes/kernels/peakflops_loops.hpp"

namespace armperf::probes {
namespace {

struct SmmlaVl : fma_loops::Int8DotOf {
  static constexpr std::string_view instruction = "smmla";
  static constexpr std::string_view feature = "svei8mm";
  using reg = svint32_t;
  using in = svint8_t;
  static std::size_t lanes() { return svcntw(); }
  static reg set1(double v) { return svdup_s32(static_cast<std::int32_t>(v)); }
  static in operand(double v) { return svdup_s8(static_cast<std::int8_t>(v)); }
  static reg fma(reg acc, in a, in b) { return svmmla_s32(acc, a, b); }
  static double sum(reg v) { return static_cast<double>(svaddv_s32(svptrue_b32(), v)); }
};

constexpr int kAccumulators = 24;
constinit const FmaKernel kKernels[] = {fma_loops::make_fma_kernel<SmmlaVl, kAccumulators>(Isa::sve)};
ARMPERF_AT_STARTUP(register_fma_kernels(kKernels));

}  // namespace
}  // namespace armperf::probes
