#include "reports/report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <tuple>
#include <set>
#include <unordered_map>

#include "core/result.hpp"
#include "reports/stats.hpp"
#include "reports/text.hpp"

namespace armperf::reports {
namespace {

std::string file_stem(const std::string& path) { return std::filesystem::path(path).stem().string(); }

std::string date_of(const Run& run) { return run.context_value(context_key::date).substr(0, 10); }

// Context keys that differ on every run and say nothing about the machine or its setup.
bool is_volatile(std::string_view key) {
  for (const char* k : {context_key::date, context_key::executable, context_key::load_avg,
                        context_key::scaling_cur_khz, context_key::command_line})
    if (key == k) return true;
  return false;
}

// Keys a reader looks for first in "what differs" (DESIGN §5 context), in this order; the rest follow by name.
// cpu_model and mhz_per_cpu are Google Benchmark's and older armperf files' names for the CPU.
const std::array<std::string_view, 20> kKeyOrder = {
    context_key::host_name,     "cpu_model",                   context_key::num_cpus,
    "mhz_per_cpu",              context_key::online_cpus,      context_key::smt_control,
    context_key::mem_total_kib, context_key::memory_modules,   context_key::kernel_version,
    context_key::compiler,      context_key::build_flags,      context_key::cpufreq_governors,
    context_key::thp_enabled,   context_key::thp_defrag,       context_key::mitigations,
    context_key::hypervisor,    context_key::dmi_product_name, context_key::cpu_scaling_enabled,
    context_key::library_build_type, context_key::armperf_version};

std::size_t key_rank(const std::string& key) {
  const auto it = std::find(kKeyOrder.begin(), kKeyOrder.end(), key);
  return static_cast<std::size_t>(it - kKeyOrder.begin());
}

Cell make_cell(const Benchmark* b, const std::string& metric) {
  Cell cell;
  if (b == nullptr) return cell;
  cell.present = true;
  if (!b->error.empty()) {
    cell.error = b->error;
    return cell;
  }
  const Metric* m = b->metric(metric);
  if (m == nullptr || std::isnan(m->center())) {
    cell.error = "no " + metric;
    return cell;
  }
  cell.median = m->center();
  cell.n = !m->samples.empty() ? m->samples.size() : static_cast<std::size_t>(b->repetitions);
  cell.min = m->samples.empty() ? kNaN : minimum(m->samples);
  const MedianInterval ci = m->samples.size() >= 2 ? median_interval(m->samples) : MedianInterval{kNaN, kNaN, 0};
  cell.ci_low = ci.low;
  cell.ci_high = ci.high;
  cell.ci_coverage = ci.coverage;
  cell.cv = m->cv();
  cell.noisy = cell.cv > kNoisyCv;
  cell.speedup = kNaN;
  if (const Metric* peak = b->metric(row_key::pct_of_peak); peak != nullptr && metric != row_key::pct_of_peak)
    cell.pct_of_peak = peak->center();
  return cell;
}

// armperf rows have a size field; a gbench name sweeps a size when it ends in "/<number>".
std::pair<std::string, double> sweep_of(const Benchmark& b) {
  const auto number = [](const std::string& text) {
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    return end != text.c_str() && *end == '\0' && v > 0 && std::isfinite(v) ? v : 0.0;
  };
  if (!b.op.empty()) {
    const double size = number(b.size);
    if (size == 0) return {};
    return {fmt::format("{}/{}/{}/{}/threads:{}", b.op, b.impl, b.isa, b.dtype, b.threads), size};
  }
  const auto slash = b.name.rfind('/');
  if (slash == std::string::npos) return {};
  const double size = number(b.name.substr(slash + 1));
  if (size == 0) return {};
  return {b.name.substr(0, slash), size};
}

// The benchmark without its thread count: armperf's key without threads, a gbench name without "/threads:N".
std::string scaling_group_of(const Benchmark& b) {
  if (!b.op.empty()) {
    std::string group = fmt::format("{}/{}/{}/{}/{}", b.op, b.impl, b.isa, b.dtype, b.size);
    if (!b.placement.empty()) group += "/" + b.placement;
    if (!b.membind.empty()) group += "/" + b.membind;
    return group;
  }
  const auto at = b.name.find("/threads:");
  if (at == std::string::npos) return b.name;
  const auto end = b.name.find('/', at + 1);
  return b.name.substr(0, at) + (end == std::string::npos ? "" : b.name.substr(end));
}

bool measured(const Cell& c) { return c.present && c.error.empty() && std::isfinite(c.median); }

double speedup(const Cell& base, const Cell& cell, Better better) {
  if (!measured(base) || !measured(cell) || base.median <= 0 || cell.median <= 0) return kNaN;
  return better == Better::lower ? base.median / cell.median : cell.median / base.median;
}

std::vector<FamilySummary> summarize_families(const std::vector<ReportRow>& rows, std::size_t columns) {
  std::vector<FamilySummary> families;
  std::unordered_map<std::string, std::size_t> index;
  std::vector<std::vector<double>> log_sums;
  for (const ReportRow& row : rows) {
    auto [it, inserted] = index.emplace(row.family, families.size());
    if (inserted) {
      families.push_back({row.family, std::vector<double>(columns, kNaN), std::vector<std::size_t>(columns, 0)});
      log_sums.emplace_back(columns, 0.0);
    }
    for (std::size_t c = 0; c < columns; ++c) {
      const double s = row.cells[c].speedup;
      if (std::isfinite(s) && s > 0) {
        log_sums[it->second][c] += std::log(s);
        ++families[it->second].shared[c];
      }
    }
  }
  for (std::size_t f = 0; f < families.size(); ++f)
    for (std::size_t c = 0; c < columns; ++c)
      if (families[f].shared[c] > 0)
        families[f].geomean_speedup[c] = std::exp(log_sums[f][c] / static_cast<double>(families[f].shared[c]));
  return families;
}

std::vector<ScalingTable> scaling_tables(const std::vector<ReportRow>& rows, std::size_t columns) {
  std::vector<ScalingTable> tables;
  std::map<std::string, std::map<int, const ReportRow*>> groups;
  std::vector<std::string> order;
  for (const ReportRow& row : rows) {
    if (row.threads <= 0 || row.metric.empty()) continue;
    auto [it, inserted] = groups.try_emplace(row.scaling_group);
    if (inserted) order.push_back(row.scaling_group);
    const auto& first = it->second.empty() ? row : *it->second.begin()->second;
    if (first.metric == row.metric) it->second.emplace(row.threads, &row);
  }
  for (const std::string& group : order) {
    const auto& by_threads = groups[group];
    if (by_threads.size() < 2) continue;
    const ReportRow& base_row = *by_threads.begin()->second;
    ScalingTable t{group, base_row.metric, base_row.unit, {}, {}, {}};
    for (const auto& [threads, row] : by_threads) {
      t.threads.push_back(threads);
      std::vector<double> values(columns, kNaN), efficiency(columns, kNaN);
      for (std::size_t c = 0; c < columns; ++c) {
        const Cell& cell = row->cells[c];
        const Cell& base = base_row.cells[c];
        if (!measured(cell)) continue;
        values[c] = cell.median;
        // NaN where the base count's cell has no rate (speedup()).
        efficiency[c] = speedup(base, cell, row->better) * static_cast<double>(t.threads.front()) /
                        static_cast<double>(threads);
      }
      t.value.push_back(std::move(values));
      t.efficiency.push_back(std::move(efficiency));
    }
    tables.push_back(std::move(t));
  }
  return tables;
}

std::vector<ContextDifference> context_differences(const std::vector<ReportInput>& inputs) {
  std::set<std::string> keys;
  for (const ReportInput& in : inputs)
    for (const auto& [k, v] : in.run.context) keys.insert(k);
  std::vector<ContextDifference> out;
  for (const std::string& key : keys) {
    if (is_volatile(key)) continue;
    ContextDifference d{key, {}};
    for (const ReportInput& in : inputs) d.values.push_back(in.run.context_value(key));
    if (std::adjacent_find(d.values.begin(), d.values.end(), std::not_equal_to<>()) != d.values.end())
      out.push_back(std::move(d));
  }
  std::stable_sort(out.begin(), out.end(), [](const ContextDifference& a, const ContextDifference& b) {
    return key_rank(a.key) < key_rank(b.key);
  });
  return out;
}

}  // namespace

std::vector<std::string> input_labels(const std::vector<Run>& runs) {
  std::vector<std::string> labels;
  for (const Run& run : runs) {
    const std::string host = run.context_value(context_key::host_name);
    labels.push_back(host.empty() ? file_stem(run.path) : host);
  }
  const auto repeated = [](const std::vector<std::string>& v, std::size_t i) {
    return std::count(v.begin(), v.end(), v[i]) > 1;
  };
  std::vector<std::string> dated = labels;
  for (std::size_t i = 0; i < runs.size(); ++i)
    if (repeated(labels, i) && !date_of(runs[i]).empty()) dated[i] += " " + date_of(runs[i]);
  std::vector<std::string> numbered = dated;
  for (std::size_t i = 0; i < runs.size(); ++i)
    if (repeated(dated, i)) numbered[i] += fmt::format(" #{}", i + 1);
  return numbered;
}

Report build_report(const std::vector<ReportInput>& inputs, std::size_t baseline) {
  Report report;
  report.baseline = baseline;
  for (const ReportInput& in : inputs) {
    report.labels.push_back(in.label);
    report.paths.push_back(in.run.path);
    report.contexts.push_back(in.run.context);
  }
  // Rows in the order the baseline lists them, then benchmarks only other inputs have.
  std::vector<std::size_t> order = {baseline};
  for (std::size_t i = 0; i < inputs.size(); ++i)
    if (i != baseline) order.push_back(i);
  std::set<std::string> seen;
  for (std::size_t i : order) {
    for (const Benchmark& b : inputs[i].run.benchmarks) {
      // Accuracy rows have their own view (errors in ulp, a bound, a verdict), not a speedup.
      if (b.suite == row_value::accuracy) continue;
      if (!seen.insert(b.key).second) continue;
      ReportRow row;
      row.key = b.key;
      row.name = b.name;
      row.family = b.family;
      std::tie(row.sweep, row.size) = sweep_of(b);
      row.scaling_group = scaling_group_of(b);
      row.threads = b.threads;
      row.probe = b.suite == row_value::probe;
      for (std::size_t j : order) {
        const Benchmark* other = inputs[j].run.find(b.key);
        const Metric* m = other != nullptr ? other->primary() : nullptr;
        if (m != nullptr) {
          row.metric = m->name;
          row.unit = m->unit;
          row.better = m->better;
          break;
        }
      }
      for (const ReportInput& in : inputs) row.cells.push_back(make_cell(in.run.find(b.key), row.metric));
      for (Cell& cell : row.cells) cell.speedup = speedup(row.cells[baseline], cell, row.better);
      report.rows.push_back(std::move(row));
    }
  }
  report.families = summarize_families(report.rows, inputs.size());
  report.scaling = scaling_tables(report.rows, inputs.size());
  report.differences = context_differences(inputs);
  std::vector<Run> runs;
  for (const ReportInput& in : inputs) runs.push_back(in.run);
  report.views = report_views(runs, report.labels);
  return report;
}

// ---- rendering -----------------------------------------------------------------------------------------

namespace {

std::string speedup_text(double s) { return std::isfinite(s) ? fmt::format("{:.2f}×", s) : "—"; }

std::string context_or_dash(const std::map<std::string, std::string>& ctx, const std::string& key) {
  const auto it = ctx.find(key);
  return it == ctx.end() || it->second.empty() ? "—" : it->second;
}

std::string cpus_text(const std::map<std::string, std::string>& ctx) {
  const std::string cpus = context_or_dash(ctx, context_key::num_cpus), mhz = context_or_dash(ctx, "mhz_per_cpu");
  return mhz == "—" ? cpus : cpus + " × " + mhz + " MHz";
}

// The row's values share the scale of its first measured value, so a column of numbers reads at a glance.
UnitScale row_scale(const ReportRow& row) {
  for (const Cell& c : row.cells)
    if (measured(c)) return unit_scale(c.median, row.unit);
  return unit_scale(0, row.unit);
}

// `baseline` is the baseline's label, already escaped for the output format.
std::string explanation(const std::string& baseline) {
  return fmt::format(
      "Median over repetitions of each benchmark's primary metric (a throughput where the benchmark has one, "
      "else real time). Speedup is against {}: above 1 is better, whatever the metric's direction. "
      "cv is the coefficient of variation over repetitions; above {:.0f}% the result is marked noisy. "
      "% of peak, where a benchmark states it (GEMM, peakflops), is the median of its pct_of_peak: its rate "
      "against the theoretical peak of the instructions it ran, at the clock measured with it.",
      baseline, kNoisyCv * 100);
}

// The cell's median with its unit, and its % of peak where the benchmark states one.
std::string rate_text(const Cell& c, const UnitScale& scale) {
  std::string out = format_scaled(c.median, scale);
  if (std::isfinite(c.pct_of_peak)) out += fmt::format(", {:.1f}% of peak", c.pct_of_peak);
  return out;
}

std::string md_value(const Cell& c, const UnitScale& scale) {
  if (!c.present) return "—";
  if (!c.error.empty()) return "skipped: " + md_cell(c.error);
  std::string out = rate_text(c, scale);
  if (std::isfinite(c.cv)) out += fmt::format(" (cv {}{})", format_percent(c.cv), c.noisy ? ", **noisy**" : "");
  return out;
}


// A probe view's chart is shown beside its table; the Charts section holds the others.
const Chart* chart_of(const Charts& charts, const View& view) {
  const auto it = std::find_if(charts.charts.begin(), charts.charts.end(),
                               [&](const Chart& c) { return c.title == view.title; });
  return it == charts.charts.end() ? nullptr : &*it;
}

bool is_view_chart(const Report& r, const Chart& chart) {
  return std::any_of(r.views.begin(), r.views.end(), [&](const View& v) { return v.title == chart.title; });
}

std::string markdown_view(const View& v, const Charts& charts) {
  std::string out = "\n## " + md_cell(v.title) + "\n\n" + md_cell(v.note) + "\n\n";
  if (!v.rows.empty()) {
    std::string rule = "|";
    out += "|";
    for (std::size_t i = 0; i < v.header.size(); ++i) {
      out += " " + md_cell(v.header[i]) + " |";
      rule += i < v.text_columns ? "---|" : "---:|";
    }
    out += "\n" + rule + "\n";
    for (const auto& row : v.rows) {
      out += "|";
      for (const std::string& cell : row) out += " " + md_cell(cell) + " |";
      out += "\n";
    }
  }
  if (const Chart* c = chart_of(charts, v)) out += fmt::format("\n![{}]({})\n", md_cell(c->title), c->file_name);
  return out;
}

std::string html_view(const View& v, const Charts& charts) {
  std::string out = "<h2>" + html_escape(v.title) + "</h2>\n<p class=\"note\">" + html_escape(v.note) + "</p>\n";
  if (!v.rows.empty()) {
    out += "<table>\n<tr>";
    for (const std::string& h : v.header) out += "<th>" + html_escape(h) + "</th>";
    out += "</tr>\n";
    for (const auto& row : v.rows) {
      out += "<tr>";
      for (std::size_t i = 0; i < row.size(); ++i)
        out += (i < v.text_columns ? "<td>" : "<td class=\"num\">") + html_escape(row[i]) + "</td>";
      out += "</tr>\n";
    }
    out += "</table>\n";
  }
  if (const Chart* c = chart_of(charts, v)) out += "<figure>\n" + c->svg + "\n</figure>\n";
  return out;
}
}  // namespace

std::string render_markdown(const Report& r, const Charts& charts) {
  const std::size_t columns = r.labels.size();
  std::string out = "# armperf report\n\n## Inputs\n\n| column | file | host | CPU | CPUs | date |\n|---|---|---|---|---|---|\n";
  for (std::size_t i = 0; i < columns; ++i) {
    out += fmt::format("| {}{} | {} | {} | {} | {} | {} |\n", md_cell(r.labels[i]), i == r.baseline ? " (baseline)" : "",
                       md_cell(r.paths[i]), md_cell(context_or_dash(r.contexts[i], context_key::host_name)),
                       md_cell(context_or_dash(r.contexts[i], "cpu_model")), md_cell(cpus_text(r.contexts[i])),
                       md_cell(context_or_dash(r.contexts[i], context_key::date)));
  }
  std::string rule;
  if (r.rows.empty()) {
    out += "\n## Results\n\nNo benchmark to compare: the inputs' rows are all in the views below.\n";
  } else {
    out += "\n## Results\n\n" + explanation(md_cell(r.labels[r.baseline])) + "\n\n| benchmark | metric |";
    rule = "|---|---|";
    for (std::size_t i = 0; i < columns; ++i) {
      out += " " + md_cell(r.labels[i]) + " |";
      rule += "---:|";
      if (i != r.baseline) {
        out += " speedup |";
        rule += "---:|";
      }
    }
    out += "\n" + rule + "\n";
    for (const ReportRow& row : r.rows) {
      const UnitScale scale = row_scale(row);
      out += fmt::format("| {} | {} |", md_cell(row.name), md_cell(row.metric));
      for (std::size_t i = 0; i < columns; ++i) {
        out += " " + md_value(row.cells[i], scale) + " |";
        if (i != r.baseline) out += " " + speedup_text(row.cells[i].speedup) + " |";
      }
      out += "\n";
    }
  }
  for (const ScalingTable& t : r.scaling) {
    out += fmt::format("\n## Scaling: {} ({})\n\nParallel efficiency: speedup over {} thread(s) divided by the thread "
                       "ratio (100% is linear).\n\n| threads |",
                       md_cell(t.group), md_cell(t.metric), t.threads.front());
    rule = "|---:|";
    for (std::size_t i = 0; i < columns; ++i) {
      out += " " + md_cell(r.labels[i]) + " | efficiency |";
      rule += "---:|---:|";
    }
    out += "\n" + rule + "\n";
    const UnitScale scale = unit_scale(t.value.front()[r.baseline], t.unit);
    for (std::size_t k = 0; k < t.threads.size(); ++k) {
      out += fmt::format("| {} |", t.threads[k]);
      for (std::size_t i = 0; i < columns; ++i)
        out += fmt::format(" {} | {} |", format_scaled(t.value[k][i], scale), format_percent(t.efficiency[k][i]));
      out += "\n";
    }
  }
  for (const View& v : r.views) out += markdown_view(v, charts);
  if (columns > 1) {
    if (!r.families.empty()) out += fmt::format("\n## Geometric mean of speedups per family (vs {})\n\n| family |", md_cell(r.labels[r.baseline]));
    rule = "|---|";
    for (std::size_t i = 0; i < columns && !r.families.empty(); ++i) {
      if (i == r.baseline) continue;
      out += " " + md_cell(r.labels[i]) + " |";
      rule += "---:|";
    }
    if (!r.families.empty()) out += "\n" + rule + "\n";
    for (const FamilySummary& f : r.families) {
      out += "| " + md_cell(f.family) + " |";
      for (std::size_t i = 0; i < columns; ++i)
        if (i != r.baseline) out += fmt::format(" {} (n = {}) |", speedup_text(f.geomean_speedup[i]), f.shared[i]);
      out += "\n";
    }
    out += "\n## What differs\n\n";
    if (r.differences.empty()) {
      out += "The inputs' contexts are identical (apart from date, load and command line).\n";
    } else {
      out += "| context |";
      rule = "|---|";
      for (const std::string& label : r.labels) {
        out += " " + md_cell(label) + " |";
        rule += "---|";
      }
      out += "\n" + rule + "\n";
      for (const ContextDifference& d : r.differences) {
        out += "| " + md_cell(d.key) + " |";
        for (const std::string& v : d.values) out += " " + (v.empty() ? std::string("—") : md_cell(v)) + " |";
        out += "\n";
      }
    }
  }
  out += "\n## Charts\n\n";
  if (!charts.skipped.empty()) out += "Charts skipped: " + md_cell(charts.skipped) + "\n";
  for (const Chart& c : charts.charts)
    if (!is_view_chart(r, c)) out += fmt::format("![{}]({})\n\n", md_cell(c.title), c.file_name);
  return out;
}

namespace {

constexpr std::string_view kStyle = R"(
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2em auto; max-width: 80em;
       padding: 0 1em; color: #1d2330; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #d6dbe4; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.92em; }
th, td { border: 1px solid #d6dbe4; padding: 0.3em 0.6em; vertical-align: top; }
th { background: #eef1f6; text-align: left; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.num small { display: block; color: #5d6675; font-size: 0.8em; white-space: normal; max-width: 16em;
               margin-left: auto; }
td.noisy { background: #fff4d6; }
td.better { color: #126b2f; } td.worse { color: #a3261b; }
td.skipped { color: #5d6675; font-style: italic; }
p.note { color: #5d6675; max-width: 60em; }
figure { margin: 1.5em 0; } figure svg { width: 100%; max-width: 760px; height: auto; }
figcaption { font-weight: 600; margin-bottom: 0.3em; }
)";

std::string html_value(const Cell& c, const UnitScale& scale) {
  if (!c.present) return "<td class=\"num\">—</td>";
  if (!c.error.empty()) return "<td class=\"skipped\">skipped: " + html_escape(c.error) + "</td>";
  // The detail line repeats no unit: it is the one of the value above it.
  const auto bare = [&](double v) { return format_number(v / scale.divisor); };
  std::string detail = fmt::format("n = {}", c.n);
  if (std::isfinite(c.min)) detail += " · min " + bare(c.min);
  if (std::isfinite(c.ci_low))
    detail += fmt::format(" · {:.3g}% CI {}–{}", c.ci_coverage * 100, bare(c.ci_low), bare(c.ci_high));
  if (std::isfinite(c.cv)) detail += " · cv " + format_percent(c.cv) + (c.noisy ? " noisy" : "");
  return fmt::format("<td class=\"num{}\">{}<small>{}</small></td>", c.noisy ? " noisy" : "",
                     html_escape(rate_text(c, scale)), html_escape(detail));
}

std::string html_speedup(double s) {
  const char* cls = !std::isfinite(s) ? "num" : s > 1.0 ? "num better" : s < 1.0 ? "num worse" : "num";
  return fmt::format("<td class=\"{}\">{}</td>", cls, speedup_text(s));
}

}  // namespace

std::string render_html(const Report& r, const Charts& charts) {
  const std::size_t columns = r.labels.size();
  std::string out = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
      "content=\"width=device-width, initial-scale=1\">\n<title>armperf report</title>\n<style>{}</style>\n</head>\n"
      "<body>\n<h1>armperf report</h1>\n<h2>Inputs</h2>\n<table>\n<tr><th>column</th><th>file</th><th>host</th>"
      "<th>CPU</th><th>CPUs</th><th>date</th></tr>\n",
      kStyle);
  for (std::size_t i = 0; i < columns; ++i) {
    out += fmt::format("<tr><td>{}{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                       html_escape(r.labels[i]), i == r.baseline ? " <em>(baseline)</em>" : "", html_escape(r.paths[i]),
                       html_escape(context_or_dash(r.contexts[i], context_key::host_name)),
                       html_escape(context_or_dash(r.contexts[i], "cpu_model")), html_escape(cpus_text(r.contexts[i])),
                       html_escape(context_or_dash(r.contexts[i], context_key::date)));
  }
  out += "</table>\n";
  if (r.rows.empty()) {
    out += "<h2>Results</h2>\n<p class=\"note\">No benchmark to compare: the inputs' rows are all in the views "
           "below.</p>\n";
  } else {
    out += "<h2>Results</h2>\n<p class=\"note\">" + explanation(html_escape(r.labels[r.baseline])) +
           "</p>\n<table>\n<tr><th>benchmark</th><th>metric</th>";
    for (std::size_t i = 0; i < columns; ++i) {
      out += "<th>" + html_escape(r.labels[i]) + "</th>";
      if (i != r.baseline) out += "<th>speedup</th>";
    }
    out += "</tr>\n";
    for (const ReportRow& row : r.rows) {
      const UnitScale scale = row_scale(row);
      out += fmt::format("<tr><td>{}</td><td>{}</td>", html_escape(row.name), html_escape(row.metric));
      for (std::size_t i = 0; i < columns; ++i) {
        out += html_value(row.cells[i], scale);
        if (i != r.baseline) out += html_speedup(row.cells[i].speedup);
      }
      out += "</tr>\n";
    }
    out += "</table>\n";
  }
  for (const ScalingTable& t : r.scaling) {
    out += fmt::format("<h2>Scaling: {} ({})</h2>\n<p class=\"note\">Parallel efficiency: speedup over {} thread(s) "
                       "divided by the thread ratio (100% is linear).</p>\n<table>\n<tr><th>threads</th>",
                       html_escape(t.group), html_escape(t.metric), t.threads.front());
    for (std::size_t i = 0; i < columns; ++i) out += "<th>" + html_escape(r.labels[i]) + "</th><th>efficiency</th>";
    out += "</tr>\n";
    const UnitScale scale = unit_scale(t.value.front()[r.baseline], t.unit);
    for (std::size_t k = 0; k < t.threads.size(); ++k) {
      out += fmt::format("<tr><td class=\"num\">{}</td>", t.threads[k]);
      for (std::size_t i = 0; i < columns; ++i)
        out += fmt::format("<td class=\"num\">{}</td><td class=\"num\">{}</td>",
                           html_escape(format_scaled(t.value[k][i], scale)), format_percent(t.efficiency[k][i]));
      out += "</tr>\n";
    }
    out += "</table>\n";
  }
  for (const View& v : r.views) out += html_view(v, charts);
  if (columns > 1) {
    if (!r.families.empty()) {
      out += "<h2>Geometric mean of speedups per family (vs " + html_escape(r.labels[r.baseline]) +
             ")</h2>\n<table>\n<tr><th>family</th>";
      for (std::size_t i = 0; i < columns; ++i)
        if (i != r.baseline) out += "<th>" + html_escape(r.labels[i]) + "</th>";
      out += "</tr>\n";
      for (const FamilySummary& f : r.families) {
        out += "<tr><td>" + html_escape(f.family) + "</td>";
        for (std::size_t i = 0; i < columns; ++i)
          if (i != r.baseline) out += html_speedup(f.geomean_speedup[i]);
        out += "</tr>\n";
      }
      out += "</table>\n";
    }
    out += "<h2>What differs</h2>\n";
    if (r.differences.empty()) {
      out += "<p class=\"note\">The inputs' contexts are identical (apart from date, load and command line).</p>\n";
    } else {
      out += "<table>\n<tr><th>context</th>";
      for (const std::string& label : r.labels) out += "<th>" + html_escape(label) + "</th>";
      out += "</tr>\n";
      for (const ContextDifference& d : r.differences) {
        out += "<tr><td>" + html_escape(d.key) + "</td>";
        for (const std::string& v : d.values) out += "<td>" + (v.empty() ? std::string("—") : html_escape(v)) + "</td>";
        out += "</tr>\n";
      }
      out += "</table>\n";
    }
  }
  out += "<h2>Charts</h2>\n";
  if (!charts.skipped.empty()) out += "<p class=\"note\">Charts skipped: " + html_escape(charts.skipped) + "</p>\n";
  for (const Chart& c : charts.charts)
    if (!is_view_chart(r, c))
      out += "<figure>\n<figcaption>" + html_escape(c.title) + "</figcaption>\n" + c.svg + "\n</figure>\n";
  out += "</body>\n</html>\n";
  return out;
}

namespace {

// Nine significant digits: more than any measurement has, and stable across FMA-contracting compilers.
std::string csv_number(double v) { return std::isfinite(v) ? fmt::format("{:.9g}", v) : std::string(); }

}  // namespace

std::string render_csv(const Report& r) {
  std::string out = "input,file,benchmark,family,metric,unit,median,min,ci_low,ci_high,ci_coverage,cv,n,speedup,noisy,error\r\n";
  for (const ReportRow& row : r.rows) {
    for (std::size_t i = 0; i < r.labels.size(); ++i) {
      const Cell& c = row.cells[i];
      if (!c.present) continue;
      const bool m = measured(c);
      out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\r\n", csv_field(r.labels[i]), csv_field(r.paths[i]),
                         csv_field(row.name), csv_field(row.family), csv_field(row.metric), csv_field(row.unit),
                         m ? csv_number(c.median) : "", m ? csv_number(c.min) : "", m ? csv_number(c.ci_low) : "",
                         m ? csv_number(c.ci_high) : "", m ? csv_number(c.ci_coverage) : "",
                         m ? csv_number(c.cv) : "", m ? std::to_string(c.n) : "",
                         csv_number(c.speedup), c.noisy ? "yes" : "no", csv_field(c.error));
    }
  }
  return out;
}

std::string render_view_csv(const View& view) {
  std::string out;
  const auto line = [&out](const std::vector<std::string>& cells) {
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (i > 0) out += ',';
      out += csv_field(cells[i]);
    }
    out += "\r\n";
  };
  line(view.header);
  for (const auto& row : view.rows) line(row);
  return out;
}

std::string view_file_name(const std::string& stem, const View& view) {
  std::string slug;
  for (char c : view.title) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) != 0 && u < 0x80) {
      slug += static_cast<char>(std::tolower(u));
    } else if (!slug.empty() && slug.back() != '-') {
      slug += '-';
    }
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  return (stem + "-" + slug).substr(0, 96) + ".csv";
}

}  // namespace armperf::reports
