// NEON low-precision distances that need nothing past ARMv8.0 AdvSIMD: f16 widened by FCVTL (the
// conversion is base AdvSIMD; FEAT_FP16's half-precision arithmetic would accumulate in f16, which
// the f32-accumulating contract rules out), bf16 widened by a 16-bit shift (SHLL). The dot-product
// forms are in distance_lowp_neon_dotprod.cpp (int8) and distance_lowp_neon_bf16.cpp (BFDOT).
#if !defined(__ARM_NEON)
#error "distance_lowp_neon.cpp needs AdvSIMD: add it with armperf_add_kernel_family()"
#endif
#include <arm_neon.h>

#include "kernels/knn/distance_lowp_impl.hpp"
#include "kernels/registry.hpp"

namespace armperf::kernels {
namespace {

template <Dtype D, class Widen>
struct Float4 {
  static constexpr Dtype dtype = D;
  static constexpr std::int64_t W = 4;
  using Acc = float32x4_t;
  static Acc zero() { return vdupq_n_f32(0.0f); }
  static Acc add(Acc a, Acc b) { return vaddq_f32(a, b); }
  template <Metric M>
  static Acc step(Acc acc, const Half* q, const Half* b) {
    const float32x4_t x = Widen::load(q), y = Widen::load(b);
    if constexpr (M == Metric::l2) {
      const float32x4_t diff = vsubq_f32(y, x);
      return vfmaq_f32(acc, diff, diff);
    } else {
      return vfmaq_f32(acc, x, y);
    }
  }
  template <Metric>
  static float reduce(Acc a) { return vaddvq_f32(a); }
  template <Metric>
  static float bias(const Half*, std::int64_t) { return 0.0f; }
};

struct Fcvtl {
  static float32x4_t load(const Half* p) { return vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16(p))); }
};
struct Bf16Shift {
  static float32x4_t load(const Half* p) { return vreinterpretq_f32_u32(vshll_n_u16(vld1_u16(p), 16)); }
};

using F16 = Float4<Dtype::f16, Fcvtl>;
using Bf16 = Float4<Dtype::bf16, Bf16Shift>;

}  // namespace

ARMPERF_LOWP_DISTANCES(f16, Isa::neon, "neon_u8", 8, "", (&lowp_impl::distances<F16, Metric::l2>),
                       (&lowp_impl::distances<F16, Metric::ip>));
ARMPERF_LOWP_DISTANCES(bf16, Isa::neon, "neon_u8", 8, "", (&lowp_impl::distances<Bf16, Metric::l2>),
                       (&lowp_impl::distances<Bf16, Metric::ip>));
// Searches on the type's best NEON kernels (BFDOT where AT_HWCAP2 has bf16).
ARMPERF_REGISTER_KERNEL(lowp_search_variant(Dtype::f16, Isa::neon));
ARMPERF_REGISTER_KERNEL(lowp_search_variant(Dtype::bf16, Isa::neon));

}  // namespace armperf::kernels
