#include "reports/chart.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>
#include <set>
#include <sstream>

#include "reports/text.hpp"

extern char** environ;

namespace armperf::reports {

std::string gnuplot_label(std::string_view s) {
  std::string out;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    const bool safe = std::isalnum(u) != 0 || std::string_view(" ._-/:+=,()#%").find(c) != std::string_view::npos;
    out += safe ? c : '?';
  }
  return out.substr(0, 60);
}

namespace {

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A private scratch directory, removed when the runner is done.
struct ScratchDir {
  std::filesystem::path path;
  ScratchDir() {
    std::string templ = (std::filesystem::temp_directory_path() / "armperf-gnuplot-XXXXXX").string();
    if (::mkdtemp(templ.data()) != nullptr) path = templ;
  }
  ~ScratchDir() {
    std::error_code ec;
    if (!path.empty()) std::filesystem::remove_all(path, ec);
  }
};

}  // namespace

std::optional<std::string> run_gnuplot(const std::string& script, std::string& why_not) {
  const char* env = std::getenv("ARMPERF_GNUPLOT");
  const std::string program = env != nullptr && *env != '\0' ? env : "gnuplot";
  ScratchDir scratch;
  if (scratch.path.empty()) {
    why_not = fmt::format("no temporary directory: {}", std::strerror(errno));
    return std::nullopt;
  }
  const auto script_path = scratch.path / "chart.gp", svg_path = scratch.path / "chart.svg",
             err_path = scratch.path / "stderr.txt";
  std::ofstream(script_path) << script;

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, svg_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::string script_arg = script_path.string();
  char* argv[] = {const_cast<char*>(program.c_str()), script_arg.data(), nullptr};
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, program.c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    why_not = fmt::format("{} not found or not runnable ({}); install gnuplot-nox", program, std::strerror(rc));
    return std::nullopt;
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  // 127: the child could not exec the program (how posix_spawn reports a missing one on some libcs).
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
    why_not = fmt::format("{} not found or not runnable; install gnuplot-nox", program);
    return std::nullopt;
  }
  std::string svg = slurp(svg_path);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || svg.find("<svg") == std::string::npos) {
    std::string err = slurp(err_path);
    if (const auto nl = err.find_last_not_of("\n "); nl != std::string::npos) err.resize(nl + 1);
    if (const auto last = err.rfind('\n'); last != std::string::npos) err = err.substr(last + 1);
    why_not = fmt::format("{} failed{}", program, err.empty() ? "" : ": " + err);
    return std::nullopt;
  }
  return svg;
}

namespace {

constexpr std::string_view kTerminal =
    "set terminal svg size 760,380 dynamic font \"sans,11\" background rgb \"white\"\nset output\n"
    "set key outside top center horizontal noenhanced\nset grid ytics\nset border 3\nset tics nomirror\n";

// The SVG as a fragment for inlining: no XML prolog, a real title, element ids unique to this chart (each
// gnuplot SVG defines the same ids; repeated ids in one page are invalid HTML).
std::string inline_svg(std::string svg, const std::string& title, std::size_t index) {
  if (const auto start = svg.find("<svg"); start != std::string::npos) svg.erase(0, start);
  const std::string prefix = fmt::format("c{}", index);
  for (std::string_view id : {"gpPt", "gnuplot_canvas", "gpDot", "gpFill", "gpPat"}) {
    for (std::size_t at = svg.find(id); at != std::string::npos; at = svg.find(id, at + prefix.size() + id.size()))
      svg.insert(at, prefix);
  }
  const std::string gp_title = "<title>Gnuplot</title>";
  if (const auto at = svg.find(gp_title); at != std::string::npos)
    svg.replace(at, gp_title.size(), "<title>" + html_escape(title) + "</title>");
  return svg;
}

}  // namespace

// One colour per input, the same in every chart of a report (the Okabe-Ito palette: safe for colour blindness).
std::string_view series_color(std::size_t i) {
  constexpr std::array<std::string_view, 8> kPalette = {"#0072B2", "#E69F00", "#009E73", "#CC79A7",
                                                        "#56B4E9", "#D55E00", "#F0E442", "#000000"};
  return kPalette[i % kPalette.size()];
}

std::string_view gnuplot_terminal() { return kTerminal; }

std::string gnuplot_string(std::string_view s) { return fmt::format("\"{}\"", gnuplot_label(s)); }

namespace {

std::string colors_of(const std::vector<std::size_t>& inputs) {
  std::string words;
  for (std::size_t i : inputs) words += fmt::format("{}{}", words.empty() ? "" : " ", series_color(i));
  return fmt::format("colors = \"{}\"\n", words);
}


std::optional<std::string> speedup_script(const Report& r) {
  // Inputs sharing no benchmark with the baseline have no bar to draw (gnuplot refuses an empty series).
  std::vector<std::size_t> columns;
  for (std::size_t i = 0; i < r.labels.size(); ++i) {
    const bool any = std::any_of(r.families.begin(), r.families.end(),
                                 [&](const FamilySummary& f) { return std::isfinite(f.geomean_speedup[i]); });
    if (i != r.baseline && any) columns.push_back(i);
  }
  if (columns.empty()) return std::nullopt;
  std::string data = "$data << EOD\n\"family\"";
  for (std::size_t i : columns) data += fmt::format(" {}", gnuplot_string(r.labels[i]));
  data += "\n";
  for (const FamilySummary& f : r.families) {
    data += gnuplot_string(f.family);
    for (std::size_t i : columns) {
      const double s = f.geomean_speedup[i];
      data += std::isfinite(s) ? fmt::format(" {:.6g}", s) : std::string(" NaN");
    }
    data += "\n";
  }
  data += "EOD\n";
  return fmt::format(
      "{}{}set style data histogram\nset style histogram clustered gap 1\nset style fill solid 0.85 border -1\n"
      "set boxwidth 0.9\nset yrange [0:*]\nset ylabel \"speedup vs {} (geometric mean)\" noenhanced\n"
      "set xtics noenhanced rotate by -25\nset arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2\n"
      "{}plot for [i=2:{}] $data using i:xtic(1) title columnheader(i) lc rgb word(colors, i-1)\n",
      kTerminal, data, gnuplot_label(r.labels[r.baseline]), colors_of(columns), columns.size() + 1);
}

std::optional<std::string> sweep_script(const Report& r, const std::string& sweep) {
  std::map<double, const ReportRow*> points;
  std::string metric, unit;
  for (const ReportRow& row : r.rows) {
    if (row.sweep != sweep || row.metric.empty()) continue;
    if (metric.empty()) {
      metric = row.metric;
      unit = row.unit;
    }
    if (row.metric == metric) points.emplace(row.size, &row);
  }
  if (points.size() < 3) return std::nullopt;
  double scale_ref = 0;
  for (const auto& [size, row] : points)
    for (const Cell& c : row->cells)
      if (c.present && c.error.empty() && std::isfinite(c.median)) scale_ref = std::max(scale_ref, c.median);
  const UnitScale scale = unit_scale(scale_ref, unit);
  double low = scale_ref;
  for (const auto& [size, row] : points)
    for (const Cell& c : row->cells)
      if (c.present && c.error.empty() && std::isfinite(c.median) && c.median > 0) low = std::min(low, c.median);
  // Log y only when the values span enough for it to help (latency across cache levels, not 3 close rates).
  const bool log_y = low > 0 && scale_ref / low > 20;
  std::vector<std::size_t> all(r.labels.size());
  std::iota(all.begin(), all.end(), std::size_t{0});
  std::string data = "$data << EOD\n";
  for (const auto& [size, row] : points) {
    data += fmt::format("{:.9g}", size);
    for (const Cell& c : row->cells) {
      const bool ok = c.present && c.error.empty() && std::isfinite(c.median) && c.median > 0;
      data += ok ? fmt::format(" {:.9g}", c.median / scale.divisor) : std::string(" NaN");
    }
    data += "\n";
  }
  data += "EOD\n";
  std::string titles = "array titles[" + std::to_string(r.labels.size()) + "]\n";
  for (std::size_t i = 0; i < r.labels.size(); ++i) titles += fmt::format("titles[{}] = {}\n", i + 1, gnuplot_string(r.labels[i]));
  return fmt::format(
      "{}{}{}{}set logscale x 2\n{}set xlabel \"size\" noenhanced\nset ylabel \"{} ({})\" noenhanced\n"
      "set style data linespoints\n"
      "plot for [i=1:{}] $data using 1:(column(i+1)) title titles[i] noenhanced lw 2 pt 7 lc rgb word(colors, i)\n",
      kTerminal, data, titles, colors_of(all), log_y ? "set logscale y\n" : "set yrange [0:*]\n", gnuplot_label(metric),
      gnuplot_label(scale.label), r.labels.size());
}

// One benchmark's value against its thread counts, a curve per input (the table beside it has the efficiency).
std::optional<std::string> scaling_script(const Report& r, const ScalingTable& t) {
  if (t.threads.size() < 2) return std::nullopt;
  double top = 0;
  for (const auto& row : t.value)
    for (double v : row)
      if (std::isfinite(v)) top = std::max(top, v);
  if (!(top > 0)) return std::nullopt;
  const UnitScale scale = unit_scale(top, t.unit);
  std::vector<std::size_t> all(r.labels.size());
  std::iota(all.begin(), all.end(), std::size_t{0});
  std::string data = "$data << EOD\n", tics;
  for (std::size_t k = 0; k < t.threads.size(); ++k) {
    data += std::to_string(t.threads[k]);
    for (double v : t.value[k]) data += std::isfinite(v) ? fmt::format(" {:.9g}", v / scale.divisor) : std::string(" NaN");
    data += "\n";
    tics += fmt::format("{}{}", k ? ", " : "", t.threads[k]);
  }
  data += "EOD\n";
  std::string titles = "array titles[" + std::to_string(r.labels.size()) + "]\n";
  for (std::size_t i = 0; i < r.labels.size(); ++i) titles += fmt::format("titles[{}] = {}\n", i + 1, gnuplot_string(r.labels[i]));
  return fmt::format(
      "{}{}{}{}set logscale x 2\nset xtics ({})\nset xlabel \"threads\"\nset ylabel \"{} ({})\" noenhanced\n"
      "set yrange [0:*]\nset style data linespoints\n"
      "plot for [i=1:{}] $data using 1:(column(i+1)) title titles[i] noenhanced lw 2 pt 7 lc rgb word(colors, i)\n",
      kTerminal, data, titles, colors_of(all), tics, gnuplot_label(t.metric), gnuplot_label(scale.label),
      r.labels.size());
}

}  // namespace

Charts make_charts(const Report& report) {
  Charts out;
  std::vector<std::pair<std::string, std::string>> scripts;  // title, script
  if (auto s = speedup_script(report))
    scripts.emplace_back(fmt::format("Speedup vs {} per family", report.labels[report.baseline]), *s);
  for (const View& view : report.views)
    if (!view.chart_script.empty()) scripts.emplace_back(view.title, view.chart_script);
  constexpr std::size_t kMaxScalingCharts = 8;
  for (std::size_t i = 0; i < report.scaling.size() && i < kMaxScalingCharts; ++i)
    if (auto s = scaling_script(report, report.scaling[i]))
      scripts.emplace_back("Scaling: " + report.scaling[i].group, *s);
  constexpr std::size_t kMaxSweepCharts = 12;  // beyond this a report is a wall of charts
  std::set<std::string> sweeps;
  for (const ReportRow& row : report.rows) {
    if (row.probe || row.sweep.empty() || !sweeps.insert(row.sweep).second || sweeps.size() > kMaxSweepCharts) continue;
    if (auto s = sweep_script(report, row.sweep)) scripts.emplace_back(row.sweep + " vs size", *s);
  }
  if (scripts.empty()) {
    out.skipped = "nothing to chart (a chart needs several inputs, or benchmarks that sweep at least 3 sizes)";
    return out;
  }
  std::vector<std::string> failures;
  for (std::size_t i = 0; i < scripts.size(); ++i) {
    std::string why_not;
    const auto svg = run_gnuplot(scripts[i].second, why_not);
    if (!svg) {
      failures.push_back(fmt::format("{}: {}", scripts[i].first, why_not));
      if (out.charts.empty() && i == 0) break;  // the first failed: gnuplot itself is the problem
      continue;
    }
    out.charts.push_back({scripts[i].first, fmt::format("chart-{}.svg", i + 1), inline_svg(*svg, scripts[i].first, i + 1)});
  }
  if (!failures.empty()) out.skipped = fmt::format("{}", fmt::join(failures, "; "));
  return out;
}

}  // namespace armperf::reports
