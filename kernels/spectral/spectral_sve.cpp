#if !defined(__ARM_FEATURE_SVE)
#error "spectral_sve.cpp needs SVE: add it with armperf_add_kernel_family()"
#endif
#include <arm_sve.h>

#include "kernels/spectral/isa_kernels.hpp"

namespace armperf::kernels::spectral {
namespace {

// Vector-length agnostic: svwhilelt covers each row's tail, the gather (ld1w with 32-bit indices)
// fetches x, one horizontal sum (faddv) per row.
template <bool kValues>
void spmv_rows(const SpmvArgs& args, Index begin, Index end) {
  const CsrRef& a = args.a;
  const std::int64_t step = static_cast<std::int64_t>(svcntw());
  for (Index i = begin; i < end; ++i) {
    const std::int64_t p1 = a.row_ptr[i + 1];
    svfloat32_t acc = svdup_n_f32(0);
    for (std::int64_t p = a.row_ptr[i]; p < p1; p += step) {
      const svbool_t pg = svwhilelt_b32_s64(p, p1);
      const svint32_t idx = svld1_s32(pg, a.col + p);
      const svfloat32_t x = svld1_gather_s32index_f32(pg, args.x, idx);
      acc = kValues ? svmla_f32_m(pg, acc, svld1_f32(pg, a.val + p), x) : svadd_f32_m(pg, acc, x);
    }
    args.y[i] = spmv_finish(args, i, svaddv_f32(svptrue_b32(), acc));
  }
}

}  // namespace

ARMPERF_AT_STARTUP(register_spectral_rows<Isa::sve, spmv_rows<true>, spmv_rows<false>>());

}  // namespace armperf::kernels::spectral
