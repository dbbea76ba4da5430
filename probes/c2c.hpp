// The c2c probe (DESIGN §4): core-to-core round trip of one cache line, bounced between two pinned
// threads by compare-and-swap, median of many samples, for every pair of PUs (a sample of the pairs
// on big machines).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/team.hpp"

namespace armperf::probes {

// What the CAS compiles to here: "x86" (lock cmpxchg); on ARM the build's outline atomics pick LSE
// CASAL when the CPU has it ("lse") and an LDAXR/STLXR loop otherwise ("llsc").
std::string c2c_atomic_kind();

struct PingPong {
  std::vector<double> round_trip_ns;  // one per sample: its time / round trips
  std::uint64_t final_value = 0;      // the line's value after the run: 2 x samples x round trips
};
// Thread 0 and thread 1 of a two-thread team take turns: thread 0 CASes the line from 2g to 2g+1,
// thread 1 from 2g+1 to 2g+2. Thread 0 times `round_trips` turns per sample, samples + 1 samples,
// the first discarded (the line and both threads warm up).
PingPong ping_pong(Team& team, std::uint64_t round_trips, int samples);

// Pairs (a, b), a before b in `pus`: all of them, or an evenly spaced sample of max_pairs.
std::vector<std::pair<int, int>> c2c_pairs(const std::vector<int>& pus, std::size_t max_pairs);

}  // namespace armperf::probes
