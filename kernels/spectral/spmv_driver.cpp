#include <stdexcept>
#include <vector>

#include "kernels/spectral/spmv.hpp"

namespace armperf::kernels::spectral {

namespace {

// Pieces per thread's share: enough that the last piece of a late thread is a small part of the
// product (1/16 of a share: 0.1 ms at n = 2*10^5 on 2 threads), few enough that claiming them costs
// nothing next to the rows.
constexpr int kSpmvPieces = 16;

}  // namespace

void spmv_parallel(const SpmvArgs& args, SpmvRowsFn rows) {
  if (args.threads < 1) throw std::invalid_argument("spmv: threads must be >= 1");
  if (args.a.n == 0) return;
  if (args.threads == 1) {
    rows(args, 0, args.a.n);
    return;
  }
  // Each thread's row_range share (the rows whose memory it first-touched) in kSpmvPieces pieces of
  // near-equal work, shared out by run_pieces.
  const int parts = args.threads * kSpmvPieces;
  run_pieces(args.threads, kSpmvPieces, [&](int piece) {
    const RowRange mine = row_range(args.a, parts, piece);
    if (mine.end > mine.begin) rows(args, mine.begin, mine.end);
  });
}

void spmv_reference(const SpmvArgs& args, std::vector<double>& y) {
  const CsrRef& a = args.a;
  y.assign(static_cast<std::size_t>(a.n), 0.0);
  for (Index i = 0; i < a.n; ++i) {
    double acc = 0;
    for (Index p = a.row_ptr[i]; p < a.row_ptr[i + 1]; ++p) {
      acc += (a.val != nullptr ? double(a.val[p]) : 1.0) * double(args.x[a.col[p]]);
    }
    acc *= double(args.scale);
    if (args.diag != nullptr) acc += double(args.diag[i]) * double(args.x[i]);
    y[static_cast<std::size_t>(i)] = acc;
  }
}

}  // namespace armperf::kernels::spectral
