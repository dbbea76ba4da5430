// A run directory's report shows the NUMA matrices and the accuracy table whenever results.json holds
// such rows: write_derived_files builds its report from the same views as `armperf report`.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tools/run/outputs.hpp"

namespace armperf::run {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The run directory of a results.json copied from a report fixture.
fs::path run_dir_of(const std::string& fixture) {
  const char* source = std::getenv("ARMPERF_SOURCE_DIR");
  const fs::path dir = fs::temp_directory_path() / ("armperf-run-views-" + std::to_string(::getpid()) + "-" + fixture);
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::copy_file(fs::path(source != nullptr ? source : ".") / "tests/fixtures/reports/views" / fixture,
                dir / run_file::results);
  return dir;
}

TEST(RunViews, NumaRowsGetTheirMatricesInTheRunReport) {
  const fs::path dir = run_dir_of("numa_altra_max.json");
  write_derived_files(dir.string(), {"armperf", "run"}, {});
  const std::string md = slurp(dir / run_file::report_md);
  EXPECT_NE(md.find("## NUMA bandwidth node to node — altra-max, 20 threads, 1 GiB"), std::string::npos);
  EXPECT_NE(md.find("## NUMA latency node to node — altra-max, 256 MiB"), std::string::npos);
  const std::string html = slurp(dir / run_file::report_html);
  EXPECT_NE(html.find("<h2>NUMA bandwidth node to node"), std::string::npos);
  EXPECT_TRUE(fs::exists(dir / "results-numa-bandwidth-node-to-node-altra-max-20-threads-1-gib.csv"));
  fs::remove_all(dir);
}

TEST(RunViews, AccuracyRowsGetTheirTableInTheRunReport) {
  const fs::path dir = run_dir_of("accuracy_altra.json");
  write_derived_files(dir.string(), {"armperf", "run"}, {});
  const std::string md = slurp(dir / run_file::report_md);
  EXPECT_NE(md.find("## Activation accuracy"), std::string::npos);
  EXPECT_NE(md.find("| sigmoid | f32\\_sigmoid\\_\\_xnnpack | xnnpack | own |"), std::string::npos) << md;
  EXPECT_TRUE(fs::exists(dir / "results-activation-accuracy-f32-against-a-double-reference.csv"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace armperf::run
