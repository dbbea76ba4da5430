#include "core/topology.hpp"
#include "tests/fixture_path.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>

using namespace armperf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

namespace {

constexpr std::uint64_t KiB = 1024, MiB = KiB * 1024, GiB = MiB * 1024;

using test_support::fixture;

// The cache of that level and type; one of level 0 when there is none.
CacheSummary find_cache(const TopologySummary& s, int level, const std::string& type) {
  for (const auto& c : s.caches) {
    if (c.level == level && c.type == type) return c;
  }
  return {};
}

// Sets an environment variable for one scope and puts the old value back.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) {
      setenv(name, value, 1);
    } else {
      unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      setenv(name_, old_->c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "no exception";
}

// ---------------------------------------------------------------------------------------------------
// Synthetic machines

TEST(TopologySynthetic, AltraLike80Cores) {
  const Topology t = Topology::from_synthetic("pack:1 [numa] l3:1 l2:80 l1d:1 core:1 pu:1");
  const TopologySummary& s = t.summary();
  EXPECT_EQ(s.packages, 1);
  EXPECT_EQ(s.numa_nodes, 1);
  EXPECT_EQ(s.cores, 80);
  EXPECT_EQ(s.pus, 80);
  EXPECT_EQ(s.smt, 1);
  EXPECT_EQ(s.clusters, 1);  // the one L3 spans all cores
  const CacheSummary l2 = find_cache(s, 2, "unified");
  EXPECT_EQ(l2.level, 2);
  EXPECT_EQ(l2.count, 80);
  EXPECT_EQ(l2.shared_by_pus, 1);
  const CacheSummary l3 = find_cache(s, 3, "unified");
  EXPECT_EQ(l3.level, 3);
  EXPECT_EQ(l3.count, 1);
  EXPECT_EQ(l3.shared_by_pus, 80);
  EXPECT_FALSE(t.is_this_system());
}

TEST(TopologySynthetic, AltraMax128Cores) {
  const Topology t = Topology::from_synthetic("pack:1 [numa] l3:1 l2:128 l1d:1 core:1 pu:1");
  EXPECT_EQ(t.summary().cores, 128);
  EXPECT_EQ(t.summary().pus, 128);
  EXPECT_EQ(find_cache(t.summary(), 2, "unified").count, 128);
}

TEST(TopologySynthetic, AmpereOneLikeCacheSizes) {
  const Topology t = Topology::from_synthetic(
      "pack:1 [numa(memory=512GiB)] l3:1(size=64MiB) l2:192(size=2MiB) l1d:1(size=64KiB) l1i:1(size=16KiB) "
      "core:1 pu:1");
  const TopologySummary& s = t.summary();
  EXPECT_EQ(s.cores, 192);
  ASSERT_EQ(s.caches.size(), 4u);
  // Sorted by level, then data < instruction < unified.
  EXPECT_EQ(s.caches[0].level, 1);
  EXPECT_EQ(s.caches[0].type, "data");
  EXPECT_EQ(s.caches[0].size_bytes, 64 * KiB);
  EXPECT_EQ(s.caches[1].type, "instruction");
  EXPECT_EQ(s.caches[1].size_bytes, 16 * KiB);
  EXPECT_EQ(s.caches[2].level, 2);
  EXPECT_EQ(s.caches[2].size_bytes, 2 * MiB);
  EXPECT_EQ(s.caches[2].count, 192);
  EXPECT_EQ(s.caches[3].level, 3);
  EXPECT_EQ(s.caches[3].size_bytes, 64 * MiB);
  EXPECT_EQ(s.caches[3].shared_by_pus, 192);
  EXPECT_EQ(s.caches[3].line_bytes, 64);
  ASSERT_EQ(s.numa.size(), 1u);
  EXPECT_EQ(s.numa[0].memory_bytes, 512 * GiB);
}

TEST(TopologySynthetic, TwoSocketsTwoNodes) {
  const Topology t = Topology::from_synthetic("pack:2 [numa(memory=64GiB)] l3:1(size=32MiB) core:4 pu:1");
  const TopologySummary& s = t.summary();
  EXPECT_EQ(s.packages, 2);
  EXPECT_EQ(s.numa_nodes, 2);
  EXPECT_EQ(s.clusters, 2);
  EXPECT_EQ(s.cores, 8);
  ASSERT_EQ(s.numa.size(), 2u);
  EXPECT_EQ(s.numa[0].node, 0);
  EXPECT_THAT(s.numa[0].cpus, ElementsAre(0, 1, 2, 3));
  EXPECT_EQ(s.numa[1].node, 1);
  EXPECT_THAT(s.numa[1].cpus, ElementsAre(4, 5, 6, 7));
  EXPECT_EQ(s.numa[1].memory_bytes, 64 * GiB);

  EXPECT_THAT(t.placement_cpus(Placement::compact, 4), ElementsAre(0, 1, 2, 3));
  EXPECT_THAT(t.placement_cpus(Placement::compact, 6), ElementsAre(0, 1, 2, 3, 4, 5));
  EXPECT_THAT(t.placement_cpus(Placement::spread, 4), ElementsAre(0, 4, 1, 5));
  EXPECT_THAT(t.placement_cpus(Placement::spread, 8), ElementsAre(0, 4, 1, 5, 2, 6, 3, 7));
}

TEST(TopologySynthetic, SmtSiblingsComeLast) {
  // Synthetic PUs are numbered in order: core 0 holds PUs 0 and 1, core 1 PUs 2 and 3, ...
  const Topology t = Topology::from_synthetic("pack:2 [numa] core:4 pu:2");
  EXPECT_EQ(t.summary().smt, 2);
  EXPECT_EQ(t.summary().cores, 8);
  EXPECT_EQ(t.summary().pus, 16);
  EXPECT_THAT(t.placement_cpus(Placement::compact, 4), ElementsAre(0, 2, 4, 6));
  EXPECT_THAT(t.placement_cpus(Placement::compact, 9), ElementsAre(0, 2, 4, 6, 8, 10, 12, 14, 1));
  EXPECT_THAT(t.placement_cpus(Placement::spread, 4), ElementsAre(0, 8, 2, 10));
  EXPECT_THAT(t.placement_cpus(Placement::spread, 10), ElementsAre(0, 8, 2, 10, 4, 12, 6, 14, 1, 9));
}

TEST(TopologySynthetic, SpreadRoundRobinsClustersWithinANode) {
  // Node 0: L3 {0,1}, L3 {2,3}; node 1: L3 {4,5}, L3 {6,7}.
  const Topology t = Topology::from_synthetic("pack:2 [numa] l3:2 core:2 pu:1");
  EXPECT_EQ(t.summary().clusters, 4);
  EXPECT_THAT(t.placement_cpus(Placement::spread, 8), ElementsAre(0, 4, 2, 6, 1, 5, 3, 7));
  EXPECT_THAT(t.placement_cpus(Placement::compact, 8), ElementsAre(0, 1, 2, 3, 4, 5, 6, 7));
}

TEST(TopologySynthetic, PrivateL3IsNoCluster) {
  const Topology t = Topology::from_synthetic("pack:1 [numa] l3:4 core:1 pu:1");
  EXPECT_EQ(t.summary().clusters, 1);
}

TEST(TopologySynthetic, GroupsCountAsClusters) {
  const Topology t = Topology::from_synthetic("pack:1 [numa] l3:1 group:8 core:4 pu:1");
  EXPECT_EQ(t.summary().clusters, 8);
  EXPECT_THAT(t.placement_cpus(Placement::spread, 3), ElementsAre(0, 4, 8));
}

TEST(TopologySynthetic, TooManyThreadsIsAnError) {
  const Topology t = Topology::from_synthetic("pack:1 [numa] l3:1 l2:80 l1d:1 core:1 pu:1");
  const std::string error = error_of([&] { t.placement_cpus(Placement::compact, 81); });
  EXPECT_THAT(error, HasSubstr("81 threads"));
  EXPECT_THAT(error, HasSubstr("80 PUs"));
  EXPECT_THROW(t.placement_cpus(Placement::spread, 0), std::invalid_argument);
  EXPECT_EQ(t.placement_cpus(Placement::spread, 80).size(), 80u);
}

TEST(TopologySynthetic, BadDescriptionNamesIt) {
  const std::string error = error_of([] { Topology::from_synthetic("pack:2 bogus:3"); });
  EXPECT_THAT(error, HasSubstr("pack:2 bogus:3"));
  EXPECT_THAT(error, HasSubstr("cannot load"));
  EXPECT_THROW(Topology::from_synthetic("pack:2 bogus:3"), std::runtime_error);
}

// ---------------------------------------------------------------------------------------------------
// Placement text

TEST(TopologyPlacement, ParsesNames) {
  EXPECT_EQ(parse_placement("compact"), Placement::compact);
  EXPECT_EQ(parse_placement("spread"), Placement::spread);
  EXPECT_EQ(placement_name(Placement::spread), "spread");
  EXPECT_THAT(error_of([] { parse_placement("scatter"); }), HasSubstr("\"scatter\""));
}

TEST(TopologyPlacement, ParsesCpuLists) {
  EXPECT_THAT(parse_cpu_list("0-3,8,10-11"), ElementsAre(0, 1, 2, 3, 8, 10, 11));
  EXPECT_THAT(parse_cpu_list("7"), ElementsAre(7));
  EXPECT_THAT(parse_cpu_list(" 5 , 1-2 "), ElementsAre(5, 1, 2));
}

TEST(TopologyPlacement, RejectsBadCpuLists) {
  for (const char* bad : {"", "1,,2", "3-1", "a", "1-", "-1", "2,2", "0-3,1", "1.5", "0-99999999", "4,"}) {
    SCOPED_TRACE(bad);
    const std::string error = error_of([&] { parse_cpu_list(bad); });
    EXPECT_THAT(error, HasSubstr(std::string("cpu list \"") + bad + "\""));
  }
  EXPECT_THAT(error_of([] { parse_cpu_list("3-1"); }), HasSubstr("reversed"));
  EXPECT_THAT(error_of([] { parse_cpu_list("2,2"); }), HasSubstr("cpu 2 is listed twice"));
}

TEST(TopologyPlacement, CpusForAcceptsNamesAndLists) {
  const Topology t = Topology::from_synthetic("pack:2 [numa] core:4 pu:1");
  EXPECT_THAT(t.cpus_for("spread", 2), ElementsAre(0, 4));
  EXPECT_EQ(t.cpus_for("compact", 0).size(), 8u);
  EXPECT_THAT(t.cpus_for("6,0-1", 0), ElementsAre(6, 0, 1));
  EXPECT_THAT(t.cpus_for("6,0-1", 2), ElementsAre(6, 0));
  EXPECT_THAT(error_of([&] { t.cpus_for("0,200", 0); }), HasSubstr("PU 200 is not in"));
  EXPECT_THAT(error_of([&] { t.cpus_for("2-3", 3); }), HasSubstr("3 threads requested"));
  EXPECT_THAT(error_of([&] { t.cpus_for("everywhere", 1); }), HasSubstr("\"everywhere\""));
}

// ---------------------------------------------------------------------------------------------------
// XML fixtures (tests/fixtures/README.md says how each was made)

TEST(TopologyXml, AltraMaxQuadrantHas128CoresIn4Nodes) {
  const Topology t = Topology::from_xml(fixture("ampere-altra-max-128c-quadrant.xml"));
  const TopologySummary& s = t.summary();
  EXPECT_FALSE(t.is_this_system());
  EXPECT_EQ(s.packages, 1);
  EXPECT_EQ(s.numa_nodes, 4);
  EXPECT_EQ(s.clusters, 4);
  EXPECT_EQ(s.cores, 128);
  EXPECT_EQ(s.pus, 128);
  ASSERT_EQ(s.numa.size(), 4u);
  for (int n = 0; n < 4; ++n) {
    EXPECT_EQ(s.numa[n].node, n);
    EXPECT_EQ(s.numa[n].memory_bytes, 64 * GiB);
    ASSERT_EQ(s.numa[n].cpus.size(), 32u);
    EXPECT_EQ(s.numa[n].cpus.front(), 32 * n);
  }
  EXPECT_THAT(s.numa[0].distances, ElementsAre(10, 11, 11, 12));
  EXPECT_THAT(s.numa[3].distances, ElementsAre(12, 11, 11, 10));
  EXPECT_EQ(find_cache(s, 2, "unified").size_bytes, 1 * MiB);
  EXPECT_EQ(find_cache(s, 3, "unified").size_bytes, 16 * MiB);
  EXPECT_EQ(find_cache(s, 1, "instruction").size_bytes, 64 * KiB);
  EXPECT_THAT(t.placement_cpus(Placement::spread, 5), ElementsAre(0, 32, 64, 96, 1));
  EXPECT_THAT(t.placement_cpus(Placement::compact, 3), ElementsAre(0, 1, 2));
}

TEST(TopologyXml, AltraHas80Cores) {
  const Topology t = Topology::from_xml(fixture("ampere-altra-80c.xml"));
  EXPECT_EQ(t.summary().cores, 80);
  EXPECT_EQ(t.summary().numa_nodes, 1);
  EXPECT_EQ(t.summary().numa[0].memory_bytes, 256 * GiB);
  EXPECT_TRUE(t.summary().numa[0].distances.empty());
  EXPECT_EQ(find_cache(t.summary(), 3, "unified").size_bytes, 32 * MiB);
}

TEST(TopologyXml, AmpereOneHas192Cores) {
  const Topology t = Topology::from_xml(fixture("ampereone-192c.xml"));
  EXPECT_EQ(t.summary().cores, 192);
  EXPECT_EQ(t.summary().smt, 1);
  EXPECT_EQ(find_cache(t.summary(), 2, "unified").size_bytes, 2 * MiB);
  EXPECT_EQ(find_cache(t.summary(), 3, "unified").size_bytes, 64 * MiB);
}

TEST(TopologyXml, MissingFileNamesThePath) {
  const std::string error = error_of([] { Topology::from_xml("/nonexistent/armperf.xml"); });
  EXPECT_THAT(error, HasSubstr("/nonexistent/armperf.xml"));
  EXPECT_THAT(error, HasSubstr("cannot load"));
}

TEST(TopologyXml, SummaryJsonHasIntegerCounts) {
  const Topology t = Topology::from_xml(fixture("ampere-altra-max-128c-quadrant.xml"));
  const nlohmann::json j = summary_json(t.summary());
  std::set<std::string> keys;
  for (const auto& [key, value] : j.items()) keys.insert(key);
  EXPECT_EQ(keys, (std::set<std::string>{"packages", "numa_nodes", "clusters", "cores", "pus", "smt",
                                         "caches", "numa"}));
  for (const char* key : {"packages", "numa_nodes", "clusters", "cores", "pus", "smt"}) {
    EXPECT_TRUE(j[key].is_number_integer()) << key;
  }
  EXPECT_EQ(j["cores"], 128);
  EXPECT_EQ(j["numa_nodes"], 4);
  const auto& l2 = j["caches"][2];
  EXPECT_EQ(l2["level"], 2);
  EXPECT_EQ(l2["type"], "unified");
  EXPECT_EQ(l2["size_bytes"], 1 * MiB);
  EXPECT_EQ(l2["line_bytes"], 64);
  EXPECT_EQ(l2["count"], 128);
  EXPECT_EQ(l2["shared_by_pus"], 1);
  EXPECT_TRUE(l2["size_bytes"].is_number_integer());
  EXPECT_EQ(j["numa"][1]["node"], 1);
  EXPECT_EQ(j["numa"][1]["memory_bytes"], 64 * GiB);
  EXPECT_EQ(j["numa"][1]["cpus"].size(), 32u);
  EXPECT_EQ(j["numa"][1]["distances"], nlohmann::json({11, 10, 12, 11}));
}

// ---------------------------------------------------------------------------------------------------
// The environment replays hwloc honours, and the live machine

TEST(TopologyEnv, XmlFileReplaysAnotherMachine) {
  ScopedEnv synthetic("HWLOC_SYNTHETIC", nullptr);
  const std::string path = fixture("ampereone-192c.xml");
  ScopedEnv xml("HWLOC_XMLFILE", path.c_str());
  const Topology t = Topology::load();
  EXPECT_EQ(t.summary().cores, 192);
  EXPECT_EQ(t.source(), "HWLOC_XMLFILE=" + path);
  EXPECT_FALSE(t.is_this_system());
}

TEST(TopologyEnv, BadXmlFileIsAnErrorNotTheLiveMachine) {
  ScopedEnv synthetic("HWLOC_SYNTHETIC", nullptr);
  ScopedEnv xml("HWLOC_XMLFILE", "/nonexistent/x.xml");
  const std::string error = error_of([] { Topology::load(); });
  EXPECT_THAT(error, HasSubstr("HWLOC_XMLFILE=/nonexistent/x.xml: cannot load"));
}

TEST(TopologyEnv, SyntheticWinsOverXml) {
  ScopedEnv synthetic("HWLOC_SYNTHETIC", "pack:3 core:2 pu:1");
  ScopedEnv xml("HWLOC_XMLFILE", "/nonexistent/x.xml");
  const Topology t = Topology::load();
  EXPECT_EQ(t.summary().packages, 3);
  EXPECT_EQ(t.summary().cores, 6);
  EXPECT_EQ(t.source(), "HWLOC_SYNTHETIC=pack:3 core:2 pu:1");
}

TEST(TopologyLive, IsConsistent) {
  ScopedEnv synthetic("HWLOC_SYNTHETIC", nullptr);
  ScopedEnv xml("HWLOC_XMLFILE", nullptr);
  const Topology t = Topology::load();
  const TopologySummary& s = t.summary();
  EXPECT_TRUE(t.is_this_system());
  EXPECT_EQ(t.source(), "live system");
  EXPECT_GE(s.pus, 1);
  EXPECT_GE(s.cores, 1);
  EXPECT_LE(s.cores, s.pus);
  EXPECT_GE(s.numa_nodes, 1);
  EXPECT_GE(s.smt, 1);
  std::set<int> numa_cpus;
  for (const auto& node : s.numa) numa_cpus.insert(node.cpus.begin(), node.cpus.end());
  EXPECT_EQ(static_cast<int>(numa_cpus.size()), s.pus);
  for (Placement p : {Placement::compact, Placement::spread}) {
    const auto cpus = t.placement_cpus(p, s.pus);
    EXPECT_EQ(std::set<int>(cpus.begin(), cpus.end()), numa_cpus) << placement_name(p);
  }
}

}  // namespace
