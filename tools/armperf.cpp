// armperf: the one CLI (DESIGN §6). Subcommands live in tools/cmd_<name>.cpp.
#include <fmt/format.h>

#include <cstdio>
#include <exception>

#include "core/isa.hpp"
#include "tools/cli.hpp"

int main(int argc, char** argv) {
  CLI::App app{"armperf: what an ARM server CPU is, what it can do, and how fast real workloads run on it"};
  app.set_version_flag("--version", std::string("armperf ") + ARMPERF_VERSION);
  app.require_subcommand(1);
  int exit_code = 0;
  armperf::cli::add_info_command(app, exit_code);
  armperf::cli::add_list_command(app, exit_code);
  armperf::cli::add_compare_command(app, exit_code);
  armperf::cli::add_report_command(app, exit_code);
  armperf::cli::add_history_command(app, exit_code);
  armperf::cli::add_accuracy_command(app, exit_code);
  armperf::cli::add_probe_command(app, exit_code);
  armperf::cli::add_run_command(app, exit_code);
  armperf::cli::add_knn_command(app, exit_code);
  armperf::cli::add_sbm_command(app, exit_code);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version are "errors" with exit code 0; every real usage error exits 2.
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  } catch (const armperf::cli::InputError& e) {
    fmt::print(stderr, "armperf: {}\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "armperf: error: {}\n", e.what());
    return 1;
  }
  return exit_code;
}
