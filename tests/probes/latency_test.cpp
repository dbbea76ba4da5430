#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "core/buffer.hpp"
#include "core/topology.hpp"
#include "probes/latency.hpp"

namespace armperf::probes {
namespace {

TEST(Latency, PermutationIsOneCycleOverEveryElement) {
  for (std::size_t n : {2u, 3u, 7u, 64u, 1000u, 4097u}) {
    for (std::uint64_t seed : {1u, 2u, 12345u}) {
      const auto next = cyclic_permutation(n, seed);
      ASSERT_EQ(next.size(), n);
      std::vector<bool> seen(n, false);
      std::size_t at = 0, steps = 0;
      do {
        ASSERT_LT(next[at], n);
        ASSERT_FALSE(seen[at]) << "element " << at << " visited twice: more than one cycle, n=" << n;
        seen[at] = true;
        at = next[at];
        ++steps;
      } while (at != 0);
      EXPECT_EQ(steps, n) << "the cycle from 0 misses elements, n=" << n << " seed=" << seed;
    }
  }
}

TEST(Latency, PermutationDependsOnTheSeedAndIsNotSequential) {
  const auto a = cyclic_permutation(1000, 1), b = cyclic_permutation(1000, 2);
  EXPECT_NE(a, b);
  int sequential = 0;
  for (std::size_t i = 0; i < a.size(); ++i) sequential += a[i] == (i + 1) % a.size();
  EXPECT_LT(sequential, 10);  // a prefetcher-friendly chain would have ~1000
}

TEST(Latency, ChaseVisitsOneLinePerStepAndReturnsAfterALap) {
  const std::size_t lines = 512, stride = 64;
  Buffer buffer(lines * stride);
  build_chase(buffer.data(), lines, stride, 42);
  auto* base = buffer.as<unsigned char>();
  std::set<const void*> visited;
  void* p = base;
  for (std::size_t i = 0; i < lines; ++i) {
    ASSERT_EQ((static_cast<unsigned char*>(p) - base) % stride, 0u) << "pointer off a line start";
    visited.insert(p);
    p = *static_cast<void**>(p);
  }
  EXPECT_EQ(p, base);
  EXPECT_EQ(visited.size(), lines);
  EXPECT_EQ(chase(base, lines), base);  // 512 steps, a multiple of 8: one full lap
  EXPECT_EQ(chase(base, 2 * lines), base);
}

TEST(Latency, DetectsTheStepsOfACacheHierarchy) {
  // 1 ns to 32 KiB, 4 ns to 512 KiB, a gradual rise to 12 ns (L3), then 90 ns memory.
  const std::vector<LatencyPoint> curve = {
      {4 << 10, 1.0},    {8 << 10, 1.0},   {16 << 10, 1.1},   {32 << 10, 1.0},  {64 << 10, 4.0},
      {128 << 10, 4.1},  {256 << 10, 4.0}, {512 << 10, 4.2},  {1 << 20, 8.0},   {2 << 20, 10.5},
      {4 << 20, 12.0},   {8 << 20, 12.2},  {16 << 20, 12.5},  {32 << 20, 60.0}, {64 << 20, 88.0},
      {128 << 20, 90.0}, {256 << 20, 91.0}};
  const auto steps = detect_cache_steps(curve);
  ASSERT_EQ(steps.size(), 3u);
  EXPECT_EQ(steps[0].last_fit, 32u << 10);
  EXPECT_EQ(steps[0].first_miss, 64u << 10);
  EXPECT_EQ(steps[1].last_fit, 512u << 10);
  EXPECT_DOUBLE_EQ(steps[1].ns_after, 10.5);  // the rise over two points counts once
  EXPECT_EQ(steps[2].last_fit, 16u << 20);
  EXPECT_DOUBLE_EQ(steps[2].ns_after, 88.0);

  const Topology t = Topology::from_synthetic("pack:1 [numa] l3:1(size=16MiB) l2:2(size=512KiB) l1d:1(size=32KiB) core:1 pu:1");
  const auto lines = describe_cache_steps(steps, t.summary());
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_NE(lines[0].find("L1 data 32 KiB"), std::string::npos) << lines[0];
  EXPECT_NE(lines[2].find("L3 unified 16 MiB"), std::string::npos) << lines[2];
}

TEST(Latency, AdjacentJumpsAreSeparateSteps) {
  // L2 ends at 512 KiB, and the next level is already missed at 2 MiB: two steps, not one long rise.
  const auto steps = detect_cache_steps({{256 << 10, 4.0}, {512 << 10, 7.0}, {1 << 20, 9.0}, {2 << 20, 100.0}, {4 << 20, 101.0}});
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps[0].last_fit, 256u << 10);
  EXPECT_DOUBLE_EQ(steps[0].ns_after, 9.0);
  EXPECT_EQ(steps[1].last_fit, 1u << 20);
}

TEST(Latency, FlatCurveHasNoSteps) {
  EXPECT_TRUE(detect_cache_steps({{4096, 1.0}, {8192, 1.2}, {16384, 1.1}}).empty());
  EXPECT_TRUE(detect_cache_steps({}).empty());
}

}  // namespace
}  // namespace armperf::probes
