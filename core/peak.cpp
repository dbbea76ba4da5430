#include "core/peak.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace armperf {

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

std::optional<TheoreticalPeak> theoretical_peak(const std::string& microarchitecture, int vector_bits,
                                                int element_bits, double ghz, int threads,
                                                const std::string& clock_source) {
  const auto pipes = fma_pipes_for(microarchitecture);
  if (!pipes) return std::nullopt;
  TheoreticalPeak peak;
  peak.flop_per_cycle = peak_flop_per_cycle(*pipes, vector_bits, element_bits);
  peak.ghz = ghz;
  peak.threads = threads;
  peak.provenance = fmt::format(
      "{} -> {:g} FLOP/cycle at {}-bit registers, {}-bit elements; x {:.3f} GHz ({}); x {} core{}",
      pipes->why, peak.flop_per_cycle, vector_bits, element_bits, ghz, clock_source, threads,
      threads == 1 ? "" : "s");
  return peak;
}

}  // namespace armperf
