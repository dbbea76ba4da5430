// Text for people: numbers with their unit at a readable scale, and every string taken from an input file
// escaped for the format it lands in (DESIGN §6: HTML, CSV per RFC 4180, Markdown).
#pragma once

#include <string>
#include <string_view>

namespace armperf::reports {

std::string html_escape(std::string_view s);
// One CSV field (RFC 4180): quoted when it holds a comma, quote, CR or LF; quotes doubled.
std::string csv_field(std::string_view s);
// One Markdown table cell: Markdown and inline-HTML syntax escaped, line breaks folded to spaces.
std::string md_cell(std::string_view s);

// A decimal scale for one unit: value / divisor, shown with label. Times are held in ns, rates in /s.
struct UnitScale {
  double divisor = 1.0;
  std::string label;
};
UnitScale unit_scale(double value, std::string_view unit);
std::string format_number(double value);                          // 3-4 significant digits, "—" for NaN
std::string format_scaled(double value, const UnitScale& scale);  // "1.234 us"
std::string format_quantity(double value, std::string_view unit);  // scale chosen from the value itself
std::string format_percent(double fraction, bool sign = false);    // 0.0523 -> "5.2%" ("+5.2%")

}  // namespace armperf::reports
