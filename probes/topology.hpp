// The topology probe (DESIGN §4): what `armperf info` shows, plus the clusters of cores that share
// something — a cache instance (hwloc) or a fast path between them that only a measurement shows
// (Altra pairs its Neoverse N1 cores under a DSU that sysfs does not report, so two cores of a pair
// bounce a line faster than any other two).
#pragma once

#include <string>
#include <vector>

#include "core/topology.hpp"

namespace armperf::probes {

// One cache instance shared by two PUs or more.
struct CacheSharing {
  int level = 0;          // 2, 3, ...
  std::vector<int> cpus;  // PU OS indexes, ascending
};
// Every shared data/unified cache instance of the topology, by level then first PU.
std::vector<CacheSharing> cache_sharing(const Topology& topology);

// The partitions of the PUs a pair sampler should cross: the NUMA nodes (those with PUs), then the
// smallest shared cache level whose instances are smaller than a node (a cluster, a CCX). Each
// partition lists its parts' PUs; a partition with one part is left out.
std::vector<std::vector<std::vector<int>>> pu_domains(const Topology& topology);

// A measured round trip between two PUs (the c2c probe's latency_ns).
struct PairLatency {
  int a = 0;
  int b = 0;
  double ns = 0;
};
struct LatencyCluster {
  std::vector<int> cpus;  // ascending
  double latency_ns = 0;  // median round trip of the measured pairs inside the cluster
};
// Groups PUs whose round trip is clearly lower than the rest: a pair is "close" when its latency is
// below ratio × the median of all pairs, and the clusters are the connected groups of close pairs
// (two PUs or more), ordered by first PU. A uniform matrix, or one pair alone, has no clusters: with
// nothing slower to compare to, nothing is clearly faster. Pairs may be a sample (unmeasured pairs
// are simply absent). Pure: tested on synthetic matrices.
inline constexpr double kCloseRatio = 0.7;
std::vector<LatencyCluster> cluster_by_latency(const std::vector<PairLatency>& pairs, double ratio = kCloseRatio);

}  // namespace armperf::probes
