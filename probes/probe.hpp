// What a probe is (DESIGN §4): a named measurement of the machine with a one-line description,
// run with a ProbeConfig, producing result rows (core/result.hpp) as it goes. Each probe file
// registers itself with ARMPERF_REGISTER_PROBE; `armperf list probes`, `armperf probe NAME` and
// `armperf run` all read this registry — there is no other list of probes.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/profile.hpp"

namespace armperf {

struct ProbeConfig {
  Profile profile = Profile::quick;
  std::vector<int> threads;            // thread counts to sweep; empty: the probe's default for the profile
  std::string placement = "compact";   // "compact", "spread" or an explicit PU list ("0-3,8")
  std::string membind = "local";       // "local", "remote", "interleave" or "node:N"
  std::vector<std::int64_t> sizes;     // bytes; empty: derived from the topology's caches
  int repetitions = 0;                 // 0: the profile's default
  std::vector<std::string> pmu_events; // libpfm4 names to attach to each row, where counters open
  std::string pairs;                   // c2c: "all", a count, or empty for the probe's default
};

// Receives each row as soon as it is measured (so results survive an interrupt). Returns false
// when the run should stop early (an interrupt arrived): the probe then returns promptly.
using RowSink = std::function<bool(const ResultRow&)>;

struct ProbeOutcome {
  std::vector<std::string> notes;  // what the reader should know: skipped parts and why, suspect values
};

struct Probe {
  std::string name;         // "bandwidth", "latency", "c2c", ...
  std::string description;  // one line, shown by `armperf list probes`
  ProbeOutcome (*run)(const ProbeConfig&, const RowSink&) = nullptr;
};

// Runs a probe; with config.pmu_events, every row it produces gets the PMU counts of the work since
// its previous row (probes/pmu.hpp, PmuRowCounter), so every probe has --pmu without knowing of it.
// armperf probe and armperf run call probes through this.
ProbeOutcome run_probe(const Probe& probe, const ProbeConfig& config, const RowSink& sink);

class ProbeRegistry {
 public:
  static ProbeRegistry& instance();
  bool add(Probe probe);  // returns true so it can initialise a static; throws on a duplicate name
  const std::vector<Probe>& probes() const { return probes_; }
  const Probe* find(const std::string& name) const;

 private:
  std::vector<Probe> probes_;
};

}  // namespace armperf

#define ARMPERF_PROBE_CONCAT_INNER(a, b) a##b
#define ARMPERF_PROBE_CONCAT(a, b) ARMPERF_PROBE_CONCAT_INNER(a, b)
#define ARMPERF_REGISTER_PROBE(...)                                                     \
  [[maybe_unused]] static const bool ARMPERF_PROBE_CONCAT(armperf_probe_registered_, __LINE__) = \
      ::armperf::ProbeRegistry::instance().add(__VA_ARGS__)
