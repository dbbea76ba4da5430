// The symmetric operators the spectral embedding is computed from (issue 8), all on the SpMV kernels:
//   adjacency      A                                 (pattern kernel, or values for a weighted graph)
//   normalized     D^{-1/2} A D^{-1/2}               (values kernel on the rescaled entries)
//   bethe-hessian  H(r) = (r^2 - 1) I - r A + D      (pattern kernel with scale -r and a diagonal)
// The first two are used through their largest eigenvalues, the Bethe-Hessian through its negative
// ones (Saade, Krzakala, Zdeborova 2014), whose count also estimates the number of communities.
#pragma once

#include <string>
#include <string_view>

#include "kernels/spectral/isa_kernels.hpp"
#include "kernels/spectral/lanczos.hpp"

namespace armperf::kernels::spectral {

enum class OperatorKind { adjacency, normalized, bethe_hessian };
std::string_view operator_name(OperatorKind kind);
// Throws std::invalid_argument naming the text unless adjacency, normalized or bethe-hessian.
OperatorKind parse_operator(std::string_view text);

// r for H(r): sqrt(sum d^2 / sum d - 1), the square root of the non-backtracking operator's
// spectral radius estimate, which keeps working with heterogeneous degrees; sqrt(mean degree)
// would undercut it on a DC-SBM. At least 1 + 1e-3 so H(r) stays well defined on tiny graphs.
double bethe_hessian_r(const CsrRef& graph);

class SpectralOperator {
 public:
  // Copies graph into NUMA-placed memory for `threads` threads (PlacedCsr). r <= 0 picks bethe_hessian_r.
  SpectralOperator(const CsrRef& graph, OperatorKind kind, const SpectralKernels& kernels, int threads,
                   double r = 0);

  void apply(const float* x, float* y) const;
  LinearOperator as_function() const {
    return [this](const float* x, float* y) { apply(x, y); };
  }
  OperatorKind kind() const { return kind_; }
  bool wants_smallest() const { return kind_ == OperatorKind::bethe_hessian; }
  double r() const { return r_; }
  Index n() const { return n_; }
  const PlacedCsr& matrix() const { return matrix_; }

 private:
  OperatorKind kind_;
  Index n_;
  int threads_;
  double r_ = 0;
  SpmvFn fn_;
  Csr scaled_;  // the normalized operator's entries (empty otherwise)
  PlacedCsr matrix_;
  Buffer diag_;
  float scale_ = 1.0f;
};

}  // namespace armperf::kernels::spectral
