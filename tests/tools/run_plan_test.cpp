// `armperf run` plans on the machines of issue 7: a 2-core VM, a one-node 80-core Altra, a
// two-socket Altra and a 192-core AmpereOne (replayed through hwloc), per profile.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "kernels/benchmarks.hpp"
#include "kernels/registry.hpp"
#include "probes/probe.hpp"
#include "tests/tools/run_fixtures.hpp"
#include "tools/run/plan.hpp"

namespace armperf::run {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const Topology& vm_2core() {
  static const Topology t = Topology::from_synthetic(
      "pack:1 [numa(memory=4GiB)] l3:1(size=32MiB) l2:2(size=512KiB) l1d:1(size=32KiB) core:1 pu:1");
  return t;
}
const Topology& altra_80() {
  static const Topology t = Topology::from_xml(test::fixture_path("ampere-altra-80c.xml"));
  return t;
}
const Topology& altra_2socket() {
  static const Topology t = Topology::from_synthetic(
      "pack:2 [numa(memory=128GiB)] l3:1(size=32MiB) l2:80(size=1MiB) l1d:1(size=64KiB) core:1 pu:1");
  return t;
}
const Topology& ampereone_192() {
  static const Topology t = Topology::from_xml(test::fixture_path("ampereone-192c.xml"));
  return t;
}

BenchPlan plan_test_sizes() {
  BenchPlan sizes;
  sizes.l1_bytes = 32 << 10;
  sizes.l2_bytes = 512 << 10;
  sizes.llc_bytes = 4 << 20;
  sizes.dram_bytes = 64 << 20;
  return sizes;
}

RunPlan plan_for(const Topology& topo, RunOptions options) {
  return make_plan(options, topo.summary(), plan_test_sizes());
}

RunOptions profile(Profile p) {
  RunOptions o;
  o.profile = p;
  return o;
}

std::set<std::string> kernel_families(const RunPlan& plan) {
  std::set<std::string> out;
  for (const auto& item : plan.items) {
    if (item.kind == PlanItem::Kind::kernel) out.insert(item.family);
  }
  return out;
}

std::set<std::string> probes(const RunPlan& plan) {
  std::set<std::string> out;
  for (const auto& item : plan.items) {
    if (item.kind == PlanItem::Kind::probe) out.insert(item.name);
  }
  return out;
}

std::vector<int> threads_of(const RunPlan& plan) {
  std::vector<int> out;
  for (const auto& p : plan.points) {
    if (std::find(out.begin(), out.end(), p.threads) == out.end()) out.push_back(p.threads);
  }
  return out;
}

TEST(RunPlan, QuickTouchesEveryRegisteredFamilyAndProbeOnceAtOnePoint) {
  const RunPlan plan = plan_for(vm_2core(), profile(Profile::quick));
  std::set<std::string> families;
  for (const auto& f : KernelRegistry::instance().families()) families.insert(f.name);
  std::set<std::string> registered_probes;
  for (const auto& p : ProbeRegistry::instance().probes()) registered_probes.insert(p.name);
  EXPECT_EQ(kernel_families(plan), families);
  EXPECT_EQ(probes(plan), registered_probes);
  EXPECT_TRUE(registered_probes.count("test_probe"));
  ASSERT_EQ(plan.points.size(), 1u);
  EXPECT_EQ(plan.points[0], (SweepPoint{1, "compact", "local"}));
  EXPECT_EQ(plan.repetitions, 1);
  EXPECT_LE(plan.min_time, 0.05);
  EXPECT_LE(plan.estimated_seconds(), 60.0);
}

// The variant the profiles always measure.
const KernelVariant* showcase(const std::string& family) {
  return showcase_variant(KernelRegistry::instance().variants(family));
}

TEST(RunPlan, TheShowcaseIsOurWidestRunnableVariantF32First) {
  for (const auto& family : KernelRegistry::instance().families()) {
    const auto variants = KernelRegistry::instance().variants(family.name);
    const KernelVariant* best = showcase(family.name);
    ASSERT_NE(best, nullptr) << family.name;
    EXPECT_EQ(best->impl, "armperf") << family.name;
    EXPECT_TRUE(best->runnable()) << best->name;
    for (const KernelVariant* v : variants) {
      if (v->impl != "armperf" || !v->runnable()) continue;
      EXPECT_LE(isa_rank(v->isa), isa_rank(best->isa)) << v->name << " is wider than " << best->name;
      if (isa_rank(v->isa) == isa_rank(best->isa) && v->dtype == "f32") {
        EXPECT_EQ(best->dtype, "f32") << family.name << ": " << best->name << " over " << v->name;
      }
    }
  }
  // GEMM's headline is sgemm (every ISA has ours), not dgemm or s8gemm, whose names sort after it.
  EXPECT_EQ(showcase("gemm")->op, "sgemm");
  // A made-up family: the widest ISA wins over f32, f32 over the later name at one ISA.
  auto variant = [](const char* name, const char* dtype, Isa isa) {
    KernelVariant v;
    v.name = name;
    v.dtype = dtype;
    v.isa = isa;
    return v;
  };
  const KernelVariant f32_avx2 = variant("f32_x__avx2", "f32", Isa::avx2);
  const KernelVariant i8_avx2 = variant("int8_x__avx2", "int8", Isa::avx2);
  const KernelVariant f32_scalar = variant("f32_x__scalar", "f32", Isa::scalar);
  if (f32_avx2.runnable()) {
    EXPECT_EQ(showcase_variant({&f32_scalar, &f32_avx2, &i8_avx2}), &f32_avx2);
    EXPECT_EQ(showcase_variant({&f32_scalar, &i8_avx2}), &i8_avx2);
  }
  EXPECT_EQ(showcase_variant({&f32_scalar}), &f32_scalar);
}

TEST(RunPlan, QuickRunsTheShowcaseAtEveryShapeAndOtherVariantsWithinItsBudget) {
  const RunPlan plan = plan_for(vm_2core(), profile(Profile::quick));
  EXPECT_LE(plan.estimated_seconds(), 60.0);
  for (const auto& family : KernelRegistry::instance().families()) {
    const KernelVariant* best = showcase(family.name);
    ASSERT_NE(best, nullptr) << family.name;
    for (const auto& shape : family.shapes(plan.sizes)) {
      const std::string name = benchmark_name(*best, shape);
      EXPECT_TRUE(std::any_of(plan.items.begin(), plan.items.end(), [&](auto& i) { return i.name == name; }))
          << name;
    }
  }
}

TEST(RunPlan, StandardKeepsTheShowcaseAndFillsItsBudgetSmallestShapesFirst) {
  RunOptions o = profile(Profile::standard);
  o.threads = {"1"};
  BenchPlan sizes = plan_test_sizes();
  sizes.dram_bytes = std::int64_t(64) << 30;  // minutes per repetition by the estimate: over any budget
  const RunPlan plan = make_plan(o, vm_2core().summary(), sizes);
  for (const auto& family : KernelRegistry::instance().families()) {
    const auto shapes = family.shapes(plan.sizes);
    ASSERT_GE(shapes.size(), 2u);
    std::size_t at_first = 0, at_last = 0;
    for (const auto& item : plan.items) {
      if (item.family != family.name) continue;
      at_first += item.name == benchmark_name(*item.variant, shapes.front());
      at_last += item.name == benchmark_name(*item.variant, shapes.back());
    }
    EXPECT_GE(at_first, 1u) << family.name;
    if (family.name == "copy") {
      EXPECT_EQ(at_last, 0u) << "a 64 GiB working set does not fit the budget";
    }
  }
}

TEST(RunPlan, KernelEstimateScalesWithRepetitionsAndMinTime) {
  const KernelTiming fast{0.001, 0.0};  // 1 ms per iteration, no set-up: min_time decides
  EXPECT_NEAR(kernel_seconds(fast, 9, 0.1) / kernel_seconds(fast, 3, 0.1), 3.0, 0.2);
  EXPECT_NEAR(kernel_seconds(fast, 3, 0.5) / kernel_seconds(fast, 3, 0.1), 5.0, 0.3);
  const KernelTiming slow{2.0, 0.0};  // an iteration longer than min_time: one iteration per repetition
  EXPECT_NEAR(kernel_seconds(slow, 9, 0.1), 18.0, 0.5);
  const KernelTiming heavy_setup{0.001, 1.0};  // every call builds its buffers: 9 repetitions + calibration
  EXPECT_EQ(kernel_calls(0.001, 9, 0.1), 9 + 2);
  EXPECT_NEAR(kernel_seconds(heavy_setup, 9, 0.1), 11.0 + 9 * 0.12 + 0.12 * 0.12, 0.05);
  // The same through the plan: every item's estimate follows repetitions and min_time.
  RunOptions few = profile(Profile::standard), many = few;
  few.filter = many.filter = "^f32_copy__scalar_u4/";
  few.repetitions = 3;
  many.repetitions = 9;
  const RunPlan a = plan_for(vm_2core(), few), b = plan_for(vm_2core(), many);
  ASSERT_EQ(a.items.size(), b.items.size());
  EXPECT_GT(b.estimated_seconds(), 2.5 * a.estimated_seconds());
  RunOptions longer = few;
  longer.min_time = 5.0;
  // A scalar copy iteration (>= 64 MiB) is modelled at ~1.3 s: 5 s repetitions add >= 3 x 3 s per item.
  EXPECT_GT(plan_for(vm_2core(), longer).estimated_seconds(),
            a.estimated_seconds() + 9.0 * double(a.items.size()));
}

TEST(RunPlan, EstimateScalesWithThreadCounts) {
  RunOptions one = profile(Profile::standard), two = one;
  one.filter = two.filter = "^f32_copy__scalar_u4/|^test_probe$";
  one.threads = {"1"};
  two.threads = {"1", "2"};
  const RunPlan a = plan_for(vm_2core(), one), b = plan_for(vm_2core(), two);
  EXPECT_GT(b.estimated_seconds(), 1.5 * a.estimated_seconds() - 20);  // every kernel again at 2 threads
  // A probe's recorded time is per thread list: the 1-thread record does not stand for 1,2.
  Timings timings;
  for (const auto& item : a.items) {
    if (item.kind == PlanItem::Kind::probe) timings.probes[item.timing_key] = 1000;
  }
  const RunPlan a2 = make_plan(one, vm_2core().summary(), plan_test_sizes(), &timings);
  const RunPlan b2 = make_plan(two, vm_2core().summary(), plan_test_sizes(), &timings);
  EXPECT_GE(a2.estimated_seconds(), 1000);
  EXPECT_LT(b2.estimated_seconds(), 1000);
}

TEST(RunPlan, RecordedTimingsReplaceTheModelAndSurviveTheFile) {
  RunOptions o = profile(Profile::standard);
  o.filter = "^f32_copy__scalar_u4/";
  o.threads = {"1"};
  o.order = "items";  // one gbench call of 9 repetitions: kernel_seconds's model
  const RunPlan cold = plan_for(vm_2core(), o);
  ASSERT_FALSE(cold.items.empty());
  Timings timings;
  timings.kernels[cold.items.front().key] = {0.5, 2.0};
  test::ScratchDir dir;
  const std::string path = (dir.path() / "sub" / "timings.json").string();
  save_timings(path, timings);
  const Timings loaded = load_timings(path);
  ASSERT_EQ(loaded.kernels.size(), 1u);
  const RunPlan warm = make_plan(o, vm_2core().summary(), plan_test_sizes(), &loaded);
  EXPECT_TRUE(warm.items.front().estimate_measured);
  // An iteration of 0.5 s is past the min time: one warm-up call (set-up and iteration) comes first.
  EXPECT_TRUE(warm.items.front().warm_up);
  EXPECT_NEAR(warm.items.front().estimate_seconds, kernel_seconds({0.5, 2.0}, 9, warm.min_time) + 2.5, 1e-9);
  EXPECT_THAT(describe(warm), HasSubstr("1 of them timed by earlier runs on this machine"));
  EXPECT_TRUE(load_timings((dir.path() / "missing.json").string()).kernels.empty());
}

TEST(RunPlan, KeysAreUniqueAndNamePoint) {
  RunOptions o = profile(Profile::full);
  const RunPlan plan = plan_for(altra_2socket(), o);
  std::set<std::string> keys;
  for (const auto& item : plan.items) {
    EXPECT_TRUE(keys.insert(item.key).second) << item.key;
    EXPECT_THAT(item.key, HasSubstr(item.name));
    // Kernel families run at the sweep point's thread count, and their names say so.
    if (item.kind == PlanItem::Kind::kernel) {
      EXPECT_EQ(item.shape.threads, item.point.threads) << item.key;
      const std::string suffix = "/threads:" + std::to_string(item.point.threads);
      EXPECT_EQ(item.name.find(suffix) != std::string::npos, item.point.threads != 1) << item.key;
    }
  }
}

TEST(RunPlan, StandardRepeatsNineTimesOnOneAndAllCores) {
  const RunPlan plan = plan_for(vm_2core(), profile(Profile::standard));
  EXPECT_GE(plan.repetitions, 9);
  EXPECT_TRUE(plan.interleaved);  // DESIGN §7: repetitions interleaved
  EXPECT_THAT(threads_of(plan), ElementsAre(1, 2));
  for (const auto& p : plan.points) {
    EXPECT_EQ(p.placement, "compact");
    EXPECT_EQ(p.membind, "local");
  }
}

TEST(RunPlan, FullOnTwoSocketAltraSweepsThreadsPlacementsAndMembinds) {
  const RunPlan plan = plan_for(altra_2socket(), profile(Profile::full));
  EXPECT_GE(plan.repetitions, 9);
  // Powers of two below the 160 cores, one socket (= one NUMA node) of 80, all cores.
  EXPECT_THAT(threads_of(plan), ElementsAre(1, 2, 4, 8, 16, 32, 64, 80, 128, 160));
  std::set<std::string> placements, membinds;
  for (const auto& p : plan.points) {
    placements.insert(p.placement);
    membinds.insert(p.membind);
    // Spread over one thread or every PU is compact again: measured once.
    if (p.threads == 1 || p.threads == 160) {
      EXPECT_EQ(p.placement, "compact");
    }
  }
  EXPECT_EQ(placements, (std::set<std::string>{"compact", "spread"}));
  EXPECT_EQ(membinds, (std::set<std::string>{"local", "remote", "interleave"}));
  // 2 thread counts at compact only, 8 at both placements; 3 membinds each.
  EXPECT_EQ(plan.points.size(), (2u + 2u * 8u) * 3u);
}

TEST(RunPlan, ElementwiseAndGemmFamiliesRunAtEveryThreadCount) {
  RunOptions o;
  o.threads = {"1", "2"};
  const RunPlan plan = plan_for(vm_2core(), o);
  std::map<std::string, std::set<int>> threads_by_family;
  for (const auto& item : plan.items) {
    if (item.kind == PlanItem::Kind::kernel) threads_by_family[item.family].insert(item.point.threads);
  }
  for (const char* family : {"activation", "copy", "gemm"}) {
    EXPECT_EQ(threads_by_family[family], (std::set<int>{1, 2})) << family;
  }
}

TEST(RunPlan, FullOnOneNodeAltraBindsLocalOnly) {
  const RunPlan plan = plan_for(altra_80(), profile(Profile::full));
  EXPECT_THAT(threads_of(plan), ElementsAre(1, 2, 4, 8, 16, 32, 64, 80));
  for (const auto& p : plan.points) EXPECT_EQ(p.membind, "local");
}

TEST(RunPlan, FullOnAmpereOneReachesAll192Cores) {
  const RunPlan plan = plan_for(ampereone_192(), profile(Profile::full));
  EXPECT_THAT(threads_of(plan), ElementsAre(1, 2, 4, 8, 16, 32, 64, 128, 192));
}

TEST(RunPlan, ExplicitThreadsPlacementAndMembind) {
  RunOptions o;
  o.threads = {"1", "all"};
  o.placements = {"spread"};
  const RunPlan plan = plan_for(ampereone_192(), o);
  ASSERT_EQ(plan.points.size(), 2u);
  EXPECT_EQ(plan.points[1], (SweepPoint{192, "spread", "local"}));
}

TEST(RunPlan, FilterSelectsKernelsAndProbesAndDisablesTheQuickSubset) {
  RunOptions o;
  o.filter = "f32_copy__scalar";
  const RunPlan plan = plan_for(vm_2core(), o);
  const auto* family = KernelRegistry::instance().family("copy");
  ASSERT_NE(family, nullptr);
  EXPECT_EQ(plan.items.size(), family->shapes(plan.sizes).size());
  for (const auto& item : plan.items) EXPECT_THAT(item.name, HasSubstr("f32_copy__scalar"));
  o.filter = "^test_probe$";
  EXPECT_EQ(probes(plan_for(vm_2core(), o)), std::set<std::string>{"test_probe"});
}

TEST(RunPlan, DescribeNamesFamiliesProbesAndTheEstimate) {
  const std::string text = describe(plan_for(vm_2core(), profile(Profile::quick)));
  EXPECT_THAT(text, HasSubstr("profile quick"));
  EXPECT_THAT(text, HasSubstr("kernels copy"));
  EXPECT_THAT(text, HasSubstr("test_probe"));
  EXPECT_THAT(text, HasSubstr("estimated time"));
  EXPECT_THAT(text,
              HasSubstr(fmt::format("estimated time {:.0f} s",
                                    plan_for(vm_2core(), profile(Profile::quick)).estimated_seconds())));
  const auto j = plan_json(plan_for(vm_2core(), profile(Profile::quick)));
  EXPECT_EQ(j["profile"], "quick");
  EXPECT_GT(j["items"].size(), 0u);
}

// Rounds by default when there is more than one repetition; --order items runs them back to back,
// and every repetition of an interleaved item is a call of its own (calibrated afresh), warmed up
// when an iteration is long.
TEST(RunPlan, RepetitionsRunInRoundsUnlessOrderIsItems) {
  RunOptions o = profile(Profile::standard);
  o.filter = "^f32_copy__scalar_u4/";
  o.repetitions = 5;
  const RunPlan rounds = plan_for(vm_2core(), o);
  EXPECT_TRUE(rounds.interleaved);
  EXPECT_THAT(describe(rounds), HasSubstr("5 repetition(s) in rounds"));
  EXPECT_EQ(plan_json(rounds)["interleaved"], true);
  o.order = "items";
  const RunPlan items = plan_for(vm_2core(), o);
  EXPECT_FALSE(items.interleaved);
  EXPECT_THAT(describe(items), HasSubstr("5 repetition(s) back to back"));
  ASSERT_EQ(rounds.items.size(), items.items.size());
  for (std::size_t i = 0; i < items.items.size(); ++i) {
    const KernelTiming t = modelled_kernel_timing(*items.items[i].variant, items.items[i].shape);
    const double warm_up = rounds.items[i].warm_up ? t.setup_seconds + t.iteration_seconds : 0.0;
    EXPECT_EQ(rounds.items[i].warm_up, t.iteration_seconds >= 0.5 * rounds.min_time);
    EXPECT_DOUBLE_EQ(rounds.items[i].estimate_seconds, 5 * (kernel_seconds(t, 1, rounds.min_time) + warm_up));
    EXPECT_DOUBLE_EQ(items.items[i].estimate_seconds, kernel_seconds(t, 5, items.min_time) + warm_up);
  }
  // An iteration far below the min time is warmed by gbench's calibration runs; one above it is not.
  Timings timings;
  timings.kernels[items.items.front().key] = {0.1 * items.min_time, 0.0};
  timings.kernels[items.items.back().key] = {2.0 * items.min_time, 0.0};
  const RunPlan timed = make_plan(o, vm_2core().summary(), plan_test_sizes(), &timings);
  EXPECT_FALSE(timed.items.front().warm_up);
  EXPECT_TRUE(timed.items.back().warm_up);
  o.order.reset();
  o.repetitions = 1;
  EXPECT_FALSE(plan_for(vm_2core(), o).interleaved);
}

TEST(RunPlan, OptionsRoundTripThroughJson) {
  RunOptions o;
  o.profile = Profile::standard;
  o.filter = "copy";
  o.threads = {"1", "all"};
  o.repetitions = 3;
  o.order = "items";
  o.min_time = 0.5;
  const RunOptions back = options_from_json(to_json(o));
  EXPECT_EQ(to_json(back), to_json(o));
}

void expect_refused(const Topology& topo, const RunOptions& o, const std::string& message) {
  try {
    plan_for(topo, o);
    FAIL() << "expected: " << message;
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr(message));
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << "one line";
  }
}

TEST(RunPlan, RefusesWhatTheMachineCannotDo) {
  RunOptions o;
  o.threads = {"3"};
  expect_refused(vm_2core(), o, "--threads: 3 threads exceed the 2 PUs");
  o.threads = {"zero"};
  expect_refused(vm_2core(), o, "--threads: 'zero' is not a thread count");
  o = {};
  o.membinds = {"remote"};
  expect_refused(vm_2core(), o, "--membind remote: this machine has 1 NUMA node");
  o.membinds = {"far"};
  expect_refused(altra_2socket(), o, "--membind: 'far' is not local, remote or interleave");
  o = {};
  o.placements = {"scatter"};
  expect_refused(vm_2core(), o, "--placement: 'scatter' is not compact or spread");
  o = {};
  o.filter = "(";
  expect_refused(vm_2core(), o, "--filter: '(' is not a valid regular expression");
  o.filter = "^no_such_kernel$";
  expect_refused(vm_2core(), o, "--filter '^no_such_kernel$' matches no kernel benchmark or probe");
  o = {};
  o.repetitions = 0;
  expect_refused(vm_2core(), o, "--repetitions: 0");
  o = {};
  o.min_time = -1;
  expect_refused(vm_2core(), o, "--min-time: -1");
  o = {};
  o.order = "random";
  expect_refused(vm_2core(), o, "--order: 'random' is not rounds or items");
}

// GEMM's working set counts A and B in the variant's dtype and C in its accumulator type; it was 4 B
// for every dtype, half of dgemm's. Another family's MxNxK shape keeps 4 B.
TEST(RunPlan, GemmWorkingSetFollowsTheDtype) {
  const BenchShape shape{"64x32x16", {64, 32, 16}, 1};
  const double ab = 64.0 * 16 + 16.0 * 32, c = 64.0 * 32;
  const auto bytes = [&](const std::string& family, const std::string& dtype) {
    KernelVariant v;
    v.family = family;
    v.dtype = dtype;
    return shape_bytes(v, shape);
  };
  EXPECT_DOUBLE_EQ(bytes("gemm", "f64"), 8 * (ab + c));
  EXPECT_DOUBLE_EQ(bytes("gemm", "f32"), 4 * (ab + c));
  EXPECT_DOUBLE_EQ(bytes("gemm", "bf16"), 2 * ab + 4 * c);
  EXPECT_DOUBLE_EQ(bytes("gemm", "int8"), ab + 4 * c);
  EXPECT_DOUBLE_EQ(bytes("other", "f64"), 4 * (ab + c));
  BenchShape stated = shape;
  stated.bytes = 1000;
  EXPECT_DOUBLE_EQ(shape_bytes(KernelVariant{}, stated), 1000);
}

TEST(RunPlan, RefusesWorkingSetsAboveFreeMemory) {
  const RunPlan plan = plan_for(vm_2core(), profile(Profile::quick));
  EXPECT_NO_THROW(check_fits_memory(plan, std::uint64_t(1) << 40));
  try {
    check_fits_memory(plan, 1 << 20);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("exceeds the 1 MB of free memory"));
  }
}

}  // namespace
}  // namespace armperf::run
