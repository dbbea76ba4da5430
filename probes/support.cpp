#include "probes/support.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace armperf::probes {

std::vector<int> thread_counts(const ProbeConfig& cfg, const Topology& topology, std::vector<std::string>& notes) {
  const int available = static_cast<int>(topology.cpus_for(cfg.placement, 0).size());
  std::vector<int> wanted = cfg.threads;
  if (wanted.empty()) {
    wanted.push_back(1);
    if (cfg.profile != Profile::quick) {
      for (int n = 2; n < available; n *= 2) wanted.push_back(n);
    }
    wanted.push_back(available);
  }
  std::vector<int> counts;
  for (int n : wanted) {
    if (n > available) {
      notes.push_back(fmt::format("{} threads skipped: placement {} has {} PUs", n, cfg.placement, available));
    } else if (n >= 1 && std::find(counts.begin(), counts.end(), n) == counts.end()) {
      counts.push_back(n);
    }
  }
  return counts;
}

int repetitions(const ProbeConfig& cfg) {
  if (cfg.repetitions > 0) return cfg.repetitions;
  switch (cfg.profile) {
    case Profile::quick: return 3;
    case Profile::standard: return 9;
    case Profile::full: return 15;
  }
  return 3;
}

ResolvedMembind resolve_membind(const std::string& text, const TopologySummary& topology) {
  if (text != "remote") {
    MemBind bind = parse_membind(text);
    if (bind.kind == MemBind::Kind::node) {
      const bool known = std::any_of(topology.numa.begin(), topology.numa.end(),
                                     [&](const NumaSummary& n) { return n.node == bind.node; });
      if (!known) throw std::invalid_argument(fmt::format("membind \"{}\": this machine has no NUMA node {}", text, bind.node));
    }
    return {bind, membind_name(bind), ""};
  }
  if (topology.numa.size() < 2) {
    return {std::nullopt, "remote",
            fmt::format("membind remote skipped: {} NUMA node(s), no remote memory", topology.numa.size())};
  }
  // Threads start on the first node (compact placement); remote is its nearest other node.
  const NumaSummary& home = topology.numa.front();
  std::size_t nearest = 1;
  if (home.distances.size() == topology.numa.size()) {
    std::uint64_t best = std::numeric_limits<std::uint64_t>::max();
    for (std::size_t j = 1; j < topology.numa.size(); ++j) {
      if (home.distances[j] < best) best = home.distances[j], nearest = j;
    }
  }
  MemBind bind{MemBind::Kind::node, topology.numa[nearest].node};
  return {bind, fmt::format("remote({})", membind_name(bind)), ""};
}

std::vector<Isa> select_isas(const std::vector<Isa>& candidates, Profile profile, std::vector<std::string>& notes) {
  std::vector<Isa> chosen;
  for (Isa isa : candidates) {
    if (isa_enabled(isa)) {
      chosen.push_back(isa);
    } else {
      notes.push_back(fmt::format("{} skipped: {}", isa_name(isa), isa_skip_reason(isa)));
    }
  }
  std::sort(chosen.begin(), chosen.end(), [](Isa a, Isa b) { return isa_rank(a) > isa_rank(b); });
  if (profile == Profile::quick && chosen.size() > 1) chosen.erase(chosen.begin() + 1, chosen.end());
  return chosen;
}

ResultRow probe_row(const std::string& name, const std::string& op, const std::string& isa, int threads) {
  ResultRow row;
  row.name = name;
  row.run_name = name;
  row.suite = row_value::probe;
  row.impl = row_value::impl_armperf;
  row.op = op;
  row.isa = isa;
  row.threads = threads;
  return row;
}

std::string bytes_text(std::uint64_t bytes) {
  constexpr const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 4) value /= 1024, ++unit;
  return fmt::format("{:.4g} {}", value, units[unit]);
}

std::string cpu_list_text(std::vector<int> cpus) {
  std::sort(cpus.begin(), cpus.end());
  std::string text;
  for (std::size_t i = 0; i < cpus.size();) {
    std::size_t j = i;
    while (j + 1 < cpus.size() && cpus[j + 1] == cpus[j] + 1) ++j;
    if (!text.empty()) text += ',';
    text += j == i ? fmt::format("{}", cpus[i]) : fmt::format("{}-{}", cpus[i], cpus[j]);
    i = j + 1;
  }
  return text;
}

void unique_notes(std::vector<std::string>& notes) {
  std::vector<std::string> kept;
  for (auto& note : notes) {
    if (std::find(kept.begin(), kept.end(), note) == kept.end()) kept.push_back(std::move(note));
  }
  notes = std::move(kept);
}

double median(std::vector<double> values) {
  if (values.empty()) throw std::invalid_argument("median of no values");
  const std::size_t mid = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(mid), values.end());
  if (values.size() % 2 == 1) return values[mid];
  const double upper = values[mid];
  return (upper + *std::max_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(mid))) / 2;
}

}  // namespace armperf::probes
