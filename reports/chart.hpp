// Charts for a report (DESIGN §2, §5): SVG drawn by gnuplot's svg terminal, inlined into the HTML report
// or written beside the Markdown one. Without gnuplot a report has its tables and a note saying why the
// charts are missing. ARMPERF_GNUPLOT names the program (default: gnuplot on PATH).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "reports/report.hpp"

namespace armperf::reports {

// Runs gnuplot on `script` (which must `set terminal svg` and `set output` to stdout).
// The SVG document, or nullopt with `why_not` saying what failed.
std::optional<std::string> run_gnuplot(const std::string& script, std::string& why_not);

// Text safe to place in a gnuplot string and in SVG text: quotes, backslashes, control and markup
// characters replaced (benchmark and machine names come from input files).
std::string gnuplot_label(std::string_view s);

// Shared by every chart of a report: the svg terminal and its common settings, a string quoted for a
// gnuplot script, and the colour of series i (the same input keeps its colour in every chart).
std::string_view gnuplot_terminal();
std::string gnuplot_string(std::string_view s);
std::string_view series_color(std::size_t i);

// Speedup per family and input (with several inputs) and, for each family whose benchmarks sweep a size
// (the last '/'-separated number of the name, or armperf's size field), the metric against size on log axes.
Charts make_charts(const Report& report);

}  // namespace armperf::reports
