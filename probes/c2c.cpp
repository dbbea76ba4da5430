#include "probes/c2c.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <stdexcept>
#include <thread>

#include "core/isa.hpp"
#include "core/timer.hpp"
#include "probes/probe.hpp"
#include "probes/support.hpp"

namespace armperf::probes {

std::string c2c_atomic_kind() {
#if defined(__x86_64__)
  return "x86";
#elif defined(__aarch64__)
  return this_cpu().features.has("lse") ? "lse" : "llsc";
#else
  return "other";
#endif
}

namespace {

// Spins until the line holds `value`; yields now and then, so two threads sharing one PU (a test,
// an emulator) still make progress.
void await(const std::atomic<std::uint64_t>& line, std::uint64_t value) {
  for (unsigned spins = 1; line.load(std::memory_order_acquire) != value; ++spins) {
    if (spins % 4096 == 0) std::this_thread::yield();
  }
}

void take_turn(std::atomic<std::uint64_t>& line, std::uint64_t from) {
  await(line, from);
  std::uint64_t expected = from;
  if (!line.compare_exchange_strong(expected, from + 1, std::memory_order_acq_rel)) {
    throw std::logic_error(fmt::format("c2c: the line held {} instead of {}", expected, from));
  }
}

}  // namespace

PingPong ping_pong(Team& team, std::uint64_t round_trips, int samples) {
  if (team.size() != 2) throw std::invalid_argument("ping_pong needs a team of two threads");
  alignas(128) std::atomic<std::uint64_t> line{0};
  PingPong result;
  team.run([&](int t) {
    for (int s = 0; s <= samples; ++s) {
      const std::uint64_t first = static_cast<std::uint64_t>(s) * round_trips;
      team.barrier();
      const std::uint64_t start = now_ns();
      for (std::uint64_t g = first; g < first + round_trips; ++g) take_turn(line, 2 * g + static_cast<std::uint64_t>(t));
      if (t == 0) {
        await(line, 2 * (first + round_trips));  // the last turn back
        if (s > 0) result.round_trip_ns.push_back(static_cast<double>(now_ns() - start) / static_cast<double>(round_trips));
      }
    }
  });
  result.final_value = line.load();
  return result;
}

std::vector<std::pair<int, int>> c2c_pairs(const std::vector<int>& pus, std::size_t max_pairs) {
  std::vector<std::pair<int, int>> all;
  for (std::size_t i = 0; i < pus.size(); ++i) {
    for (std::size_t j = i + 1; j < pus.size(); ++j) all.emplace_back(pus[i], pus[j]);
  }
  if (all.size() <= max_pairs || max_pairs == 0) return all;
  std::vector<std::pair<int, int>> sample;
  for (std::size_t k = 0; k < max_pairs; ++k) sample.push_back(all[k * all.size() / max_pairs]);
  return sample;
}

namespace {

ProbeOutcome run_c2c(const ProbeConfig& cfg, const RowSink& sink) {
  ProbeOutcome outcome;
  const Topology& topology = Topology::binding();
  const std::vector<int> pus = topology.cpus_for(cfg.placement, 0);
  if (pus.size() < 2) {
    outcome.notes.push_back("c2c skipped: it needs two PUs, the placement has one");
    return outcome;
  }
  const std::size_t max_pairs = cfg.profile == Profile::quick ? 16 : cfg.profile == Profile::standard ? 256 : 0;
  const auto pairs = c2c_pairs(pus, max_pairs);
  const int samples = std::max(9, repetitions(cfg));
  const std::uint64_t round_trips = cfg.profile == Profile::quick ? 2000 : 10000;
  const std::string atomic = c2c_atomic_kind();
  for (const auto& [a, b] : pairs) {
    Team team({a, b});
    const PingPong pp = ping_pong(team, round_trips, samples);
    const std::string name = fmt::format("c2c/{}-{}/{}", a, b, atomic);
    if (pp.final_value != 2 * round_trips * static_cast<std::uint64_t>(samples + 1)) {
      throw std::runtime_error(fmt::format("{}: the line ended at {}, not after every turn", name, pp.final_value));
    }
    ResultRow row = probe_row(name, "c2c", "scalar", 2);
    row.placement = cfg.placement;
    row.repetitions = samples;
    row.iterations = static_cast<std::int64_t>(round_trips);
    row.real_time = row.cpu_time = median(pp.round_trip_ns);
    row.counters[row_key::latency_ns] = median(pp.round_trip_ns);
    row.counters["latency_ns_min"] = *std::min_element(pp.round_trip_ns.begin(), pp.round_trip_ns.end());
    row.counters[row_key::cpu_a] = a;
    row.counters[row_key::cpu_b] = b;
    row.extra = {{row_key::atomic, atomic}};
    if (!sink(row)) return outcome;
  }
  outcome.notes.push_back(fmt::format("latency_ns is the median round trip (two line transfers) over {} samples of {} turns; "
                                      "{} of {} pairs", samples, round_trips, pairs.size(), pus.size() * (pus.size() - 1) / 2));
  return outcome;
}

ARMPERF_REGISTER_PROBE(Probe{"c2c", "Core-to-core round trip (ns) of a cache line bounced by CAS between pinned PUs",
                             &run_c2c});

}  // namespace
}  // namespace armperf::probes
