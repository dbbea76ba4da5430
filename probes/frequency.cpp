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
constexpr std::uint64_t kBlock = 128;  // adds per loop iteration: the loop's own branch hides behind them
}

AddChainRun run_add_chain(std::uint64_t adds) {
  const std::uint64_t blocks = std::max<std::uint64_t>(1, (adds + kBlock - 1) / kBlock);
  std::uint64_t value = 0;
  const std::uint64_t start = now_ns();
  for (std::uint64_t b = 0; b < blocks; ++b) {
#if defined(__x86_64__)
    asm volatile(".rept 128\n\taddq $1, %0\n\t.endr" : "+r"(value));
#elif defined(__aarch64__)
    asm volatile(".rept 128\n\tadd %0, %0, #1\n\t.endr" : "+r"(value));
#else
#error "run_add_chain: no add chain for this architecture"
#endif
  }
  const std::uint64_t stop = now_ns();
  return {blocks * kBlock, value, static_cast<double>(stop - start) * 1e-9};
}

double measure_ghz(double min_seconds) {
  // Calibrate on a short run, then time 16 runs of min_seconds / 16 and keep the fastest: on a shared
  // core most runs lose time to other processes, and one that ran undisturbed is enough.
  constexpr int kRuns = 16;
  std::uint64_t adds = 1 << 16;
  AddChainRun run = run_add_chain(adds);
  while (run.seconds < min_seconds / (4 * kRuns)) run = run_add_chain(adds *= 4);
  adds = static_cast<std::uint64_t>(static_cast<double>(adds) * (min_seconds / kRuns) / run.seconds) + 1;
  double best = 0;
  for (int i = 0; i < kRuns; ++i) {
    run = run_add_chain(adds);
    best = std::max(best, static_cast<double>(run.adds) / run.seconds * 1e-9);
  }
  return best;
}

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
    ResultRow row = probe_row(fmt::format("frequency/{}t/{}", threads, cfg.placement), "frequency", "scalar", threads);
    row.placement = cfg.placement;
    row.repetitions = reps;
    row.counters[row_key::ghz] = median(per_rep);
    row.counters["ghz_min"] = *std::min_element(per_rep.begin(), per_rep.end());
    row.counters["ghz_max"] = *std::max_element(per_rep.begin(), per_rep.end());
    row.real_time = row.cpu_time = seconds * 1e9;
    if (!sink(row)) break;
  }
  outcome.notes.push_back("GHz = dependent 1-cycle adds per ns, median over cores and repetitions (ghz_min/ghz_max: range)");
  unique_notes(outcome.notes);
  return outcome;
}

ARMPERF_REGISTER_PROBE(Probe{"frequency", "Effective core GHz from a dependent add chain, one core vs all cores busy",
                             &run_frequency});

}  // namespace
}  // namespace armperf::probes
