// Where the report tests find their fixture files: ctest sets ARMPERF_SOURCE_DIR (cmake/ArmperfHelpers.cmake).
#pragma once

#include <cstdlib>
#include <string>

namespace armperf::reports::testing {

inline std::string source_dir() {
  const char* dir = std::getenv("ARMPERF_SOURCE_DIR");
  return dir != nullptr ? dir : ".";
}

inline std::string fixture(const std::string& relative) {
  return source_dir() + "/tests/fixtures/reports/" + relative;
}

}  // namespace armperf::reports::testing
