#include "probes/frequency.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/team.hpp"
#include "core/timer.hpp"
#include "probes/probe.hpp"
#include "probes/support.hpp"

namespace armperf::probes {

namespace {

ProbeOutcome run_frequency(const ProbeConfig& cfg, const RowSink& sink) {
  ProbeOutcome outcome;
  const Topology& topology = Topology::binding();
  const int reps = repetitions(cfg);
  const double seconds = cfg.profile == Profile::quick ? 0.02 : 0.1;
  for (int threads : thread_counts(cfg, topology, outcome.notes)) {
    const std::vector<int> cpus = topology.cpus_for(cfg.placement, threads);
    Team team(cpus);
    std::vector<double> ghz(static_cast<std::size_t>(threads));
    std::vector<double> per_rep;
    for (int r = 0; r < reps; ++r) {
      team.run([&](int t) {
        team.barrier();  // all cores busy at once: the all-core frequency, not one after the other
        ghz[static_cast<std::size_t>(t)] = measure_ghz(seconds);
      });
      per_rep.insert(per_rep.end(), ghz.begin(), ghz.end());
    }
    ResultRow row =
        probe_row(fmt::format("frequency/{}t/{}", threads, cfg.placement), "frequency", "scalar", threads);
    row.placement = cfg.placement;
    row.repetitions = reps;
    row.counters[row_key::ghz] = median(per_rep);
    if (const std::string doubt = implausible_clock(median(per_rep)); !doubt.empty())
      outcome.notes.push_back(doubt);
    row.counters["ghz_min"] = *std::min_element(per_rep.begin(), per_rep.end());
    row.counters["ghz_max"] = *std::max_element(per_rep.begin(), per_rep.end());
    row.real_time = row.cpu_time = seconds * 1e9;
    if (!sink(row)) break;
  }
  outcome.notes.push_back(
      "GHz = dependent 1-cycle adds per ns, median over cores and repetitions (ghz_min/ghz_max: range)");
  unique_notes(outcome.notes);
  return outcome;
}

ARMPERF_REGISTER_PROBE(Probe{"frequency",
                             "Effective core GHz from a dependent add chain, one core vs all cores busy",
                             &run_frequency});

}  // namespace
}  // namespace armperf::probes
