// f32 copy: y[i] = x[i] for i < n. The smallest kernel family; it exists to exercise the registry,
// the generated tests and benchmarks, and the per-ISA build rules on something easy to check.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/parallel.hpp"

namespace armperf::kernels {

using CopyFn = void (*)(const float* x, float* y, std::size_t n);

// Bytes moved per element: one f32 read plus one f32 write (STREAM counting, no write-allocate).
inline constexpr double kCopyBytesPerElement = 8.0;

// y = x over a team whose units are elements: thread t copies team.slice(t), `repeats` times. The
// benchmark's timed call; tests compare it with one copy call over the whole array.
void copy_on_team(SlicedTeam& team, CopyFn copy, const float* x, float* y, std::int64_t repeats = 1);

}  // namespace armperf::kernels
