#include "core/timer.hpp"

#include <chrono>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>

namespace armperf {
namespace {

TEST(Timer, ClocksNeverGoBackwards) {
  std::uint64_t last_ns = now_ns();
  std::uint64_t last_ticks = ticks();
  for (int i = 0; i < 100'000; ++i) {
    const std::uint64_t ns = now_ns();
    const std::uint64_t tick = ticks();
    ASSERT_GE(ns, last_ns);
    ASSERT_GE(tick, last_ticks);
    last_ns = ns;
    last_ticks = tick;
  }
}

TEST(Timer, MeasuredResolutionIsBetweenZeroAndOneMillisecond) {
  const TimerResolution resolution = timer_resolution_ns();
  EXPECT_GT(resolution.clock_ns, 0.0);
  EXPECT_LT(resolution.clock_ns, 1e6);
  EXPECT_GT(resolution.ticks_ns, 0.0);
  EXPECT_LT(resolution.ticks_ns, 1e6);
}

TEST(Timer, TickFrequencyIsPlausible) {
  EXPECT_GE(tick_hz(), 1e6);
  EXPECT_LE(tick_hz(), 10e9);
}

// A correctness check of units and conversions, not of precision: loose bounds for noisy machines
// and emulators.
TEST(Timer, SleepOfTwentyMillisecondsMeasuresTheSameInBothClocks) {
  const std::uint64_t ns0 = now_ns();
  const std::uint64_t tick0 = ticks();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const double clock_ms = static_cast<double>(now_ns() - ns0) * 1e-6;
  const double ticks_ms = ticks_to_ns(ticks() - tick0) * 1e-6;
  EXPECT_GE(clock_ms, 15.0);
  EXPECT_LE(clock_ms, 200.0);
  EXPECT_GE(ticks_ms, 15.0);
  EXPECT_LE(ticks_ms, 200.0);
}

TEST(Timer, MinIterationsCoverTheRequestedTicks) {
  // Altra: 25 MHz, so 1e5 ticks are 4 ms, i.e. 40'000 iterations of 100 ns.
  EXPECT_EQ(min_iterations_for(100.0, 1e5, 25e6), 40'000u);
  // A slow iteration still runs once.
  EXPECT_EQ(min_iterations_for(1e9, 1e5, 25e6), 1u);
  // Rounded up, never short of the target.
  EXPECT_EQ(min_iterations_for(3.0, 10.0, 1e9), 4u);
  const std::uint64_t here = min_iterations_for(10.0);
  EXPECT_GE(static_cast<double>(here) * 10.0, 1e5 / tick_hz() * 1e9);
}

TEST(Timer, MinIterationsRejectsNonsense) {
  EXPECT_THROW(min_iterations_for(0.0), std::invalid_argument);
  EXPECT_THROW(min_iterations_for(-1.0), std::invalid_argument);
  EXPECT_THROW(min_iterations_for(1.0, 1e5, 0.0), std::invalid_argument);
}

}  // namespace
}  // namespace armperf
