#include "core/clock.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/timer.hpp"

namespace armperf {

namespace {
constexpr std::uint64_t kBlock = 128;  // adds per loop iteration: the loop's own branch hides behind them
}

AddChainRun run_add_chain(std::uint64_t adds) {
  const std::uint64_t blocks = std::max<std::uint64_t>(1, (adds + kBlock - 1) / kBlock);
  std::uint64_t value = 0;
  // The 1 comes from a register, not an immediate: Intel's Golden Cove and later cores (Sapphire and
  // Granite Rapids, Alder Lake's P-cores) fold chains of add-immediate in the renamer, several a cycle.
  // On a Granite Rapids VM chains of addq $1, incq and leaq 1(r) all measured 22-23 "GHz"; register adds
  // ran at 3.5-4.0 GHz, near the 3.7 GHz its AVX-512 FMA rate implies.
  const std::uint64_t one = 1;
  const std::uint64_t start = now_ns();
  for (std::uint64_t b = 0; b < blocks; ++b) {
#if defined(__x86_64__)
    asm volatile(".rept 128\n\taddq %1, %0\n\t.endr" : "+r"(value) : "r"(one));
#elif defined(__aarch64__)
    asm volatile(".rept 128\n\tadd %0, %0, %1\n\t.endr" : "+r"(value) : "r"(one));
#else
#error "run_add_chain: no add chain for this architecture"
#endif
  }
  const std::uint64_t stop = now_ns();
  return {blocks * kBlock, value, static_cast<double>(stop - start) * 1e-9};
}

std::string implausible_clock(double ghz) {
  constexpr double kFastestCore = 6.5;  // above any shipping core's boost clock
  if (ghz <= kFastestCore) return {};
  return fmt::format(
      "{:.1f} GHz is faster than any core clocks: the add chain ran more than one add a cycle (an emulator, "
      "or a core that folds dependent adds), so GHz and pct_of_peak from it are not the core's",
      ghz);
}

double measure_ghz(double min_seconds) {
  // Calibrate on a short run, then time 16 runs of min_seconds / 16 and keep the fastest: on a shared
  // core most runs lose time to other processes, and one that ran undisturbed is enough.
  constexpr int kRuns = 16;
  std::uint64_t adds = 1 << 16;
  AddChainRun run = run_add_chain(adds);
  while (run.seconds < min_seconds / (4 * kRuns)) run = run_add_chain(adds *= 4);
  adds = static_cast<std::uint64_t>(static_cast<double>(adds) * (min_seconds / kRuns) / run.seconds) + 1;
  double best = 0;
  for (int i = 0; i < kRuns; ++i) {
    run = run_add_chain(adds);
    best = std::max(best, static_cast<double>(run.adds) / run.seconds * 1e-9);
  }
  return best;
}

}  // namespace armperf
