#include "probes/loaded_latency.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <limits>
#include <thread>

#include "core/timer.hpp"
#include "probes/latency.hpp"
#include "probes/probe.hpp"
#include "probes/support.hpp"

namespace armperf::probes {

std::vector<LoadLevel> loaded_latency_levels(int pus, Profile profile) {
  std::vector<LoadLevel> levels = {{0, 0.0}};
  const int others = pus - 1;
  if (others < 1) return levels;
  std::vector<int> counts;
  if (profile != Profile::quick) {
    for (int s = 1; s < others; s *= 2) counts.push_back(s);
  }
  counts.push_back(others);
  const std::vector<double> intensities =
      profile == Profile::quick ? std::vector<double>{0.25, 0.5, 1.0} : std::vector<double>{0.1, 0.25, 0.5, 0.75, 1.0};
  for (int s : counts) {
    for (double i : intensities) levels.push_back({s, i});
  }
  return levels;
}

namespace {

// 32 Ki elements: 256 KiB per array per chunk, long enough (tens of µs) that the clock reads around
// it are noise, short enough that the duty cycle is smooth at the chaser's time scale.
constexpr std::size_t kChunkElements = std::size_t{1} << 15;

struct StreamerResult {
  double gbps = 0;
  std::uint64_t checked = 0;
  std::uint64_t wrong = 0;
};

StreamerResult stream_until(const std::atomic<bool>& stop, StreamFn fn, StreamOp op, StreamArrays& arrays, Slice mine,
                            double intensity) {
  double* z = arrays.z.as<double>();
  const double* x = arrays.x.as<double>();
  const double* y = arrays.y.as<double>();
  const double idle_per_busy = 1.0 / intensity - 1.0;
  double bytes = 0;
  std::size_t pos = mine.begin, covered = 0;
  const std::uint64_t start = now_ns();
  while (!stop.load(std::memory_order_relaxed)) {
    const std::size_t len = std::min(kChunkElements, mine.end - pos);
    const std::uint64_t t0 = now_ns();
    fn(z + pos, x + pos, y + pos, kStreamScalar, len);
    const std::uint64_t t1 = now_ns();
    bytes += stream_bytes(op, len);
    covered = std::max(covered, pos + len - mine.begin);
    pos = pos + len == mine.end ? mine.begin : pos + len;
    const auto until = t1 + static_cast<std::uint64_t>(static_cast<double>(t1 - t0) * idle_per_busy);
    while (now_ns() < until && !stop.load(std::memory_order_relaxed)) {
    }
  }
  StreamerResult r;
  r.gbps = bytes / static_cast<double>(now_ns() - start);
  r.checked = covered;
  r.wrong = stream_wrong(z, {mine.begin, mine.begin + covered}, stream_expected(op, kStreamX, kStreamY, kStreamScalar));
  return r;
}

}  // namespace

LoadedLatency measure_loaded_latency(Team& team, void* chase_start, std::size_t lines, StreamArrays& arrays,
                                     StreamFn fn, StreamOp op, double intensity, int reps, double min_seconds) {
  const int streamers = team.size() - 1;
  if (streamers > 0 && (intensity <= 0 || intensity > 1)) {
    throw std::invalid_argument(fmt::format("loaded latency: intensity {} is not in (0, 1]", intensity));
  }
  std::atomic<bool> stop{false};
  std::vector<StreamerResult> results(static_cast<std::size_t>(std::max(streamers, 0)));
  ChaseTiming timing{};
  const std::size_t n = arrays.elements();
  team.run([&](int t) {
    if (t == 0) {
      team.barrier();
      timing = time_chase(chase_start, lines, reps, min_seconds);
      stop.store(true, std::memory_order_relaxed);
      return;
    }
    const Slice mine = block_slice(n, streamers, t - 1, arrays.granule());
    std::fill(arrays.z.as<double>() + mine.begin, arrays.z.as<double>() + mine.end, std::numeric_limits<double>::quiet_NaN());
    team.barrier();
    results[static_cast<std::size_t>(t - 1)] = stream_until(stop, fn, op, arrays, mine, intensity);
  });
  LoadedLatency out;
  out.latency_ns = timing.median_ns;
  out.latency_ns_min = timing.best_ns;
  for (const auto& r : results) {
    out.gbps += r.gbps;
    out.checked += r.checked;
    out.wrong += r.wrong;
  }
  return out;
}

namespace {

// STREAM triad: reads and writes, so the streamers' results can be checked.
constexpr StreamOp kLoadOp = StreamOp::triad;

ProbeOutcome run_loaded_latency(const ProbeConfig& cfg, const RowSink& sink) {
  ProbeOutcome outcome;
  const Topology& topology = Topology::binding();
  const TopologySummary& summary = topology.summary();
  const ResolvedMembind membind = resolve_membind(cfg.membind, summary);
  if (!membind.bind) {
    outcome.notes.push_back(membind.note);
    return outcome;
  }
  std::vector<Isa> candidates;
  for (const auto& k : bandwidth_kernels()) candidates.push_back(k.isa);
  const Isa isa = select_isas(candidates, Profile::quick, outcome.notes).front();
  const StreamFn fn = bandwidth_kernels_for(isa)->get(kLoadOp);
  const std::vector<int> pus = topology.cpus_for(cfg.placement, 0);
  const int reps = std::max(5, repetitions(cfg));
  const double min_seconds = cfg.profile == Profile::quick ? 0.002 : 0.01;
  std::uint64_t memory = 0;
  for (const auto& node : summary.numa) memory += node.memory_bytes;
  int line = 64;
  for (const auto& c : summary.caches) line = std::max(line, c.line_bytes);

  // The chase: beyond every cache (quick 64 MiB, else 256 MiB); the streamers' arrays: memory_array_bytes.
  // --sizes S sets both (its first entry), for small test runs.
  const std::uint64_t chase_bytes = !cfg.sizes.empty() ? static_cast<std::uint64_t>(cfg.sizes.front())
                                    : cfg.profile == Profile::quick ? 64ull << 20
                                                                    : 256ull << 20;
  const std::size_t lines = std::max<std::size_t>(2, chase_bytes / static_cast<std::uint64_t>(line));
  Buffer chase(lines * static_cast<std::size_t>(line), BufferOptions{*membind.bind, false});
  {
    Team chaser({pus.front()});
    chaser.run([&](int) { build_chase(chase.data(), lines, static_cast<std::size_t>(line), 0x5eed + chase_bytes); });
  }

  int arrays_for = -1;
  StreamArrays arrays;
  for (const LoadLevel& level : loaded_latency_levels(static_cast<int>(pus.size()), cfg.profile)) {
    const std::vector<int> streamer_pus(pus.begin() + 1, pus.begin() + 1 + level.streamers);
    if (level.streamers > 0 && level.streamers != arrays_for) {
      Team streamers(streamer_pus);  // the streamers first-touch their own blocks
      const std::uint64_t bytes =
          !cfg.sizes.empty() ? chase_bytes
                             : memory_array_bytes(summary, level.streamers, cfg.profile, memory, outcome.notes);
      arrays = make_stream_arrays(bytes, *membind.bind, streamers);
      arrays_for = level.streamers;
    }
    std::vector<int> team_pus = {pus.front()};
    team_pus.insert(team_pus.end(), streamer_pus.begin(), streamer_pus.end());
    Team team(team_pus);
    const LoadedLatency m = measure_loaded_latency(team, chase.data(), lines, arrays, fn, kLoadOp, level.intensity, reps,
                                                   min_seconds);
    const std::string name = fmt::format("loaded_latency/{}/{}s/{:.2f}/{}", isa_name(isa), level.streamers, level.intensity,
                                         membind.name);
    if (m.wrong > 0) {
      throw std::runtime_error(fmt::format("{}: validation failed: {} of {} streamed values wrong", name, m.wrong, m.checked));
    }
    if (level.streamers > 0 && m.checked == 0) {
      throw std::runtime_error(fmt::format("{}: the streamers finished no chunk during the chase", name));
    }
    ResultRow row = probe_row(name, "loaded_latency", std::string(isa_name(isa)), 1 + level.streamers);
    row.placement = cpu_list_text(team_pus);
    row.membind = membind.name;
    row.size = chase_bytes;
    row.repetitions = reps;
    row.real_time = row.cpu_time = m.latency_ns;
    row.gbps = m.gbps;
    row.counters[row_key::latency_ns] = m.latency_ns;
    row.counters["latency_ns_min"] = m.latency_ns_min;
    row.counters[row_key::streamers] = level.streamers;
    row.counters[row_key::intensity] = level.intensity;
    row.extra = {{"stream_op", std::string(stream_op_info(kLoadOp).name)}};
    if (!sink(row)) return outcome;
  }
  if (pus.size() < 2) outcome.notes.push_back("loaded_latency: one PU in the placement, only the idle point");
  outcome.notes.push_back(fmt::format("latency_ns: median of {} chases of {} on PU {}; gbps: STREAM {} ({}) by the streamers; "
                                      "intensity: the streamers' duty cycle", reps, bytes_text(chase_bytes), pus.front(),
                                      stream_op_info(kLoadOp).name, isa_name(isa)));
  unique_notes(outcome.notes);
  return outcome;
}

ARMPERF_REGISTER_PROBE(Probe{"loaded_latency",
                             "Latency (ns) of one core's pointer chase while the other cores stream STREAM triad at "
                             "rising intensity, with the GB/s they reach",
                             &run_loaded_latency});

}  // namespace
}  // namespace armperf::probes
