#include "probes/numa.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/buffer.hpp"
#include "core/team.hpp"
#include "probes/bandwidth.hpp"
#include "probes/latency.hpp"
#include "probes/support.hpp"

namespace armperf::probes {

std::vector<NumaCell> numa_cells(const Topology& topology) {
  const std::vector<int> compact = topology.cpus_for("compact", 0);
  const auto& nodes = topology.summary().numa;
  std::vector<NumaCell> cells;
  for (const auto& from : nodes) {
    std::vector<int> pus;
    for (int pu : compact) {
      if (std::find(from.cpus.begin(), from.cpus.end(), pu) != from.cpus.end()) pus.push_back(pu);
    }
    if (pus.empty()) continue;
    for (const auto& to : nodes) {
      if (to.memory_bytes > 0) cells.push_back({from.node, to.node, pus});
    }
  }
  return cells;
}

std::vector<int> numa_thread_counts(std::size_t pus, const ProbeConfig& cfg, std::vector<std::string>& notes) {
  const int all = static_cast<int>(pus);
  std::vector<int> wanted = cfg.threads;
  if (wanted.empty()) wanted = cfg.profile == Profile::quick ? std::vector<int>{all} : std::vector<int>{1, all};
  std::vector<int> counts;
  for (int n : wanted) {
    if (n > all) {
      notes.push_back(fmt::format("{} threads skipped: a NUMA node has {} PUs", n, all));
    } else if (n >= 1 && std::find(counts.begin(), counts.end(), n) == counts.end()) {
      counts.push_back(n);
    }
  }
  return counts;
}

namespace {

// STREAM triad: two reads and a write per element, the usual figure for a memory path.
constexpr StreamOp kNumaOp = StreamOp::triad;

std::uint64_t node_memory(const TopologySummary& topology, int node) {
  for (const auto& n : topology.numa) {
    if (n.node == node) return n.memory_bytes;
  }
  return 0;
}

// DRAM latency: a chase well beyond the caches (quick: 64 MiB; else 256 MiB, DESIGN §4), at most a
// quarter of the node's memory.
std::uint64_t chase_bytes(Profile profile, std::uint64_t node_memory_bytes) {
  const std::uint64_t wanted = profile == Profile::quick ? 64ull << 20 : 256ull << 20;
  return node_memory_bytes > 0 ? std::min(wanted, node_memory_bytes / 4) : wanted;
}

ProbeOutcome run_numa(const ProbeConfig& cfg, const RowSink& sink) {
  ProbeOutcome outcome;
  const Topology& topology = Topology::binding();
  const TopologySummary& summary = topology.summary();
  std::vector<Isa> candidates;
  for (const auto& k : bandwidth_kernels()) candidates.push_back(k.isa);
  const Isa isa = select_isas(candidates, Profile::quick, outcome.notes).front();
  const StreamFn triad = bandwidth_kernels_for(isa)->get(kNumaOp);
  const std::string op_name(stream_op_info(kNumaOp).name);
  const int reps = repetitions(cfg);
  int line = 64;
  for (const auto& c : summary.caches) line = std::max(line, c.line_bytes);
  if (cfg.membind != "local") outcome.notes.push_back("numa: --membind ignored, the probe binds memory to every node in turn");

  for (const NumaCell& cell : numa_cells(topology)) {
    const MemBind bind{MemBind::Kind::node, cell.to_node};
    const std::uint64_t memory = node_memory(summary, cell.to_node);
    for (int threads : numa_thread_counts(cell.from_pus.size(), cfg, outcome.notes)) {
      const std::vector<int> pus(cell.from_pus.begin(), cell.from_pus.begin() + threads);
      Team team(pus);
      std::vector<std::uint64_t> sizes(cfg.sizes.begin(), cfg.sizes.end());
      if (sizes.empty()) sizes.push_back(memory_array_bytes(summary, threads, cfg.profile, memory, outcome.notes));
      for (std::uint64_t bytes : sizes) {
        StreamArrays arrays = make_stream_arrays(bytes, bind, team);
        if (!arrays.x.membind_applied()) outcome.notes.push_back(fmt::format("node:{}: {}", cell.to_node, arrays.x.membind_status()));
        const std::size_t n = arrays.elements();
        const std::uint64_t inner = stream_inner_passes(kNumaOp, n, cfg.profile);
        const std::string name = fmt::format("numa_bw/{}/{}/{}/{}t/{}", cell.from_node, cell.to_node, isa_name(isa), threads, bytes);
        const StreamTiming timing = time_stream_op(team, triad, kNumaOp, arrays.z.as<double>(), arrays.x.as<double>(),
                                                   arrays.y.as<double>(), n, arrays.granule(), reps, inner);
        const double best = best_stream_seconds(timing, kNumaOp, n, name);
        ResultRow row = probe_row(name, "numa_bw", std::string(isa_name(isa)), threads);
        row.dtype = "f64";
        row.placement = cpu_list_text(pus);
        row.membind = membind_name(bind);
        row.size = bytes;
        row.repetitions = reps;
        row.iterations = static_cast<std::int64_t>(inner);
        row.real_time = row.cpu_time = best * 1e9;
        row.gbps = stream_bytes(kNumaOp, n) / best * 1e-9;
        row.counters[row_key::from_node] = cell.from_node;
        row.counters[row_key::to_node] = cell.to_node;
        row.counters[row_key::gbps_median] = stream_bytes(kNumaOp, n) / median(timing.seconds) * 1e-9;
        row.extra = {{"stream_op", op_name}};
        if (!sink(row)) return outcome;
      }
    }

    std::vector<std::uint64_t> chases(cfg.sizes.begin(), cfg.sizes.end());
    if (chases.empty()) chases.push_back(chase_bytes(cfg.profile, memory));
    Team chaser({cell.from_pus.front()});
    for (std::uint64_t bytes : chases) {
      const std::size_t lines = std::max<std::size_t>(2, bytes / static_cast<std::uint64_t>(line));
      Buffer buffer(lines * static_cast<std::size_t>(line), BufferOptions{bind, false});
      ChaseTiming timing{};
      chaser.run([&](int) {
        build_chase(buffer.data(), lines, static_cast<std::size_t>(line), 0x5eed + bytes);
        timing = time_chase(buffer.data(), lines, std::max(5, reps), cfg.profile == Profile::quick ? 0.002 : 0.01);
      });
      ResultRow row = probe_row(fmt::format("numa_latency/{}/{}/{}", cell.from_node, cell.to_node, bytes), "numa_latency",
                                "scalar", 1);
      row.placement = cpu_list_text({cell.from_pus.front()});
      row.membind = membind_name(bind);
      row.size = bytes;
      row.repetitions = std::max(5, reps);
      row.real_time = row.cpu_time = timing.best_ns;
      row.counters[row_key::latency_ns] = timing.best_ns;
      row.counters["latency_ns_median"] = timing.median_ns;
      row.counters[row_key::from_node] = cell.from_node;
      row.counters[row_key::to_node] = cell.to_node;
      if (!sink(row)) return outcome;
    }
  }
  outcome.notes.push_back(fmt::format("numa_bw: STREAM {} ({}), best of {}; numa_latency: fastest of the chases, 4 KiB pages",
                                      op_name, isa_name(isa), reps));
  unique_notes(outcome.notes);
  return outcome;
}

ARMPERF_REGISTER_PROBE(Probe{"numa",
                             "Node x node matrices: STREAM triad GB/s and chase latency (ns) with threads on node i, "
                             "memory bound to node j",
                             &run_numa});

}  // namespace
}  // namespace armperf::probes
