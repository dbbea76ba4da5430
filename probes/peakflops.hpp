// The peakflops probe (DESIGN §4): FLOP/s of independent FMA chains per ISA and type, one thread and
// all threads, as a percentage of the theoretical peak = measured GHz × FLOP/cycle of the core.
#pragma once

#include <optional>
#include <string>

#include "core/isa.hpp"

namespace armperf::probes {

// The FMA hardware of a core, from the vendors' optimisation guides.
struct FmaPipes {
  std::string core;   // matched as a substring of CpuInfo::microarchitecture
  int pipes;          // FMA pipes
  int bits_per_cycle; // FMA datapath width of all pipes together
  std::string why;    // where the numbers come from, for the report
};
// The entry for a microarchitecture name ("Neoverse N1", "Zen5 (family 0x1a ...)"), if we know it.
std::optional<FmaPipes> fma_pipes_for(const std::string& microarchitecture);

// FLOP per cycle and core for a vector ISA of vector_bits and an element of element_bits: each pipe
// issues one FMA (2 FLOP per lane) of min(vector_bits, its width) bits per cycle.
double peak_flop_per_cycle(const FmaPipes& pipes, int vector_bits, int element_bits);

}  // namespace armperf::probes
