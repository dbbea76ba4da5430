// The loaded_latency probe (DESIGN §4, the MLC-style curve): memory latency seen by one core (the
// latency probe's pointer chase) while other cores stream (the bandwidth probe's kernels) at rising
// intensity, with the bandwidth the streamers achieved at each point.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/profile.hpp"
#include "core/team.hpp"
#include "probes/bandwidth.hpp"

namespace armperf::probes {

// A point of the curve. intensity is the streamers' duty cycle: after each chunk a streamer waits
// (1/intensity - 1) × the chunk's time, so 1 streams flat out and 0.25 a quarter of the time.
struct LoadLevel {
  int streamers = 0;
  double intensity = 0;
};
// The idle point (0 streamers) first, then for each streamer count (quick: all the other PUs;
// standard and full: 1, 2, 4, ... and all the others) the intensities in ascending order (quick:
// 0.25, 0.5, 1; else 0.1, 0.25, 0.5, 0.75, 1). With one PU only the idle point.
std::vector<LoadLevel> loaded_latency_levels(int pus, Profile profile);

struct LoadedLatency {
  double latency_ns = 0;         // median of the chaser's repetitions
  double latency_ns_min = 0;     // the fastest
  double gbps = 0;               // what the streamers moved together, STREAM counting, 1e9 B/s
  std::uint64_t checked = 0;     // stream results checked afterwards
  std::uint64_t wrong = 0;       // of those, how many did not hold the expected value
};
// Team thread 0 chases from chase_start (build_chase, `lines` lines) for `reps` repetitions of at
// least min_seconds; threads 1.. stream op (fn) over their blocks of the arrays in chunks at the given
// intensity until the chase ends. The arrays must have been made (first touched) by threads 1.. in
// the same order (make_stream_arrays with a team of the streamers). Afterwards every element a
// streamer wrote is checked.
LoadedLatency measure_loaded_latency(Team& team, void* chase_start, std::size_t lines, StreamArrays& arrays,
                                     StreamFn fn, StreamOp op, double intensity, int reps, double min_seconds);

}  // namespace armperf::probes
