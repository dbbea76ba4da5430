// armperf run: the main job (DESIGN §5-§7, issue 7). Builds the profile's plan from the topology and
// the registries, then runs it into results/<host>-<UTC time>/ (results.json, gbench-raw.json,
// results.csv, report.md, repro.sh). The work itself is in tools/run/.
#include <fmt/format.h>

#include <unistd.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "core/environment.hpp"
#include "core/isa.hpp"
#include "core/result.hpp"
#include "core/topology.hpp"
#include "kernels/benchmarks.hpp"
#include "tools/cli.hpp"
#include "tools/run/context.hpp"
#include "tools/run/executor.hpp"
#include "tools/run/plan.hpp"

namespace armperf::cli {
namespace {

struct RunArgs {
  std::string profile = "quick";
  std::string filter;
  std::string threads, placement, membind, pmu, order;
  int repetitions = 0;
  double min_time = -1;
  std::string out, resume;
  bool dry_run = false, quiet = false, json = false;
};

std::vector<std::string> split_nonempty(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

std::string default_out_dir(const Environment& env) {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &utc);
  return fmt::format("results/{}-{}", env.hostname.value_or("host"), stamp);
}

// MemAvailable from /proc/meminfo; 0 when unknown (the guard then does not apply).
std::uint64_t available_memory_bytes() {
  std::ifstream in("/proc/meminfo");
  for (std::string key; in >> key;) {
    std::uint64_t kib = 0;
    in >> kib;
    if (key == "MemAvailable:") return kib * 1024;
    in.ignore(1 << 10, '\n');
  }
  return 0;
}

// The options that shape the plan: the command line's, or on --resume the stored ones that the
// command line does not override.
run::RunOptions plan_options(const RunArgs& a, CLI::App& cmd, const nlohmann::json* stored) {
  run::RunOptions o;
  if (stored != nullptr) o = run::options_from_json(*stored);
  const auto given = [&](const char* name) { return stored == nullptr || cmd.get_option(name)->count() > 0; };
  if (given("--profile")) o.profile = *parse_profile(a.profile);
  if (given("--filter")) o.filter = a.filter;
  if (given("--threads")) o.threads = split_nonempty(a.threads);
  if (given("--placement")) o.placements = split_nonempty(a.placement);
  if (given("--membind")) o.membinds = split_nonempty(a.membind);
  if (given("--pmu")) o.pmu_events = split_nonempty(a.pmu);
  if (cmd.get_option("--repetitions")->count() > 0) o.repetitions = a.repetitions;
  if (cmd.get_option("--order")->count() > 0) o.order = a.order;
  if (cmd.get_option("--min-time")->count() > 0) o.min_time = a.min_time;
  return o;
}

// The command line as typed, for the context and repro.sh (qemu-user shows the guest's).
std::vector<std::string> own_command_line() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  std::vector<std::string> out;
  for (std::string arg; std::getline(in, arg, '\0');) out.push_back(arg);
  return out;
}

const nlohmann::json* stored_options(const nlohmann::json& context) {
  const auto run = context.find(context_key::run);
  if (run == context.end() || !run->is_object() || !run->contains(context_key::options)) return nullptr;
  return &(*run)[context_key::options];
}

void run_command(const RunArgs& a, CLI::App& cmd, const std::vector<std::string>& command_line,
                 int& exit_code) {
  const CpuInfo& cpu = this_cpu();
  if (!cpu.cap_error.empty()) throw InputError(cpu.cap_error);
  const Topology& topology = []() -> const Topology& {
    try {
      return Topology::binding();
    } catch (const std::exception& e) {
      throw InputError(e.what());  // a bad HWLOC_XMLFILE / HWLOC_SYNTHETIC is the user's input
    }
  }();
  std::optional<run::PreviousRun> previous;
  const nlohmann::json* stored = nullptr;
  if (!a.resume.empty()) {
    try {
      previous = run::read_previous_run(a.resume);
    } catch (const std::exception& e) {
      throw InputError(fmt::format("--resume: {}", e.what()));
    }
    stored = stored_options(previous->context);
  }
  run::RunPlan plan;
  run::RunOptions options;
  try {
    options = plan_options(a, cmd, stored);
    const run::Timings timings = run::load_timings(run::default_timings_path());
    plan = run::make_plan(options, topology.summary(), machine_bench_plan(options.profile), &timings);
    if (const std::uint64_t available = available_memory_bytes(); available > 0) {
      run::check_fits_memory(plan, available);
    }
  } catch (const std::invalid_argument& e) {
    throw InputError(e.what());
  }
  if (previous) {
    try {
      run::check_resumable(plan, *previous);
    } catch (const std::invalid_argument& e) {
      throw InputError(fmt::format("--resume {}: {}", a.resume, e.what()));
    }
  }
  if (a.dry_run) {
    std::cout << (a.json ? run::plan_json(plan).dump(2) + "\n" : run::describe(plan));
    exit_code = 0;
    return;
  }

  const Environment env = read_environment("/", command_line);
  const auto warnings = run::run_warnings(env, topology.summary());
  if (!a.quiet) {
    for (const auto& w : warnings) fmt::print(stderr, "armperf: warning: {}\n", w);
  }
  run::ExecuteSettings settings;
  settings.out_dir = a.resume.empty() ? (a.out.empty() ? default_out_dir(env) : a.out) : a.resume;
  if (a.resume.empty() && std::filesystem::exists(settings.out_dir + "/results.json")) {
    throw InputError(
        fmt::format("--out {}: it already holds results.json (continue it with --resume {}, or "
                    "choose another directory)",
                    settings.out_dir, settings.out_dir));
  }
  settings.resume = !a.resume.empty();
  settings.previous = previous ? &*previous : nullptr;
  settings.timings_path = run::default_timings_path();
  settings.context = run::run_context(env, cpu, topology, options, plan, warnings);
  settings.command_line = command_line;
  settings.progress = a.quiet                   ? run::ProgressMode::quiet
                      : a.json                  ? run::ProgressMode::json
                      : ::isatty(STDOUT_FILENO) ? run::ProgressMode::terminal
                                                : run::ProgressMode::lines;
  const run::RunOutcome outcome = run::execute(plan, settings);
  if (!a.quiet) {
    for (const auto& note : outcome.notes) fmt::print(stderr, "armperf: note: {}\n", note);
  }
  // Failed items are in the notes and report.md; the rows that were measured stay valid.
  exit_code = outcome.signal != 0 ? exit_code_for_signal(outcome.signal) : outcome.items_failed > 0 ? 1 : 0;
}

}  // namespace

void add_run_command(CLI::App& app, int& exit_code) {
  auto* cmd =
      app.add_subcommand("run", "Run the probes and kernel benchmarks of a profile into a results directory");
  static RunArgs a;
  cmd->add_option("--profile", a.profile,
                  "quick (<= 60 s on 2 cores), standard (<= 10 min), full (scales with the machine)")
      ->check(CLI::IsMember({"quick", "standard", "full"}));
  cmd->add_option("--filter", a.filter,
                  "Regex over kernel benchmark names (f32_copy__avx2_u32/4096) and probe names");
  cmd->add_option("--threads", a.threads, "Thread counts, comma-separated: 1,2,4,all");
  cmd->add_option("--placement", a.placement, "compact and/or spread, comma-separated");
  cmd->add_option("--membind", a.membind, "local, remote and/or interleave, comma-separated");
  cmd->add_option("--repetitions", a.repetitions,
                  "Repetitions per benchmark (profile: 1 quick, 9 standard/full)");
  cmd->add_option("--order", a.order,
                  "rounds (default): each round runs every kernel benchmark once, so a slow phase of the "
                  "machine hits all of them alike; items: a benchmark's repetitions back to back")
      ->check(CLI::IsMember({"rounds", "items"}));
  cmd->add_option("--min-time", a.min_time, "Minimum seconds per repetition");
  cmd->add_option("--pmu", a.pmu,
                  "PMU events counted on every row (kernels: per iteration): libpfm4 names and/or "
                  "group:<name> (data/pmu), comma-separated");
  auto* out = cmd->add_option("--out", a.out, "Results directory (default results/<host>-<UTC time>/)");
  cmd->add_option("--resume", a.resume,
                  "Continue the run in DIR: skip what its results.json already holds, measure the "
                  "repetitions a benchmark still lacks")
      ->excludes(out);
  cmd->add_flag("--dry-run", a.dry_run, "Print the plan and its estimated time; measure nothing");
  cmd->add_flag("--quiet", a.quiet, "No progress, warnings or notes");
  cmd->add_flag("--json", a.json, "Progress (or the --dry-run plan) as JSON for machines");
  cmd->callback([cmd, &exit_code] { run_command(a, *cmd, own_command_line(), exit_code); });
}

}  // namespace armperf::cli
