#include "probes/bandwidth.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "core/buffer.hpp"
#include "core/timer.hpp"
#include "probes/memory.hpp"
#include "probes/probe.hpp"
#include "probes/support.hpp"

namespace armperf::probes {

std::vector<WorkingSet> bandwidth_working_sets(const TopologySummary& topology, int threads, Profile profile,
                                               std::uint64_t memory_bytes, std::vector<std::string>& notes) {
  constexpr std::uint64_t kArrays = 3, kLine = 64;
  std::vector<WorkingSet> sets;
  std::uint64_t llc_total = 0;
  for (const auto& cache : topology.caches) {
    if (cache.type == "instruction" || cache.size_bytes == 0) continue;
    // Compact placement: an instance serves at most min(threads, its PUs) of the team.
    const int sharers = std::clamp(cache.shared_by_pus, 1, threads);
    const std::uint64_t share = cache.size_bytes / static_cast<std::uint64_t>(sharers);
    std::uint64_t per_thread = share / 2 / kArrays / kLine * kLine;
    const std::uint64_t bytes = per_thread * static_cast<std::uint64_t>(threads);
    if (bytes > 0 && (sets.empty() || bytes > sets.back().array_bytes)) {
      sets.push_back({fmt::format("L{}", cache.level), bytes});
    }
    llc_total = cache.size_bytes * static_cast<std::uint64_t>(std::max(1, cache.count));
  }
  std::uint64_t dram = std::max<std::uint64_t>(4 * llc_total, 64ull << 20);
  const std::uint64_t profile_cap = profile == Profile::quick      ? 128ull << 20
                                    : profile == Profile::standard ? 1ull << 30
                                                                   : std::numeric_limits<std::uint64_t>::max();
  const std::uint64_t memory_cap = memory_bytes > 0 ? memory_bytes / 4 / kArrays / (1 << 20) * (1 << 20)
                                                    : std::numeric_limits<std::uint64_t>::max();
  if (std::min(profile_cap, memory_cap) < dram) {
    dram = std::min(profile_cap, memory_cap);
    notes.push_back(fmt::format("DRAM arrays of {} are below STREAM's 4 x last-level cache ({}): capped by the {}",
                                bytes_text(dram), bytes_text(4 * llc_total),
                                profile_cap <= memory_cap ? std::string(profile_name(profile)) + " profile"
                                                          : std::string("memory size")));
  }
  if (sets.empty() || dram > sets.back().array_bytes) sets.push_back({"DRAM", dram});
  return sets;
}

std::uint64_t memory_array_bytes(const TopologySummary& topology, int threads, Profile profile,
                                 std::uint64_t memory_bytes, std::vector<std::string>& notes) {
  std::vector<std::string> set_notes;  // the 4 x LLC rule is the bandwidth probe's, not these probes'
  const std::uint64_t largest = bandwidth_working_sets(topology, threads, profile, memory_bytes, set_notes).back().array_bytes;
  if (profile != Profile::quick || largest <= (64ull << 20)) return largest;
  notes.push_back("quick profile: streaming arrays of 64 MiB each");
  return 64ull << 20;
}

StreamTiming time_stream_op(Team& team, StreamFn fn, StreamOp op, double* z, const double* x, const double* y,
                            std::size_t n, std::size_t granule, int repetitions, std::uint64_t inner) {
  const int threads = team.size();
  const double expected = stream_expected(op, kStreamX, kStreamY, kStreamScalar);
  StreamTiming timing;
  timing.seconds.assign(static_cast<std::size_t>(repetitions) + 1, 0.0);
  std::vector<std::uint64_t> wrong(static_cast<std::size_t>(threads), 0);
  team.run([&](int t) {
    const Slice mine = block_slice(n, threads, t, granule);
    std::fill(z + mine.begin, z + mine.end, std::numeric_limits<double>::quiet_NaN());
    const double expected_sum = expected * static_cast<double>(mine.size());
    std::uint64_t bad_sums = 0;
    for (std::size_t r = 0; r < timing.seconds.size(); ++r) {
      team.barrier();
      const std::uint64_t start = t == 0 ? now_ns() : 0;
      for (std::uint64_t k = 0; k < inner; ++k) {
        const double sum = fn(z + mine.begin, x + mine.begin, y + mine.begin, kStreamScalar, mine.size());
        if (op == StreamOp::read && sum != expected_sum) ++bad_sums;
      }
      team.barrier();
      if (t == 0) timing.seconds[r] = static_cast<double>(now_ns() - start) * 1e-9 / static_cast<double>(inner);
    }
    wrong[static_cast<std::size_t>(t)] = bad_sums + (op != StreamOp::read ? stream_wrong(z, mine, expected) : 0);
  });
  timing.seconds.erase(timing.seconds.begin());
  for (auto w : wrong) timing.wrong += w;
  return timing;
}

std::uint64_t stream_wrong(const double* z, Slice part, double expected) {
  return static_cast<std::uint64_t>(std::count_if(z + part.begin, z + part.end, [&](double v) { return v != expected; }));
}

std::uint64_t stream_inner_passes(StreamOp op, std::size_t n, Profile profile) {
  const double target = profile == Profile::quick ? 16e6 : 128e6;
  return std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(target / stream_bytes(op, n))));
}

StreamArrays make_stream_arrays(std::uint64_t bytes, const MemBind& bind, Team& team) {
  BufferOptions options;
  options.membind = bind;
  StreamArrays a{Buffer(bytes, options), Buffer(bytes, options), Buffer(bytes, options)};
  for (Buffer* b : {&a.x, &a.y, &a.z}) b->first_touch(team);
  const std::size_t n = a.elements();
  team.run([&](int t) {
    const Slice mine = block_slice(n, team.size(), t, a.granule());
    std::fill(a.x.as<double>() + mine.begin, a.x.as<double>() + mine.end, kStreamX);
    std::fill(a.y.as<double>() + mine.begin, a.y.as<double>() + mine.end, kStreamY);
  });
  return a;
}

double best_stream_seconds(const StreamTiming& timing, StreamOp op, std::size_t n, const std::string& name) {
  if (timing.wrong > 0) {
    throw std::runtime_error(fmt::format("{}: validation failed: {} of {} values wrong (expected {})", name,
                                         timing.wrong, n, stream_expected(op, kStreamX, kStreamY, kStreamScalar)));
  }
  return *std::min_element(timing.seconds.begin(), timing.seconds.end());
}

namespace {

ProbeOutcome run_bandwidth(const ProbeConfig& cfg, const RowSink& sink) {
  ProbeOutcome outcome;
  const Topology& topology = Topology::binding();
  const ResolvedMembind membind = resolve_membind(cfg.membind, topology.summary());
  if (!membind.bind) {
    outcome.notes.push_back(membind.note);
    return outcome;
  }
  std::vector<Isa> candidates;
  for (const auto& k : bandwidth_kernels()) candidates.push_back(k.isa);
  const std::vector<Isa> isas = select_isas(candidates, cfg.profile, outcome.notes);
  const int reps = repetitions(cfg);
  std::uint64_t memory = 0;
  for (const auto& node : topology.summary().numa) memory += node.memory_bytes;

  for (int threads : thread_counts(cfg, topology, outcome.notes)) {
    Team team(topology.cpus_for(cfg.placement, threads));
    std::vector<WorkingSet> sets;
    for (auto bytes : cfg.sizes) sets.push_back({"user", static_cast<std::uint64_t>(bytes)});
    if (sets.empty()) sets = bandwidth_working_sets(topology.summary(), threads, cfg.profile, memory, outcome.notes);
    for (const auto& set : sets) {
      StreamArrays arrays = make_stream_arrays(set.array_bytes, *membind.bind, team);
      if (!arrays.x.membind_applied() && membind.bind->kind != MemBind::Kind::local) {
        outcome.notes.push_back(fmt::format("{}: {}", membind.name, arrays.x.membind_status()));
      }
      const std::size_t n = set.array_bytes / sizeof(double);
      for (Isa isa : isas) {
        const BandwidthKernels& kernels = *bandwidth_kernels_for(isa);
        for (const auto& info : stream_ops()) {
          const StreamFn fn = kernels.get(info.op);
          if (fn == nullptr) continue;
          const std::uint64_t inner = stream_inner_passes(info.op, n, cfg.profile);
          const StreamTiming timing = time_stream_op(team, fn, info.op, arrays.z.as<double>(), arrays.x.as<double>(),
                                                     arrays.y.as<double>(), n, arrays.granule(), reps, inner);
          const std::string name = fmt::format("bandwidth/{}/{}/{}t/{}/{}/{}", info.name, isa_name(isa), threads,
                                               cfg.placement, membind.name, set.array_bytes);
          const double best = best_stream_seconds(timing, info.op, n, name);
          ResultRow row = probe_row(name, info.name.data(), std::string(isa_name(isa)), threads);
          row.dtype = "f64";
          row.placement = cfg.placement;
          row.membind = membind.name;
          row.size = set.array_bytes;
          row.repetitions = reps;
          row.iterations = static_cast<std::int64_t>(inner);
          row.real_time = row.cpu_time = best * 1e9;
          row.gbps = stream_bytes(info.op, n) / best * 1e-9;
          row.counters[row_key::gbps_with_write_allocate] = stream_bytes_with_write_allocate(info.op, n) / best * 1e-9;
          row.counters[row_key::gbps_median] = stream_bytes(info.op, n) / median(timing.seconds) * 1e-9;
          if (const auto& peak = this_dram_peak()) row.counters[row_key::pct_of_dram_peak] = 100.0 * *row.gbps / peak->gbps;
          row.extra = {{row_key::level, set.level}};
          if (!sink(row)) return outcome;
        }
      }
    }
  }
  for (Isa isa : isas) {
    if (bandwidth_kernels_for(isa)->get(StreamOp::triad_nt) == nullptr) {
      outcome.notes.push_back(fmt::format("{}: no non-temporal ops (they need a vector store)", isa_name(isa)));
    }
  }
  unique_notes(outcome.notes);
  return outcome;
}

ARMPERF_REGISTER_PROBE(Probe{"bandwidth",
                             "STREAM read/write/copy/scale/add/triad (+ non-temporal) GB/s per ISA, threads, "
                             "placement, membind and working set (L1..DRAM)",
                             &run_bandwidth});

}  // namespace
}  // namespace armperf::probes
