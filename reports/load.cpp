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
#include <stdexcept>
#include <unordered_map>

#include "core/result.hpp"

namespace armperf::reports {
namespace {

using nlohmann::json;

// Input strings echoed in a message (names, values) stay on one line and short.
std::string printable(std::string_view s, std::size_t max = 80) {
  std::string out(s.substr(0, max));
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  if (s.size() > max) out += "...";
  return out;
}

[[noreturn]] void field_error(const std::string& path, const std::string& field, const std::string& what) {
  throw LoadError(fmt::format("{}: field {}: {}", path, printable(field), what));
}

// FILE:LINE:COL of a byte offset (0-based) in text.
std::string position(const std::string& path, std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  const std::size_t line = 1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + offset, '\n'));
  const std::size_t line_start = offset == 0 ? std::string_view::npos : text.rfind('\n', offset - 1);
  const std::size_t column = line_start == std::string_view::npos ? offset + 1 : offset - line_start;
  return fmt::format("{}:{}:{}", path, line, column);
}

// Result files nest a few levels; hostile ones could nest a million and overflow the stack of every
// recursive walk over the document (dump, destruction). Refused before parsing, with the position.
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

// Parsing is core/result's: bare NaN/Infinity tokens, recovery of a cut-off file, FILE:LINE:COL errors.
ResultFile parse_file(std::string_view text, const std::string& path) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) throw LoadError(path + ": empty file");
  check_nesting(text, path);
  try {
    return parse_results(std::string(text), path);
  } catch (const json::out_of_range& e) {
    // A number beyond a double (1e999): nlohmann names the literal but not where it is.
    const std::string what = e.what();
    const auto open = what.find('\''), close = what.rfind('\'');
    const std::string literal = open < close ? what.substr(open + 1, close - open - 1) : std::string();
    const std::size_t at = literal.empty() ? std::string_view::npos : text.find(literal);
    throw LoadError(fmt::format("{}: number out of the range of a double: {}",
                                position(path, text, at == std::string_view::npos ? 0 : at), printable(literal)));
  } catch (const std::exception& e) {
    throw LoadError(printable(e.what(), 400));
  }
}

// ---- context -------------------------------------------------------------------------------------------

// Top-level keys only: a nested value (caches, governors per CPU count) reads best whole, as compact JSON.
std::map<std::string, std::string> context_strings(const json& context) {
  std::map<std::string, std::string> out;
  for (const auto& [key, value] : context.items())
    out[key] = value.is_string() ? value.get<std::string>()
                                 : value.dump(-1, ' ', false, json::error_handler_t::replace);
  return out;
}

// ---- rows ----------------------------------------------------------------------------------------------

constexpr std::array<std::string_view, 4> kAggregates = {"mean", "median", "stddev", "cv"};

struct KnownRate {
  std::string_view name, unit;
};
// gbench's rates, which core/result reads as counters.
constexpr std::array<KnownRate, 2> kGbenchRates = {{{row_key::bytes_per_second, "B/s"},
                                                    {row_key::items_per_second, "items/s"}}};

// User counters carry no unit in the file; their name is all there is to go by. Rates are the common case.
Better counter_direction(std::string_view name) {
  // ulp and eps: an accuracy row's errors (max_ulp, max_rel_eps).
  static constexpr std::array<std::string_view, 9> lower_hints = {"latency", "time", "_ns",  "cycles", "miss",
                                                                  "stall",   "error", "_ulp", "_eps"};
  for (std::string_view hint : lower_hints)
    if (name.find(hint) != std::string_view::npos) return Better::lower;
  return Better::higher;
}

// A counter named with an _ns suffix or infix (latency_ns, latency_ns_min) is a time in nanoseconds;
// gops, gops_median and peak_gops are integer operation rates.
std::string_view counter_unit(std::string_view name) {
  if (name == row_key::gops || name == row_key::gops_median || name == row_key::peak_gops) return "GOP/s";
  const std::size_t at = name.find("_ns");
  const bool ns = at != std::string_view::npos && (at + 3 == name.size() || name[at + 3] == '_');
  return ns ? "ns" : "";
}

double ns_per(const std::string& unit, const std::string& path, const std::string& where) {
  if (unit == "ns") return 1.0;
  if (unit == "us") return 1e3;
  if (unit == "ms") return 1e6;
  if (unit == "s") return 1e9;
  field_error(path, where + ".time_unit", fmt::format("expected ns, us, ms or s, got \"{}\"", printable(unit)));
}

// name ends in "_<suffix>", as gbench names its aggregate rows.
bool has_aggregate_suffix(std::string_view name, std::string_view suffix) {
  return name.size() > suffix.size() && name.substr(name.size() - suffix.size()) == suffix &&
         name[name.size() - suffix.size() - 1] == '_';
}

struct RowKind {
  bool aggregate = false;
  std::string aggregate_name;  // mean, median, stddev, cv; or BigO/RMS (complexity fits, not measurements)
  std::string base_name;
  std::int64_t repetition = 0;  // repetition_index of an iteration row
};

RowKind classify(const json& raw, const ResultRow& row) {
  RowKind kind;
  kind.aggregate = row.run_type == RunType::aggregate;
  kind.aggregate_name = row.aggregate_name;
  // Files before run_type (gbench < 1.4) mark aggregates only by the name's suffix.
  if (!raw.contains(row_key::run_type) || (kind.aggregate && kind.aggregate_name.empty())) {
    for (std::string_view suffix : {"mean", "median", "stddev", "cv", "BigO", "RMS"}) {
      if (has_aggregate_suffix(row.name, suffix)) {
        kind.aggregate = true;
        kind.aggregate_name = suffix;
      }
    }
  }
  kind.base_name = row.run_name;
  kind.repetition = row.repetition_index;
  if (kind.base_name.empty()) {
    kind.base_name = row.name;
    if (kind.aggregate && has_aggregate_suffix(row.name, kind.aggregate_name))
      kind.base_name.resize(row.name.size() - kind.aggregate_name.size() - 1);
  }
  return kind;
}

// armperf rows match across files by what was measured, not by the benchmark name's argument
// spelling; the variant (the name's first segment, e.g. f32_relu__avx2_u16) stays in the key
// because two variants of one op on one ISA are different kernels, not repetitions of one.
std::string key_of(const Benchmark& b) {
  // A probe's name spells every parameter it sweeps, some of which have no field of their own (the
  // page size of a latency point, the CPU pair of a c2c point): the name is the key.
  // An accuracy row is named by op and variant, and is no measurement of speed to match a kernel row.
  if (b.op.empty() || b.suite == row_value::probe || b.suite == row_value::accuracy) return b.name;
  const std::string_view variant = std::string_view(b.name).substr(0, b.name.find('/'));
  std::string key = variant == b.op ? "" : std::string(variant) + "/";
  key += fmt::format("{}/{}/{}/{}/{}/threads:{}", b.op, b.impl, b.isa, b.dtype, b.size, b.threads);
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
    m.sample_repetitions.push_back(kind.repetition);
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

int count_field(std::int64_t value, const std::string& path, const std::string& field) {
  if (value < 0 || value > 1'000'000'000) field_error(path, field, fmt::format("expected a count, got {}", value));
  return static_cast<int>(value);
}

class RunBuilder {
 public:
  explicit RunBuilder(Run& run) : run_(run) {}

  void add_row(const json& raw, std::size_t index) {
    const std::string& path = run_.path;
    const std::string where = fmt::format("benchmarks[{}]", index);
    ResultRow row;
    try {
      row = row_from_json(raw);
    } catch (const std::invalid_argument& e) {
      throw LoadError(fmt::format("{}: {}: {}", path, where, printable(e.what(), 200)));
    }
    if (!raw.contains(row_key::name)) field_error(path, where + ".name", "missing");
    const RowKind kind = classify(raw, row);
    if (kind.aggregate &&
        std::find(kAggregates.begin(), kAggregates.end(), kind.aggregate_name) == kAggregates.end())
      return;  // BigO/RMS complexity fits and unknown aggregates are not measurements of one size

    Benchmark probe;
    probe.name = kind.base_name;
    probe.suite = row.suite;
    probe.op = row.op;
    probe.impl = row.impl;
    probe.isa = row.isa;
    probe.dtype = row.dtype;
    probe.size = row.size.is_string() ? row.size.get<std::string>() : row.size.is_null() ? "" : row.size.dump();
    probe.placement = row.placement;
    probe.membind = row.membind;
    probe.threads = raw.contains(row_key::threads) ? count_field(row.threads, path, where + ".threads") : 0;
    probe.repetitions = count_field(row.repetitions, path, where + ".repetitions");
    probe.key = key_of(probe);
    probe.family = probe.op.empty() ? probe.name.substr(0, probe.name.find('/')) : probe.op;
    if (row.extra.is_object()) {
      for (const auto& [field, value] : row.extra.items()) {
        if (value.is_string()) probe.fields[field] = value.get<std::string>();
        if (value.is_boolean()) probe.fields[field] = value.get<bool>() ? "true" : "false";
      }
    }
    Benchmark& b = slot(std::move(probe));

    if (!row.error_message.empty()) {
      b.error = row.error_message;
      return;
    }
    // A cv aggregate is a ratio whatever time_unit says (gbench >= 1.6 marks it aggregate_unit "percentage").
    const double to_ns = kind.aggregate_name == "cv" ? 1.0 : ns_per(row.time_unit, path, where);
    if (raw.contains(row_key::real_time))
      record(metric_slot(b, row_key::real_time, "ns", Better::lower), kind, row.real_time * to_ns);
    if (raw.contains(row_key::cpu_time))
      record(metric_slot(b, row_key::cpu_time, "ns", Better::lower), kind, row.cpu_time * to_ns);
    if (row.gflops) record(metric_slot(b, row_key::gflops, "GFLOP/s", Better::higher), kind, *row.gflops);
    if (row.gbps) record(metric_slot(b, row_key::gbps, "GB/s", Better::higher), kind, *row.gbps);
    if (row.pct_of_peak) record(metric_slot(b, row_key::pct_of_peak, "%", Better::higher), kind, *row.pct_of_peak);
    for (const auto& counter : row.counters) {
      const std::string& name = counter.first;  // not a structured binding: clang < 16 cannot capture one
      const double value = counter.second;
      const auto rate = std::find_if(kGbenchRates.begin(), kGbenchRates.end(),
                                     [&](const KnownRate& r) { return r.name == name; });
      if (rate != kGbenchRates.end())
        record(metric_slot(b, name, rate->unit, Better::higher), kind, value);
      else
        record(metric_slot(b, name, counter_unit(name), counter_direction(name)), kind, value);
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

// The plan's `interleaved` flag of `armperf run` (absent in other files and in runs before rounds).
bool measured_in_rounds(const json& context) {
  const auto run = context.find(context_key::run);
  if (run == context.end() || !run->is_object()) return false;
  const auto plan = run->find(context_key::plan);
  if (plan == run->end() || !plan->is_object()) return false;
  const auto flag = plan->find(context_key::interleaved);
  return flag != plan->end() && flag->is_boolean() && flag->get<bool>();
}

}  // namespace

Run parse_run(std::string_view text, const std::string& path) {
  const ResultFile file = parse_file(text, path);
  if (file.recovered && file.benchmarks.empty())
    throw LoadError(path + ": cut off before its first complete benchmark row");
  Run run;
  run.path = path;
  run.recovered = file.recovered;
  run.context = context_strings(file.context);
  run.interleaved = measured_in_rounds(file.context);
  RunBuilder builder(run);
  for (std::size_t i = 0; i < file.benchmarks.size(); ++i) builder.add_row(file.benchmarks[i], i);
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
