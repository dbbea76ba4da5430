#include "tests/tools/run_fixtures.hpp"

#include <csignal>
#include <cstdlib>
#include <random>
#include <stdexcept>
#include <string>

#include <unistd.h>

#include "probes/probe.hpp"
#include "tests/fixture_path.hpp"

namespace armperf::test {

std::atomic<int> raise_at_row{-1};
std::atomic<int> raised_signal{SIGINT};

namespace {

ProbeOutcome run_test_probe(const ProbeConfig& config, const RowSink& sink) {
  for (int i = 0; i < kTestProbeRows; ++i) {
    ResultRow row;
    row.name = "test_probe/step:" + std::to_string(i);
    row.suite = row_value::probe;
    row.op = "test_probe.step";
    row.impl = row_value::impl_armperf;
    row.isa = "scalar";
    row.threads = config.threads.empty() ? 1 : config.threads.front();
    row.real_time = 1.0 + i;
    row.cpu_time = 1.0 + i;
    row.size = static_cast<std::uint64_t>(4096) << i;
    row.gbps = 10.0 * (i + 1);
    // Some real work per row, so counters attached to rows (--pmu) have something to count.
    volatile double sink_value = 0;
    for (int k = 0; k < 200000; ++k) sink_value = sink_value + 1e-9 * k;
    if (raise_at_row.load() == i) std::raise(raised_signal.load());
    if (!sink(row)) return {{"stopped early"}};
  }
  return {};
}

ARMPERF_REGISTER_PROBE(Probe{"test_probe", "four rows of made-up numbers (tests only)", run_test_probe});

// Runs a test starts (in process or spawned, which inherit the environment) must neither read nor grow
// the user's timing cache (~/.cache/armperf/timings.json): plans would depend on earlier runs, and
// test timings would skew the user's estimates. Each test process gets its own file, removed at exit.
std::string& test_timings_path() {
  static std::string path = (std::filesystem::temp_directory_path() /
                             ("armperf-test-timings-" + std::to_string(::getpid()) + ".json")).string();
  return path;
}
[[maybe_unused]] const bool timings_isolated = [] {
  ::setenv("ARMPERF_TIMINGS", test_timings_path().c_str(), 1);
  std::atexit([] {
    std::error_code ignored;
    std::filesystem::remove(test_timings_path(), ignored);
  });
  return true;
}();

}  // namespace

std::string fixture_path(const std::string& name) { return test_support::fixture(name); }

BenchPlan small_bench_plan() {
  BenchPlan sizes;
  sizes.l1_bytes = 32 << 10;
  sizes.dram_bytes = 1 << 20;
  return sizes;
}

ScratchDir::ScratchDir() {
  std::random_device random;
  path_ = std::filesystem::temp_directory_path() / ("armperf-run-test-" + std::to_string(random()));
  std::filesystem::create_directories(path_);
}

ScratchDir::~ScratchDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace armperf::test
