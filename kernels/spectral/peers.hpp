// The peer libraries measured beside the spectral kernels (issue 8), as registry rows:
//   f32_spmv__eigen          Eigen's row-major sparse * dense product (its OpenMP threads), an SpmvFn
//   f32_lanczos_iter__spectra Spectra's SymEigsSolver (implicitly restarted Lanczos) over that product
#pragma once

#include "kernels/spectral/csr.hpp"
#include "kernels/spectral/lanczos.hpp"

namespace armperf::kernels::spectral {

// What a lanczos_iter peer row's fn points to: the nev extreme eigenpairs of the CSR matrix a (with
// values) under the same options (nev, smallest, tol, ncv, max_restarts, threads) as ours.
using EigsPeerFn = EigsResult (*)(const CsrRef& a, const EigsOptions& options);

}  // namespace armperf::kernels::spectral
