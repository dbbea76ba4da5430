// The numa probe (DESIGN §4): node × node matrices of bandwidth (STREAM triad, threads on node i,
// arrays bound to node j) and of latency (one pointer chaser on node i, its chase bound to node j),
// measured with the bandwidth and latency probes' loops.
#pragma once

#include <string>
#include <vector>

#include "core/topology.hpp"
#include "probes/probe.hpp"

namespace armperf::probes {

// One cell of the matrices: threads on from_node's PUs, memory on to_node.
struct NumaCell {
  int from_node = 0;          // OS index
  int to_node = 0;            // OS index
  std::vector<int> from_pus;  // the PUs of from_node, one per core before SMT siblings (compact)
};
// Every node with PUs × every node with memory (a memory-only node, HBM or CXL, is a column only),
// in hwloc's node order.
std::vector<NumaCell> numa_cells(const Topology& topology);

// Thread counts for the bandwidth cells of a node with `pus` PUs: cfg.threads where they fit (others
// dropped with a note), else quick: all of them (the node's bandwidth); standard and full: 1 and all.
std::vector<int> numa_thread_counts(std::size_t pus, const ProbeConfig& cfg, std::vector<std::string>& notes);

}  // namespace armperf::probes
