// The bandwidth probe (DESIGN §4): STREAM-style GB/s per op, ISA, thread count, placement, membind and
// working set, on the pinned team with owner first-touch, best of N after a discarded first run, and
// every result checked.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/buffer.hpp"
#include "core/profile.hpp"
#include "core/team.hpp"
#include "core/topology.hpp"
#include "probes/kernels/bandwidth.hpp"

namespace armperf::probes {

struct WorkingSet {
  std::string level;         // "L1", "L2", "L3", "DRAM", or "user" for --sizes
  std::uint64_t array_bytes;  // bytes of each of the three arrays, all threads together
};

// One working set per data-cache level and DRAM for `threads` threads. A cache level gets three arrays
// filling half of each thread's share of it (size / min(threads, PUs sharing an instance): compact
// placement), so they stay resident;
// DRAM gets arrays of 4× the last-level cache (all instances: STREAM's rule), capped by the profile
// (quick 128 MiB, standard 1 GiB) and by a quarter of memory_bytes for the three — a cap below 4×
// LLC adds a note. Levels whose arrays would not be larger than the previous level's are dropped.
std::vector<WorkingSet> bandwidth_working_sets(const TopologySummary& topology, int threads, Profile profile,
                                               std::uint64_t memory_bytes, std::vector<std::string>& notes);

// Bytes per array for a probe that streams from memory alongside something else (numa, loaded_latency):
// the largest of bandwidth_working_sets (DRAM, unless a profile cap left it below an LLC set), at most
// 64 MiB in the quick profile (three arrays: 192 MiB, beyond Altra's 32 MiB and AmpereOne's 64 MiB SLC).
std::uint64_t memory_array_bytes(const TopologySummary& topology, int threads, Profile profile,
                                 std::uint64_t memory_bytes, std::vector<std::string>& notes);

// The arrays are f64: x[i] = kStreamX, y[i] = kStreamY, s = kStreamScalar; small integers, so every
// op's result and every partial sum is exact and is checked with ==.
inline constexpr double kStreamX = 1.0;
inline constexpr double kStreamY = 2.0;
inline constexpr double kStreamScalar = 3.0;

struct StreamTiming {
  std::vector<double> seconds;  // per pass, one per repetition (the discarded first run excluded)
  std::uint64_t wrong = 0;      // elements (or read sums) that did not hold the expected value
};

// Runs fn for op over n elements of z, x, y on the team, each thread on its block (block_slice with
// granule elements, the pages it first-touched): `repetitions` + 1 timed regions of `inner` passes
// each, the first discarded. z is filled with NaN first and checked afterwards.
StreamTiming time_stream_op(Team& team, StreamFn fn, StreamOp op, double* z, const double* x, const double* y,
                            std::size_t n, std::size_t granule, int repetitions, std::uint64_t inner);

// Elements of z[begin, end) that do not hold `expected`.
std::uint64_t stream_wrong(const double* z, Slice part, double expected);

// The three STREAM arrays of `bytes` bytes each, with the memory policy `bind`, first-touched by the
// team's threads (each its block) and filled with kStreamX and kStreamY.
struct StreamArrays {
  Buffer x, y, z;
  std::size_t elements() const { return x.size() / sizeof(double); }
  std::size_t granule() const { return x.page_bytes() / sizeof(double); }  // a page of elements
};
StreamArrays make_stream_arrays(std::uint64_t bytes, const MemBind& bind, Team& team);

// Passes of op over n elements per timed region: enough that one region moves ≥ 16 MB (quick) or
// 128 MB, far above the barrier's skew and the clock's resolution.
std::uint64_t stream_inner_passes(StreamOp op, std::size_t n, Profile profile);

// The fastest of time_stream_op's passes, after checking every value: throws std::runtime_error
// naming `name` when one is wrong.
double best_stream_seconds(const StreamTiming& timing, StreamOp op, std::size_t n, const std::string& name);

}  // namespace armperf::probes
