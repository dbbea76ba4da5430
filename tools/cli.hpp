// The armperf command line: one add_<name>_command() per subcommand, each in tools/cmd_<name>.cpp.
// A subcommand reports bad input by throwing InputError (one line, exit 2); its callback sets the
// process exit code through the reference it is given (compare exits 1 on a regression).
#pragma once

#include <CLI/CLI.hpp>

#include <stdexcept>

namespace armperf::cli {

// Bad input from the user: a file, a field, an option value. main prints "armperf: <what>" and exits 2.
struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

void add_accuracy_command(CLI::App& app, int& exit_code);
void add_info_command(CLI::App& app, int& exit_code);
void add_knn_command(CLI::App& app, int& exit_code);
void add_list_command(CLI::App& app, int& exit_code);
void add_compare_command(CLI::App& app, int& exit_code);
void add_report_command(CLI::App& app, int& exit_code);
void add_history_command(CLI::App& app, int& exit_code);
void add_probe_command(CLI::App& app, int& exit_code);
void add_run_command(CLI::App& app, int& exit_code);
void add_sbm_command(CLI::App& app, int& exit_code);

}  // namespace armperf::cli
