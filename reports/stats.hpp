// Statistics over benchmark repetitions (DESIGN §7): median, min, a distribution-free 95 % interval of the
// median, coefficient of variation, the Mann–Whitney U test and multiple-comparison corrections.
// Repetitions are few (3..50) and not normal (a long right tail from interrupts), hence rank methods.
#pragma once

#include <cstddef>
#include <limits>
#include <span>
#include <vector>

namespace armperf::reports {

// "No value": what an empty sample set or a missing metric yields.
inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double median(std::span<const double> xs);  // NaN for an empty sample
double minimum(std::span<const double> xs);  // NaN for an empty sample
double mean(std::span<const double> xs);
// Sample standard deviation (n - 1 in the variance, as Google Benchmark's `stddev` aggregate); NaN with
// fewer than two values.
double standard_deviation(std::span<const double> xs);
// Sample standard deviation over mean (n - 1 in the variance, as Google Benchmark's `cv` aggregate);
// NaN with fewer than two values or a zero mean.
double coefficient_of_variation(std::span<const double> xs);

// Confidence interval of the median from order statistics: [x_(k), x_(n-k+1)] with the largest k for which
// P(Binomial(n, 1/2) < k) <= (1 - level) / 2. `coverage` is the exact coverage of that interval. Below n = 6
// no pair of order statistics reaches 95 %: the interval is then [min, max] and `coverage` says how much less.
struct MedianInterval {
  double low;
  double high;
  double coverage;
};
MedianInterval median_interval(std::span<const double> xs, double level = 0.95);

// Two-sided Mann–Whitney U test. `u` is the statistic of the first sample (number of pairs x > y, ties count
// one half). The p-value is exact (permutation distribution of U) without ties and with n1 + n2 <= 60,
// otherwise from the normal approximation with tie-corrected variance and a continuity correction.
struct UTestResult {
  double u;
  double p_value;
  bool exact;
};
UTestResult mann_whitney_u(std::span<const double> x, std::span<const double> y);

// Adjusted p-values, in the order given, capped at 1.
std::vector<double> holm(std::span<const double> p_values);                // family-wise error rate
std::vector<double> benjamini_hochberg(std::span<const double> p_values);  // false discovery rate

}  // namespace armperf::reports
