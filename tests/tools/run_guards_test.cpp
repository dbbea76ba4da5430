// `armperf run`'s warnings (issue 7 item 7): governor, load, VM, SMT and THP each produce a line, and
// the run's context records them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/environment.hpp"
#include "core/isa.hpp"
#include "core/topology.hpp"
#include "kernels/benchmarks.hpp"
#include "kernels/registry.hpp"
#include "tools/run/context.hpp"
#include "tools/run/plan.hpp"

namespace armperf::run {
namespace {

using ::testing::HasSubstr;

bool any_contains(const std::vector<std::string>& lines, const std::string& text) {
  for (const auto& l : lines) {
    if (l.find(text) != std::string::npos) return true;
  }
  return false;
}

TEST(RunGuards, EveryConditionWarnsAndTheContextRecordsIt) {
  Environment env;
  env.governors = {{"powersave", 2}};
  env.load_average = LoadAverage{5.0, 4.0, 3.0};
  env.online_cpu_count = 2;
  env.hypervisor = true;
  env.hypervisor_evidence = "cpuinfo flag 'hypervisor'";
  env.thp_enabled = "never";
  const Topology smt = Topology::from_synthetic("pack:1 [numa] l3:1 l2:2 l1d:1 core:1 pu:2");
  const auto lines = run_warnings(env, smt.summary());
  EXPECT_TRUE(any_contains(lines, "governor is 'powersave'"));
  EXPECT_TRUE(any_contains(lines, "load average 5.00"));
  EXPECT_TRUE(any_contains(lines, "hypervisor"));
  EXPECT_TRUE(any_contains(lines, "SMT is on (2 PUs per core)"));
  EXPECT_TRUE(any_contains(lines, "transparent huge pages are 'never'"));

  RunOptions options;
  options.filter = "^f32_copy__scalar_u4/";
  const RunPlan plan = make_plan(options, smt.summary(), BenchPlan{});
  const auto context = run_context(env, this_cpu(), smt, options, plan, lines);
  ASSERT_TRUE(context.contains(run_key::warnings));
  EXPECT_EQ(context[run_key::warnings].get<std::vector<std::string>>(), lines);
  // What the peer libraries say of themselves (OpenBLAS's core name, ...), each linked library's keys,
  // and none that would overwrite one of ours.
  auto& registry = KernelRegistry::instance();
  registry.add_library_context("armperf_test_library_arch", "TestCore");
  registry.add_library_context("armperf_test_library_arch", "second value, ignored");
  registry.add_library_context(run_key::cpu_model, "not the CPU");
  const auto with_library = run_context(env, this_cpu(), smt, options, plan, lines);
  EXPECT_EQ(with_library.value("armperf_test_library_arch", ""), "TestCore");
  EXPECT_EQ(with_library[run_key::cpu_model], this_cpu().model);
  for (const auto& [key, value] : registry.library_context()) EXPECT_TRUE(with_library.contains(key)) << key;

  Environment calm;
  calm.governors = {{"performance", 2}};
  calm.load_average = LoadAverage{0.1, 0.1, 0.1};
  calm.online_cpu_count = 2;
  calm.hypervisor = false;
  calm.thp_enabled = "always";
  const Topology no_smt = Topology::from_synthetic("pack:1 [numa] l3:1 l2:2 l1d:1 core:1 pu:1");
  EXPECT_TRUE(run_warnings(calm, no_smt.summary()).empty());
}

}  // namespace
}  // namespace armperf::run
