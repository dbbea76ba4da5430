// Views of probe results (issue 10, DESIGN §6): the tables a performance engineer reads a machine by —
// bandwidth against working set, the latency curve beside the caches hwloc reports, the core-to-core
// latency matrix, the NUMA node-to-node bandwidth and latency matrices, the roofline that places each kernel
// under the machine's compute and memory roofs, and the accuracy table of the activation variants.
// A view is built only from rows that are in the inputs; a view with no rows is not shown.
#pragma once

#include <string>
#include <vector>

#include "reports/model.hpp"

namespace armperf::reports {

struct View {
  std::string title;  // "Memory bandwidth vs working set — vm, avx512, 1 thread, compact, local"
  std::string note;   // how to read it, where the numbers come from
  std::vector<std::string> header;             // with units: "read (GB/s)"
  std::vector<std::vector<std::string>> rows;  // formatted cells, "—" where there is no value
  std::size_t text_columns = 1;  // leading columns of words (left-aligned, may wrap); the rest are numbers
  std::string chart_script;  // gnuplot script drawing the view (svg terminal), "" for a table only
};

// runs[i] is labelled labels[i]. Views come in a fixed order: ours against the peer libraries (kernel
// rows), bandwidth, latency, c2c, NUMA, roofline, accuracy.
std::vector<View> report_views(const std::vector<Run>& runs, const std::vector<std::string>& labels);

// The cache sizes a run's context reports (topology.caches, data and unified, one entry per level),
// as "L1d 48 KiB" labels with their sizes in bytes; empty when the context has no topology.
struct CacheLevel {
  std::string label;
  double bytes = 0;
};
std::vector<CacheLevel> context_caches(const Run& run);

}  // namespace armperf::reports
