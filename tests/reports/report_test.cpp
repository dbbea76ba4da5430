// armperf report: golden Markdown and CSV of fixture files (tests/fixtures/reports/report/ ->
// tests/golden/), and escaping of hostile input strings in HTML, CSV (RFC 4180) and Markdown.
// ARMPERF_UPDATE_GOLDEN=1 rewrites the golden files instead of comparing (review the diff).
#include "reports/report.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "reports/chart.hpp"
#include "reports/load.hpp"
#include "tests/reports/fixtures.hpp"

namespace armperf::reports {
namespace {

using testing::fixture;
using testing::source_dir;

// Inputs named by their file name only, so the output does not depend on where the tree is.
std::vector<ReportInput> inputs(const std::vector<std::string>& names) {
  std::vector<reports::Run> runs;
  for (const std::string& name : names) {
    runs.push_back(load_run(fixture("report/" + name)));
    runs.back().path = name;
  }
  const auto labels = input_labels(runs);
  std::vector<ReportInput> out;
  for (std::size_t i = 0; i < runs.size(); ++i) out.push_back({runs[i], labels[i]});
  return out;
}

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void expect_golden(const std::string& actual, const std::string& golden_name) {
  const std::string path = source_dir() + "/tests/golden/" + golden_name;
  if (const char* update = std::getenv("ARMPERF_UPDATE_GOLDEN"); update != nullptr && std::string(update) == "1") {
    std::ofstream(path, std::ios::binary) << actual;
    return;
  }
  EXPECT_EQ(actual, read(path)) << "differs from " << path << " (ARMPERF_UPDATE_GOLDEN=1 rewrites it)";
}

const Charts kNoCharts{{}, "--no-charts given"};

TEST(Report, ThreeArmperfMachinesGoldenMarkdownAndCsv) {
  const Report r = build_report(inputs({"altra.json", "graviton3.json", "altra_max.json"}), 0);
  expect_golden(render_markdown(r, kNoCharts), "report_armperf.md");
  expect_golden(render_csv(r), "report_armperf.csv");
}

TEST(Report, OldAndNewGbenchSchemasGoldenMarkdown) {
  const Report r = build_report(inputs({"gbench_old.json", "gbench_new.json"}), 1);
  expect_golden(render_markdown(r, kNoCharts), "report_gbench.md");
}

// The accuracy table (two machines, one variant failing its bound, skipped and missing variants) and the
// NUMA matrices of a 4-node machine: golden Markdown, and the accuracy table as CSV.
TEST(Report, AccuracyViewGoldenMarkdownAndCsv) {
  const Report r = build_report(inputs({"../views/accuracy_altra.json", "../views/accuracy_zen5.json"}), 0);
  EXPECT_TRUE(r.rows.empty());      // accuracy rows are no speed: not in the results table
  EXPECT_TRUE(r.families.empty());  // nor in a family's geometric mean
  ASSERT_EQ(r.views.size(), 1u);
  expect_golden(render_markdown(r, kNoCharts), "report_accuracy.md");
  expect_golden(render_view_csv(r.views[0]), "report_accuracy_view.csv");
  EXPECT_EQ(view_file_name("results", r.views[0]), "results-activation-accuracy-f32-against-a-double-reference.csv");
}

TEST(Report, NumaMatricesGoldenMarkdown) {
  const Report r = build_report(inputs({"../views/numa_altra_max.json"}), 0);
  ASSERT_EQ(r.views.size(), 2u);
  expect_golden(render_markdown(r, kNoCharts), "report_numa.md");
}

TEST(Report, SpeedupIsDirectionAwareAndGeomeanPerFamily) {
  const Report r = build_report(inputs({"gbench_old.json", "gbench_new.json"}), 0);
  const auto row = [&](const std::string& name) {
    return *std::find_if(r.rows.begin(), r.rows.end(), [&](const ReportRow& x) { return x.name == name; });
  };
  EXPECT_EQ(row("BM_memcpy/8").metric, "bytes_per_second");
  EXPECT_NEAR(row("BM_memcpy/8").cells[1].speedup, 1.6e9 / 0.8e9, 1e-12);  // throughput: new / old
  EXPECT_EQ(row("BM_sort/1024").metric, "real_time");
  EXPECT_NEAR(row("BM_sort/1024").cells[1].speedup, 45.0 / 30.0, 1e-12);  // time: old / new
  EXPECT_FALSE(row("BM_only_new").cells[0].present);
  const FamilySummary& memcpy = r.families[0];
  EXPECT_EQ(memcpy.family, "BM_memcpy");
  EXPECT_EQ(memcpy.shared[1], 3u);
  EXPECT_NEAR(memcpy.geomean_speedup[1], std::cbrt(2.0 * 2.0 * 3.2), 1e-12);
}

TEST(Report, NoisyMarkAboveFivePercent) {
  const Report r = build_report(inputs({"altra.json", "graviton3.json"}), 0);
  const ReportRow& mid = r.rows[1];
  ASSERT_EQ(mid.name, "copy/armperf/neon/f32/65536/threads:1");
  EXPECT_FALSE(mid.cells[0].noisy);
  EXPECT_TRUE(mid.cells[1].noisy);
  EXPECT_GT(mid.cells[1].cv, 0.05);
  EXPECT_LE(mid.cells[1].ci_low, mid.cells[1].median);
  EXPECT_GE(mid.cells[1].ci_high, mid.cells[1].median);
}

// % of peak comes with the rate where a benchmark states pct_of_peak (altra.json's sgemm rows), in
// Markdown and HTML alike, and nowhere else (graviton3.json's same rows lack it).
TEST(Report, PercentOfPeakBesideTheRateWhereTheRowStatesIt) {
  const Report r = build_report(inputs({"altra.json", "graviton3.json"}), 0);
  const auto sgemm = std::find_if(r.rows.begin(), r.rows.end(), [](const ReportRow& row) {
    return row.name == "sgemm/armperf/neon/f32/128/threads:1";
  });
  ASSERT_NE(sgemm, r.rows.end());
  EXPECT_NEAR(sgemm->cells[0].pct_of_peak, 100.0 * 45.0 / 55.0, 0.01);
  EXPECT_TRUE(std::isnan(sgemm->cells[1].pct_of_peak));
  const auto copy = std::find_if(r.rows.begin(), r.rows.end(),
                                 [](const ReportRow& row) { return row.name.rfind("copy/", 0) == 0; });
  ASSERT_NE(copy, r.rows.end());
  EXPECT_TRUE(std::isnan(copy->cells[0].pct_of_peak));
  const std::string md = render_markdown(r, kNoCharts), html = render_html(r, kNoCharts);
  EXPECT_NE(md.find("45.00 GFLOP/s, 81.8% of peak (cv"), std::string::npos);
  EXPECT_NE(html.find("45.00 GFLOP/s, 81.8% of peak<small>"), std::string::npos);
  // Only the 128 and 256 sgemm rows of altra.json state it, in their first column.
  auto count = [](const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count(md, "% of peak (cv"), 2u);
  EXPECT_EQ(count(html, "% of peak<small>"), 2u);
}

TEST(Report, ScalingTableWithParallelEfficiency) {
  const Report r = build_report(inputs({"altra.json", "graviton3.json"}), 0);
  ASSERT_EQ(r.scaling.size(), 1u);  // triad at 1, 2, 4 threads; nothing else varies its thread count
  const ScalingTable& t = r.scaling[0];
  EXPECT_EQ(t.group, "triad/armperf/neon/f64/1048576");
  EXPECT_EQ(t.threads, (std::vector<int>{1, 2, 4}));
  EXPECT_NEAR(t.value[2][1], 28.0 * std::pow(4.0, 0.8), 1e-3);      // bandwidth grows as threads^0.8
  EXPECT_NEAR(t.efficiency[1][0], std::pow(2.0, 0.8) / 2.0, 1e-4);  // 87 % at 2 threads
  EXPECT_NEAR(t.efficiency[2][1], std::pow(4.0, 0.8) / 4.0, 1e-4);
}

TEST(Report, WhatDiffersListsOnlyDifferingContext) {
  const Report r = build_report(inputs({"altra.json", "altra_max.json"}), 0);
  std::set<std::string> keys;
  for (const auto& d : r.differences) keys.insert(d.key);
  // date, load_avg and executable differ too, but say nothing about the machine.
  EXPECT_EQ(keys, (std::set<std::string>{"host_name", "cpu_model", "num_cpus", "cpufreq_governors"}));
  EXPECT_EQ(r.differences.back().values, (std::vector<std::string>{R"({"performance":80})", R"({"schedutil":128})"}));
}

TEST(Report, LabelsAreTheHostElseTheFileAndDisambiguated) {
  reports::Run a, b, c;
  a.path = "x/first.json";
  b.path = "second.json";
  b.context = {{"host_name", "n1"}, {"date", "2026-01-01T00:00"}};
  c.path = "third.json";
  c.context = {{"host_name", "n1"}, {"date", "2026-02-01T00:00"}};
  EXPECT_EQ(input_labels({a, b, c}), (std::vector<std::string>{"first", "n1 2026-01-01", "n1 2026-02-01"}));
  EXPECT_EQ(input_labels({b, b}), (std::vector<std::string>{"n1 2026-01-01 #1", "n1 2026-01-01 #2"}));
}

// ---- hostile strings -------------------------------------------------------------------------------------

// Every tag of the page is one the renderer writes: an input string that became markup would add others.
TEST(Report, HtmlEscapesEveryInputString) {
  const Report r = build_report(inputs({"hostile.json", "gbench_old.json"}), 0);
  const std::string html = render_html(r, kNoCharts);
  const std::set<std::string> allowed = {"!DOCTYPE", "html", "head", "meta", "title", "style", "body", "h1", "h2",
                                         "table", "tr", "th", "td", "small", "em", "p"};
  for (std::size_t at = html.find('<'); at != std::string::npos; at = html.find('<', at + 1)) {
    std::size_t end = at + 1;
    if (html[end] == '/') ++end;
    const std::size_t name_end = html.find_first_of(" >", end);
    const std::string tag = html.substr(end, name_end - end);
    EXPECT_TRUE(allowed.count(tag)) << "unexpected tag <" << tag << "> at " << html.substr(at, 60);
  }
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;/8"), std::string::npos);
  EXPECT_NE(html.find("&lt;b&gt;evil&lt;/b&gt; &quot;host&quot;"), std::string::npos);
  EXPECT_NE(html.find("skipped: &lt;i&gt;boom&lt;/i&gt;, &quot;quoted&quot;"), std::string::npos);
}

// RFC 4180 fields of one CSV text: quoted fields may hold commas, doubled quotes and line breaks.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1, std::vector<std::string>(1));
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        rows.back().back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        rows.back().back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().emplace_back();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      rows.emplace_back(1);
      ++i;
    } else {
      rows.back().back() += c;
    }
  }
  if (rows.back().size() == 1 && rows.back()[0].empty()) rows.pop_back();
  return rows;
}

TEST(Report, AccuracyViewEscapesVariantNames) {
  const Report r = build_report(inputs({"../views/accuracy_zen5.json"}), 0);
  const std::string html = render_html(r, kNoCharts);
  EXPECT_EQ(html.find("<b>x|y</b>"), std::string::npos);
  EXPECT_NE(html.find("f32_sigmoid__&lt;b&gt;x|y&lt;/b&gt;"), std::string::npos);
  const auto rows = parse_csv(render_view_csv(r.views.at(0)));
  for (const auto& row : rows) ASSERT_EQ(row.size(), rows[0].size());
  EXPECT_TRUE(std::any_of(rows.begin(), rows.end(), [](const auto& row) { return row[1] == "f32_sigmoid__<b>x|y</b>"; }));
}

TEST(Report, CsvRoundTripsHostileNames) {
  const Report r = build_report(inputs({"hostile.json"}), 0);
  const auto rows = parse_csv(render_csv(r));
  ASSERT_EQ(rows.size(), 4u);  // header + 3 benchmarks
  for (const auto& row : rows) ASSERT_EQ(row.size(), rows[0].size());
  EXPECT_EQ(rows[0][2], "benchmark");
  EXPECT_EQ(rows[1][0], "<b>evil</b> \"host\", | `x`");
  EXPECT_EQ(rows[2][2], "a|b, \"c\"\nd");
  EXPECT_EQ(rows[3][15], "<i>boom</i>, \"quoted\"");
}

std::size_t unescaped_pipes(const std::string& line) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < line.size(); ++i)
    if (line[i] == '|' && (i == 0 || line[i - 1] != '\\')) ++n;
  return n;
}

TEST(Report, MarkdownTablesKeepTheirShape) {
  const Report r = build_report(inputs({"hostile.json", "gbench_old.json"}), 0);
  const std::string md = render_markdown(r, kNoCharts);
  std::istringstream lines(md);
  std::string line;
  std::size_t header_pipes = 0, table_rows = 0;
  while (std::getline(lines, line)) {
    if (line.rfind("| benchmark |", 0) == 0) {
      header_pipes = unescaped_pipes(line);
    } else if (line.empty()) {
      header_pipes = 0;
    } else if (header_pipes != 0) {
      EXPECT_EQ(unescaped_pipes(line), header_pipes) << line;
      ++table_rows;
    }
    EXPECT_EQ(line.find("<script"), std::string::npos) << line;
    EXPECT_EQ(line.find("<b>"), std::string::npos) << line;
  }
  EXPECT_EQ(table_rows, 1u + 3u + 4u);  // rule + hostile's 3 + gbench_old's 4
  EXPECT_NE(md.find("a\\|b, \"c\" d"), std::string::npos);
}

// ---- charts ------------------------------------------------------------------------------------------------

bool have_gnuplot() {
  std::string why;
  return run_gnuplot("set terminal svg\nset output\nplot x\n", why).has_value();
}

TEST(Charts, InlineSvgWithSanitizedLabels) {
  if (!have_gnuplot()) GTEST_SKIP() << "gnuplot not installed";
  const Report r = build_report(inputs({"gbench_old.json", "gbench_new.json", "hostile.json"}), 0);
  const Charts charts = make_charts(r);
  ASSERT_TRUE(charts.skipped.empty()) << charts.skipped;
  ASSERT_EQ(charts.charts.size(), 2u);  // speedup per family; BM_memcpy over 3 sizes
  for (const Chart& c : charts.charts) {
    EXPECT_EQ(c.svg.rfind("<svg", 0), 0u);
    EXPECT_EQ(c.svg.find("<script"), std::string::npos);
    EXPECT_EQ(c.svg.find("<b>"), std::string::npos);
  }
  const std::string html = render_html(r, charts);
  EXPECT_EQ(std::count(html.begin(), html.end(), '\0'), 0);
  EXPECT_NE(html.find("id='c1gpPt0'"), std::string::npos);  // ids unique per chart
  EXPECT_NE(html.find("id='c2gpPt0'"), std::string::npos);
}

TEST(Charts, ScalingCurvePerScalingTable) {
  if (!have_gnuplot()) GTEST_SKIP() << "gnuplot not installed";
  const Report r = build_report(inputs({"altra.json", "graviton3.json"}), 0);
  const Charts charts = make_charts(r);
  ASSERT_TRUE(charts.skipped.empty()) << charts.skipped;
  const auto scaling = std::find_if(charts.charts.begin(), charts.charts.end(), [](const Chart& c) {
    return c.title == "Scaling: triad/armperf/neon/f64/1048576";
  });
  ASSERT_NE(scaling, charts.charts.end());
  EXPECT_NE(scaling->svg.find("threads"), std::string::npos);  // the x axis
  EXPECT_NE(scaling->svg.find("graviton3"), std::string::npos);  // a curve per input
}

TEST(Charts, WithoutGnuplotTheReportSaysWhy) {
  ::setenv("ARMPERF_GNUPLOT", "/nonexistent/gnuplot", 1);
  const Charts charts = make_charts(build_report(inputs({"gbench_old.json", "gbench_new.json"}), 0));
  ::unsetenv("ARMPERF_GNUPLOT");
  EXPECT_TRUE(charts.charts.empty());
  EXPECT_NE(charts.skipped.find("/nonexistent/gnuplot not found"), std::string::npos) << charts.skipped;
  EXPECT_NE(render_markdown(build_report(inputs({"gbench_old.json"}), 0), charts).find("Charts skipped: "),
            std::string::npos);
}

TEST(Charts, GnuplotLabelsKeepOnlySafeCharacters) {
  EXPECT_EQ(gnuplot_label("a\"b\\c<d>\n@{x}^_"), "a?b?c?d????x??_");
}

}  // namespace
}  // namespace armperf::reports
