#include "reports/compare.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

#include "reports/stats.hpp"
#include "reports/text.hpp"

namespace armperf::reports {

std::string_view verdict_name(Verdict v) {
  switch (v) {
    case Verdict::regressed: return "regressed";
    case Verdict::improved: return "improved";
    case Verdict::unchanged: return "unchanged";
    case Verdict::noisy: return "noisy";
    case Verdict::added: return "new";
    case Verdict::missing: return "missing";
  }
  return "?";
}

bool CompareResult::any_regression() const { return count(Verdict::regressed) > 0; }

std::size_t CompareResult::count(Verdict v) const {
  return static_cast<std::size_t>(std::count_if(rows.begin(), rows.end(), [v](const Comparison& c) { return c.verdict == v; }));
}

std::size_t min_repetitions_for(double alpha) {
  double central = 2.0;  // C(2n, n) for n = 1
  std::size_t n = 1;
  while (2.0 / central > alpha && n < 1000) {
    central = central * static_cast<double>((2 * n + 1) * (2 * n + 2)) / static_cast<double>((n + 1) * (n + 1));
    ++n;
  }
  return std::max<std::size_t>(n, 3);
}

namespace {

Side side_of(const Metric& m) { return {m.center(), m.samples.size(), m.cv()}; }

// The metric to compare: the base's primary one, when the new run has it too.
std::pair<const Metric*, const Metric*> metrics_to_compare(const Benchmark& base, const Benchmark& next) {
  const Metric* b = base.primary();
  if (b == nullptr) return {nullptr, nullptr};
  const Metric* n = next.metric(b->name);
  if (n == nullptr || std::isnan(n->center())) return {b, nullptr};
  return {b, n};
}

bool usable(const Benchmark* b) { return b != nullptr && b->error.empty() && b->primary() != nullptr; }

std::string unusable_reason(const Benchmark* b, std::string_view side) {
  if (b == nullptr) return fmt::format("not in {}", side);
  if (!b->error.empty()) return fmt::format("{}: {}", side, b->error);
  return fmt::format("no measurement in {}", side);
}

Comparison compare_one(const Benchmark* base, const Benchmark* next, std::size_t min_n) {
  Comparison c;
  c.name = base != nullptr ? base->name : next->name;
  if (!usable(base) || !usable(next)) {
    c.verdict = usable(next) ? Verdict::added : Verdict::missing;
    c.note = usable(next) ? unusable_reason(base, "BASE") : unusable_reason(next, "NEW");
    const Benchmark* present = usable(next) ? next : (usable(base) ? base : nullptr);
    if (present != nullptr) {
      const Metric* m = present->primary();
      c.metric = m->name;
      c.unit = m->unit;
      c.better = m->better;
      (usable(next) ? c.next : c.base) = side_of(*m);
    }
    return c;
  }
  const auto [mb, mn] = metrics_to_compare(*base, *next);
  c.metric = mb->name;
  c.unit = mb->unit;
  c.better = mb->better;
  c.base = side_of(*mb);
  if (mn == nullptr) {
    c.verdict = Verdict::missing;
    c.note = fmt::format("NEW has no {}", mb->name);
    return c;
  }
  c.next = side_of(*mn);
  if (c.base.center == 0.0) {
    c.note = "base median is zero";
    return c;
  }
  c.change = (c.next.center - c.base.center) / c.base.center;
  if (mb->samples.size() >= min_n && mn->samples.size() >= min_n) {
    c.p_value = mann_whitney_u(mb->samples, mn->samples).p_value;
  } else {
    c.note = fmt::format("no U-test (n < {})", min_n);
  }
  return c;
}

void apply_correction(std::vector<Comparison>& rows, Correction correction) {
  std::vector<double> p;
  std::vector<Comparison*> tested;
  for (Comparison& c : rows) {
    if (c.p_value) {
      p.push_back(*c.p_value);
      tested.push_back(&c);
    }
  }
  std::vector<double> adjusted = correction == Correction::holm                 ? holm(p)
                                 : correction == Correction::benjamini_hochberg ? benjamini_hochberg(p)
                                                                                : p;
  for (std::size_t i = 0; i < tested.size(); ++i) tested[i]->p_adjusted = adjusted[i];
}

void decide(Comparison& c, const CompareOptions& options) {
  if (c.verdict == Verdict::added || c.verdict == Verdict::missing || std::isnan(c.change)) return;
  const double worse = c.better == Better::lower ? c.change : -c.change;
  if (std::fabs(worse) <= options.threshold) {
    c.verdict = Verdict::unchanged;
    return;
  }
  const Verdict direction = worse > 0 ? Verdict::regressed : Verdict::improved;
  if (!c.p_adjusted) {
    c.verdict = direction;  // too few repetitions: the threshold alone decides, and the note says so
  } else if (*c.p_adjusted < options.alpha) {
    c.verdict = direction;
  } else {
    c.verdict = Verdict::noisy;
    c.note = fmt::format("not significant (p = {:.3g} >= {})", *c.p_adjusted, options.alpha);
  }
}

}  // namespace

CompareResult compare_runs(const Run& base, const Run& next, const CompareOptions& options) {
  CompareResult result;
  result.base_path = base.path;
  result.new_path = next.path;
  result.options = options;
  result.min_repetitions = min_repetitions_for(options.alpha);
  const auto wanted = [&](const Benchmark& b) { return !options.filter || std::regex_search(b.name, *options.filter); };
  for (const Benchmark& b : base.benchmarks)
    if (wanted(b)) result.rows.push_back(compare_one(&b, next.find(b.key), result.min_repetitions));
  for (const Benchmark& n : next.benchmarks)
    if (wanted(n) && base.find(n.key) == nullptr)
      result.rows.push_back(compare_one(nullptr, &n, result.min_repetitions));
  apply_correction(result.rows, options.correction);
  for (Comparison& c : result.rows) decide(c, options);
  return result;
}

// ---- rendering -----------------------------------------------------------------------------------------

namespace {

std::string_view correction_name(Correction c) {
  switch (c) {
    case Correction::holm: return "Holm";
    case Correction::benjamini_hochberg: return "Benjamini-Hochberg";
    case Correction::none: return "none";
  }
  return "?";
}

std::string side_text(const Side& s, const std::string& unit) { return format_quantity(s.center, unit); }

std::string p_text(const Comparison& c) { return c.p_adjusted ? fmt::format("{:.3g}", *c.p_adjusted) : "—"; }

std::string summary_line(const CompareResult& r) {
  return fmt::format(
      "{} regressed, {} improved, {} unchanged, {} noisy, {} new, {} missing (threshold {}, alpha {}, "
      "correction {}, U-test from {} repetitions per side)",
      r.count(Verdict::regressed), r.count(Verdict::improved), r.count(Verdict::unchanged), r.count(Verdict::noisy),
      r.count(Verdict::added), r.count(Verdict::missing), format_percent(r.options.threshold), r.options.alpha,
      correction_name(r.options.correction), r.min_repetitions);
}

std::string render_text(const CompareResult& r) {
  std::size_t width = 9;
  for (const Comparison& c : r.rows) width = std::max(width, c.name.size());
  std::string out = fmt::format("base: {}\nnew:  {}\n\n", r.base_path, r.new_path);
  out += fmt::format("{:<{}}  {:<16}  {:>14}  {:>14}  {:>8}  {:>8}  {:<9}  {}\n", "benchmark", width, "metric",
                     "base", "new", "change", "p (adj)", "verdict", "note");
  for (const Comparison& c : r.rows) {
    out += fmt::format("{:<{}}  {:<16}  {:>14}  {:>14}  {:>8}  {:>8}  {:<9}  {}\n", c.name, width, c.metric,
                       side_text(c.base, c.unit), side_text(c.next, c.unit), format_percent(c.change, true),
                       p_text(c), verdict_name(c.verdict), c.note);
  }
  return out + "\n" + summary_line(r) + "\n";
}

std::string render_md(const CompareResult& r) {
  std::string out = fmt::format("### armperf compare\n\nbase: {} · new: {}\n\n", md_cell(r.base_path),
                                md_cell(r.new_path));
  out += "| benchmark | metric | base | new | change | p (adj) | verdict | note |\n";
  out += "|---|---|---:|---:|---:|---:|---|---|\n";
  for (const Comparison& c : r.rows) {
    const std::string verdict = c.verdict == Verdict::regressed ? "**regressed**" : std::string(verdict_name(c.verdict));
    out += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} |\n", md_cell(c.name), md_cell(c.metric),
                       side_text(c.base, c.unit), side_text(c.next, c.unit), format_percent(c.change, true),
                       p_text(c), verdict, md_cell(c.note));
  }
  return out + "\n" + summary_line(r) + "\n";
}

nlohmann::json number_or_null(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); }

std::string render_json(const CompareResult& r) {
  nlohmann::json rows = nlohmann::json::array();
  for (const Comparison& c : r.rows) {
    const auto side = [](const Side& s) {
      return nlohmann::json{{"median", number_or_null(s.center)}, {"n", s.n}, {"cv", number_or_null(s.cv)}};
    };
    rows.push_back({{"name", c.name},
                    {"metric", c.metric},
                    {"unit", c.unit},
                    {"better", c.better == Better::lower ? "lower" : "higher"},
                    {"base", side(c.base)},
                    {"new", side(c.next)},
                    {"change", number_or_null(c.change)},
                    {"p_value", c.p_value ? nlohmann::json(*c.p_value) : nlohmann::json()},
                    {"p_adjusted", c.p_adjusted ? nlohmann::json(*c.p_adjusted) : nlohmann::json()},
                    {"verdict", verdict_name(c.verdict)},
                    {"note", c.note}});
  }
  nlohmann::json doc = {{"base", r.base_path},
                        {"new", r.new_path},
                        {"threshold", r.options.threshold},
                        {"alpha", r.options.alpha},
                        {"correction", correction_name(r.options.correction)},
                        {"min_repetitions", r.min_repetitions},
                        {"regression", r.any_regression()},
                        {"benchmarks", rows}};
  return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

// XML 1.0 allows no control characters but tab and line breaks, not even as references.
std::string xml_escape(std::string_view s) {
  std::string out = html_escape(s);
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') c = '?';
  return out;
}

std::string render_junit(const CompareResult& r) {
  std::string cases;
  for (const Comparison& c : r.rows) {
    const std::string message =
        fmt::format("{} {}: {} -> {} ({}){}", c.metric, verdict_name(c.verdict), side_text(c.base, c.unit),
                    side_text(c.next, c.unit), format_percent(c.change, true), c.note.empty() ? "" : "; " + c.note);
    cases += fmt::format("    <testcase classname=\"armperf.compare\" name=\"{}\">", xml_escape(c.name));
    if (c.verdict == Verdict::regressed) {
      cases += fmt::format("<failure message=\"{}\"/>", xml_escape(message));
    } else if (c.verdict == Verdict::added || c.verdict == Verdict::missing) {
      cases += fmt::format("<skipped message=\"{}\"/>", xml_escape(message));
    } else {
      cases += fmt::format("<system-out>{}</system-out>", xml_escape(message));
    }
    cases += "</testcase>\n";
  }
  const std::size_t skipped = r.count(Verdict::added) + r.count(Verdict::missing);
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n  <testsuite name=\"armperf compare\" "
      "tests=\"{}\" failures=\"{}\" skipped=\"{}\" errors=\"0\">\n{}  </testsuite>\n</testsuites>\n",
      r.rows.size(), r.count(Verdict::regressed), skipped, cases);
}

}  // namespace

std::string render_compare(const CompareResult& result, CompareFormat format) {
  switch (format) {
    case CompareFormat::text: return render_text(result);
    case CompareFormat::md: return render_md(result);
    case CompareFormat::json: return render_json(result);
    case CompareFormat::junit: return render_junit(result);
  }
  return {};
}

}  // namespace armperf::reports
