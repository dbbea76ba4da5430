// Option parsing shared by the report subcommands (report, compare, history): bad values become InputError.
#pragma once

#include <fmt/format.h>

#include <charconv>
#include <cstdio>
#include <cmath>
#include <regex>
#include <string>

#include "reports/load.hpp"
#include "tools/cli.hpp"

namespace armperf::cli {

// "5%" or "5" -> 0.05.
inline double parse_percent(const std::string& text, const char* option) {
  std::string number = text;
  if (!number.empty() && number.back() == '%') number.pop_back();
  double value = 0.0;
  const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (ec != std::errc() || end != number.data() + number.size() || number.empty() || !std::isfinite(value) ||
      value < 0.0)
    throw InputError(fmt::format("{}: expected a percentage such as 5%, got \"{}\"", option, text));
  return value / 100.0;
}

inline std::regex compile_filter(const std::string& pattern) {
  try {
    return std::regex(pattern, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    throw InputError(fmt::format("--filter: not a regular expression: \"{}\" ({})", pattern, e.what()));
  }
}

// A file cut off by a killed run is used up to its last complete row, and the user is told.
inline reports::Run load_or_throw(const std::string& path) {
  try {
    reports::Run run = reports::load_run(path);
    if (run.recovered)
      fmt::print(stderr, "armperf: warning: {} was cut off; using its {} complete benchmarks\n", path,
                 run.benchmarks.size());
    return run;
  } catch (const reports::LoadError& e) {
    throw InputError(e.what());
  }
}

}  // namespace armperf::cli
