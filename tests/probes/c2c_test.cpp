#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <set>
#include <stdexcept>

#include "core/team.hpp"
#include "core/topology.hpp"
#include "probes/c2c.hpp"
#include "probes/topology.hpp"
#include "tests/fixture_path.hpp"

namespace armperf::probes {
namespace {

using test_support::fixture;

TEST(C2c, EveryBuildTakesEveryTurnInOrder) {
  std::vector<std::string> notes;
  const auto atomics = c2c_atomics(notes);
  ASSERT_FALSE(atomics.empty());
  for (const auto& atomic : atomics) {
    Team team({0, 0});  // one PU: the turns still alternate (slowly), which is what is checked
    const PingPong pp = atomic.ping_pong(team, 50, 3);
    EXPECT_EQ(pp.final_value, 2u * 50 * 4) << atomic.atomic;
    ASSERT_EQ(pp.round_trip_ns.size(), 3u);
    for (double ns : pp.round_trip_ns) EXPECT_GT(ns, 0);
  }
}

TEST(C2c, NeedsTwoThreads) {
  std::vector<std::string> notes;
  Team team({0});
  EXPECT_THROW(c2c_atomics(notes).front().ping_pong(team, 10, 1), std::invalid_argument);
}

TEST(C2c, AtomicKindsFollowTheCpu) {
  std::vector<std::string> notes;
  std::vector<std::string> kinds;
  for (const auto& a : c2c_atomics(notes)) kinds.push_back(a.atomic);
#if defined(__x86_64__)
  EXPECT_EQ(kinds, std::vector<std::string>{"x86"});
#else
  // LL/SC runs on every ARMv8 CPU; LSE only with HWCAP_ATOMICS, else a note says why not.
  EXPECT_EQ(kinds.back(), "llsc");
  if (kinds.size() == 1) {
    ASSERT_EQ(notes.size(), 1u);
    EXPECT_NE(notes[0].find("HWCAP_ATOMICS"), std::string::npos);
  } else {
    EXPECT_EQ(kinds, (std::vector<std::string>{"lse", "llsc"}));
  }
#endif
}

TEST(C2c, PairMatrixShape) {
  const std::vector<int> pus = {0, 1, 2, 3, 8};
  const auto all = c2c_pairs(pus, {}, 0);
  ASSERT_EQ(all.size(), 10u);  // n(n-1)/2
  std::set<std::pair<int, int>> unique(all.begin(), all.end());
  EXPECT_EQ(unique.size(), 10u);
  for (const auto& [a, b] : all) EXPECT_LT(a, b);
  EXPECT_EQ(all.front(), std::make_pair(0, 1));
  EXPECT_EQ(all.back(), std::make_pair(3, 8));
  EXPECT_EQ(c2c_pairs(pus, {}, 10), all);
  const auto sample = c2c_pairs(pus, {}, 4);
  ASSERT_EQ(sample.size(), 4u);
  EXPECT_EQ(sample[0], std::make_pair(0, 1));  // neighbours first: 0-1, 2-3, then the odd one out with 0
  EXPECT_EQ(sample[1], std::make_pair(2, 3));
  EXPECT_EQ(sample[2], std::make_pair(0, 8));
  EXPECT_EQ(c2c_pairs({5}, {}, 0).size(), 0u);
}

TEST(C2c, PairsOption) {
  EXPECT_TRUE(parse_pairs("").automatic);
  EXPECT_EQ(parse_pairs("all").limit, 0u);
  EXPECT_FALSE(parse_pairs("all").automatic);
  EXPECT_EQ(parse_pairs("40").limit, 40u);
  for (const char* bad : {"0", "-3", "many", "4x"}) {
    try {
      parse_pairs(bad);
      ADD_FAILURE() << bad;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(bad), std::string::npos) << e.what();
    }
  }
  EXPECT_EQ(default_pair_limit(2, Profile::quick), 0u);
  EXPECT_EQ(default_pair_limit(16, Profile::standard), 0u);
  EXPECT_EQ(default_pair_limit(128, Profile::quick), 256u);
  EXPECT_EQ(default_pair_limit(128, Profile::full), 0u);
  EXPECT_EQ(pair_limit(parse_pairs("all"), 128, Profile::quick), 0u);
}

TEST(C2c, SampleOnAltraMaxQuadrantCoversCoresAndNodes) {
  const Topology t = Topology::from_xml(fixture("ampere-altra-max-128c-quadrant.xml"));
  const std::vector<int> pus = t.cpus_for("compact", 0);
  ASSERT_EQ(pus.size(), 128u);
  const auto domains = pu_domains(t);
  const auto sample = c2c_pairs(pus, domains, default_pair_limit(pus.size(), Profile::quick));
  ASSERT_EQ(sample.size(), 256u);
  EXPECT_EQ(c2c_pairs(pus, domains, 256), sample);  // deterministic

  std::set<std::pair<int, int>> unique(sample.begin(), sample.end());
  EXPECT_EQ(unique.size(), sample.size());
  std::set<int> covered;
  for (const auto& [a, b] : sample) {
    EXPECT_LT(a, b);
    covered.insert(a);
    covered.insert(b);
  }
  EXPECT_EQ(covered.size(), 128u);  // every core in at least one pair

  auto node_of = [&](int pu) {
    for (const auto& n : t.summary().numa) {
      if (std::find(n.cpus.begin(), n.cpus.end(), pu) != n.cpus.end()) return n.node;
    }
    return -1;
  };
  std::set<std::pair<int, int>> node_pairs;
  for (const auto& [a, b] : sample) {
    if (node_of(a) != node_of(b)) node_pairs.insert({std::min(node_of(a), node_of(b)), std::max(node_of(a), node_of(b))});
  }
  EXPECT_EQ(node_pairs.size(), 6u);  // all 4·3/2 node pairs crossed

  // A small --pairs keeps the cross-node pairs first.
  const auto few = c2c_pairs(pus, domains, 6);
  ASSERT_EQ(few.size(), 6u);
  for (const auto& [a, b] : few) EXPECT_NE(node_of(a), node_of(b));
}

}  // namespace
}  // namespace armperf::probes
