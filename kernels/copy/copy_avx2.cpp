#if !defined(__AVX2__)
#error "copy_avx2.cpp needs AVX2: add it with armperf_add_kernel_family()"
#endif
#include <immintrin.h>

#include "kernels/copy/copy.hpp"
#include "kernels/registry.hpp"

namespace armperf::kernels {

// Four ymm registers per iteration: two cache lines per step.
void f32_copy__avx2_u32(const float* x, float* y, std::size_t n) {
  std::size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    __m256 a = _mm256_loadu_ps(x + i), b = _mm256_loadu_ps(x + i + 8);
    __m256 c = _mm256_loadu_ps(x + i + 16), d = _mm256_loadu_ps(x + i + 24);
    _mm256_storeu_ps(y + i, a);
    _mm256_storeu_ps(y + i + 8, b);
    _mm256_storeu_ps(y + i + 16, c);
    _mm256_storeu_ps(y + i + 24, d);
  }
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, _mm256_loadu_ps(x + i));
  for (; i < n; ++i) y[i] = x[i];
}

ARMPERF_REGISTER_KERNEL(KernelVariant{.name = "f32_copy__avx2_u32", .family = "copy", .op = "copy",
                                      .dtype = "f32", .isa = Isa::avx2, .tile = 32,
                                      .bytes_per_element = kCopyBytesPerElement,
                                      .fn = reinterpret_cast<KernelFn>(&f32_copy__avx2_u32)});

}  // namespace armperf::kernels
