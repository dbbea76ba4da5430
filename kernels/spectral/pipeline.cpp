#include "kernels/spectral/pipeline.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>

#include "core/timer.hpp"

namespace armperf::kernels::spectral {
namespace {

double seconds_since(std::uint64_t start) { return double(now_ns() - start) * 1e-9; }

}  // namespace

int estimate_k(const SpectralOperator& op, const PipelineOptions& options, std::string& source) {
  const int most = std::min<int>(options.max_k, op.n() - 1);
  if (most < 1) {
    source = "single node";
    return 1;
  }
  EigsOptions eo{.smallest = op.wants_smallest(),
                 .tol = std::max(options.tol, 1e-2),
                 .seed = options.seed,
                 .threads = options.threads};
  if (op.kind() == OperatorKind::bethe_hessian) {
    // Count the negative eigenvalues with 2, 4, 8, ... wanted pairs until one of them is not negative:
    // only signs are needed, and the pairs at the edge of the bulk (near 0) are the slow ones.
    source = "bethe-hessian negative eigenvalues";
    eo.count_negative = true;
    for (int nev = std::min(2, most);; nev = std::min(2 * nev, most)) {
      eo.nev = nev;
      const EigsResult eigs = lanczos_eigs(op.as_function(), op.n(), eo);
      const auto negative =
          std::count_if(eigs.values.begin(), eigs.values.end(), [](double v) { return v < 0; });
      if (negative < nev || nev == most) return std::max<int>(1, static_cast<int>(negative));
    }
  }
  // Largest drop between consecutive top eigenvalues; the count before it.
  source = "eigen-gap";
  eo.nev = most;
  const EigsResult eigs = lanczos_eigs(op.as_function(), op.n(), eo);
  int best = 1;
  double gap = -1;
  for (int i = 0; i + 1 < most; ++i) {
    const double g = eigs.values[std::size_t(i)] - eigs.values[std::size_t(i) + 1];
    if (g > gap) {
      gap = g;
      best = i + 1;
    }
  }
  return best;
}

std::vector<float> embedding_for_kmeans(const EigsResult& eigs, Index n, int k, OperatorKind op) {
  std::vector<float> points(std::size_t(n) * std::size_t(k));
  for (Index i = 0; i < n; ++i) {
    float* row = &points[std::size_t(i) * std::size_t(k)];
    double norm = 0;
    for (int c = 0; c < k; ++c) {
      row[c] = eigs.vectors[std::size_t(c) * std::size_t(n) + std::size_t(i)];
      norm += double(row[c]) * row[c];
    }
    if (op == OperatorKind::adjacency || norm == 0) continue;  // norm 0: an isolated node, no direction
    const float inv = static_cast<float>(1 / std::sqrt(norm));
    for (int c = 0; c < k; ++c) row[c] *= inv;
  }
  return points;
}

PipelineResult run_pipeline(const CsrRef& graph, const std::vector<Index>* truth,
                            const PipelineOptions& options, const SpectralKernels& kernels) {
  PipelineResult out;
  std::uint64_t t0 = now_ns();
  const SpectralOperator op(graph, options.op, kernels, options.threads);
  out.r = op.kind() == OperatorKind::bethe_hessian ? op.r() : 0;
  out.seconds.operator_setup = seconds_since(t0);

  t0 = now_ns();
  if (options.k > 0) {
    out.k = options.k;
    out.k_source = "given";
  } else if (truth != nullptr) {
    out.k = static_cast<int>(std::set<Index>(truth->begin(), truth->end()).size());
    out.k_source = "truth";
  } else {
    out.k = estimate_k(op, options, out.k_source);
  }
  if (out.k >= graph.n) {
    throw std::invalid_argument("k = " + std::to_string(out.k) + " clusters need more than " +
                                std::to_string(graph.n) + " nodes");
  }
  EigsOptions eo{.nev = out.k,
                 .smallest = op.wants_smallest(),
                 .tol = options.tol,
                 .seed = options.seed,
                 .threads = options.threads};
  const EigsResult* warm = options.warm_start;
  if (warm != nullptr && warm->values.size() == std::size_t(out.k) &&
      warm->vectors.size() == std::size_t(out.k) * std::size_t(graph.n)) {
    eo.warm_start = warm->vectors.data();
    eo.warm_count = out.k;
  }
  out.eigs = lanczos_eigs(op.as_function(), graph.n, eo);
  out.seconds.embed = seconds_since(t0);

  t0 = now_ns();
  const std::vector<float> points = embedding_for_kmeans(out.eigs, graph.n, out.k, options.op);
  KmeansOptions ko{
      .k = out.k, .restarts = options.kmeans_restarts, .seed = options.seed, .threads = options.threads};
  out.kmeans = kmeans(points.data(), graph.n, out.k, ko, kernels.l2);
  out.labels = out.kmeans.labels;
  out.seconds.cluster = seconds_since(t0);

  if (truth != nullptr) {
    t0 = now_ns();
    out.scores = score_partition(*truth, out.labels);
    out.seconds.score = seconds_since(t0);
  }
  return out;
}

}  // namespace armperf::kernels::spectral
