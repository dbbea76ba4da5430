// What `armperf run` measures (DESIGN §6, issue 7): the profile's sweep points (thread count ×
// placement × memory binding), the kernel benchmarks of every registered family and every
// registered probe, repetitions, minimum time, and an estimate of the wall time. Built from the
// topology summary and the registries alone, so it is tested on replayed ARM servers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/profile.hpp"
#include "core/topology.hpp"
#include "kernels/registry.hpp"
#include "tools/run/timings.hpp"

namespace armperf::run {

// What the user asked for; empty / unset fields take the profile's choice.
struct RunOptions {
  Profile profile = Profile::quick;
  std::string filter;                   // ECMAScript regex over kernel benchmark and probe names
  std::vector<std::string> threads;     // "1", "4", "all"
  std::vector<std::string> placements;  // "compact", "spread"
  std::vector<std::string> membinds;    // "local", "remote", "interleave"
  std::optional<int> repetitions;
  // "rounds": repetition r of every kernel item, then r + 1 (the default with repetitions > 1);
  // "items": an item's repetitions back to back.
  std::optional<std::string> order;
  std::optional<double> min_time;  // seconds per repetition (gbench --benchmark_min_time)
  std::vector<std::string> pmu_events;
};
nlohmann::json to_json(const RunOptions& options);
// Throws std::invalid_argument naming the field for a document that is not one to_json() wrote.
RunOptions options_from_json(const nlohmann::json& j);

// One combination of the sweep: where the threads run and where their memory lives.
struct SweepPoint {
  int threads = 1;
  std::string placement = "compact";
  std::string membind = "local";
  bool operator==(const SweepPoint&) const = default;
};
// "t1/compact/local", the part of an item key that names the point.
std::string point_key(const SweepPoint& point);

struct PlanItem {
  enum class Kind { kernel, probe };
  Kind kind = Kind::kernel;
  std::string key;     // unique in the plan, stable across runs: --resume matches rows by it
  std::string name;    // the gbench benchmark name, or the probe name
  std::string family;  // kernel family; empty for a probe
  const KernelVariant* variant = nullptr;  // kernels only
  BenchShape shape;                        // kernels only
  SweepPoint point;
  std::vector<int> probe_threads;  // probes: the thread counts they sweep (empty: their default)
  // Kernels: one untimed iteration before the first timed run of each gbench call. gbench reports
  // the first run that lasts the min time; for an iteration of about that length or longer it is
  // the call's very first, taken cold right after another item (in rounds, every repetition would
  // be: sgemm 1024^3 on a Zen 3 VM gave 73 GFLOP/s against 84-86 warm). Shorter iterations are
  // warmed by gbench's own calibration runs.
  bool warm_up = false;
  double estimate_seconds = 0;
  bool estimate_measured = false;  // from timings recorded on this machine, not the model
  std::string timing_key;          // where its timing is recorded (probes: with profile, reps, threads)
};

struct RunPlan {
  Profile profile = Profile::quick;
  int repetitions = 1;
  // The kernel items' repetitions run in `repetitions` rounds, each round measuring every item once
  // in plan order, instead of back to back: a slow phase of the machine (a stolen vCPU, a noisy
  // neighbour) then falls on every item of a round alike, not on all repetitions of one item, and
  // ratios between items of the run stay sound. Probes run once, in the first round.
  bool interleaved = false;
  double min_time = 0.01;
  std::vector<SweepPoint> points;
  BenchPlan sizes;  // cache-derived sizes the kernel shapes come from
  std::vector<PlanItem> items;
  std::vector<std::string> pmu_events;
  double estimated_seconds() const;
};

// Profile defaults (DESIGN §6, §7).
int default_repetitions(Profile profile);  // 1 quick, 9 standard and full
double default_min_time(Profile profile);  // seconds per repetition
// Thread counts a profile sweeps on this topology: quick {1}; standard {1, all cores}; full 1, 2, 4,
// ... below the cores, one NUMA node's cores, one package's cores, all cores, all PUs.
std::vector<int> profile_thread_counts(Profile profile, const TopologySummary& topo);

// Builds the plan; item estimates come from `timings` where it has the item (earlier runs on this
// machine), otherwise from a model of a loaded 2-core VM. Throws std::invalid_argument with one line naming
// the option for a thread count above the PUs or below 1, an unknown placement or memory binding, "remote" or
// "interleave" with one NUMA node, a bad regex, a filter that matches nothing, a repetition count < 1, an
// order other than rounds|items or a negative minimum time.
RunPlan make_plan(const RunOptions& options, const TopologySummary& topo, const BenchPlan& sizes,
                  const Timings* timings = nullptr);

// The variant quick and standard measure at every shape of a family (variants: the family's registry
// rows): our own code at the widest ISA this machine runs, f32 where the family has it at that ISA
// (sgemm, not dgemm or s8gemm; the f32 distances of k-NN), else the registry's last such row.
const KernelVariant* showcase_variant(const std::vector<const KernelVariant*>& variants);

// Working-set bytes of a benchmark shape, for the time model and the free-memory check: the
// shape's own bytes where it states them; element count x bytes per element for elementwise
// families; the three matrices of an MxNxK shape (GEMM: A and B in its dtype, C in its accumulator's).
double shape_bytes(const KernelVariant& variant, const BenchShape& shape);
// The cold-start model of one kernel benchmark (no recorded timing): see plan.cpp.
KernelTiming modelled_kernel_timing(const KernelVariant& variant, const BenchShape& shape);
// Repetitions a probe item runs (the probe's ProbeConfig::repetitions; 0: the probe's default).
int probe_repetitions(const RunPlan& plan);
// The profile a probe item runs at (its sizes, ISAs and defaults): standard runs quick's (plan.cpp).
Profile probe_profile(const RunPlan& plan);

// Refuses (std::invalid_argument naming the benchmark) a plan whose largest kernel working set
// does not fit in available_bytes of free memory.
void check_fits_memory(const RunPlan& plan, std::uint64_t available_bytes);

// The plan as the user reads it (--dry-run) and as a machine reads it (--dry-run --json).
std::string describe(const RunPlan& plan);
nlohmann::json plan_json(const RunPlan& plan);

}  // namespace armperf::run
