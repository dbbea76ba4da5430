#include "kernels/spectral/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace armperf::kernels::spectral {

std::vector<int> hungarian_min_cost(const std::vector<double>& cost, int rows, int cols) {
  if (rows > cols) throw std::invalid_argument("hungarian: more rows than columns");
  if (cost.size() != static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols)) {
    throw std::invalid_argument("hungarian: cost matrix size is not rows x cols");
  }
  // 1-based potentials u (rows), v (columns); match[j] = row matched to column j (0 = none).
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> u(static_cast<std::size_t>(rows) + 1, 0), v(static_cast<std::size_t>(cols) + 1, 0);
  std::vector<int> match(static_cast<std::size_t>(cols) + 1, 0), way(static_cast<std::size_t>(cols) + 1, 0);
  auto c = [&](int i, int j) {
    return cost[static_cast<std::size_t>(i - 1) * cols + static_cast<std::size_t>(j - 1)];
  };
  for (int i = 1; i <= rows; ++i) {
    // Grow a shortest augmenting path from row i; column 0 is the virtual start.
    match[0] = i;
    int j0 = 0;
    std::vector<double> minv(static_cast<std::size_t>(cols) + 1, inf);
    std::vector<bool> used(static_cast<std::size_t>(cols) + 1, false);
    do {
      used[static_cast<std::size_t>(j0)] = true;
      const int i0 = match[static_cast<std::size_t>(j0)];
      double delta = inf;
      int j1 = 0;
      for (int j = 1; j <= cols; ++j) {
        if (used[static_cast<std::size_t>(j)]) continue;
        const double reduced = c(i0, j) - u[static_cast<std::size_t>(i0)] - v[static_cast<std::size_t>(j)];
        if (reduced < minv[static_cast<std::size_t>(j)]) {
          minv[static_cast<std::size_t>(j)] = reduced;
          way[static_cast<std::size_t>(j)] = j0;
        }
        if (minv[static_cast<std::size_t>(j)] < delta) {
          delta = minv[static_cast<std::size_t>(j)];
          j1 = j;
        }
      }
      for (int j = 0; j <= cols; ++j) {
        if (used[static_cast<std::size_t>(j)]) {
          u[static_cast<std::size_t>(match[static_cast<std::size_t>(j)])] += delta;
          v[static_cast<std::size_t>(j)] -= delta;
        } else {
          minv[static_cast<std::size_t>(j)] -= delta;
        }
      }
      j0 = j1;
    } while (match[static_cast<std::size_t>(j0)] != 0);
    do {  // flip the path back to its start
      const int j1 = way[static_cast<std::size_t>(j0)];
      match[static_cast<std::size_t>(j0)] = match[static_cast<std::size_t>(j1)];
      j0 = j1;
    } while (j0 != 0);
  }
  std::vector<int> assignment(static_cast<std::size_t>(rows), -1);
  for (int j = 1; j <= cols; ++j) {
    if (match[static_cast<std::size_t>(j)] != 0)
      assignment[static_cast<std::size_t>(match[static_cast<std::size_t>(j)] - 1)] = j - 1;
  }
  return assignment;
}

Contingency contingency(const std::vector<Index>& truth, const std::vector<Index>& predicted) {
  if (truth.size() != predicted.size()) {
    throw std::invalid_argument("scores: " + std::to_string(truth.size()) + " true labels but " +
                                std::to_string(predicted.size()) + " predicted");
  }
  Contingency t;
  for (std::size_t i = 0; i < truth.size(); ++i) {
    if (truth[i] < 0 || predicted[i] < 0) throw std::invalid_argument("scores: negative label");
    t.true_labels = std::max(t.true_labels, truth[i] + 1);
    t.predicted_labels = std::max(t.predicted_labels, predicted[i] + 1);
  }
  t.counts.assign(static_cast<std::size_t>(t.true_labels) * static_cast<std::size_t>(t.predicted_labels),
                  0.0);
  for (std::size_t i = 0; i < truth.size(); ++i) {
    t.counts[static_cast<std::size_t>(truth[i]) * static_cast<std::size_t>(t.predicted_labels) +
             static_cast<std::size_t>(predicted[i])] += 1;
  }
  return t;
}

namespace {

double total(const Contingency& t) {
  double s = 0;
  for (double x : t.counts) s += x;
  return s;
}
std::vector<double> row_sums(const Contingency& t) {
  std::vector<double> r(static_cast<std::size_t>(t.true_labels), 0);
  for (int i = 0; i < t.true_labels; ++i) {
    for (int j = 0; j < t.predicted_labels; ++j)
      r[static_cast<std::size_t>(i)] += t.counts[static_cast<std::size_t>(i * t.predicted_labels + j)];
  }
  return r;
}
std::vector<double> col_sums(const Contingency& t) {
  std::vector<double> c(static_cast<std::size_t>(t.predicted_labels), 0);
  for (int i = 0; i < t.true_labels; ++i) {
    for (int j = 0; j < t.predicted_labels; ++j)
      c[static_cast<std::size_t>(j)] += t.counts[static_cast<std::size_t>(i * t.predicted_labels + j)];
  }
  return c;
}
double pairs(double x) { return x * (x - 1) / 2; }
double entropy(const std::vector<double>& counts, double n) {
  double h = 0;
  for (double x : counts) {
    if (x > 0) h -= x / n * std::log(x / n);
  }
  return h;
}

}  // namespace

double matched_accuracy(const Contingency& t) {
  const double n = total(t);
  if (n == 0) return 0;
  // Maximise matched counts = minimise their negation; the smaller side takes the rows.
  const bool transpose = t.true_labels > t.predicted_labels;
  const int rows = transpose ? t.predicted_labels : t.true_labels,
            cols = transpose ? t.true_labels : t.predicted_labels;
  std::vector<double> cost(static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols));
  for (int i = 0; i < rows; ++i) {
    for (int j = 0; j < cols; ++j) {
      const int ti = transpose ? j : i, pj = transpose ? i : j;
      cost[static_cast<std::size_t>(i * cols + j)] =
          -t.counts[static_cast<std::size_t>(ti * t.predicted_labels + pj)];
    }
  }
  const std::vector<int> match = hungarian_min_cost(cost, rows, cols);
  double matched = 0;
  for (int i = 0; i < rows; ++i)
    matched -= cost[static_cast<std::size_t>(i * cols + match[static_cast<std::size_t>(i)])];
  return matched / n;
}

double adjusted_rand_index(const Contingency& t) {
  const double n = total(t);
  double index = 0, sum_a = 0, sum_b = 0;
  for (double x : t.counts) index += pairs(x);
  for (double x : row_sums(t)) sum_a += pairs(x);
  for (double x : col_sums(t)) sum_b += pairs(x);
  const double expected = sum_a * sum_b / pairs(n), maximum = (sum_a + sum_b) / 2;
  // Both partitions trivial (one cluster each, or all singletons): identical, by convention 1.
  if (maximum == expected) return 1.0;
  return (index - expected) / (maximum - expected);
}

double normalized_mutual_information(const Contingency& t) {
  const double n = total(t);
  if (n == 0) return 0;
  const std::vector<double> a = row_sums(t), b = col_sums(t);
  double mi = 0;
  for (int i = 0; i < t.true_labels; ++i) {
    for (int j = 0; j < t.predicted_labels; ++j) {
      const double nij = t.counts[static_cast<std::size_t>(i * t.predicted_labels + j)];
      if (nij > 0)
        mi += nij / n * std::log(n * nij / (a[static_cast<std::size_t>(i)] * b[static_cast<std::size_t>(j)]));
    }
  }
  const double ha = entropy(a, n), hb = entropy(b, n);
  if (ha + hb == 0) return 1.0;  // both single clusters: identical
  return std::clamp(2 * mi / (ha + hb), 0.0, 1.0);
}

RecoveryScores score_partition(const std::vector<Index>& truth, const std::vector<Index>& predicted) {
  const Contingency t = contingency(truth, predicted);
  return {matched_accuracy(t), adjusted_rand_index(t), normalized_mutual_information(t)};
}

}  // namespace armperf::kernels::spectral
