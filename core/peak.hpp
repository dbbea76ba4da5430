// The theoretical FLOP/s of a core (DESIGN §4 peakflops): FMA pipes × their width from the vendors'
// optimisation guides, times a clock measured on the machine. Shared by the peakflops probe and the
// kernel rows that report pct_of_peak, so both compare with the same number.
#pragma once

#include <optional>
#include <string>

namespace armperf {

// The FMA hardware of a core, from the vendors' optimisation guides.
struct FmaPipes {
  std::string core;    // matched as a substring of CpuInfo::microarchitecture
  int pipes;           // FMA pipes
  int bits_per_cycle;  // FMA datapath width of all pipes together
  std::string why;     // where the numbers come from, for the report
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

}  // namespace armperf
