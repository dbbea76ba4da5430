#include "reports/views.hpp"

#include "reports/stats.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <set>
#include <utility>

#include "core/result.hpp"
#include "reports/chart.hpp"
#include "reports/text.hpp"

namespace armperf::reports {
namespace {

constexpr std::string_view kDash = "—";

// Sizes of working sets are powers of two and cache sizes: binary prefixes read naturally there.
std::string binary_bytes(double bytes) {
  constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int unit = 0;
  while (bytes >= 1024 && unit < 4) bytes /= 1024, ++unit;
  return fmt::format("{:.4g} {}", bytes, kUnits[unit]);
}

std::string number_or_dash(double v) { return std::isfinite(v) ? format_number(v) : std::string(kDash); }

double center_of(const Benchmark& b, std::string_view metric) {
  if (!b.error.empty()) return kNaN;
  const Metric* m = b.metric(metric);
  return m != nullptr ? m->center() : kNaN;
}

double size_of(const Benchmark& b) {
  char* end = nullptr;
  const double v = std::strtod(b.size.c_str(), &end);
  return end != b.size.c_str() && *end == '\0' && v > 0 ? v : kNaN;
}

bool is_probe(const Benchmark& b, std::string_view op) { return b.suite == row_value::probe && b.op == op; }

std::vector<std::string> split(const std::string& name) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t slash; (slash = name.find('/', start)) != std::string::npos; start = slash + 1)
    parts.push_back(name.substr(start, slash - start));
  parts.push_back(name.substr(start));
  return parts;
}

std::string join(const std::vector<std::string>& parts, std::size_t from, std::size_t to) {
  std::string out;
  for (std::size_t i = from; i < to && i < parts.size(); ++i) {
    if (!out.empty()) out += '/';
    out += parts[i];
  }
  return out;
}

// A gnuplot data block; NaN marks a missing point (gnuplot leaves it out of the curve).
std::string data_block(const std::string& name, const std::vector<std::vector<double>>& rows) {
  std::string out = "$" + name + " << EOD\n";
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i > 0) out += ' ';
      out += std::isfinite(row[i]) ? fmt::format("{:.9g}", row[i]) : std::string("NaN");
    }
    out += "\n";
  }
  return out + "EOD\n";
}

std::string titles_array(const std::vector<std::string>& titles) {
  std::string out = fmt::format("array titles[{}]\n", titles.size());
  for (std::size_t i = 0; i < titles.size(); ++i)
    out += fmt::format("titles[{}] = {}\n", i + 1, gnuplot_string(titles[i]));
  return out;
}

// Curves sharing a log2 x axis of bytes: one series per column after the first.
std::string size_curves_script(const std::vector<std::vector<double>>& data,
                               const std::vector<std::string>& series, const std::string& ylabel, bool log_y,
                               const std::string& extra) {
  std::string colors;
  for (std::size_t i = 0; i < series.size(); ++i)
    colors += fmt::format("{}{}", i ? " " : "", series_color(i));
  return fmt::format(
      "{}{}{}colors = \"{}\"\nset logscale x 2\nset format x \"%.0b %BB\"\nset xlabel \"working set\" "
      "noenhanced\n"
      "set ylabel {} noenhanced\n{}{}set style data linespoints\n"
      "plot for [i=1:{}] $data using 1:(column(i+1)) title titles[i] noenhanced lw 2 pt (6 + i % 2) "
      "dt 1 + (i > 6) lc rgb word(colors, (i - 1) % 6 + 1)\n",
      gnuplot_terminal(), data_block("data", data), titles_array(series), colors, gnuplot_string(ylabel),
      log_y ? "set logscale y\n" : "set yrange [0:*]\n", extra, series.size());
}

// ---- ours against the peers ------------------------------------------------------------------------

// Ours against the peer's value of a metric, above 1 where ours is better: ours / peer for a rate,
// peer / ours for a time.
double speedup(const Metric& metric, double ours, double peer) {
  return metric.better == Better::higher ? ours / peer : peer / ours;
}

// The speedups of the rounds in which both sides have a repetition (ours / peer for a rate, peer / ours
// for a time), for a run measured in rounds. Within a round the two were measured seconds apart (the
// plan is shape-major), so a slow phase of the machine that spans a round weighs on both sides of its
// ratio instead of on one side's median. Empty where the samples carry no repetition indices.
std::vector<double> round_speedups(const Metric& ours, const Metric& peer) {
  std::vector<double> speedups;
  if (ours.sample_repetitions.size() != ours.samples.size() ||
      peer.sample_repetitions.size() != peer.samples.size())
    return speedups;
  std::map<std::int64_t, double> peer_of_round;
  for (std::size_t i = 0; i < peer.samples.size(); ++i)
    peer_of_round[peer.sample_repetitions[i]] = peer.samples[i];
  for (std::size_t i = 0; i < ours.samples.size(); ++i) {
    const auto it = peer_of_round.find(ours.sample_repetitions[i]);
    if (it == peer_of_round.end()) continue;
    speedups.push_back(speedup(ours, ours.samples[i], it->second));
  }
  return speedups;
}

std::string probe_rate_key(const Benchmark& b, std::string_view metric) {
  return fmt::format("{}|{}|{}|{}|{}", b.isa, b.dtype, b.threads, b.placement, metric);
}

// The peakflops probe's typical window per ISA, element type, thread count and placement of a run, by
// probe_rate_key with our metric's name: its gflops_median (gops_median for int8), the rate "of probe"
// divides our median by. The probe's headline rate is its fastest window, which a median of repetitions
// would meet only in a quiet phase of the machine; a median against a median compares like with like. NaN
// where several probe rows share a key (the dot-product instructions of one ISA: sdot and smmla, bfdot
// and bfmmla): kernel rows do not say which instruction they ran, so none of them is the one to compare.
std::map<std::string, double> probe_rates(const Run& run) {
  std::map<std::string, double> rates;
  for (const Benchmark& b : run.benchmarks) {
    if (!is_probe(b, "peakflops") || !b.error.empty()) continue;
    for (const auto& [rate, median_rate] : {std::pair{row_key::gflops, row_key::gflops_median},
                                            std::pair{row_key::gops, row_key::gops_median}}) {
      const Metric* m = b.metric(median_rate);
      if (m == nullptr || !(m->center() > 0)) continue;
      const auto [it, fresh] = rates.try_emplace(probe_rate_key(b, rate), m->center());
      if (!fresh) it->second = std::numeric_limits<double>::quiet_NaN();
    }
  }
  return rates;
}

// Kernel rows of one run grouped by what they compute: op, dtype, size, threads, placement, membind
// and the primary metric. Where a group holds our variants and a peer library's, our best median
// against the best peer's: the ratio the targets are stated in, from one run, so both sides met the
// same machine. libm is no peer here: it is the activation family's reference, and for the ops that
// call no libm function (relu, ...) it is a plain scalar loop of our own.
void peer_views(const Run& run, const std::string& label, std::vector<View>& out) {
  struct Side {
    const Benchmark* benchmark = nullptr;
    const Metric* metric = nullptr;
  };
  struct Group {
    Side ours, peer;
  };
  std::vector<std::string> order;  // groups as the run first has them (the plan's shape-major order)
  std::map<std::string, Group> groups;
  for (const Benchmark& b : run.benchmarks) {
    if (b.suite != row_value::kernel || b.op.empty() || !b.error.empty() || b.impl == "libm") continue;
    const Metric* m = b.primary();
    if (m == nullptr || !std::isfinite(m->center())) continue;
    const std::string key = fmt::format("{}|{}|{}|{}|{}|{}|{}", b.op, b.dtype, b.size, b.threads, b.placement,
                                        b.membind, m->name);
    const auto [it, fresh] = groups.try_emplace(key);
    if (fresh) order.push_back(key);
    Side& side = b.impl == row_value::impl_armperf ? it->second.ours : it->second.peer;
    const bool higher = m->better == Better::higher;
    if (side.metric == nullptr ||
        (higher ? m->center() > side.metric->center() : m->center() < side.metric->center()))
      side = {&b, m};
  }
  View v;
  v.title = "Ours against the peer libraries — " + label;
  v.note = fmt::format(
      "Per op, shape, thread count, placement and memory binding of this run: our fastest variant's median "
      "against the fastest peer library's (libm, a reference, left out), measured in the same run. Speedup "
      "above 1: ours is faster (ours / peer for a rate, peer / ours for a time). Noisy: either side's cv is "
      "above {}; spread unknown: a side has a single repetition, so nothing says how far to trust it. In a "
      "run measured in rounds (armperf run --order rounds), paired is the median of the "
      "speedups of the single rounds with its distribution-free 95% interval (the range below 6 rounds), "
      "and won counts the rounds in which ours was faster; a slow phase of the machine then weighs on both "
      "sides of one round's speedup instead of on one side's median. Of probe: our median rate against the "
      "peakflops probe's median window for the same ISA, element type, threads and placement in this run "
      "(its headline rate is its fastest window), where the run has one such probe row.",
      format_percent(kNoisyCv));
  v.header = {"op",        "dtype", "size", "threads", "placement", "membind", "metric",  "our variant",
              "best peer", "ours",  "peer", "speedup", "paired",    "won",     "of probe"};
  v.text_columns = 9;
  const std::map<std::string, double> probes = probe_rates(run);
  for (const std::string& key : order) {
    const Group& g = groups[key];
    if (g.ours.metric == nullptr || g.peer.metric == nullptr) continue;
    const Benchmark& ours = *g.ours.benchmark;
    const double a = g.ours.metric->center(), b = g.peer.metric->center();
    const double ratio = speedup(*g.ours.metric, a, b);
    const double cv_ours = g.ours.metric->cv(), cv_peer = g.peer.metric->cv();
    const bool noisy = cv_ours > kNoisyCv || cv_peer > kNoisyCv;
    const bool spread_unknown = !std::isfinite(cv_ours) || !std::isfinite(cv_peer);  // one repetition
    const std::string unit = g.ours.metric->unit.empty() ? "" : " (" + g.ours.metric->unit + ")";
    std::string paired(kDash), won(kDash);
    if (const auto rounds = round_speedups(*g.ours.metric, *g.peer.metric);
        run.interleaved && rounds.size() >= 2) {
      const MedianInterval ci = median_interval(rounds);
      paired = fmt::format("{:.2f} [{:.2f}, {:.2f}]", median(rounds), ci.low, ci.high);
      won = fmt::format("{}/{}", std::count_if(rounds.begin(), rounds.end(), [](double r) { return r > 1; }),
                        rounds.size());
    }
    std::string of_probe(kDash);
    if (const auto probe = probes.find(probe_rate_key(ours, g.ours.metric->name));
        probe != probes.end() && std::isfinite(probe->second))
      of_probe = format_percent(a / probe->second);
    v.rows.push_back({ours.op, ours.dtype, ours.size, std::to_string(ours.threads), ours.placement,
                      ours.membind, g.ours.metric->name + unit, ours.name.substr(0, ours.name.find('/')),
                      g.peer.benchmark->impl, format_number(a), format_number(b),
                      fmt::format("{:.2f}{}", ratio,
                                  noisy            ? " (noisy)"
                                  : spread_unknown ? " (spread unknown)"
                                                   : ""),
                      paired, won, of_probe});
  }
  if (!v.rows.empty()) out.push_back(std::move(v));
}

// ---- bandwidth ------------------------------------------------------------------------------------------

// Rows "bandwidth/<op>/<isa>/<threads>t/<placement>/<membind>/<bytes>": one view per input and
// isa/threads/placement/membind, a column per STREAM op.
void bandwidth_views(const Run& run, const std::string& label, std::vector<View>& out) {
  std::vector<std::string> groups;
  std::map<std::string, std::vector<std::string>> ops;                          // group -> ops in file order
  std::map<std::string, std::map<double, std::map<std::string, double>>> gbps;  // group -> size -> op -> GB/s
  for (const Benchmark& b : run.benchmarks) {
    const auto parts = split(b.name);
    if (b.suite != row_value::probe || parts.size() < 4 || parts.front() != "bandwidth") continue;
    const double size = size_of(b);
    if (!std::isfinite(size)) continue;
    const std::string group = join(parts, 2, parts.size() - 1);
    if (!ops.count(group)) groups.push_back(group);
    auto& group_ops = ops[group];
    if (std::find(group_ops.begin(), group_ops.end(), b.op) == group_ops.end()) group_ops.push_back(b.op);
    gbps[group][size][b.op] = center_of(b, row_key::gbps);
  }
  for (const std::string& group : groups) {
    View v;
    v.title = fmt::format("Memory bandwidth vs working set — {}, {}", label, group);
    v.note =
        "STREAM byte counting (a write is counted once, not with its write-allocate read), best of the "
        "repetitions after the first; the size is bytes per array, all threads together.";
    v.header = {"working set"};
    for (const std::string& op : ops[group]) v.header.push_back(op + " (GB/s)");
    std::vector<std::vector<double>> data;
    for (const auto& [size, by_op] : gbps[group]) {
      std::vector<std::string> row = {binary_bytes(size)};
      std::vector<double> point = {size};
      for (const std::string& op : ops[group]) {
        const auto it = by_op.find(op);
        const double value = it == by_op.end() ? kNaN : it->second;
        row.push_back(number_or_dash(value));
        point.push_back(value);
      }
      v.rows.push_back(std::move(row));
      data.push_back(std::move(point));
    }
    if (data.size() >= 2)
      v.chart_script = size_curves_script(data, ops[group], "bandwidth (GB/s)", false, "");
    out.push_back(std::move(v));
  }
}

// ---- latency --------------------------------------------------------------------------------------------

std::string cache_marks(const std::vector<CacheLevel>& caches) {
  std::string out;
  for (const CacheLevel& c : caches) {
    out += fmt::format("set arrow from {:.9g}, graph 0 to {:.9g}, graph 1 nohead dt 2 lc rgb \"#888888\"\n",
                       c.bytes, c.bytes);
    out += fmt::format(
        "set label {} at {:.9g}, graph 0.95 right offset -0.5,0 textcolor rgb \"#555555\" noenhanced\n",
        gnuplot_string(c.label), c.bytes);
  }
  return out;
}

// Rows "latency/<page>/<membind>/<bytes>": one view per page size and membind, a column per input.
void latency_views(const std::vector<Run>& runs, const std::vector<std::string>& labels,
                   std::vector<View>& out) {
  std::vector<std::string> sweeps;
  std::map<std::string, std::map<double, std::vector<std::pair<double, double>>>>
      points;  // ns, cycles per input
  for (std::size_t i = 0; i < runs.size(); ++i) {
    for (const Benchmark& b : runs[i].benchmarks) {
      const double size = size_of(b);
      if (!is_probe(b, "latency") || !std::isfinite(size)) continue;
      const std::string sweep = b.name.substr(0, b.name.rfind('/'));
      if (!points.count(sweep)) sweeps.push_back(sweep);
      auto& row = points[sweep][size];
      row.resize(runs.size(), {kNaN, kNaN});
      row[i] = {center_of(b, row_key::latency_ns), center_of(b, row_key::latency_cycles)};
    }
  }
  for (const std::string& sweep : sweeps) {
    View v;
    v.title = "Load-to-use latency vs working set — " + sweep;
    v.note =
        "Random cyclic pointer chase, one pointer per cache line; cycles from the measured frequency. "
        "Dashed lines: the cache sizes hwloc reports for " +
        labels.front() + ".";
    std::string caches;
    for (std::size_t i = 0; i < runs.size(); ++i) {
      std::string levels;
      for (const CacheLevel& c : context_caches(runs[i]))
        levels += fmt::format("{}{}", levels.empty() ? "" : ", ", c.label);
      if (!levels.empty()) caches += fmt::format(" Caches of {}: {}.", labels[i], levels);
    }
    v.note += caches;
    v.header = {"working set"};
    for (const std::string& label : labels) {
      v.header.push_back(label + " (ns)");
      v.header.push_back(label + " (cycles)");
    }
    std::vector<std::vector<double>> data;
    for (auto& [size, by_input] : points[sweep]) {
      by_input.resize(runs.size(), {kNaN, kNaN});
      std::vector<std::string> row = {binary_bytes(size)};
      std::vector<double> point = {size};
      for (const auto& [ns, cycles] : by_input) {
        row.push_back(number_or_dash(ns));
        row.push_back(number_or_dash(cycles));
        point.push_back(ns);
      }
      v.rows.push_back(std::move(row));
      data.push_back(std::move(point));
    }
    if (data.size() >= 3)
      v.chart_script =
          size_curves_script(data, labels, "latency (ns)", true, cache_marks(context_caches(runs.front())));
    out.push_back(std::move(v));
  }
}

// ---- node x node and cpu x cpu matrices -------------------------------------------------------------------

// Above this many CPUs a matrix no longer fits a page: the view keeps its summary and the heatmap.
constexpr std::size_t kMaxMatrixTable = 16;

// A square matrix over ids (CPUs, NUMA nodes): value(a, b) for row a, column b, NaN where not measured.
struct Matrix {
  std::vector<int> ids;
  std::function<double(int, int)> value;
};

// The table rows of a matrix: a row per id, "—" where there is no value.
std::vector<std::vector<std::string>> matrix_rows(const Matrix& m) {
  std::vector<std::vector<std::string>> rows;
  for (int a : m.ids) {
    std::vector<std::string> row = {std::to_string(a)};
    for (int b : m.ids) row.push_back(number_or_dash(m.value(a, b)));
    rows.push_back(std::move(row));
  }
  return rows;
}

// The matrix as a heatmap, rows top to bottom as in the table, the id of each row and column on the axes
// (when they fit). The darker, the larger the value, whether larger is better (GB/s) or worse (ns).
std::string heatmap_script(const Matrix& m, const std::string& axis_x, const std::string& axis_y,
                           const std::string& value_label) {
  std::vector<std::vector<double>> data;
  for (int a : m.ids) {
    std::vector<double> row;
    for (int b : m.ids) row.push_back(m.value(a, b));
    data.push_back(std::move(row));
  }
  std::string tics;
  if (m.ids.size() <= 32) {
    for (std::size_t i = 0; i < m.ids.size(); ++i) tics += fmt::format("{}\"{}\" {}", i ? ", " : "", m.ids[i], i);
    tics = fmt::format("set xtics ({})\nset ytics ({})\n", tics, tics);
  }
  return fmt::format(
      "{}{}set size ratio -1\nset xlabel {} noenhanced\nset ylabel {} noenhanced\nset yrange [] reverse\n"
      "unset key\nunset grid\n{}set cblabel {} noenhanced\n"
      "set palette defined (0 \"#f7fbff\", 1 \"#6baed6\", 2 \"#08306b\")\n"
      "plot $matrix matrix with image pixels\n",
      gnuplot_terminal(), data_block("matrix", data), gnuplot_string(axis_x), gnuplot_string(axis_y), tics,
      gnuplot_string(value_label));
}

// ---- core to core ---------------------------------------------------------------------------------------

void c2c_views(const Run& run, const std::string& label, std::vector<View>& out) {
  std::map<std::pair<int, int>, double> ns;
  std::set<int> cpus;
  std::vector<double> all;
  for (const Benchmark& b : run.benchmarks) {
    if (!is_probe(b, "c2c")) continue;
    const double a = center_of(b, row_key::cpu_a), c = center_of(b, row_key::cpu_b);
    const double value = center_of(b, row_key::latency_ns);
    if (!std::isfinite(a) || !std::isfinite(c) || !std::isfinite(value)) continue;
    ns[{static_cast<int>(a), static_cast<int>(c)}] = value;
    cpus.insert(static_cast<int>(a));
    cpus.insert(static_cast<int>(c));
    all.push_back(value);
  }
  if (all.empty()) return;
  // A pair measured one way holds for both: the round trip is symmetric. A CPU has no pair with itself.
  const Matrix matrix{std::vector<int>(cpus.begin(), cpus.end()), [&ns](int a, int b) {
                        if (a == b) return kNaN;
                        if (auto it = ns.find({a, b}); it != ns.end()) return it->second;
                        if (auto it = ns.find({b, a}); it != ns.end()) return it->second;
                        return kNaN;
                      }};
  View v;
  v.title = "Core-to-core round-trip latency — " + label;
  std::sort(all.begin(), all.end());
  v.note = fmt::format(
      "Two pinned threads bounce one cache line by compare-and-swap; median round trip per pair. "
      "{} pairs: min {} ns, median {} ns, max {} ns.",
      all.size(), format_number(all.front()), format_number(all[all.size() / 2]), format_number(all.back()));
  if (matrix.ids.size() <= kMaxMatrixTable) {
    v.header = {"cpu (ns)"};
    for (int id : matrix.ids) v.header.push_back(std::to_string(id));
    v.rows = matrix_rows(matrix);
  } else {
    v.note +=
        " The matrix is drawn as a heatmap only (more than " + std::to_string(kMaxMatrixTable) + " CPUs).";
  }
  v.chart_script = heatmap_script(matrix, "cpu", "cpu", "round trip (ns)");
  out.push_back(std::move(v));
}

// ---- NUMA node to node ----------------------------------------------------------------------------------

// The numa probe's ops; its rows' node fields are row_key::from_node/to_node (counters), and numa_bw
// rows carry gbps, threads and size as well.
constexpr const char* kNumaBw = "numa_bw";
constexpr const char* kNumaLatency = "numa_latency";

// One matrix per input and sweep point (threads and size for bandwidth, size for latency).
void numa_views(const Run& run, const std::string& label, std::vector<View>& out) {
  struct Sweep {
    std::string op, point;
    std::map<std::pair<int, int>, double> values;
    std::set<int> nodes;
  };
  std::vector<Sweep> sweeps;
  for (const Benchmark& b : run.benchmarks) {
    const bool bw = b.op == kNumaBw;
    if (!bw && b.op != kNumaLatency) continue;
    const double from = center_of(b, row_key::from_node), to = center_of(b, row_key::to_node);
    const double value = center_of(b, bw ? row_key::gbps : row_key::latency_ns);
    if (!std::isfinite(from) || !std::isfinite(to) || !std::isfinite(value)) continue;
    const double size = size_of(b);
    std::string point = std::isfinite(size) ? binary_bytes(size) : b.size;
    if (bw) point = fmt::format("{} thread{}, {}", b.threads, b.threads == 1 ? "" : "s", point);
    auto it = std::find_if(sweeps.begin(), sweeps.end(),
                           [&](const Sweep& s) { return s.op == b.op && s.point == point; });
    if (it == sweeps.end()) it = sweeps.insert(sweeps.end(), Sweep{b.op, point, {}, {}});
    it->values[{static_cast<int>(from), static_cast<int>(to)}] = value;
    it->nodes.insert(static_cast<int>(from));
    it->nodes.insert(static_cast<int>(to));
  }
  for (const Sweep& s : sweeps) {
    const bool bw = s.op == kNumaBw;
    const Matrix matrix{std::vector<int>(s.nodes.begin(), s.nodes.end()), [&s](int a, int b) {
                          const auto it = s.values.find({a, b});
                          return it == s.values.end() ? kNaN : it->second;
                        }};
    double local = 0, remote = 0;
    int n_local = 0, n_remote = 0;
    for (const auto& [pair, value] : s.values) {
      if (pair.first == pair.second) local += value, ++n_local;
      else remote += value, ++n_remote;
    }
    const char* unit = bw ? "GB/s" : "ns";
    View v;
    v.title = fmt::format("NUMA {} node to node — {}, {}", bw ? "bandwidth" : "latency", label, s.point);
    v.note = fmt::format(
        "Row: from_node (the node whose CPUs run the threads); column: to_node (the node that holds the "
        "memory). {}",
        bw ? "Bandwidth of the threads to and from the memory of the column's node."
           : "Load-to-use latency of a pointer chase through the memory of the column's node.");
    if (n_local > 0 && n_remote > 0) {
      const double l = local / n_local, r = remote / n_remote;
      v.note += fmt::format(" Mean local (diagonal) {} {}, mean remote {} {}: remote is {} of local.",
                            format_number(l), unit, format_number(r), unit, format_percent(r / l));
    }
    if (matrix.ids.size() <= kMaxMatrixTable) {
      v.header = {fmt::format("from ↓ to → ({})", unit)};
      for (int id : matrix.ids) v.header.push_back("node " + std::to_string(id));
      v.rows = matrix_rows(matrix);
      for (auto& row : v.rows) row.front() = "node " + row.front();
    } else {
      v.note += " The matrix is drawn as a heatmap only (more than " + std::to_string(kMaxMatrixTable) +
                " nodes).";
    }
    if (matrix.ids.size() >= 2)
      v.chart_script = heatmap_script(matrix, "to_node (memory)", "from_node (threads)",
                                      bw ? "bandwidth (GB/s)" : "latency (ns)");
    out.push_back(std::move(v));
  }
}

// ---- roofline -------------------------------------------------------------------------------------------

struct Roofs {
  double peak_gflops = kNaN;  // best single-thread f32 FLOP rate the peakflops probe reached
  double dram_gbps = kNaN;    // single-thread read bandwidth at the largest working set
  double cache_gbps = kNaN;   // single-thread read bandwidth at the smallest working set
};

Roofs roofs_of(const Run& run) {
  Roofs r;
  double small = kNaN, large = kNaN;
  for (const Benchmark& b : run.benchmarks) {
    if (b.threads != 1) continue;
    if (is_probe(b, "peakflops") && b.dtype == "f32") {
      const double g = center_of(b, row_key::gflops);
      if (std::isfinite(g) && !(g <= r.peak_gflops)) r.peak_gflops = g;
    }
    const double size = size_of(b);
    if (is_probe(b, "read") && std::isfinite(size)) {
      const double g = center_of(b, row_key::gbps);
      if (!(size >= small)) small = size, r.cache_gbps = g;
      if (!(size <= large)) large = size, r.dram_gbps = g;
    }
  }
  return r;
}

struct KernelPoint {
  std::string variant, impl, size;
  double intensity = 0, gflops = 0;
};

void roofline_views(const Run& run, const std::string& label, std::vector<View>& out) {
  const Roofs roofs = roofs_of(run);
  if (!std::isfinite(roofs.peak_gflops) || !std::isfinite(roofs.dram_gbps)) return;
  // One point per variant: its largest single-thread f32 size, the one furthest from the caches.
  std::map<std::string, std::pair<double, KernelPoint>> by_variant;
  for (const Benchmark& b : run.benchmarks) {
    if (b.suite != row_value::kernel || b.threads > 1 || b.dtype != "f32") continue;
    const double gflops = center_of(b, row_key::gflops), gbps = center_of(b, row_key::gbps);
    if (!(gflops > 0) || !(gbps > 0)) continue;
    const double size = std::isfinite(size_of(b)) ? size_of(b) : 0;
    const std::string variant = b.name.substr(0, b.name.find('/'));
    auto [it, fresh] = by_variant.try_emplace(variant, size, KernelPoint{});
    if (!fresh && size < it->second.first) continue;
    it->second = {size, KernelPoint{variant, b.impl, b.size, gflops / gbps, gflops}};
  }
  if (by_variant.empty()) return;
  View v;
  v.title = "Roofline (f32, 1 thread) — " + label;
  v.note = fmt::format(
      "Roofs: {} GFLOP/s (best f32 rate of the peakflops probe), {} GB/s (read bandwidth at the largest "
      "working "
      "set) and {} GB/s (at the smallest, dashed). A kernel's arithmetic intensity is its GFLOP/s over its "
      "GB/s, "
      "as the kernel declares its FLOPs and bytes; shown at its largest size, against the DRAM roof.",
      format_number(roofs.peak_gflops), format_number(roofs.dram_gbps), number_or_dash(roofs.cache_gbps));
  v.header = {"kernel", "impl", "size", "FLOP/byte", "GFLOP/s", "roof (GFLOP/s)", "of roof"};
  std::vector<std::string> impls;
  std::vector<std::vector<double>> data;
  for (const auto& [variant, entry] : by_variant) {
    const KernelPoint& p = entry.second;
    const double roof = std::min(roofs.peak_gflops, p.intensity * roofs.dram_gbps);
    v.rows.push_back({p.variant, p.impl, p.size, format_number(p.intensity), format_number(p.gflops),
                      format_number(roof), format_percent(p.gflops / roof)});
    const auto impl = std::find(impls.begin(), impls.end(), p.impl);
    const double index = static_cast<double>(impl - impls.begin());
    if (impl == impls.end()) impls.push_back(p.impl);
    data.push_back({p.intensity, p.gflops, index});
  }
  std::string colors;
  for (std::size_t i = 0; i < impls.size(); ++i) colors += fmt::format("{}{}", i ? " " : "", series_color(i));
  // The x range spans every point and the ridge (where the DRAM roof meets the peak), a decade either side.
  double x_low = roofs.peak_gflops / roofs.dram_gbps, x_high = x_low;
  for (const auto& point : data) x_low = std::min(x_low, point[0]), x_high = std::max(x_high, point[0]);
  const std::string cache_roof =
      std::isfinite(roofs.cache_gbps)
          ? fmt::format(", min(peak, x * {:.9g}) title \"cache roof\" lw 1 dt 2 lc rgb \"#888888\"",
                        roofs.cache_gbps)
          : "";
  v.chart_script = fmt::format(
      "{}{}{}colors = \"{}\"\npeak = {:.9g}\nset logscale xy\nset xrange [{:.3g}:{:.3g}]\nset samples 400\n"
      "set xlabel \"arithmetic intensity (FLOP/byte)\"\nset ylabel \"GFLOP/s\"\nmin(a, b) = a < b ? a : b\n"
      "plot min(peak, x * {:.9g}) title \"DRAM roof\" lw 2 lc rgb \"#333333\"{}, "
      "for [i=1:{}] $data using 1:($3 == i - 1 ? $2 : NaN) title titles[i] with points pt 7 ps 0.8 "
      "lc rgb word(colors, i)\n",
      gnuplot_terminal(), data_block("data", data), titles_array(impls), colors, roofs.peak_gflops,
      x_low / 10, x_high * 10, roofs.dram_gbps, cache_roof, impls.size());
  out.push_back(std::move(v));
}

// ---- accuracy -------------------------------------------------------------------------------------------

std::string with_unit(double v, const char* unit) {
  return std::isfinite(v) ? format_number(v) + " " + unit : std::string(kDash);
}

// The contract of an accuracy row, from its numbers: exact, a ULP bound (gelu: above -3, an absolute
// bound below), or softmax's relative bound per element.
std::string bound_of(const Benchmark& b) {
  const double ulp = center_of(b, row_key::bound_ulp), abs_below = center_of(b, row_key::bound_abs_below);
  const double rel = center_of(b, row_key::bound_rel_eps);
  if (std::isfinite(rel)) return fmt::format("rel ≤ {:g} eps", rel);
  if (!std::isfinite(ulp)) return b.field(row_key::bound).empty() ? std::string(kDash) : b.field(row_key::bound);
  if (ulp == 0) return "exact";
  // Bounds are round numbers: shown as written in the contract (8 ulp, 1.2e-06), not to 4 digits.
  std::string text = fmt::format("≤ {:g} ulp", ulp);
  if (abs_below > 0) text += fmt::format(" (x ≥ −3); abs ≤ {:g} below", abs_below);
  return text;
}

// Rows "accuracy/<op>/<variant>" of `armperf accuracy --out`: a row per op and variant, per input its
// worst error, 99.99th percentile and verdict against the bound.
void accuracy_views(const std::vector<Run>& runs, const std::vector<std::string>& labels, std::vector<View>& out) {
  std::vector<std::string> names;  // in the order the inputs list them
  std::map<std::string, std::vector<const Benchmark*>> by_name;
  std::vector<std::string> sweeps(runs.size());
  for (std::size_t i = 0; i < runs.size(); ++i) {
    for (const Benchmark& b : runs[i].benchmarks) {
      if (b.suite != row_value::accuracy) continue;
      auto [it, fresh] = by_name.try_emplace(b.name, runs.size(), nullptr);
      if (fresh) names.push_back(b.name);
      it->second[i] = &b;
      if (sweeps[i].empty() && b.error.empty()) {
        const double n = center_of(b, row_key::samples);
        sweeps[i] = b.field(row_key::exhaustive) == "true"
                        ? "all 2^32 inputs (exhaustive)"
                        : fmt::format("a sample of about {} inputs per op", format_number(n));
      }
    }
  }
  if (names.empty()) return;
  // Variants of one op together, ops in the order the inputs first list them.
  std::vector<std::string> op_order;
  for (const std::string& name : names) {
    const std::string& op = (*std::find_if(by_name[name].begin(), by_name[name].end(),
                                           [](const Benchmark* b) { return b != nullptr; }))->op;
    if (std::find(op_order.begin(), op_order.end(), op) == op_order.end()) op_order.push_back(op);
  }
  const auto op_rank = [&](const std::string& name) {
    const Benchmark* b = *std::find_if(by_name[name].begin(), by_name[name].end(),
                                       [](const Benchmark* x) { return x != nullptr; });
    return std::find(op_order.begin(), op_order.end(), b->op) - op_order.begin();
  };
  std::stable_sort(names.begin(), names.end(),
                   [&](const std::string& a, const std::string& b) { return op_rank(a) < op_rank(b); });
  View v;
  v.title = "Activation accuracy (f32 against a double reference)";
  v.note =
      "Worst error over the sweep and its 99.99th percentile, in ulp of the correctly rounded result "
      "(softmax: relative error per element, in units of FLT_EPSILON); ok when the variant meets its bound "
      "everywhere it was swept (rows of armperf accuracy --out).";
  for (std::size_t i = 0; i < runs.size(); ++i)
    if (!sweeps[i].empty()) v.note += fmt::format(" {}: {}.", labels[i], sweeps[i]);
  // Columns for the inputs that hold accuracy rows (a run of probes only has nothing to say here).
  std::vector<std::size_t> columns;
  for (std::size_t i = 0; i < runs.size(); ++i)
    if (std::any_of(by_name.begin(), by_name.end(), [i](const auto& entry) { return entry.second[i] != nullptr; }))
      columns.push_back(i);
  v.header = {"op", "variant", "impl", "isa", "bound"};
  v.text_columns = 5;
  for (std::size_t i : columns) {
    v.header.push_back(labels[i] + " max");
    v.header.push_back(labels[i] + " p99.99");
    v.header.push_back(labels[i] + " verdict");
  }
  std::map<std::pair<std::size_t, std::string>, int> skipped;  // (input, reason) -> variants
  for (const std::string& name : names) {
    const auto& per_input = by_name[name];
    const Benchmark* first = *std::find_if(per_input.begin(), per_input.end(), [](auto* b) { return b != nullptr; });
    const Benchmark* measured = first;
    for (const Benchmark* b : per_input)
      if (b != nullptr && b->error.empty()) measured = b;
    // "accuracy/<op>/<variant>": the variant is the rest, whatever characters it holds.
    const std::string prefix = "accuracy/" + first->op + "/";
    std::vector<std::string> row = {first->op, name.rfind(prefix, 0) == 0 ? name.substr(prefix.size()) : name,
                                    first->impl, first->isa, bound_of(*measured)};
    for (std::size_t i : columns) {
      const Benchmark* b = per_input[i];
      if (b == nullptr) {
        row.insert(row.end(), {std::string(kDash), std::string(kDash), std::string(kDash)});
        continue;
      }
      if (!b->error.empty()) {
        // The reason goes to the note, once per input and reason: a table cell would widen the column.
        ++skipped[{i, b->error}];
        row.insert(row.end(), {std::string(kDash), std::string(kDash), "skipped"});
        continue;
      }
      const bool softmax = b->metric(row_key::max_rel_eps) != nullptr;
      row.push_back(softmax ? with_unit(center_of(*b, row_key::max_rel_eps), "eps")
                            : with_unit(center_of(*b, row_key::max_ulp), "ulp"));
      row.push_back(softmax ? std::string(kDash) : with_unit(center_of(*b, row_key::p9999_ulp), "ulp"));
      const std::string within = b->field(row_key::within_bound);
      row.push_back(within == "true" ? "ok" : within == "false" ? "FAIL" : std::string(kDash));
    }
    v.rows.push_back(std::move(row));
  }
  for (const auto& [where, count] : skipped)
    v.note += fmt::format(" Skipped on {}: {} variant{} ({}).", labels[where.first], count, count == 1 ? "" : "s",
                          where.second);
  out.push_back(std::move(v));
}

}  // namespace

std::vector<CacheLevel> context_caches(const Run& run) {
  std::vector<CacheLevel> levels;
  const auto parsed = nlohmann::json::parse(run.context_value(context_key::topology), nullptr, false);
  if (!parsed.is_object() || !parsed.contains("caches") || !parsed["caches"].is_array()) return levels;
  for (const auto& cache : parsed["caches"]) {
    if (!cache.is_object()) continue;
    const std::string type = cache.value("type", "");
    const int level = cache.value("level", 0);
    const double bytes = cache.value("size_bytes", 0.0);
    if (type == "instruction" || level <= 0 || !(bytes > 0)) continue;
    levels.push_back({fmt::format("L{}{} {}", level, type == "data" ? "d" : "", binary_bytes(bytes)), bytes});
  }
  return levels;
}

std::vector<View> report_views(const std::vector<Run>& runs, const std::vector<std::string>& labels) {
  std::vector<View> views;
  for (std::size_t i = 0; i < runs.size(); ++i) peer_views(runs[i], labels[i], views);
  for (std::size_t i = 0; i < runs.size(); ++i) bandwidth_views(runs[i], labels[i], views);
  latency_views(runs, labels, views);
  for (std::size_t i = 0; i < runs.size(); ++i) c2c_views(runs[i], labels[i], views);
  for (std::size_t i = 0; i < runs.size(); ++i) numa_views(runs[i], labels[i], views);
  for (std::size_t i = 0; i < runs.size(); ++i) roofline_views(runs[i], labels[i], views);
  accuracy_views(runs, labels, views);
  return views;
}

}  // namespace armperf::reports
