// What reports work on (DESIGN §5): a run is one result file — its context and its benchmarks; a benchmark
// gathers every row of one benchmark (repetitions and aggregates) into metrics with all their samples.
// Times are held in nanoseconds whatever the file's time_unit; rates in their base unit (B/s, items/s,
// GB/s, GFLOP/s), so two files always compare in the same unit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace armperf::reports {

enum class Better { lower, higher };

// DESIGN §7: a coefficient of variation above 5 % marks a result noisy.
inline constexpr double kNoisyCv = 0.05;

struct Metric {
  std::string name;  // real_time, cpu_time, gflops, gbps, bytes_per_second, items_per_second, a counter
  std::string unit;  // ns, GFLOP/s, GB/s, B/s, items/s, or "" for a counter without a known unit
  Better better = Better::lower;
  std::vector<double> samples;  // one per repetition row, finite values only
  // The repetition_index of each sample (parallel to samples). In a run measured in rounds
  // (Run::interleaved), equal indices of two benchmarks were measured in the same round.
  std::vector<std::int64_t> sample_repetitions;
  // Aggregate rows as the file reported them: the only data when it holds no per-repetition rows.
  std::optional<double> reported_mean, reported_median, reported_stddev, reported_cv;

  double center() const;  // median of the samples, else the reported median, else the reported mean
  double cv() const;      // of the samples (n >= 2), else the reported cv, else stddev / mean; NaN if unknown
};

struct Benchmark {
  std::string key;     // what rows of different files are matched by
  std::string name;    // as the file names it (run_name, without aggregate suffixes)
  std::string family;  // armperf: op; gbench: the name up to its first '/'
  // armperf fields (DESIGN §5), empty in plain Google Benchmark files.
  std::string suite, op, impl, isa, dtype, size, placement, membind;
  int threads = 0;  // 0: not stated
  std::vector<Metric> metrics;
  std::string error;  // error_message of a benchmark that did not run (e.g. "isa unsupported: sve")
  int repetitions = 0;  // as declared by the file (0: not stated)
  // The row's other fields that are strings or booleans ("true"/"false"), as the first row of the
  // benchmark has them: an accuracy row's within_bound and argmax_input_bits, a probe's page size.
  std::map<std::string, std::string> fields;

  const Metric* metric(std::string_view name) const;
  // The metric a comparison is about: the first of gflops, gbps, bytes_per_second, items_per_second, real_time
  // that the benchmark has (a throughput when it has one, since that is what it was written to measure).
  const Metric* primary() const;
  std::string field(std::string_view name) const;  // "" when absent
};

struct Run {
  std::string path;
  // Context as strings, by top-level key: strings as they are, anything else as compact JSON.
  std::map<std::string, std::string> context;
  std::vector<Benchmark> benchmarks;
  // The file was cut off (a killed run): benchmarks hold its complete rows only (core/result.hpp).
  bool recovered = false;
  // Measured in rounds (`armperf run --order rounds`, the context's armperf_run.plan.interleaved): round r
  // ran repetition r of every kernel benchmark, so samples of one index can be paired across benchmarks.
  bool interleaved = false;

  const Benchmark* find(std::string_view key) const;
  std::string context_value(std::string_view key) const;  // "" when absent
};

}  // namespace armperf::reports
