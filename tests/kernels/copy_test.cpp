// Generated from the registry: every copy variant on every length, alignment and special value.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "kernels/copy/copy.hpp"
#include "kernels/registry.hpp"
#include "tests/kernels/variant_param.hpp"

namespace armperf {
namespace {

class CopyTest : public VariantTest {};


void check_copy(kernels::CopyFn copy, std::size_t n, std::size_t offset) {
  std::vector<float> x(n + offset + kGuard), y(n + offset + 2 * kGuard, kSentinel);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(i) * 0.5f + 1.0f;
  float* out = y.data() + kGuard + offset;
  copy(x.data() + offset, out, n);
  for (std::size_t i = 0; i < n; ++i) {
    ASSERT_EQ(out[i], x[offset + i]) << "n=" << n << " offset=" << offset << " i=" << i;
  }
  for (std::size_t i = 0; i < kGuard + offset; ++i) ASSERT_EQ(y[i], kSentinel) << "wrote before start";
  for (std::size_t i = kGuard + offset + n; i < y.size(); ++i)
    ASSERT_EQ(y[i], kSentinel) << "wrote past n=" << n;
}

TEST_P(CopyTest, EveryLengthAndAlignment) {
  auto copy = variant().as<kernels::CopyFn>();
  const std::size_t tile = variant().tile;
  for (std::size_t offset = 0; offset < 4; ++offset) {
    for (std::size_t n = 0; n <= 2 * tile + 1; ++n) check_copy(copy, n, offset);
    check_copy(copy, 1000 + tile - 1, offset);
  }
}

TEST_P(CopyTest, SpecialValuesAreBitExact) {
  const float specials[] = {0.0f,
                            -0.0f,
                            std::numeric_limits<float>::infinity(),
                            -std::numeric_limits<float>::infinity(),
                            std::numeric_limits<float>::quiet_NaN(),
                            std::bit_cast<float>(0x7fa00001u),  // NaN with a payload
                            std::numeric_limits<float>::denorm_min(),
                            -std::numeric_limits<float>::denorm_min(),
                            std::numeric_limits<float>::max(),
                            std::numeric_limits<float>::lowest()};
  std::vector<float> x(137), y(137);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = specials[i % std::size(specials)];
  variant().as<kernels::CopyFn>()(x.data(), y.data(), x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    ASSERT_EQ(std::bit_cast<std::uint32_t>(y[i]), std::bit_cast<std::uint32_t>(x[i])) << "i=" << i;
  }
}

// The benchmark's timed call (kernels::copy_on_team) writes what one copy over the whole array writes,
// for 2 and 3 threads over a length that splits unevenly, and nothing past the end.
TEST_P(CopyTest, ThreadedRunMatchesOneCall) {
  auto copy = variant().as<kernels::CopyFn>();
  const std::size_t n = 1000 + variant().tile - 1;
  std::vector<float> x(n), one(n, kSentinel);
  for (std::size_t i = 0; i < n; ++i) x[i] = static_cast<float>(i) * 0.25f - 7.0f;
  copy(x.data(), one.data(), n);
  for (int threads : {2, 3}) {
    kernels::SlicedTeam team(threads, n);
    std::vector<float> y(n + kGuard, kSentinel);
    kernels::copy_on_team(team, copy, x.data(), y.data(), 2);
    for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(y[i], one[i]) << threads << " threads, i=" << i;
    for (std::size_t i = n; i < y.size(); ++i) ASSERT_EQ(y[i], kSentinel) << "wrote past n=" << n;
  }
}

TEST_P(CopyTest, InPlaceIsIdentity) {
  std::vector<float> x(77);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(i);
  variant().as<kernels::CopyFn>()(x.data(), x.data(), x.size());
  for (std::size_t i = 0; i < x.size(); ++i) ASSERT_EQ(x[i], static_cast<float>(i));
}

ARMPERF_INSTANTIATE_VARIANT_TESTS(CopyTest, "copy");

}  // namespace
}  // namespace armperf
