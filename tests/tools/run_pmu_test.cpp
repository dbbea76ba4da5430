// `armperf run --pmu`: counts on kernel rows (per iteration, set-up subtracted) and probe rows.
// Software events count in VMs and under qemu, hardware events do not there: both paths are checked.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "core/result.hpp"
#include "kernels/benchmarks.hpp"
#include "probes/pmu.hpp"
#include "tests/tools/run_fixtures.hpp"
#include "tools/run/executor.hpp"
#include "tools/run/kernel_pmu.hpp"
#include "tools/run/outputs.hpp"

namespace armperf::run {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

constexpr const char* kTaskClock = "perf::PERF_COUNT_SW_TASK_CLOCK";
const std::string kTaskClockField = "pmu_perf_PERF_COUNT_SW_TASK_CLOCK";

TEST(KernelPmuCounts, SetUpIsFittedOutAndRepetitionsAreTheLastCalls) {
  // set-up 1000, 7 per iteration; calibration calls at 1 and 10 iterations, then 3 repetitions of 100.
  std::vector<CountedCall> calls;
  for (std::int64_t n : {1, 10, 100, 100, 100}) calls.push_back({n, {1000.0 + 7.0 * double(n)}});
  calls[3].counts[0] = *calls[3].counts[0] + 100;  // repetition 1 did more work per iteration
  const PerIterationCounts out = per_iteration_counts(calls, 3, 1);
  ASSERT_TRUE(out.setup_subtracted);
  ASSERT_EQ(out.repetitions.size(), 3u);
  EXPECT_NEAR(*out.repetitions[0][0], 7.0, 0.3);
  EXPECT_GT(*out.repetitions[1][0], *out.repetitions[0][0]);
  EXPECT_NEAR(*out.repetitions[2][0], 7.0, 0.3);
}

TEST(KernelPmuCounts, OneIterationCountKeepsTheSetUpAndSaysSo) {
  std::vector<CountedCall> calls = {{1, {500.0}}, {1, {520.0}}};
  const PerIterationCounts out = per_iteration_counts(calls, 2, 1);
  EXPECT_FALSE(out.setup_subtracted);
  ASSERT_EQ(out.repetitions.size(), 2u);
  EXPECT_DOUBLE_EQ(*out.repetitions[1][0], 520.0);
}

TEST(KernelPmuCounts, MissingCountsStayMissing) {
  std::vector<CountedCall> calls = {{1, {std::nullopt}}, {10, {std::nullopt}}};
  const PerIterationCounts out = per_iteration_counts(calls, 1, 1);
  ASSERT_EQ(out.repetitions.size(), 1u);
  EXPECT_FALSE(out.repetitions[0][0].has_value());
}


// The copy family's scalar variant at its L1 shape and the test probe, with the given events.
std::vector<ResultRow> run_with_pmu(const fs::path& dir, std::vector<std::string> events) {
  const auto* family = KernelRegistry::instance().family("copy");
  RunOptions options;
  options.filter = "^f32_copy__scalar_u4/" + family->shapes(test::small_bench_plan()).front().size + "$|^test_probe$";
  options.min_time = 0.01;
  options.repetitions = 2;
  options.pmu_events = std::move(events);
  const RunPlan plan = make_plan(options, Topology::binding().summary(), test::small_bench_plan());
  ExecuteSettings s;
  s.out_dir = dir.string();
  s.context = {{"host_name", "test-host"}};
  s.progress = ProgressMode::quiet;
  const RunOutcome outcome = execute(plan, s);
  EXPECT_EQ(outcome.items_failed, 0u);
  std::vector<ResultRow> rows;
  for (const auto& j : read_results((dir / run_file::results).string()).benchmarks) {
    rows.push_back(row_from_json(j));
    EXPECT_NO_THROW(validate_row(rows.back()));
  }
  return rows;
}

std::string extra_text(const ResultRow& row, const char* key) {
  return row.extra.is_object() && row.extra.contains(key) ? row.extra[key].get<std::string>() : "";
}

TEST(RunPmu, SoftwareEventCountsOnKernelAndProbeRows) {
  test::ScratchDir dir;
  const auto rows = run_with_pmu(dir.path(), {kTaskClock});
  std::size_t kernel_rows = 0, probe_rows = 0;
  for (const auto& row : rows) {
    const std::string why = extra_text(row, probes::kPmuUnavailable);
    if (!why.empty() && why.find("perf_event_open") != std::string::npos) {
      GTEST_SKIP() << "software counters do not open here either: " << why;
    }
    ASSERT_TRUE(row.counters.count(kTaskClockField)) << row.name << ": " << why;
    const double value = row.counters.at(kTaskClockField);
    EXPECT_EQ(extra_text(row, probes::kPmuUnavailable), "") << row.name;
    if (row.suite == "kernel") {
      ++kernel_rows;
      EXPECT_THAT(extra_text(row, probes::kPmuScope), HasSubstr("per iteration"));
      if (row.run_type == RunType::aggregate && row.aggregate_name != "mean" && row.aggregate_name != "median") continue;
      // CPU ns per iteration: more than nothing, and not more than the wall time of an iteration times
      // the threads with a wide margin (the set-up fit is noisy on a loaded machine).
      EXPECT_GT(value, 0) << row.name;
      EXPECT_LT(value, 20 * row.real_time * double(row.threads) + 1e6) << row.name;
    } else {
      ++probe_rows;
      EXPECT_GT(value, 0) << row.name;  // the test probe burns CPU for each row
    }
  }
  EXPECT_GE(kernel_rows, 2u);  // two repetitions (and their aggregates)
  EXPECT_EQ(probe_rows, std::size_t(test::kTestProbeRows));
}

TEST(RunPmu, HardwareEventIsUnavailableWithAReasonNeverAZero) {
  {
    probes::PmuRegion probe_open({"cycles"});
    probe_open.start();
    const auto counts = probe_open.stop();
    if (counts[0].has_value()) GTEST_SKIP() << "hardware counters open on this machine";
  }
  test::ScratchDir dir;
  const auto rows = run_with_pmu(dir.path(), {"cycles", kTaskClock});
  ASSERT_FALSE(rows.empty());
  for (const auto& row : rows) {
    EXPECT_EQ(row.counters.count("pmu_cycles"), 0u) << row.name;
    EXPECT_THAT(extra_text(row, probes::kPmuUnavailable), HasSubstr("cycles")) << row.name;
  }
}

TEST(RunPmu, UnknownGroupIsRefusedWithTheGroupsThatExist) {
  RunOptions options;
  options.pmu_events = {"group:no-such-cpu"};
  try {
    make_plan(options, Topology::binding().summary(), test::small_bench_plan());
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("--pmu group:no-such-cpu: no such event group"));
    EXPECT_THAT(e.what(), HasSubstr("neoverse-n1"));
  }
}

}  // namespace
}  // namespace armperf::run
