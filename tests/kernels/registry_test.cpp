#include "kernels/registry.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "kernels/benchmarks.hpp"

namespace armperf {
namespace {

const KernelRegistry& registry() { return KernelRegistry::instance(); }

TEST(Registry, HasTheCopyFamilyWithAScalarBaseline) {
  ASSERT_NE(registry().family("copy"), nullptr);
  bool scalar = false;
  for (auto* v : registry().variants("copy")) scalar |= v->isa == Isa::scalar;
  EXPECT_TRUE(scalar);
}

TEST(Registry, NamesFollowTheTaxonomy) {
  for (const auto& v : registry().variants()) {
    SCOPED_TRACE(v.name);
    const std::string prefix = v.dtype + "_" + v.op + "__";
    ASSERT_EQ(v.name.rfind(prefix, 0), 0u) << "expected the name to start with " << prefix;
    const std::string rest = v.name.substr(prefix.size());
    const std::string tag = v.impl == "armperf" ? std::string(isa_name(v.isa)) : v.impl;
    EXPECT_EQ(rest.rfind(tag, 0), 0u) << "expected " << tag << " after " << prefix;
    EXPECT_NE(v.fn, nullptr);
    EXPECT_GE(v.tile, 1u);
  }
}

TEST(Registry, EveryVariantBelongsToARegisteredFamilyOfThisArchitecture) {
  for (const auto& v : registry().variants()) {
    EXPECT_NE(registry().family(v.family), nullptr) << v.name << ": family " << v.family;
#if defined(__aarch64__)
    EXPECT_FALSE(isa_is_x86(v.isa)) << v.name;
#elif defined(__x86_64__)
    EXPECT_FALSE(isa_is_arm(v.isa)) << v.name;
#endif
  }
}

TEST(Registry, EveryFamilyHasShapesAndABenchmark) {
  for (const auto& f : registry().families()) {
    ASSERT_NE(f.shapes, nullptr) << f.name;
    ASSERT_NE(f.run, nullptr) << f.name;
    EXPECT_FALSE(f.shapes(BenchPlan{}).empty()) << f.name;
    EXPECT_FALSE(f.description.empty()) << f.name;
  }
}

// "A variant without a test does not exist": every registry row must be the parameter of at
// least one test in this binary (the family suites instantiate over the registry).
TEST(Registry, EveryVariantHasATest) {
  std::set<std::string> tested;
  const auto* unit = ::testing::UnitTest::GetInstance();
  for (int s = 0; s < unit->total_test_suite_count(); ++s) {
    const auto* suite = unit->GetTestSuite(s);
    for (int t = 0; t < suite->total_test_count(); ++t) {
      std::string name = suite->GetTestInfo(t)->name();
      auto slash = name.rfind('/');
      if (slash != std::string::npos) tested.insert(name.substr(slash + 1));
    }
  }
  for (const auto& v : registry().variants()) EXPECT_TRUE(tested.count(v.name)) << v.name << " has no test";
}

TEST(Registry, MachinePlanUsesTheTopologyCaches) {
  const BenchPlan quick = machine_bench_plan(Profile::quick);
  EXPECT_GT(quick.l1_bytes, 0);
  EXPECT_GE(quick.l2_bytes, quick.l1_bytes);
  EXPECT_GE(quick.llc_bytes, quick.l2_bytes);
  EXPECT_GE(quick.dram_bytes, std::int64_t{64} << 20);
  EXPECT_LE(quick.dram_bytes, std::int64_t{512} << 20);
}

TEST(Registry, RejectsDuplicates) {
  KernelRegistry local;
  KernelVariant v{.name = "f32_copy__scalar_dup", .family = "copy", .op = "copy", .dtype = "f32"};
  EXPECT_TRUE(local.add(v));
  EXPECT_THROW(local.add(v), std::logic_error);
}

TEST(Registry, ElementwiseShapesFollowTheCaches) {
  BenchPlan plan{.profile = Profile::standard,
                 .l1_bytes = 64 << 10,
                 .l2_bytes = 1 << 20,
                 .llc_bytes = 32 << 20,
                 .dram_bytes = 256 << 20};
  auto shapes = elementwise_shapes(plan, 2, 4);
  ASSERT_EQ(shapes.size(), 4u);
  EXPECT_EQ(shapes.front().dims.at(0), (32 << 10) / 8);               // half of L1 over 2 f32 arrays
  EXPECT_EQ(shapes[2].dims.at(0), (16 << 20) / 8);                    // half of the LLC
  EXPECT_EQ(shapes.back().dims.at(0), std::int64_t{256} << 20 >> 3);  // the DRAM working set
  plan.profile = Profile::quick;
  EXPECT_EQ(elementwise_shapes(plan, 2, 4).size(), 2u);
}

TEST(Registry, ElementwiseShapesOnATeamSizePrivateCachesPerThreadAndSharedOnesInTotal) {
  BenchPlan plan{.profile = Profile::standard,
                 .l1_bytes = 64 << 10,
                 .l2_bytes = 1 << 20,
                 .llc_bytes = 32 << 20,
                 .dram_bytes = 256 << 20,
                 .threads = 4};
  const auto shapes = elementwise_shapes(plan, 2, 4);
  ASSERT_EQ(shapes.size(), 4u);
  for (const auto& s : shapes) {
    EXPECT_EQ(s.threads, 4);
    EXPECT_EQ(s.dims.at(0) % (4 * 64), 0) << s.size;  // whole 64-element blocks per thread
  }
  EXPECT_EQ(shapes[0].dims.at(0), 4 * ((32 << 10) / 8));   // half of each thread's L1
  EXPECT_EQ(shapes[1].dims.at(0), 4 * ((512 << 10) / 8));  // half of each thread's L2
  EXPECT_EQ(shapes[2].dims.at(0), (16 << 20) / 8);         // half of the one LLC, shared
  EXPECT_EQ(shapes[3].dims.at(0), std::int64_t{256} << 20 >> 3);
  EXPECT_EQ(benchmark_name(*KernelRegistry::instance().variants("copy").front(), shapes[0]),
            KernelRegistry::instance().variants("copy").front()->name + "/16384/threads:4");
  // 64 threads' L2 halves (32 MiB) outgrow half the LLC: that point is not repeated smaller.
  plan.threads = 64;
  const auto many = elementwise_shapes(plan, 2, 4);
  for (std::size_t i = 1; i < many.size(); ++i) EXPECT_GT(many[i].dims.at(0), many[i - 1].dims.at(0));
}

}  // namespace
}  // namespace armperf
