// The memory probe (DESIGN §4): the DRAM's theoretical peak from SMBIOS type 17 — populated modules
// × MT/s × 8 B — as the yardstick for bandwidth rows. Absent (with the reason) where the firmware
// tables are not readable: without root, or in VMs that have none.
#pragma once

#include <optional>

#include "core/environment.hpp"

namespace armperf::probes {

struct DramPeak {
  unsigned modules = 0;   // populated DIMMs: one channel each on the servers we target (1 DPC)
  unsigned mts = 0;       // configured speed, else the rated one
  double gbps = 0;        // modules × mts × 8 B, decimal GB/s
};
// Empty when no module is populated or no speed is known.
std::optional<DramPeak> dram_peak(const MemoryModules& modules);

// The peak of this machine (read_environment("/")), read once.
const std::optional<DramPeak>& this_dram_peak();

}  // namespace armperf::probes
