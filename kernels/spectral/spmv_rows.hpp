// The row loop of the SpMV kernels that prefetch their streams (spectral_avx2.cpp, spectral_avx512.cpp):
// each ISA file supplies how one row's entries are summed (plain loads, or its gather instruction), the
// loop here adds the non-temporal prefetch of the col/val streams and the row's finish.
//
// Why the prefetch: the SpMV reads x[col[p]] at random over all of x (4n bytes: 800 KB at n = 2*10^5,
// which fits Zen 5's 1 MB L2), while col and val (8 B per entry: 32 MB) stream through once. Pulled in
// by the hardware prefetchers, the stream lines go through L2 and evict x, so most x reads miss to L3.
// A non-temporal software prefetch (prefetchnta; PLDL1STRM on AArch64) fetches them without
// displacing x. Measured on the Zen 5 VM (load average 11-12: best of 40-60 interleaved runs), n =
// 2*10^5, 1 thread: with every row of degree 20, plain loads 9.2 GB/s without it, 13.4 with it 1 KB
// ahead (512 B: 12.6, 2 KB: 13.7, 4 KB: 11.7), AVX-512 gathers 8.0 without, 10.6 with; on the
// benchmark's SBM graph (Poisson degrees) gathers 9.2-10.4 GB/s 1 KB ahead, 6.7-8.3 2 KB ahead.
#pragma once

#include <algorithm>
#include <cstdint>

#include "kernels/spectral/spmv.hpp"

namespace armperf::kernels::spectral::spmv_rows {

// Entries ahead of the current row whose lines are prefetched: 256 x 4 B = 1 KB per stream.
inline constexpr Index kPrefetchAhead = 256;
// Entries per 64-byte line: one prefetch per line and stream.
inline constexpr Index kLineEntries = 64 / sizeof(Index);

// sum_j a_ij x_j over entries [p, end) with four independent accumulators of plain loads: the four
// x reads of a step are independent, so their L2 latencies overlap (the ISA files' _loads rows).
template <bool kValues>
[[gnu::always_inline]] inline float sum_loads(const CsrRef& a, const float* x, Index p, Index end) {
  float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  for (; p + 4 <= end; p += 4) {
    if constexpr (kValues) {
      s0 += a.val[p] * x[a.col[p]];
      s1 += a.val[p + 1] * x[a.col[p + 1]];
      s2 += a.val[p + 2] * x[a.col[p + 2]];
      s3 += a.val[p + 3] * x[a.col[p + 3]];
    } else {
      s0 += x[a.col[p]];
      s1 += x[a.col[p + 1]];
      s2 += x[a.col[p + 2]];
      s3 += x[a.col[p + 3]];
    }
  }
  for (; p < end; ++p) s0 += kValues ? a.val[p] * x[a.col[p]] : x[a.col[p]];
  return (s0 + s1) + (s2 + s3);
}

// The non-temporal prefetch for the row starting at entry p0: per stream the line kPrefetchAhead
// entries ahead and the one after it. Consecutive rows start ~80 B apart at degree 20, so every line
// is fetched by some row (rows longer than two lines leave the rest to the hardware prefetcher). A
// fixed two lines keeps the row loop free of data-dependent branches: a loop over "the lines not yet
// prefetched" runs 0, 1 or 2 times by the row's length and mispredicts on Poisson degrees. Measured
// against that loop (Zen 5 VM, 1 thread, medians of 3 interleaved runs, GFLOP/s): AVX2 gathers at
// n = 2*10^5 2.05 -> 2.37; AVX-512 plain loads 2.44 -> 2.78 at n = 10^4, 1.68 -> 1.79 at 2*10^5.
template <bool kValues>
[[gnu::always_inline]] inline void prefetch_row(const CsrRef& a, Index p0, Index nnz) {
  const Index ahead = std::min(p0 + kPrefetchAhead, nnz);
  const Index further = std::min(ahead + kLineEntries, nnz);
  __builtin_prefetch(a.col + ahead, 0, 0);
  __builtin_prefetch(a.col + further, 0, 0);
  if constexpr (kValues) {
    __builtin_prefetch(a.val + ahead, 0, 0);
    __builtin_prefetch(a.val + further, 0, 0);
  }
}

// Rows [begin, end): y_i = finish(sum(a, x, row_ptr[i], row_ptr[i+1])), each row's streams
// prefetched ahead by prefetch_row.
template <bool kValues, class RowSum>
[[gnu::always_inline]] inline void rows(const SpmvArgs& args, Index begin, Index end, RowSum sum) {
  const CsrRef& a = args.a;
  const Index nnz = a.nnz();
  for (Index i = begin; i < end; ++i) {
    const Index p0 = a.row_ptr[i], p1 = a.row_ptr[i + 1];
    prefetch_row<kValues>(a, p0, nnz);
    args.y[i] = spmv_finish(args, i, sum(a, args.x, p0, p1));
  }
}

}  // namespace armperf::kernels::spectral::spmv_rows
