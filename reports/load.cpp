#include "reports/load.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unordered_map>

namespace armperf::reports {
namespace {

using nlohmann::json;

// Input strings echoed in a message (field names, values) stay on one line and short.
std::string printable(std::string_view s) {
  constexpr std::size_t kMax = 80;
  std::string out(s.substr(0, kMax));
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  if (s.size() > kMax) out += "...";
  return out;
}

[[noreturn]] void field_error(const std::string& path, const std::string& field, const std::string& what) {
  throw LoadError(fmt::format("{}: field {}: {}", path, printable(field), what));
}

// FILE:LINE:COL of a byte offset (0-based) in text.
std::string position(const std::string& path, std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  const std::size_t line = 1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + offset, '\n'));
  const std::size_t line_start = text.rfind('\n', offset == 0 ? 0 : offset - 1);
  const std::size_t column = line_start == std::string_view::npos || line_start >= offset ? offset + 1
                                                                                           : offset - line_start;
  return fmt::format("{}:{}:{}", path, line, column);
}

// nlohmann's parse_error text is "[json.exception...] parse error at line L, column C: <what>; last read: '<bytes>'".
// Keep <what> only: the position is ours, and the bytes read may be binary garbage.
std::string parse_error_reason(const json::parse_error& e) {
  std::string what = e.what();
  if (const auto colon = what.find(": "); colon != std::string::npos) what = what.substr(colon + 2);
  if (const auto last = what.find("; last read"); last != std::string::npos) what.erase(last);
  for (char& c : what)
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) c = '?';
  return what;
}

// Result files nest a few levels; hostile ones could nest a million and overflow the stack of every
// recursive walk over the document (destruction, dump). Refused before parsing, with the position.
constexpr int kMaxNesting = 64;

void check_nesting(std::string_view text, const std::string& path) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxNesting)
        throw LoadError(fmt::format("{}: nesting deeper than {} levels", position(path, text, i), kMaxNesting));
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
}

json parse_json(std::string_view text, const std::string& path) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) throw LoadError(path + ": empty file");
  check_nesting(text, path);
  try {
    return json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    const std::size_t offset = e.byte == 0 ? 0 : e.byte - 1;
    throw LoadError(fmt::format("{}: {}", position(path, text, offset), parse_error_reason(e)));
  } catch (const json::out_of_range& e) {
    // A number beyond a double (1e999): nlohmann names the literal but not where it is.
    const std::string what = e.what();
    const auto open = what.find('\''), close = what.rfind('\'');
    const std::string literal = open < close ? what.substr(open + 1, close - open - 1) : std::string();
    const std::size_t at = literal.empty() ? 0 : text.find(literal);
    throw LoadError(fmt::format("{}: number out of range of a double: {}",
                                position(path, text, at == std::string_view::npos ? 0 : at), literal));
  }
}

std::string json_type(const json& v) { return v.type_name(); }

// ---- context -------------------------------------------------------------------------------------------

void flatten(const json& value, const std::string& prefix, std::map<std::string, std::string>& out) {
  if (value.is_object()) {
    for (const auto& [k, v] : value.items()) flatten(v, prefix.empty() ? k : prefix + "." + k, out);
  } else if (value.is_string()) {
    out[prefix] = value.get<std::string>();
  } else {
    out[prefix] = value.dump(-1, ' ', false, json::error_handler_t::replace);
  }
}

// ---- rows ----------------------------------------------------------------------------------------------

constexpr std::array<std::string_view, 4> kAggregateSuffixes = {"mean", "median", "stddev", "cv"};

// Row fields that are not measurements; every other numeric field is a user counter.
bool is_descriptive_field(std::string_view key) {
  static constexpr std::array<std::string_view, 24> fields = {
      "name",  "run_name",  "run_type",  "repetitions", "repetition_index", "threads",   "iterations",
      "family_index", "per_family_instance_index", "aggregate_name", "aggregate_unit", "time_unit", "label",
      "error_occurred", "error_message", "suite", "op", "impl", "isa", "dtype", "size", "placement", "membind",
      "big_o"};
  return std::find(fields.begin(), fields.end(), key) != fields.end();
}

struct KnownMetric {
  std::string_view name, unit;
  Better better;
};
constexpr std::array<KnownMetric, 7> kKnownMetrics = {{{"real_time", "ns", Better::lower},
                                                      {"cpu_time", "ns", Better::lower},
                                                      {"gflops", "GFLOP/s", Better::higher},
                                                      {"gbps", "GB/s", Better::higher},
                                                      {"bytes_per_second", "B/s", Better::higher},
                                                      {"items_per_second", "items/s", Better::higher},
                                                      {"pct_of_peak", "%", Better::higher}}};

// User counters carry no unit in the file; their name is all there is to go by. Rates are the common case.
Better counter_direction(std::string_view name) {
  static constexpr std::array<std::string_view, 7> lower_hints = {"latency", "time", "_ns", "cycles",
                                                                  "miss",    "stall", "error"};
  for (std::string_view hint : lower_hints)
    if (name.find(hint) != std::string_view::npos) return Better::lower;
  return Better::higher;
}

double time_scale_to_ns(const json& row, const std::string& path, const std::string& where) {
  const auto it = row.find("time_unit");
  if (it == row.end()) return 1.0;  // gbench before 2016 wrote no unit: nanoseconds
  if (!it->is_string()) field_error(path, where + ".time_unit", "expected a string (ns, us, ms or s), got " + json_type(*it));
  const std::string unit = it->get<std::string>();
  if (unit == "ns") return 1.0;
  if (unit == "us") return 1e3;
  if (unit == "ms") return 1e6;
  if (unit == "s") return 1e9;
  field_error(path, where + ".time_unit", fmt::format("expected ns, us, ms or s, got \"{}\"", printable(unit)));
}

std::string string_field(const json& row, std::string_view key, const std::string& path, const std::string& where) {
  const auto it = row.find(key);
  if (it == row.end() || it->is_null()) return {};
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number()) return it->dump();
  field_error(path, where + "." + std::string(key), "expected a string, got " + json_type(*it));
}

int int_field(const json& row, std::string_view key, const std::string& path, const std::string& where) {
  const auto it = row.find(key);
  if (it == row.end() || it->is_null()) return 0;
  if (!it->is_number()) field_error(path, where + "." + std::string(key), "expected a number, got " + json_type(*it));
  const double v = it->get<double>();
  if (!(v >= 0 && v <= 1e9)) field_error(path, where + "." + std::string(key), "expected a count, got " + printable(it->dump()));
  return static_cast<int>(v);
}

struct RowKind {
  bool aggregate = false;
  std::string aggregate_name;  // mean, median, stddev, cv; or BigO/RMS (complexity rows, not measurements)
  std::string base_name;
};

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

RowKind classify(const json& row, const std::string& name, const std::string& path, const std::string& where) {
  RowKind kind;
  const std::string run_type = string_field(row, "run_type", path, where);
  const std::string run_name = string_field(row, "run_name", path, where);
  kind.aggregate_name = string_field(row, "aggregate_name", path, where);
  if (!run_type.empty()) {
    if (run_type != "iteration" && run_type != "aggregate")
      field_error(path, where + ".run_type", fmt::format("expected \"iteration\" or \"aggregate\", got \"{}\"", printable(run_type)));
    kind.aggregate = run_type == "aggregate";
  }
  // Files before run_type (gbench < 1.4) mark aggregates only by the name's suffix.
  if (run_type.empty() || (kind.aggregate && kind.aggregate_name.empty())) {
    for (std::string_view suffix : {"mean", "median", "stddev", "cv", "BigO", "RMS"}) {
      if (ends_with(name, "_" + std::string(suffix))) {
        kind.aggregate = true;
        kind.aggregate_name = suffix;
      }
    }
  }
  kind.base_name = run_name;
  if (kind.base_name.empty()) {
    kind.base_name = name;
    if (kind.aggregate && ends_with(name, "_" + kind.aggregate_name))
      kind.base_name.resize(name.size() - kind.aggregate_name.size() - 1);
  }
  return kind;
}

std::string family_of(const Benchmark& b) {
  if (!b.op.empty()) return b.op;
  return b.name.substr(0, b.name.find('/'));
}

std::string key_of(const Benchmark& b) {
  if (b.op.empty()) return b.name;
  std::string key = fmt::format("{}/{}/{}/{}/{}/threads:{}", b.op, b.impl, b.isa, b.dtype, b.size, b.threads);
  if (!b.placement.empty()) key += "/" + b.placement;
  if (!b.membind.empty()) key += "/" + b.membind;
  return key;
}

Metric& metric_slot(Benchmark& b, std::string_view name, std::string_view unit, Better better) {
  for (Metric& m : b.metrics)
    if (m.name == name) return m;
  Metric m;
  m.name = name;
  m.unit = unit;
  m.better = better;
  b.metrics.push_back(std::move(m));
  return b.metrics.back();
}

void record(Metric& m, const RowKind& kind, double value) {
  if (!std::isfinite(value)) return;  // NaN/Infinity rows carry no measurement
  if (!kind.aggregate) {
    m.samples.push_back(value);
  } else if (kind.aggregate_name == "mean") {
    m.reported_mean = value;
  } else if (kind.aggregate_name == "median") {
    m.reported_median = value;
  } else if (kind.aggregate_name == "stddev") {
    m.reported_stddev = value;
  } else if (kind.aggregate_name == "cv") {
    m.reported_cv = value;
  }
}

class RunBuilder {
 public:
  RunBuilder(Run& run) : run_(run) {}

  void add_row(const json& row, std::size_t index) {
    const std::string& path = run_.path;
    const std::string where = fmt::format("benchmarks[{}]", index);
    if (!row.is_object()) field_error(path, where, "expected an object, got " + json_type(row));
    const auto name_it = row.find("name");
    if (name_it == row.end()) field_error(path, where + ".name", "missing");
    if (!name_it->is_string()) field_error(path, where + ".name", "expected a string, got " + json_type(*name_it));
    const std::string name = name_it->get<std::string>();
    const RowKind kind = classify(row, name, path, where);
    if (kind.aggregate && std::find(kAggregateSuffixes.begin(), kAggregateSuffixes.end(), kind.aggregate_name) ==
                              kAggregateSuffixes.end())
      return;  // BigO/RMS complexity fits and unknown aggregates are not measurements of one size

    Benchmark probe;
    probe.name = kind.base_name;
    probe.suite = string_field(row, "suite", path, where);
    probe.op = string_field(row, "op", path, where);
    probe.impl = string_field(row, "impl", path, where);
    probe.isa = string_field(row, "isa", path, where);
    probe.dtype = string_field(row, "dtype", path, where);
    probe.size = string_field(row, "size", path, where);
    probe.placement = string_field(row, "placement", path, where);
    probe.membind = string_field(row, "membind", path, where);
    probe.threads = int_field(row, "threads", path, where);
    probe.repetitions = int_field(row, "repetitions", path, where);
    probe.key = key_of(probe);
    probe.family = family_of(probe);
    Benchmark& b = slot(std::move(probe));

    if (const auto err = row.find("error_occurred"); err != row.end() && err->is_boolean() && err->get<bool>()) {
      b.error = string_field(row, "error_message", path, where);
      if (b.error.empty()) b.error = "error";
      return;
    }
    const double to_ns = time_scale_to_ns(row, path, where);
    // A cv aggregate is a ratio whatever the time_unit says (gbench >= 1.6 marks it aggregate_unit "percentage").
    const bool ratio_row = kind.aggregate && kind.aggregate_name == "cv";
    for (const auto& [key, value] : row.items()) {
      if (is_descriptive_field(key)) continue;
      if (!value.is_number()) {
        if (value.is_null()) continue;  // a strict writer's stand-in for NaN
        field_error(path, where + "." + key, "expected a number, got " + json_type(value));
      }
      const auto known = std::find_if(kKnownMetrics.begin(), kKnownMetrics.end(),
                                      [&](const KnownMetric& k) { return k.name == key; });
      double v = value.get<double>();
      if (known != kKnownMetrics.end()) {
        if (known->unit == "ns" && !ratio_row) v *= to_ns;
        record(metric_slot(b, known->name, known->unit, known->better), kind, v);
      } else {
        record(metric_slot(b, key, "", counter_direction(key)), kind, v);
      }
    }
  }

 private:
  Benchmark& slot(Benchmark&& probe) {
    const auto it = index_.find(probe.key);
    if (it != index_.end()) return run_.benchmarks[it->second];
    index_.emplace(probe.key, run_.benchmarks.size());
    run_.benchmarks.push_back(std::move(probe));
    return run_.benchmarks.back();
  }

  Run& run_;
  std::unordered_map<std::string, std::size_t> index_;
};

}  // namespace

Run parse_run(std::string_view text, const std::string& path) {
  const json doc = parse_json(text, path);
  if (!doc.is_object()) field_error(path, "(top level)", "expected an object with \"benchmarks\", got " + json_type(doc));
  Run run;
  run.path = path;
  if (const auto ctx = doc.find("context"); ctx != doc.end() && !ctx->is_null()) {
    if (!ctx->is_object()) field_error(path, "context", "expected an object, got " + json_type(*ctx));
    flatten(*ctx, "", run.context);
  }
  const auto rows = doc.find("benchmarks");
  if (rows == doc.end()) field_error(path, "benchmarks", "missing (not a Google Benchmark or armperf result file)");
  if (!rows->is_array()) field_error(path, "benchmarks", "expected an array, got " + json_type(*rows));
  RunBuilder builder(run);
  for (std::size_t i = 0; i < rows->size(); ++i) builder.add_row((*rows)[i], i);
  return run;
}

Run load_run(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (ec || !fs::exists(status)) throw LoadError(path + ": no such file");
  if (fs::is_directory(status)) throw LoadError(path + ": is a directory, expected a result file");
  if (fs::is_regular_file(status)) {
    const auto size = fs::file_size(path, ec);
    if (!ec && size > kMaxResultFileBytes)
      throw LoadError(fmt::format("{}: {} bytes, larger than any result file ({} MiB at most)", path, size,
                                  kMaxResultFileBytes >> 20));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw LoadError(fmt::format("{}: cannot open: {}", path, std::strerror(errno)));
  std::string text;
  std::array<char, 1 << 16> buffer{};
  while (in.read(buffer.data(), buffer.size()) || in.gcount() > 0) {
    text.append(buffer.data(), static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxResultFileBytes)
      throw LoadError(fmt::format("{}: larger than any result file ({} MiB at most)", path, kMaxResultFileBytes >> 20));
  }
  return parse_run(text, path);
}

}  // namespace armperf::reports
