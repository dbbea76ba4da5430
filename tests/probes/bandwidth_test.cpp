#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "core/team.hpp"
#include "core/topology.hpp"
#include "probes/bandwidth.hpp"
#include "probes/kernels/bandwidth.hpp"

namespace armperf::probes {
namespace {

class BandwidthKernelTest : public ::testing::TestWithParam<Isa> {
 protected:
  void SetUp() override {
    if (!isa_enabled(GetParam())) GTEST_SKIP() << isa_skip_reason(GetParam());
  }
  const BandwidthKernels& kernels() const { return *bandwidth_kernels_for(GetParam()); }
};

// Integer-valued inputs that differ per element: a kernel reading the wrong element, skipping a tail
// or summing in a wrong lane gives a different, exactly comparable, result.
double x_at(std::size_t i) { return static_cast<double>(i % 13) - 4; }
double y_at(std::size_t i) { return static_cast<double>(i % 7) + 1; }

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::size_t kGuard = 16;  // elements around z that must stay untouched

TEST_P(BandwidthKernelTest, EveryOpEveryLengthAndAlignment) {
  const double s = 3;
  std::vector<std::size_t> lengths;
  for (std::size_t n = 0; n <= 70; ++n) lengths.push_back(n);
  for (std::size_t n : {127u, 128u, 129u, 1000u, 1031u}) lengths.push_back(n);
  for (const auto& info : stream_ops()) {
    const StreamFn fn = kernels().get(info.op);
    if (fn == nullptr) {
      EXPECT_TRUE(info.nontemporal) << info.name << " missing for " << isa_name(GetParam());
      continue;
    }
    for (std::size_t offset : {0u, 1u, 3u, 7u}) {  // misaligned starts: the non-temporal head
      for (std::size_t n : lengths) {
        std::vector<double> x(n + offset), y(n + offset), z(n + offset + 2 * kGuard, kNaN);
        for (std::size_t i = 0; i < n; ++i) x[offset + i] = x_at(i), y[offset + i] = y_at(i);
        double* zp = z.data() + kGuard + offset;
        const double result = fn(zp, x.data() + offset, y.data() + offset, s, n);
        double sum = 0;
        for (std::size_t i = 0; i < n; ++i) sum += x_at(i);
        const std::string where = std::string(info.name) + " n=" + std::to_string(n) + " offset=" + std::to_string(offset);
        if (info.op == StreamOp::read) {
          ASSERT_EQ(result, sum) << where;
          continue;
        }
        for (std::size_t i = 0; i < n; ++i) {
          ASSERT_EQ(zp[i], stream_expected(info.op, x_at(i), y_at(i), s)) << where << " i=" << i;
        }
        for (std::size_t i = 0; i < kGuard + offset; ++i) ASSERT_TRUE(std::isnan(z[i])) << where << " wrote before z";
        for (std::size_t i = kGuard + offset + n; i < z.size(); ++i) ASSERT_TRUE(std::isnan(z[i])) << where << " wrote past z";
      }
    }
  }
}

TEST_P(BandwidthKernelTest, TimedRunOnTheTeamValidates) {
  Team team({0, 0});  // two threads on one PU: works on any machine and under qemu
  const std::size_t n = 3000, granule = 512;
  std::vector<double> x(n, kStreamX), y(n, kStreamY), z(n, 0);
  for (StreamOp op : {StreamOp::read, StreamOp::triad}) {
    const StreamTiming timing = time_stream_op(team, kernels().get(op), op, z.data(), x.data(), y.data(), n, granule, 3, 2);
    EXPECT_EQ(timing.wrong, 0u) << stream_op_info(op).name;
    ASSERT_EQ(timing.seconds.size(), 3u);
    for (double t : timing.seconds) EXPECT_GT(t, 0);
  }
  for (double v : z) ASSERT_EQ(v, stream_expected(StreamOp::triad, kStreamX, kStreamY, kStreamScalar));
}

std::string isa_param_name(const ::testing::TestParamInfo<Isa>& info) { return std::string(isa_name(info.param)); }

std::vector<Isa> registered_isas() {
  std::vector<Isa> isas;
  for (const auto& k : bandwidth_kernels()) isas.push_back(k.isa);
  return isas;
}

INSTANTIATE_TEST_SUITE_P(Registry, BandwidthKernelTest, ::testing::ValuesIn(registered_isas()), isa_param_name);

TEST(Bandwidth, EveryIsaOfTheArchitectureHasKernels) {
#if defined(__x86_64__)
  const std::vector<Isa> expected = {Isa::scalar, Isa::avx2, Isa::avx512};
#else
  const std::vector<Isa> expected = {Isa::scalar, Isa::neon, Isa::sve};
#endif
  EXPECT_EQ(registered_isas(), expected);
}

// A kernel that forgets the second half of its block: the probe's check must notice.
double broken_copy(double* z, const double* x, const double*, double, std::size_t n) {
  for (std::size_t i = 0; i < n / 2; ++i) z[i] = x[i];
  return 0;
}

TEST(Bandwidth, ValidationCatchesAWrongKernel) {
  Team team({0});
  const std::size_t n = 1000;
  std::vector<double> x(n, kStreamX), y(n, kStreamY), z(n, kStreamX);  // z already right: the NaN fill must matter
  const StreamTiming timing = time_stream_op(team, &broken_copy, StreamOp::copy, z.data(), x.data(), y.data(), n, 8, 1, 1);
  EXPECT_EQ(timing.wrong, n - n / 2);
}

TEST(Bandwidth, ByteCounting) {
  EXPECT_EQ(stream_bytes(StreamOp::triad, 1000), 24000);
  EXPECT_EQ(stream_bytes_with_write_allocate(StreamOp::triad, 1000), 32000);
  EXPECT_EQ(stream_bytes(StreamOp::read, 1000), 8000);
  EXPECT_EQ(stream_bytes_with_write_allocate(StreamOp::read, 1000), 8000);
  EXPECT_EQ(stream_bytes_with_write_allocate(StreamOp::write, 1000), 16000);
  EXPECT_EQ(stream_bytes_with_write_allocate(StreamOp::copy_nt, 1000), 16000);  // no allocate: streaming
  EXPECT_EQ(parse_stream_op("triad_nt"), StreamOp::triad_nt);
  EXPECT_FALSE(parse_stream_op("triad2"));
}

TEST(Bandwidth, WorkingSetsFollowTheCaches) {
  // An Altra-like socket: 80 cores, private 64 KiB L1d and 1 MiB L2, a shared 64 MiB last-level cache.
  const Topology t = Topology::from_synthetic(
      "pack:1 [numa(memory=64GiB)] l3:1(size=64MiB) l2:80(size=1MiB) l1d:1(size=64KiB) core:1 pu:1");
  std::vector<std::string> notes;
  const auto one = bandwidth_working_sets(t.summary(), 1, Profile::full, 64ull << 30, notes);
  ASSERT_EQ(one.size(), 4u);
  EXPECT_EQ(one[0].level, "L1");
  EXPECT_LE(3 * one[0].array_bytes, 32u << 10);  // three arrays in half of L1
  EXPECT_GT(3 * one[0].array_bytes, 16u << 10);
  EXPECT_EQ(one[1].level, "L2");
  EXPECT_LE(3 * one[1].array_bytes, 512u << 10);
  EXPECT_EQ(one[2].level, "L3");
  EXPECT_LE(3 * one[2].array_bytes, 32u << 20);  // one thread has the whole shared cache
  EXPECT_GT(3 * one[2].array_bytes, 16u << 20);
  EXPECT_EQ(one[3].level, "DRAM");
  EXPECT_EQ(one[3].array_bytes, 4 * (64ull << 20));  // STREAM: 4 x LLC per array
  EXPECT_TRUE(notes.empty());

  const auto all = bandwidth_working_sets(t.summary(), 80, Profile::quick, 64ull << 30, notes);
  // 80 threads share the L3: a thread's share (819 KiB) is below its L2, so no L3 point.
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[1].array_bytes, 80 * one[1].array_bytes);
  EXPECT_EQ(all.back().level, "DRAM");
  EXPECT_EQ(all.back().array_bytes, 128ull << 20);  // quick's cap, and said so
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("quick"), std::string::npos);
}

}  // namespace
}  // namespace armperf::probes
