// compare verdicts on crafted result files (tests/fixtures/reports/compare/): 9 repetitions per side unless
// the name says otherwise; BM_copy is a time (lower is better), BM_triad a bytes_per_second rate.
#include "reports/compare.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "reports/load.hpp"
#include "tests/reports/fixtures.hpp"

namespace armperf::reports {
namespace {

using testing::fixture;

CompareResult compare_files(const std::string& base, const std::string& next, CompareOptions options = {}) {
  return compare_runs(load_run(fixture("compare/" + base)), load_run(fixture("compare/" + next)), options);
}

const Comparison& row(const CompareResult& r, const std::string& name) {
  const auto it = std::find_if(r.rows.begin(), r.rows.end(), [&](const Comparison& c) { return c.name == name; });
  if (it == r.rows.end()) throw std::runtime_error("no row " + name);
  return *it;
}

TEST(Compare, MinimumRepetitionsForTheUTest) {
  EXPECT_EQ(min_repetitions_for(0.01), 5u);  // 2 / C(10, 5) = 0.0079
  EXPECT_EQ(min_repetitions_for(0.05), 4u);  // 2 / C(8, 4) = 0.029
  EXPECT_EQ(min_repetitions_for(0.001), 7u);  // 2 / C(14, 7) = 0.00058
}

TEST(Compare, TwiceSlowerIsARegression) {
  const auto r = compare_files("base.json", "slower_2x.json");
  const auto& copy = row(r, "BM_copy/4096");
  EXPECT_EQ(copy.verdict, Verdict::regressed);
  EXPECT_EQ(copy.metric, "real_time");
  EXPECT_NEAR(copy.change, 1.0, 1e-9);
  ASSERT_TRUE(copy.p_adjusted.has_value());
  EXPECT_LT(*copy.p_adjusted, 0.01);
  EXPECT_EQ(row(r, "BM_triad/1048576").verdict, Verdict::unchanged);
  EXPECT_TRUE(r.any_regression());
}

TEST(Compare, OnePercentSlowerIsBelowTheThreshold) {
  const auto r = compare_files("base.json", "slower_1pct.json");
  EXPECT_EQ(row(r, "BM_copy/4096").verdict, Verdict::unchanged);
  EXPECT_FALSE(r.any_regression());
  CompareOptions strict;
  strict.threshold = 0.005;
  // Beyond a 0.5 % threshold, but both sides spread by +-1 %: not significant.
  EXPECT_EQ(row(compare_files("base.json", "slower_1pct.json", strict), "BM_copy/4096").verdict, Verdict::noisy);
}

TEST(Compare, OverlappingSamplesAreNoisyNotRegressed) {
  const auto r = compare_files("base.json", "noisy.json");
  const auto& copy = row(r, "BM_copy/4096");
  EXPECT_NEAR(copy.change, 0.12, 1e-9);
  EXPECT_EQ(copy.verdict, Verdict::noisy);
  EXPECT_FALSE(r.any_regression());
}

TEST(Compare, MissingAndNewBenchmarks) {
  const auto r = compare_files("base.json", "missing_new.json");
  EXPECT_EQ(row(r, "BM_copy/4096").verdict, Verdict::missing);
  EXPECT_EQ(row(r, "BM_fill/4096").verdict, Verdict::added);
  EXPECT_EQ(r.count(Verdict::missing), 1u);
  EXPECT_EQ(r.count(Verdict::added), 1u);
  EXPECT_FALSE(r.any_regression());
}

TEST(Compare, ThroughputIsHigherIsBetter) {
  const auto down = compare_files("base.json", "throughput_down.json");
  const auto& triad_down = row(down, "BM_triad/1048576");
  EXPECT_EQ(triad_down.metric, "bytes_per_second");
  EXPECT_EQ(triad_down.better, Better::higher);
  EXPECT_NEAR(triad_down.change, -0.5, 1e-9);
  EXPECT_EQ(triad_down.verdict, Verdict::regressed);
  const auto up = compare_files("base.json", "throughput_up.json");
  EXPECT_EQ(row(up, "BM_triad/1048576").verdict, Verdict::improved);
  EXPECT_FALSE(up.any_regression());
}

TEST(Compare, TooFewRepetitionsUseTheThresholdAloneAndSaySo) {
  const auto r = compare_files("base_3reps.json", "slower_2x_3reps.json");
  const auto& copy = row(r, "BM_copy/4096");
  EXPECT_EQ(copy.verdict, Verdict::regressed);
  EXPECT_FALSE(copy.p_value.has_value());
  EXPECT_EQ(copy.note, "no U-test (n < 5)");
}

TEST(Compare, FilterLeavesOtherBenchmarksOut) {
  CompareOptions options;
  options.filter = std::regex("triad");
  const auto r = compare_files("base.json", "slower_2x.json", options);
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_FALSE(r.any_regression());
}

TEST(Compare, CorrectionScalesPValuesOverTestedBenchmarks) {
  CompareOptions none;
  none.correction = Correction::none;
  const auto raw = compare_files("base.json", "slower_2x.json", none);
  const auto holm = compare_files("base.json", "slower_2x.json");
  const double p = *row(raw, "BM_copy/4096").p_adjusted;
  EXPECT_DOUBLE_EQ(*row(holm, "BM_copy/4096").p_adjusted, 2 * p);  // smallest of 2 p-values, times 2
}

TEST(Compare, JunitHasOneFailurePerRegression) {
  const auto junit = render_compare(compare_files("base.json", "slower_2x.json"), CompareFormat::junit);
  EXPECT_NE(junit.find("tests=\"2\" failures=\"1\""), std::string::npos);
  EXPECT_NE(junit.find("<failure message=\"real_time regressed: 100.0 ns -&gt; 200.0 ns (+100.0%)\"/>"),
            std::string::npos);
}

TEST(Compare, JsonCarriesVerdictsAndTheGate) {
  const auto json = render_compare(compare_files("base.json", "throughput_down.json"), CompareFormat::json);
  EXPECT_NE(json.find("\"regression\": true"), std::string::npos);
  EXPECT_NE(json.find("\"better\": \"higher\""), std::string::npos);
}

}  // namespace
}  // namespace armperf::reports
