#include <gtest/gtest.h>

#include <cmath>

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

TEST(Frequency, MeasuredGhzIsAFrequency) {
  const double ghz = measure_ghz(0.005);
  EXPECT_TRUE(std::isfinite(ghz));
  EXPECT_GT(ghz, 0);  // under an emulator it is the emulator's speed: no bound on the value
}

}  // namespace
}  // namespace armperf::probes
