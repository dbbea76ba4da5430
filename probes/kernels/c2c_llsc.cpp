// LL/SC build of the ping-pong (probes/kernels/c2c_loops.hpp): ARMv8.0 atomics, inlined (no outline
// atomics, which would pick LSE at run time), so every CAS is an LDAXR/STLXR loop.
#if !defined(__aarch64__) || defined(__ARM_FEATURE_ATOMICS)
#error "c2c_llsc.cpp needs -march=armv8-a -mno-outline-atomics (probes/CMakeLists.txt)"
#endif
#include "probes/kernels/c2c_loops.hpp"

namespace armperf::probes {

PingPong ping_pong_llsc(Team& team, std::uint64_t round_trips, int samples) {
  return ping_pong_loop(team, round_trips, samples);
}

}  // namespace armperf::probes
