// armperf compare BASE NEW (DESIGN §6): per benchmark the medians of its primary metric, the change, a
// Mann–Whitney U test over the repetitions when both sides have enough of them (corrected over all tested
// benchmarks), and a verdict. Direction-aware: a time that grows or a throughput that shrinks is worse.
#pragma once

#include <cstddef>
#include <limits>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "reports/model.hpp"

namespace armperf::reports {

enum class Verdict { regressed, improved, unchanged, noisy, added, missing };
std::string_view verdict_name(Verdict v);  // "regressed", ..., "new", "missing"

enum class Correction { holm, benjamini_hochberg, none };

struct CompareOptions {
  double threshold = 0.05;  // relative change below which a difference does not matter
  double alpha = 0.01;      // significance level after correction
  Correction correction = Correction::holm;
  std::optional<std::regex> filter;  // on the benchmark name; unmatched benchmarks are left out
};

struct Side {
  double center = std::numeric_limits<double>::quiet_NaN();  // median, or the file's reported aggregate
  std::size_t n = 0;                                          // repetitions with a value
  double cv = std::numeric_limits<double>::quiet_NaN();
};

struct Comparison {
  std::string name;
  std::string metric;
  std::string unit;
  Better better = Better::lower;
  Side base, next;
  double change = std::numeric_limits<double>::quiet_NaN();  // (new - base) / base of the metric itself
  std::optional<double> p_value, p_adjusted;
  Verdict verdict = Verdict::unchanged;
  std::string note;  // why a verdict is what it is: "no U-test (n < 5)", an error message, ...
};

struct CompareResult {
  std::string base_path, new_path;
  CompareOptions options;
  std::size_t min_repetitions = 0;  // per side, for the U-test to be run
  std::vector<Comparison> rows;

  bool any_regression() const;
  std::size_t count(Verdict v) const;
};

// Fewest repetitions per side with which the exact two-sided U-test can reach `alpha` at all:
// the smallest n with 2 / C(2n, n) <= alpha (5 for alpha = 0.01).
std::size_t min_repetitions_for(double alpha);

CompareResult compare_runs(const Run& base, const Run& next, const CompareOptions& options);

enum class CompareFormat { text, md, json, junit };
std::string render_compare(const CompareResult& result, CompareFormat format);

}  // namespace armperf::reports
