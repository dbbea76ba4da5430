// Machine topology through hwloc (DESIGN §4 "topology"): what the packages, NUMA nodes, clusters,
// cores, PUs and caches are, and which PUs a thread team gets for a placement. The topology comes from
// the live machine, or from a replay of another one (an hwloc XML file or a synthetic description),
// so everything here can be tested against an Altra or an AmpereOne on any host.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

struct hwloc_topology;  // hwloc.h: typedef struct hwloc_topology* hwloc_topology_t

namespace armperf {

struct CacheSummary {
  int level = 0;     // 1, 2, 3, ...
  std::string type;  // "data", "instruction" or "unified"
  std::uint64_t size_bytes = 0;
  int line_bytes = 0;     // 0 when the OS does not say
  int count = 0;          // instances in the machine
  int shared_by_pus = 0;  // PUs sharing one instance (the first one; machines are symmetric)
};

struct NumaSummary {
  int node = 0;                          // OS index, as numactl and membind "node:N" name it
  std::uint64_t memory_bytes = 0;        // local memory of the node
  std::vector<int> cpus;                 // OS indexes of the PUs local to the node
  std::vector<std::uint64_t> distances;  // SLIT-like latency row, in the order of the numa list; empty
                                         // when the firmware or the replay gives none
};

// A copy of what matters for reports, with no hwloc type in it.
struct TopologySummary {
  int packages = 0;
  int numa_nodes = 0;
  // A cluster is a set of cores that sits between the core and the package: an hwloc Die or Group
  // (Linux reports the Arm cluster of cores, or a NUMA sub-domain of a socket, as a Group) or an L3
  // cache instance. We count the objects of the deepest such level whose objects hold two cores or
  // more; when there is none (every L3 private, no groups) a package counts as one cluster.
  int clusters = 0;
  int cores = 0;  // PUs when the topology has no Core objects
  int pus = 0;
  int smt = 0;                       // PUs per core (the largest)
  std::vector<CacheSummary> caches;  // by level, then data < instruction < unified
  std::vector<NumaSummary> numa;     // in hwloc's logical (topological) order
};

// Integer counts under the keys packages, numa_nodes, clusters, cores, pus, smt,
// caches:[{level,type,size_bytes,line_bytes,count,shared_by_pus}], numa:[{node,memory_bytes,cpus,distances}].
nlohmann::json summary_json(const TopologySummary& summary);

// How a team's threads are laid over the machine. Both take one PU per core before any SMT sibling.
//   compact: cores in topological order, so a cluster and a NUMA node fill before the next.
//   spread:  round-robin over NUMA nodes; within a node, round-robin over its clusters.
enum class Placement { compact, spread };
std::string_view placement_name(Placement placement);
// Throws std::invalid_argument naming the text when it is neither "compact" nor "spread".
Placement parse_placement(std::string_view text);

// "0-3,8,10-11" -> {0,1,2,3,8,10,11}, in the order written. Throws std::invalid_argument naming the
// text and the bad item for anything else (empty items, reversed ranges, negative or non-numbers, repeats).
std::vector<int> parse_cpu_list(std::string_view text);

class Topology {
 public:
  // The live machine, unless HWLOC_SYNTHETIC or HWLOC_XMLFILE names a replay (that precedence is
  // hwloc's). hwloc falls back to the live machine on a bad replay; we throw instead, so a typo
  // never measures the wrong machine.
  static Topology load();
  static Topology from_synthetic(const std::string& description);
  static Topology from_xml(const std::string& path);

  // The topology thread and memory binding go through (Team, Buffer), loaded once like load() but
  // marked as this system: under a replay, hwloc would otherwise "bind" with no-op hooks that report
  // success. Binding to a PU or node of the replay that this machine lacks then fails, visibly.
  static const Topology& binding();

  Topology(Topology&& other) noexcept;
  Topology& operator=(Topology&& other) noexcept;
  Topology(const Topology&) = delete;
  Topology& operator=(const Topology&) = delete;
  ~Topology();

  const TopologySummary& summary() const { return summary_; }
  // "live system", "HWLOC_XMLFILE=/x.xml", "synthetic \"pack:2 ...\"", "xml /x.xml".
  const std::string& source() const { return source_; }
  // False for a replay: binding through this topology does nothing.
  bool is_this_system() const;

  // PU OS indexes for nthreads threads. Throws std::invalid_argument when nthreads < 1 or exceeds the PUs.
  std::vector<int> placement_cpus(Placement placement, int nthreads) const;
  // "compact", "spread" or an explicit list ("0-3,8"); nthreads 0 takes the whole list (or every PU).
  // An explicit list must name PUs of this topology and hold at least nthreads of them.
  std::vector<int> cpus_for(std::string_view placement, int nthreads) const;

  hwloc_topology* handle() const { return topo_; }

 private:
  Topology(hwloc_topology* topo, std::string source);

  hwloc_topology* topo_ = nullptr;
  std::string source_;
  TopologySummary summary_;
};

}  // namespace armperf
