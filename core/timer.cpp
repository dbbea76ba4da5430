#include "core/timer.hpp"

#include <time.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

namespace armperf {

namespace {

// Brackets one counter read between two clock reads and keeps the tightest of a few tries, so a
// preemption between the reads does not skew the pair.
struct ClockPair {
  std::uint64_t ns;
  std::uint64_t ticks;
};

ClockPair read_pair() {
  ClockPair best{0, 0};
  std::uint64_t best_width = std::numeric_limits<std::uint64_t>::max();
  for (int attempt = 0; attempt < 5; ++attempt) {
    const std::uint64_t before = now_ns();
    const std::uint64_t tick = ticks();
    const std::uint64_t after = now_ns();
    if (after - before < best_width) {
      best_width = after - before;
      best = {before + (after - before) / 2, tick};
    }
  }
  return best;
}

// 20 ms keeps the error of the bracketing (~100 ns) near 5 ppm and startup cost unnoticeable.
double measure_tick_hz() {
  constexpr std::uint64_t kWindowNs = 20'000'000;
  const ClockPair start = read_pair();
  timespec pause{0, static_cast<long>(kWindowNs)};
  while (nanosleep(&pause, &pause) != 0) {
  }
  const ClockPair end = read_pair();
  const double seconds = static_cast<double>(end.ns - start.ns) * 1e-9;
  return static_cast<double>(end.ticks - start.ticks) / seconds;
}

double detect_tick_hz() {
#if defined(__aarch64__)
  std::uint64_t frequency;
  asm volatile("mrs %0, cntfrq_el0" : "=r"(frequency));
  if (frequency != 0) return static_cast<double>(frequency);
  return measure_tick_hz();
#elif defined(__x86_64__)
  return measure_tick_hz();
#else
  return 1e9;
#endif
}

// Smallest nonzero difference between consecutive reads of a clock, over a bounded number of reads
// (a clock that never moves gives 0 rather than a hang).
template <class Read>
std::uint64_t smallest_step(Read read) {
  constexpr int kSteps = 200;
  constexpr int kMaxReads = 10'000'000;
  std::uint64_t smallest = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t previous = read();
  int steps = 0;
  for (int reads = 0; reads < kMaxReads && steps < kSteps; ++reads) {
    const std::uint64_t current = read();
    if (current != previous) {
      smallest = std::min(smallest, current - previous);
      previous = current;
      ++steps;
    }
  }
  return steps == 0 ? 0 : smallest;
}

}  // namespace

std::uint64_t now_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<std::uint64_t>(ts.tv_nsec);
}

double tick_hz() {
  static const double hz = detect_tick_hz();
  return hz;
}

double ticks_to_ns(std::uint64_t tick_count) { return static_cast<double>(tick_count) * 1e9 / tick_hz(); }

TimerResolution timer_resolution_ns() {
  const auto clock_step = smallest_step([] { return now_ns(); });
  const auto tick_step = smallest_step([] { return ticks(); });
  return {static_cast<double>(clock_step), ticks_to_ns(tick_step)};
}

std::uint64_t min_iterations_for(double ns_per_iter, double min_ticks) {
  return min_iterations_for(ns_per_iter, min_ticks, tick_hz());
}

std::uint64_t min_iterations_for(double ns_per_iter, double min_ticks, double hz) {
  const auto positive = [](double x) { return std::isfinite(x) && x > 0; };
  if (!positive(ns_per_iter) || !positive(min_ticks) || !positive(hz)) {
    throw std::invalid_argument(fmt::format(
        "min_iterations_for: ns_per_iter ({}), min_ticks ({}) and hz ({}) must be finite and positive",
        ns_per_iter, min_ticks, hz));
  }
  const double span_ns = min_ticks / hz * 1e9;
  const double iterations = std::ceil(span_ns / ns_per_iter);
  constexpr double kMax = static_cast<double>(std::numeric_limits<std::uint64_t>::max() / 2);
  return static_cast<std::uint64_t>(std::clamp(iterations, 1.0, kMax));
}

}  // namespace armperf
