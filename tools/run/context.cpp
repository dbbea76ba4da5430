#include "tools/run/context.hpp"

#include <fmt/format.h>

#include "kernels/registry.hpp"

namespace armperf::run {

std::vector<std::string> run_warnings(const Environment& env, const TopologySummary& topo) {
  std::vector<std::string> out = warnings(env);
  if (topo.smt > 1) {
    out.push_back(fmt::format(
        "SMT is on ({} PUs per core): threads beyond the cores share a core's pipelines", topo.smt));
  }
  return out;
}

nlohmann::json run_context(const Environment& env, const CpuInfo& cpu, const Topology& topology,
                           const RunOptions& options, const RunPlan& plan,
                           const std::vector<std::string>& warnings) {
  nlohmann::json context = to_json(env);
  context[run_key::cpu_model] = cpu.model;
  context[run_key::cpu_vendor] = cpu.vendor;
  context[run_key::microarchitecture] = cpu.microarchitecture;
  if (cpu.midr) context[run_key::midr] = fmt::format("0x{:08x}", cpu.midr_raw);
  context[run_key::isa_features] = cpu.features.flags;
  nlohmann::json enabled = nlohmann::json::array();
  for (Isa isa : cpu.enabled) enabled.push_back(std::string(isa_name(isa)));
  context[run_key::isas_enabled] = enabled;
  context[run_key::sve_vector_bits] = cpu.features.sve_vector_bits;
  context[run_key::topology] = summary_json(topology.summary());
  context[run_key::topology_source] = topology.source();
  nlohmann::json plan_summary = plan_json(plan);
  plan_summary.erase("items");  // the rows say what ran
  plan_summary["item_count"] = plan.items.size();
  context[run_key::run] = {{context_key::options, to_json(options)}, {context_key::plan, plan_summary}};
  context[run_key::warnings] = warnings;
  // The peer libraries' own words (openblas_corename, blis_arch, onednn_cpu_isa, ...), at the top level
  // as Google Benchmark's JSON has them; a key of ours is never overwritten.
  for (const auto& [key, value] : KernelRegistry::instance().library_context()) {
    if (!context.contains(key)) context[key] = value;
  }
  return context;
}

}  // namespace armperf::run
