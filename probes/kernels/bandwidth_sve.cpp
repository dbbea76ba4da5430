#if !defined(__ARM_FEATURE_SVE)
#error "bandwidth_sve.cpp needs SVE: add it with armperf_add_isa_sources()"
#endif
#include <arm_sve.h>

#include "probes/kernels/bandwidth.hpp"

// Vector-length agnostic: svwhilelt predicates cover the tail at any VL, so there is no scalar loop,
// and svstnt1 (the non-temporal store) takes any element-aligned address. The loops have the
// structure of bandwidth_loops.hpp, which cannot hold SVE's sizeless types in a fixed-lane Vec.
namespace armperf::probes {
namespace {

template <bool kNonTemporal, class Op>
double sve_elementwise(double* z, std::size_t n, Op op) {
  const std::size_t step = svcntd();
  for (std::size_t i = 0; i < n; i += step) {
    const svbool_t pg = svwhilelt_b64_u64(i, n);
    const svfloat64_t v = op(pg, i);
    if constexpr (kNonTemporal) {
      svstnt1_f64(pg, z + i, v);
    } else {
      svst1_f64(pg, z + i, v);
    }
  }
  return 0;
}

double sve_read(double*, const double* x, const double*, double, std::size_t n) {
  const std::size_t step = svcntd();
  svfloat64_t acc0 = svdup_f64(0), acc1 = svdup_f64(0);
  std::size_t i = 0;
  // Two accumulators break the add chain; the predicated tail leaves inactive lanes unchanged.
  for (; i + 2 * step <= n; i += 2 * step) {
    acc0 = svadd_f64_x(svptrue_b64(), acc0, svld1_f64(svptrue_b64(), x + i));
    acc1 = svadd_f64_x(svptrue_b64(), acc1, svld1_f64(svptrue_b64(), x + i + step));
  }
  for (; i < n; i += step) {
    const svbool_t pg = svwhilelt_b64_u64(i, n);
    acc0 = svadd_f64_m(pg, acc0, svld1_f64(pg, x + i));
  }
  return svaddv_f64(svptrue_b64(), svadd_f64_x(svptrue_b64(), acc0, acc1));
}

template <bool kNonTemporal>
double sve_write(double* z, const double*, const double*, double s, std::size_t n) {
  return sve_elementwise<kNonTemporal>(z, n, [&](svbool_t, std::size_t) { return svdup_f64(s); });
}

template <bool kNonTemporal>
double sve_copy(double* z, const double* x, const double*, double, std::size_t n) {
  return sve_elementwise<kNonTemporal>(z, n, [&](svbool_t pg, std::size_t i) { return svld1_f64(pg, x + i); });
}

double sve_scale(double* z, const double* x, const double*, double s, std::size_t n) {
  return sve_elementwise<false>(z, n, [&](svbool_t pg, std::size_t i) { return svmul_n_f64_x(pg, svld1_f64(pg, x + i), s); });
}

double sve_add(double* z, const double* x, const double* y, double, std::size_t n) {
  return sve_elementwise<false>(
      z, n, [&](svbool_t pg, std::size_t i) { return svadd_f64_x(pg, svld1_f64(pg, x + i), svld1_f64(pg, y + i)); });
}

template <bool kNonTemporal>
double sve_triad(double* z, const double* x, const double* y, double s, std::size_t n) {
  return sve_elementwise<kNonTemporal>(z, n, [&](svbool_t pg, std::size_t i) {
    return svmla_n_f64_x(pg, svld1_f64(pg, x + i), svld1_f64(pg, y + i), s);
  });
}

// Runs at start-up on every machine: baseline code (core/startup.hpp), no lambda.
ARMPERF_BASELINE_CODE BandwidthKernels sve_kernels() {
  BandwidthKernels k;
  k.isa = Isa::sve;
  const auto at = [](StreamOp op) consteval { return static_cast<std::size_t>(op); };  // no code
  k.fn[at(StreamOp::read)] = &sve_read;
  k.fn[at(StreamOp::write)] = &sve_write<false>;
  k.fn[at(StreamOp::copy)] = &sve_copy<false>;
  k.fn[at(StreamOp::scale)] = &sve_scale;
  k.fn[at(StreamOp::add)] = &sve_add;
  k.fn[at(StreamOp::triad)] = &sve_triad<false>;
  k.fn[at(StreamOp::write_nt)] = &sve_write<true>;
  k.fn[at(StreamOp::copy_nt)] = &sve_copy<true>;
  k.fn[at(StreamOp::triad_nt)] = &sve_triad<true>;
  return k;
}

ARMPERF_AT_STARTUP(register_bandwidth_kernels(sve_kernels()));

}  // namespace
}  // namespace armperf::probes
