#include "probes/latency.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "core/buffer.hpp"
#include "core/team.hpp"
#include "core/timer.hpp"
#include "probes/frequency.hpp"
#include "probes/probe.hpp"
#include "probes/support.hpp"

namespace armperf::probes {

namespace {
// splitmix64: a small, fast, well-mixed generator; reproducible from the seed on every platform.
std::uint64_t next_random(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}
}  // namespace

std::vector<std::uint32_t> cyclic_permutation(std::size_t n, std::uint64_t seed) {
  if (n > std::size_t{1} << 32) throw std::invalid_argument("cyclic_permutation: more than 2^32 elements");
  std::vector<std::uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  // Sattolo: j < i (never j == i) makes one cycle of the shuffled order; next[order[k]] = order[k+1].
  std::uint64_t state = seed;
  for (std::size_t i = n; i-- > 1;) {
    const auto j = static_cast<std::size_t>((static_cast<unsigned __int128>(next_random(state)) * i) >> 64);
    std::swap(order[i], order[j]);
  }
  std::vector<std::uint32_t> next(n);
  for (std::size_t i = 0; i < n; ++i) next[i] = order[i];
  return next;
}

void build_chase(void* base, std::size_t lines, std::size_t stride, std::uint64_t seed) {
  auto* bytes = static_cast<unsigned char*>(base);
  const std::vector<std::uint32_t> next = cyclic_permutation(lines, seed);
  for (std::size_t i = 0; i < lines; ++i) {
    *reinterpret_cast<void**>(bytes + i * stride) = bytes + std::size_t{next[i]} * stride;
  }
}

void* chase(void* start, std::uint64_t steps) {
  void* p = start;
  for (std::uint64_t i = 0; i < steps; i += 8) {
    for (int k = 0; k < 8; ++k) p = *static_cast<void**>(p);
  }
  // The end point escapes, so the loads cannot be dropped.
  asm volatile("" : "+r"(p));
  return p;
}

std::vector<CacheStep> detect_cache_steps(const std::vector<LatencyPoint>& curve, double ratio) {
  std::vector<CacheStep> steps;
  if (curve.empty()) return steps;
  double plateau = curve[0].ns;
  for (std::size_t i = 1; i < curve.size(); ++i) {
    if (curve[i].ns < ratio * plateau) {
      plateau = std::min(plateau, curve[i].ns);
      continue;
    }
    const std::size_t start = i;
    // A rise spread over points (+15 % or more each) belongs to this step; a point that doubles the
    // latency is the next level missing, the next step.
    while (i + 1 < curve.size() && curve[i + 1].ns >= 1.15 * curve[i].ns && curve[i + 1].ns < 2 * curve[i].ns) ++i;
    steps.push_back({curve[start - 1].bytes, curve[start].bytes, plateau, curve[i].ns});
    plateau = curve[i].ns;
  }
  return steps;
}

std::vector<std::string> describe_cache_steps(const std::vector<CacheStep>& steps, const TopologySummary& topology) {
  std::vector<const CacheSummary*> data_caches;
  for (const auto& c : topology.caches) {
    if (c.type != "instruction") data_caches.push_back(&c);
  }
  std::vector<std::string> lines;
  for (std::size_t k = 0; k < steps.size(); ++k) {
    const auto& s = steps[k];
    std::string hwloc = k < data_caches.size()
                            ? fmt::format("hwloc L{} {} {}", data_caches[k]->level,
                                          data_caches[k]->type == "data" ? "data" : "unified",
                                          bytes_text(data_caches[k]->size_bytes))
                            : std::string("beyond hwloc's caches: memory");
    lines.push_back(fmt::format("step {} between {} and {} ({:.2f} -> {:.2f} ns); {}", k + 1, bytes_text(s.last_fit),
                                bytes_text(s.first_miss), s.ns_before, s.ns_after, hwloc));
  }
  return lines;
}

ChaseTiming time_chase(void* start, std::size_t lines, int reps, double min_seconds) {
  chase(start, std::min<std::uint64_t>(lines, 1u << 22));  // warm: caches and TLB hold what fits
  std::uint64_t steps = 4096;
  std::uint64_t t0 = now_ns();
  chase(start, steps);
  const double estimate = std::max(0.1, static_cast<double>(now_ns() - t0) / static_cast<double>(steps));
  steps = std::max<std::uint64_t>({min_iterations_for(estimate), static_cast<std::uint64_t>(min_seconds * 1e9 / estimate), 8});
  std::vector<double> ns;
  for (int r = 0; r < reps; ++r) {
    const std::uint64_t begin = ticks();
    start = chase(start, steps);
    ns.push_back(ticks_to_ns(ticks() - begin) / static_cast<double>((steps + 7) / 8 * 8));
  }
  return {*std::min_element(ns.begin(), ns.end()), median(ns)};
}

namespace {

std::vector<std::uint64_t> default_sizes(Profile profile) {
  // quick: powers of two to 64 MiB; standard and full: 2^k and 1.5·2^k to 1 GiB (≥ 3 points per level).
  const std::uint64_t max = profile == Profile::quick ? 64ull << 20 : 1ull << 30;
  std::vector<std::uint64_t> sizes;
  for (std::uint64_t s = 4096; s <= max; s *= 2) {
    sizes.push_back(s);
    if (profile != Profile::quick && s * 3 / 2 <= max && s * 2 <= max) sizes.push_back(s * 3 / 2);
  }
  return sizes;
}

ProbeOutcome run_latency(const ProbeConfig& cfg, const RowSink& sink) {
  ProbeOutcome outcome;
  const Topology& topology = Topology::binding();
  const ResolvedMembind membind = resolve_membind(cfg.membind, topology.summary());
  if (!membind.bind) {
    outcome.notes.push_back(membind.note);
    return outcome;
  }
  const int reps = std::max(5, repetitions(cfg));
  const double min_seconds = cfg.profile == Profile::quick ? 0.002 : 0.01;
  std::vector<std::uint64_t> sizes(cfg.sizes.begin(), cfg.sizes.end());
  if (sizes.empty()) sizes = default_sizes(cfg.profile);
  std::sort(sizes.begin(), sizes.end());
  int line = 64;
  for (const auto& c : topology.summary().caches) line = std::max(line, c.line_bytes);

  Team team(topology.cpus_for(cfg.placement, 1));  // one chaser, pinned
  // Cycles use the fastest clock measured on the chasing core so far (before every point): on a
  // loaded machine a single measurement can catch the core shared and read low.
  double ghz = 0;
  for (const bool huge : {false, true}) {
    const char* page = huge ? "huge" : "4k";
    std::vector<LatencyPoint> curve;
    for (std::uint64_t bytes : sizes) {
      const std::size_t lines = std::max<std::size_t>(2, bytes / static_cast<std::uint64_t>(line));
      Buffer buffer(lines * static_cast<std::size_t>(line), BufferOptions{*membind.bind, huge});
      if (huge && !buffer.huge_pages_applied()) {
        outcome.notes.push_back("huge pages skipped: " + buffer.huge_pages_status());
        break;
      }
      ChaseTiming timing{};
      team.run([&](int) {  // built and first touched by the chasing thread: its memory, its node
        ghz = std::max(ghz, measure_ghz());
        build_chase(buffer.data(), lines, static_cast<std::size_t>(line), 0x5eed + bytes);
        timing = time_chase(buffer.data(), lines, reps, min_seconds);
      });
      const double ns = timing.best_ns;
      curve.push_back({bytes, ns});
      ResultRow row = probe_row(fmt::format("latency/{}/{}/{}", page, membind.name, bytes), "latency", "scalar", 1);
      row.placement = cfg.placement;
      row.membind = membind.name;
      row.size = bytes;
      row.repetitions = reps;
      row.real_time = row.cpu_time = ns;
      row.counters[row_key::latency_ns] = ns;
      row.counters["latency_ns_median"] = timing.median_ns;
      row.counters[row_key::latency_cycles] = ns * ghz;
      row.counters[row_key::ghz] = ghz;
      row.extra = {{row_key::page, page}};
      if (!sink(row)) return outcome;
    }
    for (const auto& line_text : describe_cache_steps(detect_cache_steps(curve), topology.summary())) {
      outcome.notes.push_back(fmt::format("{} pages: {}", page, line_text));
    }
  }
  outcome.notes.push_back(fmt::format("latency_cycles at up to {:.3f} GHz: the fastest dependent-add-chain clock seen on the "
                                      "chasing core before each point; latency_ns is the fastest of the repetitions",
                                      ghz));
  return outcome;
}

ARMPERF_REGISTER_PROBE(Probe{"latency",
                             "Load-to-use latency (ns, cycles) vs working set, random cyclic pointer chase, "
                             "4 KiB and huge pages; detected cache steps vs hwloc",
                             &run_latency});

}  // namespace
}  // namespace armperf::probes
