#if !defined(__ARM_FEATURE_SVE)
#error "peakflops_sve.cpp needs SVE: add it with armperf_add_isa_sources()"
#endif
#include <arm_sve.h>

#include "probes/kernels/peakflops.hpp"

// Vector-length agnostic chains: the structure of peakflops_loops.hpp, which cannot hold SVE's
// sizeless types in an array. 24 accumulators of the 32 z registers (V1: 2 pipes × 4 cycles).
namespace armperf::probes {
namespace {

#define ARMPERF_SVE_ACC(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) \
  X(12) X(13) X(14) X(15) X(16) X(17) X(18) X(19) X(20) X(21) X(22) X(23)
constexpr int kAccumulators = 24;

double f32_chains(std::uint64_t iterations, double a, double b) {
  const svbool_t all = svptrue_b32();
  const svfloat32_t va = svdup_f32(static_cast<float>(a)), vb = svdup_f32(static_cast<float>(b));
#define DECLARE(k) svfloat32_t acc##k = svdup_f32(0);
#define STEP(k) acc##k = svmad_f32_x(all, acc##k, va, vb);
#define SUM(k) sum += static_cast<double>(svaddv_f32(all, acc##k));
  ARMPERF_SVE_ACC(DECLARE)
  for (std::uint64_t i = 0; i < iterations; ++i) {
    ARMPERF_SVE_ACC(STEP)
  }
  double sum = 0;
  ARMPERF_SVE_ACC(SUM)
#undef DECLARE
#undef STEP
#undef SUM
  return sum;
}

double f64_chains(std::uint64_t iterations, double a, double b) {
  const svbool_t all = svptrue_b64();
  const svfloat64_t va = svdup_f64(a), vb = svdup_f64(b);
#define DECLARE(k) svfloat64_t acc##k = svdup_f64(0);
#define STEP(k) acc##k = svmad_f64_x(all, acc##k, va, vb);
#define SUM(k) sum += svaddv_f64(all, acc##k);
  ARMPERF_SVE_ACC(DECLARE)
  for (std::uint64_t i = 0; i < iterations; ++i) {
    ARMPERF_SVE_ACC(STEP)
  }
  double sum = 0;
  ARMPERF_SVE_ACC(SUM)
#undef DECLARE
#undef STEP
#undef SUM
  return sum;
}

std::size_t f32_lanes() { return svcntw(); }
std::size_t f64_lanes() { return svcntd(); }

[[maybe_unused]] const bool f64 = register_fma_kernel(FmaKernel{Isa::sve, "f64", kAccumulators, &f64_lanes, &f64_chains});
[[maybe_unused]] const bool f32 = register_fma_kernel(FmaKernel{Isa::sve, "f32", kAccumulators, &f32_lanes, &f32_chains});

}  // namespace
}  // namespace armperf::probes
