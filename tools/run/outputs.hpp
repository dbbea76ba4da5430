// The files of a run directory besides results.json (DESIGN §5): results.csv, a plain report.md
// (until the reports/ library renders the single-machine view) and repro.sh. All are derived from
// results.json as it stands, so an interrupted run still gets them for what finished.
#pragma once

#include <string>
#include <vector>

#include "core/result.hpp"

namespace armperf::run {

// The names inside a run directory.
namespace run_file {
inline constexpr const char* results = "results.json";
inline constexpr const char* csv = "results.csv";
inline constexpr const char* report = "report.md";
inline constexpr const char* repro = "repro.sh";
inline constexpr const char* gbench_raw = "gbench-raw.json";  // gbench's own JSONReporter output
inline constexpr const char* state = "run-state.json";        // the item an interrupt cut short
}  // namespace run_file

// One CSV field (RFC 4180): quoted when it holds a comma, quote, CR or LF; a text starting with
// = + - @ (a spreadsheet formula) gets a leading apostrophe. Numbers are written bare.
std::string csv_field(const std::string& text);
std::string results_csv(const ResultFile& file);

// Markdown-safe text: backslash-escapes | \ ` * _ [ ] < > # and turns newlines into spaces.
std::string markdown_text(const std::string& text);
// Context summary, warnings, notes, then one table per suite; medians when there are repetitions.
std::string report_markdown(const ResultFile& file, const std::vector<std::string>& notes);

// POSIX shell single-quoting.
std::string shell_quote(const std::string& text);
// The command line (argv[0] made absolute) with the environment variables that change what armperf
// measures (ARMPERF_*, HWLOC_*, QEMU_*, OMP_*/OPENBLAS_*/BLIS_* thread counts) as they were.
std::string repro_script(const std::vector<std::string>& command_line, const std::string& executable,
                         const std::vector<std::pair<std::string, std::string>>& environment);
// The variables of that list that are set in this process.
std::vector<std::pair<std::string, std::string>> reproducible_environment();

// Writes results.csv, report.md and repro.sh into dir from dir/results.json.
void write_derived_files(const std::string& dir, const std::vector<std::string>& command_line,
                         const std::vector<std::string>& notes);

}  // namespace armperf::run
