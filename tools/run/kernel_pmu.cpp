#include "tools/run/kernel_pmu.hpp"

#include <algorithm>
#include <cmath>

namespace armperf::run {
namespace {

// Intercept of the least-squares line count = setup + iterations × slope; nullopt with fewer than
// two distinct iteration counts or a missing count.
std::optional<double> setup_count(const std::vector<CountedCall>& calls, std::size_t event) {
  double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  std::int64_t first = -1;
  bool distinct = false;
  for (const auto& call : calls) {
    if (call.iterations <= 0 || event >= call.counts.size() || !call.counts[event]) return std::nullopt;
    if (first < 0) first = call.iterations;
    distinct = distinct || call.iterations != first;
    const double x = double(call.iterations), y = *call.counts[event];
    n += 1, sx += x, sy += y, sxx += x * x, sxy += x * y;
  }
  const double det = n * sxx - sx * sx;
  if (!distinct || det <= 0) return std::nullopt;
  const double slope = (n * sxy - sx * sy) / det;
  return (sy - slope * sx) / n;
}

}  // namespace

PerIterationCounts per_iteration_counts(const std::vector<CountedCall>& calls, int repetitions,
                                        std::size_t events) {
  PerIterationCounts out;
  if (repetitions < 1 || calls.size() < std::size_t(repetitions)) return out;
  std::vector<std::optional<double>> setup(events);
  out.setup_subtracted = events > 0;
  for (std::size_t e = 0; e < events; ++e) {
    setup[e] = setup_count(calls, e);
    out.setup_subtracted = out.setup_subtracted && setup[e].has_value();
  }
  for (std::size_t r = 0; r < std::size_t(repetitions); ++r) {
    const CountedCall& call = calls[calls.size() - std::size_t(repetitions) + r];
    std::vector<std::optional<double>> values(events);
    for (std::size_t e = 0; e < events && e < call.counts.size(); ++e) {
      if (!call.counts[e] || call.iterations <= 0) continue;
      // Subtract only when every event could be fitted, so one row's values share one scope.
      const double base = out.setup_subtracted ? *setup[e] : 0.0;
      values[e] = std::max(0.0, *call.counts[e] - base) / double(call.iterations);
    }
    out.repetitions.push_back(std::move(values));
  }
  return out;
}

void KernelPmu::before_call() { region_.start(); }

void KernelPmu::after_call(const benchmark::State& state) {
  calls_.push_back({static_cast<std::int64_t>(state.iterations()), region_.stop()});
  computed_ = false;
}

void KernelPmu::attach(ResultRow& row) {
  const std::size_t events = region_.events().size();
  if (!row.error_message.empty()) return;  // skipped or failed: nothing was measured
  if (!computed_) {
    values_ = per_iteration_counts(calls_, int(row.repetitions), events);
    computed_ = true;
  }
  const std::string scope = values_.setup_subtracted
                                ? "per iteration (the call's set-up subtracted)"
                                : "per iteration (including the call's set-up: one iteration count only)";
  std::vector<std::optional<double>> counts(events);
  const auto r = static_cast<std::size_t>(row.repetition_index);
  if (r < values_.repetitions.size()) counts = values_.repetitions[r];
  probes::attach_pmu(row, region_, counts, 1, scope);
}

}  // namespace armperf::run
