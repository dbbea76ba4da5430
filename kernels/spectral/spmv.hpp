// Sparse matrix-vector product y = scale * A x + diag .* x over a CSR graph (issue 8), the hot loop
// of the eigensolvers. With scale = 1 and no diag it is the adjacency product; the operators of
// operators.hpp put the normalized adjacency and the Bethe-Hessian on the same kernel.
//
// Variants: one row kernel per ISA (spmv_<isa>.cpp) for f32 values and for the pattern only (every
// entry 1: no value stream); the driver (spmv_driver.cpp) splits rows by nnz over the pinned team.
// Eigen's sparse product is the peer (spmv_eigen.cpp), a registry row with the same signature.
#pragma once

#include <vector>

#include "kernels/spectral/csr.hpp"

namespace armperf::kernels::spectral {

struct SpmvArgs {
  CsrRef a;                     // a.val == nullptr: pattern-only
  const float* x = nullptr;     // length a.n
  float* y = nullptr;           // length a.n, write-only, must not alias x
  float scale = 1.0f;           // y_i = scale * sum_j a_ij x_j ...
  const float* diag = nullptr;  // ... + diag_i * x_i when not null
  int threads = 1;              // ours: the spectral team of this size; peers: their own threads
};

// What a spmv registry row's fn points to.
using SpmvFn = void (*)(const SpmvArgs& args);

// One ISA's kernel over rows [begin, end).
using SpmvRowsFn = void (*)(const SpmvArgs& args, Index begin, Index end);

// The shared driver: each thread of spectral_team(args.threads) runs the rows of its row_range share
// in pieces, then helps with the pieces the others have not started (run_pieces); a single
// thread runs on the caller, no team hand-off.
void spmv_parallel(const SpmvArgs& args, SpmvRowsFn rows);

// Bytes one product moves, as the benchmarks count them (the formula): every stored entry
// once (value + column index), and per row one row pointer, one x and one y element. Gathers of x
// that miss cache are not in it, so GB/s below the read bandwidth bound is the gather's cost.
inline double spmv_bytes(const CsrRef& a) {
  const double value = a.val != nullptr ? sizeof(float) : 0.0;
  return double(a.nnz()) * (value + sizeof(Index)) + double(a.n) * (sizeof(Index) + 2 * sizeof(float));
}
// FLOPs of one product: a multiply and an add per stored entry.
inline double spmv_flops(const CsrRef& a) { return 2.0 * double(a.nnz()); }

// The end of every row kernel: acc is the row's sum_j a_ij x_j.
inline float spmv_finish(const SpmvArgs& args, Index row, float acc) {
  const float y = args.scale * acc;
  return args.diag == nullptr ? y : y + args.diag[row] * args.x[row];
}

// The double-precision reference for tests: plain loops, one row at a time.
void spmv_reference(const SpmvArgs& args, std::vector<double>& y);

}  // namespace armperf::kernels::spectral
