// Statistics against values computed by hand or published (SciPy's mannwhitneyu documentation example,
// binomial order-statistic tables for the median interval, R's p.adjust definitions).
#include "reports/stats.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace armperf::reports {
namespace {

TEST(Stats, MedianOddEvenAndEmpty) {
  EXPECT_DOUBLE_EQ(median(std::vector<double>{3, 1, 2}), 2.0);
  EXPECT_DOUBLE_EQ(median(std::vector<double>{4, 1, 3, 2}), 2.5);
  EXPECT_TRUE(std::isnan(median(std::vector<double>{})));
  EXPECT_DOUBLE_EQ(minimum(std::vector<double>{4, 1, 3, 2}), 1.0);
}

TEST(Stats, CoefficientOfVariationUsesSampleStddev) {
  // mean 3, sample variance 2.5
  EXPECT_NEAR(coefficient_of_variation(std::vector<double>{1, 2, 3, 4, 5}), std::sqrt(2.5) / 3.0, 1e-15);
  EXPECT_TRUE(std::isnan(coefficient_of_variation(std::vector<double>{7})));
  EXPECT_NEAR(standard_deviation(std::vector<double>{1, 2, 3, 4, 5}), std::sqrt(2.5), 1e-15);
  EXPECT_TRUE(std::isnan(standard_deviation(std::vector<double>{7})));
}

TEST(Stats, MedianIntervalFromOrderStatistics) {
  std::vector<double> ten = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
  const auto ci10 = median_interval(ten);
  EXPECT_EQ(ci10.low, 2.0);  // ranks 2 and 9 for n = 10
  EXPECT_EQ(ci10.high, 9.0);
  EXPECT_DOUBLE_EQ(ci10.coverage, 1.0 - 2.0 * 11.0 / 1024.0);

  std::vector<double> twenty;
  for (int i = 1; i <= 20; ++i) twenty.push_back(i);
  const auto ci20 = median_interval(twenty);
  EXPECT_EQ(ci20.low, 6.0);  // ranks 6 and 15 for n = 20
  EXPECT_EQ(ci20.high, 15.0);
  EXPECT_NEAR(ci20.coverage, 0.9586105346679688, 1e-12);

  const auto ci5 = median_interval(std::vector<double>{5, 1, 4, 2, 3});
  EXPECT_EQ(ci5.low, 1.0);
  EXPECT_EQ(ci5.high, 5.0);
  EXPECT_DOUBLE_EQ(ci5.coverage, 1.0 - 2.0 / 32.0);  // below 95 %: said, not hidden
}

TEST(Stats, MannWhitneyExactMatchesPublishedExample) {
  // SciPy documentation: males vs females, U = 17, exact two-sided p = 1/9.
  const std::vector<double> x = {19, 22, 16, 29, 24}, y = {20, 11, 17, 12};
  const auto r = mann_whitney_u(x, y);
  EXPECT_TRUE(r.exact);
  EXPECT_DOUBLE_EQ(r.u, 17.0);
  EXPECT_NEAR(r.p_value, 1.0 / 9.0, 1e-12);
}

TEST(Stats, MannWhitneyExactExtremesAndInterleaved) {
  const std::vector<double> low = {1, 2, 3, 4, 5}, high = {6, 7, 8, 9, 10};
  EXPECT_NEAR(mann_whitney_u(low, high).p_value, 2.0 / 252.0, 1e-15);  // 2 of C(10,5) arrangements
  EXPECT_DOUBLE_EQ(mann_whitney_u(low, high).u, 0.0);
  EXPECT_DOUBLE_EQ(mann_whitney_u(high, low).u, 25.0);
  const std::vector<double> odd = {1, 3, 5, 7, 9}, even = {2, 4, 6, 8, 10};
  EXPECT_NEAR(mann_whitney_u(odd, even).p_value, 174.0 / 252.0, 1e-12);  // enumerated
}

TEST(Stats, MannWhitneyNormalApproximationWithTies) {
  const std::vector<double> x = {1, 2, 2, 3, 3, 3, 4}, y = {3, 4, 4, 5, 5, 6};
  const auto r = mann_whitney_u(x, y);
  EXPECT_FALSE(r.exact);
  EXPECT_DOUBLE_EQ(r.u, 3.5);
  EXPECT_NEAR(r.p_value, 0.012999854364387314, 1e-12);
  const std::vector<double> same = {2, 2, 2};
  EXPECT_DOUBLE_EQ(mann_whitney_u(same, same).p_value, 1.0);
}

TEST(Stats, MannWhitneyLargeSamplesUseNormalApproximation) {
  std::vector<double> x, y;
  for (int i = 0; i < 40; ++i) {
    x.push_back(i);
    y.push_back(i + 20.5);
  }
  const auto r = mann_whitney_u(x, y);
  EXPECT_FALSE(r.exact);
  EXPECT_LT(r.p_value, 1e-4);
  EXPECT_GT(r.p_value, 0.0);
}

TEST(Stats, HolmAdjustment) {
  const std::vector<double> p = {0.01, 0.04, 0.03, 0.005};
  const auto adj = holm(p);
  const std::vector<double> expected = {0.03, 0.06, 0.06, 0.02};
  for (std::size_t i = 0; i < p.size(); ++i) EXPECT_NEAR(adj[i], expected[i], 1e-15) << i;
  EXPECT_DOUBLE_EQ(holm(std::vector<double>{0.6, 0.7})[1], 1.0);  // capped
}

TEST(Stats, BenjaminiHochbergAdjustment) {
  const std::vector<double> p = {0.01, 0.04, 0.03, 0.005};
  const auto adj = benjamini_hochberg(p);
  const std::vector<double> expected = {0.02, 0.04, 0.04, 0.02};
  for (std::size_t i = 0; i < p.size(); ++i) EXPECT_NEAR(adj[i], expected[i], 1e-15) << i;
  EXPECT_TRUE(benjamini_hochberg(std::vector<double>{}).empty());
}

}  // namespace
}  // namespace armperf::reports
