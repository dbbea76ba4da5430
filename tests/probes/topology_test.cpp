#include <gtest/gtest.h>

#include <cstdlib>
#include <stdexcept>

#include "core/topology.hpp"
#include "probes/probe.hpp"
#include "probes/topology.hpp"
#include "tests/fixture_path.hpp"

namespace armperf::probes {
namespace {

using test_support::fixture;

// Every pair of n PUs: `close` ns inside groups of `group` consecutive PUs, `far` ns otherwise.
std::vector<PairLatency> matrix(int n, int group, double close, double far) {
  std::vector<PairLatency> pairs;
  for (int a = 0; a < n; ++a) {
    for (int b = a + 1; b < n; ++b) pairs.push_back({a, b, a / group == b / group ? close : far});
  }
  return pairs;
}

TEST(TopologyClusters, PairsUnderADsuAreFound) {
  const auto clusters = cluster_by_latency(matrix(8, 2, 30, 80));
  ASSERT_EQ(clusters.size(), 4u);
  for (std::size_t k = 0; k < clusters.size(); ++k) {
    EXPECT_EQ(clusters[k].cpus, (std::vector<int>{2 * static_cast<int>(k), 2 * static_cast<int>(k) + 1}));
    EXPECT_DOUBLE_EQ(clusters[k].latency_ns, 30);
  }
}

TEST(TopologyClusters, UniformMatrixHasNone) {
  EXPECT_TRUE(cluster_by_latency(matrix(8, 8, 80, 80)).empty());
  EXPECT_TRUE(cluster_by_latency(matrix(8, 1, 80, 80)).empty());
  EXPECT_TRUE(cluster_by_latency({{0, 1, 25}}).empty());  // one pair: nothing to compare with
  EXPECT_TRUE(cluster_by_latency({}).empty());
}

TEST(TopologyClusters, NoiseBelowTheRatioIsNoCluster) {
  auto pairs = matrix(6, 6, 80, 80);
  pairs[0].ns = 70;  // 0.875 x the median: not clearly lower
  EXPECT_TRUE(cluster_by_latency(pairs).empty());
}

TEST(TopologyClusters, WorksOnASampleAndGroupsChains) {
  // Only neighbour pairs and a few far ones measured; 0-1-2 chained close, 4-5 close.
  const std::vector<PairLatency> pairs = {{0, 1, 20}, {1, 2, 22}, {2, 3, 90}, {3, 4, 95}, {4, 5, 21},
                                          {0, 5, 100}, {1, 4, 90}, {2, 5, 92}};
  const auto clusters = cluster_by_latency(pairs);
  ASSERT_EQ(clusters.size(), 2u);
  EXPECT_EQ(clusters[0].cpus, (std::vector<int>{0, 1, 2}));
  EXPECT_DOUBLE_EQ(clusters[0].latency_ns, 21);
  EXPECT_EQ(clusters[1].cpus, (std::vector<int>{4, 5}));
}

TEST(TopologyCaches, SharedInstancesOfFixtures) {
  const Topology altra = Topology::from_xml(fixture("ampere-altra-80c.xml"));
  const auto shared = cache_sharing(altra);
  ASSERT_EQ(shared.size(), 1u);  // private L1/L2; the 32 MiB SLC shown as an L3 of the socket
  EXPECT_EQ(shared[0].level, 3);
  EXPECT_EQ(shared[0].cpus.size(), 80u);
  EXPECT_TRUE(pu_domains(altra).empty());  // one node, no cache smaller than it

  const Topology quadrant = Topology::from_xml(fixture("ampere-altra-max-128c-quadrant.xml"));
  const auto domains = pu_domains(quadrant);
  ASSERT_EQ(domains.size(), 1u);  // the four quadrants; the SLC spans them all
  ASSERT_EQ(domains[0].size(), 4u);
  for (const auto& node : domains[0]) EXPECT_EQ(node.size(), 32u);
}

TEST(TopologyCaches, ClusterCachesBecomeADomain) {
  const Topology t = Topology::from_synthetic("pack:1 numa:1 l3:1 l2:4 core:2 pu:1");
  const auto shared = cache_sharing(t);
  ASSERT_EQ(shared.size(), 5u);
  EXPECT_EQ(shared[0].level, 2);
  EXPECT_EQ(shared[0].cpus, (std::vector<int>{0, 1}));
  EXPECT_EQ(shared[4].level, 3);
  const auto domains = pu_domains(t);
  ASSERT_EQ(domains.size(), 1u);  // one node: no node partition; the L2 pairs are the clusters
  ASSERT_EQ(domains[0].size(), 4u);
  EXPECT_EQ(domains[0][3], (std::vector<int>{6, 7}));
}

TEST(TopologyProbe, RowsSummariseThisMachine) {
  const Probe* probe = ProbeRegistry::instance().find("topology");
  ASSERT_NE(probe, nullptr);
  ProbeConfig cfg;
  cfg.repetitions = 1;
  std::vector<ResultRow> rows;
  probe->run(cfg, [&](const ResultRow& r) {
    rows.push_back(r);
    return true;
  });
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows[0].op, "topology");
  EXPECT_EQ(rows[0].counters.at("pus"), Topology::binding().summary().pus);
  for (std::size_t i = 1; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].op, "cluster");
    const std::string source = rows[i].extra.at("source");
    EXPECT_TRUE(source == "cache" || source == "c2c") << source;
    EXPECT_GE(parse_cpu_list(rows[i].extra.at("cpus").get<std::string>()).size(), 2u);
    EXPECT_EQ(source == "c2c", rows[i].counters.count("latency_ns") == 1);
  }
}

}  // namespace
}  // namespace armperf::probes
