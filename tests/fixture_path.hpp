// Where tests find tests/fixtures/: ctest sets ARMPERF_SOURCE_DIR for every test (cmake/ArmperfHelpers.cmake).
#pragma once

#include <cstdlib>
#include <stdexcept>
#include <string>

namespace armperf::test_support {

// tests/fixtures/<name>; throws when the test was started outside ctest, so a missing fixture is
// never mistaken for a defect of the code under test.
inline std::string fixture(const std::string& name) {
  const char* root = std::getenv("ARMPERF_SOURCE_DIR");
  if (root == nullptr) throw std::runtime_error("ARMPERF_SOURCE_DIR is not set: run the tests through ctest");
  return std::string(root) + "/tests/fixtures/" + name;
}

}  // namespace armperf::test_support
