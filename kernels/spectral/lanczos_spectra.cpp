// Spectra's symmetric eigensolver (implicitly restarted Lanczos, ARPACK's method) as the peer of our
// thick-restart Lanczos: the same matrix, nev, ncv and tolerance (Spectra's criterion is ours), its
// products through Eigen's sparse product with Eigen's threads.
#include <Spectra/SymEigsSolver.h>
#include <Eigen/SparseCore>

#include <stdexcept>

#include "kernels/registry.hpp"
#include "kernels/spectral/isa_kernels.hpp"
#include "kernels/spectral/peers.hpp"

namespace armperf::kernels::spectral {
namespace {

// Spectra's operator concept: rows(), cols(), perform_op(x, y) = A x.
class EigenCsrOp {
 public:
  using Scalar = float;
  explicit EigenCsrOp(const CsrRef& a) : a_(a.n, a.n, a.nnz(), a.row_ptr, a.col, a.val) {}
  Eigen::Index rows() const { return a_.rows(); }
  Eigen::Index cols() const { return a_.cols(); }
  void perform_op(const float* x_in, float* y_out) const {
    Eigen::Map<Eigen::VectorXf>(y_out, a_.rows()).noalias() =
        a_ * Eigen::Map<const Eigen::VectorXf>(x_in, a_.cols());
  }

 private:
  Eigen::Map<const Eigen::SparseMatrix<float, Eigen::RowMajor, Index>> a_;
};

EigsResult f32_lanczos_iter__spectra(const CsrRef& a, const EigsOptions& options) {
  if (a.val == nullptr) throw std::invalid_argument("f32_lanczos_iter__spectra: needs a matrix with values");
  Eigen::setNbThreads(options.threads);
  EigenCsrOp op(a);
  const int ncv =
      std::min<int>(a.n, options.ncv > 0 ? options.ncv : std::max(2 * options.nev + 1, options.nev + 20));
  Spectra::SymEigsSolver<EigenCsrOp> solver(op, options.nev, ncv);
  solver.init();
  const auto rule = options.smallest ? Spectra::SortRule::SmallestAlge : Spectra::SortRule::LargestAlge;
  solver.compute(rule, options.max_restarts, static_cast<float>(options.tol), rule);
  EigsResult r;
  r.converged = solver.info() == Spectra::CompInfo::Successful;
  r.matvecs = static_cast<int>(solver.num_operations());
  r.restarts = static_cast<int>(solver.num_iterations());
  if (!r.converged) return r;
  const Eigen::VectorXf values = solver.eigenvalues();
  const Eigen::MatrixXf vectors = solver.eigenvectors();
  r.values.assign(values.data(), values.data() + values.size());
  r.vectors.assign(vectors.data(), vectors.data() + vectors.size());
  return r;
}

}  // namespace

ARMPERF_REGISTER_KERNEL(KernelVariant{.name = "f32_lanczos_iter__spectra",
                                      .family = kFamily,
                                      .op = kOpLanczos,
                                      .dtype = "f32",
                                      .impl = "spectra",
                                      .fn = reinterpret_cast<KernelFn>(&f32_lanczos_iter__spectra)});

}  // namespace armperf::kernels::spectral
