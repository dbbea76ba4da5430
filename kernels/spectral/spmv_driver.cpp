#include <stdexcept>
#include <vector>

#include "kernels/spectral/spmv.hpp"

namespace armperf::kernels::spectral {

void spmv_parallel(const SpmvArgs& args, SpmvRowsFn rows) {
  if (args.threads < 1) throw std::invalid_argument("spmv: threads must be >= 1");
  if (args.a.n == 0) return;
  if (args.threads == 1) {
    rows(args, 0, args.a.n);
    return;
  }
  spectral_team(args.threads).run([&](int t) {
    const RowRange mine = row_range(args.a, args.threads, t);
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
