// Rendering stored history (armperf history show/trend/check): tables of points and a trend chart.
#pragma once

#include <string>
#include <vector>

#include "reports/history.hpp"

namespace armperf::reports {

enum class HistoryFormat { text, md };

std::string render_points(const std::vector<HistoryPoint>& points, HistoryFormat format);
// One benchmark over runs, one series per machine: a Markdown table, an SVG chart (gnuplot), or a
// self-contained HTML page with both. The chart is empty with `why_not` set when gnuplot is unavailable.
std::string render_trend_md(const std::string& benchmark, const std::vector<HistoryPoint>& points);
std::string trend_svg(const std::string& benchmark, const std::vector<HistoryPoint>& points, std::string& why_not);
std::string render_trend_html(const std::string& benchmark, const std::vector<HistoryPoint>& points);
std::string render_checks(const std::vector<TrendCheck>& checks, std::size_t window, double threshold);

}  // namespace armperf::reports
