#if !defined(__AVX512F__)
#error "copy_avx512.cpp needs AVX-512F: add it with armperf_add_kernel_family()"
#endif
#include <immintrin.h>

#include "kernels/copy/copy.hpp"
#include "kernels/registry.hpp"

namespace armperf::kernels {

// Two zmm registers per iteration; the tail is one masked load/store, no scalar loop.
void f32_copy__avx512_u32(const float* x, float* y, std::size_t n) {
  std::size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    __m512 a = _mm512_loadu_ps(x + i), b = _mm512_loadu_ps(x + i + 16);
    _mm512_storeu_ps(y + i, a);
    _mm512_storeu_ps(y + i + 16, b);
  }
  for (; i < n; i += 16) {
    const std::size_t left = n - i;
    const __mmask16 m = left >= 16 ? __mmask16(0xffff) : __mmask16((1u << left) - 1);
    _mm512_mask_storeu_ps(y + i, m, _mm512_maskz_loadu_ps(m, x + i));
  }
}

ARMPERF_REGISTER_KERNEL(KernelVariant{.name = "f32_copy__avx512_u32", .family = "copy", .op = "copy",
                                      .dtype = "f32", .isa = Isa::avx512, .tile = 32,
                                      .bytes_per_element = kCopyBytesPerElement,
                                      .fn = reinterpret_cast<KernelFn>(&f32_copy__avx512_u32)});

}  // namespace armperf::kernels
