// armperf-bench: a plain Google Benchmark binary over the kernel registry. Every --benchmark_*
// flag keeps its meaning (--benchmark_filter selects variants, --benchmark_format=json, ...).
// One flag of ours: --armperf_profile=quick|standard|full picks the shapes (default standard).
#include <benchmark/benchmark.h>

#include <cstring>
#include <iostream>
#include <regex>
#include <string_view>

#include "core/topology.hpp"
#include "kernels/benchmarks.hpp"

int main(int argc, char** argv) {
  armperf::Profile profile = armperf::Profile::standard;
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    constexpr std::string_view flag = "--armperf_profile=";
    if (arg.rfind(flag, 0) != 0) {
      argv[kept++] = argv[i];
      continue;
    }
    auto value = arg.substr(flag.size());
    auto parsed = armperf::parse_profile(value);
    if (!parsed) {
      std::cerr << "armperf-bench: --armperf_profile: expected quick, standard or full, got '" << value << "'\n";
      return 2;
    }
    profile = *parsed;
  }
  argc = kept;
  const auto& cpu = armperf::this_cpu();
  if (!cpu.cap_error.empty()) {
    std::cerr << "armperf-bench: " << cpu.cap_error << "\n";
    return 2;
  }
  // One thread, and beyond quick every core as well (armperf run sweeps more counts).
  armperf::BenchPlan plan = armperf::machine_bench_plan(profile);
  armperf::register_kernel_benchmarks(plan, std::regex(".*"));
  const int cores = armperf::Topology::binding().summary().cores;
  if (profile != armperf::Profile::quick && cores > 1) {
    plan.threads = cores;
    armperf::register_kernel_benchmarks(plan, std::regex(".*"));
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
