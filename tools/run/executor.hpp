// Runs a plan (issue 7): kernel benchmarks through Google Benchmark in process (with the
// RowReporter: one call per item, or per item and round when the plan is interleaved), probes
// through their registry entry with a row sink, each row appended to results.json as soon as it
// exists; an item's aggregates follow its last repetition. SIGINT/SIGTERM stop after the current
// call (a probe stops at its next row); --resume skips the items whose rows a previous run already
// wrote and completes those it left part-measured.
#pragma once

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.hpp"
#include "tools/run/plan.hpp"
#include "tools/run/progress.hpp"

namespace armperf::run {

// What a previous run in out_dir holds, by item (the rows' armperf_item field), less the probe an
// interrupt cut short (out_dir/run-state.json), whose rows are dropped. A kernel item is done when
// it has aggregates, a failed repetition or all its repetitions; an interleaved run cut between
// rounds leaves items with some of their repetitions, which a resumed run completes.
struct PreviousRun {
  nlohmann::json context;
  std::vector<nlohmann::json> rows;                       // to carry over
  std::vector<std::string> done;                          // sorted item keys
  std::map<std::string, std::vector<ResultRow>> partial;  // kernel item key: its repetitions so far
};

struct ExecuteSettings {
  std::string out_dir;     // created if missing
  bool resume = false;     // continue out_dir/results.json instead of starting a new one
  const PreviousRun* previous = nullptr;  // with resume: out_dir's run, when the caller has read it
  nlohmann::json context;  // for a new results.json (a resumed one keeps its own, with a note)
  std::vector<std::string> command_line;
  ProgressMode progress = ProgressMode::lines;
  std::FILE* progress_out = stdout;
  std::string timings_path;  // where measured item times are merged (timings.hpp); empty: nowhere
};

struct RunOutcome {
  int signal = 0;  // SIGINT / SIGTERM that stopped the run, 0 when it finished
  std::size_t items_run = 0;
  std::size_t items_skipped = 0;   // already in the results being resumed
  std::size_t items_failed = 0;    // a probe threw, or a kernel benchmark produced no run
  std::size_t rows_written = 0;    // by this run (not counting rows carried over by --resume)
  std::vector<std::string> notes;  // failures, refused bindings, probe notes
};

// Throws std::runtime_error naming the file when out_dir/results.json is missing or unreadable.
PreviousRun read_previous_run(const std::string& out_dir);
// Throws std::invalid_argument (one line naming the benchmark and both counts) when the previous run
// left an item of the plan part-measured with another repetition count than the plan's: its
// repetitions could not be numbered or aggregated as one set.
void check_resumable(const RunPlan& plan, const PreviousRun& previous);

// Everything in the directory is written: results.json, gbench-raw.json, results.csv, report.md,
// repro.sh. Throws std::runtime_error for I/O errors on the results.
RunOutcome execute(const RunPlan& plan, const ExecuteSettings& settings);

}  // namespace armperf::run
