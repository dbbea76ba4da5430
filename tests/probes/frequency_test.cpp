#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "probes/frequency.hpp"

namespace armperf::probes {
namespace {

TEST(Frequency, AddChainRunsEveryAdd) {
  const AddChainRun run = run_add_chain(1000);
  EXPECT_EQ(run.adds % 128, 0u);
  EXPECT_GE(run.adds, 1000u);
  // Each add of the chain happened. (A core that folds the chain in its renamer still gets the value
  // right: that is why clock.cpp's adds take their 1 from a register, not an immediate.)
  EXPECT_EQ(run.value, run.adds);
  EXPECT_GT(run.seconds, 0);
}

// 22-23 "GHz" is what an add-immediate chain read on a Granite Rapids VM, whose renamer folds it.
TEST(Frequency, ClocksNoCoreRunsAtAreNamed) {
  EXPECT_EQ(implausible_clock(3.97), "");
  EXPECT_EQ(implausible_clock(6.5), "");
  EXPECT_NE(implausible_clock(22.5).find("22.5 GHz"), std::string::npos);
  EXPECT_NE(implausible_clock(6.6).find("pct_of_peak"), std::string::npos);
}

TEST(Frequency, MeasuredGhzIsAFrequency) {
  const double ghz = measure_ghz(0.005);
  EXPECT_TRUE(std::isfinite(ghz));
  EXPECT_GT(ghz, 0);  // under an emulator it is the emulator's speed: no bound on the value
}

}  // namespace
}  // namespace armperf::probes
