#include "tools/run/outputs.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "core/result.hpp"
#include "reports/chart.hpp"
#include "reports/load.hpp"
#include "reports/report.hpp"
#include "reports/text.hpp"

extern char** environ;

namespace armperf::run {
namespace {

namespace fs = std::filesystem;

// Written under a temporary name and renamed: a reader never sees half a file.
void write_file(const fs::path& path, const std::string& text, bool executable = false) {
  const auto temporary = fs::path(path.string() + ".tmp");
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) throw std::runtime_error(fmt::format("{}: cannot write", path.string()));
  }
  if (executable) {
    fs::permissions(temporary, fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                    fs::perm_options::add);
  }
  fs::rename(temporary, path);
}

// The Markdown report links chart-N.svg; they are written beside it as report-chart-N.svg.
std::string with_chart_files(const fs::path& dir, std::string markdown, const reports::Charts& charts) {
  for (const reports::Chart& chart : charts.charts) {
    const std::string file = fmt::format("report-{}", chart.file_name);
    write_file(dir / file, chart.svg + "\n");
    const std::string link = fmt::format("({})", chart.file_name);
    for (auto at = markdown.find(link); at != std::string::npos; at = markdown.find(link, at + 1)) {
      markdown.replace(at + 1, chart.file_name.size(), file);
    }
  }
  return markdown;
}

std::string notes_markdown(const std::vector<std::string>& notes) {
  if (notes.empty()) return {};
  std::string out = "\n## Notes from the run\n\n";
  for (const auto& note : notes) out += fmt::format("* {}\n", reports::md_cell(note));
  return out;
}

// The command line recorded in the results' context (for a resumed run, the first run's).
std::vector<std::string> recorded_command_line(const std::string& results,
                                               const std::vector<std::string>& fallback) {
  const ResultFile file = read_results(results);
  const auto it = file.context.find(context_key::command_line);
  if (it == file.context.end() || !it->is_array()) return fallback;
  std::vector<std::string> out;
  for (const auto& arg : *it) out.push_back(arg.is_string() ? arg.get<std::string>() : arg.dump());
  return out;
}

}  // namespace

std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  out += "'";
  return out;
}

std::vector<std::pair<std::string, std::string>> reproducible_environment() {
  static constexpr std::array<std::string_view, 8> kPrefixes = {"ARMPERF_",  "HWLOC_", "QEMU_",   "OMP_",
                                                                "OPENBLAS_", "BLIS_",  "ONEDNN_", "DNNL_"};
  std::vector<std::pair<std::string, std::string>> out;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    const std::string_view entry = *e;
    const auto eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    const bool wanted = std::any_of(kPrefixes.begin(), kPrefixes.end(), [&](std::string_view prefix) {
      return entry.substr(0, prefix.size()) == prefix;
    });
    if (wanted) out.emplace_back(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string repro_script(const std::vector<std::string>& command_line, const std::string& executable,
                         const std::vector<std::pair<std::string, std::string>>& environment) {
  std::string out =
      "#!/bin/sh\n# Reproduces the armperf run that wrote this directory: the same binary, command line\n"
      "# and the environment variables that change what armperf measures.\nset -e\n";
  out += fmt::format("cd {}\n", shell_quote(fs::current_path().string()));
  for (const auto& [name, value] : environment)
    out += fmt::format("export {}={}\n", name, shell_quote(value));
  out += fmt::format("exec {}", shell_quote(executable));
  for (std::size_t i = 1; i < command_line.size(); ++i)
    out += fmt::format(" {}", shell_quote(command_line[i]));
  out += "\n";
  return out;
}

void write_derived_files(const std::string& dir, const std::vector<std::string>& command_line,
                         const std::vector<std::string>& notes) {
  const fs::path base(dir);
  const std::string results = (base / run_file::results).string();
  reports::Run run = reports::load_run(results);
  std::vector<std::string> labels = reports::input_labels({run});
  std::vector<reports::ReportInput> inputs;
  inputs.push_back({std::move(run), labels.front()});
  const reports::Report report = reports::build_report(inputs, 0);
  const reports::Charts charts = reports::make_charts(report);
  write_file(
      base / run_file::report_md,
      with_chart_files(base, reports::render_markdown(report, charts), charts) + notes_markdown(notes));
  write_file(base / run_file::report_html, reports::render_html(report, charts));
  write_file(base / run_file::csv, reports::render_csv(report));
  // CSV is one table: each view with a table (NUMA matrices, accuracy, ...) gets results-<view>.csv.
  for (const reports::View& view : report.views)
    if (!view.rows.empty())
      write_file(base / reports::view_file_name(fs::path(run_file::csv).stem().string(), view),
                 reports::render_view_csv(view));

  const std::vector<std::string> original = recorded_command_line(results, command_line);
  std::error_code error;
  std::string executable = fs::read_symlink("/proc/self/exe", error).string();
  if (error || executable.empty()) executable = original.empty() ? "armperf" : original.front();
  write_file(base / run_file::repro, repro_script(original, executable, reproducible_environment()), true);
}

}  // namespace armperf::run
