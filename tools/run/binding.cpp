#include "tools/run/binding.hpp"

#include <hwloc.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace armperf::run {
namespace {

using Bitmap = std::unique_ptr<hwloc_bitmap_s, decltype(&hwloc_bitmap_free)>;

Bitmap make_bitmap() { return Bitmap(hwloc_bitmap_alloc(), &hwloc_bitmap_free); }

int node_of_cpu(const TopologySummary& topo, int cpu) {
  for (const auto& node : topo.numa) {
    for (int c : node.cpus) {
      if (c == cpu) return node.node;
    }
  }
  return topo.numa.empty() ? 0 : topo.numa.front().node;
}

std::string bind_cpus(hwloc_topology_t topo, const std::vector<int>& cpus) {
  Bitmap set = make_bitmap();
  for (int cpu : cpus) hwloc_bitmap_set(set.get(), static_cast<unsigned>(cpu));
  if (hwloc_set_cpubind(topo, set.get(), HWLOC_CPUBIND_THREAD) != 0) {
    return fmt::format("cpubind: {}", std::strerror(errno));
  }
  return {};
}

std::string bind_memory(const Topology& topology, const SweepPoint& point, int first_cpu) {
  hwloc_topology_t topo = topology.handle();
  const TopologySummary& summary = topology.summary();
  Bitmap nodes = make_bitmap();
  hwloc_membind_policy_t policy = HWLOC_MEMBIND_DEFAULT;
  if (point.membind == "remote") {
    const int node = remote_node(summary, first_cpu);
    if (node < 0) return "membind remote: one NUMA node";
    hwloc_bitmap_set(nodes.get(), static_cast<unsigned>(node));
    policy = HWLOC_MEMBIND_BIND;
  } else if (point.membind == "interleave") {
    for (const auto& node : summary.numa) hwloc_bitmap_set(nodes.get(), static_cast<unsigned>(node.node));
    policy = HWLOC_MEMBIND_INTERLEAVE;
  } else {
    hwloc_bitmap_copy(nodes.get(), hwloc_topology_get_topology_nodeset(topo));
  }
  if (hwloc_set_membind(topo, nodes.get(), policy, HWLOC_MEMBIND_THREAD | HWLOC_MEMBIND_BYNODESET) != 0) {
    return fmt::format("membind {}: {}", point.membind, std::strerror(errno));
  }
  return {};
}

}  // namespace

int remote_node(const TopologySummary& topo, int cpu) {
  const int local = node_of_cpu(topo, cpu);
  for (const auto& node : topo.numa) {
    if (node.node != local) return node.node;
  }
  return -1;
}

std::string bind_calling_thread(const Topology& topology, const SweepPoint& point) {
  const std::vector<int> cpus = topology.cpus_for(point.placement, point.threads);
  std::string problems = bind_cpus(topology.handle(), cpus);
  const std::string memory = bind_memory(topology, point, cpus.empty() ? 0 : cpus.front());
  if (!memory.empty()) problems += (problems.empty() ? "" : "; ") + memory;
  return problems;
}

void unbind_calling_thread(const Topology& topology) {
  hwloc_topology_t topo = topology.handle();
  hwloc_set_cpubind(topo, hwloc_topology_get_topology_cpuset(topo), HWLOC_CPUBIND_THREAD);
  hwloc_set_membind(topo, hwloc_topology_get_topology_nodeset(topo), HWLOC_MEMBIND_DEFAULT,
                    HWLOC_MEMBIND_THREAD | HWLOC_MEMBIND_BYNODESET);
}

}  // namespace armperf::run
