// The ping-pong loop once, compiled by each probes/kernels/c2c_<atomic>.cpp with its own flags: what
// the compare_exchange becomes (LSE CASAL, an LL/SC loop, lock cmpxchg) is the only difference. The
// loop has internal linkage, so the builds never merge at link time.
#pragma once

#include <fmt/format.h>

#include <atomic>
#include <stdexcept>
#include <thread>

#include "core/timer.hpp"
#include "probes/kernels/c2c.hpp"

namespace armperf::probes {
namespace {

// Spins until the line holds `value`; yields now and then, so two threads sharing one PU (a test,
// an emulator) still make progress.
void await_value(const std::atomic<std::uint64_t>& line, std::uint64_t value) {
  for (unsigned spins = 1; line.load(std::memory_order_acquire) != value; ++spins) {
    if (spins % 4096 == 0) std::this_thread::yield();
  }
}

void take_turn(std::atomic<std::uint64_t>& line, std::uint64_t from) {
  await_value(line, from);
  std::uint64_t expected = from;
  if (!line.compare_exchange_strong(expected, from + 1, std::memory_order_acq_rel)) {
    throw std::logic_error(fmt::format("c2c: the line held {} instead of {}", expected, from));
  }
}

PingPong ping_pong_loop(Team& team, std::uint64_t round_trips, int samples) {
  if (team.size() != 2) throw std::invalid_argument("ping_pong needs a team of two threads");
  alignas(128) std::atomic<std::uint64_t> line{0};
  PingPong result;
  team.run([&](int t) {
    for (int s = 0; s <= samples; ++s) {
      const std::uint64_t first = static_cast<std::uint64_t>(s) * round_trips;
      team.barrier();
      const std::uint64_t start = now_ns();
      for (std::uint64_t g = first; g < first + round_trips; ++g) take_turn(line, 2 * g + static_cast<std::uint64_t>(t));
      if (t == 0) {
        await_value(line, 2 * (first + round_trips));  // the last turn back
        if (s > 0) result.round_trip_ns.push_back(static_cast<double>(now_ns() - start) / static_cast<double>(round_trips));
      }
    }
  });
  result.final_value = line.load();
  return result;
}

}  // namespace
}  // namespace armperf::probes
