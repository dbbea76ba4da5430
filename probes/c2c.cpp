#include "probes/c2c.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <set>
#include <stdexcept>

#include "core/isa.hpp"
#include "core/topology.hpp"
#include "probes/probe.hpp"
#include "probes/support.hpp"
#include "probes/topology.hpp"

namespace armperf::probes {

std::vector<C2cAtomic> c2c_atomics(std::vector<std::string>& notes) {
#if defined(__aarch64__)
  std::vector<C2cAtomic> atomics;
  if (this_cpu().features.has("lse")) {
    atomics.push_back({"lse", &ping_pong_lse});
  } else {
    notes.push_back("c2c lse skipped: the CPU lacks LSE atomics (no HWCAP_ATOMICS)");
  }
  atomics.push_back({"llsc", &ping_pong_llsc});
  return atomics;
#else
  (void)notes;
  return {{"x86", &ping_pong_x86}};
#endif
}

PairsRequest parse_pairs(const std::string& text) {
  if (text.empty()) return {};
  if (text == "all") return {false, 0};
  std::size_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < 1) {
    throw std::invalid_argument(fmt::format("pairs \"{}\": expected 'all' or a positive number of pairs", text));
  }
  return {false, value};
}

std::size_t default_pair_limit(std::size_t pus, Profile profile) {
  // 16 PUs have 120 pairs, a few seconds at quick settings; 192 cores have 18336.
  return pus <= 16 || profile == Profile::full ? 0 : 2 * pus;
}

std::size_t pair_limit(const PairsRequest& request, std::size_t pus, Profile profile) {
  return request.automatic ? default_pair_limit(pus, profile) : request.limit;
}

std::vector<std::pair<int, int>> c2c_pairs(const std::vector<int>& pus,
                                           const std::vector<std::vector<std::vector<int>>>& domains,
                                           std::size_t limit) {
  std::vector<std::pair<int, int>> all;
  for (std::size_t i = 0; i < pus.size(); ++i) {
    for (std::size_t j = i + 1; j < pus.size(); ++j) all.emplace_back(pus[i], pus[j]);
  }
  if (limit == 0 || all.size() <= limit) return all;

  std::vector<std::size_t> rank(1 + static_cast<std::size_t>(*std::max_element(pus.begin(), pus.end())), pus.size());
  for (std::size_t i = 0; i < pus.size(); ++i) rank[static_cast<std::size_t>(pus[i])] = i;
  std::vector<std::pair<int, int>> sample;
  std::set<std::pair<int, int>> taken;
  auto add = [&](int a, int b) {
    if (sample.size() >= limit || a == b) return;
    if (rank[static_cast<std::size_t>(a)] > rank[static_cast<std::size_t>(b)]) std::swap(a, b);
    if (taken.insert({a, b}).second) sample.emplace_back(a, b);
  };
  auto first_pu = [&](const std::vector<int>& part) {
    for (int pu : pus) {
      if (std::find(part.begin(), part.end(), pu) != part.end()) return pu;
    }
    return -1;
  };
  for (std::size_t d = 0; d < domains.size(); ++d) {
    std::vector<int> firsts;
    for (const auto& part : domains[d]) {
      if (const int pu = first_pu(part); pu >= 0) firsts.push_back(pu);
    }
    // NUMA nodes are few: every two of them. Clusters can be many: each with the next one.
    for (std::size_t i = 0; i < firsts.size(); ++i) {
      if (d == 0) {
        for (std::size_t j = i + 1; j < firsts.size(); ++j) add(firsts[i], firsts[j]);
      } else if (i + 1 < firsts.size()) {
        add(firsts[i], firsts[i + 1]);
      }
    }
  }
  for (std::size_t i = 0; i + 1 < pus.size(); i += 2) add(pus[i], pus[i + 1]);
  if (pus.size() % 2 == 1) add(pus.front(), pus.back());
  const std::size_t room = limit - std::min(limit, sample.size());
  for (std::size_t k = 0; k < room; ++k) add(all[k * all.size() / room].first, all[k * all.size() / room].second);
  for (const auto& [a, b] : all) add(a, b);  // what the spaced pass hit twice, filled in order
  return sample;
}

namespace {

ProbeOutcome run_c2c(const ProbeConfig& cfg, const RowSink& sink) {
  ProbeOutcome outcome;
  const Topology& topology = Topology::binding();
  const std::vector<int> pus = topology.cpus_for(cfg.placement, 0);
  if (pus.size() < 2) {
    outcome.notes.push_back("c2c skipped: it needs two PUs, the placement has one");
    return outcome;
  }
  const auto pairs = c2c_pairs(pus, pu_domains(topology), pair_limit(parse_pairs(cfg.pairs), pus.size(), cfg.profile));
  const int samples = std::max(9, repetitions(cfg));
  const std::uint64_t round_trips = cfg.profile == Profile::quick ? 2000 : 10000;
  const auto atomics = c2c_atomics(outcome.notes);
  for (const auto& [a, b] : pairs) {
    Team team({a, b});
    for (const C2cAtomic& atomic : atomics) {
      const PingPong pp = atomic.ping_pong(team, round_trips, samples);
      const std::string name = fmt::format("c2c/{}-{}/{}", a, b, atomic.atomic);
      if (pp.final_value != 2 * round_trips * static_cast<std::uint64_t>(samples + 1)) {
        throw std::runtime_error(fmt::format("{}: the line ended at {}, not after every turn", name, pp.final_value));
      }
      ResultRow row = probe_row(name, "c2c", "scalar", 2);
      row.placement = cfg.placement;
      row.repetitions = samples;
      row.iterations = static_cast<std::int64_t>(round_trips);
      row.real_time = row.cpu_time = median(pp.round_trip_ns);
      row.counters[row_key::latency_ns] = median(pp.round_trip_ns);
      row.counters["latency_ns_min"] = *std::min_element(pp.round_trip_ns.begin(), pp.round_trip_ns.end());
      row.counters[row_key::cpu_a] = a;
      row.counters[row_key::cpu_b] = b;
      row.extra = {{row_key::atomic, atomic.atomic}};
      if (!sink(row)) return outcome;
    }
  }
  outcome.notes.push_back(fmt::format("latency_ns is the median round trip (two line transfers) over {} samples of {} turns; "
                                      "{} of {} pairs (--pairs N|all)", samples, round_trips, pairs.size(),
                                      pus.size() * (pus.size() - 1) / 2));
  return outcome;
}

ARMPERF_REGISTER_PROBE(Probe{"c2c",
                             "Core-to-core round trip (ns) of a cache line bounced by CAS between pinned PUs "
                             "(ARM: LSE and LL/SC builds); --pairs N|all",
                             &run_c2c});

}  // namespace
}  // namespace armperf::probes
