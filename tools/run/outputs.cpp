#include "tools/run/outputs.hpp"

#include <fmt/format.h>

#include <unistd.h>

#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>

extern char** environ;

namespace armperf::run {
namespace {

using json = nlohmann::json;

std::string number_text(const json& value) {
  if (value.is_number_float()) return fmt::format("{:.6g}", value.get<double>());
  if (value.is_number()) return value.dump();
  if (value.is_string()) return value.get<std::string>();
  return {};
}

std::string field_text(const json& row, const char* key) {
  const auto it = row.find(key);
  return it == row.end() ? std::string() : number_text(*it);
}

void write_file(const std::filesystem::path& path, const std::string& text, bool executable = false) {
  const auto temporary = path.string() + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) throw std::runtime_error(fmt::format("{}: cannot write", path.string()));
  }
  if (executable) {
    std::filesystem::permissions(temporary, std::filesystem::perms::owner_exec | std::filesystem::perms::group_exec |
                                                std::filesystem::perms::others_exec,
                                 std::filesystem::perm_options::add);
  }
  std::filesystem::rename(temporary, path);
}

constexpr std::array<const char*, 21> kCsvColumns = {
    row_key::name,       row_key::suite,     row_key::op,           row_key::impl,
    row_key::isa,        row_key::dtype,     row_key::threads,      row_key::placement,
    row_key::membind,    row_key::size,      row_key::run_type,     row_key::aggregate_name,
    row_key::repetition_index, row_key::iterations, row_key::real_time, row_key::cpu_time,
    row_key::time_unit,  row_key::gbps,      row_key::gflops,       row_key::pct_of_peak,
    row_key::error_message};

// The rows a reader compares: the median aggregate of a repeated benchmark, else its single run.
std::vector<const json*> summary_rows(const ResultFile& file) {
  std::map<std::string, bool> has_median;
  for (const auto& row : file.benchmarks) {
    if (row.value(row_key::aggregate_name, "") == "median") has_median[row.value(row_key::run_name, "")] = true;
  }
  std::vector<const json*> out;
  for (const auto& row : file.benchmarks) {
    const std::string run_name = row.value(row_key::run_name, row.value(row_key::name, ""));
    const bool aggregate = row.value(row_key::run_type, "") == "aggregate";
    if (has_median.count(run_name) ? (aggregate && row.value(row_key::aggregate_name, "") == "median") : !aggregate) {
      out.push_back(&row);
    }
  }
  return out;
}

std::string context_text(const json& context, const char* key) {
  const auto it = context.find(key);
  if (it == context.end()) return "unknown";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

}  // namespace

std::string csv_field(const std::string& text) {
  std::string value = text;
  if (!value.empty() && std::string_view("=+-@").find(value.front()) != std::string_view::npos) value.insert(0, 1, '\'');
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string quoted = "\"";
  for (char c : value) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

std::string results_csv(const ResultFile& file) {
  std::string out;
  for (std::size_t i = 0; i < kCsvColumns.size(); ++i) out += fmt::format("{}{}", i ? "," : "", kCsvColumns[i]);
  out += "\n";
  for (const auto& row : file.benchmarks) {
    for (std::size_t i = 0; i < kCsvColumns.size(); ++i) {
      const auto it = row.find(kCsvColumns[i]);
      std::string cell;
      if (it != row.end()) cell = it->is_string() ? csv_field(it->get<std::string>()) : number_text(*it);
      out += fmt::format("{}{}", i ? "," : "", cell);
    }
    out += "\n";
  }
  return out;
}

std::string markdown_text(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\n' || c == '\r') {
      out += ' ';
      continue;
    }
    if (std::string_view("|\\`*_[]<>#").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

std::string report_markdown(const ResultFile& file, const std::vector<std::string>& notes) {
  const json& c = file.context;
  std::string out = "# armperf run\n\n";
  out += fmt::format("* machine: {} — {} ({})\n", markdown_text(context_text(c, context_key::host_name)),
                     markdown_text(context_text(c, "cpu_model")), markdown_text(context_text(c, "microarchitecture")));
  out += fmt::format("* date: {}; armperf {} {}\n", markdown_text(context_text(c, context_key::date)),
                     markdown_text(context_text(c, context_key::armperf_version)),
                     markdown_text(context_text(c, context_key::git_commit)));
  if (const auto run = c.find("armperf_run"); run != c.end() && run->contains("plan")) {
    const json& plan = (*run)["plan"];
    out += fmt::format("* profile: {}, {} repetition(s), min time {} s\n", markdown_text(plan.value("profile", "?")),
                       number_text(plan.value("repetitions", json())), number_text(plan.value("min_time_seconds", json())));
  }
  out += fmt::format("* rows: {}{}\n", file.benchmarks.size(), file.recovered ? " (file was cut off; recovered)" : "");
  if (const auto w = c.find("warnings"); w != c.end() && w->is_array() && !w->empty()) {
    out += "\n## Warnings\n\n";
    for (const auto& line : *w) out += fmt::format("* {}\n", markdown_text(line.is_string() ? line.get<std::string>() : line.dump()));
  }
  if (!notes.empty()) {
    out += "\n## Notes\n\n";
    for (const auto& note : notes) out += fmt::format("* {}\n", markdown_text(note));
  }
  for (const char* suite : {row_value::probe, row_value::kernel}) {
    std::string table;
    for (const json* row : summary_rows(file)) {
      if (row->value(row_key::suite, "") != suite) continue;
      const std::string error = row->value(row_key::error_message, "");
      table += fmt::format("| {} | {} | {} | {} | {} | {}/{} | {} | {} {} | {} | {} | {} |\n",
                           markdown_text(row->value(row_key::name, "")), markdown_text(row->value(row_key::op, "")),
                           markdown_text(row->value(row_key::impl, "")), markdown_text(row->value(row_key::isa, "")),
                           field_text(*row, row_key::threads), markdown_text(row->value(row_key::placement, "")),
                           markdown_text(row->value(row_key::membind, "")), markdown_text(field_text(*row, row_key::size)),
                           field_text(*row, row_key::real_time), markdown_text(row->value(row_key::time_unit, "")),
                           field_text(*row, row_key::gbps), field_text(*row, row_key::gflops), markdown_text(error));
    }
    if (table.empty()) continue;
    out += fmt::format("\n## {}s\n\n", suite);
    out += "| name | op | impl | isa | threads | placement/membind | size | time | GB/s | GFLOP/s | note |\n";
    out += "|---|---|---|---|---:|---|---:|---:|---:|---:|---|\n";
    out += table;
  }
  out += "\nGB = 10^9 B. Sizes are working sets in bytes, or shapes (MxNxK). Time is per iteration "
         "(the median of the repetitions when there are several).\n";
  return out;
}

std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::vector<std::pair<std::string, std::string>> reproducible_environment() {
  static constexpr std::array<std::string_view, 8> kPrefixes = {"ARMPERF_", "HWLOC_", "QEMU_", "OMP_",
                                                                 "OPENBLAS_", "BLIS_", "ONEDNN_", "DNNL_"};
  std::vector<std::pair<std::string, std::string>> out;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    const std::string_view entry = *e;
    const auto eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    for (auto prefix : kPrefixes) {
      if (entry.substr(0, prefix.size()) == prefix) {
        out.emplace_back(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
        break;
      }
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string repro_script(const std::vector<std::string>& command_line, const std::string& executable,
                         const std::vector<std::pair<std::string, std::string>>& environment) {
  std::string out = "#!/bin/sh\n# Reproduces the armperf run that wrote this directory: the same binary, command line\n"
                    "# and the environment variables that change what armperf measures.\nset -e\n";
  out += fmt::format("cd {}\n", shell_quote(std::filesystem::current_path().string()));
  for (const auto& [name, value] : environment) out += fmt::format("export {}={}\n", name, shell_quote(value));
  out += fmt::format("exec {}", shell_quote(executable));
  for (std::size_t i = 1; i < command_line.size(); ++i) out += fmt::format(" {}", shell_quote(command_line[i]));
  return out + "\n";
}

void write_derived_files(const std::string& dir, const std::vector<std::string>& command_line,
                         const std::vector<std::string>& notes) {
  const std::filesystem::path base(dir);
  const ResultFile file = read_results((base / run_file::results).string());
  // A resumed run keeps the context of the run it continues, and so its command line.
  std::vector<std::string> original = command_line;
  if (const auto it = file.context.find(context_key::command_line); it != file.context.end() && it->is_array()) {
    original.clear();
    for (const auto& arg : *it) original.push_back(arg.is_string() ? arg.get<std::string>() : arg.dump());
  }
  write_file(base / run_file::csv, results_csv(file));
  write_file(base / run_file::report, report_markdown(file, notes));
  std::error_code error;
  std::string executable = std::filesystem::read_symlink("/proc/self/exe", error).string();
  if (error || executable.empty()) executable = original.empty() ? "armperf" : original.front();
  write_file(base / run_file::repro, repro_script(original, executable, reproducible_environment()), true);
}

}  // namespace armperf::run
