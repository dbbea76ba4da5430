// armperf report FILE...: comparative tables (one column per input), charts, what differs (DESIGN §6).
#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "reports/chart.hpp"
#include "reports/report.hpp"
#include "tools/cli.hpp"
#include "tools/report_options.hpp"

namespace armperf::cli {
namespace {

namespace fs = std::filesystem;

struct ReportArgs {
  std::vector<std::string> files;
  std::string format;
  std::string baseline;
  std::vector<std::string> labels;  // NAME=FILE
  std::string out;
  bool no_charts = false;
};

std::string format_of(const ReportArgs& args) {
  if (!args.format.empty()) return args.format;
  const std::string ext = fs::path(args.out).extension().string();
  if (ext == ".html" || ext == ".htm") return "html";
  if (ext == ".csv") return "csv";
  return "md";
}

// Inputs in the order given; --baseline and --label files that are not among them are added.
std::vector<reports::ReportInput> load_inputs(const ReportArgs& args, std::size_t& baseline) {
  std::vector<std::string> paths = args.files;
  const auto add = [&](const std::string& p) {
    if (std::find(paths.begin(), paths.end(), p) == paths.end()) paths.push_back(p);
  };
  std::vector<std::pair<std::string, std::string>> labels;  // file, name
  for (const std::string& spec : args.labels) {
    const auto eq = spec.find('=');
    if (eq == 0 || eq == std::string::npos || eq + 1 == spec.size())
      throw InputError(fmt::format("--label: expected NAME=FILE, got \"{}\"", spec));
    labels.emplace_back(spec.substr(eq + 1), spec.substr(0, eq));
    add(labels.back().first);
  }
  if (!args.baseline.empty()) add(args.baseline);
  if (paths.empty()) throw InputError("report: no input files");

  std::vector<reports::Run> runs;
  for (const std::string& p : paths) runs.push_back(load_or_throw(p));
  std::vector<std::string> names = reports::input_labels(runs);
  for (const auto& [file, name] : labels)
    names[static_cast<std::size_t>(std::find(paths.begin(), paths.end(), file) - paths.begin())] = name;
  baseline = args.baseline.empty()
                 ? 0
                 : static_cast<std::size_t>(std::find(paths.begin(), paths.end(), args.baseline) - paths.begin());
  std::vector<reports::ReportInput> inputs;
  for (std::size_t i = 0; i < runs.size(); ++i) inputs.push_back({std::move(runs[i]), names[i]});
  return inputs;
}

// Written to a temporary beside the target and renamed, so a failed run leaves no half-written report.
void write_file(const fs::path& path, const std::string& text) {
  const fs::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary);
    if (!(out << text) || !out.flush())
      throw InputError(fmt::format("{}: cannot write: {}", tmp.string(), std::strerror(errno)));
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) throw InputError(fmt::format("{}: cannot write: {}", path.string(), ec.message()));
}

void run_report(const ReportArgs& args) {
  const std::string format = format_of(args);
  std::size_t baseline = 0;
  const auto inputs = load_inputs(args, baseline);
  const reports::Report report = reports::build_report(inputs, baseline);

  reports::Charts charts;  // CSV has none
  if (args.no_charts) {
    charts.skipped = "--no-charts given";
  } else if (format == "md" && args.out.empty()) {
    charts.skipped = "a Markdown report links its charts as SVG files beside it: use --out PATH";
  } else if (format != "csv") {
    charts = reports::make_charts(report);
  }
  const std::string text = format == "html" ? reports::render_html(report, charts)
                           : format == "csv" ? reports::render_csv(report)
                                             : reports::render_markdown(report, charts);
  if (args.out.empty()) {
    fmt::print("{}", text);
    std::fflush(stdout);
    return;
  }
  const fs::path out(args.out);
  if (format == "md") {
    // The Markdown links chart-N.svg; written as <report stem>-chart-N.svg beside it.
    std::string linked = text;
    for (const reports::Chart& c : charts.charts) {
      const std::string file = out.stem().string() + "-" + c.file_name;
      write_file(out.parent_path() / file, c.svg + "\n");
      for (auto at = linked.find("(" + c.file_name + ")"); at != std::string::npos;
           at = linked.find("(" + c.file_name + ")", at + 1))
        linked.replace(at + 1, c.file_name.size(), file);
    }
    write_file(out, linked);
  } else {
    write_file(out, text);
  }
  // CSV is one table: each view (accuracy, NUMA matrix, ...) gets its own file beside the main one.
  if (format == "csv")
    for (const reports::View& view : report.views)
      if (!view.rows.empty()) write_file(out.parent_path() / reports::view_file_name(out.stem().string(), view),
                                         reports::render_view_csv(view));
}

}  // namespace

void add_report_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("report", "Comparative tables and charts of result files, one column per input");
  static ReportArgs args;
  cmd->add_option("FILE", args.files, "Result files (armperf or Google Benchmark JSON)");
  cmd->add_option("--format", args.format, "md, html or csv (default: from --out's extension, else md)")
      ->check(CLI::IsMember({"md", "html", "csv"}));
  cmd->add_option("--baseline", args.baseline, "The input that speedups are relative to (default: the first)");
  cmd->add_option("--label", args.labels, "NAME=FILE: column header for FILE (default: host name from the file)");
  cmd->add_option("--out", args.out,
                  "Write the report here (default: standard output); with csv, each view's table is written "
                  "beside it as <stem>-<view>.csv");
  cmd->add_flag("--no-charts", args.no_charts, "Tables only, without running gnuplot");
  cmd->callback([&exit_code] {
    run_report(args);
    exit_code = 0;
  });
}

}  // namespace armperf::cli
