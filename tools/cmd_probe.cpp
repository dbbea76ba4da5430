// armperf probe NAME [options]: one probe of the registry (probes/probe.hpp), printed as a table
// with units and, with --out, written as a result file (DESIGN §5).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <nlohmann/json.hpp>

#include <cctype>
#include <charconv>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/environment.hpp"
#include "core/isa.hpp"
#include "core/result.hpp"
#include "core/topology.hpp"
#include "probes/c2c.hpp"
#include "probes/pmu.hpp"
#include "probes/probe.hpp"
#include "probes/support.hpp"
#include "tools/cli.hpp"

namespace armperf::cli {
namespace {

struct ProbeOptions {
  std::string name;
  std::string threads;
  std::string placement = "compact";
  std::string membind = "local";
  std::string sizes;
  int repetitions = 0;
  std::string profile = "quick";
  std::string out;
  std::string pairs;
  std::string pmu;
  bool json = false;
};

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    items.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return items;
}

std::optional<std::int64_t> parse_integer(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// "1,2,all": positive counts; "all" is every PU of the placement.
std::vector<int> parse_threads(const std::string& text, int all) {
  std::vector<int> counts;
  if (text.empty()) return counts;
  for (const auto& item : split_list(text)) {
    if (item == "all") {
      counts.push_back(all);
      continue;
    }
    const auto value = parse_integer(item);
    if (!value || *value < 1 || *value > 1 << 20) {
      throw InputError(fmt::format("--threads \"{}\": \"{}\" is not a positive thread count or 'all'", text, item));
    }
    counts.push_back(static_cast<int>(*value));
  }
  return counts;
}

// "4K,32KiB,1M,1GiB,100": bytes; K/M/G and KiB/MiB/GiB are powers of 1024.
std::vector<std::int64_t> parse_sizes(const std::string& text) {
  std::vector<std::int64_t> sizes;
  if (text.empty()) return sizes;
  for (const auto& item : split_list(text)) {
    std::size_t digits = 0;
    while (digits < item.size() && std::isdigit(static_cast<unsigned char>(item[digits]))) ++digits;
    const auto number = parse_integer(std::string_view(item).substr(0, digits));
    const std::string unit = item.substr(digits);
    int shift = -1;
    if (unit.empty() || unit == "B") shift = 0;
    if (unit == "K" || unit == "KiB") shift = 10;
    if (unit == "M" || unit == "MiB") shift = 20;
    if (unit == "G" || unit == "GiB") shift = 30;
    if (!number || *number < 1 || shift < 0 || *number > (std::int64_t{1} << (50 - shift))) {
      throw InputError(fmt::format("--sizes \"{}\": \"{}\" is not a size such as 4096, 32K, 1MiB or 1G", text, item));
    }
    sizes.push_back(*number << shift);
  }
  return sizes;
}

ProbeConfig make_config(const ProbeOptions& options, const Topology& topology) {
  ProbeConfig cfg;
  const auto profile = parse_profile(options.profile);
  if (!profile) throw InputError(fmt::format("--profile \"{}\": expected quick, standard or full", options.profile));
  cfg.profile = *profile;
  cfg.placement = options.placement;
  int all = 0;
  try {
    all = static_cast<int>(topology.cpus_for(options.placement, 0).size());
  } catch (const std::invalid_argument& e) {
    throw InputError(fmt::format("--placement: {}", e.what()));
  }
  cfg.threads = parse_threads(options.threads, all);
  try {
    probes::resolve_membind(options.membind, topology.summary());
  } catch (const std::invalid_argument& e) {
    throw InputError(fmt::format("--membind: {}", e.what()));
  }
  cfg.membind = options.membind;
  cfg.sizes = parse_sizes(options.sizes);
  cfg.repetitions = options.repetitions;
  try {
    probes::parse_pairs(options.pairs);
  } catch (const std::invalid_argument& e) {
    throw InputError(fmt::format("--{}", e.what()));
  }
  cfg.pairs = options.pairs;
  if (!options.pmu.empty()) {
    try {
      cfg.pmu_events = probes::expand_pmu_events(split_list(options.pmu));
    } catch (const std::invalid_argument& e) {
      throw InputError(e.what());
    }
  }
  return cfg;
}

nlohmann::json cpu_context(const CpuInfo& cpu) {
  nlohmann::json enabled = nlohmann::json::array();
  for (Isa isa : cpu.enabled) enabled.push_back(std::string(isa_name(isa)));
  return {{"arch", std::string(arch_name(cpu.arch))}, {"vendor", cpu.vendor},
          {"model", cpu.model}, {"microarchitecture", cpu.microarchitecture},
          {"features", cpu.features.flags}, {"sve_vector_bits", cpu.features.sve_vector_bits},
          {"isas_enabled", enabled}};
}

std::optional<double> counter(const ResultRow& row, const char* key) {
  const auto it = row.counters.find(key);
  if (it == row.counters.end()) return std::nullopt;
  return it->second;
}

std::string extra(const ResultRow& row, const char* key) {
  if (row.extra.is_object() && row.extra.contains(key) && row.extra[key].is_string()) return row.extra[key];
  return "";
}

// The measured values of a row with their units, in the order a reader wants them.
std::string values_text(const ResultRow& row) {
  std::string text;
  auto add = [&](std::string part) { text += (text.empty() ? "" : "  ") + part; };
  if (row.gbps) add(fmt::format("{:9.2f} GB/s", *row.gbps));
  if (auto v = counter(row, row_key::gbps_with_write_allocate)) add(fmt::format("(+write-allocate {:.2f} GB/s)", *v));
  if (auto v = counter(row, row_key::latency_ns)) add(fmt::format("{:9.2f} ns", *v));
  if (auto v = counter(row, row_key::latency_cycles)) add(fmt::format("{:7.1f} cycles", *v));
  if (row.op == "topology") {
    add(fmt::format("{} package(s), {} NUMA node(s), {} cores, {} PUs; clusters: {} hwloc, {} sharing a cache, {} by c2c",
                    counter(row, "packages").value_or(0), counter(row, "numa_nodes").value_or(0),
                    counter(row, "cores").value_or(0), counter(row, "pus").value_or(0),
                    counter(row, "clusters").value_or(0), counter(row, "cache_clusters").value_or(0),
                    counter(row, "c2c_clusters").value_or(0)));
    if (auto v = counter(row, "c2c_median_ns")) add(fmt::format("(c2c median {:.1f} ns)", *v));
  }
  if (row.op == "cluster") add(fmt::format("PUs {}", extra(row, row_key::cpus)));
  if (row.gflops) add(fmt::format("{:9.1f} GFLOP/s", *row.gflops));
  const auto gops = counter(row, row_key::gops);
  if (gops) add(fmt::format("{:9.1f} GOP/s", *gops));
  if (auto v = counter(row, row_key::ghz); v && !row.gflops && !gops) add(fmt::format("{:6.3f} GHz", *v));
  if (row.pct_of_peak) add(fmt::format("{:5.1f} % of peak", *row.pct_of_peak));
  if (auto v = counter(row, row_key::peak_gflops)) add(fmt::format("(peak {:.1f} GFLOP/s at {:.3f} GHz)", *v,
                                                             counter(row, row_key::ghz).value_or(0)));
  if (auto v = counter(row, row_key::peak_gops)) add(fmt::format("(peak {:.1f} GOP/s at {:.3f} GHz)", *v,
                                                          counter(row, row_key::ghz).value_or(0)));
  if (!row.error_message.empty()) add(row.error_message);
  for (const auto& [key, value] : row.counters) {
    if (key.rfind("pmu_", 0) == 0) add(fmt::format("{}={:.6g}", key.substr(4), value));
  }
  if (const std::string why = extra(row, probes::kPmuUnavailable); !why.empty()) add("pmu unavailable: " + why);
  return text;
}

std::string size_text(const ResultRow& row) {
  if (row.size.is_number_unsigned()) return probes::bytes_text(row.size.get<std::uint64_t>());
  if (row.size.is_string()) return row.size.get<std::string>();
  return "";
}

void print_header() {
  fmt::print("{:<14} {:<7} {:<5} {:>7} {:<10} {:<16} {:>10} {:<10}  {}\n", "op", "isa", "dtype", "threads",
             "placement", "membind", "size", "level", "result");
}

void print_row(const ResultRow& row) {
  std::string where = extra(row, row_key::level);
  if (where.empty()) where = extra(row, row_key::page);
  if (auto a = counter(row, row_key::cpu_a)) where = fmt::format("{}<->{}", *a, counter(row, row_key::cpu_b).value_or(-1));
  if (auto from = counter(row, row_key::from_node)) where = fmt::format("node {}->{}", *from, counter(row, row_key::to_node).value_or(-1));
  if (auto s = counter(row, row_key::streamers)) {
    where = fmt::format("{} streamer(s) at {:.0f} %", *s, 100 * counter(row, row_key::intensity).value_or(0));
  }
  if (row.op == "cluster") {
    where = extra(row, row_key::source);
    if (const std::string cache = extra(row, row_key::cache); !cache.empty()) where += " " + cache;
  }
  if (const std::string atomic = extra(row, row_key::atomic); !atomic.empty() && row.op == "c2c") where += " " + atomic;
  fmt::print("{:<14} {:<7} {:<5} {:>7} {:<10} {:<16} {:>10} {:<10}  {}\n", row.op, row.isa, row.dtype, row.threads,
             row.placement, row.membind, size_text(row), where, values_text(row));
  std::fflush(stdout);
}

// The options as given, for the result's context (main's argv is not passed to subcommands).
std::vector<std::string> command_line(const ProbeOptions& options) {
  std::vector<std::string> args = {"armperf", "probe", options.name, "--placement", options.placement,
                                   "--membind", options.membind, "--profile", options.profile};
  auto add = [&](const char* flag, const std::string& value) {
    if (!value.empty()) args.insert(args.end(), {flag, value});
  };
  add("--threads", options.threads);
  add("--sizes", options.sizes);
  add("--repetitions", options.repetitions > 0 ? std::to_string(options.repetitions) : "");
  add("--pairs", options.pairs);
  add("--out", options.out);
  add("--pmu", options.pmu);
  if (options.json) args.push_back("--json");
  return args;
}

void run_probe(const ProbeOptions& options, const std::vector<std::string>& args, int& exit_code) {
  const CpuInfo& cpu = this_cpu();
  if (!cpu.cap_error.empty()) throw InputError(cpu.cap_error);
  const Probe* probe = ProbeRegistry::instance().find(options.name);
  if (probe == nullptr) {
    std::vector<std::string> names;
    for (const auto& p : ProbeRegistry::instance().probes()) names.push_back(p.name);
    throw InputError(fmt::format("no probe named \"{}\" (this build has: {})", options.name, fmt::join(names, ", ")));
  }
  const Topology& topology = Topology::binding();
  const ProbeConfig cfg = make_config(options, topology);

  std::unique_ptr<ResultWriter> writer;
  if (!options.out.empty()) {
    nlohmann::json context = to_json(read_environment("/", args));
    context[context_key::cpu] = cpu_context(cpu);
    context[context_key::topology] = summary_json(topology.summary());
    try {
      writer = std::make_unique<ResultWriter>(options.out, context);
    } catch (const std::exception& e) {
      throw InputError(fmt::format("--out: {}", e.what()));
    }
  }
  nlohmann::json rows = nlohmann::json::array();
  if (!options.json) print_header();
  install_interrupt_flag();
  const ProbeOutcome outcome = armperf::run_probe(*probe, cfg, [&](const ResultRow& row) {
    if (writer) writer->append(row);
    if (options.json) {
      rows.push_back(row_to_json(row));
    } else {
      print_row(row);
    }
    return interrupted() == 0;
  });
  if (writer) writer->close();
  if (options.json) {
    std::cout << nlohmann::json{{"probe", probe->name}, {"rows", rows}, {"notes", outcome.notes}}.dump(2) << "\n";
  } else {
    for (const auto& note : outcome.notes) fmt::print("note: {}\n", note);
    if (writer) fmt::print("wrote {} row(s) to {}\n", writer->rows(), writer->path());
  }
  exit_code = interrupted() != 0 ? exit_code_for_signal(interrupted()) : 0;
}

}  // namespace

void add_probe_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("probe", "Run one probe (armperf list probes) and print or write its rows");
  static ProbeOptions options;
  cmd->add_option("name", options.name, "The probe: bandwidth, latency, peakflops, ...")->required();
  cmd->add_option("--threads", options.threads, "Thread counts, e.g. 1,2,all (default: the profile's)");
  cmd->add_option("--placement", options.placement, "compact, spread or a PU list such as 0-3,8");
  cmd->add_option("--membind", options.membind, "local, remote, interleave or node:N");
  cmd->add_option("--sizes", options.sizes, "Working sets, e.g. 32K,1M,1G (default: from the caches)");
  cmd->add_option("--repetitions", options.repetitions, "Repetitions per point (default: the profile's)")
      ->check(CLI::Range(1, 1000));
  cmd->add_option("--profile", options.profile, "quick, standard or full");
  cmd->add_option("--pairs", options.pairs, "c2c, topology: 'all' or a number of PU pairs (default: all up to 16 PUs)");
  cmd->add_option("--out", options.out, "Write the rows to this result file (JSON)");
  cmd->add_option("--pmu", options.pmu,
                  "PMU events to count per row: libpfm4 names and/or group:<name> (data/pmu), comma-separated");
  cmd->add_flag("--json", options.json, "Print the rows as JSON instead of a table");
  cmd->callback([&exit_code] { run_probe(options, command_line(options), exit_code); });
}

}  // namespace armperf::cli
