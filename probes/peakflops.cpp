#include "probes/peakflops.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "core/team.hpp"
#include "core/timer.hpp"
#include "probes/frequency.hpp"
#include "probes/kernels/peakflops.hpp"
#include "probes/probe.hpp"
#include "probes/support.hpp"

namespace armperf::probes {

namespace {
std::vector<FmaKernel>& fma_kernel_list() {
  static std::vector<FmaKernel> list;
  return list;
}
}  // namespace

bool register_fma_kernel(const FmaKernel& kernel) {
  auto& list = fma_kernel_list();
  for (const auto& k : list) {
    if (k.isa == kernel.isa && k.dtype == kernel.dtype) throw std::logic_error("FMA kernel registered twice");
  }
  list.push_back(kernel);
  std::sort(list.begin(), list.end(), [](const FmaKernel& a, const FmaKernel& b) {
    return isa_rank(a.isa) != isa_rank(b.isa) ? isa_rank(a.isa) < isa_rank(b.isa) : a.dtype > b.dtype;
  });
  return true;
}

const std::vector<FmaKernel>& fma_kernels() { return fma_kernel_list(); }

namespace {

// Every timed window is short next to a scheduler time slice (a few ms): on a shared or virtual
// machine a long run measures the share of the core this thread got, not the FMA pipes (a 2-core
// Zen 5 VM with ~6 runnable processes: one 50 ms run per repetition read 44-50 % of the peak, 0.5 ms
// windows 99.7-99.9 % back to back). The fastest window is compared with the fastest clock of
// measure_ghz, the same statistic over windows of about the same length; gflops_median shows the
// typical window.
constexpr double kWindowSeconds = 0.5e-3;
constexpr const char* kClockSource =
    "the fastest of the frequency probe's dependent-add-chain clocks measured beside the windows, same "
    "threads busy";

// Iterations of one window on this kernel, timed on team thread 0 alone.
std::uint64_t window_iterations(Team& team, const FmaKernel& kernel) {
  std::uint64_t iterations = 256;
  double elapsed = 0;
  team.run([&](int t) {
    if (t != 0) return;
    for (;;) {
      const std::uint64_t start = now_ns();
      kernel.run(iterations, 0.5, 1.0);
      elapsed = static_cast<double>(now_ns() - start) * 1e-9;
      if (elapsed > kWindowSeconds / 4) break;
      iterations *= 2;
    }
  });
  return std::max<std::uint64_t>(
      64, static_cast<std::uint64_t>(static_cast<double>(iterations) * kWindowSeconds / elapsed));
}

ProbeOutcome run_peakflops(const ProbeConfig& cfg, const RowSink& sink) {
  ProbeOutcome outcome;
  const Topology& topology = Topology::binding();
  std::vector<Isa> candidates;
  for (const auto& k : fma_kernels()) {
    if (std::find(candidates.begin(), candidates.end(), k.isa) == candidates.end())
      candidates.push_back(k.isa);
  }
  const std::vector<Isa> isas = select_isas(candidates, cfg.profile, outcome.notes);
  const int reps = repetitions(cfg);
  const double seconds = cfg.profile == Profile::quick ? 0.05 : 0.2;
  const std::string& uarch = this_cpu().microarchitecture;
  if (const auto pipes = fma_pipes_for(uarch)) {
    outcome.notes.push_back("peak = " + pipes->why + " x " + kClockSource +
                            " x cores (row field peak_provenance)");
  } else {
    outcome.notes.push_back(fmt::format("no FMA table entry for \"{}\": pct_of_peak omitted", uarch));
  }
  if (std::none_of(fma_kernels().begin(), fma_kernels().end(),
                   [](const FmaKernel& k) { return k.isa == Isa::scalar; })) {
    outcome.notes.push_back(
        "scalar: no FMA instruction at this build's baseline (x86-64-v2; FMA3 comes with avx2)");
  }
  const int windows = std::max(8, static_cast<int>(seconds / kWindowSeconds));

  for (int threads : thread_counts(cfg, topology, outcome.notes)) {
    Team team(topology.cpus_for(cfg.placement, threads));
    const auto n = static_cast<std::size_t>(threads);
    for (Isa isa : isas) {
      for (const auto& kernel : fma_kernels()) {
        if (kernel.isa != isa) continue;
        const std::uint64_t iterations = window_iterations(team, kernel);
        const double expected = 2.0 * kernel.accumulators * static_cast<double>(kernel.lanes());
        std::vector<double> times;
        std::vector<double> window_seconds(static_cast<std::size_t>(windows)), ghz(n);
        std::vector<std::uint64_t> wrong(n);
        // The clock is measured next to every repetition's windows, with the same threads busy: on a
        // shared or throttling machine the fastest window and the fastest clock are the ones to compare.
        double best_ghz = 0;
        for (int r = 0; r < reps + 1; ++r) {
          team.run([&](int t) {
            const auto i = static_cast<std::size_t>(t);
            team.barrier();
            ghz[i] = measure_ghz(0.01);
            std::uint64_t start = 0;
            for (std::size_t w = 0; w < window_seconds.size(); ++w) {
              team.barrier();
              if (t == 0) start = now_ns();
              wrong[i] += kernel.run(iterations, 0.5, 1.0) != expected;
              team.barrier();
              if (t == 0) window_seconds[w] = static_cast<double>(now_ns() - start) * 1e-9;
            }
          });
          double ghz_sum = 0;
          for (double g : ghz) ghz_sum += g;
          best_ghz = std::max(best_ghz, ghz_sum / threads);
          // The first repetition warms up (caches, clocks, AVX-512 power state).
          if (r > 0) times.insert(times.end(), window_seconds.begin(), window_seconds.end());
        }
        const std::string name =
            fmt::format("peakflops/{}/{}/{}t/{}", kernel.dtype, isa_name(isa), threads, cfg.placement);
        std::uint64_t wrong_total = 0;
        for (auto w : wrong) wrong_total += w;
        if (wrong_total > 0) {
          throw std::runtime_error(
              fmt::format("{}: validation failed: {} results differ from {}", name, wrong_total, expected));
        }
        const double best = *std::min_element(times.begin(), times.end());
        const double flops = kernel.flops_per_iteration() * static_cast<double>(iterations) * threads;
        ResultRow row = probe_row(name, "peakflops", std::string(isa_name(isa)), threads);
        row.dtype = std::string(kernel.dtype);
        row.placement = cfg.placement;
        row.repetitions = reps;
        row.iterations = static_cast<std::int64_t>(iterations);
        row.real_time = row.cpu_time = best * 1e9;
        row.gflops = flops / best * 1e-9;
        row.counters["gflops_median"] = flops / median(times) * 1e-9;
        row.counters["windows"] = static_cast<double>(times.size());
        row.counters[row_key::ghz] = best_ghz;
        row.counters["accumulators"] = kernel.accumulators;
        const int element_bits = kernel.dtype == "f32" ? 32 : 64;
        const int vector_bits = static_cast<int>(kernel.lanes()) * element_bits;
        if (const auto peak =
                theoretical_peak(uarch, vector_bits, element_bits, best_ghz, threads, kClockSource)) {
          row.counters[row_key::peak_gflops] = peak->gflops();
          row.counters["flop_per_cycle"] = peak->flop_per_cycle;
          row.pct_of_peak = 100.0 * *row.gflops / peak->gflops();
          row.extra = nlohmann::json{{"peak_provenance", peak->provenance}};
        }
        if (!sink(row)) return outcome;
      }
    }
  }
  unique_notes(outcome.notes);
  return outcome;
}

ARMPERF_REGISTER_PROBE(Probe{
    "peakflops",
    "FMA GFLOP/s per ISA and type (f32, f64), one and all threads, as % of measured GHz x "
    "FLOP/cycle",
    &run_peakflops});

}  // namespace
}  // namespace armperf::probes
