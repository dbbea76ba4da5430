// x86 build of the ping-pong (probes/kernels/c2c_loops.hpp): every CAS is a lock cmpxchg.
#if !defined(__x86_64__)
#error "c2c_x86.cpp is the x86-64 build of the ping-pong"
#endif
#include "probes/kernels/c2c_loops.hpp"

namespace armperf::probes {

PingPong ping_pong_x86(Team& team, std::uint64_t round_trips, int samples) {
  return ping_pong_loop(team, round_trips, samples);
}

}  // namespace armperf::probes
