// The theoretical FLOP/s of a core (DESIGN §4 peakflops): FMA pipes × their width from the vendors'
// optimisation guides, times a clock measured on the machine. Shared by the peakflops probe and the
// kernel rows that report pct_of_peak, so both compare with the same number.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace armperf {

// Multiply-adds into one 32-bit accumulator lane per instruction of a dot or block product (2 operations
// each): SDOT and VPDPBUSD add 4 int8 products, SMMLA 8 (a 2x8 by 8x2 int8 product per 128 bits), BFDOT
// and VDPBF16PS 2 bf16 products, BFMMLA 4 (2x4 by 4x2 bf16); 0 for any other instruction. The one table
// of these for the peakflops probe's operation counts and the GEMM rows' pct_of_peak.
constexpr int dot_products_per_lane(std::string_view instruction) {
  if (instruction == "sdot" || instruction == "vpdpbusd") return 4;
  if (instruction == "smmla") return 8;
  if (instruction == "bfdot" || instruction == "vdpbf16ps") return 2;
  if (instruction == "bfmmla") return 4;
  return 0;
}

// How fast a core completes one multiply-accumulate instruction class other than the f32/f64 FMA:
// the register bits of it per cycle, all pipes together (2 pipes taking one 128-bit SDOT a cycle
// each: 256). Operations per cycle = bits_per_cycle / register bits × operations per instruction.
struct InstructionRate {
  std::string key;     // "f16 fma" (FMLA .8h / vfmadd*ph), "sdot", "smmla", "bfdot", "bfmmla", "vpdpbusd", "vdpbf16ps"
  int bits_per_cycle;
  std::string why;     // where the number comes from
};

// The FMA hardware of a core, from the vendors' optimisation guides.
struct FmaPipes {
  std::string core;    // matched as a substring of CpuInfo::microarchitecture
  int pipes;           // FMA pipes
  int bits_per_cycle;  // FMA datapath width of all pipes together
  std::string why;     // where the numbers come from, for the report
  // The other instruction classes whose rate a vendor guide states; a class missing here has an
  // unknown peak (no pct_of_peak), never a guessed one.
  std::vector<InstructionRate> rates = {};
};
// The entry for a microarchitecture name ("Neoverse N1", "Zen5 (family 0x1a ...)"), if we know it.
std::optional<FmaPipes> fma_pipes_for(const std::string& microarchitecture);

// FLOP per cycle and core for a register of vector_bits (lanes × element bits; a scalar register is
// one element) and an element of element_bits: each pipe issues one FMA (2 FLOP per lane) of
// min(vector_bits, its width) bits per cycle.
double peak_flop_per_cycle(const FmaPipes& pipes, int vector_bits, int element_bits);

// pipes × width × clock × cores, with the sentence that says where each factor comes from.
struct TheoreticalPeak {
  double flop_per_cycle = 0;  // per core
  double ghz = 0;             // measured
  int threads = 1;            // cores busy, one thread each
  std::string provenance;     // "Zen 5 (server): 2 x 512-bit FMA pipes (...) x 3.62 GHz (...) x 1 core"
  double gflops() const { return flop_per_cycle * ghz * threads; }
};
// The peak of `threads` cores running registers of vector_bits with elements of element_bits at ghz
// (clock_source says how ghz was measured); empty for a core missing from the table.
std::optional<TheoreticalPeak> theoretical_peak(const std::string& microarchitecture, int vector_bits,
                                                int element_bits, double ghz, int threads,
                                                const std::string& clock_source);

// The rate entry for `key`, if the table has one for this core.
const InstructionRate* instruction_rate(const FmaPipes& pipes, std::string_view key);

// The peak of `threads` cores running an instruction of class `key` that does ops_per_instruction
// operations on a register of vector_bits; `unknown` says why when the result is empty (core not in
// the table, or no rate for the class on it).
std::optional<TheoreticalPeak> theoretical_instruction_peak(const std::string& microarchitecture, std::string_view key,
                                                            int vector_bits, double ops_per_instruction, double ghz,
                                                            int threads, const std::string& clock_source,
                                                            std::string& unknown);

}  // namespace armperf
