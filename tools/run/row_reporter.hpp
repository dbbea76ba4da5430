// A Google Benchmark reporter that turns every repetition of a kernel benchmark into an armperf
// result row (DESIGN §5): gbench's fields as gbench measured them (times, iterations, counters), plus
// suite, op, impl, isa, dtype, threads, placement, membind, size and the derived rates. gbench's
// aggregates are not passed on: the executor computes them over all of an item's repetitions
// (tools/run/aggregates.hpp). The raw gbench JSON, aggregates included, is written beside it by
// gbench's own JSONReporter.
#pragma once

#include <benchmark/benchmark.h>

#include <functional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "kernels/registry.hpp"
#include "tools/run/plan.hpp"

namespace armperf::run {

// The row extra field that names the plan item a row belongs to (--resume matches on it).
inline constexpr const char* kItemKey = "armperf_item";

// Maps one gbench repetition (an iteration run) of a plan item to a row. The family's counters "gbps",
// "gflops" and "pct_of_peak" become the row's derived fields, "threads" its thread count (a family that runs
// its own team says how many threads ran); other counters stay counters (one that reuses a row
// field's name is kept as "counter.<name>"). Non-finite counters are left out.
// size is the working set in bytes for one-dimensional shapes of a family that declares bytes
// per element, otherwise the shape string. A run at a sweep point other than t1/compact/local gets
// "/<point>" appended to its name, so names stay unique in a file.
ResultRow kernel_row(const benchmark::BenchmarkReporter::Run& run, const PlanItem& item);

class RowReporter : public benchmark::BenchmarkReporter {
 public:
  // Each row with the plan item it measured (set_item).
  using Sink = std::function<void(const ResultRow&, const PlanItem&)>;
  // raw, when given, receives the same context (once) and runs: gbench's JSON of the whole run.
  RowReporter(Sink sink, benchmark::BenchmarkReporter* raw);

  // The item the next RunSpecifiedBenchmarks() call measures.
  void set_item(const PlanItem* item) { item_ = item; }
  std::size_t rows() const { return rows_; }

  bool ReportContext(const Context& context) override;
  void ReportRuns(const std::vector<Run>& runs) override;
  // gbench calls Finalize after every RunSpecifiedBenchmarks(); the raw output ends only at finish().
  void Finalize() override {}
  void finish();

 private:
  Sink sink_;
  benchmark::BenchmarkReporter* raw_;
  const PlanItem* item_ = nullptr;
  bool context_reported_ = false;
  std::size_t rows_ = 0;
};

}  // namespace armperf::run
