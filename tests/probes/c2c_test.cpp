#include <gtest/gtest.h>

#include <set>

#include "core/team.hpp"
#include "probes/c2c.hpp"

namespace armperf::probes {
namespace {

TEST(C2c, EveryTurnHappensInOrder) {
  Team team({0, 0});  // one PU: the turns still alternate (slowly), which is what is checked
  const PingPong pp = ping_pong(team, 50, 3);
  EXPECT_EQ(pp.final_value, 2u * 50 * 4);
  ASSERT_EQ(pp.round_trip_ns.size(), 3u);
  for (double ns : pp.round_trip_ns) EXPECT_GT(ns, 0);
}

TEST(C2c, NeedsTwoThreads) {
  Team team({0});
  EXPECT_THROW(ping_pong(team, 10, 1), std::invalid_argument);
}

TEST(C2c, PairMatrixShape) {
  const std::vector<int> pus = {0, 1, 2, 3, 8};
  const auto all = c2c_pairs(pus, 0);
  ASSERT_EQ(all.size(), 10u);  // n(n-1)/2
  std::set<std::pair<int, int>> unique(all.begin(), all.end());
  EXPECT_EQ(unique.size(), 10u);
  for (const auto& [a, b] : all) EXPECT_LT(a, b);
  EXPECT_EQ(all.front(), std::make_pair(0, 1));
  EXPECT_EQ(all.back(), std::make_pair(3, 8));
  const auto sample = c2c_pairs(pus, 4);
  EXPECT_EQ(sample.size(), 4u);
  EXPECT_EQ(c2c_pairs({5}, 0).size(), 0u);
}

TEST(C2c, AtomicKindNamesTheInstructions) {
  const std::string kind = c2c_atomic_kind();
#if defined(__x86_64__)
  EXPECT_EQ(kind, "x86");
#else
  EXPECT_TRUE(kind == "lse" || kind == "llsc") << kind;
#endif
}

}  // namespace
}  // namespace armperf::probes
