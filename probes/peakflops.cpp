#include "probes/peakflops.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
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

int dtype_rank(std::string_view dtype) {
  static constexpr std::string_view order[] = {"f64", "f32", "f16", "bf16", "int8"};
  for (std::size_t i = 0; i < std::size(order); ++i) {
    if (order[i] == dtype) return static_cast<int>(i);
  }
  return static_cast<int>(std::size(order));
}
}  // namespace

bool register_fma_kernels(std::span<const FmaKernel> kernels) {
  auto& list = fma_kernel_list();
  for (const FmaKernel& kernel : kernels) {
    for (const auto& k : list) {
      if (k.isa == kernel.isa && k.dtype == kernel.dtype && k.instruction == kernel.instruction)
        throw std::logic_error("FMA kernel registered twice");
    }
    list.push_back(kernel);
  }
  std::sort(list.begin(), list.end(), [](const FmaKernel& a, const FmaKernel& b) {
    if (isa_rank(a.isa) != isa_rank(b.isa)) return isa_rank(a.isa) < isa_rank(b.isa);
    if (a.dtype != b.dtype) return dtype_rank(a.dtype) < dtype_rank(b.dtype);
    return a.instruction < b.instruction;
  });
  return true;
}

double FmaKernel::expected(std::uint64_t iterations) const {
  const double k = accumulators, n = static_cast<double>(lanes());
  if (chain == Chain::fma) return 2.0 * k * n;
  if (chain == Chain::accumulate) return n * k * (k + 1) / 2;  // chain j keeps its start, j + 1
  // Chain j holds j + iterations · products_per_lane in every lane (a = b = 1).
  return n * (k * (k - 1) / 2 + k * static_cast<double>(iterations) * products_per_lane);
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
      kernel.run(iterations, kernel.probe_a(), kernel.probe_b());
      elapsed = static_cast<double>(now_ns() - start) * 1e-9;
      if (elapsed > kWindowSeconds / 4) break;
      iterations *= 2;
    }
  });
  return std::max<std::uint64_t>(
      64, static_cast<std::uint64_t>(static_cast<double>(iterations) * kWindowSeconds / elapsed));
}

// The row's name: f64/f32/f16 have one FMA per ISA; the dot-product types name their instruction.
std::string row_name(const FmaKernel& kernel, int threads, const std::string& placement) {
  std::string name = fmt::format("peakflops/{}/{}/", kernel.dtype, isa_name(kernel.isa));
  if (!kernel.plain_fma()) name += fmt::format("{}/", kernel.instruction);
  name += fmt::format("{}t/{}", threads, placement);
  return name;
}

ResultRow kernel_row(const FmaKernel& kernel, int threads, const ProbeConfig& cfg) {
  ResultRow row = probe_row(row_name(kernel, threads, cfg.placement), "peakflops", std::string(isa_name(kernel.isa)),
                            threads);
  row.dtype = std::string(kernel.dtype);
  row.placement = cfg.placement;
  row.extra = nlohmann::json{{row_key::instruction, std::string(kernel.instruction)},
                             {row_key::rate_unit, kernel.integer() ? "GOP/s" : "GFLOP/s"}};
  return row;
}

// The theoretical peak of the kernel's instruction class, or why there is none.
std::optional<TheoreticalPeak> kernel_peak(const FmaKernel& kernel, const std::string& uarch, double ghz, int threads,
                                           std::string& unknown) {
  if (kernel.plain_fma() && kernel.dtype != "f16") {
    auto peak = theoretical_peak(uarch, kernel.vector_bits(), kernel.lane_bits, ghz, threads, kClockSource);
    if (!peak) unknown = fmt::format("no FMA table entry for \"{}\"", uarch);
    return peak;
  }
  const std::string key =
      kernel.plain_fma() ? fmt::format("{} fma", kernel.dtype) : std::string(kernel.instruction);
  return theoretical_instruction_peak(uarch, key, kernel.vector_bits(), kernel.ops_per_instruction(), ghz, threads,
                                      kClockSource, unknown);
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
        ResultRow row = kernel_row(kernel, threads, cfg);
        if (const std::string why = feature_skip_reason(kernel.feature); !kernel.feature.empty() && !why.empty()) {
          // The ISA runs here but this instruction does not: a row that says so, not a silent gap.
          row.error_message = fmt::format("skipped: {} for {} {}", why, kernel.dtype, kernel.instruction);
          outcome.notes.push_back(fmt::format("{}: {}", isa_name(isa), row.error_message));
          if (!sink(row)) return outcome;
          continue;
        }
        const std::uint64_t iterations = window_iterations(team, kernel);
        const double expected = kernel.expected(iterations);
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
              wrong[i] += kernel.run(iterations, kernel.probe_a(), kernel.probe_b()) != expected;
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
        std::uint64_t wrong_total = 0;
        for (auto w : wrong) wrong_total += w;
        if (wrong_total > 0) {
          throw std::runtime_error(
              fmt::format("{}: validation failed: {} results differ from {}", row.name, wrong_total, expected));
        }
        const double best = *std::min_element(times.begin(), times.end());
        const double ops = kernel.flops_per_iteration() * static_cast<double>(iterations) * threads;
        const double rate = ops / best * 1e-9, rate_median = ops / median(times) * 1e-9;
        row.repetitions = reps;
        row.iterations = static_cast<std::int64_t>(iterations);
        row.real_time = row.cpu_time = best * 1e9;
        // Integer operations are not FLOP: int8 rows carry gops, the others gflops (rate_unit says which).
        if (kernel.integer()) {
          row.counters[row_key::gops] = rate;
          row.counters[row_key::gops_median] = rate_median;
        } else {
          row.gflops = rate;
          row.counters[row_key::gflops_median] = rate_median;
        }
        row.counters["windows"] = static_cast<double>(times.size());
        row.counters[row_key::ghz] = best_ghz;
        row.counters["accumulators"] = kernel.accumulators;
        row.counters["ops_per_instruction"] = kernel.ops_per_instruction();
        std::string unknown;
        if (const auto peak = kernel_peak(kernel, uarch, best_ghz, threads, unknown)) {
          row.counters[kernel.integer() ? row_key::peak_gops : row_key::peak_gflops] = peak->gflops();
          row.counters["flop_per_cycle"] = peak->flop_per_cycle;
          row.pct_of_peak = 100.0 * rate / peak->gflops();
          row.extra[row_key::peak_provenance] = peak->provenance;
        } else {
          row.extra[row_key::peak_unknown] = "pct_of_peak omitted: " + unknown;
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
    "FMA GFLOP/s per ISA and type (f64, f32, f16; bf16 and int8 dot products where the CPU has them; "
    "int8 in GOP/s), one and all threads, as % of measured GHz x op/cycle",
    &run_peakflops});

}  // namespace
}  // namespace armperf::probes
