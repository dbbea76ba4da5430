// `armperf accuracy --out` writes result rows (suite "accuracy") that read back and make the report's
// accuracy table; `armperf list kernels --json` lists every activation op on all five ISAs.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <spawn.h>

#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.hpp"
#include "kernels/activation/activation.hpp"
#include "reports/load.hpp"
#include "reports/report.hpp"

extern char** environ;

namespace armperf {
namespace {

namespace fs = std::filesystem;

struct Outcome {
  int exit_code = -1;
  std::string out;
};

// The armperf binary (through the cross build's emulator), its standard output captured in a file.
Outcome run_armperf(const std::vector<std::string>& args) {
  std::vector<std::string> command;
  std::istringstream emulator(ARMPERF_EMULATOR);
  for (std::string word; emulator >> word;) command.push_back(word);
  command.push_back(ARMPERF_BINARY);
  command.insert(command.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : command) argv.push_back(a.data());
  argv.push_back(nullptr);
  const fs::path out_path = fs::temp_directory_path() / ("armperf-accuracy-cli-" + std::to_string(::getpid()));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid = -1;
  const int error = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) throw std::runtime_error("posix_spawnp " + command.front() + ": " + std::strerror(error));
  int status = 0;
  waitpid(pid, &status, 0);
  Outcome o;
  o.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  std::ifstream in(out_path);
  std::ostringstream text;
  text << in.rdbuf();
  o.out = text.str();
  fs::remove(out_path);
  return o;
}

TEST(AccuracyCli, OutWritesRowsThatReadBackAsAnAccuracyTable) {
  const fs::path file = fs::temp_directory_path() / ("armperf-accuracy-rows-" + std::to_string(::getpid()) + ".json");
  const Outcome o = run_armperf({"accuracy", "gelu_tanh", "--isa", "scalar", "--samples", "65536", "--threads", "1",
                                 "--out", file.string()});
  ASSERT_EQ(o.exit_code, 0) << o.out;

  // One row per scalar gelu_tanh variant (Sleef-based and our own polynomials), as many as it says.
  const ResultFile read = read_results(file.string());
  ASSERT_GE(read.benchmarks.size(), 1u);
  EXPECT_NE(o.out.find(fmt::format("wrote {} row(s) to", read.benchmarks.size())), std::string::npos) << o.out;
  for (const auto& json : read.benchmarks) {
    const ResultRow row = row_from_json(json);
    EXPECT_NO_THROW(validate_row(row));
    EXPECT_EQ(row.suite, row_value::accuracy);
    EXPECT_EQ(row.op, "gelu_tanh");
    EXPECT_EQ(row.isa, "scalar");
    EXPECT_EQ(row.impl, "armperf");
    EXPECT_EQ(row.dtype, "f32");
    EXPECT_EQ(row.counters.at(row_key::bound_ulp), 8.0);  // the bound for gelu_tanh (x >= -3)
    EXPECT_GE(row.counters.at(row_key::samples), 65536.0);
    EXPECT_LE(row.counters.at(row_key::max_ulp), 8.0) << row.name;
    EXPECT_LE(row.counters.at(row_key::p9999_ulp), row.counters.at(row_key::max_ulp));
    EXPECT_TRUE(row.counters.count(row_key::argmax_input));
    EXPECT_EQ(row.extra.at(row_key::argmax_input_bits).get<std::string>().substr(0, 2), "0x");
    EXPECT_EQ(row.extra.at(row_key::within_bound), true);
    EXPECT_EQ(row.extra.at(row_key::exhaustive), false);
  }

  // What `armperf report` makes of it: the accuracy table, not a speed.
  reports::Run run = reports::load_run(file.string());
  const auto labels = reports::input_labels({run});
  const reports::Report report = reports::build_report({{run, labels[0]}}, 0);
  EXPECT_TRUE(report.rows.empty());
  ASSERT_EQ(report.views.size(), 1u);
  ASSERT_EQ(report.views[0].rows.size(), read.benchmarks.size());
  for (const auto& cells : report.views[0].rows) {
    EXPECT_EQ(cells.at(0), "gelu_tanh");
    EXPECT_EQ(cells.back(), "ok");
  }
  fs::remove(file);
}

TEST(AccuracyCli, JsonPrintsTheRows) {
  const Outcome o = run_armperf({"accuracy", "relu", "--isa", "scalar", "--samples", "4096", "--threads", "1", "--json"});
  ASSERT_EQ(o.exit_code, 0) << o.out;
  const auto doc = nlohmann::json::parse(o.out);
  ASSERT_EQ(doc.at("rows").size(), 1u);
  const ResultRow row = row_from_json(doc["rows"][0]);
  EXPECT_NO_THROW(validate_row(row));
  EXPECT_EQ(row.counters.at(row_key::bound_ulp), 0.0);  // relu is bitwise exact
  EXPECT_EQ(row.counters.at(row_key::max_ulp), 0.0);
  EXPECT_EQ(row.counters.at(row_key::mismatches), 0.0);
}

TEST(AccuracyCli, AnOutFileThatCannotBeWrittenIsBadInput) {
  const Outcome o = run_armperf({"accuracy", "relu", "--isa", "scalar", "--samples", "4096", "--out",
                                 "/nonexistent-armperf-dir/rows.json"});
  EXPECT_EQ(o.exit_code, 2);
}

// Issue 5: every activation op on scalar, neon, sve, avx2 and avx512, runnable here or not, with a reason.
TEST(ListCli, EveryActivationOpOnAllFiveIsas) {
  const Outcome o = run_armperf({"list", "kernels", "--json"});
  ASSERT_EQ(o.exit_code, 0);
  const auto families = nlohmann::json::parse(o.out);
  std::map<std::string, std::set<std::string>> isas;
  for (const auto& family : families) {
    if (family.at("family") != "activation") continue;
    for (const auto& v : family.at("variants")) {
      if (v.at("impl") != "armperf") continue;
      isas[v.at("op").get<std::string>()].insert(v.at("isa").get<std::string>());
      if (!v.at("runnable").get<bool>()) {
        EXPECT_FALSE(v.at("skip_reason").get<std::string>().empty()) << v.dump();
      }
    }
  }
  const std::set<std::string> five = {"scalar", "neon", "sve", "avx2", "avx512"};
  ASSERT_EQ(isas.size(), kernels::activation_ops().size());
  for (const auto& op : kernels::activation_ops()) EXPECT_EQ(isas[std::string(op.name)], five) << op.name;
}

}  // namespace
}  // namespace armperf
