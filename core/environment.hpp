// What makes a result reproducible (DESIGN §5 context, §7): kernel, OS, frequency governor, THP,
// huge pages, mitigations, load, DMI, SMT, hypervisor, build. Read-only and defensive: every value
// comes from a file under an injectable root (tests build fake roots), and a file that is missing,
// unreadable or malformed makes its field absent — never an exception.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace armperf {

struct LoadAverage {
  double one_minute = 0;
  double five_minutes = 0;
  double fifteen_minutes = 0;
};

// A value read per CPU, summarised as its range over the CPUs that have it.
struct KhzRange {
  std::uint64_t lowest = 0;
  std::uint64_t highest = 0;
};

// SMBIOS type 17 (Memory Device) records. Only readable by root (/sys/firmware/dmi/tables/DMI is
// mode 0400): unprivileged runs leave it absent rather than shell out to dmidecode. The number of
// populated DIMMs is not the number of channels (two DIMMs per channel exist); the report says so.
struct MemoryModules {
  unsigned slots = 0;                            // type 17 records
  unsigned populated = 0;                        // records with a module installed
  std::uint64_t total_mib = 0;                   // sum of the known module sizes
  std::string type;                              // "DDR4", "DDR5", ... of the first populated module
  std::optional<unsigned> speed_mts;             // highest rated speed, MT/s
  std::optional<unsigned> configured_speed_mts;  // highest configured speed, MT/s (what runs)
};

struct Environment {
  std::optional<std::string> date;  // UTC start, ISO 8601 (gbench's "date")
  std::optional<std::string> hostname;
  std::optional<std::string> kernel_version;  // /proc/sys/kernel/osrelease
  std::optional<std::string> os;              // os-release PRETTY_NAME
  std::optional<std::string> boot_cmdline;
  std::map<std::string, unsigned> governors;  // scaling_governor -> number of CPUs; empty: no cpufreq
  std::optional<KhzRange> scaling_min_khz;
  std::optional<KhzRange> scaling_max_khz;
  std::optional<KhzRange> scaling_cur_khz;
  std::optional<std::string> thp_enabled;  // the bracketed word: always | madvise | never
  std::optional<std::string> thp_defrag;
  std::optional<std::uint64_t> hugepages_total;
  std::optional<std::uint64_t> hugepage_size_kib;
  std::optional<std::uint64_t> mem_total_kib;
  std::map<std::string, std::string> mitigations;  // vulnerability -> kernel's status line
  std::optional<LoadAverage> load_average;
  std::optional<std::string> dmi_product_name;  // the instance type on AWS ("c7g.16xlarge")
  std::optional<std::string> dmi_sys_vendor;
  std::optional<std::string> dmi_board_name;
  std::optional<std::string> dmi_bios_version;
  std::optional<MemoryModules> memory_modules;
  std::optional<std::string> smt_control;  // on | off | forceoff | notsupported | notimplemented
  std::optional<std::string> online_cpus;  // the kernel's list: "0-63,128-191"
  std::optional<unsigned> online_cpu_count;
  std::optional<bool> hypervisor;
  std::optional<std::string> hypervisor_evidence;  // what the verdict rests on
  std::optional<int> perf_event_paranoid;
  std::optional<int> numa_balancing;
  // Compiled in, always known.
  std::string compiler;                    // "gcc 12.2.0"
  std::string build_type;                  // "release" | "debug" (NDEBUG)
  std::optional<std::string> build_flags;  // ARMPERF_BUILD_FLAGS when the build defines it
  std::string armperf_version;             // ARMPERF_VERSION
  std::optional<std::string> git_commit;   // ARMPERF_GIT_COMMIT when the build defines it
  std::vector<std::string> command_line;   // as passed; empty: absent
};

// Reads the environment of the machine whose file system is at root ("/" for this one): every
// path is root + "/proc/...", root + "/sys/...", root + "/etc/...". Never throws for a missing or
// odd file; the date is taken from the clock.
Environment read_environment(const std::string& root = "/",
                             const std::vector<std::string>& command_line = {});

// The context keys of core/result.hpp's context_key, absent fields omitted.
nlohmann::json to_json(const Environment& environment);

// One line per condition that makes results less trustworthy: a governor other than
// `performance`, a load average above half the online CPUs, THP `never`, automatic NUMA balancing,
// a perf_event_paranoid that blocks PMU counters, a hypervisor. armperf warns, it never refuses.
std::vector<std::string> warnings(const Environment& environment);

}  // namespace armperf
