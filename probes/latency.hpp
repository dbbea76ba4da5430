// The latency probe (DESIGN §4): ns per dependent load over working sets from 4 KiB to 1 GiB, by a
// random cyclic pointer chase with one pointer per cache line, on 4 KiB and huge pages; and the cache
// steps the curve shows, next to hwloc's cache sizes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/topology.hpp"

namespace armperf::probes {

// A uniformly random cyclic permutation of 0..n-1 (Sattolo's algorithm): following i -> next[i]
// from any start visits all n elements before it returns, so the chase touches every line once per
// lap and the prefetchers see no pattern.
std::vector<std::uint32_t> cyclic_permutation(std::size_t n, std::uint64_t seed);

// Lays the chase out in memory: the pointer at base + i·stride points to base + next[i]·stride.
void build_chase(void* base, std::size_t lines, std::size_t stride, std::uint64_t seed);

// Follows `steps` pointers from start (rounded up to a multiple of 8); returns where it stopped.
void* chase(void* start, std::uint64_t steps);

// ns per load of `reps` timed chases from start over a chase of `lines` lines (build_chase), each
// covering ≥ 1e5 ticks of the fine counter (DESIGN §4: Altra's 25 MHz counter) and ≥ min_seconds,
// after a warming lap. An interrupt or another process on the core only ever adds time, so the
// fastest chase is the latency; the median says how disturbed the runs were.
struct ChaseTiming {
  double best_ns;
  double median_ns;
};
ChaseTiming time_chase(void* start, std::size_t lines, int reps, double min_seconds);

struct LatencyPoint {
  std::uint64_t bytes;
  double ns;
};
// A step of the latency curve: the working set stopped fitting somewhere in (last_fit, first_miss].
struct CacheStep {
  std::uint64_t last_fit;
  std::uint64_t first_miss;
  double ns_before;
  double ns_after;
};
// Steps where the latency rises to ≥ ratio × the plateau before it; a rise spread over several points
// counts once (it goes on while each point rises by 15 % or more but less than 2×). Points sorted by
// bytes.
std::vector<CacheStep> detect_cache_steps(const std::vector<LatencyPoint>& curve, double ratio = 1.4);

// "step 1 at 32 KiB..64 KiB (1.1 -> 3.9 ns) — hwloc L1d 48 KiB", one line per step.
std::vector<std::string> describe_cache_steps(const std::vector<CacheStep>& steps, const TopologySummary& topology);

}  // namespace armperf::probes
