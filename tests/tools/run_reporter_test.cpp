// The gbench run -> armperf row mapping of `armperf run`.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "kernels/registry.hpp"
#include "tools/run/row_reporter.hpp"

namespace armperf::run {
namespace {

using GbenchRun = benchmark::BenchmarkReporter::Run;

PlanItem copy_item(SweepPoint point = {}) {
  const KernelVariant* variant = KernelRegistry::instance().find("f32_copy__scalar_u4");
  if (variant == nullptr) throw std::runtime_error("the copy family's scalar variant is not registered");
  PlanItem item;
  item.key = "kernel:f32_copy__scalar_u4/4096@" + point_key(point);
  item.name = "f32_copy__scalar_u4/4096";
  item.family = "copy";
  item.variant = variant;
  item.shape = {"4096", {4096}};
  item.point = point;
  return item;
}

GbenchRun iteration_run() {
  GbenchRun run;
  run.run_name.function_name = "f32_copy__scalar_u4/4096";
  run.run_name.time_type = "real_time";
  run.run_type = GbenchRun::RT_Iteration;
  run.repetitions = 3;
  run.repetition_index = 1;
  run.iterations = 1000;
  run.time_unit = benchmark::kNanosecond;
  run.real_accumulated_time = 2e-3;  // seconds over all iterations: 2000 ns each
  run.cpu_accumulated_time = 1e-3;
  run.report_label = "impl=armperf isa=scalar dtype=f32";
  run.counters["gbps"] = benchmark::Counter(16.5);
  run.counters["gflops"] = benchmark::Counter(0.25);
  run.counters["bytes_per_second"] = benchmark::Counter(16.5e9);
  run.counters["size"] = benchmark::Counter(7);
  return run;
}

TEST(KernelRow, CarriesGbenchFieldsAndArmperfFields) {
  const ResultRow row = kernel_row(iteration_run(), copy_item());
  EXPECT_NO_THROW(validate_row(row));
  EXPECT_EQ(row.name, "f32_copy__scalar_u4/4096/real_time");
  EXPECT_EQ(row.run_name, "f32_copy__scalar_u4/4096/real_time");
  EXPECT_EQ(row.run_type, RunType::iteration);
  EXPECT_EQ(row.repetitions, 3);
  EXPECT_EQ(row.repetition_index, 1);
  EXPECT_EQ(row.iterations, 1000);
  EXPECT_DOUBLE_EQ(row.real_time, 2000.0);
  EXPECT_DOUBLE_EQ(row.cpu_time, 1000.0);
  EXPECT_EQ(row.time_unit, "ns");
  EXPECT_EQ(row.suite, "kernel");
  EXPECT_EQ(row.op, "copy");
  EXPECT_EQ(row.impl, "armperf");
  EXPECT_EQ(row.isa, "scalar");
  EXPECT_EQ(row.dtype, "f32");
  EXPECT_EQ(row.threads, 1);
  EXPECT_EQ(row.placement, "compact");
  EXPECT_EQ(row.membind, "local");
  // 4096 elements × the variant's 8 bytes per element (read + write).
  EXPECT_EQ(row.size, nlohmann::json(4096u * 8u));
  EXPECT_EQ(row.gbps, 16.5);
  EXPECT_EQ(row.gflops, 0.25);
  EXPECT_EQ(row.counters.at("bytes_per_second"), 16.5e9);
  EXPECT_EQ(row.counters.at("counter.size"), 7);  // a counter may not take a row field's name
  EXPECT_EQ(row.extra[kItemKey], "kernel:f32_copy__scalar_u4/4096@t1/compact/local");
  EXPECT_EQ(row.extra["variant"], "f32_copy__scalar_u4");
}

TEST(KernelRow, SweepPointIsInTheFieldsAndTheName) {
  const ResultRow row = kernel_row(iteration_run(), copy_item({2, "spread", "interleave"}));
  EXPECT_EQ(row.threads, 2);
  EXPECT_EQ(row.placement, "spread");
  EXPECT_EQ(row.membind, "interleave");
  EXPECT_EQ(row.name, "f32_copy__scalar_u4/4096/real_time/t2/spread/interleave");
}

TEST(KernelRow, AThreadsCounterIsWhatTheFamilyRan) {
  GbenchRun run = iteration_run();
  run.counters["threads"] = benchmark::Counter(4);
  EXPECT_EQ(kernel_row(run, copy_item()).threads, 4);
}

TEST(KernelRow, NonFiniteCountersAreLeftOutAndErrorsKept) {
  GbenchRun run = iteration_run();
  run.counters["ratio_of_nothing"] = benchmark::Counter(std::nan(""));
  const ResultRow row = kernel_row(run, copy_item());
  EXPECT_NO_THROW(validate_row(row));
  EXPECT_EQ(row.counters.count("ratio_of_nothing"), 0u);

  GbenchRun skipped = iteration_run();
  skipped.error_occurred = true;
  skipped.error_message = "isa unsupported: sve";
  skipped.iterations = 0;
  const ResultRow error = kernel_row(skipped, copy_item());
  EXPECT_NO_THROW(validate_row(error));
  EXPECT_EQ(error.error_message, "isa unsupported: sve");
}

// gbench's aggregates cover one call; an item's may span several (rounds, --resume), so the executor
// computes them (run_aggregates_test.cpp).
TEST(RowReporter, PassesRepetitionsOnAndLeavesGbenchAggregatesOut) {
  std::vector<ResultRow> rows;
  RowReporter reporter([&](const ResultRow& row, const PlanItem&) { rows.push_back(row); }, nullptr);
  const PlanItem item = copy_item();
  reporter.set_item(&item);
  GbenchRun run = iteration_run();
  GbenchRun median = run;
  median.run_type = GbenchRun::RT_Aggregate;
  median.aggregate_name = "median";
  reporter.ReportRuns({run, median});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].run_type, RunType::iteration);
  EXPECT_EQ(reporter.rows(), 1u);
}

}  // namespace
}  // namespace armperf::run
