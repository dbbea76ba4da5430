#include "tools/run/timings.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace armperf::run {

std::string default_timings_path() {
  if (const char* p = std::getenv("ARMPERF_TIMINGS"); p != nullptr && *p != '\0') return p;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x != nullptr && *x != '\0') {
    return std::string(x) + "/armperf/timings.json";
  }
  if (const char* h = std::getenv("HOME"); h != nullptr && *h != '\0') {
    return std::string(h) + "/.cache/armperf/timings.json";
  }
  return "";
}

Timings load_timings(const std::string& path) {
  Timings t;
  if (path.empty()) return t;
  std::ifstream in(path);
  if (!in) return t;
  try {
    const auto j = nlohmann::json::parse(in);
    const auto kernels = j.value("kernels", nlohmann::json::object());
    const auto probes = j.value("probes", nlohmann::json::object());
    for (const auto& [key, v] : kernels.items()) {
      t.kernels[key] = {v.at("iteration_seconds").get<double>(), v.at("setup_seconds").get<double>()};
    }
    for (const auto& [key, v] : probes.items()) t.probes[key] = v.get<double>();
  } catch (const std::exception&) {
    return {};  // a damaged cache is as good as none
  }
  return t;
}

void save_timings(const std::string& path, const Timings& measured) {
  if (path.empty() || (measured.kernels.empty() && measured.probes.empty())) return;
  Timings all = load_timings(path);
  for (const auto& [k, v] : measured.kernels) all.kernels[k] = v;
  for (const auto& [k, v] : measured.probes) all.probes[k] = v;
  nlohmann::json j = {{"kernels", nlohmann::json::object()}, {"probes", nlohmann::json::object()}};
  for (const auto& [k, v] : all.kernels) {
    j["kernels"][k] = {{"iteration_seconds", v.iteration_seconds}, {"setup_seconds", v.setup_seconds}};
  }
  for (const auto& [k, v] : all.probes) j["probes"][k] = v;
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  const std::string staging = path + ".tmp";
  {
    std::ofstream out(staging, std::ios::trunc);
    if (!out) return;
    out << j.dump(1) << "\n";
  }
  std::filesystem::rename(staging, path, ec);
}

int kernel_calls(double iteration_seconds, int repetitions, double min_time) {
  const double t = std::max(iteration_seconds, 1e-9);
  const int calibration = t >= min_time ? 0 : static_cast<int>(std::ceil(std::log10(min_time / t)));
  return repetitions + calibration;
}

double kernel_seconds(const KernelTiming& timing, int repetitions, double min_time) {
  const double t = std::max(timing.iteration_seconds, 1e-9);
  const double repetition = std::max(1.2 * min_time, t);
  const int calls = kernel_calls(t, repetitions, min_time);
  const double calibration = calls > repetitions ? 0.12 * repetition : 0.0;
  return repetitions * repetition + calibration + calls * timing.setup_seconds;
}

}  // namespace armperf::run
