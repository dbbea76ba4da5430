#include "core/peak.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace armperf {

std::optional<FmaPipes> fma_pipes_for(const std::string& microarchitecture) {
  // FP16 FMLA runs on the f32 FMA pipes at the same instruction rate (twice the lanes) on every Arm
  // core listed; the guides' tables group the half-precision forms with the single-precision ones.
  static const FmaPipes table[] = {
      {"Neoverse N1", 2, 256, "Neoverse N1: 2 x 128-bit FMA pipes (Arm N1 optimization guide)",
       {{"f16 fma", 256, "Neoverse N1: FP16 FMLA on the 2 x 128-bit FMA pipes"},
        {"sdot", 256, "Neoverse N1: SDOT on both 128-bit ASIMD pipes V0/V1, throughput 2 (Arm N1 optimization guide)"}}},
      {"Neoverse N2", 2, 256, "Neoverse N2: 2 x 128-bit FMA pipes",
       {{"f16 fma", 256, "Neoverse N2: FP16 FMLA on the 2 x 128-bit FMA pipes"}}},
      {"Neoverse V1", 4, 512, "Neoverse V1: 4 x 128-bit NEON or 2 x 256-bit SVE FMA pipes",
       {{"f16 fma", 512, "Neoverse V1: FP16 FMLA on the 4 x 128-bit (SVE 2 x 256-bit) FMA pipes"}}},
      {"Neoverse V2", 4, 512, "Neoverse V2: 4 x 128-bit FMA pipes",
       {{"f16 fma", 512, "Neoverse V2: FP16 FMLA on the 4 x 128-bit FMA pipes"}}},
      {"AmpereOne", 2, 256, "AmpereOne: 2 x 128-bit FMA pipes",
       {{"f16 fma", 256, "AmpereOne: FP16 FMLA on the 2 x 128-bit FMA pipes"}}},
      {"Zen3", 2, 512, "Zen 3: 2 x 256-bit FMA pipes"},
      {"Zen4", 2, 512, "Zen 4: 2 x 256-bit FMA pipes (AVX-512 in two halves)"},
      // Zen 5's dot products issue on the two 512-bit multiply pipes that also do FMA (FP0/FP1): one
      // zmm instruction each a cycle; the peakflops probe measured 2.00 zmm a cycle for both on an
      // EPYC Zen 5. Zen 4 (256-bit datapaths, zmm in two halves) has no stated rate here.
      {"Zen5", 2, 1024, "Zen 5 (server): 2 x 512-bit FMA pipes",
       {{"vpdpbusd", 1024, "Zen 5: VPDPBUSD on the 2 x 512-bit multiply pipes (FP0/FP1)"},
        {"vdpbf16ps", 1024, "Zen 5: VDPBF16PS on the 2 x 512-bit multiply pipes (FP0/FP1)"}}},
      // Intel Xeon Scalable since Ice Lake-SP: a 512-bit FMA on ports 0+1 (fused) and one on port 5 in
      // every SKU (Intel 64 and IA-32 Architectures Optimization Reference Manual). "Sapphire Rapids"
      // also matches "Sapphire Rapids or later (AMX)", core/isa.cpp's name for an AMX core under an
      // unknown model. No VNNI or bf16 rate is stated: the manual gives none we could cite.
      {"Ice Lake-SP", 2, 1024, "Ice Lake-SP: 2 x 512-bit FMA units (ports 0+1 and 5)"},
      {"Sapphire Rapids", 2, 1024, "Sapphire Rapids: 2 x 512-bit FMA units (ports 0+1 and 5)"},
      {"Emerald Rapids", 2, 1024, "Emerald Rapids: 2 x 512-bit FMA units (ports 0+1 and 5)"},
      {"Granite Rapids", 2, 1024, "Granite Rapids: 2 x 512-bit FMA units (ports 0+1 and 5)"},
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

const InstructionRate* instruction_rate(const FmaPipes& pipes, std::string_view key) {
  for (const auto& rate : pipes.rates) {
    if (rate.key == key) return &rate;
  }
  return nullptr;
}

std::optional<TheoreticalPeak> theoretical_instruction_peak(const std::string& microarchitecture, std::string_view key,
                                                            int vector_bits, double ops_per_instruction, double ghz,
                                                            int threads, const std::string& clock_source,
                                                            std::string& unknown) {
  const auto pipes = fma_pipes_for(microarchitecture);
  if (!pipes) {
    unknown = fmt::format("no table entry for \"{}\"", microarchitecture);
    return std::nullopt;
  }
  const InstructionRate* rate = instruction_rate(*pipes, key);
  if (rate == nullptr) {
    unknown = fmt::format("{}: no documented {} rate in the table", pipes->core, key);
    return std::nullopt;
  }
  TheoreticalPeak peak;
  peak.flop_per_cycle = rate->bits_per_cycle * ops_per_instruction / vector_bits;
  peak.ghz = ghz;
  peak.threads = threads;
  peak.provenance = fmt::format("{} -> {:g} op/cycle at {}-bit registers ({:g} op per instruction); x {:.3f} GHz ({}); "
                                "x {} core{}",
                                rate->why, peak.flop_per_cycle, vector_bits, ops_per_instruction, ghz, clock_source,
                                threads, threads == 1 ? "" : "s");
  return peak;
}

}  // namespace armperf
