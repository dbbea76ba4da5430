// armperf history (DESIGN §6): results of many runs kept in a store, to show, chart and check for
// regressions over time. One store interface; SQLite is the embedded default (a file, WAL mode, versioned
// schema), and a PostgreSQL store for fleets can implement the same interface.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

#include "reports/model.hpp"

namespace armperf::reports {

// A store that cannot be opened, read or written: names the store and what failed.
struct HistoryError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct RunMeta {
  std::string content_hash;  // of the result file's bytes: the same file twice is one run
  std::string source_path;
  std::string commit, branch;  // of the code that was measured, when the caller knows them
};

struct AddOutcome {
  std::int64_t run_id = 0;
  bool added = false;  // false: this content was already stored as run_id
  std::size_t results = 0;
  std::string machine;
};

// One benchmark of one stored run.
struct HistoryPoint {
  std::int64_t run_id = 0;
  std::string machine, run_date, commit, branch;
  std::string benchmark, metric, unit;
  Better better = Better::lower;
  double median = 0;
  std::int64_t n = 0;
  double cv = 0;  // NaN when unknown
};

struct HistoryQuery {
  std::optional<std::regex> benchmark;  // searched in the benchmark's name
  std::string exact_benchmark;          // when set, only this benchmark
  std::string machine;                  // when set, only this machine
};

class HistoryStore {
 public:
  virtual ~HistoryStore() = default;
  virtual AddOutcome add(const Run& run, const RunMeta& meta) = 0;
  // Matching points, oldest run first (runs are ordered by when they were added).
  virtual std::vector<HistoryPoint> points(const HistoryQuery& query) = 0;
  virtual int schema_version() = 0;
};

// The machine a run belongs to: its host name, else its CPU model, else "unknown".
std::string machine_of(const Run& run);

// 64-bit FNV-1a of the bytes, as 16 hex digits: identity of a result file, not a security measure.
std::string content_hash(std::string_view bytes);

// A SQLite file path (created when missing) or, later, a postgresql:// URL.
std::unique_ptr<HistoryStore> open_history(const std::string& location);

// history check: for every machine and benchmark, the newest run against the median of up to `window`
// runs before it on the same machine; worse by more than `threshold` (direction-aware) is a regression.
struct TrendCheck {
  std::string machine, benchmark, metric, unit;
  std::int64_t run_id = 0;
  double newest = 0, reference = 0, change = 0;  // change of the metric, (newest - reference) / reference
  std::size_t previous = 0;                      // runs the reference is the median of
  bool regressed = false;
};
std::vector<TrendCheck> check_trends(const std::vector<HistoryPoint>& points, std::size_t window, double threshold);

}  // namespace armperf::reports
