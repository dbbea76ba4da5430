// LSE build of the ping-pong (probes/kernels/c2c_loops.hpp): ARMv8.1 atomics, so every CAS is one
// CASAL. Runs only where HWCAP_ATOMICS says the CPU has them.
#if !defined(__aarch64__) || !defined(__ARM_FEATURE_ATOMICS)
#error "c2c_lse.cpp needs -march=armv8.1-a (probes/CMakeLists.txt)"
#endif
#include "probes/kernels/c2c_loops.hpp"

namespace armperf::probes {

PingPong ping_pong_lse(Team& team, std::uint64_t round_trips, int samples) {
  return ping_pong_loop(team, round_trips, samples);
}

}  // namespace armperf::probes
