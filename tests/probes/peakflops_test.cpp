#include <gtest/gtest.h>

#include <string>

#include "probes/kernels/peakflops.hpp"
#include "probes/peakflops.hpp"

namespace armperf::probes {
namespace {

class FmaKernelTest : public ::testing::TestWithParam<const FmaKernel*> {
 protected:
  void SetUp() override {
    if (!isa_enabled(GetParam()->isa)) GTEST_SKIP() << isa_skip_reason(GetParam()->isa);
  }
};

TEST_P(FmaKernelTest, EveryChainConvergesToTwo) {
  const FmaKernel& k = *GetParam();
  ASSERT_GT(k.lanes(), 0u);
  const double lanes = static_cast<double>(k.lanes());
  const double chains = k.accumulators;
  const double starts = chains * (chains - 1) / 2;  // chain j starts at j: 0 + 1 + ... + (K - 1)
  // acc = 0.5·acc + 1 reaches exactly 2 in every lane of every accumulator, whatever its start.
  EXPECT_EQ(k.run(200, 0.5, 1.0), 2.0 * chains * lanes);
  EXPECT_EQ(k.run(64, 0.5, 1.0), 2.0 * chains * lanes);  // the probe's fewest rounds per window
  // One round: lane of chain j holds j·a + b, so a dropped lane or chain, or chains merged into one
  // (equal values would let the compiler do it), shows.
  EXPECT_EQ(k.run(1, 0.5, 3.0), lanes * (0.5 * starts + 3.0 * chains));
  // Two rounds: j·a² + a·b + b, which needs the multiply of both rounds.
  EXPECT_EQ(k.run(2, 0.5, 4.0), lanes * (0.25 * starts + 6.0 * chains));
  EXPECT_EQ(k.flops_per_iteration(), 2.0 * chains * lanes);
}

TEST_P(FmaKernelTest, EnoughAccumulatorsToFillThePipes) {
  // The widest table entry (V2: 4 pipes x 4 cycles) needs 16 chains; x86 has 16 ymm registers only.
  EXPECT_GE(GetParam()->accumulators, GetParam()->isa == Isa::avx2 ? 12 : 16);
}

std::string kernel_name(const ::testing::TestParamInfo<const FmaKernel*>& info) {
  return std::string(isa_name(info.param->isa)) + "_" + std::string(info.param->dtype);
}

std::vector<const FmaKernel*> all_kernels() {
  std::vector<const FmaKernel*> out;
  for (const auto& k : fma_kernels()) out.push_back(&k);
  return out;
}

INSTANTIATE_TEST_SUITE_P(Registry, FmaKernelTest, ::testing::ValuesIn(all_kernels()), kernel_name);

TEST(Peakflops, TheoreticalPeakPerCycle) {
  const auto zen5 = fma_pipes_for("Zen5 (family 0x1a model 0x02)");
  ASSERT_TRUE(zen5);
  EXPECT_EQ(peak_flop_per_cycle(*zen5, 512, 32), 64);  // the Zen5 number
  EXPECT_EQ(peak_flop_per_cycle(*zen5, 256, 32), 32);  // AVX2 uses half of each pipe
  EXPECT_EQ(peak_flop_per_cycle(*zen5, 512, 64), 32);
  const auto n1 = fma_pipes_for("Neoverse N1");
  ASSERT_TRUE(n1);
  EXPECT_EQ(peak_flop_per_cycle(*n1, 128, 32), 16);  // 2 x 128-bit pipes
  const auto v1 = fma_pipes_for("Neoverse V1");
  ASSERT_TRUE(v1);
  EXPECT_EQ(peak_flop_per_cycle(*v1, 256, 32), 32);  // SVE 256 on 4 x 128 = 2 x 256
  EXPECT_EQ(peak_flop_per_cycle(*v1, 128, 32), 32);
  const auto zen4 = fma_pipes_for("Zen4");
  ASSERT_TRUE(zen4);
  EXPECT_EQ(peak_flop_per_cycle(*zen4, 512, 32), 32);  // AVX-512 in two 256-bit halves
  EXPECT_EQ(peak_flop_per_cycle(*n1, 32, 32), 4);      // scalar: one lane per pipe
  EXPECT_EQ(peak_flop_per_cycle(*n1, 64, 64), 4);
  EXPECT_FALSE(fma_pipes_for("Pentium 4"));
}

TEST(Peakflops, TheoreticalPeakSaysWhereItComesFrom) {
  const auto peak = theoretical_peak("Zen5 (family 0x1a model 0x02)", 512, 32, 3.3, 2, "add chain");
  ASSERT_TRUE(peak);
  EXPECT_DOUBLE_EQ(peak->gflops(), 64 * 3.3 * 2);
  EXPECT_NE(peak->provenance.find("2 x 512-bit FMA pipes"), std::string::npos) << peak->provenance;
  EXPECT_NE(peak->provenance.find("3.300 GHz (add chain)"), std::string::npos) << peak->provenance;
  EXPECT_NE(peak->provenance.find("x 2 cores"), std::string::npos) << peak->provenance;
  EXPECT_FALSE(theoretical_peak("Pentium 4", 128, 32, 3.0, 1, "add chain"));
}

}  // namespace
}  // namespace armperf::probes
