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

void assign_rows(const KmeansAssignArgs& args, Index begin, Index end) {
  for (Index i = begin; i < end; ++i) {
    float best = 0;
    Index best_j = 0;
    for (int j = 0; j < args.k; ++j) {
      float dist = 0;
      for (int c = 0; c < args.d; ++c) {
        const float diff = args.points[std::int64_t{c} * args.n + i] - args.centers[j * args.d + c];
        dist += diff * diff;
      }
      if (j == 0 || dist < best) {
        best = dist;
        best_j = j;
      }
    }
    args.labels[i] = best_j;
    args.dist2[i] = best;
  }
}

}  // namespace

[[maybe_unused]] static const bool registered =
    register_spectral_rows<Isa::scalar, spmv_rows<true>, spmv_rows<false>, assign_rows>();

}  // namespace armperf::kernels::spectral
