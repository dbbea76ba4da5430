#include "tools/run/aggregates.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <optional>
#include <string>

#include "reports/stats.hpp"

namespace armperf::run {
namespace {

using Statistic = std::function<double(std::span<const double>)>;

Statistic statistic_named(const std::string& name) {
  if (name == "mean") return reports::mean;
  if (name == "median") return reports::median;
  if (name == "stddev") return reports::standard_deviation;
  return reports::coefficient_of_variation;
}

// The statistic of one field over the repetitions, when every repetition has it and it is finite.
std::optional<double> over(std::span<const ResultRow> reps, const Statistic& statistic,
                           const std::function<std::optional<double>(const ResultRow&)>& field) {
  std::vector<double> xs;
  for (const ResultRow& r : reps) {
    const std::optional<double> x = field(r);
    if (!x) return std::nullopt;
    xs.push_back(*x);
  }
  const double value = statistic(xs);
  return std::isfinite(value) ? std::optional<double>(value) : std::nullopt;
}

// The extra fields every repetition has with the same value: the item key and variant, and a PMU
// scope only when each repetition's counts were taken the same way.
nlohmann::json shared_extra(std::span<const ResultRow> reps) {
  nlohmann::json out = nlohmann::json::object();
  if (!reps.front().extra.is_object()) return out;
  for (const auto& [field, value] : reps.front().extra.items()) {
    const bool shared = std::all_of(reps.begin(), reps.end(), [&](const ResultRow& r) {
      return r.extra.is_object() && r.extra.contains(field) && r.extra[field] == value;
    });
    if (shared) out[field] = value;
  }
  return out;
}

}  // namespace

std::vector<ResultRow> aggregate_rows(std::span<const ResultRow> repetitions) {
  std::vector<ResultRow> out;
  if (repetitions.size() < 2) return out;
  const ResultRow& first = repetitions.front();
  const std::string base = first.run_name.empty() ? first.name : first.run_name;
  for (const char* name : kAggregateNames) {
    const Statistic statistic = statistic_named(name);
    ResultRow row = first;
    row.name = base + "_" + name;
    row.run_name = base;
    row.run_type = RunType::aggregate;
    row.aggregate_name = name;
    row.repetition_index = 0;
    row.iterations = static_cast<std::int64_t>(repetitions.size());
    // A time that cannot be aggregated (non-finite) is 0, as a row must carry one; the rates and
    // counters are simply left out.
    row.real_time = over(repetitions, statistic, [](const ResultRow& r) { return r.real_time; }).value_or(0);
    row.cpu_time = over(repetitions, statistic, [](const ResultRow& r) { return r.cpu_time; }).value_or(0);
    row.gflops = over(repetitions, statistic, [](const ResultRow& r) { return r.gflops; });
    row.gbps = over(repetitions, statistic, [](const ResultRow& r) { return r.gbps; });
    row.pct_of_peak = over(repetitions, statistic, [](const ResultRow& r) { return r.pct_of_peak; });
    row.counters.clear();
    for (const auto& [counter, value] : first.counters) {
      const auto x = over(repetitions, statistic, [&](const ResultRow& r) -> std::optional<double> {
        const auto it = r.counters.find(counter);
        return it == r.counters.end() ? std::nullopt : std::optional<double>(it->second);
      });
      if (x) row.counters[counter] = *x;
    }
    row.extra = shared_extra(repetitions);
    row.extra["aggregate_unit"] = row.aggregate_name == "cv" ? "percentage" : "time";
    out.push_back(std::move(row));
  }
  return out;
}

}  // namespace armperf::run
