// The pmu probe (DESIGN §4): which PMUs libpfm4 detects, whether their counters open here, and — when
// they do — cycles and instructions of a known instruction stream. Where there are no counters (VMs,
// qemu, perf_event_paranoid) it says `unavailable: <reason>` and succeeds: never a crash, never a
// fake zero.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"

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
  std::uint64_t config1 = 0;    // libpfm4's extra encoding (offcore / filter bits), 0 for most events
};
std::optional<EventEncoding> encode_event(const std::string& name, std::string& error);

// ---- Attaching counter values to rows (`--pmu EVENTS` on probe and run) ----

// Event groups are data, not code: data/pmu/<group>.txt, one libpfm4 event name per line, '#'
// comments. Found in $ARMPERF_PMU_GROUPS, else <binary>/../share/armperf/pmu (installed), else the
// source tree's data/pmu (a build tree's binary).
std::string pmu_group_dir();
std::vector<std::string> pmu_groups();  // the group names found there, sorted
// The events of a --pmu list: names as given, "group:<name>" replaced by the group file's events,
// duplicates dropped. Throws std::invalid_argument naming the group for an unknown or empty group.
std::vector<std::string> expand_pmu_events(const std::vector<std::string>& items);

// The row field a count goes to: "pmu_" + the name with every run of characters other than letters
// and digits as one '_' ("perf::PERF_COUNT_SW_TASK_CLOCK" -> "pmu_perf_PERF_COUNT_SW_TASK_CLOCK").
std::string pmu_field(const std::string& event);
// Row fields for the reason counters are missing and for what a count covers.
inline constexpr const char* kPmuUnavailable = "pmu_unavailable";
inline constexpr const char* kPmuScope = "pmu_scope";

// Counts of a set of events over one region of the whole process: every thread alive when start()
// is called (a kernel team's workers too) and the threads they create before stop() (inherited
// counters), user space only. An event that cannot be encoded or opened is reported with its reason
// in unavailable(); its count is absent, never zero.
class PmuRegion {
 public:
  explicit PmuRegion(std::vector<std::string> events);
  ~PmuRegion();
  PmuRegion(const PmuRegion&) = delete;
  PmuRegion& operator=(const PmuRegion&) = delete;

  void start();
  // Counts since start() in events() order; nullopt for an event that is unavailable. Counts of
  // multiplexed counters are scaled by time enabled / time running.
  std::vector<std::optional<double>> stop();
  const std::vector<std::string>& events() const { return events_; }
  // "<event>: <reason>; ..." for the events without counts (empty when all count).
  std::string unavailable() const;
  // Why event i has no count; empty when it counts.
  std::string error(std::size_t i) const;

 private:
  struct Event;
  std::vector<std::string> events_;
  std::vector<std::unique_ptr<Event>> state_;
};

// Writes counts into a row: pmu_<event> = count / divisor for each counted event, pmu_scope = scope
// (what one value covers), and pmu_unavailable = "<event>: <reason>; ..." for the events without a
// count (the region's reason, or "no count for this row").
void attach_pmu(ResultRow& row, const PmuRegion& region, const std::vector<std::optional<double>>& counts,
                double divisor, const std::string& scope);

// A probe's rows with counts: the first region opens when the object is made, each row gets the
// counts of the work since the previous row (or since the start) and a new region begins. Works for
// any probe without the probe knowing (armperf probe and armperf run wrap the row sink with it).
class PmuRowCounter {
 public:
  explicit PmuRowCounter(const std::vector<std::string>& events);
  void attach(ResultRow& row);

 private:
  PmuRegion region_;
};

}  // namespace armperf::probes
