#include "tools/run/plan.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <regex>
#include <set>
#include <stdexcept>

#include "kernels/benchmarks.hpp"
#include "probes/pmu.hpp"
#include "probes/probe.hpp"

namespace armperf::run {
namespace {

using json = nlohmann::json;

// Cold-start guess per probe item (no timing recorded on this machine yet), from the probes at
// quick settings on a 2-core VM: idle, 0.0-4.1 s each (bandwidth the longest; 11 s for all ten);
// at load 8-18, 1-13 s (loaded_latency the longest); ~3x that with standard's 9 repetitions;
// full's own sweeps: 5-540 s. Timings recorded by a run replace the guess.
double probe_estimate_seconds(Profile profile) {
  switch (profile) {
    case Profile::quick:
      return 4;
    case Profile::standard:
      return 18;
    case Profile::full:
      return 150;
  }
  return 0;
}

int parse_thread_count(const std::string& text, int pus) {
  if (text == "all") return pus;
  int value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 1) {
    throw std::invalid_argument(
        fmt::format("--threads: '{}' is not a thread count (expected 1, 2, ... or all)", text));
  }
  if (value > pus) {
    throw std::invalid_argument(
        fmt::format("--threads: {} threads exceed the {} PUs of this machine", value, pus));
  }
  return value;
}

std::vector<std::string> checked_membinds(const std::vector<std::string>& membinds, int numa_nodes) {
  for (const auto& m : membinds) {
    if (m != "local" && m != "remote" && m != "interleave") {
      throw std::invalid_argument(fmt::format("--membind: '{}' is not local, remote or interleave", m));
    }
    if (m != "local" && numa_nodes < 2) {
      throw std::invalid_argument(fmt::format(
          "--membind {}: this machine has {} NUMA node, {} memory needs at least 2", m, numa_nodes, m));
    }
  }
  return membinds;
}

std::vector<std::string> checked_placements(const std::vector<std::string>& placements) {
  for (const auto& p : placements) {
    if (p != "compact" && p != "spread") {
      throw std::invalid_argument(fmt::format("--placement: '{}' is not compact or spread", p));
    }
  }
  return placements;
}

template <class T>
void append_unique(std::vector<T>& values, const T& value) {
  if (std::find(values.begin(), values.end(), value) == values.end()) values.push_back(value);
}

std::vector<SweepPoint> sweep_points(const RunOptions& options, const TopologySummary& topo) {
  const int pus = std::max(1, topo.pus);
  std::vector<int> threads;
  for (const auto& t : options.threads) append_unique(threads, parse_thread_count(t, pus));
  if (threads.empty()) threads = profile_thread_counts(options.profile, topo);

  std::vector<std::string> placements = checked_placements(options.placements);
  if (placements.empty()) placements = {"compact"};
  if (options.placements.empty() && options.profile == Profile::full) placements = {"compact", "spread"};

  std::vector<std::string> membinds = checked_membinds(options.membinds, topo.numa_nodes);
  if (membinds.empty()) membinds = {"local"};
  if (options.membinds.empty() && options.profile == Profile::full && topo.numa_nodes >= 2) {
    membinds = {"local", "remote", "interleave"};
  }

  std::vector<SweepPoint> points;
  for (int t : threads) {
    for (const auto& placement : placements) {
      // With one thread, or every PU, spread covers the same PUs as compact: measure it once.
      const bool same_as_compact = placement == "spread" && (t == 1 || t == pus);
      if (same_as_compact && options.placements.empty()) continue;
      for (const auto& membind : membinds) points.push_back({t, placement, membind});
    }
  }
  return points;
}

}  // namespace

double shape_bytes(const KernelVariant& variant, const BenchShape& shape) {
  if (shape.bytes > 0) return double(shape.bytes);
  if (shape.dims.size() == 1) return double(shape.dims[0]) * std::max(variant.bytes_per_element, 4.0);
  if (shape.dims.size() == 3) {
    const double m = double(shape.dims[0]), n = double(shape.dims[1]), k = double(shape.dims[2]);
    // GEMM's A and B are stored in its dtype, C in the accumulator type: f64 C for dgemm, f32 or int32
    // (4 B) for the others (sbgemm, s8gemm). Other MxNxK families: 4 B throughout.
    const bool gemm = variant.family == "gemm";
    const double operand = !gemm                     ? 4.0
                           : variant.dtype == "f64"  ? 8.0
                           : variant.dtype == "bf16" ? 2.0
                           : variant.dtype == "int8" ? 1.0
                                                     : 4.0;
    return operand * (m * k + k * n) + std::max(operand, 4.0) * m * n;
  }
  double elements = 1;
  for (auto d : shape.dims) elements *= double(d);
  return 4.0 * elements;
}

// Cold-start model, from the quick profile on a loaded 2-core VM (load ~10): building and first
// touching a family's buffers ran at 0.07-0.5 GB/s; an elementwise iteration moves at least 64 MiB
// (elementwise_repeats) at ~2 GB/s vectorised and ~0.05 GB/s for scalar transcendental code; a GEMM
// runs ~20 GFLOP/s vectorised, ~1 scalar. Anything else: 10 ms per iteration. Recorded timings
// (tools/run/timings.hpp) replace all of this after the first run.
KernelTiming modelled_kernel_timing(const KernelVariant& variant, const BenchShape& shape) {
  KernelTiming t;
  const double bytes = shape_bytes(variant, shape);
  t.setup_seconds = bytes / 0.15e9;
  const bool vector = variant.impl != "armperf" ? variant.impl != "libm" : variant.isa != Isa::scalar;
  if (shape.dims.size() == 1 && variant.bytes_per_element > 0) {
    t.iteration_seconds = std::max(64.0 * (1 << 20), bytes) / (vector ? 2e9 : 0.05e9);
  } else if (shape.dims.size() == 3 && variant.family == "gemm") {
    const double flops = 2.0 * double(shape.dims[0]) * double(shape.dims[1]) * double(shape.dims[2]);
    t.iteration_seconds = flops / (vector ? 20e9 : 1e9);
  } else {
    t.iteration_seconds = 0.01;
  }
  return t;
}

// The registry is sorted by name, so without the f32 preference the last row was whichever dtype
// sorts last: f64 for GEMM, then int8 once s8gemm came.
const KernelVariant* showcase_variant(const std::vector<const KernelVariant*>& variants) {
  const KernelVariant* best = nullptr;
  for (const KernelVariant* v : variants) {
    if (v->impl != "armperf" || !v->runnable()) continue;
    const bool wider = best == nullptr || isa_rank(v->isa) > isa_rank(best->isa);
    const bool same = best != nullptr && isa_rank(v->isa) == isa_rank(best->isa);
    if (wider || (same && (v->dtype == "f32" || best->dtype != "f32"))) best = v;
  }
  return best != nullptr ? best : (variants.empty() ? nullptr : variants.front());
}

namespace {

// How much of the registry a profile measures when no --filter chooses:
//   tier 0: every variant at its family's first (smallest) shape;
//   tier 1: one variant per family (showcase_variant) at every other shape;
//   tier 2: every other (variant, shape).
// full takes everything. quick and standard always take the showcase variant at every shape (so
// every family is measured at every cache level), then add the other variants, smallest shapes first
// and cheapest first within a shape, while the plan's estimate (probes included) stays within the
// profile's budget (DESIGN §6: quick 60 s, standard 10 minutes on a 2-core VM). standard requires
// only the showcase's first shape: with 9 repetitions, each rebuilding its buffers, one DRAM-sized
// benchmark costs ~1.5 minutes on that VM and the whole registry ~50 minutes, so the budget decides
// which sizes fit (the showcase's first).
constexpr double kQuickBudgetSeconds = 60;
constexpr double kStandardBudgetSeconds = 600;

struct Candidate {
  int tier = 0;
  std::size_t shape_index = 0;
  std::size_t order = 0;  // position in the shape-major order the plan runs in
  PlanItem item;
};

// Every family runs its benchmarks on plan.threads threads (BenchPlan.threads: a team over the
// sweep point's placement, "/threads:N" in the name and a "threads" counter). A shape a family returns
// with another count is dropped, so no row claims a thread count its family did not run.
std::vector<Candidate> kernel_candidates(const RunPlan& plan, const std::regex& filter,
                                         const Timings* timings) {
  auto& registry = KernelRegistry::instance();
  std::vector<Candidate> out;
  for (const SweepPoint& point : plan.points) {
    BenchPlan sizes = plan.sizes;
    sizes.threads = point.threads;
    for (const KernelFamily& family : registry.families()) {
      const auto variants = registry.variants(family.name);
      const KernelVariant* showcase = showcase_variant(variants);
      const auto shapes = family.shapes(sizes);
      // Shape-major, so a peer library runs right beside our variants of the same shape and
      // drift on the machine affects both (issue 7).
      for (std::size_t s = 0; s < shapes.size(); ++s) {
        if (shapes[s].threads != point.threads) continue;
        for (const KernelVariant* variant : variants) {
          const std::string name = benchmark_name(*variant, shapes[s]);
          if (!std::regex_search(name, filter)) continue;
          Candidate c;
          c.tier = s == 0 ? 0 : variant == showcase ? 1 : 2;
          c.shape_index = s;
          c.order = out.size();
          c.item.kind = PlanItem::Kind::kernel;
          c.item.key = fmt::format("kernel:{}@{}", name, point_key(point));
          c.item.name = name;
          c.item.family = family.name;
          c.item.variant = variant;
          c.item.shape = shapes[s];
          c.item.point = point;
          c.item.timing_key = c.item.key;
          KernelTiming timing = modelled_kernel_timing(*variant, shapes[s]);
          if (timings != nullptr) {
            if (const auto it = timings->kernels.find(c.item.key); it != timings->kernels.end()) {
              timing = it->second;
              c.item.estimate_measured = true;
            }
          }
          // Half the min time: the model's iteration times are rough.
          c.item.warm_up = timing.iteration_seconds >= 0.5 * plan.min_time;
          const double warm_up = c.item.warm_up ? timing.setup_seconds + timing.iteration_seconds : 0.0;
          // Interleaved, every repetition is a call of its own, calibrated (and warmed up) afresh.
          c.item.estimate_seconds =
              plan.interleaved ? plan.repetitions * (kernel_seconds(timing, 1, plan.min_time) + warm_up)
                               : kernel_seconds(timing, plan.repetitions, plan.min_time) + warm_up;
          out.push_back(std::move(c));
        }
      }
    }
  }
  return out;
}

void add_kernel_items(RunPlan& plan, const RunOptions& options, const std::regex& filter,
                      const Timings* timings) {
  std::vector<Candidate> candidates = kernel_candidates(plan, filter, timings);
  const bool everything = !options.filter.empty() || plan.profile == Profile::full;
  const double budget = plan.profile == Profile::quick ? kQuickBudgetSeconds : kStandardBudgetSeconds;
  std::vector<Candidate> chosen;
  double total = plan.estimated_seconds();  // the probes, already planned
  std::vector<Candidate> optional;
  for (auto& c : candidates) {
    const bool showcase =
        c.item.variant == showcase_variant(KernelRegistry::instance().variants(c.item.family));
    // quick: the showcase at every shape; standard: at its first shape (its other shapes come first
    // among the optional items, so they go in when the budget allows).
    const bool required = showcase && (c.tier == 0 || plan.profile == Profile::quick);
    if (everything || required) {
      total += c.item.estimate_seconds;
      chosen.push_back(std::move(c));
    } else {
      optional.push_back(std::move(c));
    }
  }
  std::stable_sort(optional.begin(), optional.end(), [](const Candidate& a, const Candidate& b) {
    if ((a.tier == 1) != (b.tier == 1)) return a.tier == 1;  // the showcase's other shapes first
    if (a.shape_index != b.shape_index) return a.shape_index < b.shape_index;
    return a.item.estimate_seconds < b.item.estimate_seconds;
  });
  for (auto& c : optional) {
    if (total + c.item.estimate_seconds > budget) continue;
    total += c.item.estimate_seconds;
    chosen.push_back(std::move(c));
  }
  std::sort(chosen.begin(), chosen.end(),
            [](const Candidate& a, const Candidate& b) { return a.order < b.order; });
  for (auto& c : chosen) plan.items.push_back(std::move(c.item));
}

void add_probe_items(RunPlan& plan, const RunOptions& options, const std::regex& filter,
                     const Timings* timings) {
  // A probe sweeps thread counts itself; it gets one item per placement × memory binding.
  std::vector<std::pair<std::string, std::string>> bindings;
  std::vector<int> threads;
  for (const SweepPoint& p : plan.points) {
    append_unique(bindings, std::make_pair(p.placement, p.membind));
    append_unique(threads, p.threads);
  }
  const bool probe_default_threads = options.threads.empty() && plan.profile != Profile::full;
  for (const Probe& probe : ProbeRegistry::instance().probes()) {
    if (!std::regex_search(probe.name, filter)) continue;
    for (const auto& [placement, membind] : bindings) {
      PlanItem item;
      item.kind = PlanItem::Kind::probe;
      item.point = {threads.front(), placement, membind};
      item.key = fmt::format("probe:{}@{}/{}", probe.name, placement, membind);
      item.name = probe.name;
      if (!probe_default_threads) item.probe_threads = threads;
      item.timing_key = fmt::format("{}|{}|reps:{}|threads:{}", item.key, profile_name(probe_profile(plan)),
                                    probe_repetitions(plan), fmt::join(item.probe_threads, ","));
      item.estimate_seconds = probe_estimate_seconds(plan.profile);
      if (timings != nullptr) {
        if (const auto it = timings->probes.find(item.timing_key); it != timings->probes.end()) {
          item.estimate_seconds = it->second;
          item.estimate_measured = true;
        }
      }
      plan.items.push_back(std::move(item));
    }
  }
}

std::regex compile_filter(const std::string& filter) {
  try {
    return std::regex(filter.empty() ? std::string(".*") : filter, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    throw std::invalid_argument(
        fmt::format("--filter: '{}' is not a valid regular expression ({})", filter, e.what()));
  }
}

}  // namespace

json to_json(const RunOptions& o) {
  json j = {{"profile", std::string(profile_name(o.profile))},
            {"filter", o.filter},
            {"threads", o.threads},
            {"placements", o.placements},
            {"membinds", o.membinds},
            {"pmu_events", o.pmu_events}};
  if (o.repetitions) j["repetitions"] = *o.repetitions;
  if (o.order) j["order"] = *o.order;
  if (o.min_time) j["min_time"] = *o.min_time;
  return j;
}

RunOptions options_from_json(const json& j) {
  RunOptions o;
  try {
    const auto profile = parse_profile(j.at("profile").get<std::string>());
    if (!profile) throw std::invalid_argument("profile: expected quick, standard or full");
    o.profile = *profile;
    o.filter = j.at("filter").get<std::string>();
    o.threads = j.at("threads").get<std::vector<std::string>>();
    o.placements = j.at("placements").get<std::vector<std::string>>();
    o.membinds = j.at("membinds").get<std::vector<std::string>>();
    o.pmu_events = j.at("pmu_events").get<std::vector<std::string>>();
    if (j.contains("repetitions")) o.repetitions = j["repetitions"].get<int>();
    if (j.contains("order")) o.order = j["order"].get<std::string>();
    if (j.contains("min_time")) o.min_time = j["min_time"].get<double>();
  } catch (const json::exception& e) {
    throw std::invalid_argument(fmt::format("run options: {}", e.what()));
  }
  return o;
}

std::string point_key(const SweepPoint& point) {
  return fmt::format("t{}/{}/{}", point.threads, point.placement, point.membind);
}

double RunPlan::estimated_seconds() const {
  double total = 0;
  for (const auto& item : items) total += item.estimate_seconds;
  return total;
}

int default_repetitions(Profile profile) { return profile == Profile::quick ? 1 : 9; }

double default_min_time(Profile profile) {
  // quick: enough iterations for a stable rate on a cache-sized shape, little more;
  // standard/full: gbench's own default would be 0.5 s, 9 repetitions make up the rest.
  switch (profile) {
    case Profile::quick:
      return 0.01;
    case Profile::standard:
      return 0.05;
    case Profile::full:
      return 0.2;
  }
  return 0.01;
}

std::vector<int> profile_thread_counts(Profile profile, const TopologySummary& topo) {
  const int cores = std::max(1, topo.cores);
  const int pus = std::max(cores, topo.pus);
  std::vector<int> counts = {1};
  if (profile == Profile::quick) return counts;
  if (profile == Profile::full) {
    for (int t = 2; t < cores; t *= 2) counts.push_back(t);
    if (topo.numa_nodes > 1 && !topo.numa.empty() && !topo.numa.front().cpus.empty()) {
      // One node's cores: its PUs over the SMT width.
      const int node_cores = int(topo.numa.front().cpus.size()) / std::max(1, topo.smt);
      if (node_cores > 1) append_unique(counts, node_cores);
    }
    if (topo.packages > 1) append_unique(counts, cores / topo.packages);
  }
  append_unique(counts, cores);
  if (profile == Profile::full) append_unique(counts, pus);
  std::sort(counts.begin(), counts.end());
  return counts;
}

int probe_repetitions(const RunPlan& plan) { return plan.profile == Profile::quick ? 0 : plan.repetitions; }

// A probe's own standard sweep is a full characterisation: bandwidth over every ISA, thread count
// and cache level took 540 s and latency to 1 GiB over 6 minutes on a 2-core VM, twice standard's
// whole 10-minute budget. A standard run therefore runs probes at their quick sizes and ISAs with
// standard's repetitions (>= 9); full runs their full sweeps, `armperf probe --profile standard`
// their standard ones.
Profile probe_profile(const RunPlan& plan) {
  return plan.profile == Profile::standard ? Profile::quick : plan.profile;
}

RunPlan make_plan(const RunOptions& options, const TopologySummary& topo, const BenchPlan& sizes,
                  const Timings* timings) {
  RunPlan plan;
  plan.profile = options.profile;
  plan.repetitions = options.repetitions.value_or(default_repetitions(options.profile));
  if (plan.repetitions < 1) {
    throw std::invalid_argument(
        fmt::format("--repetitions: {} is not a repetition count (expected >= 1)", plan.repetitions));
  }
  const std::string order = options.order.value_or("rounds");
  if (order != "rounds" && order != "items") {
    throw std::invalid_argument(fmt::format("--order: '{}' is not rounds or items", order));
  }
  plan.interleaved = plan.repetitions > 1 && order == "rounds";
  plan.min_time = options.min_time.value_or(default_min_time(options.profile));
  if (!(plan.min_time >= 0)) {
    throw std::invalid_argument(
        fmt::format("--min-time: {} is not a time in seconds (expected >= 0)", plan.min_time));
  }
  plan.pmu_events = probes::expand_pmu_events(options.pmu_events);
  plan.sizes = sizes;
  plan.sizes.profile = options.profile;
  const std::regex filter = compile_filter(options.filter);
  plan.points = sweep_points(options, topo);
  add_probe_items(plan, options, filter, timings);
  add_kernel_items(plan, options, filter, timings);
  if (plan.items.empty()) {
    throw std::invalid_argument(
        options.filter.empty()
            ? "nothing to run: no kernel family or probe is registered in this build"
            : fmt::format("--filter '{}' matches no kernel benchmark or probe", options.filter));
  }
  return plan;
}

void check_fits_memory(const RunPlan& plan, std::uint64_t available_bytes) {
  for (const auto& item : plan.items) {
    if (item.kind != PlanItem::Kind::kernel) continue;
    const double bytes = shape_bytes(*item.variant, item.shape);
    if (bytes > double(available_bytes)) {
      throw std::invalid_argument(
          fmt::format("{}: a working set of {:.0f} MB exceeds the {:.0f} MB of free memory", item.name,
                      bytes / 1e6, double(available_bytes) / 1e6));
    }
  }
}

json plan_json(const RunPlan& plan) {
  json points = json::array();
  for (const auto& p : plan.points)
    points.push_back({{"threads", p.threads}, {"placement", p.placement}, {"membind", p.membind}});
  json items = json::array();
  for (const auto& item : plan.items) {
    json j = {{"key", item.key},
              {"suite", item.kind == PlanItem::Kind::kernel ? "kernel" : "probe"},
              {"name", item.name},
              {"threads", item.point.threads},
              {"placement", item.point.placement},
              {"membind", item.point.membind},
              {"estimate_seconds", item.estimate_seconds},
              {"estimate_measured", item.estimate_measured}};
    if (item.kind == PlanItem::Kind::kernel) j["family"] = item.family;
    if (!item.probe_threads.empty()) j["probe_threads"] = item.probe_threads;
    items.push_back(std::move(j));
  }
  return {{"profile", std::string(profile_name(plan.profile))},
          {"repetitions", plan.repetitions},
          {context_key::interleaved, plan.interleaved},
          {"min_time_seconds", plan.min_time},
          {"sizes",
           {{"l1_bytes", plan.sizes.l1_bytes},
            {"l2_bytes", plan.sizes.l2_bytes},
            {"llc_bytes", plan.sizes.llc_bytes},
            {"dram_bytes", plan.sizes.dram_bytes}}},
          {"points", points},
          {"pmu_events", plan.pmu_events},
          {"items", items},
          {"estimated_seconds", plan.estimated_seconds()}};
}

std::string describe(const RunPlan& plan) {
  std::map<std::string, int> kernels_per_family;
  std::map<std::string, double> seconds_per_family;
  std::vector<std::string> probes;
  for (const auto& item : plan.items) {
    if (item.kind == PlanItem::Kind::kernel) {
      ++kernels_per_family[item.family];
      seconds_per_family[item.family] += item.estimate_seconds;
    } else {
      probes.push_back(fmt::format("{} ({}/{})", item.name, item.point.placement, item.point.membind));
    }
  }
  std::string out = fmt::format("profile {}: {} repetition(s){}, min time {} s per repetition\n",
                                profile_name(plan.profile), plan.repetitions,
                                plan.interleaved ? " in rounds (each round runs every kernel benchmark once)"
                                : plan.repetitions > 1 ? " back to back"
                                                       : "",
                                plan.min_time);
  out += fmt::format("sizes: L1 {} B, L2 {} B, LLC {} B, DRAM working set {} B\n", plan.sizes.l1_bytes,
                     plan.sizes.l2_bytes, plan.sizes.llc_bytes, plan.sizes.dram_bytes);
  out += "sweep points (threads/placement/membind):";
  for (const auto& p : plan.points) out += fmt::format(" {}", point_key(p));
  out += "\n";
  for (const auto& [family, count] : kernels_per_family) {
    out += fmt::format("kernels {:<12} {:>5} benchmark(s)  ~{:.1f} s\n", family, count,
                       seconds_per_family[family]);
  }
  if (!plan.pmu_events.empty()) out += fmt::format("pmu events: {}\n", fmt::join(plan.pmu_events, ", "));
  out += fmt::format("probes  {}\n", probes.empty() ? std::string("(none registered)")
                                                    : fmt::format("{}", fmt::join(probes, ", ")));
  const auto measured = std::count_if(plan.items.begin(), plan.items.end(),
                                      [](const PlanItem& i) { return i.estimate_measured; });
  out += fmt::format(
      "{} item(s), estimated time {:.0f} s ({} of them timed by earlier runs on this machine, "
      "the rest modelled)\n",
      plan.items.size(), plan.estimated_seconds(), measured);
  return out;
}

}  // namespace armperf::run
