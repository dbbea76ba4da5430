#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "probes/pmu.hpp"
#include "probes/probe.hpp"

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
#endif

}  // namespace
}  // namespace armperf::probes
