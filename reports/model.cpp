#include "reports/model.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "core/result.hpp"
#include "reports/stats.hpp"

namespace armperf::reports {

double Metric::center() const {
  if (!samples.empty()) return median(samples);
  if (reported_median) return *reported_median;
  if (reported_mean) return *reported_mean;
  return std::numeric_limits<double>::quiet_NaN();
}

double Metric::cv() const {
  if (samples.size() >= 2) return coefficient_of_variation(samples);
  if (reported_cv) return *reported_cv;
  if (reported_stddev && reported_mean && *reported_mean != 0.0) return *reported_stddev / std::fabs(*reported_mean);
  return std::numeric_limits<double>::quiet_NaN();
}

const Metric* Benchmark::metric(std::string_view wanted) const {
  const auto it = std::find_if(metrics.begin(), metrics.end(), [&](const Metric& m) { return m.name == wanted; });
  return it == metrics.end() ? nullptr : &*it;
}

const Metric* Benchmark::primary() const {
  // An accuracy row is about its worst error, not about how long the sweep took.
  if (suite == row_value::accuracy) {
    for (std::string_view name : {row_key::max_ulp, row_key::max_rel_eps})
      if (const Metric* m = metric(name); m != nullptr && !std::isnan(m->center())) return m;
    return nullptr;
  }
  // A latency probe's row times a chase, not the whole benchmark loop: its latency_ns is the figure.
  // Integer GEMM and peakflops int8 rows carry their rate as gops instead of gflops.
  static constexpr std::array<std::string_view, 7> preference = {
      row_key::gflops,           row_key::gops,       row_key::gbps,     row_key::bytes_per_second,
      row_key::items_per_second, row_key::latency_ns, row_key::real_time};
  for (std::string_view name : preference) {
    const Metric* m = metric(name);
    if (m != nullptr && !std::isnan(m->center())) return m;
  }
  return nullptr;
}

std::string Benchmark::field(std::string_view wanted) const {
  const auto it = fields.find(std::string(wanted));
  return it == fields.end() ? std::string() : it->second;
}

const Benchmark* Run::find(std::string_view wanted) const {
  const auto it =
      std::find_if(benchmarks.begin(), benchmarks.end(), [&](const Benchmark& b) { return b.key == wanted; });
  return it == benchmarks.end() ? nullptr : &*it;
}

std::string Run::context_value(std::string_view key) const {
  const auto it = context.find(std::string(key));
  return it == context.end() ? std::string() : it->second;
}

}  // namespace armperf::reports
