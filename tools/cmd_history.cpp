// armperf history add|show|trend|check: results over time in a store (SQLite file by default).
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "reports/history.hpp"
#include "reports/load.hpp"
#include "reports/trend.hpp"
#include "tools/cli.hpp"
#include "tools/report_options.hpp"

namespace armperf::cli {
namespace {

struct HistoryArgs {
  std::string db = "armperf.db";
  std::string file, commit, branch;
  std::string benchmark, machine;
  std::string format;
  std::size_t window = 5;
  std::string threshold = "5%";
};

std::unique_ptr<reports::HistoryStore> open_store(const std::string& db) {
  try {
    return reports::open_history(db);
  } catch (const reports::HistoryError& e) {
    throw InputError(e.what());
  }
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void add(const HistoryArgs& a) {
  const reports::Run run = load_or_throw(a.file);  // validates before the store is touched
  const auto store = open_store(a.db);
  const reports::RunMeta meta{reports::content_hash(read_file(a.file)), a.file, a.commit, a.branch};
  const reports::AddOutcome out = store->add(run, meta);
  if (out.added)
    fmt::print("added run {} ({} results, machine {}) to {}\n", out.run_id, out.results, out.machine, a.db);
  else
    fmt::print("{} is already stored as run {} in {}: nothing added\n", a.file, out.run_id, a.db);
}

void show(const HistoryArgs& a) {
  reports::HistoryQuery q;
  if (!a.benchmark.empty()) q.benchmark = compile_filter(a.benchmark);
  q.machine = a.machine;
  fmt::print("{}", reports::render_points(open_store(a.db)->points(q),
                                          a.format == "md" ? reports::HistoryFormat::md : reports::HistoryFormat::text));
}

void trend(const HistoryArgs& a) {
  reports::HistoryQuery q;
  q.exact_benchmark = a.benchmark;
  q.machine = a.machine;
  const auto points = open_store(a.db)->points(q);
  if (points.empty()) throw InputError(fmt::format("history trend: no stored results for \"{}\" in {}", a.benchmark, a.db));
  if (a.format == "svg") {
    std::string why_not;
    const std::string svg = reports::trend_svg(a.benchmark, points, why_not);
    if (svg.empty()) throw InputError("history trend --format svg: " + why_not);
    fmt::print("{}\n", svg);
  } else if (a.format == "html") {
    fmt::print("{}", reports::render_trend_html(a.benchmark, points));
  } else {
    fmt::print("{}", reports::render_trend_md(a.benchmark, points));
  }
}

int check(const HistoryArgs& a) {
  if (a.window == 0) throw InputError("--window: expected at least 1 previous run");
  const double threshold = parse_percent(a.threshold, "--threshold");
  reports::HistoryQuery q;
  q.machine = a.machine;
  const auto checks = reports::check_trends(open_store(a.db)->points(q), a.window, threshold);
  fmt::print("{}", reports::render_checks(checks, a.window, threshold));
  return std::any_of(checks.begin(), checks.end(), [](const reports::TrendCheck& c) { return c.regressed; }) ? 1 : 0;
}

}  // namespace

void add_history_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("history", "Results over time: add runs to a store, show, chart and check them");
  cmd->require_subcommand(1);
  static HistoryArgs args;
  const auto db_option = [](CLI::App* sub) {
    sub->add_option("--db", args.db, "SQLite file of the history (default ./armperf.db)");
  };

  auto* add_cmd = cmd->add_subcommand("add", "Store a result file (the same file twice adds nothing)");
  add_cmd->add_option("FILE", args.file, "Result file (armperf or Google Benchmark JSON)")->required();
  add_cmd->add_option("--commit", args.commit, "Commit of the measured code");
  add_cmd->add_option("--branch", args.branch, "Branch of the measured code");
  db_option(add_cmd);
  add_cmd->callback([&exit_code] {
    add(args);
    exit_code = 0;
  });

  auto* show_cmd = cmd->add_subcommand("show", "Stored results, oldest run first");
  show_cmd->add_option("--benchmark", args.benchmark, "Only benchmarks whose name matches this regular expression");
  show_cmd->add_option("--machine", args.machine, "Only this machine (host name)");
  show_cmd->add_option("--format", args.format, "text or md")->check(CLI::IsMember({"text", "md"}));
  db_option(show_cmd);
  show_cmd->callback([&exit_code] {
    show(args);
    exit_code = 0;
  });

  auto* trend_cmd = cmd->add_subcommand("trend", "One benchmark over the stored runs, per machine");
  trend_cmd->add_option("--benchmark", args.benchmark, "The benchmark (exact name)")->required();
  trend_cmd->add_option("--machine", args.machine, "Only this machine (host name)");
  trend_cmd->add_option("--format", args.format, "md (default), svg or html")
      ->check(CLI::IsMember({"md", "svg", "html"}));
  db_option(trend_cmd);
  trend_cmd->callback([&exit_code] {
    trend(args);
    exit_code = 0;
  });

  auto* check_cmd = cmd->add_subcommand(
      "check", "Exit 1 when the newest run of a benchmark regressed against the median of the runs before it");
  check_cmd->add_option("--window", args.window, "How many previous runs on the same machine (default 5)");
  check_cmd->add_option("--threshold", args.threshold, "Smallest change that counts, e.g. 5% (default 5%)");
  check_cmd->add_option("--machine", args.machine, "Only this machine (host name)");
  db_option(check_cmd);
  check_cmd->callback([&exit_code] { exit_code = check(args); });
}

}  // namespace armperf::cli
