#if !defined(__ARM_NEON)
#error "bandwidth_neon.cpp needs AdvSIMD: add it with armperf_add_isa_sources()"
#endif
#include <arm_neon.h>

#include "probes/kernels/bandwidth_loops.hpp"

namespace armperf::probes {
namespace {

// Two q registers per "vector": stnp, the non-temporal store, writes a pair of them (32 bytes).
struct NeonPair {
  using reg = float64x2x2_t;
  static constexpr std::size_t lanes = 4;
  static reg load(const double* p) { return {vld1q_f64(p), vld1q_f64(p + 2)}; }
  static void store(double* p, reg v) {
    vst1q_f64(p, v.val[0]);
    vst1q_f64(p + 2, v.val[1]);
  }
  static void stream(double* p, reg v) {
    asm volatile("stnp %q0, %q1, [%2]" : : "w"(v.val[0]), "w"(v.val[1]), "r"(p) : "memory");
  }
  // stnp is a hint with the ordering of a plain store; nothing to fence.
  static void fence() {}
  static reg set1(double s) { return {vdupq_n_f64(s), vdupq_n_f64(s)}; }
  static reg add(reg a, reg b) { return {vaddq_f64(a.val[0], b.val[0]), vaddq_f64(a.val[1], b.val[1])}; }
  static reg mul(reg a, reg b) { return {vmulq_f64(a.val[0], b.val[0]), vmulq_f64(a.val[1], b.val[1])}; }
  static reg fma(reg a, reg b, reg c) {
    return {vfmaq_f64(c.val[0], a.val[0], b.val[0]), vfmaq_f64(c.val[1], a.val[1], b.val[1])};
  }
  static double reduce(reg v) { return vaddvq_f64(vaddq_f64(v.val[0], v.val[1])); }
};

ARMPERF_AT_STARTUP(
    register_bandwidth_kernels(stream_loops::make_bandwidth_kernels<NeonPair, true>(Isa::neon)));

}  // namespace
}  // namespace armperf::probes
