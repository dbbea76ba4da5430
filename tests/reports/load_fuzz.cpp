// libFuzzer target of the result loader (built by tests/reports/fuzz_load.sh with clang): any input must
// load or be refused with a LoadError naming the file, on one line.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "reports/load.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    armperf::reports::parse_run(text, "fuzz.json");
  } catch (const armperf::reports::LoadError& e) {
    const std::string_view message = e.what();
    if (message.rfind("fuzz.json", 0) != 0 || message.find('\n') != std::string_view::npos) std::abort();
  }
  return 0;
}
