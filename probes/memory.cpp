#include "probes/memory.hpp"

#include <fmt/format.h>

#include "probes/probe.hpp"
#include "probes/support.hpp"

namespace armperf::probes {

std::optional<DramPeak> dram_peak(const MemoryModules& modules) {
  const auto mts = modules.configured_speed_mts ? modules.configured_speed_mts : modules.speed_mts;
  if (modules.populated == 0 || !mts) return std::nullopt;
  return DramPeak{modules.populated, *mts, modules.populated * static_cast<double>(*mts) * 1e6 * 8 * 1e-9};
}

const std::optional<DramPeak>& this_dram_peak() {
  static const std::optional<DramPeak> peak = [] {
    const auto modules = read_environment("/").memory_modules;
    return modules ? dram_peak(*modules) : std::nullopt;
  }();
  return peak;
}

namespace {

ProbeOutcome run_memory(const ProbeConfig&, const RowSink& sink) {
  ProbeOutcome outcome;
  const Environment env = read_environment("/");
  if (!env.memory_modules) {
    outcome.notes.push_back("unavailable: SMBIOS type 17 not readable (/sys/firmware/dmi/tables/DMI needs root, "
                            "and some VMs have no table)");
    return outcome;
  }
  const auto peak = dram_peak(*env.memory_modules);
  if (!peak) {
    outcome.notes.push_back(fmt::format("unavailable: {} populated module(s) of {} slots, no speed in SMBIOS",
                                        env.memory_modules->populated, env.memory_modules->slots));
    return outcome;
  }
  ResultRow row = probe_row("memory/dram_peak", "memory", "scalar", 1);
  row.gbps = peak->gbps;
  row.size = env.memory_modules->total_mib << 20;
  row.dtype = "";
  row.counters["modules"] = peak->modules;
  row.counters["mts"] = peak->mts;
  row.extra = {{"memory_type", env.memory_modules->type}};
  sink(row);
  outcome.notes.push_back(fmt::format("theoretical DRAM peak = {} {} modules x {} MT/s x 8 B = {:.1f} GB/s, assuming "
                                      "one module per channel (SMBIOS does not say how many channels)",
                                      peak->modules, env.memory_modules->type, peak->mts, peak->gbps));
  return outcome;
}

ARMPERF_REGISTER_PROBE(Probe{"memory", "DRAM modules, type, MT/s from SMBIOS type 17 and the theoretical peak GB/s",
                             &run_memory});

}  // namespace
}  // namespace armperf::probes
