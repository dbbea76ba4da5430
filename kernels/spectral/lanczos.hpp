// A few extreme eigenpairs of a symmetric operator (issue 8): thick-restart Lanczos (Wu-Simon) with
// full reorthogonalization (classical Gram-Schmidt, twice), f32 vectors and f64 dot products. The
// operator application (the SpMV) is the hot loop; the vector updates run on the same pinned team.
//
// Convergence as ARPACK and Spectra define it, so a tolerance means the same to both: a Ritz pair
// (theta, y) is converged when ||A y - theta y|| <= tol * max(eps^(2/3), |theta|).
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "kernels/spectral/csr.hpp"

namespace armperf::kernels::spectral {

// y = A x for vectors of length n; x and y do not alias.
using LinearOperator = std::function<void(const float* x, float* y)>;

struct EigsOptions {
  int nev = 2;            // eigenpairs wanted
  bool smallest = false;  // false: largest algebraic; true: smallest algebraic (Bethe-Hessian)
  double tol = 1e-5;
  int ncv = 0;  // basis size; 0: max(2 nev + 1, nev + 20), at most n
  int max_restarts = 500;
  std::uint64_t seed = 1;  // of the random start vector
  // Warm start (streaming stages): warm_count vectors of length n, column-major; the start vector is
  // their sum plus a little noise, so its Krylov space holds their span after warm_count steps.
  const float* warm_start = nullptr;
  int warm_count = 0;
  int threads = 1;  // the team the vector updates run on (the operator brings its own)
  // With smallest: a pair whose Ritz value is already negative counts as done. By Cauchy interlacing
  // the c-th smallest Ritz value bounds the c-th smallest eigenvalue from above, so that eigenvalue
  // is negative too; counting negative eigenvalues needs no more. Its vector is not converged.
  bool count_negative = false;
};

struct EigsResult {
  std::vector<double> values;     // nev, in the order asked (largest first, or smallest first)
  std::vector<float> vectors;     // n x nev, column-major, unit norm
  std::vector<double> residuals;  // ||A y - theta y|| per pair, from the Lanczos relation
  int matvecs = 0;
  int restarts = 0;
  bool converged = false;
};

// Throws std::invalid_argument when nev < 1 or nev >= n.
EigsResult lanczos_eigs(const LinearOperator& op, Index n, const EigsOptions& options);

// All eigenpairs of a small dense symmetric matrix (row-major m x m) by cyclic Jacobi rotations:
// values ascending, vectors as the columns of an m x m row-major matrix. For the projected problem.
void jacobi_eigen(std::vector<double> a, int m, std::vector<double>& values, std::vector<double>& vectors);

}  // namespace armperf::kernels::spectral
