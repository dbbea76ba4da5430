#include "core/result.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <utility>

#include <fmt/format.h>

#ifndef ARMPERF_VERSION
#define ARMPERF_VERSION "unknown"
#endif

namespace armperf {

namespace {

using json = nlohmann::json;

constexpr std::array<const char*, 25> kRowKeys = {
    row_key::name,
    row_key::run_name,
    row_key::run_type,
    row_key::repetitions,
    row_key::repetition_index,
    row_key::threads,
    row_key::iterations,
    row_key::real_time,
    row_key::cpu_time,
    row_key::time_unit,
    row_key::aggregate_name,
    row_key::label,
    row_key::error_occurred,
    row_key::error_message,
    row_key::suite,
    row_key::op,
    row_key::impl,
    row_key::isa,
    row_key::dtype,
    row_key::placement,
    row_key::membind,
    row_key::size,
    row_key::gflops,
    row_key::gbps,
    row_key::pct_of_peak,
};
// Numbers gbench writes for its own bookkeeping: kept in ResultRow::extra, never counters.
constexpr std::array<std::string_view, 2> kGbenchBookkeeping = {"family_index", "per_family_instance_index"};

bool is_row_key(std::string_view key) {
  return std::find(kRowKeys.begin(), kRowKeys.end(), key) != kRowKeys.end();
}

bool is_bookkeeping(std::string_view key) {
  return std::find(kGbenchBookkeeping.begin(), kGbenchBookkeeping.end(), key) != kGbenchBookkeeping.end();
}

constexpr std::array<std::string_view, 4> kTimeUnits = {"ns", "us", "ms", "s"};

// The bare tokens gbench may write for non-finite doubles, and their values.
struct NonFinite {
  std::string_view token;
  double value;
};
constexpr std::array<NonFinite, 4> kNonFinite = {{
    {"-Infinity", -std::numeric_limits<double>::infinity()},
    {"Infinity", std::numeric_limits<double>::infinity()},
    {"-NaN", std::numeric_limits<double>::quiet_NaN()},
    {"NaN", std::numeric_limits<double>::quiet_NaN()},
}};

std::string describe_row(const std::string& name) {
  return name.empty() ? std::string("result row") : fmt::format("result row '{}'", name);
}

[[noreturn]] void row_error(const std::string& row_name, std::string_view message) {
  throw std::invalid_argument(fmt::format("{}: {}", describe_row(row_name), message));
}

// ----- writing a row ---------------------------------------------------------------------------

// One serialisation for both the public json (sorted keys) and the file (gbench's field order).
template <class Json>
Json row_as(const ResultRow& row) {
  Json j = Json::object();
  j[row_key::name] = row.name;
  j[row_key::run_name] = row.run_name.empty() ? row.name : row.run_name;
  const bool aggregate = row.run_type == RunType::aggregate;
  j[row_key::run_type] = aggregate ? row_value::aggregate : row_value::iteration;
  j[row_key::repetitions] = row.repetitions;
  if (!aggregate) j[row_key::repetition_index] = row.repetition_index;
  j[row_key::threads] = row.threads;
  if (aggregate) j[row_key::aggregate_name] = row.aggregate_name;
  if (!row.label.empty()) j[row_key::label] = row.label;
  if (!row.error_message.empty()) {
    j[row_key::error_occurred] = true;
    j[row_key::error_message] = row.error_message;
  }
  j[row_key::iterations] = row.iterations;
  j[row_key::real_time] = row.real_time;
  j[row_key::cpu_time] = row.cpu_time;
  j[row_key::time_unit] = row.time_unit;
  j[row_key::suite] = row.suite;
  j[row_key::op] = row.op;
  j[row_key::impl] = row.impl;
  j[row_key::isa] = row.isa;
  const auto optional_string = [&](const char* key, const std::string& value) {
    if (!value.empty()) j[key] = value;
  };
  optional_string(row_key::dtype, row.dtype);
  optional_string(row_key::placement, row.placement);
  optional_string(row_key::membind, row.membind);
  if (!row.size.is_null()) j[row_key::size] = Json(row.size);
  const auto optional_number = [&](const char* key, const std::optional<double>& value) {
    if (value) j[key] = *value;
  };
  optional_number(row_key::gflops, row.gflops);
  optional_number(row_key::gbps, row.gbps);
  optional_number(row_key::pct_of_peak, row.pct_of_peak);
  for (const auto& [key, value] : row.counters) j[key] = value;
  if (row.extra.is_object()) {
    for (const auto& [key, value] : row.extra.items()) j[key] = Json(value);
  }
  return j;
}

// ----- reading a row ---------------------------------------------------------------------------

std::optional<double> nonfinite_value(const json& value) {
  if (!value.is_string()) return std::nullopt;
  const auto& text = value.get_ref<const std::string&>();
  for (const auto& entry : kNonFinite) {
    if (text == entry.token) return entry.value;
  }
  return std::nullopt;
}

bool is_number_like(const json& value) { return value.is_number() || nonfinite_value(value).has_value(); }

class RowReader {
 public:
  explicit RowReader(const json& row) : row_(row) {
    if (!row.is_object()) throw std::invalid_argument("result row: expected a JSON object");
    const auto name = row.find(row_key::name);
    if (name != row.end() && name->is_string()) name_ = name->get<std::string>();
  }

  const json* find(const char* key) const {
    const auto it = row_.find(key);
    return it == row_.end() ? nullptr : &*it;
  }

  void string(const char* key, std::string& out) const {
    if (const json* value = find(key)) {
      if (!value->is_string()) fail(key, "a string");
      out = value->get<std::string>();
    }
  }

  void integer(const char* key, std::int64_t& out) const {
    if (const json* value = find(key)) {
      if (value->is_number_integer()) {
        if (value->is_number_unsigned() &&
            value->get<std::uint64_t>() > std::uint64_t(std::numeric_limits<std::int64_t>::max())) {
          fail(key, "an integer below 2^63");
        }
        out = value->get<std::int64_t>();
      } else if (const double x = value->is_number_float() ? value->get<double>() : 0.5;
                 std::nearbyint(x) == x && std::abs(x) < 9e18) {
        out = static_cast<std::int64_t>(x);  // an integral float, as some tools write counts
      } else {
        fail(key, "an integer");
      }
    }
  }

  void number(const char* key, double& out) const {
    if (const json* value = find(key)) out = as_number(key, *value);
  }

  void number(const char* key, std::optional<double>& out) const {
    if (const json* value = find(key)) out = as_number(key, *value);
  }

  double as_number(const char* key, const json& value) const {
    if (value.is_number()) return value.get<double>();
    if (auto special = nonfinite_value(value)) return *special;
    fail(key, "a number");
  }

  [[noreturn]] void fail(std::string_view key, std::string_view expected) const {
    row_error(name_, fmt::format("field '{}': expected {}", key, expected));
  }

 private:
  const json& row_;
  std::string name_;
};

// ----- files -----------------------------------------------------------------------------------

[[noreturn]] void io_error(const std::string& path, std::string_view what, int error) {
  throw std::runtime_error(fmt::format("{}: {}: {}", path, what, std::strerror(error)));
}

void write_all_at(int fd, std::string_view data, std::uint64_t offset) {
  while (!data.empty()) {
    const ssize_t written = ::pwrite(fd, data.data(), data.size(), static_cast<off_t>(offset));
    if (written < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::generic_category());
    }
    data.remove_prefix(static_cast<std::size_t>(written));
    offset += static_cast<std::uint64_t>(written);
  }
}

// The file always ends with this; append() overwrites it with ",\n    {row}" + kTail.
constexpr std::string_view kTail = "\n  ]\n}\n";

std::string dump_compact(const nlohmann::ordered_json& j) {
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

// Nested one level: every line after the first moves right by two spaces. Raw newlines only
// occur between values (json::dump escapes them inside strings).
std::string indented_context(const json& context) {
  const std::string text = context.dump(2, ' ', false, json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    out += c;
    if (c == '\n') out += "  ";
  }
  return out;
}

void sync_directory_of(const std::string& path) {
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (parent.empty()) parent = ".";
  const int dir = ::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return;  // the rename is done; durability of the name is best effort
  ::fsync(dir);
  ::close(dir);
}

// ----- parsing ---------------------------------------------------------------------------------

// The text with bare NaN/Infinity tokens quoted, and where the inserted quotes are, so positions
// in it map back to the file.
struct Sanitized {
  std::string text;
  std::vector<std::size_t> inserted;  // offsets in text of the quote characters we added
  // Where the input ends in the beginning of a token ("-Infin"), which the JSON lexer reports at
  // that token, not at the end of the input.
  std::size_t partial_token = std::string::npos;
  std::size_t original_offset(std::size_t offset) const {
    const auto before = std::lower_bound(inserted.begin(), inserted.end(), offset) - inserted.begin();
    return offset - static_cast<std::size_t>(before);
  }
  std::size_t tokens_before(std::size_t offset) const {
    return static_cast<std::size_t>(std::lower_bound(inserted.begin(), inserted.end(), offset) -
                                    inserted.begin()) /
           2;
  }
};

bool is_word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '+' || c == '-';
}

Sanitized quote_nonfinite_tokens(std::string_view in) {
  Sanitized out;
  out.text.reserve(in.size());
  bool in_string = false;
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (in_string) {
      out.text += c;
      if (c == '\\' && i + 1 < in.size()) {
        out.text += in[++i];
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
      out.text += c;
      continue;
    }
    const bool starts_word = i == 0 || !is_word_char(in[i - 1]);
    const NonFinite* match = nullptr;
    if (starts_word && (c == 'N' || c == 'I' || c == '-')) {
      for (const auto& entry : kNonFinite) {
        const auto end = i + entry.token.size();
        if (in.substr(i, entry.token.size()) == entry.token && (end == in.size() || !is_word_char(in[end]))) {
          match = &entry;
          break;
        }
      }
    }
    if (match == nullptr) {
      if (starts_word && std::any_of(kNonFinite.begin(), kNonFinite.end(), [&](const NonFinite& entry) {
            return entry.token.starts_with(in.substr(i));
          })) {
        out.partial_token = out.text.size();
      }
      out.text += c;
      continue;
    }
    out.inserted.push_back(out.text.size());
    out.text += '"';
    out.text += match->token;
    out.inserted.push_back(out.text.size());
    out.text += '"';
    i += match->token.size() - 1;
  }
  return out;
}

// Where a cut-off benchmarks array can be closed: just after its '[' (no rows), and after each
// row's closing '}'. Empty if the text never reaches the benchmarks array.
std::vector<std::size_t> row_boundaries(std::string_view text) {
  std::vector<std::size_t> boundaries;
  int depth = 0;
  int array_depth = -1;  // depth inside the benchmarks array, once found
  bool in_string = false;
  std::size_t string_start = 0;
  std::string_view last_string;  // the last string that ended in the top-level object
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
        if (depth == 1) last_string = text.substr(string_start, i - string_start);
      }
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        string_start = i + 1;
        break;
      case '{':
      case '[':
        ++depth;
        if (c == '[' && depth == 2 && array_depth < 0 && last_string == result_key::benchmarks) {
          array_depth = depth;
          boundaries.push_back(i + 1);
        }
        break;
      case '}':
      case ']':
        --depth;
        if (array_depth > 0 && depth == array_depth && c == '}') boundaries.push_back(i + 1);
        if (array_depth > 0 && depth < array_depth) return boundaries;  // the array is closed
        break;
      default:
        break;
    }
  }
  return boundaries;
}

struct LineColumn {
  std::size_t line;
  std::size_t column;
};

LineColumn line_column(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  const std::string_view before = text.substr(0, offset);
  const std::size_t line = 1 + static_cast<std::size_t>(std::count(before.begin(), before.end(), '\n'));
  const std::size_t newline = before.rfind('\n');
  const std::size_t column = newline == std::string_view::npos ? offset + 1 : offset - newline;
  return {line, column};
}

// nlohmann's message without its own "[json.exception...] parse error at line L, column C: ",
// whose position refers to the text with quoted tokens.
std::string parse_error_detail(const json::parse_error& error) {
  const std::string_view what = error.what();
  const std::size_t column = what.find(", column ");
  if (column != std::string_view::npos) {
    const std::size_t colon = what.find(": ", column);
    if (colon != std::string_view::npos) return std::string(what.substr(colon + 2));
  }
  return std::string(what);
}

[[noreturn]] void syntax_error(const std::string& path, std::string_view original, const Sanitized& text,
                               const json::parse_error& error) {
  // byte is 1-based and points at the last character read (size + 1 at the end of the input).
  const std::size_t offset = text.original_offset(error.byte == 0 ? 0 : error.byte - 1);
  const LineColumn at = line_column(original, offset);
  throw std::runtime_error(fmt::format("{}:{}:{}: {}", path, at.line, at.column, parse_error_detail(error)));
}

ResultFile to_result_file(json document, const std::string& path) {
  if (!document.is_object()) {
    throw std::runtime_error(fmt::format("{}: expected a JSON object with \"{}\" and \"{}\"", path,
                                         result_key::context, result_key::benchmarks));
  }
  ResultFile file;
  file.path = path;
  file.context = json::object();
  if (const auto context = document.find(result_key::context); context != document.end()) {
    if (!context->is_object()) {
      throw std::runtime_error(fmt::format("{}: \"{}\": expected an object", path, result_key::context));
    }
    file.context = std::move(*context);
  }
  const auto benchmarks = document.find(result_key::benchmarks);
  if (benchmarks == document.end() || !benchmarks->is_array()) {
    throw std::runtime_error(fmt::format("{}: \"{}\": expected an array", path, result_key::benchmarks));
  }
  file.benchmarks.reserve(benchmarks->size());
  for (std::size_t i = 0; i < benchmarks->size(); ++i) {
    if (!(*benchmarks)[i].is_object()) {
      throw std::runtime_error(
          fmt::format("{}: \"{}\"[{}]: expected an object", path, result_key::benchmarks, i));
    }
    file.benchmarks.push_back(std::move((*benchmarks)[i]));
  }
  return file;
}

std::atomic<int> g_interrupt_signal{0};
static_assert(std::atomic<int>::is_always_lock_free, "the signal handler needs a lock-free flag");

void on_interrupt(int signal_number) { g_interrupt_signal.store(signal_number, std::memory_order_relaxed); }

}  // namespace

std::span<const char* const> row_keys() { return kRowKeys; }

void validate_row(const ResultRow& row) {
  const std::pair<const char*, const std::string*> required[] = {{row_key::name, &row.name},
                                                                 {row_key::suite, &row.suite},
                                                                 {row_key::op, &row.op},
                                                                 {row_key::impl, &row.impl},
                                                                 {row_key::isa, &row.isa}};
  for (const auto& [key, value] : required) {
    if (value->empty()) row_error(row.name, fmt::format("missing required field '{}'", key));
  }
  if (row.suite != row_value::kernel && row.suite != row_value::probe && row.suite != row_value::accuracy) {
    row_error(row.name, fmt::format("field '{}' is '{}', expected '{}', '{}' or '{}'", row_key::suite, row.suite,
                                    row_value::kernel, row_value::probe, row_value::accuracy));
  }
  if (std::find(kTimeUnits.begin(), kTimeUnits.end(), row.time_unit) == kTimeUnits.end()) {
    row_error(row.name,
              fmt::format("field '{}' is '{}', expected ns, us, ms or s", row_key::time_unit, row.time_unit));
  }
  if (row.run_type == RunType::aggregate && row.aggregate_name.empty()) {
    row_error(row.name, fmt::format("missing field '{}' of an aggregate row", row_key::aggregate_name));
  }
  if (row.repetitions < 1) row_error(row.name, fmt::format("field '{}' must be >= 1", row_key::repetitions));
  if (row.threads < 1) row_error(row.name, fmt::format("field '{}' must be >= 1", row_key::threads));
  if (row.iterations < 0) row_error(row.name, fmt::format("field '{}' must be >= 0", row_key::iterations));
  const auto finite = [&](std::string_view key, double value) {
    if (!std::isfinite(value)) row_error(row.name, fmt::format("field '{}' is not finite ({})", key, value));
  };
  finite(row_key::real_time, row.real_time);
  finite(row_key::cpu_time, row.cpu_time);
  if (row.gflops) finite(row_key::gflops, *row.gflops);
  if (row.gbps) finite(row_key::gbps, *row.gbps);
  if (row.pct_of_peak) finite(row_key::pct_of_peak, *row.pct_of_peak);
  for (const auto& [key, value] : row.counters) {
    if (key.empty() || is_row_key(key) || is_bookkeeping(key)) {
      row_error(row.name, fmt::format("counter name '{}' is empty or a row field", key));
    }
    finite(key, value);
  }
  if (!(row.size.is_null() || row.size.is_number_unsigned() || row.size.is_string() ||
        (row.size.is_number_integer() && row.size.get<std::int64_t>() >= 0))) {
    row_error(row.name, fmt::format("field '{}' must be a byte count or a shape string", row_key::size));
  }
  if (!row.extra.is_null() && !row.extra.is_object()) {
    row_error(row.name, "extra fields must be a JSON object");
  }
  if (row.extra.is_object()) {
    for (const auto& [key, value] : row.extra.items()) {
      if (is_row_key(key) || row.counters.count(key) != 0) {
        row_error(row.name, fmt::format("extra field '{}' repeats a row field or counter", key));
      }
    }
  }
}

json row_to_json(const ResultRow& row) { return row_as<json>(row); }

ResultRow row_from_json(const json& j) {
  const RowReader reader(j);
  ResultRow row;
  reader.string(row_key::name, row.name);
  reader.string(row_key::run_name, row.run_name);
  if (const json* run_type = reader.find(row_key::run_type)) {
    if (*run_type == row_value::iteration) {
      row.run_type = RunType::iteration;
    } else if (*run_type == row_value::aggregate) {
      row.run_type = RunType::aggregate;
    } else {
      reader.fail(row_key::run_type, "\"iteration\" or \"aggregate\"");
    }
  }
  reader.integer(row_key::repetitions, row.repetitions);
  reader.integer(row_key::repetition_index, row.repetition_index);
  reader.integer(row_key::threads, row.threads);
  reader.integer(row_key::iterations, row.iterations);
  reader.number(row_key::real_time, row.real_time);
  reader.number(row_key::cpu_time, row.cpu_time);
  reader.string(row_key::time_unit, row.time_unit);
  reader.string(row_key::aggregate_name, row.aggregate_name);
  reader.string(row_key::label, row.label);
  reader.string(row_key::error_message, row.error_message);
  if (const json* failed = reader.find(row_key::error_occurred)) {
    if (!failed->is_boolean()) reader.fail(row_key::error_occurred, "true or false");
    if (failed->get<bool>() && row.error_message.empty()) row.error_message = "error_occurred";
  }
  reader.string(row_key::suite, row.suite);
  reader.string(row_key::op, row.op);
  reader.string(row_key::impl, row.impl);
  reader.string(row_key::isa, row.isa);
  reader.string(row_key::dtype, row.dtype);
  reader.string(row_key::placement, row.placement);
  reader.string(row_key::membind, row.membind);
  if (const json* size = reader.find(row_key::size)) {
    if (!(size->is_number_integer() || size->is_string()))
      reader.fail(row_key::size, "a byte count or a shape");
    row.size = *size;
  }
  reader.number(row_key::gflops, row.gflops);
  reader.number(row_key::gbps, row.gbps);
  reader.number(row_key::pct_of_peak, row.pct_of_peak);
  for (const auto& [key, value] : j.items()) {
    if (is_row_key(key)) continue;
    if (is_number_like(value) && !is_bookkeeping(key)) {
      row.counters[key] = reader.as_number(key.c_str(), value);
    } else {
      if (row.extra.is_null()) row.extra = json::object();
      row.extra[key] = value;
    }
  }
  return row;
}

ResultWriter::ResultWriter(std::string path, json context, SyncPolicy sync)
    : path_(std::move(path)), sync_(sync) {
  if (!context.is_object()) {
    throw std::invalid_argument(fmt::format("{}: the result context must be a JSON object", path_));
  }
  context[context_key::armperf_schema] = kResultSchema;
  context[context_key::armperf_version] = ARMPERF_VERSION;
  const std::string header = fmt::format("{{\n  \"{}\": {},\n  \"{}\": [{}", result_key::context,
                                         indented_context(context), result_key::benchmarks, kTail);
  // Written under a temporary name and renamed: the file appears complete or not at all.
  const std::string temporary = path_ + ".tmp";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) io_error(path_, "cannot create", errno);
  try {
    write_all_at(fd, header, 0);
    if (::fsync(fd) != 0) throw std::system_error(errno, std::generic_category());
    if (::rename(temporary.c_str(), path_.c_str()) != 0)
      throw std::system_error(errno, std::generic_category());
  } catch (const std::system_error& error) {
    ::close(fd);
    ::unlink(temporary.c_str());
    io_error(path_, "cannot write", error.code().value());
  }
  sync_directory_of(path_);
  fd_ = fd;
  tail_offset_ = header.size() - kTail.size();
}

ResultWriter::~ResultWriter() {
  try {
    close();
  } catch (const std::exception&) {
    // A destructor cannot report; close() explicitly to see I/O errors.
  }
}

ResultWriter::ResultWriter(ResultWriter&& other) noexcept
    : path_(std::move(other.path_)),
      fd_(std::exchange(other.fd_, -1)),
      tail_offset_(other.tail_offset_),
      rows_(other.rows_),
      sync_(other.sync_) {}

ResultWriter& ResultWriter::operator=(ResultWriter&& other) noexcept {
  if (this != &other) {
    try {
      close();
    } catch (const std::exception&) {
      // As in the destructor.
    }
    path_ = std::move(other.path_);
    fd_ = std::exchange(other.fd_, -1);
    tail_offset_ = other.tail_offset_;
    rows_ = other.rows_;
    sync_ = other.sync_;
  }
  return *this;
}

void ResultWriter::append(const ResultRow& row) {
  if (fd_ < 0) throw std::logic_error(fmt::format("{}: append after close", path_));
  validate_row(row);
  const std::string chunk = fmt::format("{}\n    {}{}", rows_ == 0 ? "" : ",",
                                        dump_compact(row_as<nlohmann::ordered_json>(row)), kTail);
  try {
    write_all_at(fd_, chunk, tail_offset_);
    if (sync_ == SyncPolicy::every_row && ::fdatasync(fd_) != 0) {
      throw std::system_error(errno, std::generic_category());
    }
  } catch (const std::system_error& error) {
    // Put the previous end back, so the file keeps its earlier rows as valid JSON.
    if (::ftruncate(fd_, static_cast<off_t>(tail_offset_)) == 0) {
      try {
        write_all_at(fd_, kTail, tail_offset_);
      } catch (const std::system_error&) {
        // Still a recoverable prefix for read_results().
      }
    }
    io_error(path_, fmt::format("cannot append row '{}'", row.name), error.code().value());
  }
  tail_offset_ += chunk.size() - kTail.size();
  ++rows_;
}

void ResultWriter::close() {
  if (fd_ < 0) return;
  const int fd = std::exchange(fd_, -1);
  const int sync_error = ::fsync(fd) == 0 ? 0 : errno;
  const int close_error = ::close(fd) == 0 ? 0 : errno;
  if (sync_error != 0) io_error(path_, "cannot flush", sync_error);
  if (close_error != 0) io_error(path_, "cannot close", close_error);
}

ResultFile parse_results(const std::string& original, const std::string& path) {
  std::string_view content = original;
  // A crash can leave a file whose size was extended before its data reached the disk.
  while (!content.empty() && content.back() == '\0') content.remove_suffix(1);
  const Sanitized text = quote_nonfinite_tokens(content);
  json document;
  try {
    document = json::parse(text.text);
  } catch (const json::parse_error& error) {
    const bool cut_off = error.byte > text.text.size() ||
                         (text.partial_token != std::string::npos && error.byte > text.partial_token);
    const std::vector<std::size_t> boundaries =
        cut_off ? row_boundaries(text.text) : std::vector<std::size_t>{};
    if (boundaries.empty()) syntax_error(path, content, text, error);
    const std::size_t keep = boundaries.back();
    try {
      document = json::parse(text.text.substr(0, keep) + "\n]}");
    } catch (const json::parse_error&) {
      syntax_error(path, content, text, error);
    }
    ResultFile file = to_result_file(std::move(document), path);
    file.recovered = true;
    file.nonfinite_tokens = text.tokens_before(keep);
    return file;
  }
  ResultFile file = to_result_file(std::move(document), path);
  file.nonfinite_tokens = text.inserted.size() / 2;
  return file;
}

ResultFile read_results(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) io_error(path, "cannot open", errno);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) io_error(path, "cannot read", errno);
  return parse_results(content, path);
}

void install_interrupt_flag() {
  g_interrupt_signal.store(0, std::memory_order_relaxed);
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  // SA_RESETHAND: a second signal gets the default action, so an impatient user can still kill.
  // SA_RESTART: the write of the current row is not cut short by EINTR.
  action.sa_flags = SA_RESETHAND | SA_RESTART;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

int interrupted() { return g_interrupt_signal.load(std::memory_order_relaxed); }

int exit_code_for_signal(int signal_number) { return 128 + signal_number; }

}  // namespace armperf
