#include "core/topology.hpp"

#include <hwloc.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

namespace armperf {

namespace {

using Bitmap = std::unique_ptr<hwloc_bitmap_s, decltype(&hwloc_bitmap_free)>;

Bitmap make_bitmap() {
  Bitmap bitmap(hwloc_bitmap_alloc(), &hwloc_bitmap_free);
  if (!bitmap) throw std::bad_alloc();
  return bitmap;
}

Bitmap copy_bitmap(hwloc_const_bitmap_t from) {
  Bitmap bitmap(hwloc_bitmap_dup(from), &hwloc_bitmap_free);
  if (!bitmap) throw std::bad_alloc();
  return bitmap;
}

// Linux caps CONFIG_NR_CPUS at 8192; the margin keeps "0-2000000000" from allocating gigabytes.
constexpr int kMaxCpuIndex = 65535;

// ---------------------------------------------------------------------------------------------------
// Loading

hwloc_topology_t load_or_throw(const std::string& source, const std::function<int(hwloc_topology_t)>& select,
                               const char* bad_input_reason, unsigned long flags) {
  hwloc_topology_t topo = nullptr;
  if (hwloc_topology_init(&topo) < 0) {
    throw std::runtime_error(
        fmt::format("{}: cannot load: hwloc_topology_init: {}", source, std::strerror(errno)));
  }
  // A failing step with no name is about the input, where hwloc's EINVAL means "cannot parse this".
  auto fail = [&](const char* step) {
    const int err = errno;
    hwloc_topology_destroy(topo);
    const bool input = *step == '\0';
    const std::string reason = input && (err == EINVAL || err == 0) ? bad_input_reason : std::strerror(err);
    throw std::runtime_error(fmt::format("{}: cannot load: {}{}", source, step, reason));
  };
  errno = 0;
  if (select && select(topo) < 0) fail("");
  if (hwloc_topology_set_flags(topo, flags) < 0) fail("hwloc_topology_set_flags: ");
  // hwloc drops instruction caches by default; the summary reports them.
  if (hwloc_topology_set_icache_types_filter(topo, HWLOC_TYPE_FILTER_KEEP_ALL) < 0) {
    fail("hwloc_topology_set_icache_types_filter: ");
  }
  errno = 0;
  if (hwloc_topology_load(topo) < 0) fail("");
  return topo;
}

// The replay hwloc would pick from the environment, with hwloc's precedence (synthetic before XML).
struct EnvReplay {
  std::string source = "live system";
  std::function<int(hwloc_topology_t)> select;
  const char* bad_input_reason = "hwloc cannot discover this machine";
};

EnvReplay env_replay() {
  EnvReplay replay;
  if (const char* desc = std::getenv("HWLOC_SYNTHETIC"); desc && *desc) {
    replay.source = fmt::format("HWLOC_SYNTHETIC={}", desc);
    replay.select = [d = std::string(desc)](hwloc_topology_t t) {
      return hwloc_topology_set_synthetic(t, d.c_str());
    };
    replay.bad_input_reason = "not a valid hwloc synthetic description";
  } else if (const char* path = std::getenv("HWLOC_XMLFILE"); path && *path) {
    replay.source = fmt::format("HWLOC_XMLFILE={}", path);
    replay.select = [p = std::string(path)](hwloc_topology_t t) {
      return hwloc_topology_set_xml(t, p.c_str());
    };
    replay.bad_input_reason = "not a readable hwloc XML topology";
  }
  return replay;
}

// ---------------------------------------------------------------------------------------------------
// Walking the tree

int count_of(hwloc_topology_t topo, hwloc_obj_type_t type) {
  const int n = hwloc_get_nbobjs_by_type(topo, type);
  return n > 0 ? n : 0;
}

bool has_cores(hwloc_topology_t topo) { return count_of(topo, HWLOC_OBJ_CORE) > 0; }

// The cores inside a cpuset, in topological order, each as the OS indexes of its PUs (inside the set).
// Without Core objects every PU stands for a core.
std::vector<std::vector<int>> cores_inside(hwloc_topology_t topo, hwloc_const_cpuset_t set) {
  std::vector<std::vector<int>> cores;
  if (!has_cores(topo)) {
    for (hwloc_obj_t pu = nullptr;
         (pu = hwloc_get_next_obj_inside_cpuset_by_type(topo, set, HWLOC_OBJ_PU, pu));) {
      cores.push_back({static_cast<int>(pu->os_index)});
    }
    return cores;
  }
  for (hwloc_obj_t core = nullptr; (core = hwloc_get_next_obj_covering_cpuset_by_depth(
                                        topo, set, hwloc_get_type_depth(topo, HWLOC_OBJ_CORE), core));) {
    std::vector<int> pus;
    for (hwloc_obj_t pu = nullptr;
         (pu = hwloc_get_next_obj_inside_cpuset_by_type(topo, core->cpuset, HWLOC_OBJ_PU, pu));) {
      if (hwloc_bitmap_isset(set, pu->os_index)) pus.push_back(static_cast<int>(pu->os_index));
    }
    if (!pus.empty()) cores.push_back(std::move(pus));
  }
  return cores;
}

// See TopologySummary::clusters. Returns the depth of the cluster level, or -1 when there is none.
int cluster_depth(hwloc_topology_t topo) {
  const int leaf = hwloc_get_type_depth(topo, has_cores(topo) ? HWLOC_OBJ_CORE : HWLOC_OBJ_PU);
  const int package = hwloc_get_type_depth(topo, HWLOC_OBJ_PACKAGE);
  const int top = package >= 0 ? package + 1 : 1;
  for (int depth = leaf - 1; depth >= top; --depth) {
    const hwloc_obj_type_t type = hwloc_get_depth_type(topo, depth);
    if (type != HWLOC_OBJ_GROUP && type != HWLOC_OBJ_DIE && type != HWLOC_OBJ_L3CACHE) continue;
    const hwloc_obj_t first = hwloc_get_obj_by_depth(topo, depth, 0);
    if (first && cores_inside(topo, first->cpuset).size() >= 2) return depth;
  }
  return -1;
}

// Takes element i of every list in turn, for i = 0, 1, ...; lists that run out are skipped.
std::vector<int> round_robin(const std::vector<std::vector<int>>& lists) {
  std::vector<int> out;
  for (std::size_t i = 0;; ++i) {
    bool any = false;
    for (const auto& list : lists) {
      if (i < list.size()) {
        out.push_back(list[i]);
        any = true;
      }
    }
    if (!any) return out;
  }
}

std::size_t max_smt(const std::vector<std::vector<int>>& cores) {
  std::size_t smt = 0;
  for (const auto& core : cores) smt = std::max(smt, core.size());
  return smt;
}

// The rank-th PU of every core that has one: rank 0 is one PU per core, rank 1 the first SMT siblings...
std::vector<int> pus_of_rank(const std::vector<std::vector<int>>& cores, std::size_t rank) {
  std::vector<int> pus;
  for (const auto& core : cores) {
    if (rank < core.size()) pus.push_back(core[rank]);
  }
  return pus;
}

std::vector<int> compact_order(hwloc_topology_t topo) {
  const auto cores = cores_inside(topo, hwloc_topology_get_topology_cpuset(topo));
  std::vector<int> order;
  for (std::size_t rank = 0; rank < max_smt(cores); ++rank) {
    const auto pus = pus_of_rank(cores, rank);
    order.insert(order.end(), pus.begin(), pus.end());
  }
  return order;
}

std::vector<int> spread_order(hwloc_topology_t topo) {
  const int clusters_at = cluster_depth(topo);
  // Per NUMA node, its clusters, each as a list of cores. Nodes that share PUs with an earlier node
  // (HBM next to DDR, CXL memory) only add the PUs not seen yet; memory-only nodes add nothing.
  std::vector<std::vector<std::vector<std::vector<int>>>> nodes;
  Bitmap seen = make_bitmap();
  for (hwloc_obj_t node = nullptr; (node = hwloc_get_next_obj_by_type(topo, HWLOC_OBJ_NUMANODE, node));) {
    Bitmap local = copy_bitmap(node->cpuset);
    hwloc_bitmap_andnot(local.get(), local.get(), seen.get());
    if (hwloc_bitmap_iszero(local.get())) continue;
    hwloc_bitmap_or(seen.get(), seen.get(), local.get());
    std::vector<std::vector<std::vector<int>>> clusters;
    if (clusters_at < 0) {
      clusters.push_back(cores_inside(topo, local.get()));
    } else {
      for (hwloc_obj_t c = nullptr;
           (c = hwloc_get_next_obj_covering_cpuset_by_depth(topo, local.get(), clusters_at, c));) {
        Bitmap part = copy_bitmap(c->cpuset);
        hwloc_bitmap_and(part.get(), part.get(), local.get());
        clusters.push_back(cores_inside(topo, part.get()));
      }
    }
    nodes.push_back(std::move(clusters));
  }

  std::size_t smt = 0;
  for (const auto& clusters : nodes) {
    for (const auto& cores : clusters) smt = std::max(smt, max_smt(cores));
  }
  std::vector<int> order;
  for (std::size_t rank = 0; rank < smt; ++rank) {
    std::vector<std::vector<int>> per_node;
    for (const auto& clusters : nodes) {
      std::vector<std::vector<int>> per_cluster;
      for (const auto& cores : clusters) per_cluster.push_back(pus_of_rank(cores, rank));
      per_node.push_back(round_robin(per_cluster));
    }
    const auto pus = round_robin(per_node);
    order.insert(order.end(), pus.begin(), pus.end());
  }
  return order;
}

// ---------------------------------------------------------------------------------------------------
// Summary

std::vector<int> cpus_of(hwloc_const_cpuset_t set) {
  std::vector<int> cpus;
  for (int i = hwloc_bitmap_first(set); i >= 0; i = hwloc_bitmap_next(set, i)) cpus.push_back(i);
  return cpus;
}

// "0-3,8" as hwloc (and taskset) write it.
std::string cpu_list_text(hwloc_const_cpuset_t set) {
  char* text = nullptr;
  if (hwloc_bitmap_list_asprintf(&text, set) < 0) throw std::bad_alloc();
  std::string out(text);
  std::free(text);
  return out;
}

int cache_type_rank(const std::string& type) { return type == "data" ? 0 : type == "instruction" ? 1 : 2; }

std::vector<CacheSummary> summarize_caches(hwloc_topology_t topo) {
  std::vector<CacheSummary> caches;
  const int depth_count = hwloc_topology_get_depth(topo);
  for (int depth = 0; depth < depth_count; ++depth) {
    if (!hwloc_obj_type_is_cache(hwloc_get_depth_type(topo, depth))) continue;
    const hwloc_obj_t first = hwloc_get_obj_by_depth(topo, depth, 0);
    const auto& attr = first->attr->cache;
    CacheSummary cache;
    cache.level = static_cast<int>(attr.depth);
    cache.type = attr.type == HWLOC_OBJ_CACHE_DATA          ? "data"
                 : attr.type == HWLOC_OBJ_CACHE_INSTRUCTION ? "instruction"
                                                            : "unified";
    cache.size_bytes = attr.size;
    cache.line_bytes = static_cast<int>(attr.linesize);
    cache.count = hwloc_get_nbobjs_by_depth(topo, depth);
    cache.shared_by_pus = hwloc_bitmap_weight(first->cpuset);
    caches.push_back(std::move(cache));
  }
  std::stable_sort(caches.begin(), caches.end(), [](const CacheSummary& a, const CacheSummary& b) {
    return std::pair(a.level, cache_type_rank(a.type)) < std::pair(b.level, cache_type_rank(b.type));
  });
  return caches;
}

// The NUMA latency matrix: the one named NUMALatency (what Linux's SLIT becomes), else any latency
// matrix between NUMA nodes. Null when there is none; release with hwloc_distances_release.
hwloc_distances_s* numa_latencies(hwloc_topology_t topo) {
  unsigned n = 1;
  hwloc_distances_s* found = nullptr;
  if (hwloc_distances_get_by_name(topo, "NUMALatency", &n, &found, 0) == 0 && n == 1) return found;
  n = 1;
  found = nullptr;
  if (hwloc_distances_get_by_type(topo, HWLOC_OBJ_NUMANODE, &n, &found, HWLOC_DISTANCES_KIND_MEANS_LATENCY,
                                  0) == 0 &&
      n == 1) {
    return found;
  }
  return nullptr;
}

std::vector<NumaSummary> summarize_numa(hwloc_topology_t topo) {
  std::vector<hwloc_obj_t> nodes;
  for (hwloc_obj_t node = nullptr; (node = hwloc_get_next_obj_by_type(topo, HWLOC_OBJ_NUMANODE, node));) {
    nodes.push_back(node);
  }
  hwloc_distances_s* latencies = numa_latencies(topo);
  std::vector<NumaSummary> numa;
  for (hwloc_obj_t node : nodes) {
    NumaSummary summary;
    summary.node = static_cast<int>(node->os_index);
    summary.memory_bytes = node->attr->numanode.local_memory;
    summary.cpus = cpus_of(node->cpuset);
    const int row = latencies ? hwloc_distances_obj_index(latencies, node) : -1;
    for (hwloc_obj_t other : nodes) {
      const int col = row >= 0 ? hwloc_distances_obj_index(latencies, other) : -1;
      if (col < 0) {
        summary.distances.clear();
        break;
      }
      summary.distances.push_back(latencies->values[static_cast<std::size_t>(row) * latencies->nbobjs + col]);
    }
    numa.push_back(std::move(summary));
  }
  if (latencies) hwloc_distances_release(topo, latencies);
  return numa;
}

TopologySummary summarize(hwloc_topology_t topo) {
  TopologySummary s;
  s.packages = count_of(topo, HWLOC_OBJ_PACKAGE);
  s.numa_nodes = count_of(topo, HWLOC_OBJ_NUMANODE);
  s.pus = count_of(topo, HWLOC_OBJ_PU);
  const auto cores = cores_inside(topo, hwloc_topology_get_topology_cpuset(topo));
  s.cores = static_cast<int>(cores.size());
  s.smt = static_cast<int>(max_smt(cores));
  const int clusters_at = cluster_depth(topo);
  s.clusters = clusters_at >= 0 ? hwloc_get_nbobjs_by_depth(topo, clusters_at) : std::max(s.packages, 1);
  s.caches = summarize_caches(topo);
  s.numa = summarize_numa(topo);
  return s;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

}  // namespace

// -------------------------------------------------------------------------------------------------------
// Free functions

nlohmann::json summary_json(const TopologySummary& s) {
  nlohmann::json caches = nlohmann::json::array();
  for (const auto& c : s.caches) {
    caches.push_back({{"level", c.level},
                      {"type", c.type},
                      {"size_bytes", c.size_bytes},
                      {"line_bytes", c.line_bytes},
                      {"count", c.count},
                      {"shared_by_pus", c.shared_by_pus}});
  }
  nlohmann::json numa = nlohmann::json::array();
  for (const auto& n : s.numa) {
    numa.push_back(
        {{"node", n.node}, {"memory_bytes", n.memory_bytes}, {"cpus", n.cpus}, {"distances", n.distances}});
  }
  return {{"packages", s.packages}, {"numa_nodes", s.numa_nodes},
          {"clusters", s.clusters}, {"cores", s.cores},
          {"pus", s.pus},           {"smt", s.smt},
          {"caches", caches},       {"numa", numa}};
}

std::string_view placement_name(Placement placement) {
  return placement == Placement::compact ? "compact" : "spread";
}

Placement parse_placement(std::string_view text) {
  if (text == "compact") return Placement::compact;
  if (text == "spread") return Placement::spread;
  throw std::invalid_argument(fmt::format("placement \"{}\": expected compact or spread", text));
}

std::vector<int> parse_cpu_list(std::string_view text) {
  auto fail = [&](const std::string& why) {
    throw std::invalid_argument(fmt::format("cpu list \"{}\": {} (expected e.g. 0-3,8,10-11)", text, why));
  };
  auto number = [&](std::string_view item, std::string_view digits) {
    int value = -1;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size()) {
      fail(fmt::format("\"{}\" is not a cpu number or a range a-b", item));
    }
    if (value > kMaxCpuIndex) fail(fmt::format("cpu {} is beyond {}", value, kMaxCpuIndex));
    return value;
  };
  if (trim(text).empty()) fail("empty");

  std::vector<int> cpus;
  std::vector<bool> listed;
  std::string_view rest = text;
  for (;;) {
    const std::size_t comma = rest.find(',');
    const std::string_view item = trim(rest.substr(0, comma));
    if (item.empty()) fail("empty item");
    const std::size_t dash = item.find('-');
    const int first = number(item, trim(item.substr(0, dash)));
    const int last = dash == std::string_view::npos ? first : number(item, trim(item.substr(dash + 1)));
    if (last < first) fail(fmt::format("range {}-{} is reversed", first, last));
    for (int cpu = first; cpu <= last; ++cpu) {
      if (listed.size() <= static_cast<std::size_t>(cpu)) listed.resize(cpu + 1);
      if (listed[cpu]) fail(fmt::format("cpu {} is listed twice", cpu));
      listed[cpu] = true;
      cpus.push_back(cpu);
    }
    if (comma == std::string_view::npos) return cpus;
    rest.remove_prefix(comma + 1);
  }
}

// -------------------------------------------------------------------------------------------------------
// Topology

Topology::Topology(hwloc_topology* topo, std::string source)
    : topo_(topo), source_(std::move(source)), summary_(summarize(topo)) {}

Topology::Topology(Topology&& other) noexcept
    : topo_(std::exchange(other.topo_, nullptr)),
      source_(std::move(other.source_)),
      summary_(std::move(other.summary_)) {}

Topology& Topology::operator=(Topology&& other) noexcept {
  if (this != &other) {
    if (topo_) hwloc_topology_destroy(topo_);
    topo_ = std::exchange(other.topo_, nullptr);
    source_ = std::move(other.source_);
    summary_ = std::move(other.summary_);
  }
  return *this;
}

Topology::~Topology() {
  if (topo_) hwloc_topology_destroy(topo_);
}

Topology Topology::load() {
  EnvReplay replay = env_replay();
  return Topology(load_or_throw(replay.source, replay.select, replay.bad_input_reason, 0), replay.source);
}

Topology Topology::from_synthetic(const std::string& description) {
  const std::string source = fmt::format("synthetic \"{}\"", description);
  auto select = [&](hwloc_topology_t t) { return hwloc_topology_set_synthetic(t, description.c_str()); };
  return Topology(load_or_throw(source, select, "not a valid hwloc synthetic description", 0), source);
}

Topology Topology::from_xml(const std::string& path) {
  const std::string source = fmt::format("xml {}", path);
  auto select = [&](hwloc_topology_t t) { return hwloc_topology_set_xml(t, path.c_str()); };
  return Topology(load_or_throw(source, select, "not a readable hwloc XML topology", 0), source);
}

const Topology& Topology::binding() {
  static const Topology topology = [] {
    EnvReplay replay = env_replay();
    return Topology(load_or_throw(replay.source, replay.select, replay.bad_input_reason,
                                  HWLOC_TOPOLOGY_FLAG_IS_THISSYSTEM),
                    replay.source);
  }();
  return topology;
}

bool Topology::is_this_system() const { return hwloc_topology_is_thissystem(topo_) != 0; }

std::vector<int> Topology::placement_cpus(Placement placement, int nthreads) const {
  if (nthreads < 1) {
    throw std::invalid_argument(fmt::format("placement {}: {} threads requested, need at least 1",
                                            placement_name(placement), nthreads));
  }
  if (nthreads > summary_.pus) {
    throw std::invalid_argument(fmt::format("placement {}: {} threads requested but {} has {} PUs",
                                            placement_name(placement), nthreads, source_, summary_.pus));
  }
  std::vector<int> order = placement == Placement::compact ? compact_order(topo_) : spread_order(topo_);
  order.resize(static_cast<std::size_t>(nthreads));
  return order;
}

std::vector<int> Topology::cpus_for(std::string_view placement, int nthreads) const {
  const std::string_view text = trim(placement);
  if (text.empty() || !std::isdigit(static_cast<unsigned char>(text.front()))) {
    if (text != "compact" && text != "spread") {
      throw std::invalid_argument(
          fmt::format("placement \"{}\": expected compact, spread or a cpu list such as 0-3,8", placement));
    }
    return placement_cpus(parse_placement(text), nthreads > 0 ? nthreads : summary_.pus);
  }
  std::vector<int> cpus = parse_cpu_list(text);
  for (int cpu : cpus) {
    if (!hwloc_get_pu_obj_by_os_index(topo_, static_cast<unsigned>(cpu))) {
      throw std::invalid_argument(fmt::format("cpu list \"{}\": PU {} is not in {} (its PUs: {})", placement,
                                              cpu, source_,
                                              cpu_list_text(hwloc_topology_get_topology_cpuset(topo_))));
    }
  }
  if (nthreads > static_cast<int>(cpus.size())) {
    throw std::invalid_argument(fmt::format("cpu list \"{}\": {} threads requested but it names {} PUs",
                                            placement, nthreads, cpus.size()));
  }
  if (nthreads > 0) cpus.resize(static_cast<std::size_t>(nthreads));
  return cpus;
}

}  // namespace armperf
