// The context of a run's result file (DESIGN §5), written once per file: the environment
// (core/environment.hpp), the CPU and its ISA, the topology, the plan and the warnings.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/environment.hpp"
#include "core/isa.hpp"
#include "core/topology.hpp"
#include "tools/run/plan.hpp"

namespace armperf::run {

// Context keys `armperf run` adds to core/result.hpp's.
namespace run_key {
inline constexpr const char* run = context_key::run;  // {"options": ..., "plan": ...}
inline constexpr const char* warnings = "warnings";  // one line each
inline constexpr const char* cpu_model = "cpu_model";
inline constexpr const char* cpu_vendor = "cpu_vendor";
inline constexpr const char* microarchitecture = "microarchitecture";
inline constexpr const char* midr = "midr";
inline constexpr const char* isa_features = "isa_features";
inline constexpr const char* isas_enabled = "isas_enabled";
inline constexpr const char* sve_vector_bits = "sve_vector_bits";
inline constexpr const char* topology = "topology";
inline constexpr const char* topology_source = "topology_source";
}  // namespace run_key

// Why results from this machine deserve less trust: the environment's warnings (governor, load,
// THP, hypervisor, ...) plus SMT being on.
std::vector<std::string> run_warnings(const Environment& env, const TopologySummary& topo);

// The context of a run's results.json: machine, environment, options and plan, warnings, and what the
// linked peer libraries said of themselves (KernelRegistry::library_context).
nlohmann::json run_context(const Environment& env, const CpuInfo& cpu, const Topology& topology,
                           const RunOptions& options, const RunPlan& plan,
                           const std::vector<std::string>& warnings);

}  // namespace armperf::run
