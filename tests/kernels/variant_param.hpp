// The one way a kernel family's gtest suite is parameterised: over the family's registry rows.
// A variant the machine cannot run (or that ARMPERF_MAX_ISA caps) is skipped with the reason.
#pragma once

#include <gtest/gtest.h>

#include <cstddef>
#include <ostream>

#include "kernels/registry.hpp"

namespace armperf {

class VariantTest : public ::testing::TestWithParam<const KernelVariant*> {
 protected:
  void SetUp() override {
    if (!GetParam()->runnable()) GTEST_SKIP() << GetParam()->skip_reason();
  }
  const KernelVariant& variant() const { return *GetParam(); }
};

// Guard cells on both sides of a kernel's output, set to kSentinel, catch a store outside it.
inline constexpr std::size_t kGuard = 16;
inline constexpr float kSentinel = -12345.0f;

// Shown in ctest's test names instead of a pointer value.
inline void PrintTo(const KernelVariant* variant, std::ostream* os) { *os << variant->name; }

inline std::string variant_test_name(const ::testing::TestParamInfo<const KernelVariant*>& info) {
  return info.param->name;
}

}  // namespace armperf

// Test names end in the variant name, e.g. Registry/CopyTest.EveryLengthAndAlignment/f32_copy__avx2_u32;
// registry_test.cpp checks that every registered variant appears in some test name.
#define ARMPERF_INSTANTIATE_VARIANT_TESTS(suite, family)                                             \
  INSTANTIATE_TEST_SUITE_P(Registry, suite,                                                          \
                           ::testing::ValuesIn(::armperf::KernelRegistry::instance().variants(family)), \
                           ::armperf::variant_test_name)
