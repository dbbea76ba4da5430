// The peakflops probe (DESIGN §4): FLOP/s of independent FMA chains per ISA and type, one thread and
// all threads, as a percentage of the theoretical peak = measured GHz × FLOP/cycle of the core
// (core/peak.hpp: the FMA table and the formula, shared with the kernels' pct_of_peak).
#pragma once

#include "core/peak.hpp"
