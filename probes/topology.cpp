#include "probes/topology.hpp"

#include <fmt/format.h>
#include <hwloc.h>

#include <algorithm>
#include <map>

#include "core/isa.hpp"
#include "probes/c2c.hpp"
#include "probes/probe.hpp"
#include "probes/support.hpp"

namespace armperf::probes {

std::vector<CacheSharing> cache_sharing(const Topology& topology) {
  hwloc_topology_t topo = topology.handle();
  std::vector<CacheSharing> shared;
  for (int depth = 0; depth < hwloc_topology_get_depth(topo); ++depth) {
    if (!hwloc_obj_type_is_cache(hwloc_get_depth_type(topo, depth))) continue;
    for (hwloc_obj_t cache = nullptr; (cache = hwloc_get_next_obj_by_depth(topo, depth, cache));) {
      if (cache->attr->cache.type == HWLOC_OBJ_CACHE_INSTRUCTION || hwloc_bitmap_weight(cache->cpuset) < 2) continue;
      CacheSharing s;
      s.level = static_cast<int>(cache->attr->cache.depth);
      for (int pu = hwloc_bitmap_first(cache->cpuset); pu >= 0; pu = hwloc_bitmap_next(cache->cpuset, pu)) {
        s.cpus.push_back(pu);
      }
      shared.push_back(std::move(s));
    }
  }
  std::stable_sort(shared.begin(), shared.end(), [](const CacheSharing& a, const CacheSharing& b) {
    return std::pair(a.level, a.cpus.front()) < std::pair(b.level, b.cpus.front());
  });
  return shared;
}

std::vector<std::vector<std::vector<int>>> pu_domains(const Topology& topology) {
  std::vector<std::vector<std::vector<int>>> domains;
  std::vector<std::vector<int>> nodes;
  std::size_t smallest_node = 0;
  for (const auto& node : topology.summary().numa) {
    if (node.cpus.empty()) continue;  // memory-only (HBM, CXL): no PU to pair
    nodes.push_back(node.cpus);
    smallest_node = smallest_node == 0 ? node.cpus.size() : std::min(smallest_node, node.cpus.size());
  }
  if (nodes.size() > 1) domains.push_back(std::move(nodes));
  const auto shared = cache_sharing(topology);
  for (auto it = shared.begin(); it != shared.end(); ++it) {
    if (it->cpus.size() >= smallest_node) continue;  // a node-wide (or wider) cache is no cluster
    std::vector<std::vector<int>> clusters;
    for (auto same = it; same != shared.end() && same->level == it->level; ++same) clusters.push_back(same->cpus);
    if (clusters.size() > 1) domains.push_back(std::move(clusters));
    break;
  }
  return domains;
}

std::vector<LatencyCluster> cluster_by_latency(const std::vector<PairLatency>& pairs, double ratio) {
  if (pairs.size() < 2) return {};
  std::vector<double> all;
  for (const auto& p : pairs) all.push_back(p.ns);
  const double threshold = ratio * median(all);
  // Union-find over the PUs of the close pairs.
  std::map<int, int> parent;
  auto find = [&](int x) {
    while (parent.at(x) != x) x = parent[x] = parent.at(parent.at(x));
    return x;
  };
  for (const auto& p : pairs) {
    if (p.ns >= threshold) continue;
    parent.try_emplace(p.a, p.a);
    parent.try_emplace(p.b, p.b);
    const int ra = find(p.a), rb = find(p.b);
    if (ra != rb) parent[std::max(ra, rb)] = std::min(ra, rb);
  }
  std::map<int, std::vector<int>> groups;
  for (const auto& [pu, unused] : parent) groups[find(pu)].push_back(pu);
  std::vector<LatencyCluster> clusters;
  for (auto& [root, cpus] : groups) {
    std::vector<double> inside;
    for (const auto& p : pairs) {
      if (std::find(cpus.begin(), cpus.end(), p.a) != cpus.end() && std::find(cpus.begin(), cpus.end(), p.b) != cpus.end()) {
        inside.push_back(p.ns);
      }
    }
    clusters.push_back({cpus, median(inside)});
  }
  return clusters;
}

namespace {

ResultRow cluster_row(const std::string& source, const std::vector<int>& cpus, const std::string& detail) {
  const std::string list = cpu_list_text(cpus);
  ResultRow row = probe_row(fmt::format("topology/cluster/{}/{}", detail, list), "cluster", "scalar",
                            static_cast<int>(cpus.size()));
  row.extra = {{row_key::source, source}, {row_key::cpus, list}};
  return row;
}

ProbeOutcome run_topology(const ProbeConfig& cfg, const RowSink& sink) {
  ProbeOutcome outcome;
  const Topology& topology = Topology::binding();
  const TopologySummary& s = topology.summary();
  const CpuInfo& cpu = this_cpu();

  const auto shared = cache_sharing(topology);
  // The c2c matrix (or its sample on a big machine) the latency clusters come from.
  const std::vector<int> pus = topology.cpus_for(cfg.placement, 0);
  std::vector<PairLatency> measured;
  std::string atomic = "none";
  if (pus.size() >= 2) {
    const C2cAtomic way = c2c_atomics(outcome.notes).front();
    atomic = way.atomic;
    const int samples = std::max(9, repetitions(cfg));
    const std::uint64_t round_trips = cfg.profile == Profile::quick ? 1000 : 5000;
    for (const auto& [a, b] : c2c_pairs(pus, pu_domains(topology), pair_limit(parse_pairs(cfg.pairs), pus.size(), cfg.profile))) {
      Team team({a, b});
      measured.push_back({a, b, median(way.ping_pong(team, round_trips, samples).round_trip_ns)});
    }
  } else {
    outcome.notes.push_back("c2c clusters skipped: the placement has one PU");
  }
  const auto latency_clusters = cluster_by_latency(measured);

  ResultRow summary = probe_row("topology/summary", "topology", "scalar", s.pus);
  summary.placement = cfg.placement;
  summary.counters = {{"packages", s.packages},           {"numa_nodes", s.numa_nodes},
                      {"clusters", s.clusters},           {"cores", s.cores},
                      {"pus", s.pus},                     {"smt", s.smt},
                      {"cache_clusters", static_cast<double>(shared.size())},
                      {"c2c_clusters", static_cast<double>(latency_clusters.size())},
                      {"c2c_pairs", static_cast<double>(measured.size())}};
  if (!measured.empty()) {
    std::vector<double> all;
    for (const auto& p : measured) all.push_back(p.ns);
    summary.counters["c2c_median_ns"] = median(all);
  }
  summary.extra = {{"model", cpu.model}, {"microarchitecture", cpu.microarchitecture},
                   {"topology_source", topology.source()}, {row_key::atomic, atomic}};
  if (!sink(summary)) return outcome;

  for (const auto& c : shared) {
    ResultRow row = cluster_row("cache", c.cpus, fmt::format("L{}", c.level));
    row.extra[row_key::cache] = fmt::format("L{}", c.level);
    if (!sink(row)) return outcome;
  }
  for (const auto& c : latency_clusters) {
    ResultRow row = cluster_row("c2c", c.cpus, "c2c");
    row.counters[row_key::latency_ns] = c.latency_ns;
    row.extra[row_key::atomic] = atomic;
    if (!sink(row)) return outcome;
  }
  if (measured.size() < 2) {
    outcome.notes.push_back(fmt::format("c2c clusters need two pairs or more to compare ({} measured)", measured.size()));
  } else {
    outcome.notes.push_back(fmt::format("c2c clusters: PUs whose round trip is below {} x the median ({} pairs measured, "
                                        "--pairs N|all)", kCloseRatio, measured.size()));
  }
  return outcome;
}

ARMPERF_REGISTER_PROBE(Probe{"topology",
                             "What info shows, plus clusters of PUs sharing a cache (hwloc) or a fast c2c "
                             "path (measured round trips clearly below the median)",
                             &run_topology});

}  // namespace
}  // namespace armperf::probes
