#include "kernels/copy/copy.hpp"
#include "kernels/registry.hpp"

namespace armperf::kernels {

// Built with -fno-tree-vectorize and -fno-tree-loop-distribute-patterns: an element loop, not memcpy.
void f32_copy__scalar_u4(const float* x, float* y, std::size_t n) {
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    y[i] = x[i];
    y[i + 1] = x[i + 1];
    y[i + 2] = x[i + 2];
    y[i + 3] = x[i + 3];
  }
  for (; i < n; ++i) y[i] = x[i];
}

ARMPERF_REGISTER_KERNEL(KernelVariant{.name = "f32_copy__scalar_u4", .family = "copy", .op = "copy",
                                      .dtype = "f32", .isa = Isa::scalar, .tile = 4,
                                      .bytes_per_element = kCopyBytesPerElement,
                                      .fn = reinterpret_cast<KernelFn>(&f32_copy__scalar_u4)});

}  // namespace armperf::kernels
