// k-means on the spectral embedding (issue 8): k-means++ seeding, then Lloyd iterations whose
// distance step is the k-NN family's squared-L2 kernel of the ISA (kernels/knn/knn.hpp, DistanceFn):
// one center is the query, a block of points the database rows, and a running minimum over the
// centers assigns the block. The points are row-major (n rows of d floats), as that kernel reads them.
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/knn/knn.hpp"
#include "kernels/spectral/csr.hpp"

namespace armperf::kernels::spectral {

struct KmeansAssignArgs {
  const float* points = nullptr;  // row-major: coordinate c of point i at points[i * d + c]
  Index n = 0;
  int d = 0;
  const float* centers = nullptr;  // row-major: coordinate c of center j at centers[j * d + c]
  int k = 0;
  Index* labels = nullptr;  // out: the nearest center (the lowest index on a tie)
  float* dist2 = nullptr;   // out: squared distance to it
};

// Assigns points [begin, end) with the distance kernel l2 (squared L2 of one query against rows).
void kmeans_assign_rows(const KmeansAssignArgs& args, DistanceFn l2, Index begin, Index end);

struct KmeansOptions {
  int k = 2;
  int max_iterations = 100;
  int restarts = 4;  // independent k-means++ seedings; the lowest inertia wins
  std::uint64_t seed = 1;
  int threads = 1;
};

struct KmeansResult {
  std::vector<Index> labels;
  std::vector<float> centers;  // k x d, row-major
  double inertia = 0;          // sum of squared distances to the assigned centers
  int iterations = 0;          // Lloyd iterations of the winning restart
  int total_iterations = 0;    // over all restarts (the benchmark's per-iteration time divides by it)
};

// Clusters the n points of `points` (row-major, d columns). Deterministic for a seed and thread count.
KmeansResult kmeans(const float* points, Index n, int d, const KmeansOptions& options, DistanceFn l2);

// One assignment over all points on spectral_team(threads); returns the inertia.
double kmeans_assign_all(const KmeansAssignArgs& args, DistanceFn l2, int threads);

// One Lloyd iteration from the current assignment in args.labels: every center moves to the mean of
// its members (an emptied cluster keeps its center), then all points are reassigned. centers is
// args.centers, writable. Returns the new inertia.
double kmeans_lloyd_step(const KmeansAssignArgs& args, float* centers, DistanceFn l2, int threads);

// The double-precision reference distance step, for tests.
void kmeans_assign_reference(const KmeansAssignArgs& args, std::vector<Index>& labels,
                             std::vector<double>& dist2);

}  // namespace armperf::kernels::spectral
