// The aggregate rows armperf computes over an item's repetitions (tools/run/aggregates.hpp).
#include <gtest/gtest.h>

#include <cmath>

#include "tools/run/aggregates.hpp"

namespace armperf::run {
namespace {

ResultRow repetition(int index, double real_time, double gflops, std::optional<double> counter) {
  ResultRow r;
  r.name = r.run_name = "f32_gemm__scalar/8x8x8/real_time";
  r.repetitions = 4;
  r.repetition_index = index;
  r.threads = 2;
  r.iterations = 100 + index;
  r.real_time = real_time;
  r.cpu_time = 2 * real_time;
  r.time_unit = "us";
  r.suite = "kernel";
  r.op = "sgemm";
  r.impl = "armperf";
  r.isa = "scalar";
  r.dtype = "f32";
  r.size = "8x8x8";
  r.gflops = gflops;
  if (counter) r.counters["task_clock_ns"] = *counter;
  r.extra = {{"armperf_item", "kernel:x@t2/compact/local"}};
  return r;
}

const ResultRow& named(const std::vector<ResultRow>& rows, const std::string& aggregate) {
  for (const auto& r : rows)
    if (r.aggregate_name == aggregate) return r;
  throw std::runtime_error("no " + aggregate + " row");
}

TEST(AggregateRows, MeanMedianStddevAndCvAsGbenchNamesThem) {
  const std::vector<ResultRow> reps = {repetition(0, 10, 4, 1.0), repetition(1, 30, 2, 2.0),
                                       repetition(2, 20, 3, 3.0), repetition(3, 60, 1, 6.0)};
  const auto rows = aggregate_rows(reps);
  ASSERT_EQ(rows.size(), 4u);
  for (const auto& r : rows) {
    EXPECT_NO_THROW(validate_row(r)) << r.name;
    EXPECT_EQ(r.run_type, RunType::aggregate);
    EXPECT_EQ(r.name, "f32_gemm__scalar/8x8x8/real_time_" + r.aggregate_name);
    EXPECT_EQ(r.run_name, "f32_gemm__scalar/8x8x8/real_time");
    EXPECT_EQ(r.iterations, 4);  // the repetitions it summarises, as gbench writes
    EXPECT_EQ(r.threads, 2);
    EXPECT_EQ(r.time_unit, "us");
    EXPECT_EQ(r.extra["armperf_item"], "kernel:x@t2/compact/local");
  }
  EXPECT_DOUBLE_EQ(named(rows, "mean").real_time, 30);
  EXPECT_DOUBLE_EQ(named(rows, "mean").cpu_time, 60);
  EXPECT_DOUBLE_EQ(named(rows, "median").real_time, 25);  // even count: between 20 and 30
  EXPECT_DOUBLE_EQ(named(rows, "median").cpu_time, 50);
  EXPECT_DOUBLE_EQ(*named(rows, "median").gflops, 2.5);
  EXPECT_DOUBLE_EQ(named(rows, "median").counters.at("task_clock_ns"), 2.5);
  const double stddev = std::sqrt((20.0 * 20 + 0 + 10 * 10 + 30 * 30) / 3);  // n - 1
  EXPECT_DOUBLE_EQ(named(rows, "stddev").real_time, stddev);
  // cv is a ratio, not a time (gbench's aggregate_unit "percentage").
  EXPECT_DOUBLE_EQ(named(rows, "cv").real_time, stddev / 30);
  EXPECT_EQ(named(rows, "cv").extra["aggregate_unit"], "percentage");
  EXPECT_EQ(named(rows, "mean").extra["aggregate_unit"], "time");
}

TEST(AggregateRows, ACounterMissingFromARepetitionIsLeftOutAndOneRepetitionHasNone) {
  const std::vector<ResultRow> reps = {repetition(0, 10, 4, 1.0), repetition(1, 30, 2, std::nullopt)};
  for (const auto& r : aggregate_rows(reps)) EXPECT_EQ(r.counters.count("task_clock_ns"), 0u) << r.name;
  EXPECT_TRUE(aggregate_rows(std::vector<ResultRow>{repetition(0, 10, 4, 1.0)}).empty());
}

TEST(AggregateRows, KeepOnlyTheExtraFieldsAllRepetitionsShare) {
  std::vector<ResultRow> reps = {repetition(0, 10, 4, 1.0), repetition(1, 30, 2, 2.0)};
  reps[0].extra["pmu_scope"] = "per iteration (the call's set-up subtracted)";
  reps[1].extra["pmu_scope"] = "per iteration (including the call's set-up: one iteration count only)";
  for (const auto& r : aggregate_rows(reps)) {
    EXPECT_FALSE(r.extra.contains("pmu_scope")) << r.name;
    EXPECT_EQ(r.extra["armperf_item"], "kernel:x@t2/compact/local") << r.name;
  }
}

TEST(AggregateRows, ANonFiniteStatisticIsLeftOut) {
  // gflops 0 in both: the cv of a zero mean is undefined, so the cv row has no gflops.
  const std::vector<ResultRow> reps = {repetition(0, 10, 0, 1.0), repetition(1, 30, 0, 1.0)};
  const auto rows = aggregate_rows(reps);
  EXPECT_FALSE(named(rows, "cv").gflops.has_value());
  EXPECT_DOUBLE_EQ(*named(rows, "mean").gflops, 0);
}

}  // namespace
}  // namespace armperf::run
