// `armperf run --pmu` on kernel rows: PMU counts around every call gbench makes of a benchmark's
// function, turned into counts per iteration of each repetition (fields pmu_<event>, DESIGN §5).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "kernels/benchmarks.hpp"
#include "probes/pmu.hpp"

namespace armperf::run {

// One call of a benchmark's function: its iterations and the counts over the whole call.
struct CountedCall {
  std::int64_t iterations = 0;
  std::vector<std::optional<double>> counts;  // per event; nullopt: unavailable
};

// Counts per iteration of each repetition of one benchmark. gbench calls the function once per
// calibration step (1, 10, ... iterations) in the first repetition and once per further repetition,
// so the last `repetitions` calls are the reported ones. Each call also builds the family's buffers,
// so a call's count is set-up + iterations × per-iteration count: when the calls ran at two or more
// iteration counts, a least-squares line over them gives the set-up, which is subtracted (a negative
// remainder, noise around a per-iteration count of nothing, becomes 0); otherwise set-up stays in and
// setup_subtracted is false.
struct PerIterationCounts {
  std::vector<std::vector<std::optional<double>>> repetitions;  // [repetition][event]
  bool setup_subtracted = false;
};
PerIterationCounts per_iteration_counts(const std::vector<CountedCall>& calls, int repetitions,
                                        std::size_t events);

// The observer the executor installs: counts every call of the benchmark that is running.
class KernelPmu : public BenchCallObserver {
 public:
  explicit KernelPmu(const std::vector<std::string>& events) : region_(events) {}
  void begin_item() { calls_.clear(), values_ = {}, computed_ = false; }
  void before_call() override;
  void after_call(const benchmark::State& state) override;
  // Adds pmu_<event>, pmu_scope and pmu_unavailable to an iteration row of the gbench call now
  // running: its repetition's counts per iteration (repetition_index as gbench numbers it within the
  // call). Aggregates take their statistics of these counters like of any other (aggregates.hpp).
  void attach(ResultRow& row);

 private:
  probes::PmuRegion region_;
  std::vector<CountedCall> calls_;
  PerIterationCounts values_;
  bool computed_ = false;
};

}  // namespace armperf::run
