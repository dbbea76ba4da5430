// What the items of earlier runs took on this machine, so --dry-run and the progress ETA estimate
// from measurements instead of guesses (issue 7: the estimate must be honest). Kept per user in
// $ARMPERF_TIMINGS, else $XDG_CACHE_HOME/armperf/timings.json, else ~/.cache/armperf/timings.json;
// every run merges what it measured into it.
#pragma once

#include <map>
#include <string>

namespace armperf::run {

// A kernel benchmark as gbench runs it: one timed iteration, and the set-up of one call of its
// function (buffers built and first touched, peers' primitives created).
struct KernelTiming {
  double iteration_seconds = 0;
  double setup_seconds = 0;
};

struct Timings {
  std::map<std::string, KernelTiming> kernels;  // by plan item key
  std::map<std::string, double> probes;         // by probe_timing_key(): wall seconds of the item
};

std::string default_timings_path();
// Empty timings for a missing or unreadable file (a cache: never an error).
Timings load_timings(const std::string& path);
// Merges `measured` into the file (creating its directory); errors are ignored (a cache).
void save_timings(const std::string& path, const Timings& measured);

// Seconds gbench spends on one benchmark: `repetitions` repetitions of at least min_time each (or
// one iteration when that is longer; gbench overshoots min_time by up to its 1.4 growth factor, 1.2
// on average), the calibration calls of the first repetition (1, 10, 100, ... iterations until
// min_time: about a tenth of a repetition's time again, one call per power of ten), and the set-up
// of every call.
double kernel_seconds(const KernelTiming& timing, int repetitions, double min_time);
// The calls of the benchmark's function that kernel_seconds counts.
int kernel_calls(double iteration_seconds, int repetitions, double min_time);

}  // namespace armperf::run
