// Clocks for timed regions (DESIGN §7): the monotonic wall clock in nanoseconds, and the CPU's fine
// counter — cntvct_el0 on ARM, the TSC on x86 — for probes that time short regions cheaply.
//
// The ARM generic timer is not a cycle counter: its frequency is set by the firmware and can be low
// (Ampere Altra: 25 MHz, one tick = 40 ns; Armv8.6 and later fix it at 1 GHz). A probe that times a
// handful of loads with it measures the quantisation, not the loads; hence min_iterations_for().
#pragma once

#include <cstdint>

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

namespace armperf {

// CLOCK_MONOTONIC in nanoseconds. The clock of record: every reported time comes from it.
std::uint64_t now_ns();

// The fine counter. Ordered after the instructions before it (isb / lfence), so a region's end
// is not read early; not ordered against later instructions, which is what a region start wants.
inline std::uint64_t ticks() {
#if defined(__aarch64__)
  std::uint64_t value;
  asm volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(value) : : "memory");
  return value;
#elif defined(__x86_64__)
  _mm_lfence();
  return __rdtsc();
#else
  return now_ns();
#endif
}

// Ticks per second of ticks(). ARM: cntfrq_el0 (measured instead if the firmware left it 0).
// x86: the TSC measured against CLOCK_MONOTONIC over ~20 ms on first use (the kernel's
// tsc_known_freq is not exported to user space). Other architectures: 1e9 (ticks() is now_ns()).
double tick_hz();

double ticks_to_ns(std::uint64_t tick_count);

// Smallest nonzero step each clock was seen to take, measured now (not the advertised resolution:
// clock_getres() says 1 ns on most kernels whatever the clocksource does).
struct TimerResolution {
  double clock_ns;  // CLOCK_MONOTONIC
  double ticks_ns;  // ticks(), converted with tick_hz()
};
TimerResolution timer_resolution_ns();

// Iterations of a loop taking ns_per_iter each that cover at least min_ticks of the fine counter,
// so quantisation stays below 1/min_ticks of the result: at Altra's 25 MHz, 1e5 ticks are 4 ms.
// Throws std::invalid_argument unless ns_per_iter and min_ticks are finite and positive.
std::uint64_t min_iterations_for(double ns_per_iter, double min_ticks = 1e5);
// The same for a counter of the given frequency (tests; planning a run for another machine).
std::uint64_t min_iterations_for(double ns_per_iter, double min_ticks, double hz);

}  // namespace armperf
