// Effective core frequency from a dependent chain of integer register adds (not add-immediate, which
// recent Intel cores fold in the renamer: clock.cpp): each add needs the previous one's
// result and has a latency of one cycle on every core we target (Neoverse N1/V1/V2, AmpereOne, Zen,
// Intel since Sandy Bridge), so adds per second is cycles per second. The loop counter runs on its
// own chain, in parallel. The frequency probe reports it; the peakflops probe and the kernels'
// pct_of_peak (core/peak.hpp) multiply FLOP/cycle by it.
#pragma once

#include <cstdint>
#include <string>

namespace armperf {

struct AddChainRun {
  std::uint64_t adds = 0;   // adds executed, checked by the tests against the chain's final value
  std::uint64_t value = 0;  // the chain's result: starts at 0, +1 per add
  double seconds = 0;
};
// Runs at least `adds` dependent adds (a multiple of the unrolled block) and times them.
AddChainRun run_add_chain(std::uint64_t adds);

// Why a measured clock cannot be a core's, or "" when it can: above 6.5 GHz the chain ran faster than
// one add a cycle (an emulator, or a core that folds dependent adds), and every pct_of_peak built on it
// reads low. The frequency probe notes it.
std::string implausible_clock(double ghz);

// GHz of the calling thread's core over about min_seconds: the fastest of 16 runs, so an interrupt,
// a migration or another process on the core does not count.
double measure_ghz(double min_seconds = 0.02);

}  // namespace armperf
