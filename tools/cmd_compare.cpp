// armperf compare BASE NEW: per-benchmark change, U-test and verdict; exit 1 on a significant regression
// beyond the threshold (DESIGN §6), so a CI job can gate on it.
#include <fmt/format.h>

#include <cstdio>
#include <regex>
#include <string>

#include "reports/compare.hpp"
#include "reports/load.hpp"
#include "tools/cli.hpp"
#include "tools/report_options.hpp"

namespace armperf::cli {
namespace {

struct CompareArgs {
  std::string base, next;
  std::string threshold = "5%";
  double alpha = 0.01;
  std::string format = "text";
  std::string filter;
  std::string correction = "holm";
};

reports::CompareOptions options_from(const CompareArgs& args) {
  reports::CompareOptions options;
  options.threshold = parse_percent(args.threshold, "--threshold");
  if (!(args.alpha > 0.0 && args.alpha < 1.0))
    throw InputError(fmt::format("--alpha: expected a probability between 0 and 1, got {}", args.alpha));
  options.alpha = args.alpha;
  options.correction = args.correction == "holm" ? reports::Correction::holm
                       : args.correction == "bh" ? reports::Correction::benjamini_hochberg
                                                 : reports::Correction::none;
  if (!args.filter.empty()) options.filter = compile_filter(args.filter);
  return options;
}

reports::CompareFormat format_from(const std::string& name) {
  if (name == "md") return reports::CompareFormat::md;
  if (name == "json") return reports::CompareFormat::json;
  if (name == "junit") return reports::CompareFormat::junit;
  return reports::CompareFormat::text;
}

}  // namespace

void add_compare_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "compare", "Compare two result files: median change, U-test, verdict; exit 1 on a significant regression");
  static CompareArgs args;
  cmd->add_option("BASE", args.base, "Baseline result file (armperf or Google Benchmark JSON)")->required();
  cmd->add_option("NEW", args.next, "Result file to judge against the baseline")->required();
  cmd->add_option("--threshold", args.threshold, "Smallest change that counts, e.g. 5% (default 5%)");
  cmd->add_option("--alpha", args.alpha, "Significance level of the corrected U-test (default 0.01)");
  cmd->add_option("--format", args.format, "text, md, json or junit")
      ->check(CLI::IsMember({"text", "md", "json", "junit"}));
  cmd->add_option("--filter", args.filter, "Only benchmarks whose name matches this regular expression");
  cmd->add_option("--correction", args.correction, "Multiple-comparison correction: holm (default), bh, none")
      ->check(CLI::IsMember({"holm", "bh", "none"}));
  cmd->callback([&exit_code] {
    const reports::CompareOptions options = options_from(args);
    const reports::Run base = load_or_throw(args.base);
    const reports::Run next = load_or_throw(args.next);
    const reports::CompareResult result = reports::compare_runs(base, next, options);
    fmt::print("{}", reports::render_compare(result, format_from(args.format)));
    std::fflush(stdout);
    exit_code = result.any_regression() ? 1 : 0;
  });
}

}  // namespace armperf::cli
