// armperf info [--json]: what this machine is — CPU and ISA, topology, memory, environment.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <nlohmann/json.hpp>

#include <iostream>
#include <string>

#include "core/environment.hpp"
#include "core/isa.hpp"
#include "core/topology.hpp"
#include "tools/cli.hpp"

namespace armperf::cli {
namespace {

nlohmann::json cpu_json(const CpuInfo& cpu) {
  nlohmann::json isas_detected = nlohmann::json::array(), isas_enabled = nlohmann::json::array();
  for (Isa isa : cpu.detected) isas_detected.push_back(std::string(isa_name(isa)));
  for (Isa isa : cpu.enabled) isas_enabled.push_back(std::string(isa_name(isa)));
  nlohmann::json j = {{"arch", std::string(arch_name(cpu.arch))},
                      {"vendor", cpu.vendor},
                      {"model", cpu.model},
                      {"microarchitecture", cpu.microarchitecture},
                      {"features", cpu.features.flags},
                      {"sve_vector_bits", cpu.features.sve_vector_bits},
                      {"isas_detected", isas_detected},
                      {"isas_enabled", isas_enabled}};
  if (cpu.midr) {
    j["midr"] = fmt::format("0x{:08x}", cpu.midr_raw);
    j["midr_decoded"] = {{"implementer", fmt::format("0x{:02x}", cpu.midr->implementer)},
                         {"part", fmt::format("0x{:03x}", cpu.midr->part)},
                         {"variant", cpu.midr->variant},
                         {"revision", cpu.midr->revision},
                         {"vendor", cpu.midr->vendor},
                         {"core", cpu.midr->core},
                         {"products", cpu.midr->products}};
  }
  return j;
}

nlohmann::json memory_json(const TopologySummary& topo, const Environment& env) {
  std::uint64_t numa_total = 0;
  for (const auto& node : topo.numa) numa_total += node.memory_bytes;
  nlohmann::json j = {{"numa_total_bytes", numa_total}};
  if (env.mem_total_kib) j["os_total_bytes"] = *env.mem_total_kib * 1024;
  if (env.hugepage_size_kib) j["hugepage_bytes"] = *env.hugepage_size_kib * 1024;
  if (env.hugepages_total) j["hugepages_total"] = *env.hugepages_total;
  if (env.thp_enabled) j["thp"] = *env.thp_enabled;
  if (env.memory_modules) {
    const auto& m = *env.memory_modules;
    j["modules"] = {{"slots", m.slots}, {"populated", m.populated}, {"total_bytes", m.total_mib << 20},
                    {"type", m.type}};
    if (m.speed_mts) j["modules"]["speed_mts"] = *m.speed_mts;
    if (m.configured_speed_mts) j["modules"]["configured_speed_mts"] = *m.configured_speed_mts;
  } else {
    j["modules"] = "unknown: SMBIOS type 17 not readable (needs root and /sys/firmware/dmi)";
  }
  return j;
}

std::string bytes_text(std::uint64_t bytes) {
  if (bytes >= (1ull << 30) && bytes % (1ull << 30) == 0) return fmt::format("{} GiB", bytes >> 30);
  if (bytes >= (1ull << 30)) return fmt::format("{:.1f} GiB", static_cast<double>(bytes) / (1ull << 30));
  if (bytes >= (1ull << 20)) return fmt::format("{:.4g} MiB", static_cast<double>(bytes) / (1ull << 20));
  return fmt::format("{:.4g} KiB", static_cast<double>(bytes) / 1024);
}

std::string governors_text(const Environment& env) {
  if (env.governors.empty()) return "unknown (no cpufreq)";
  std::string out;
  for (const auto& [governor, cpus] : env.governors) out += fmt::format("{}{} ({} CPUs)", out.empty() ? "" : ", ", governor, cpus);
  return out;
}

void print_text(const nlohmann::json& info, const Environment& env) {
  const auto& cpu = info["cpu"];
  fmt::print("CPU        {} ({}), {}\n", cpu["model"].get<std::string>(), cpu["vendor"].get<std::string>(),
             cpu["microarchitecture"].get<std::string>());
  if (cpu.contains("midr")) {
    fmt::print("MIDR       {} = {} {}\n", cpu["midr"].get<std::string>(), cpu["midr_decoded"]["vendor"].get<std::string>(),
               cpu["midr_decoded"]["core"].get<std::string>());
  }
  fmt::print("ISA        detected: {}; enabled: {}", fmt::join(cpu["isas_detected"], ", "),
             fmt::join(cpu["isas_enabled"], ", "));
  if (cpu["sve_vector_bits"].get<unsigned>() > 0) fmt::print("; SVE {} bits", cpu["sve_vector_bits"].get<unsigned>());
  fmt::print("\nfeatures   {}\n", fmt::join(cpu["features"], " "));
  const auto& t = info["topology"];
  fmt::print("topology   {} package(s), {} NUMA node(s), {} cluster(s), {} cores, {} PUs (SMT {}) — {}\n",
             t["packages"].get<int>(), t["numa_nodes"].get<int>(), t["clusters"].get<int>(), t["cores"].get<int>(),
             t["pus"].get<int>(), t["smt"].get<int>(), info["topology_source"].get<std::string>());
  for (const auto& c : t["caches"]) {
    fmt::print("cache      L{} {:<11} {:>10} × {:<4} line {} B, shared by {} PU(s)\n", c["level"].get<int>(),
               c["type"].get<std::string>(), bytes_text(c["size_bytes"].get<std::uint64_t>()), c["count"].get<int>(),
               c["line_bytes"].get<int>(), c["shared_by_pus"].get<int>());
  }
  for (const auto& n : t["numa"]) {
    fmt::print("NUMA       node {}: {}, {} PU(s), distances [{}]\n", n["node"].get<int>(),
               bytes_text(n["memory_bytes"].get<std::uint64_t>()), n["cpus"].size(), fmt::join(n["distances"], " "));
  }
  fmt::print("memory     {} (OS), huge pages {}, THP {}\n", bytes_text(env.mem_total_kib.value_or(0) * 1024),
             env.hugepages_total.value_or(0), env.thp_enabled.value_or("unknown"));
  fmt::print("kernel     {}   governor {}", env.kernel_version.value_or("unknown"), governors_text(env));
  if (env.load_average) fmt::print("   load {:.2f}", env.load_average->one_minute);
  fmt::print("\n");
  if (env.dmi_product_name) fmt::print("product    {} {}\n", env.dmi_sys_vendor.value_or(""), *env.dmi_product_name);
  for (const auto& w : warnings(env)) fmt::print("warning    {}\n", w);
}

}  // namespace

void add_info_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("info", "Machine summary: CPU and ISA features, topology, caches, NUMA, memory, environment");
  static bool json = false;
  cmd->add_flag("--json", json, "Machine-readable output (integer counts, bytes)");
  cmd->callback([&exit_code] {
    const CpuInfo& cpu = this_cpu();
    if (!cpu.cap_error.empty()) throw InputError(cpu.cap_error);
    Topology topology = [] {
      try {
        return Topology::load();
      } catch (const std::exception& e) {
        throw InputError(e.what());  // a bad HWLOC_XMLFILE / HWLOC_SYNTHETIC is the user's input
      }
    }();
    const Environment env = read_environment("/");
    nlohmann::json info = {{"cpu", cpu_json(cpu)},
                           {"topology", summary_json(topology.summary())},
                           {"topology_source", topology.source()},
                           {"memory", memory_json(topology.summary(), env)},
                           {"environment", to_json(env)}};
    if (json) {
      std::cout << info.dump(2) << "\n";
    } else {
      print_text(info, env);
    }
    exit_code = 0;
  });
}

}  // namespace armperf::cli
