#if !defined(__ARM_FEATURE_SVE)
#error "copy_sve.cpp needs SVE: add it with armperf_add_kernel_family()"
#endif
#include <arm_sve.h>

#include "kernels/copy/copy.hpp"
#include "kernels/registry.hpp"

namespace armperf::kernels {

// Vector-length agnostic: the predicate from svwhilelt covers the tail, at any VL from 128 to 2048.
void f32_copy__sve_u1(const float* x, float* y, std::size_t n) {
  const std::size_t step = svcntw();
  for (std::size_t i = 0; i < n; i += step) {
    svbool_t pg = svwhilelt_b32_u64(i, n);
    svst1_f32(pg, y + i, svld1_f32(pg, x + i));
  }
}

// tile = the lanes of one vector at the largest VL (2048 bits: 64 f32), so the tests' 1..2*tile sweep
// covers a full vector plus tail at every VL.
ARMPERF_REGISTER_KERNEL(KernelVariant{.name = "f32_copy__sve_u1", .family = "copy", .op = "copy",
                                      .dtype = "f32", .isa = Isa::sve, .tile = 64,
                                      .bytes_per_element = kCopyBytesPerElement,
                                      .fn = reinterpret_cast<KernelFn>(&f32_copy__sve_u1)});

}  // namespace armperf::kernels
