#if !defined(__ARM_NEON)
#error "gemm_neon.cpp needs AdvSIMD: add it with armperf_add_kernel_family()"
#endif
#include <arm_neon.h>

#include "kernels/gemm/gemm.hpp"
#include "kernels/gemm/gemm_pack.hpp"
#include "kernels/gemm/lane_kernel.hpp"
#include "kernels/gemm/neon_accumulators.hpp"
#include "kernels/gemm/row_stream.hpp"
#include "kernels/registry.hpp"

namespace armperf::kernels {
namespace {

template <class T>
struct Q;
template <>
struct Q<float> : NeonF32C {
  static constexpr int lanes = 4, k_unit = 1;
  template <int L>
  static V fma_lane(V acc, V b, V a) {
    return vfmaq_laneq_f32(acc, b, a, L);
  }
};
template <>
struct Q<double> {
  using V = float64x2_t;
  static constexpr int lanes = 2, k_unit = 1;
  static V zero() { return vdupq_n_f64(0.0); }
  static V set1(double x) { return vdupq_n_f64(x); }
  static V load(const double* p) { return vld1q_f64(p); }
  static void store(double* p, V v) { vst1q_f64(p, v); }
  static V mul(V a, V b) { return vmulq_f64(a, b); }
  static V fma(V acc, V a, V b) { return vfmaq_f64(acc, a, b); }
  template <int L>
  static V fma_lane(V acc, V b, V a) {
    return vfmaq_laneq_f64(acc, b, a, L);
  }
};

// Q in the broadcast traits' spelling (loadu, storeu, fma(a, b, acc)), for row_stream.hpp.
template <class T>
struct QRows {
  using V = typename Q<T>::V;
  static constexpr int lanes = Q<T>::lanes;
  static V set1(T x) { return Q<T>::set1(x); }
  static V loadu(const T* p) { return Q<T>::load(p); }
  static void storeu(T* p, V v) { Q<T>::store(p, v); }
  static V fma(V a, V b, V acc) { return Q<T>::fma(acc, a, b); }
};

// MR = 8 rows x NV = 3 q registers of C: 24 accumulators + 3 for B + 8 rows of A packed into
// MR / lanes q registers (2 for f32) = 29 of AdvSIMD's 32 registers. A is used by element
// (fmla v.4s, v.4s, v.s[lane]), so one 128-bit load feeds four rows, no broadcasts. Neoverse N1 has
// 2 FMA pipes of 128 bits with 4-cycle latency: 8 independent accumulators keep them busy, 24 hide
// the loads.
constexpr int kMr = 8, kNv = 3;

}  // namespace

void f32_sgemm__neon_8x12(const GemmArgs<float>& args) {
  gemm(args, with_row_stream<QRows<float>>(gemm_micro_kernel<float, kMr>(
                 kNv * Q<float>::lanes, &lane_ukernel<Q<float>, float, kMr, kNv>)));
}
void f64_dgemm__neon_8x6(const GemmArgs<double>& args) {
  gemm(args, with_row_stream<QRows<double>>(gemm_micro_kernel<double, kMr>(
                 kNv * Q<double>::lanes, &lane_ukernel<Q<double>, double, kMr, kNv>)));
}

ARMPERF_REGISTER_KERNEL(KernelVariant{.name = "f32_sgemm__neon_8x12",
                                      .family = "gemm",
                                      .op = "sgemm",
                                      .dtype = "f32",
                                      .isa = Isa::neon,
                                      .tile = 8,
                                      .tile_n = 12,
                                      .fn = reinterpret_cast<KernelFn>(&f32_sgemm__neon_8x12)});
ARMPERF_REGISTER_KERNEL(KernelVariant{.name = "f64_dgemm__neon_8x6",
                                      .family = "gemm",
                                      .op = "dgemm",
                                      .dtype = "f64",
                                      .isa = Isa::neon,
                                      .tile = 8,
                                      .tile_n = 6,
                                      .fn = reinterpret_cast<KernelFn>(&f64_dgemm__neon_8x6)});

}  // namespace armperf::kernels
