// The pmu probe (DESIGN §4): which PMUs libpfm4 detects, whether their counters open here, and — when
// they do — cycles and instructions of a known instruction stream. Where there are no counters (VMs,
// qemu, perf_event_paranoid) it says `unavailable: <reason>` and succeeds: never a crash, never a
// fake zero.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace armperf::probes {

// Empty when libpfm4 is initialised; otherwise why not ("built without libpfm4", pfm_strerror).
// LIBPFM_FORCE_PMU (libpfm4's variable) makes it treat the machine as that PMU (arm_n1, arm_v2, ...).
std::string pfm_init_error();

struct PmuInfo {
  std::string name;  // libpfm4's: "arm_n1", "amd64_fam1ah_zen5", "perf", ...
  std::string description;
  int events = 0;
  bool core = false;  // a processor-core PMU (not uncore, not the OS's software events)
};
// PMUs libpfm4 reports present (empty without libpfm4).
std::vector<PmuInfo> detected_pmus();

// perf_event_open's type and config for an event name ("cycles", "arm_n1::INST_RETIRED"), or the
// error in `error`.
struct EventEncoding {
  std::uint32_t type = 0;
  std::uint64_t config = 0;
  std::string fully_qualified;  // "arm_n1::CPU_CYCLES:u" ...
};
std::optional<EventEncoding> encode_event(const std::string& name, std::string& error);

}  // namespace armperf::probes
