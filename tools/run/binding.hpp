// Puts the calling thread where a sweep point says before a kernel benchmark runs on it (DESIGN §7):
// its CPU set from the placement and thread count (core/topology.hpp), its memory policy from the
// binding. What the OS refuses is reported, never fatal: the rows carry the point, the context the
// refusal.
#pragma once

#include <string>

#include "core/topology.hpp"
#include "tools/run/plan.hpp"

namespace armperf::run {

// The NUMA node (OS index) "remote" means for a thread on cpu: the first other node; -1 with one node.
int remote_node(const TopologySummary& topo, int cpu);

// Binds the calling thread's CPUs and memory policy for point. Returns "" when both applied, else
// what was not ("membind interleave: Function not implemented").
std::string bind_calling_thread(const Topology& topology, const SweepPoint& point);
// Back to every PU and the default (first-touch) memory policy, before probes start their teams.
void unbind_calling_thread(const Topology& topology);

}  // namespace armperf::run
