// armperf list [kernels|probes] [--json]: the registry, with what this machine can run. Every op of
// ours is listed for scalar, neon, sve, avx2 and avx512: a variant this build lacks (the other
// architecture's ISAs) appears with built false, runnable false and the reason.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/isa.hpp"
#include "core/result.hpp"
#include "kernels/registry.hpp"
#include "probes/probe.hpp"
#include "tools/cli.hpp"

namespace armperf::cli {
namespace {

// The ISAs every op is listed for (issue 5): each either has its variant in this build or says why not.
constexpr Isa kListedIsas[] = {Isa::scalar, Isa::neon, Isa::sve, Isa::avx2, Isa::avx512};

// Why a build has no variant of an op for an ISA: the other architecture's ISA files are not compiled.
std::string unbuilt_reason(const std::string& op, Isa isa) {
  const bool arm_build = this_cpu().arch == Arch::aarch64;
  if (isa_is_arm(isa) && !arm_build)
    return fmt::format("not built: {} is an aarch64 ISA, this is an {} build", isa_name(isa), arch_name(this_cpu().arch));
  if (isa_is_x86(isa) && arm_build)
    return fmt::format("not built: {} is an x86-64 ISA, this is an {} build", isa_name(isa), arch_name(this_cpu().arch));
  return fmt::format("no {} variant of {} is written", isa_name(isa), op);
}

nlohmann::json kernels_json() {
  auto& registry = KernelRegistry::instance();
  nlohmann::json families = nlohmann::json::array();
  for (const auto& family : registry.families()) {
    nlohmann::json variants = nlohmann::json::array();
    std::vector<std::string> ops;                      // in registry order
    std::map<std::string, std::set<Isa>> built;        // op -> ISAs of our own variants
    std::map<std::string, std::string> dtype_of;
    for (const KernelVariant* v : registry.variants(family.name)) {
      nlohmann::json row = {{"name", v->name}, {"op", v->op}, {"dtype", v->dtype},
                            {"isa", v->reported_isa()}, {"impl", v->impl}, {"tile", v->tile},
                            {"flops_per_element", v->flops_per_element},
                            {"bytes_per_element", v->bytes_per_element}, {"built", true},
                            {"runnable", v->runnable()}};
      if (!v->runnable()) row["skip_reason"] = v->skip_reason();
      variants.push_back(row);
      if (v->impl != row_value::impl_armperf) continue;
      if (!built.count(v->op)) ops.push_back(v->op);
      built[v->op].insert(v->isa);
      dtype_of.try_emplace(v->op, v->dtype);
    }
    // Every op of ours is listed on the five ISAs, the ones this build lacks as not runnable.
    for (const std::string& op : ops) {
      for (Isa isa : kListedIsas) {
        if (built[op].count(isa)) continue;
        variants.push_back({{"name", fmt::format("{}_{}__{}", dtype_of[op], op, isa_name(isa))},
                            {"op", op}, {"dtype", dtype_of[op]}, {"isa", std::string(isa_name(isa))},
                            {"impl", row_value::impl_armperf}, {"built", false}, {"runnable", false},
                            {"skip_reason", unbuilt_reason(op, isa)}});
      }
    }
    families.push_back({{"family", family.name}, {"description", family.description}, {"variants", variants}});
  }
  return families;
}

nlohmann::json probes_json() {
  nlohmann::json probes = nlohmann::json::array();
  for (const auto& probe : ProbeRegistry::instance().probes()) {
    probes.push_back({{"name", probe.name}, {"description", probe.description}});
  }
  return probes;
}

void print_kernels(const nlohmann::json& families) {
  for (const auto& family : families) {
    fmt::print("{} — {}\n", family["family"].get<std::string>(), family["description"].get<std::string>());
    for (const auto& v : family["variants"]) {
      fmt::print("  {:<32} {:<6} {:<8} {:<8} {}\n", v["name"].get<std::string>(), v["dtype"].get<std::string>(),
                 v["isa"].get<std::string>(), v["impl"].get<std::string>(),
                 v["runnable"].get<bool>() ? "runnable" : v["skip_reason"].get<std::string>());
    }
  }
}

}  // namespace

void add_list_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("list", "The kernel registry (and probes), with the variants this machine can run");
  static std::string what = "kernels";
  static bool json = false;
  cmd->add_option("what", what, "kernels or probes")->check(CLI::IsMember({"kernels", "probes"}));
  cmd->add_flag("--json", json, "Machine-readable output");
  cmd->callback([&exit_code] {
    nlohmann::json out = {{"kernels", kernels_json()}, {"probes", probes_json()}};
    if (json) {
      std::cout << out[what].dump(2) << "\n";
    } else if (what == "kernels") {
      print_kernels(out["kernels"]);
    } else {
      for (const auto& probe : out["probes"]) {
        fmt::print("{:<16} {}\n", probe["name"].get<std::string>(), probe["description"].get<std::string>());
      }
      if (out["probes"].empty()) fmt::print("no probes are registered in this build\n");
    }
    exit_code = 0;
  });
}

}  // namespace armperf::cli
