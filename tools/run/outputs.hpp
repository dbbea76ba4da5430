// The files of a run directory besides results.json (DESIGN §5): report.md and report.html (the
// reports library's single-machine view, with its charts), results.csv (its table) and repro.sh.
// All are derived from results.json as it stands, so an interrupted run still gets them for what
// finished.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace armperf::run {

// The names inside a run directory.
namespace run_file {
inline constexpr const char* results = "results.json";
inline constexpr const char* csv = "results.csv";
inline constexpr const char* report_md = "report.md";
inline constexpr const char* report_html = "report.html";
inline constexpr const char* repro = "repro.sh";
inline constexpr const char* gbench_raw = "gbench-raw.json";  // gbench's own JSONReporter output
inline constexpr const char* state = "run-state.json";        // the item an interrupt cut short
}  // namespace run_file

// POSIX shell single-quoting.
std::string shell_quote(const std::string& text);
// The command line (run from the current directory, with executable for argv[0]) after the
// environment variables that change what armperf measures (ARMPERF_*, HWLOC_*, QEMU_*, and the
// thread settings of the peer libraries: OMP_*, OPENBLAS_*, BLIS_*, ONEDNN_*, DNNL_*).
std::string repro_script(const std::vector<std::string>& command_line, const std::string& executable,
                         const std::vector<std::pair<std::string, std::string>>& environment);
// The variables of that list that are set in this process.
std::vector<std::pair<std::string, std::string>> reproducible_environment();

// Writes report.md (+ its report-chart-N.svg files), report.html, results.csv (+ results-<view>.csv
// per view table: NUMA matrices, accuracy, ...) and repro.sh into
// dir from dir/results.json. notes (failed items, refused bindings) are appended to report.md.
// repro.sh replays the command line recorded in the results' context (a resumed run's original).
void write_derived_files(const std::string& dir, const std::vector<std::string>& command_line,
                         const std::vector<std::string>& notes);

}  // namespace armperf::run
