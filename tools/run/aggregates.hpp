// The aggregate rows of one kernel item (DESIGN §5, §7): mean, median, stddev and cv over its
// repetitions, spelled as Google Benchmark spells its own. armperf computes them rather than gbench
// because an item's repetitions need not come from one gbench call: an interleaved run measures one
// repetition per round, and --resume adds the rest of an item an interrupt cut short.
#pragma once

#include <span>
#include <vector>

#include "core/result.hpp"

namespace armperf::run {

// Google Benchmark's aggregates, in its order.
inline constexpr const char* kAggregateNames[] = {"mean", "median", "stddev", "cv"};

// The four aggregate rows of `repetitions` (iteration rows of one benchmark without an error), or
// none for fewer than two. Each statistic is taken over real_time, cpu_time, gflops, gbps,
// pct_of_peak and every counter that all repetitions carry; a value that comes out non-finite (the
// cv of a zero mean) is left out. A cv row holds ratios (gbench's aggregate_unit "percentage",
// written to the row's extra), the others values in the repetitions' units. Names, labels and the
// descriptive fields come from the first repetition, extra fields only where all repetitions agree;
// iterations is the repetition count.
std::vector<ResultRow> aggregate_rows(std::span<const ResultRow> repetitions);

}  // namespace armperf::run
