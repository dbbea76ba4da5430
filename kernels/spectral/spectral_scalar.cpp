// The scalar baselines of the spectral kernels (compiled with -fno-tree-vectorize): one row at a time,
// one accumulator, the loops a textbook writes.
#include "kernels/spectral/isa_kernels.hpp"

namespace armperf::kernels::spectral {
namespace {

template <bool kValues>
void spmv_rows(const SpmvArgs& args, Index begin, Index end) {
  const CsrRef& a = args.a;
  for (Index i = begin; i < end; ++i) {
    float acc = 0;
    for (Index p = a.row_ptr[i]; p < a.row_ptr[i + 1]; ++p) {
      const float x = args.x[a.col[p]];
      acc += kValues ? a.val[p] * x : x;
    }
    args.y[i] = spmv_finish(args, i, acc);
  }
}

}  // namespace

ARMPERF_AT_STARTUP(register_spectral_rows<Isa::scalar, spmv_rows<true>, spmv_rows<false>>());

}  // namespace armperf::kernels::spectral
