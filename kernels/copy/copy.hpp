// f32 copy: y[i] = x[i] for i < n. The smallest kernel family; it exists to exercise the registry,
// the generated tests and benchmarks, and the per-ISA build rules on something easy to check.
#pragma once

#include <cstddef>

namespace armperf::kernels {

using CopyFn = void (*)(const float* x, float* y, std::size_t n);

// Bytes moved per element: one f32 read plus one f32 write (STREAM counting, no write-allocate).
inline constexpr double kCopyBytesPerElement = 8.0;

}  // namespace armperf::kernels
