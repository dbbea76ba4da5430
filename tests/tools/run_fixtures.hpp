// Shared by the `armperf run` tests: the probe they register (real probes live on other branches,
// and the run code must drive whatever the registry holds), machines to plan for, and a scratch
// directory.
#pragma once

#include <atomic>
#include <filesystem>
#include <string>

#include "core/topology.hpp"
#include "kernels/registry.hpp"

namespace armperf::test {

// test_probe writes kTestProbeRows rows; when raise_at_row >= 0 it raises raised_signal while
// handing over that row, as a user's Ctrl-C (or a batch system's SIGTERM) mid-probe would.
inline constexpr int kTestProbeRows = 4;
extern std::atomic<int> raise_at_row;
extern std::atomic<int> raised_signal;

std::string fixture_path(const std::string& name);  // tests/fixtures/<name>, through ARMPERF_SOURCE_DIR

// Cache sizes that keep a kernel family's first shapes tiny (L1 32 KiB, DRAM 1 MiB): runs in milliseconds.
BenchPlan small_bench_plan();

// A fresh directory under the system temp dir, removed with the object.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace armperf::test
