// The loop of the SVE low-precision distance files (included only by distance_lowp_sve*.cpp, built with
// SVE flags). Vector-length agnostic as distance_sve.cpp: each step covers Ops::count() elements under
// Ops::pred(j, d) (the tail is the last step with lanes off, which load as zero and add nothing), four
// rows share the query's load. SVE vectors are sizeless (no arrays or struct members), so the rows are
// spelled out, and every row has two accumulators a (the result) and c (b.b for the L2 kernels that
// expand around a dot product; unused otherwise).
//
// Ops: dtype, count(), pred(j, d), load(pg, p), zero(), step<M>(a&, c&, x, y), reduce<M>(a, c) -> Out,
// bias<M>(q, d) -> Out (added to every row: ||q||^2 for the expanding kernels, else 0).
#pragma once

#include <arm_sve.h>

#include "kernels/knn/distance_lowp_impl.hpp"

namespace armperf::kernels::sve_lowp {

#define ARMPERF_LOWP_SVE_ROWS(X) X(0) X(1) X(2) X(3)

template <class Ops, Metric M>
void four_rows(const typename lowp_impl::Element<Ops::dtype>::T* query,
               const typename lowp_impl::Element<Ops::dtype>::T* base, std::int64_t d,
               typename lowp_impl::Element<Ops::dtype>::Out bias, typename lowp_impl::Element<Ops::dtype>::Out* out) {
#define ARMPERF_ZERO(r) auto a##r = Ops::zero(), c##r = Ops::zero();
  ARMPERF_LOWP_SVE_ROWS(ARMPERF_ZERO)
#undef ARMPERF_ZERO
  for (std::int64_t j = 0; j < d; j += Ops::count()) {
    const svbool_t pg = Ops::pred(j, d);
    const auto x = Ops::load(pg, query + j);
#define ARMPERF_STEP(r) Ops::template step<M>(a##r, c##r, x, Ops::load(pg, base + (r)*d + j));
    ARMPERF_LOWP_SVE_ROWS(ARMPERF_STEP)
#undef ARMPERF_STEP
  }
#define ARMPERF_REDUCE(r) out[r] = Ops::template reduce<M>(a##r, c##r) + bias;
  ARMPERF_LOWP_SVE_ROWS(ARMPERF_REDUCE)
#undef ARMPERF_REDUCE
}

template <class Ops, Metric M>
void one_row(const typename lowp_impl::Element<Ops::dtype>::T* query,
             const typename lowp_impl::Element<Ops::dtype>::T* base, std::int64_t d,
             typename lowp_impl::Element<Ops::dtype>::Out bias, typename lowp_impl::Element<Ops::dtype>::Out* out) {
  auto a = Ops::zero(), c = Ops::zero();
  for (std::int64_t j = 0; j < d; j += Ops::count()) {
    const svbool_t pg = Ops::pred(j, d);
    Ops::template step<M>(a, c, Ops::load(pg, query + j), Ops::load(pg, base + j));
  }
  *out = Ops::template reduce<M>(a, c) + bias;
}

template <class Ops, Metric M>
void distances(const typename lowp_impl::Element<Ops::dtype>::T* query,
               const typename lowp_impl::Element<Ops::dtype>::T* base, std::int64_t nb, std::int64_t d,
               typename lowp_impl::Element<Ops::dtype>::Out* out) {
  const auto bias = Ops::template bias<M>(query, d);  // once per call, not per row
  std::int64_t i = 0;
  for (; i + 4 <= nb; i += 4) four_rows<Ops, M>(query, base + i * d, d, bias, out + i);
  for (; i < nb; ++i) one_row<Ops, M>(query, base + i * d, d, bias, out + i);
}

}  // namespace armperf::kernels::sve_lowp
