// armperf report FILE... (DESIGN §6): one column per input, rows matched by benchmark, the median of each
// benchmark's primary metric with its unit, spread and a noisy mark, the speedup over a baseline column,
// the geometric mean of speedups per family, and what differs between the machines' contexts.
#pragma once

#include <cstddef>
#include <limits>
#include <string>
#include <vector>

#include "reports/model.hpp"
#include "reports/views.hpp"

namespace armperf::reports {

struct ReportInput {
  Run run;
  std::string label;  // column header; from --label, else derived from the context (input_label)
};

// "host_name", else the file name; with the date when that alone does not tell two inputs apart.
std::vector<std::string> input_labels(const std::vector<Run>& runs);

struct Cell {
  bool present = false;
  std::string error;  // the benchmark was in the file but did not run
  double median = 0, min = 0, ci_low = 0, ci_high = 0, cv = 0;
  double ci_coverage = 0;  // of [ci_low, ci_high]: 95 % or more from 6 repetitions on (stats.hpp)
  std::size_t n = 0;
  double speedup = 0;  // vs the baseline column, > 1 is better whatever the metric's direction; NaN if none
  bool noisy = false;
  // The median of the benchmark's pct_of_peak (GEMM, peakflops: its rate against the theoretical peak
  // of the instructions it ran, at the clock measured with it); NaN where it has none.
  double pct_of_peak = std::numeric_limits<double>::quiet_NaN();
};

struct ReportRow {
  std::string key, name, family, metric, unit;
  // A benchmark that is one point of a size sweep: the sweep it belongs to (the name without its size)
  // and the size; both empty otherwise. Charts draw a sweep as a curve per input.
  std::string sweep;
  double size = 0;
  // The benchmark without its thread count, and that count (0: not stated): rows of one group with
  // several counts form a scaling table.
  std::string scaling_group;
  int threads = 0;
  Better better = Better::lower;
  bool probe = false;       // a probe's row: its sweeps are drawn by the probe views, not as generic curves
  std::vector<Cell> cells;  // one per input
};

struct FamilySummary {
  std::string family;
  std::vector<double> geomean_speedup;  // one per input, NaN where no benchmark of the family is shared
  std::vector<std::size_t> shared;      // benchmarks of the family in both the input and the baseline
};

// One benchmark over thread counts (DESIGN §7 thread team): per input its values, and the parallel
// efficiency against the fewest threads: speedup over that count divided by the thread ratio.
struct ScalingTable {
  std::string group, metric, unit;
  std::vector<int> threads;                     // ascending
  std::vector<std::vector<double>> value;       // [thread row][input], NaN where absent
  std::vector<std::vector<double>> efficiency;  // [thread row][input], NaN where not computable
};

struct ContextDifference {
  std::string key;
  std::vector<std::string> values;  // one per input, "" when absent
};

struct Report {
  std::vector<std::string> labels, paths;
  std::vector<std::map<std::string, std::string>> contexts;
  std::size_t baseline = 0;
  std::vector<ReportRow> rows;
  std::vector<FamilySummary> families;
  std::vector<ScalingTable> scaling;
  std::vector<ContextDifference> differences;
  std::vector<View> views;  // peer and probe views (reports/views.hpp)
};

Report build_report(const std::vector<ReportInput>& inputs, std::size_t baseline);

// A chart to show with the tables: inline SVG in HTML, a file linked from Markdown.
struct Chart {
  std::string title;  // a probe view's chart has the view's title and is shown with its table
  std::string file_name;  // for Markdown: written beside the report
  std::string svg;
};

struct Charts {
  std::vector<Chart> charts;
  std::string skipped;  // why there are none, said in the report ("gnuplot not found ...")
};

std::string render_markdown(const Report& report, const Charts& charts);
std::string render_html(const Report& report, const Charts& charts);
std::string render_csv(const Report& report);
// One view's table as CSV (RFC 4180), its header first: `report --format csv --out` writes one per view
// beside the main file, named by view_file_name.
std::string render_view_csv(const View& view);
// "<stem>-<the view's title in lower case, words joined by '-'>.csv", at most 100 characters.
std::string view_file_name(const std::string& stem, const View& view);

}  // namespace armperf::reports
