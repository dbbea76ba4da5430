// `armperf run` as a user runs it: a child process interrupted with SIGINT exits 130 and leaves a
// results.json that parses and holds the finished rows; --resume completes it without duplicates.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <set>
#include <sstream>
#include <thread>

#include "core/result.hpp"
#include "tests/tools/run_fixtures.hpp"

extern char** environ;

namespace armperf {
namespace {

namespace fs = std::filesystem;

// The armperf binary, through the cross build's emulator when there is one (qemu-user forwards
// signals to the program it runs).
std::vector<std::string> armperf_command() {
  std::vector<std::string> command;
  std::istringstream emulator(ARMPERF_EMULATOR);
  for (std::string word; emulator >> word;) command.push_back(word);
  command.push_back(ARMPERF_BINARY);
  return command;
}

pid_t spawn(std::vector<std::string> args) {
  std::vector<std::string> command = armperf_command();
  command.insert(command.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : command) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = -1;
  const int error = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) throw std::runtime_error("posix_spawnp " + command.front() + ": " + std::strerror(error));
  return pid;
}

int wait_exit_code(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::size_t row_count(const fs::path& results) {
  try {
    return read_results(results.string()).benchmarks.size();
  } catch (const std::exception&) {
    return 0;  // not created yet
  }
}

// Every variant of the copy family at its smallest size, at two placements: a few items of a
// second or so each, so the signal lands mid-run.
std::vector<std::string> run_args(const fs::path& dir) {
  return {"run",         "--filter",       "^f32_copy__[a-z0-9]+_u[0-9]+/[0-9]{1,6}$",
          "--placement", "compact,spread", "--repetitions",
          "3",           "--min-time",     "0.1",
          "--quiet",     "--out",          dir.string()};
}

TEST(RunCli, SigintMidRunExits130WithValidResultsAndResumeCompletesThem) {
  test::ScratchDir dir;
  const fs::path out = dir.path() / "run";
  const fs::path results = out / "results.json";
  const pid_t pid = spawn(run_args(out));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
  // Read once per poll and keep what was seen: results.json is rewritten as rows land, so a second
  // read can catch it mid-write and see nothing.
  std::size_t seen = 0;
  while ((seen = row_count(results)) == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_GT(seen, 0u) << "no row within the deadline";
  kill(pid, SIGINT);
  ASSERT_EQ(wait_exit_code(pid), 130);
  const ResultFile cut = read_results(results.string());
  EXPECT_FALSE(cut.recovered) << "the file must be complete JSON after an interrupt";
  ASSERT_GT(cut.benchmarks.size(), 0u);

  std::vector<std::string> resume = {"run", "--resume", out.string(), "--quiet"};
  ASSERT_EQ(wait_exit_code(spawn(resume)), 0);
  const ResultFile done = read_results(results.string());
  EXPECT_GT(done.benchmarks.size(), cut.benchmarks.size());
  std::set<std::string> rows, items;
  for (const auto& row : done.benchmarks) {
    const std::string key = row.value("name", "") + "#" + std::to_string(row.value("repetition_index", 0)) +
                            "#" + row.value("aggregate_name", "");
    EXPECT_TRUE(rows.insert(key).second) << "duplicate " << key;
    items.insert(row.value("armperf_item", ""));
  }
  // The stored options came back: both placements of every variant.
  std::size_t spread = 0;
  for (const auto& item : items) spread += item.find("/spread/") != std::string::npos;
  EXPECT_EQ(spread * 2, items.size());
  EXPECT_TRUE(fs::exists(out / "report.md"));
  EXPECT_TRUE(fs::exists(out / "results.csv"));
}

// The whole command at minimal times (issue 7): a quick run limited to the L1 shapes of two kernel
// families and three cheap probes, so it also runs under qemu (scripts/test.sh: neoverse-n1), and
// every file of a run directory comes out.
TEST(RunCli, QuickRunAtMinimalTimesWritesEveryFile) {
  test::ScratchDir dir;
  const fs::path out = dir.path() / "quick";
  const std::vector<std::string> args = {
      "run", "--profile", "quick", "--min-time", "0", "--quiet", "--out", out.string(), "--filter",
      "^f32_copy__scalar_u4/[0-9]{1,5}$|^f32_relu__scalar_u4/[0-9]{1,5}$|^(frequency|memory|pmu)$"};
  ASSERT_EQ(wait_exit_code(spawn(args)), 0);
  for (const char* file : {"results.json", "results.csv", "report.md", "report.html", "gbench-raw.json", "repro.sh"}) {
    EXPECT_TRUE(fs::exists(out / file)) << file;
  }
  const ResultFile results = read_results((out / "results.json").string());
  EXPECT_FALSE(results.recovered);
  std::set<std::string> suites, families;
  for (const auto& row : results.benchmarks) {
    suites.insert(row.value("suite", ""));
    families.insert(row.value("family", ""));
  }
  EXPECT_TRUE(suites.count("kernel") && suites.count("probe"));
  EXPECT_TRUE(families.count("copy") && families.count("activation"));
  EXPECT_TRUE(results.context.contains("armperf_run"));
}

}  // namespace
}  // namespace armperf
