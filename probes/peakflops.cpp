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

std::optional<FmaPipes> fma_pipes_for(const std::string& microarchitecture) {
  static const FmaPipes table[] = {
      {"Neoverse N1", 2, 256, "Neoverse N1: 2 x 128-bit FMA pipes (Arm N1 optimization guide)"},
      {"Neoverse N2", 2, 256, "Neoverse N2: 2 x 128-bit FMA pipes"},
      {"Neoverse V1", 4, 512, "Neoverse V1: 4 x 128-bit NEON or 2 x 256-bit SVE FMA pipes"},
      {"Neoverse V2", 4, 512, "Neoverse V2: 4 x 128-bit FMA pipes"},
      {"AmpereOne", 2, 256, "AmpereOne: 2 x 128-bit FMA pipes"},
      {"Zen3", 2, 512, "Zen 3: 2 x 256-bit FMA pipes"},
      {"Zen4", 2, 512, "Zen 4: 2 x 256-bit FMA pipes (AVX-512 in two halves)"},
      {"Zen5", 2, 1024, "Zen 5 (server): 2 x 512-bit FMA pipes"},
  };
  for (const auto& entry : table) {
    if (microarchitecture.find(entry.core) != std::string::npos) return entry;
  }
  return std::nullopt;
}

double peak_flop_per_cycle(const FmaPipes& pipes, int vector_bits, int element_bits) {
  const int per_pipe = std::min(vector_bits, pipes.bits_per_cycle / pipes.pipes);
  return 2.0 * pipes.pipes * per_pipe / element_bits;
}

namespace {

int isa_vector_bits(Isa isa, std::size_t lanes, int element_bits) {
  return isa == Isa::sve ? static_cast<int>(lanes) * element_bits
                         : isa == Isa::avx512 ? 512 : isa == Isa::avx2 ? 256 : isa == Isa::neon ? 128 : 64;
}

ProbeOutcome run_peakflops(const ProbeConfig& cfg, const RowSink& sink) {
  ProbeOutcome outcome;
  const Topology& topology = Topology::binding();
  std::vector<Isa> candidates;
  for (const auto& k : fma_kernels()) {
    if (std::find(candidates.begin(), candidates.end(), k.isa) == candidates.end()) candidates.push_back(k.isa);
  }
  const std::vector<Isa> isas = select_isas(candidates, cfg.profile, outcome.notes);
  const int reps = repetitions(cfg);
  const double seconds = cfg.profile == Profile::quick ? 0.05 : 0.2;
  const auto pipes = fma_pipes_for(this_cpu().microarchitecture);
  if (pipes) {
    outcome.notes.push_back("peak from " + pipes->why + " x the fastest GHz measured next to the timed runs, same threads busy");
  } else {
    outcome.notes.push_back(fmt::format("no FMA table entry for \"{}\": pct_of_peak omitted", this_cpu().microarchitecture));
  }

  for (int threads : thread_counts(cfg, topology, outcome.notes)) {
    Team team(topology.cpus_for(cfg.placement, threads));
    for (Isa isa : isas) {
      for (const auto& kernel : fma_kernels()) {
        if (kernel.isa != isa) continue;
        // Calibrate on one thread: iterations for `seconds` at this kernel's speed.
        std::uint64_t iterations = 1 << 14;
        double elapsed = 0;
        team.run([&](int t) {
          if (t != 0) return;
          for (;;) {
            const std::uint64_t start = now_ns();
            kernel.run(iterations, 0.5, 1.0);
            elapsed = static_cast<double>(now_ns() - start) * 1e-9;
            if (elapsed > seconds / 20) break;
            iterations *= 4;
          }
        });
        iterations = std::max<std::uint64_t>(64, static_cast<std::uint64_t>(static_cast<double>(iterations) * seconds / elapsed));
        const double expected = 2.0 * kernel.accumulators * static_cast<double>(kernel.lanes());
        std::vector<double> times;
        std::uint64_t wrong = 0;
        std::vector<double> results(static_cast<std::size_t>(threads)), ghz(static_cast<std::size_t>(threads));
        // The clock is measured next to every timed run, with the same threads busy: on a shared or
        // throttling machine the fastest run and the fastest clock are the ones to compare.
        double best_ghz = 0;
        for (int r = 0; r < reps + 1; ++r) {
          std::uint64_t start = 0, stop = 0;
          team.run([&](int t) {
            team.barrier();
            ghz[static_cast<std::size_t>(t)] = measure_ghz(0.01);
            team.barrier();
            if (t == 0) start = now_ns();
            results[static_cast<std::size_t>(t)] = kernel.run(iterations, 0.5, 1.0);
            team.barrier();
            if (t == 0) stop = now_ns();
          });
          for (double v : results) wrong += v != expected;
          double ghz_sum = 0;
          for (double g : ghz) ghz_sum += g;
          best_ghz = std::max(best_ghz, ghz_sum / threads);
          if (r > 0) times.push_back(static_cast<double>(stop - start) * 1e-9);  // the first run warms up
        }
        const std::string name = fmt::format("peakflops/{}/{}/{}t/{}", kernel.dtype, isa_name(isa), threads, cfg.placement);
        if (wrong > 0) {
          throw std::runtime_error(fmt::format("{}: validation failed: {} thread results differ from {}", name, wrong, expected));
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
        row.counters[row_key::ghz] = best_ghz;
        row.counters["accumulators"] = kernel.accumulators;
        if (pipes) {
          const int element_bits = kernel.dtype == "f32" ? 32 : 64;
          const double per_cycle = peak_flop_per_cycle(*pipes, isa_vector_bits(isa, kernel.lanes(), element_bits), element_bits);
          const double peak = per_cycle * best_ghz * threads;
          row.counters[row_key::peak_gflops] = peak;
          row.counters["flop_per_cycle"] = per_cycle;
          row.pct_of_peak = 100.0 * *row.gflops / peak;
        }
        if (!sink(row)) return outcome;
      }
    }
  }
  unique_notes(outcome.notes);
  return outcome;
}

ARMPERF_REGISTER_PROBE(Probe{"peakflops",
                             "FMA GFLOP/s per ISA and type (f32, f64), one and all threads, as % of measured GHz x "
                             "FLOP/cycle",
                             &run_peakflops});

}  // namespace
}  // namespace armperf::probes
