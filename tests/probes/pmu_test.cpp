#include <gtest/gtest.h>
#include <sys/mman.h>

#include <span>

#include <cstdlib>
#include <set>
#include <string>

#include "probes/pmu.hpp"
#include "probes/probe.hpp"

#include <algorithm>
#include <vector>

#if defined(ARMPERF_HAVE_PFM)
#include <perfmon/pfmlib.h>
#endif

namespace armperf::probes {
namespace {

TEST(Pmu, ProbeSucceedsAndSaysUnavailableOrMeasures) {
  const Probe* probe = ProbeRegistry::instance().find("pmu");
  ASSERT_NE(probe, nullptr);
  std::vector<ResultRow> rows;
  const ProbeOutcome outcome = probe->run(ProbeConfig{}, [&](const ResultRow& row) {
    rows.push_back(row);
    return true;
  });
  if (rows.empty()) {
    // VMs and qemu: no counters. The reason is given, never a zero.
    bool said = false;
    for (const auto& note : outcome.notes) said = said || note.rfind("unavailable: ", 0) == 0;
    EXPECT_TRUE(said);
  } else {
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_GE(rows[0].counters.at("instructions"), static_cast<double>(rows[0].iterations));
    EXPECT_GT(rows[0].counters.at("cycles"), 0);
  }
}

#if defined(ARMPERF_HAVE_PFM) && defined(__aarch64__)
// libpfm4 as if on a Neoverse core (LIBPFM_FORCE_PMU), so the encodings are checked under qemu too.
// Raw event numbers from the Arm architecture's common events: CPU_CYCLES 0x11, INST_RETIRED 0x08,
// L1D_CACHE_REFILL 0x03, STALL_BACKEND 0x24.
void expect_arm_encodings(const char* pmu) {
  pfm_terminate();
  setenv("LIBPFM_FORCE_PMU", pmu, 1);
  ASSERT_EQ(pfm_init_error(), "");
  const std::string prefix = std::string(pmu) + "::";
  const std::pair<const char*, std::uint64_t> events[] = {
      {"CPU_CYCLES", 0x11}, {"INST_RETIRED", 0x08}, {"L1D_CACHE_REFILL", 0x03}, {"STALL_BACKEND", 0x24}};
  for (const auto& [name, code] : events) {
    std::string error;
    const auto encoding = encode_event(prefix + name, error);
    ASSERT_TRUE(encoding) << error;
    EXPECT_EQ(encoding->type, 4u) << name;  // PERF_TYPE_RAW
    EXPECT_EQ(encoding->config, code) << name;
  }
  std::string error;
  EXPECT_FALSE(encode_event(prefix + "NO_SUCH_EVENT", error));
  EXPECT_NE(error.find("NO_SUCH_EVENT"), std::string::npos);
  pfm_terminate();
  unsetenv("LIBPFM_FORCE_PMU");
}

TEST(Pmu, NeoverseN1Encodings) { expect_arm_encodings("arm_n1"); }
TEST(Pmu, NeoverseV2Encodings) { expect_arm_encodings("arm_v2"); }

// Every event of an ARM group file encodes with libpfm4 forced to that core's PMU (null: libpfm4's
// own detection, for the OS PMUs such as perf_raw, which forcing a core PMU hides).
void expect_group_encodes(const char* group, const char* pmu) {
  pfm_terminate();
  if (pmu != nullptr) setenv("LIBPFM_FORCE_PMU", pmu, 1);
  ASSERT_EQ(pfm_init_error(), "");
  const auto events = expand_pmu_events({std::string("group:") + group});
  EXPECT_GE(events.size(), 8u) << group;  // cycles, instructions, 3 refills, 2 stalls, memory accesses
  for (const auto& event : events) {
    std::string error;
    EXPECT_TRUE(encode_event(event, error)) << group << ": " << error;
  }
  pfm_terminate();
  unsetenv("LIBPFM_FORCE_PMU");
}

TEST(PmuGroups, NeoverseN1GroupEncodes) { expect_group_encodes("neoverse-n1", "arm_n1"); }
TEST(PmuGroups, NeoverseV1GroupEncodes) { expect_group_encodes("neoverse-v1", "arm_v1"); }
TEST(PmuGroups, NeoverseV2GroupEncodes) { expect_group_encodes("neoverse-v2", "arm_v2"); }
// No AmpereOne table in libpfm4 4.13: raw common-event numbers (the OS's perf_raw PMU, present on
// every Linux), checked against the architecture's.
TEST(PmuGroups, AmpereOneGroupEncodesAsArchitectedRawEvents) {
  expect_group_encodes("ampereone", nullptr);
  const auto events = expand_pmu_events({"group:ampereone"});
  std::string error;
  const auto cycles = encode_event(events.at(0), error);
  ASSERT_TRUE(cycles) << error;
  EXPECT_EQ(cycles->type, 4u);  // PERF_TYPE_RAW
  EXPECT_EQ(cycles->config, 0x11u);  // CPU_CYCLES
}
#endif

#if defined(ARMPERF_HAVE_PFM) && (defined(__x86_64__) || defined(__i386__))
// The x86 comparison group uses the kernel's generic events: they encode on any x86 machine.
TEST(PmuGroups, ZenGroupEncodes) {
  for (const auto& event : expand_pmu_events({"group:zen"})) {
    std::string error;
    EXPECT_TRUE(encode_event(event, error)) << error;
  }
}
#endif

#if defined(ARMPERF_HAVE_PFM)
TEST(PmuGroups, SoftwareGroupEncodes) {
  for (const auto& event : expand_pmu_events({"group:software"})) {
    std::string error;
    EXPECT_TRUE(encode_event(event, error)) << error;
  }
}
#endif

TEST(PmuGroups, GroupsAreFoundAndExpandWithoutDuplicates) {
  const auto groups = pmu_groups();
  for (const char* g : {"neoverse-n1", "neoverse-v1", "neoverse-v2", "ampereone", "zen", "software"}) {
    EXPECT_NE(std::find(groups.begin(), groups.end(), g), groups.end()) << g << " in " << pmu_group_dir();
  }
  const auto events = expand_pmu_events({"arm_n1::CPU_CYCLES", "group:neoverse-n1", "cycles"});
  EXPECT_EQ(events.front(), "arm_n1::CPU_CYCLES");
  EXPECT_EQ(events.back(), "cycles");
  EXPECT_EQ(std::set<std::string>(events.begin(), events.end()).size(), events.size());
  EXPECT_THROW(expand_pmu_events({"group:pentium"}), std::invalid_argument);
  EXPECT_THROW(expand_pmu_events({"group:../neoverse-n1"}), std::invalid_argument);
}

TEST(PmuGroups, FieldNamesAreWords) {
  EXPECT_EQ(pmu_field("perf::PERF_COUNT_SW_TASK_CLOCK"), "pmu_perf_PERF_COUNT_SW_TASK_CLOCK");
  EXPECT_EQ(pmu_field("arm_n1::L1D_CACHE_REFILL"), "pmu_arm_n1_L1D_CACHE_REFILL");
  EXPECT_EQ(pmu_field("perf::PERF_COUNT_HW_CACHE_L1D:READ:MISS"), "pmu_perf_PERF_COUNT_HW_CACHE_L1D_READ_MISS");
  EXPECT_EQ(pmu_field("cycles"), "pmu_cycles");
}

// The attachment is generic: any probe run through run_probe() gets counts per row.
ProbeOutcome busy_probe(const ProbeConfig&, const RowSink& sink) {
  for (int i = 0; i < 3; ++i) {
    // New pages, so there are page faults to count: straight from mmap, since malloc may hand back
    // pages an earlier test already touched (glibc raises its mmap threshold after a large free).
    constexpr std::size_t kBytes = 4 << 20;
    void* mapped = ::mmap(nullptr, kBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mapped == MAP_FAILED) return {{"mmap failed"}};
    const std::span<char> fresh(static_cast<char*>(mapped), kBytes);
    for (std::size_t k = 0; k < fresh.size(); k += 4096) fresh[k] = static_cast<char>(k);
    ResultRow row;
    row.name = "busy/" + std::to_string(i);
    row.suite = "probe";
    row.op = "busy";
    row.impl = "armperf";
    row.isa = "scalar";
    row.counters["checksum"] = fresh[4096];
    ::munmap(mapped, kBytes);
    if (!sink(row)) break;
  }
  return {};
}

TEST(PmuRows, SoftwareEventsAttachToEveryProbeRow) {
  ProbeConfig config;
  config.pmu_events = {"perf::PERF_COUNT_SW_TASK_CLOCK", "perf::PERF_COUNT_SW_PAGE_FAULTS"};
  std::vector<ResultRow> rows;
  run_probe(Probe{"busy", "test", &busy_probe}, config, [&](const ResultRow& row) {
    rows.push_back(row);
    return true;
  });
  ASSERT_EQ(rows.size(), 3u);
  for (const auto& row : rows) {
    if (row.extra.contains(kPmuUnavailable)) {
#if defined(ARMPERF_HAVE_PFM)
      const std::string why = row.extra[kPmuUnavailable];
      if (why.find("perf_event_open") != std::string::npos) GTEST_SKIP() << "no software counters here: " << why;
      FAIL() << why;
#else
      GTEST_SKIP() << "built without libpfm4";
#endif
    }
    EXPECT_GT(row.counters.at("pmu_perf_PERF_COUNT_SW_TASK_CLOCK"), 0) << row.name;
    EXPECT_GE(row.counters.at("pmu_perf_PERF_COUNT_SW_PAGE_FAULTS"), 1) << row.name;  // fresh pages (huge pages: few)
    EXPECT_EQ(row.extra.value(kPmuScope, ""), "the probe's work for this row (since its previous row)");
  }
}

TEST(PmuRows, HardwareEventSaysUnavailableNeverZero) {
  PmuRegion region({"cycles"});
  region.start();
  const auto counts = region.stop();
  if (counts[0]) GTEST_SKIP() << "hardware counters open on this machine";
  ProbeConfig config;
  config.pmu_events = {"cycles"};
  run_probe(Probe{"busy", "test", &busy_probe}, config, [&](const ResultRow& row) {
    EXPECT_EQ(row.counters.count("pmu_cycles"), 0u);
    EXPECT_NE(row.extra.value(kPmuUnavailable, "").find("cycles"), std::string::npos);
    return true;
  });
}

}  // namespace
}  // namespace armperf::probes
