// How well a clustering recovers the planted partition (issue 8): accuracy after the best one-to-one
// matching of cluster labels to blocks (Hungarian algorithm), the adjusted Rand index (Hubert-Arabie)
// and the normalized mutual information (arithmetic-mean normalisation, as scikit-learn's default).
#pragma once

#include <vector>

#include "kernels/spectral/csr.hpp"

namespace armperf::kernels::spectral {

// Minimum-cost assignment on a rows x cols cost matrix (row-major, rows <= cols): assignment[i] is
// the column of row i. O(rows^2 cols) with potentials (Kuhn-Munkres, shortest augmenting paths).
std::vector<int> hungarian_min_cost(const std::vector<double>& cost, int rows, int cols);

// Counts of (true label, predicted label) pairs; labels are 0-based and dense.
struct Contingency {
  int true_labels = 0, predicted_labels = 0;
  std::vector<double> counts;  // true_labels x predicted_labels, row-major
};
// Throws std::invalid_argument for different lengths or a negative label.
Contingency contingency(const std::vector<Index>& truth, const std::vector<Index>& predicted);

// Fraction of nodes whose predicted cluster maps to their block under the best matching.
double matched_accuracy(const Contingency& table);
double adjusted_rand_index(const Contingency& table);
double normalized_mutual_information(const Contingency& table);

struct RecoveryScores {
  double accuracy = 0, ari = 0, nmi = 0;
};
RecoveryScores score_partition(const std::vector<Index>& truth, const std::vector<Index>& predicted);

}  // namespace armperf::kernels::spectral
