#include "tools/run/row_reporter.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace armperf::run {
namespace {

bool is_row_field(const std::string& key) {
  const auto keys = row_keys();
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

nlohmann::json size_of(const PlanItem& item) {
  const auto& shape = item.shape;
  const bool elements = shape.dims.size() == 1 && shape.size == std::to_string(shape.dims[0]);
  if (elements && item.variant->bytes_per_element > 0) {
    return static_cast<std::uint64_t>(double(shape.dims[0]) * item.variant->bytes_per_element);
  }
  return shape.size;
}

std::string point_suffix(const SweepPoint& point) {
  return point == SweepPoint{} ? std::string() : fmt::format("/{}", point_key(point));
}

}  // namespace

ResultRow kernel_row(const benchmark::BenchmarkReporter::Run& run, const PlanItem& item) {
  const KernelVariant& variant = *item.variant;
  const std::string suffix = point_suffix(item.point);
  ResultRow row;
  row.name = run.benchmark_name() + suffix;
  row.run_name = run.run_name.str() + suffix;
  row.run_type = RunType::iteration;
  row.repetitions = std::max<std::int64_t>(1, run.repetitions);
  row.repetition_index = std::max<std::int64_t>(0, run.repetition_index);
  row.threads = item.point.threads;
  row.iterations = run.iterations;
  row.real_time = run.GetAdjustedRealTime();
  row.cpu_time = run.GetAdjustedCPUTime();
  row.time_unit = benchmark::GetTimeUnitString(run.time_unit);
  row.label = run.report_label;
  if (run.error_occurred) row.error_message = run.error_message.empty() ? "error" : run.error_message;
  row.suite = row_value::kernel;
  row.op = variant.op;
  row.impl = variant.impl;
  row.isa = variant.reported_isa();
  row.dtype = variant.dtype;
  row.placement = item.point.placement;
  row.membind = item.point.membind;
  row.size = size_of(item);
  for (const auto& [key, counter] : run.counters) {
    const double value = counter.value;
    if (!std::isfinite(value)) continue;
    if (key == row_key::gbps) {
      row.gbps = value;
    } else if (key == row_key::gflops) {
      row.gflops = value;
    } else if (key == row_key::pct_of_peak) {
      row.pct_of_peak = value;
    } else if (key == row_key::threads) {
      if (value >= 1) row.threads = static_cast<std::int64_t>(value);
    } else {
      row.counters[is_row_field(key) ? fmt::format("counter.{}", key) : key] = value;
    }
  }
  row.extra = {{kItemKey, item.key}, {"family", item.family}, {"variant", variant.name}};
  return row;
}

RowReporter::RowReporter(Sink sink, benchmark::BenchmarkReporter* raw) : sink_(std::move(sink)), raw_(raw) {}

bool RowReporter::ReportContext(const Context& context) {
  if (!context_reported_ && raw_ != nullptr) raw_->ReportContext(context);
  context_reported_ = true;
  return true;
}

void RowReporter::ReportRuns(const std::vector<Run>& runs) {
  if (item_ == nullptr) throw std::logic_error("RowReporter: a benchmark ran outside a plan item");
  if (raw_ != nullptr) raw_->ReportRuns(runs);
  for (const Run& run : runs) {
    // gbench's aggregates cover one call's repetitions only; the executor aggregates all of an
    // item's (tools/run/aggregates.hpp).
    if (run.run_type == Run::RT_Aggregate) continue;
    sink_(kernel_row(run, *item_), *item_);
    ++rows_;
  }
}

void RowReporter::finish() {
  if (raw_ != nullptr && context_reported_) raw_->Finalize();
}

}  // namespace armperf::run
