// `armperf run` end to end in process: the files of a run directory, --resume, and an interrupt in
// the middle of a probe. One kernel benchmark at its smallest size and the test probe keep it fast
// (also under ASan and qemu).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "core/result.hpp"
#include "kernels/benchmarks.hpp"
#include "tests/tools/run_fixtures.hpp"
#include "tools/run/executor.hpp"
#include "tools/run/outputs.hpp"
#include "tools/run/row_reporter.hpp"

namespace armperf::run {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

// The copy family's scalar variant at its first (L1) shape, and/or the test probe.
RunPlan tiny_plan(bool kernel, bool probe) {
  const auto* family = KernelRegistry::instance().family("copy");
  const std::string shape = family->shapes(test::small_bench_plan()).front().size;
  std::vector<std::string> parts;
  if (kernel) parts.push_back("^f32_copy__scalar_u4/" + shape + "$");
  if (probe) parts.push_back("^test_probe$");
  RunOptions options;
  options.filter = parts.size() == 2 ? parts[0] + "|" + parts[1] : parts[0];
  options.min_time = 0.001;
  return make_plan(options, Topology::binding().summary(), test::small_bench_plan());
}

// The copy family's scalar variant at its first two shapes, repeated in rounds or back to back.
RunPlan two_kernels(int repetitions, const std::string& order) {
  const auto* family = KernelRegistry::instance().family("copy");
  const auto shapes = family->shapes(test::small_bench_plan());
  RunOptions options;
  options.filter = "^f32_copy__scalar_u4/(" + shapes.at(0).size + "|" + shapes.at(1).size + ")$";
  options.min_time = 0.001;
  options.repetitions = repetitions;
  options.order = order;
  return make_plan(options, Topology::binding().summary(), test::small_bench_plan());
}

ExecuteSettings settings_for(const fs::path& dir, bool resume = false) {
  ExecuteSettings s;
  s.out_dir = dir.string();
  s.resume = resume;
  s.context = {{"host_name", "test-host"}, {"command_line", {"armperf", "run", "--filter", "x"}}};
  s.command_line = {"armperf", "run", "--filter", "x"};
  s.progress = ProgressMode::quiet;
  return s;
}

std::vector<ResultRow> rows_of(const fs::path& dir) {
  const ResultFile file = read_results((dir / run_file::results).string());
  EXPECT_FALSE(file.recovered);
  std::vector<ResultRow> rows;
  for (const auto& j : file.benchmarks) {
    rows.push_back(row_from_json(j));
    EXPECT_NO_THROW(validate_row(rows.back()));
  }
  return rows;
}

std::size_t count_suite(const std::vector<ResultRow>& rows, const std::string& suite) {
  return std::count_if(rows.begin(), rows.end(), [&](const ResultRow& r) { return r.suite == suite; });
}

void expect_no_duplicates(const std::vector<ResultRow>& rows) {
  std::set<std::string> seen;
  for (const auto& r : rows) {
    const std::string key = r.name + "#" + std::to_string(r.repetition_index) + "#" + r.aggregate_name;
    EXPECT_TRUE(seen.insert(key).second) << "duplicate row " << key;
  }
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST(RunExecutor, WritesResultsCsvReportReproAndRawGbench) {
  test::ScratchDir dir;
  const RunOutcome outcome = execute(tiny_plan(true, true), settings_for(dir.path()));
  EXPECT_EQ(outcome.signal, 0);
  EXPECT_EQ(outcome.items_run, 2u);
  EXPECT_EQ(outcome.items_failed, 0u);
  const auto rows = rows_of(dir.path());
  ASSERT_EQ(count_suite(rows, "kernel"), 1u);
  EXPECT_EQ(count_suite(rows, "probe"), std::size_t(test::kTestProbeRows));
  const ResultRow& kernel =
      *std::find_if(rows.begin(), rows.end(), [](auto& r) { return r.suite == "kernel"; });
  EXPECT_EQ(kernel.op, "copy");
  EXPECT_EQ(kernel.isa, "scalar");
  EXPECT_TRUE(kernel.error_message.empty()) << kernel.error_message;
  ASSERT_TRUE(kernel.gbps.has_value());
  EXPECT_GT(*kernel.gbps, 0);
  for (const auto& r : rows) {
    EXPECT_TRUE(r.extra.contains(kItemKey)) << r.name;
    EXPECT_EQ(r.placement, "compact");
    EXPECT_EQ(r.membind, "local");
  }
  EXPECT_EQ(read_results((dir.path() / run_file::results).string()).context["host_name"], "test-host");

  // The reports library's single-machine view: every benchmark of the run in the table and the CSV.
  const std::string csv = read_text(dir.path() / run_file::csv);
  EXPECT_THAT(csv, HasSubstr("f32_copy__scalar_u4/"));
  EXPECT_THAT(csv, HasSubstr("step:3"));
  EXPECT_THAT(read_text(dir.path() / run_file::report_md), HasSubstr("step:3"));
  EXPECT_THAT(read_text(dir.path() / run_file::report_html), HasSubstr("step:3"));
  const std::string repro = read_text(dir.path() / run_file::repro);
  EXPECT_THAT(repro, HasSubstr("#!/bin/sh"));
  EXPECT_THAT(repro, HasSubstr("'run' '--filter' 'x'"));
  EXPECT_NE(fs::status(dir.path() / run_file::repro).permissions() & fs::perms::owner_exec, fs::perms::none);
  const auto raw = nlohmann::json::parse(read_text(dir.path() / run_file::gbench_raw));
  EXPECT_EQ(raw["benchmarks"].size(), 1u);
}

TEST(RunExecutor, ResumeSkipsWhatIsDoneAndAddsTheRest) {
  test::ScratchDir dir;
  execute(tiny_plan(true, false), settings_for(dir.path()));
  ASSERT_EQ(rows_of(dir.path()).size(), 1u);
  const RunOutcome outcome = execute(tiny_plan(true, true), settings_for(dir.path(), true));
  EXPECT_EQ(outcome.items_skipped, 1u);
  EXPECT_EQ(outcome.items_run, 1u);
  const auto rows = rows_of(dir.path());
  EXPECT_EQ(rows.size(), 1u + test::kTestProbeRows);
  expect_no_duplicates(rows);
  const auto context = read_results((dir.path() / run_file::results).string()).context;
  EXPECT_EQ(context["armperf_run"]["resumed"].size(), 1u);
  EXPECT_TRUE(fs::exists(dir.path() / "gbench-raw.json"));
}

TEST(RunExecutor, InterruptMidProbeLeavesValidResultsAndResumeRedoesThatProbe) {
  test::ScratchDir dir;
  test::raise_at_row = 1;
  const RunOutcome cut = execute(tiny_plan(true, true), settings_for(dir.path()));
  test::raise_at_row = -1;
  EXPECT_EQ(cut.signal, SIGINT);
  EXPECT_EQ(exit_code_for_signal(cut.signal), 130);
  // Probes come first: the probe stopped after the row that carried the signal, the kernel never ran.
  auto rows = rows_of(dir.path());
  EXPECT_EQ(rows.size(), 2u);
  EXPECT_EQ(count_suite(rows, "kernel"), 0u);
  EXPECT_TRUE(fs::exists(dir.path() / run_file::state));
  EXPECT_TRUE(fs::exists(dir.path() / run_file::report_md));

  const RunOutcome resumed = execute(tiny_plan(true, true), settings_for(dir.path(), true));
  EXPECT_EQ(resumed.signal, 0);
  EXPECT_EQ(resumed.items_run, 2u);
  rows = rows_of(dir.path());
  EXPECT_EQ(count_suite(rows, "probe"), std::size_t(test::kTestProbeRows));
  EXPECT_EQ(count_suite(rows, "kernel"), 1u);
  expect_no_duplicates(rows);
  EXPECT_FALSE(fs::exists(dir.path() / run_file::state));
}

TEST(RunExecutor, SigtermStopsTheRunLikeSigintAndMeansExit143) {
  test::ScratchDir dir;
  test::raised_signal = SIGTERM;
  test::raise_at_row = 0;
  const RunOutcome cut = execute(tiny_plan(true, true), settings_for(dir.path()));
  test::raise_at_row = -1;
  test::raised_signal = SIGINT;
  EXPECT_EQ(cut.signal, SIGTERM);
  EXPECT_EQ(exit_code_for_signal(cut.signal), 143);
  EXPECT_EQ(rows_of(dir.path()).size(), 1u);
}

std::vector<ResultRow> of_run_type(const std::vector<ResultRow>& rows, RunType type) {
  std::vector<ResultRow> out;
  std::copy_if(rows.begin(), rows.end(), std::back_inserter(out),
               [&](const ResultRow& r) { return r.run_type == type; });
  return out;
}

// Every item: repetitions 0..n-1 once each, then gbench's four aggregates computed over all of them.
void expect_complete_items(const std::vector<ResultRow>& rows, int repetitions) {
  std::map<std::string, std::vector<ResultRow>> by_item;
  for (const auto& r : rows) by_item[r.extra[kItemKey].get<std::string>()].push_back(r);
  ASSERT_EQ(by_item.size(), 2u);
  for (const auto& [key, item_rows] : by_item) {
    const auto reps = of_run_type(item_rows, RunType::iteration);
    ASSERT_EQ(reps.size(), std::size_t(repetitions)) << key;
    std::set<std::int64_t> indices;
    std::vector<double> times;
    for (const auto& r : reps) {
      EXPECT_EQ(r.repetitions, repetitions) << key;
      indices.insert(r.repetition_index);
      times.push_back(r.real_time);
    }
    EXPECT_EQ(indices.size(), std::size_t(repetitions)) << key;
    EXPECT_EQ(*indices.rbegin(), repetitions - 1) << key;
    const auto aggregates = of_run_type(item_rows, RunType::aggregate);
    ASSERT_EQ(aggregates.size(), 4u) << key;
    std::sort(times.begin(), times.end());
    double mean = 0, stddev = 0;
    for (const auto& a : aggregates) {
      if (a.aggregate_name == "mean") mean = a.real_time;
      if (a.aggregate_name == "stddev") stddev = a.real_time;
      if (a.aggregate_name == "median") {
        EXPECT_DOUBLE_EQ(a.real_time, times[times.size() / 2]) << key;
      }
    }
    for (const auto& a : aggregates) {
      if (a.aggregate_name == "cv") {
        EXPECT_NEAR(a.real_time, stddev / mean, 1e-12) << key << ": a ratio, not a time";
      }
    }
  }
}

TEST(RunExecutor, RoundsMeasureEveryItemOncePerRoundThenAggregateEach) {
  test::ScratchDir dir;
  const RunOutcome outcome = execute(two_kernels(3, "rounds"), settings_for(dir.path()));
  EXPECT_EQ(outcome.items_run, 2u);
  EXPECT_EQ(outcome.items_failed, 0u);
  const auto rows = rows_of(dir.path());
  expect_complete_items(rows, 3);
  expect_no_duplicates(rows);
  // In file order the repetitions alternate between the two items: round by round.
  const auto reps = of_run_type(rows, RunType::iteration);
  for (std::size_t i = 0; i < reps.size(); ++i) {
    EXPECT_EQ(reps[i].repetition_index, std::int64_t(i / 2)) << i;
    if (i % 2 == 1) {
      EXPECT_NE(reps[i].name, reps[i - 1].name) << i;
    }
  }
}

// A thread of the process that never stops running (a library's worker that spins) delays each kernel
// call by the settle budget, three times, then the run says so once and stops waiting. Without one,
// there is no such note.
TEST(RunExecutor, WaitsForSpinningThreadsThreeTimesThenSaysSo) {
  const std::string note = "still running after 500 ms of waiting";
  {
    test::ScratchDir dir;
    const RunOutcome outcome = execute(two_kernels(3, "rounds"), settings_for(dir.path()));
    for (const std::string& n : outcome.notes) EXPECT_THAT(n, ::testing::Not(HasSubstr(note)));
  }
  std::atomic<bool> stop{false};
  std::thread spinner([&] {
    while (!stop.load(std::memory_order_relaxed)) {
    }
  });
  test::ScratchDir dir;
  const auto began = std::chrono::steady_clock::now();
  const RunOutcome outcome = execute(two_kernels(3, "rounds"), settings_for(dir.path()));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  stop = true;
  spinner.join();
  EXPECT_EQ(outcome.items_failed, 0u);
  expect_complete_items(rows_of(dir.path()), 3);
  EXPECT_EQ(std::count_if(outcome.notes.begin(), outcome.notes.end(),
                          [&](const std::string& n) { return n.find(note) != std::string::npos; }),
            1);
  EXPECT_GE(seconds, 1.5);  // three waits of 0.5 s, then none for the other three calls
}

TEST(RunExecutor, OrderItemsRunsRepetitionsBackToBackWithTheSameAggregates) {
  test::ScratchDir dir;
  execute(two_kernels(3, "items"), settings_for(dir.path()));
  const auto rows = rows_of(dir.path());
  expect_complete_items(rows, 3);
  const auto reps = of_run_type(rows, RunType::iteration);
  ASSERT_EQ(reps.size(), 6u);
  EXPECT_EQ(reps[0].name, reps[2].name);
  EXPECT_NE(reps[2].name, reps[3].name);
}

// An interrupt between rounds leaves items with some of their repetitions and no aggregates; the
// resumed run measures only what is missing and aggregates over both runs' repetitions.
TEST(RunExecutor, ResumeCompletesItemsARoundsRunLeftPartMeasured) {
  test::ScratchDir dir;
  const RunPlan plan = two_kernels(3, "rounds");
  execute(plan, settings_for(dir.path()));
  {
    // The file as an interrupt after round 2 leaves it (rows are written as they are measured).
    const fs::path results = dir.path() / run_file::results;
    const ResultFile full = read_results(results.string());
    fs::remove(results);
    ResultWriter cut(results.string(), full.context);
    for (const auto& j : full.benchmarks) {
      const ResultRow row = row_from_json(j);
      if (row.run_type == RunType::iteration && row.repetition_index < 2) cut.append(row);
    }
    cut.close();
  }
  const PreviousRun previous = read_previous_run(dir.path().string());
  EXPECT_TRUE(previous.done.empty());
  ASSERT_EQ(previous.partial.size(), 2u);
  EXPECT_EQ(previous.partial.begin()->second.size(), 2u);

  const RunOutcome resumed = execute(plan, settings_for(dir.path(), true));
  EXPECT_EQ(resumed.items_run, 2u);
  EXPECT_EQ(resumed.items_skipped, 0u);
  EXPECT_EQ(resumed.rows_written, 2u + 2u * 4u);  // one repetition and four aggregates each
  const auto rows = rows_of(dir.path());
  expect_complete_items(rows, 3);
  expect_no_duplicates(rows);
  // Complete now: a second resume has nothing left to do.
  EXPECT_EQ(read_previous_run(dir.path().string()).done.size(), 2u);
  EXPECT_EQ(execute(plan, settings_for(dir.path(), true)).items_skipped, 2u);
}

TEST(RunExecutor, ResumeRefusesAnotherRepetitionCountForPartMeasuredItems) {
  const RunPlan plan = two_kernels(3, "rounds");
  const std::string key = plan.items.front().key;
  PreviousRun previous;
  ResultRow rep;
  rep.name = "f32_copy__scalar_u4/2048/real_time";
  rep.repetitions = 5;
  previous.partial[key] = {rep, rep};
  try {
    check_resumable(plan, previous);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(),
                HasSubstr("f32_copy__scalar_u4/2048/real_time has 2 of its 5 repetitions; resume with "
                          "--repetitions 5"));
  }
  previous.partial[key][0].repetitions = previous.partial[key][1].repetitions = 3;
  EXPECT_NO_THROW(check_resumable(plan, previous));
  // An item this run leaves out (a narrower --filter) stays as it is.
  previous.partial["kernel:not_in_this_plan"] = {rep, rep};
  EXPECT_NO_THROW(check_resumable(plan, previous));
}

// A kernel item whose call fails in the first round is not called again; the rounds it would have run
// still count in the progress, which ends at its total.
TEST(RunExecutor, AnItemThatFailsInRoundsIsSkippedAfterwardsAndProgressReachesItsTotal) {
  test::ScratchDir dir;
  RunPlan plan = two_kernels(3, "rounds");
  plan.items[1].name = "no_such_benchmark/1";
  ExecuteSettings settings = settings_for(dir.path());
  const fs::path progress_path = dir.path() / "progress.jsonl";
  std::FILE* progress_file = std::fopen(progress_path.c_str(), "w");
  ASSERT_NE(progress_file, nullptr);
  settings.progress = ProgressMode::json;
  settings.progress_out = progress_file;
  const RunOutcome outcome = execute(plan, settings);
  std::fclose(progress_file);
  EXPECT_EQ(outcome.items_run, 2u);
  EXPECT_EQ(outcome.items_failed, 1u);
  std::ifstream lines(progress_path);
  std::size_t items = 0, skipped = 0;
  nlohmann::json last;
  for (std::string line; std::getline(lines, line);) {
    const auto event = nlohmann::json::parse(line);
    if (event.value("event", "") != "item") continue;
    ++items;
    last = event;
    if (event["status"].get<std::string>().find("skipped") == 0) ++skipped;
  }
  EXPECT_EQ(items, 6u);    // 2 items x 3 rounds
  EXPECT_EQ(skipped, 2u);  // the failed item's rounds 2 and 3
  EXPECT_EQ(last["done"], last["total"]);
  // The item that ran has its repetitions and aggregates; the failed one has no rows.
  const auto rows = rows_of(dir.path());
  EXPECT_EQ(rows.size(), 3u + 4u);
}

TEST(RunExecutor, ResumeOfADirectoryWithoutResultsNamesTheFile) {
  test::ScratchDir dir;
  try {
    read_previous_run(dir.path().string());
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("results.json: no results to resume"));
  }
}

TEST(RunOutputs, ReproQuotesForTheShell) {
  EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
  const std::string script =
      repro_script({"armperf", "run", "--filter", "a b"}, "/opt/armperf", {{"ARMPERF_MAX_ISA", "neon"}});
  EXPECT_THAT(script, HasSubstr("export ARMPERF_MAX_ISA='neon'\n"));
  EXPECT_THAT(script, HasSubstr("exec '/opt/armperf' 'run' '--filter' 'a b'\n"));
}

}  // namespace
}  // namespace armperf::run
