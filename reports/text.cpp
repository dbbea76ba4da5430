#include "reports/text.hpp"

#include <fmt/format.h>

#include <array>
#include <cmath>

namespace armperf::reports {

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string md_cell(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      // Inside a table cell only inline syntax matters: block markers (#, +, -) never start its line.
      case '\\': case '`': case '*': case '_': case '[': case ']': case '|': case '~':
        out += '\\';
        out += c;
        break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '\r': case '\n': case '\t': out += ' '; break;
      default: out += c;
    }
  }
  return out;
}

namespace {

struct Step {
  double divisor;
  std::string_view label;
};

template <std::size_t N>
UnitScale pick(double value, const std::array<Step, N>& steps) {
  const double magnitude = std::fabs(value);
  std::size_t chosen = 0;
  for (std::size_t i = 0; i < N; ++i)
    if (magnitude >= steps[i].divisor) chosen = i;
  return {steps[chosen].divisor, std::string(steps[chosen].label)};
}

}  // namespace

UnitScale unit_scale(double value, std::string_view unit) {
  if (std::isnan(value)) value = 0.0;
  if (unit == "ns") {
    static constexpr std::array<Step, 4> steps = {{{1, "ns"}, {1e3, "us"}, {1e6, "ms"}, {1e9, "s"}}};
    return pick(value, steps);
  }
  if (unit == "B/s") {
    static constexpr std::array<Step, 5> steps = {{{1, "B/s"}, {1e3, "kB/s"}, {1e6, "MB/s"}, {1e9, "GB/s"}, {1e12, "TB/s"}}};
    return pick(value, steps);
  }
  if (unit == "items/s") {
    static constexpr std::array<Step, 4> steps = {
        {{1, "items/s"}, {1e3, "k items/s"}, {1e6, "M items/s"}, {1e9, "G items/s"}}};
    return pick(value, steps);
  }
  return {1.0, std::string(unit)};
}

std::string format_number(double value) {
  if (std::isnan(value)) return "—";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  const double magnitude = std::fabs(value);
  if (magnitude != 0.0 && (magnitude < 1e-3 || magnitude >= 1e7)) return fmt::format("{:.3e}", value);
  if (magnitude < 10) return fmt::format("{:.3f}", value);
  if (magnitude < 100) return fmt::format("{:.2f}", value);
  if (magnitude < 1000) return fmt::format("{:.1f}", value);
  return fmt::format("{:.0f}", value);
}

std::string format_scaled(double value, const UnitScale& scale) {
  const std::string number = format_number(value / scale.divisor);
  return scale.label.empty() || std::isnan(value) ? number : number + " " + scale.label;
}

std::string format_quantity(double value, std::string_view unit) {
  return format_scaled(value, unit_scale(value, unit));
}

std::string format_percent(double fraction, bool sign) {
  if (std::isnan(fraction)) return "—";
  return sign ? fmt::format("{:+.1f}%", fraction * 100.0) : fmt::format("{:.1f}%", fraction * 100.0);
}

}  // namespace armperf::reports
