#include <gtest/gtest.h>

#include "probes/memory.hpp"

namespace armperf::probes {
namespace {

TEST(Memory, AltraLikeEightChannelsDdr4_3200) {
  MemoryModules m;
  m.slots = 16;
  m.populated = 8;
  m.type = "DDR4";
  m.speed_mts = 3200;
  m.configured_speed_mts = 3200;
  const auto peak = dram_peak(m);
  ASSERT_TRUE(peak);
  EXPECT_EQ(peak->modules, 8u);
  EXPECT_DOUBLE_EQ(peak->gbps, 204.8);
}

TEST(Memory, AmpereOneLikeEightChannelsDdr5_4800UsesTheConfiguredSpeed) {
  MemoryModules m;
  m.populated = 8;
  m.type = "DDR5";
  m.speed_mts = 5600;             // rated
  m.configured_speed_mts = 4800;  // what runs
  EXPECT_DOUBLE_EQ(dram_peak(m)->gbps, 307.2);
  m.configured_speed_mts.reset();
  EXPECT_DOUBLE_EQ(dram_peak(m)->gbps, 358.4);
}

TEST(Memory, NoModulesOrNoSpeedIsNoPeak) {
  MemoryModules m;
  m.slots = 4;
  EXPECT_FALSE(dram_peak(m));
  m.populated = 2;
  EXPECT_FALSE(dram_peak(m));
}

}  // namespace
}  // namespace armperf::probes
