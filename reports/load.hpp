// Loading result files (DESIGN §5): armperf results and Google Benchmark JSON of any version since 2016 —
// rows without run_type (aggregates recognised by their _mean/_median/_stddev/_cv suffix), per-repetition
// and aggregate rows, time_unit ns/us/ms/s, user counters, missing context.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include "reports/model.hpp"

namespace armperf::reports {

// Bad input, with one line naming the file: "FILE:LINE:COL: what was expected" for malformed JSON,
// "FILE: field X: what was expected" for well-formed JSON that is not a result file.
struct LoadError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Result files are megabytes; anything this large is not one, and is refused before it is read.
inline constexpr std::size_t kMaxResultFileBytes = std::size_t{64} << 20;

Run load_run(const std::string& path);
Run parse_run(std::string_view text, const std::string& path);

}  // namespace armperf::reports
