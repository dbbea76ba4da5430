#include "core/result.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <set>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

namespace armperf {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "armperf-result-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

ResultRow kernel_row(int index) {
  ResultRow row;
  row.name = "relu/f32/neon/" + std::to_string(4096 << index);
  row.run_name = row.name;
  row.repetitions = 9;
  row.repetition_index = index;
  row.threads = 2;
  row.iterations = 123456789;
  row.real_time = 0.1 + index / 3.0;  // not representable in few digits: exactness is tested
  row.cpu_time = 1e-17 * (index + 1);
  row.suite = row_value::kernel;
  row.op = "relu";
  row.impl = row_value::impl_armperf;
  row.isa = "neon";
  row.dtype = "f32";
  row.placement = "compact";
  row.membind = "local";
  row.size = 4096u << index;
  row.gflops = 12.345678901234567;
  row.gbps = 98.7654321;
  row.pct_of_peak = 87.5;
  row.counters["bytes_per_second"] = 9.87654321e10;
  row.counters["cycles_per_element"] = 0.3333333333333333;
  return row;
}

ResultRow aggregate_row() {
  ResultRow row = kernel_row(0);
  row.name += "_median";
  row.run_name = "relu/f32/neon/4096";
  row.run_type = RunType::aggregate;
  row.aggregate_name = "median";
  row.repetition_index = 0;
  row.size = "1024x1024x1024";
  row.label = "a label";
  return row;
}

json sample_context() { return {{"host_name", "testhost"}, {"num_cpus", 2}}; }

TEST(Result, FieldNamesAreThoseOfTheDesign) {
  // DESIGN.md §5: gbench fields, then armperf's.
  const std::set<std::string> gbench = {
      "name",           "run_name",   "run_type",       "repetitions",  "repetition_index",
      "threads",        "iterations", "real_time",      "cpu_time",     "time_unit",
      "aggregate_name", "label",      "error_occurred", "error_message"};
  const std::set<std::string> armperf = {"suite",     "op",      "impl", "isa",    "dtype", "threads",
                                         "placement", "membind", "size", "gflops", "gbps",  "pct_of_peak"};
  std::set<std::string> expected = gbench;
  expected.insert(armperf.begin(), armperf.end());
  const auto keys = row_keys();
  EXPECT_EQ(std::set<std::string>(keys.begin(), keys.end()), expected);
  EXPECT_STREQ(row_key::pct_of_peak, "pct_of_peak");
  EXPECT_STREQ(row_key::time_unit, "time_unit");
  EXPECT_STREQ(result_key::context, "context");
  EXPECT_STREQ(result_key::benchmarks, "benchmarks");
  EXPECT_STREQ(context_key::armperf_schema, "armperf_schema");
  EXPECT_STREQ(context_key::armperf_version, "armperf_version");

  // A full iteration row carries exactly those keys, minus the aggregate/error ones, plus counters.
  const json iteration = row_to_json(kernel_row(0));
  std::set<std::string> written;
  for (const auto& [key, value] : iteration.items()) written.insert(key);
  std::set<std::string> iteration_keys = expected;
  for (const char* key : {"aggregate_name", "label", "error_occurred", "error_message"})
    iteration_keys.erase(key);
  iteration_keys.insert({"bytes_per_second", "cycles_per_element"});
  EXPECT_EQ(written, iteration_keys);

  const json aggregate = row_to_json(aggregate_row());
  EXPECT_EQ(aggregate.at("run_type"), "aggregate");
  EXPECT_EQ(aggregate.at("aggregate_name"), "median");
  EXPECT_FALSE(aggregate.contains("repetition_index"));
}

TEST(Result, WriteThenReadKeepsEveryFieldExactly) {
  TempDir dir;
  const std::string path = dir.file("results.json");
  std::vector<ResultRow> rows = {kernel_row(0), kernel_row(1), aggregate_row()};
  rows[1].error_message = "isa unsupported: sve";
  {
    ResultWriter writer(path, sample_context());
    for (const auto& row : rows) writer.append(row);
    EXPECT_EQ(writer.rows(), 3u);
    writer.close();
  }
  const ResultFile file = read_results(path);
  EXPECT_FALSE(file.recovered);
  EXPECT_EQ(file.context.at("armperf_schema"), kResultSchema);
  EXPECT_EQ(file.context.at("armperf_version"), ARMPERF_VERSION);
  EXPECT_EQ(file.context.at("host_name"), "testhost");
  ASSERT_EQ(file.benchmarks.size(), rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(row_from_json(file.benchmarks[i]), rows[i]) << file.benchmarks[i].dump();
  }
  EXPECT_EQ(file.benchmarks[1].at("error_occurred"), true);
  EXPECT_EQ(row_from_json(file.benchmarks[0]).real_time, 0.1);
  EXPECT_EQ(row_from_json(file.benchmarks[1]).cpu_time, 2e-17);
  EXPECT_FALSE(fs::exists(path + ".tmp"));
}

TEST(Result, FileIsValidJsonAfterEveryAppend) {
  TempDir dir;
  const std::string path = dir.file("results.json");
  ResultWriter writer(path, sample_context(), SyncPolicy::on_close);
  const json empty = json::parse(slurp(path));
  EXPECT_TRUE(empty.at("benchmarks").empty());
  for (int i = 0; i < 5; ++i) {
    writer.append(kernel_row(i));
    const std::string text = slurp(path);
    const json document = json::parse(text);  // throws, failing the test, if invalid
    ASSERT_EQ(document.at("benchmarks").size(), static_cast<std::size_t>(i + 1));
    EXPECT_EQ(document.at("benchmarks").back().at("name"), kernel_row(i).name);
    EXPECT_TRUE(text.ends_with("\n  ]\n}\n"));
  }
  writer.close();
  writer.close();  // idempotent
  EXPECT_THROW(writer.append(kernel_row(0)), std::logic_error);
}

TEST(Result, ProcessKilledBetweenRowsLeavesACompleteFile) {
  TempDir dir;
  const std::string path = dir.file("results.json");
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ResultWriter writer(path, sample_context());
    for (int i = 0; i < 3; ++i) writer.append(kernel_row(i));
    std::raise(SIGKILL);  // no close(), no destructor
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status));
  const ResultFile file = read_results(path);
  EXPECT_FALSE(file.recovered);
  EXPECT_EQ(file.benchmarks.size(), 3u);
}

TEST(Result, CutAtEveryByteRecoversTheCompleteRowsOrNamesTheFile) {
  TempDir dir;
  const std::string path = dir.file("results.json");
  constexpr int kRows = 4;
  std::vector<std::size_t> row_ends;  // offset just after each row's closing brace
  {
    ResultWriter writer(path, sample_context());
    for (int i = 0; i < kRows; ++i) {
      writer.append(kernel_row(i));
      row_ends.push_back(fs::file_size(path) - std::string_view("\n  ]\n}\n").size());
    }
  }
  const std::string full = slurp(path);
  const std::size_t array_open =
      full.find("\"benchmarks\": [") + std::string_view("\"benchmarks\": [").size();
  // Every cut in memory (parse_results is read_results without the file), the row boundaries
  // also through a truncated file on disk.
  const std::string cut_path = dir.file("cut.json");
  for (std::size_t cut = 0; cut <= full.size(); ++cut) {
    const bool at_row_end = std::find(row_ends.begin(), row_ends.end(), cut) != row_ends.end();
    if (at_row_end) {
      fs::copy_file(path, cut_path, fs::copy_options::overwrite_existing);
      fs::resize_file(cut_path, cut);
    }
    const std::size_t complete =
        static_cast<std::size_t>(std::upper_bound(row_ends.begin(), row_ends.end(), cut) - row_ends.begin());
    try {
      const ResultFile file =
          at_row_end ? read_results(cut_path) : parse_results(full.substr(0, cut), cut_path);
      EXPECT_EQ(file.benchmarks.size(), complete) << "cut at " << cut;
      // Only the final newline can go missing unnoticed.
      EXPECT_EQ(file.recovered, cut + 1 < full.size()) << "cut at " << cut;
      if (!file.benchmarks.empty()) {
        EXPECT_EQ(row_from_json(file.benchmarks.back()), kernel_row(static_cast<int>(complete) - 1));
      }
    } catch (const std::runtime_error& error) {
      EXPECT_NE(std::string(error.what()).find("cut.json"), std::string::npos) << error.what();
      EXPECT_LT(cut, array_open) << "a cut inside the benchmarks array must recover: " << error.what();
    }
  }
}

TEST(Result, TrailingNulBytesCountAsACut) {
  const std::string text = "{\"context\": {}, \"benchmarks\": [\n{\"name\": \"a\"},\n{\"name\": \"b\", \"re";
  const ResultFile file = parse_results(text + std::string(64, '\0'), "nul.json");
  EXPECT_TRUE(file.recovered);
  ASSERT_EQ(file.benchmarks.size(), 1u);
  EXPECT_EQ(file.benchmarks[0].at("name"), "a");
}

TEST(Result, SyntaxErrorNamesFileLineAndColumn) {
  const std::string text =
      "{\n  \"context\": {},\n  \"benchmarks\": [\n    {\"name\": \"a\"} {\"name\": \"b\"}\n  ]\n}\n";
  try {
    parse_results(text, "bad.json");
    FAIL() << "garbage parsed";
  } catch (const std::runtime_error& error) {
    EXPECT_TRUE(std::string(error.what()).starts_with("bad.json:4:19: ")) << error.what();
    EXPECT_NE(std::string(error.what()).find("expected ']'"), std::string::npos) << error.what();
  }
  // Positions count the file's own characters, not those of the quoted NaN token.
  const std::string with_nan = "{\n  \"context\": {},\n  \"benchmarks\": [\n    {\"x\": NaN} {\n  ]\n}\n";
  try {
    parse_results(with_nan, "bad.json");
    FAIL() << "garbage parsed";
  } catch (const std::runtime_error& error) {
    EXPECT_TRUE(std::string(error.what()).starts_with("bad.json:4:16: ")) << error.what();
  }
}

TEST(Result, StructuralErrorsNameTheFile) {
  for (const char* text : {"[]", "{\"context\": {}}", "{\"context\": [], \"benchmarks\": []}",
                           "{\"context\": {}, \"benchmarks\": [1]}"}) {
    try {
      parse_results(text, "shape.json");
      FAIL() << text;
    } catch (const std::runtime_error& error) {
      EXPECT_TRUE(std::string(error.what()).starts_with("shape.json: ")) << error.what();
    }
  }
  try {
    read_results("/nonexistent/armperf/results.json");
    FAIL();
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("/nonexistent/armperf/results.json"), std::string::npos);
  }
}

TEST(Result, BareNonFiniteTokensAreReadAsFlaggedNumbers) {
  const std::string text = R"({"context": {"note": "NaN and Infinity inside strings stay"},
    "benchmarks": [{"name": "b", "run_type": "iteration", "real_time": 1.5, "cpu_time": NaN,
    "bytes_per_second": Infinity, "items_per_second": -Infinity, "c": -NaN, "s": "Infinity x",
    "list": [NaN,Infinity]}]})";
  const ResultFile file = parse_results(text, "gbench.json");
  EXPECT_EQ(file.nonfinite_tokens, 6u);
  EXPECT_EQ(file.context.at("note"), "NaN and Infinity inside strings stay");
  const json& raw = file.benchmarks.at(0);
  EXPECT_EQ(raw.at("cpu_time"), "NaN");
  EXPECT_EQ(raw.at("list"), json::array({"NaN", "Infinity"}));
  const ResultRow row = row_from_json(raw);
  EXPECT_EQ(row.real_time, 1.5);
  EXPECT_TRUE(std::isnan(row.cpu_time));
  EXPECT_EQ(row.counters.at("bytes_per_second"), std::numeric_limits<double>::infinity());
  EXPECT_EQ(row.counters.at("items_per_second"), -std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(row.counters.at("c")));
  EXPECT_EQ(row.extra.at("s"), "Infinity x");
  // A file cut inside such a token is a cut file, not a syntax error.
  for (const char* end : {"Infin", "-", "-N"}) {
    const std::string cut =
        "{\"context\": {}, \"benchmarks\": [{\"name\": \"a\"}, {\"x\": " + std::string(end);
    const ResultFile recovered = parse_results(cut, "cut.json");
    EXPECT_TRUE(recovered.recovered) << end;
    EXPECT_EQ(recovered.benchmarks.size(), 1u) << end;
  }
  // Such a row is readable but cannot be written as an armperf row.
  ResultRow complete = row;
  complete.suite = row_value::kernel;
  complete.op = complete.impl = complete.isa = "x";
  try {
    validate_row(complete);
    FAIL() << "a NaN cpu_time passed validation";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("'cpu_time'"), std::string::npos) << error.what();
  }
}

TEST(Result, ValidationNamesTheMissingOrBadField) {
  const auto message = [](const ResultRow& row) -> std::string {
    try {
      validate_row(row);
    } catch (const std::invalid_argument& error) {
      return error.what();
    }
    return "";
  };
  EXPECT_EQ(message(kernel_row(0)), "");
  EXPECT_EQ(message(aggregate_row()), "");

  ResultRow no_isa = kernel_row(0);
  no_isa.isa.clear();
  EXPECT_NE(message(no_isa).find("'isa'"), std::string::npos) << message(no_isa);
  EXPECT_NE(message(no_isa).find(no_isa.name), std::string::npos) << message(no_isa);

  ResultRow nan_time = kernel_row(0);
  nan_time.real_time = std::numeric_limits<double>::quiet_NaN();
  EXPECT_NE(message(nan_time).find("'real_time'"), std::string::npos) << message(nan_time);

  ResultRow infinite_counter = kernel_row(0);
  infinite_counter.counters["x"] = std::numeric_limits<double>::infinity();
  EXPECT_NE(message(infinite_counter).find("'x'"), std::string::npos) << message(infinite_counter);

  ResultRow bad_suite = kernel_row(0);
  bad_suite.suite = "bench";
  EXPECT_NE(message(bad_suite).find("'suite'"), std::string::npos) << message(bad_suite);

  ResultRow clash = kernel_row(0);
  clash.counters["threads"] = 4;
  EXPECT_NE(message(clash).find("'threads'"), std::string::npos) << message(clash);

  ResultRow aggregate = aggregate_row();
  aggregate.aggregate_name.clear();
  EXPECT_NE(message(aggregate).find("'aggregate_name'"), std::string::npos) << message(aggregate);

  ResultRow negative_size = kernel_row(0);
  negative_size.size = -1;
  EXPECT_NE(message(negative_size).find("'size'"), std::string::npos) << message(negative_size);

  // The writer refuses the row before touching the file.
  TempDir dir;
  ResultWriter writer(dir.file("results.json"), sample_context());
  writer.append(kernel_row(0));
  EXPECT_THROW(writer.append(no_isa), std::invalid_argument);
  EXPECT_EQ(writer.rows(), 1u);
  EXPECT_EQ(read_results(dir.file("results.json")).benchmarks.size(), 1u);
}

TEST(Result, RowFromJsonNamesAFieldOfTheWrongType) {
  try {
    row_from_json({{"name", "r"}, {"threads", "two"}});
    FAIL();
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("'threads'"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("'r'"), std::string::npos) << error.what();
  }
  // gbench's own bookkeeping is kept aside, its user counters become counters.
  const ResultRow row = row_from_json({{"name", "BM_x"}, {"family_index", 3}, {"foo", 2.5}});
  EXPECT_EQ(row.extra.at("family_index"), 3);
  EXPECT_EQ(row.counters.at("foo"), 2.5);
  EXPECT_EQ(row.counters.count("family_index"), 0u);
}

TEST(Result, WriterNamesThePathItCannotCreate) {
  try {
    ResultWriter writer("/nonexistent/armperf/results.json", sample_context());
    FAIL();
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("/nonexistent/armperf/results.json"), std::string::npos)
        << error.what();
  }
  EXPECT_THROW(ResultWriter("unused.json", json::array()), std::invalid_argument);
}

TEST(Result, InterruptFlagRecordsTheSignal) {
  install_interrupt_flag();
  EXPECT_EQ(interrupted(), 0);
  std::raise(SIGTERM);
  EXPECT_EQ(interrupted(), SIGTERM);
  EXPECT_EQ(exit_code_for_signal(interrupted()), 143);
  install_interrupt_flag();
  EXPECT_EQ(interrupted(), 0);
  std::raise(SIGINT);
  EXPECT_EQ(interrupted(), SIGINT);
  EXPECT_EQ(exit_code_for_signal(interrupted()), 130);
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
}

}  // namespace
}  // namespace armperf
