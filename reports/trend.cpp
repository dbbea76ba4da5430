#include "reports/trend.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "reports/chart.hpp"
#include "reports/text.hpp"

namespace armperf::reports {
namespace {

std::string short_commit(const std::string& sha) { return sha.substr(0, 12); }

}  // namespace

std::string render_points(const std::vector<HistoryPoint>& points, HistoryFormat format) {
  if (points.empty()) return "no stored results match\n";
  std::string out;
  if (format == HistoryFormat::md) {
    out = "| run | date | machine | commit | benchmark | metric | median | n | cv |\n|---:|---|---|---|---|---|---:|---:|---:|\n";
    for (const HistoryPoint& p : points)
      out += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} | {} |\n", p.run_id, md_cell(p.run_date),
                         md_cell(p.machine), md_cell(short_commit(p.commit)), md_cell(p.benchmark), md_cell(p.metric),
                         format_quantity(p.median, p.unit), p.n, format_percent(p.cv));
    return out;
  }
  std::size_t width = 9;
  for (const HistoryPoint& p : points) width = std::max(width, p.benchmark.size());
  out = fmt::format("{:>5}  {:<25}  {:<16}  {:<12}  {:<{}}  {:>14}  {:>4}  {:>6}\n", "run", "date", "machine", "commit",
                    "benchmark", width, "median", "n", "cv");
  for (const HistoryPoint& p : points)
    out += fmt::format("{:>5}  {:<25}  {:<16}  {:<12}  {:<{}}  {:>14}  {:>4}  {:>6}\n", p.run_id, p.run_date, p.machine,
                       short_commit(p.commit), p.benchmark, width, format_quantity(p.median, p.unit), p.n,
                       format_percent(p.cv));
  return out;
}

std::string render_trend_md(const std::string& benchmark, const std::vector<HistoryPoint>& points) {
  std::string out = fmt::format("## {}\n\n", md_cell(benchmark));
  if (points.empty()) return out + "No stored results.\n";
  out += "| run | date | machine | commit | branch | median | change vs previous run | cv |\n"
         "|---:|---|---|---|---|---:|---:|---:|\n";
  std::map<std::string, double> previous;  // per machine
  for (const HistoryPoint& p : points) {
    const auto it = previous.find(p.machine);
    const double change = it == previous.end() || it->second == 0 ? std::nan("") : (p.median - it->second) / it->second;
    out += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} |\n", p.run_id, md_cell(p.run_date), md_cell(p.machine),
                       md_cell(short_commit(p.commit)), md_cell(p.branch), format_quantity(p.median, p.unit),
                       format_percent(change, true), format_percent(p.cv));
    previous[p.machine] = p.median;
  }
  return out;
}

std::string trend_svg(const std::string& benchmark, const std::vector<HistoryPoint>& points, std::string& why_not) {
  if (points.empty()) {
    why_not = "no stored results";
    return {};
  }
  std::vector<std::string> machines;
  for (const HistoryPoint& p : points)
    if (std::find(machines.begin(), machines.end(), p.machine) == machines.end()) machines.push_back(p.machine);
  double top = 0;
  for (const HistoryPoint& p : points) top = std::max(top, p.median);
  const UnitScale scale = unit_scale(top, points.front().unit);
  std::string script =
      "set terminal svg size 760,380 dynamic font \"sans,11\" background rgb \"white\"\nset output\n"
      "set key outside top center horizontal noenhanced\nset grid ytics\nset border 3\nset tics nomirror\n"
      "set style data linespoints\nset yrange [0:*]\nset xlabel \"run\"\n";
  script += fmt::format("set ylabel \"{} ({})\" noenhanced\nset title \"{}\" noenhanced\n",
                        gnuplot_label(points.front().metric), gnuplot_label(scale.label), gnuplot_label(benchmark));
  std::string plot = "plot ";
  for (std::size_t m = 0; m < machines.size(); ++m) {
    script += fmt::format("$m{} << EOD\n", m);
    for (const HistoryPoint& p : points)
      if (p.machine == machines[m]) script += fmt::format("{} {:.9g}\n", p.run_id, p.median / scale.divisor);
    script += "EOD\n";
    plot += fmt::format("{}$m{} using 1:2 title \"{}\" lw 2 pt 7", m == 0 ? "" : ", ", m, gnuplot_label(machines[m]));
  }
  const auto svg = run_gnuplot(script + plot + "\n", why_not);
  if (!svg) return {};
  return svg->substr(std::min(svg->size(), svg->find("<svg")));
}

std::string render_trend_html(const std::string& benchmark, const std::vector<HistoryPoint>& points) {
  std::string why_not;
  const std::string svg = trend_svg(benchmark, points, why_not);
  std::string rows;
  for (const HistoryPoint& p : points)
    rows += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td></tr>\n",
                        p.run_id, html_escape(p.run_date), html_escape(p.machine), html_escape(short_commit(p.commit)),
                        html_escape(p.branch), html_escape(format_quantity(p.median, p.unit)));
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>armperf trend: {0}</title>\n"
      "<style>body {{ font-family: system-ui, sans-serif; margin: 2em; color: #1d2330; }} table {{ border-collapse: "
      "collapse; }} th, td {{ border: 1px solid #d6dbe4; padding: 0.3em 0.6em; }} td.num {{ text-align: right; }} "
      "svg {{ max-width: 760px; width: 100%; height: auto; }}</style>\n</head>\n<body>\n<h1>{0}</h1>\n{1}\n"
      "<table>\n<tr><th>run</th><th>date</th><th>machine</th><th>commit</th><th>branch</th><th>median</th></tr>\n{2}"
      "</table>\n</body>\n</html>\n",
      html_escape(benchmark), svg.empty() ? "<p>Chart skipped: " + html_escape(why_not) + "</p>" : svg, rows);
}

std::string render_checks(const std::vector<TrendCheck>& checks, std::size_t window, double threshold) {
  std::string out;
  std::size_t regressed = 0;
  for (const TrendCheck& c : checks) {
    if (!c.regressed) continue;
    ++regressed;
    out += fmt::format("regressed: {} on {}: run {} {} = {} vs median {} of {} previous runs ({})\n", c.benchmark,
                       c.machine, c.run_id, c.metric, format_quantity(c.newest, c.unit),
                       format_quantity(c.reference, c.unit), c.previous, format_percent(c.change, true));
  }
  out += fmt::format("{} of {} benchmark series regressed (newest run vs the median of up to {} before it, threshold {})\n",
                     regressed, checks.size(), window, format_percent(threshold));
  return out;
}

}  // namespace armperf::reports
