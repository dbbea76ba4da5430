#if !defined(__ARM_FEATURE_SVE)
#error "peakflops_sve.cpp needs SVE: add it with armperf_add_isa_sources()"
#endif
#include <arm_sve.h>

#include "probes/kernels/peakflops_loops.hpp"

// Vector-length agnostic: lanes() is the vector length in use, read when the probe runs.
namespace armperf::probes {
namespace {

struct F32xVl {
  using reg = svfloat32_t;
  static std::size_t lanes() { return svcntw(); }
  static reg set1(double v) { return svdup_f32(static_cast<float>(v)); }
  static reg fma(reg acc, reg a, reg b) { return svmad_f32_x(svptrue_b32(), acc, a, b); }  // acc·a + b
  static double sum(reg v) { return svaddv_f32(svptrue_b32(), v); }
};
struct F64xVl {
  using reg = svfloat64_t;
  static std::size_t lanes() { return svcntd(); }
  static reg set1(double v) { return svdup_f64(v); }
  static reg fma(reg acc, reg a, reg b) { return svmad_f64_x(svptrue_b64(), acc, a, b); }
  static double sum(reg v) { return svaddv_f64(svptrue_b64(), v); }
};

// 24 of the 32 z registers: above V1's 2 × 256-bit pipes × 4 cycles and V2's 4 × 4.
constexpr int kAccumulators = 24;
[[maybe_unused]] const bool f64 =
    register_fma_kernel(fma_loops::make_fma_kernel<F64xVl, kAccumulators>(Isa::sve, "f64"));
[[maybe_unused]] const bool f32 =
    register_fma_kernel(fma_loops::make_fma_kernel<F32xVl, kAccumulators>(Isa::sve, "f32"));

}  // namespace
}  // namespace armperf::probes
