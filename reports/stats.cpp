#include "reports/stats.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace armperf::reports {
namespace {

// Above this the exact null distribution is slow and its counts lose precision in a double
// (C(60, 30) ~ 1.2e17 > 2^53); the normal approximation is within 1e-3 there anyway.
constexpr std::size_t kExactMaxTotal = 60;

std::vector<double> sorted(std::span<const double> xs) {
  std::vector<double> v(xs.begin(), xs.end());
  std::sort(v.begin(), v.end());
  return v;
}

// Number of arrangements of n1 + n2 distinct values giving each U = 0..n1*n2, by the recurrence
// c(i, j, u) = c(i-1, j, u-j) + c(i, j-1, u): the largest value belongs either to the first sample
// (it beats all j of the second) or to the second.
std::vector<double> u_distribution(std::size_t n1, std::size_t n2) {
  const std::size_t umax = n1 * n2;
  // row[j][u] holds c(i, j, u) for the current i.
  std::vector<std::vector<double>> row(n2 + 1, std::vector<double>(umax + 1, 0.0));
  for (std::size_t j = 0; j <= n2; ++j) row[j][0] = 1.0;  // i = 0: one arrangement, U = 0
  for (std::size_t i = 1; i <= n1; ++i) {
    std::vector<std::vector<double>> next(n2 + 1, std::vector<double>(umax + 1, 0.0));
    next[0][0] = 1.0;
    for (std::size_t j = 1; j <= n2; ++j) {
      for (std::size_t u = 0; u <= i * j; ++u) {
        const double from_first = u >= j ? row[j][u - j] : 0.0;
        next[j][u] = from_first + next[j - 1][u];
      }
    }
    row = std::move(next);
  }
  return row[n2];
}

double normal_two_sided(double z) { return std::erfc(std::fabs(z) / std::sqrt(2.0)); }

}  // namespace

double median(std::span<const double> xs) {
  if (xs.empty()) return kNaN;
  const auto v = sorted(xs);
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

double minimum(std::span<const double> xs) {
  if (xs.empty()) return kNaN;
  return *std::min_element(xs.begin(), xs.end());
}

double mean(std::span<const double> xs) {
  if (xs.empty()) return kNaN;
  return std::accumulate(xs.begin(), xs.end(), 0.0) / static_cast<double>(xs.size());
}

double standard_deviation(std::span<const double> xs) {
  if (xs.size() < 2) return kNaN;
  const double m = mean(xs);
  double ss = 0.0;
  for (double x : xs) ss += (x - m) * (x - m);
  return std::sqrt(ss / static_cast<double>(xs.size() - 1));
}

double coefficient_of_variation(std::span<const double> xs) {
  const double m = mean(xs);
  if (xs.size() < 2 || m == 0.0) return kNaN;
  return standard_deviation(xs) / std::fabs(m);
}

MedianInterval median_interval(std::span<const double> xs, double level) {
  if (xs.empty()) return {kNaN, kNaN, 0.0};
  const auto v = sorted(xs);
  const std::size_t n = v.size();
  const double tail = (1.0 - level) / 2.0;
  // cdf = P(B <= m) for B ~ Binomial(n, 1/2), accumulated term by term.
  double term = std::pow(0.5, static_cast<double>(n));
  double cdf = term;
  std::size_t k = 0;  // largest k (1-based order statistic) with P(B <= k-1) <= tail
  double cdf_below_k = 0.0;
  for (std::size_t m = 0; m < n / 2 && cdf <= tail; ++m) {
    k = m + 1;
    cdf_below_k = cdf;
    term *= static_cast<double>(n - m) / static_cast<double>(m + 1);
    cdf += term;
  }
  if (k == 0) return {v.front(), v.back(), 1.0 - 2.0 * std::pow(0.5, static_cast<double>(n))};
  return {v[k - 1], v[n - k], 1.0 - 2.0 * cdf_below_k};
}

UTestResult mann_whitney_u(std::span<const double> x, std::span<const double> y) {
  const std::size_t n1 = x.size(), n2 = y.size();
  if (n1 == 0 || n2 == 0) return {kNaN, kNaN, false};

  // Ranks of the pooled sample, ties sharing their mean rank.
  struct Item {
    double value;
    bool first;
  };
  std::vector<Item> pooled;
  pooled.reserve(n1 + n2);
  for (double v : x) pooled.push_back({v, true});
  for (double v : y) pooled.push_back({v, false});
  std::sort(pooled.begin(), pooled.end(), [](const Item& a, const Item& b) { return a.value < b.value; });
  const std::size_t n = pooled.size();
  double rank_sum_first = 0.0;
  double tie_term = 0.0;  // sum of t^3 - t over groups of t tied values
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    while (j < n && pooled[j].value == pooled[i].value) ++j;
    const double mean_rank = 0.5 * static_cast<double>(i + 1 + j);
    for (std::size_t k = i; k < j; ++k)
      if (pooled[k].first) rank_sum_first += mean_rank;
    const double t = static_cast<double>(j - i);
    tie_term += t * t * t - t;
    i = j;
  }
  const double dn1 = static_cast<double>(n1), dn2 = static_cast<double>(n2);
  const double u = rank_sum_first - dn1 * (dn1 + 1.0) / 2.0;

  if (tie_term == 0.0 && n <= kExactMaxTotal) {
    const auto counts = u_distribution(n1, n2);
    const double total = std::accumulate(counts.begin(), counts.end(), 0.0);
    const auto ui = static_cast<std::size_t>(std::llround(u));
    double lower = 0.0, upper = 0.0;
    for (std::size_t k = 0; k < counts.size(); ++k) {
      if (k <= ui) lower += counts[k];
      if (k >= ui) upper += counts[k];
    }
    return {u, std::min(1.0, 2.0 * std::min(lower, upper) / total), true};
  }

  const double dn = static_cast<double>(n);
  const double variance = dn1 * dn2 / 12.0 * ((dn + 1.0) - tie_term / (dn * (dn - 1.0)));
  if (variance <= 0.0) return {u, 1.0, false};  // every value tied: no evidence of a shift
  const double deviation = std::max(0.0, std::fabs(u - dn1 * dn2 / 2.0) - 0.5);
  return {u, std::min(1.0, normal_two_sided(deviation / std::sqrt(variance))), false};
}

namespace {

std::vector<std::size_t> ascending_order(std::span<const double> p) {
  std::vector<std::size_t> order(p.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return p[a] < p[b]; });
  return order;
}

}  // namespace

std::vector<double> holm(std::span<const double> p_values) {
  const std::size_t m = p_values.size();
  const auto order = ascending_order(p_values);
  std::vector<double> adjusted(m);
  double running_max = 0.0;
  for (std::size_t rank = 0; rank < m; ++rank) {
    const double scaled = std::min(1.0, static_cast<double>(m - rank) * p_values[order[rank]]);
    running_max = std::max(running_max, scaled);
    adjusted[order[rank]] = running_max;
  }
  return adjusted;
}

std::vector<double> benjamini_hochberg(std::span<const double> p_values) {
  const std::size_t m = p_values.size();
  const auto order = ascending_order(p_values);
  std::vector<double> adjusted(m);
  double running_min = 1.0;
  for (std::size_t rank = m; rank-- > 0;) {
    const double scaled = static_cast<double>(m) / static_cast<double>(rank + 1) * p_values[order[rank]];
    running_min = std::min(running_min, scaled);
    adjusted[order[rank]] = running_min;
  }
  return adjusted;
}

}  // namespace armperf::reports
