// What every probe needs from a ProbeConfig: the thread counts and PUs to run on, the memory policy,
// the repetitions, and a row already filled with the fields every probe row shares (DESIGN §5).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/buffer.hpp"
#include "core/isa.hpp"
#include "core/topology.hpp"
#include "probes/probe.hpp"

namespace armperf::probes {

// The thread counts of cfg, or the profile's default: quick {1, all}; standard and full: powers of
// two up to all, and all. Counts above the PUs of the placement are dropped with a note.
std::vector<int> thread_counts(const ProbeConfig& cfg, const Topology& topology, std::vector<std::string>& notes);

// cfg.repetitions, or the profile's: quick 3, standard 9 (DESIGN §7: ≥ 9), full 15.
int repetitions(const ProbeConfig& cfg);

// cfg.membind resolved on this topology. "remote" is the nearest other NUMA node (by the distance
// matrix, else the next node); on a machine with one node there is none: bind is empty and note
// says why. Throws std::invalid_argument naming the text for anything else than local, remote,
// interleave and node:N, or for a node the topology lacks.
struct ResolvedMembind {
  std::optional<MemBind> bind;  // empty: skip the memory measurements
  std::string name;             // as rows record it: "local", "remote(node:1)", "interleave", "node:0"
  std::string note;             // why bind is empty
};
ResolvedMembind resolve_membind(const std::string& text, const TopologySummary& topology);

// The enabled ISAs among `candidates`, best first; quick keeps only the best. Each candidate the
// machine lacks (or ARMPERF_MAX_ISA caps) adds its isa_skip_reason() to notes.
std::vector<Isa> select_isas(const std::vector<Isa>& candidates, Profile profile, std::vector<std::string>& notes);

// suite = probe, impl = armperf, op, isa, name, run_name, threads.
ResultRow probe_row(const std::string& name, const std::string& op, const std::string& isa, int threads);

// "4 KiB", "1.5 MiB", "2 GiB", "123 B".
std::string bytes_text(std::uint64_t bytes);

// {0,1,2,3,8} -> "0-3,8", the syntax of --placement lists and taskset (parse_cpu_list reads it back).
std::string cpu_list_text(std::vector<int> cpus);

// Removes repeated notes (a note per thread count often says the same thing), keeping the first order.
void unique_notes(std::vector<std::string>& notes);

// The median of values (not empty); the mean of the two middle ones for an even count.
double median(std::vector<double> values);

}  // namespace armperf::probes
