// The spectral clustering pipeline (issue 8): graph -> embedding (k extreme eigenvectors of an
// operator, by our Lanczos) -> k-means on the embedding rows -> scores against the truth, each
// step timed. `armperf sbm` and the sbm_pipeline benchmark both run it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "kernels/spectral/kmeans.hpp"
#include "kernels/spectral/lanczos.hpp"
#include "kernels/spectral/metrics.hpp"
#include "kernels/spectral/operators.hpp"

namespace armperf::kernels::spectral {

struct PipelineOptions {
  OperatorKind op = OperatorKind::bethe_hessian;
  int k = 0;          // clusters; 0: estimated (estimate_k)
  double tol = 1e-4;  // eigensolver tolerance (relative, lanczos.hpp)
  int threads = 1;
  std::uint64_t seed = 1;
  int kmeans_restarts = 4;
  int max_k = 16;  // the largest k the estimate considers
  // Streaming: the previous stage's eigenvectors start the eigensolver (used when it has k of them).
  const EigsResult* warm_start = nullptr;
};

struct StepSeconds {
  double operator_setup = 0;  // placing the matrix, degrees, diagonal
  double embed = 0;           // the eigensolver
  double cluster = 0;         // k-means
  double score = 0;           // accuracy, ARI, NMI
};

struct PipelineResult {
  int k = 0;
  std::string k_source;  // "given", "truth", "bethe-hessian negative eigenvalues", "eigen-gap"
  std::vector<Index> labels;
  EigsResult eigs;
  KmeansResult kmeans;
  double r = 0;  // the Bethe-Hessian's r, when used
  StepSeconds seconds;
  std::optional<RecoveryScores> scores;
};

// Number of clusters: the negative eigenvalues of H(r) (Bethe-Hessian), else the largest gap among
// the top max_k eigenvalues of the operator. At least 1.
int estimate_k(const SpectralOperator& op, const PipelineOptions& options, std::string& source);

// Runs the pipeline on graph. truth (0-based blocks, one per node) sets k when options.k == 0 and is
// scored against. Throws std::invalid_argument when k is not below the node count.
PipelineResult run_pipeline(const CsrRef& graph, const std::vector<Index>* truth,
                            const PipelineOptions& options, const SpectralKernels& kernels);

// The embedding k-means sees: row i holds node i's coordinates in the k eigenvectors (row-major,
// n x k, as the distance kernels read points), scaled to unit length for the normalized operator and
// the Bethe-Hessian (Ng-Jordan-Weiss), which takes the degree out of the row norms.
std::vector<float> embedding_for_kmeans(const EigsResult& eigs, Index n, int k, OperatorKind op);

}  // namespace armperf::kernels::spectral
