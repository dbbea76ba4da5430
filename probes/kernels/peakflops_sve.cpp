#if !defined(__ARM_FEATURE_SVE)
#error "peakflops_sve.cpp needs SVE: add it with armperf_add_isa_sources()"
#endif
#include <arm_sve.h>

#include "probes/kernels/peakflops_loops.hpp"

// Vector-length agnostic: lanes() is the vector length in use, read when the probe runs. SVE includes
// half-precision arithmetic and SDOT (no feature bit beyond SVE; g++ enables fp16 with +sve).
namespace armperf::probes {
namespace {

struct F32xVl : fma_loops::FmaOf<32> {
  static constexpr std::string_view instruction = "fmla";
  using reg = svfloat32_t;
  static std::size_t lanes() { return svcntw(); }
  static reg set1(double v) { return svdup_f32(static_cast<float>(v)); }
  static reg fma(reg acc, reg a, reg b) { return svmad_f32_x(svptrue_b32(), acc, a, b); }  // acc·a + b
  static double sum(reg v) { return svaddv_f32(svptrue_b32(), v); }
};
struct F64xVl : fma_loops::FmaOf<64> {
  static constexpr std::string_view instruction = "fmla";
  using reg = svfloat64_t;
  static std::size_t lanes() { return svcntd(); }
  static reg set1(double v) { return svdup_f64(v); }
  static reg fma(reg acc, reg a, reg b) { return svmad_f64_x(svptrue_b64(), acc, a, b); }
  static double sum(reg v) { return svaddv_f64(svptrue_b64(), v); }
};
struct F16xVl : fma_loops::FmaOf<16> {
  static constexpr std::string_view instruction = "fmla";
  static constexpr std::string_view feature = "fp16";
  using reg = svfloat16_t;
  static std::size_t lanes() { return svcnth(); }
  static reg set1(double v) { return svdup_f16(static_cast<float16_t>(v)); }
  static reg fma(reg acc, reg a, reg b) { return svmad_f16_x(svptrue_b16(), acc, a, b); }
  // In f32: an f16 sum of many lanes would round. The even halves convert in place, the odd ones
  // after a shift down by 16 bits.
  static double sum(reg v) {
    const svbool_t all = svptrue_b32();
    const svfloat16_t odd = svreinterpret_f16_u32(svlsr_n_u32_x(all, svreinterpret_u32_f16(v), 16));
    return svaddv_f32(all, svcvt_f32_f16_x(all, v)) + svaddv_f32(all, svcvt_f32_f16_x(all, odd));
  }
};
struct SdotVl : fma_loops::Int8DotOf {
  static constexpr std::string_view instruction = "sdot";
  static constexpr std::string_view feature = "";
  using reg = svint32_t;
  using in = svint8_t;
  static std::size_t lanes() { return svcntw(); }
  static reg set1(double v) { return svdup_s32(static_cast<std::int32_t>(v)); }
  static in operand(double v) { return svdup_s8(static_cast<std::int8_t>(v)); }
  static reg fma(reg acc, in a, in b) { return svdot_s32(acc, a, b); }
  static double sum(reg v) { return static_cast<double>(svaddv_s32(svptrue_b32(), v)); }
};

// 24 of the 32 z registers: above V1's 2 × 256-bit pipes × 4 cycles and V2's 4 × 4.
constexpr int kAccumulators = 24;
constinit const FmaKernel kKernels[] = {
    fma_loops::make_fma_kernel<F64xVl, kAccumulators>(Isa::sve),
    fma_loops::make_fma_kernel<F32xVl, kAccumulators>(Isa::sve),
    fma_loops::make_fma_kernel<F16xVl, kAccumulators>(Isa::sve),
    fma_loops::make_fma_kernel<SdotVl, kAccumulators>(Isa::sve),
};
ARMPERF_AT_STARTUP(register_fma_kernels(kKernels));

}  // namespace
}  // namespace armperf::probes
