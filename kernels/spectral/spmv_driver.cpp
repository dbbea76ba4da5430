#include <atomic>
#include <stdexcept>
#include <vector>

#include "kernels/spectral/spmv.hpp"

namespace armperf::kernels::spectral {

namespace {

// Pieces per thread's share: enough that the last piece of a late thread is a small part of the
// product (1/16 of a share: 0.1 ms at n = 2*10^5 on 2 threads), few enough that claiming them costs
// nothing next to the rows.
constexpr int kSpmvPieces = 16;

// The next unclaimed piece of one thread's share, on a cache line of its own.
struct alignas(64) SpmvCursor {
  std::atomic<int> next{0};
};

}  // namespace

void spmv_parallel(const SpmvArgs& args, SpmvRowsFn rows) {
  if (args.threads < 1) throw std::invalid_argument("spmv: threads must be >= 1");
  if (args.a.n == 0) return;
  if (args.threads == 1) {
    rows(args, 0, args.a.n);
    return;
  }
  // Each thread's share (row_range: the rows whose memory it first-touched) in kSpmvPieces pieces of
  // near-equal work. A thread runs its own pieces first, then takes what is left of the others': a
  // static split waits for its slowest thread, and on a shared machine (or a VM whose other vCPU is
  // busy) one thread often runs late. Pieces are claimed from a counter per share; on a NUMA machine
  // a thread only reads another node's rows once its own are done.
  const int threads = args.threads, parts = threads * kSpmvPieces;
  std::vector<SpmvCursor> cursors(static_cast<std::size_t>(threads));
  spectral_team(threads).run([&](int t) {
    for (int k = 0; k < threads; ++k) {
      const int owner = (t + k) % threads;
      std::atomic<int>& next = cursors[static_cast<std::size_t>(owner)].next;
      for (int piece = next.fetch_add(1, std::memory_order_relaxed); piece < kSpmvPieces;
           piece = next.fetch_add(1, std::memory_order_relaxed)) {
        const RowRange mine = row_range(args.a, parts, owner * kSpmvPieces + piece);
        if (mine.end > mine.begin) rows(args, mine.begin, mine.end);
      }
    }
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
