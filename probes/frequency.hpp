// The frequency probe (DESIGN §4 "frequency"): effective GHz per core, one core and all cores busy,
// from the dependent add chain of core/clock.hpp (shared with peakflops and the kernels' pct_of_peak).
#pragma once

#include "core/clock.hpp"
