#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <set>
#include <stdexcept>

#include "core/topology.hpp"
#include "probes/numa.hpp"
#include "tests/fixture_path.hpp"

namespace armperf::probes {
namespace {

using test_support::fixture;

TEST(NumaPlan, QuadrantAltraMaxIsFourByFour) {
  const Topology t = Topology::from_xml(fixture("ampere-altra-max-128c-quadrant.xml"));
  const auto cells = numa_cells(t);
  ASSERT_EQ(cells.size(), 16u);
  std::set<std::pair<int, int>> seen;
  for (const auto& cell : cells) {
    seen.insert({cell.from_node, cell.to_node});
    ASSERT_EQ(cell.from_pus.size(), 32u);
    const auto& node_cpus = t.summary().numa[static_cast<std::size_t>(cell.from_node)].cpus;
    for (int pu : cell.from_pus) {
      EXPECT_NE(std::find(node_cpus.begin(), node_cpus.end(), pu), node_cpus.end()) << "PU " << pu << " not on node "
                                                                                    << cell.from_node;
    }
  }
  for (int i = 0; i < 4; ++i) {
    for (int j = 0; j < 4; ++j) EXPECT_EQ(seen.count({i, j}), 1u) << i << "->" << j;
  }
}

TEST(NumaPlan, OneNodeMachinesAreOneByOne) {
  for (const char* file : {"ampereone-192c.xml", "ampere-altra-80c.xml"}) {
    const Topology t = Topology::from_xml(fixture(file));
    const auto cells = numa_cells(t);
    ASSERT_EQ(cells.size(), 1u) << file;
    EXPECT_EQ(cells[0].from_node, 0);
    EXPECT_EQ(cells[0].to_node, 0);
    EXPECT_EQ(cells[0].from_pus.size(), static_cast<std::size_t>(t.summary().pus));
  }
}

TEST(NumaPlan, ThreadCountsPerNode) {
  std::vector<std::string> notes;
  ProbeConfig cfg;
  EXPECT_EQ(numa_thread_counts(32, cfg, notes), std::vector<int>{32});
  cfg.profile = Profile::standard;
  EXPECT_EQ(numa_thread_counts(32, cfg, notes), (std::vector<int>{1, 32}));
  EXPECT_TRUE(notes.empty());
  cfg.threads = {4, 64, 4};
  EXPECT_EQ(numa_thread_counts(32, cfg, notes), std::vector<int>{4});
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("64 threads skipped"), std::string::npos) << notes[0];
}

TEST(NumaProbe, SmallRunOnThisMachine) {
  const Probe* probe = ProbeRegistry::instance().find("numa");
  ASSERT_NE(probe, nullptr);
  ProbeConfig cfg;
  cfg.sizes = {1 << 20};
  cfg.threads = {1};
  cfg.repetitions = 1;
  std::vector<ResultRow> rows;
  probe->run(cfg, [&](const ResultRow& r) {
    rows.push_back(r);
    return true;
  });
  const auto cells = numa_cells(Topology::binding());
  ASSERT_EQ(rows.size(), 2 * cells.size());  // a bandwidth and a latency row per cell
  for (const auto& row : rows) {
    ASSERT_TRUE(row.op == "numa_bw" || row.op == "numa_latency") << row.op;
    EXPECT_EQ(row.counters.count("from_node"), 1u);
    EXPECT_EQ(row.counters.count("to_node"), 1u);
    EXPECT_EQ(row.size.get<std::uint64_t>(), 1u << 20);
    if (row.op == "numa_bw") {
      ASSERT_TRUE(row.gbps.has_value());
      EXPECT_GT(*row.gbps, 0);
      EXPECT_EQ(row.threads, 1);
      EXPECT_FALSE(row.isa.empty());
    } else {
      EXPECT_GT(row.counters.at("latency_ns"), 0);
    }
  }
}

}  // namespace
}  // namespace armperf::probes
