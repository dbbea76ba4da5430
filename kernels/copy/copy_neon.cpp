#if !defined(__ARM_NEON)
#error "copy_neon.cpp needs AdvSIMD: add it with armperf_add_kernel_family()"
#endif
#include <arm_neon.h>

#include "kernels/copy/copy.hpp"
#include "kernels/registry.hpp"

namespace armperf::kernels {

// Four q registers per iteration: 64 bytes, one cache line per step.
void f32_copy__neon_u16(const float* x, float* y, std::size_t n) {
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    float32x4_t a = vld1q_f32(x + i), b = vld1q_f32(x + i + 4);
    float32x4_t c = vld1q_f32(x + i + 8), d = vld1q_f32(x + i + 12);
    vst1q_f32(y + i, a);
    vst1q_f32(y + i + 4, b);
    vst1q_f32(y + i + 8, c);
    vst1q_f32(y + i + 12, d);
  }
  for (; i + 4 <= n; i += 4) vst1q_f32(y + i, vld1q_f32(x + i));
  for (; i < n; ++i) y[i] = x[i];
}

ARMPERF_REGISTER_KERNEL(KernelVariant{.name = "f32_copy__neon_u16", .family = "copy", .op = "copy",
                                      .dtype = "f32", .isa = Isa::neon, .tile = 16,
                                      .bytes_per_element = kCopyBytesPerElement,
                                      .fn = reinterpret_cast<KernelFn>(&f32_copy__neon_u16)});

}  // namespace armperf::kernels
