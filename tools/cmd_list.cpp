// armperf list [kernels|probes] [--json]: the registry, with what this machine can run.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <iostream>
#include <string>

#include "kernels/registry.hpp"
#include "probes/probe.hpp"
#include "tools/cli.hpp"

namespace armperf::cli {
namespace {

nlohmann::json kernels_json() {
  auto& registry = KernelRegistry::instance();
  nlohmann::json families = nlohmann::json::array();
  for (const auto& family : registry.families()) {
    nlohmann::json variants = nlohmann::json::array();
    for (const KernelVariant* v : registry.variants(family.name)) {
      nlohmann::json row = {{"name", v->name}, {"op", v->op}, {"dtype", v->dtype},
                            {"isa", v->reported_isa()}, {"impl", v->impl}, {"tile", v->tile},
                            {"flops_per_element", v->flops_per_element},
                            {"bytes_per_element", v->bytes_per_element}, {"runnable", v->runnable()}};
      if (!v->runnable()) row["skip_reason"] = v->skip_reason();
      variants.push_back(row);
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
