// Eigen's sparse matrix-vector product as the SpMV peer: the CSR arrays mapped as a row-major
// Eigen::SparseMatrix (no copy), Eigen's own threads (OpenMP, this file only) set to args.threads.
#include <Eigen/SparseCore>
#include <stdexcept>

#include "kernels/registry.hpp"
#include "kernels/spectral/isa_kernels.hpp"

namespace armperf::kernels::spectral {
namespace {

using EigenCsr = Eigen::Map<const Eigen::SparseMatrix<float, Eigen::RowMajor, Index>>;

void f32_spmv__eigen(const SpmvArgs& args) {
  if (args.a.n == 0) return;
  if (args.a.val == nullptr && args.a.nnz() > 0)
    throw std::invalid_argument("f32_spmv__eigen: needs values (Eigen has no pattern-only matrix)");
  Eigen::setNbThreads(args.threads);
  const Index n = args.a.n;
  const EigenCsr a(n, n, args.a.nnz(), args.a.row_ptr, args.a.col, args.a.val);
  const Eigen::Map<const Eigen::VectorXf> x(args.x, n);
  Eigen::Map<Eigen::VectorXf> y(args.y, n);
  if (args.scale == 1.0f) {
    y.noalias() = a * x;
  } else {
    y.noalias() = args.scale * (a * x);
  }
  if (args.diag != nullptr) y += Eigen::Map<const Eigen::VectorXf>(args.diag, n).cwiseProduct(x);
}

}  // namespace

ARMPERF_REGISTER_KERNEL(KernelVariant{.name = "f32_spmv__eigen",
                                      .family = kFamily,
                                      .op = kOpSpmv,
                                      .dtype = "f32",
                                      .impl = "eigen",
                                      .fn = reinterpret_cast<KernelFn>(&f32_spmv__eigen)});

}  // namespace armperf::kernels::spectral
