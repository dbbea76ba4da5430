// The inner loop of the c2c probe: two pinned threads bounce one cache line by compare-and-swap.
// On ARM the same loop is built twice (probes/kernels/c2c_loops.hpp): c2c_llsc.cpp at -march=armv8-a
// without outline atomics, so the CAS is an LDAXR/STLXR loop (LL/SC), and c2c_lse.cpp at
// -march=armv8.1-a, so it is one CASAL (LSE). x86 has one build (lock cmpxchg).
#pragma once

#include <cstdint>
#include <vector>

#include "core/team.hpp"

namespace armperf::probes {

struct PingPong {
  std::vector<double> round_trip_ns;  // one per sample: its time / round trips
  std::uint64_t final_value = 0;      // the line's value after the run: 2 x (samples + 1) x round trips
};
// Thread 0 and thread 1 of a two-thread team take turns: thread 0 CASes the line from 2g to 2g+1,
// thread 1 from 2g+1 to 2g+2. Thread 0 times `round_trips` turns per sample, samples + 1 samples,
// the first discarded (the line and both threads warm up). Throws std::invalid_argument unless the
// team has two threads.
using PingPongFn = PingPong (*)(Team& team, std::uint64_t round_trips, int samples);

#if defined(__aarch64__)
PingPong ping_pong_llsc(Team& team, std::uint64_t round_trips, int samples);
PingPong ping_pong_lse(Team& team, std::uint64_t round_trips, int samples);  // needs HWCAP_ATOMICS
#else
PingPong ping_pong_x86(Team& team, std::uint64_t round_trips, int samples);
#endif

}  // namespace armperf::probes
