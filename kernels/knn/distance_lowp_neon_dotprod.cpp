// NEON int8 distances on FEAT_DotProd: inner product is SDOT (four int8 products into each int32
// lane); squared L2 takes |q - b| with SABD, whose result (<= 254, since int8 data never holds -128)
// is exact read as uint8, and squares it with UDOT. Runs only where AT_HWCAP reports dotprod.
#if !defined(__ARM_FEATURE_DOTPROD)
#error "distance_lowp_neon_dotprod.cpp needs the dot-product extension: add it with armperf_add_kernel_family()"
#endif
#include <arm_neon.h>

#include "kernels/knn/distance_lowp_impl.hpp"
#include "kernels/registry.hpp"

namespace armperf::kernels {
namespace {

struct Sdot {
  static constexpr Dtype dtype = Dtype::int8;
  static constexpr std::int64_t W = 16;
  using Acc = int32x4_t;
  static Acc zero() { return vdupq_n_s32(0); }
  static Acc add(Acc a, Acc b) { return vaddq_s32(a, b); }
  template <Metric M>
  static Acc step(Acc acc, const std::int8_t* q, const std::int8_t* b) {
    const int8x16_t x = vld1q_s8(q), y = vld1q_s8(b);
    if constexpr (M == Metric::l2) {
      const uint8x16_t diff = vreinterpretq_u8_s8(vabdq_s8(x, y));
      return vreinterpretq_s32_u32(vdotq_u32(vreinterpretq_u32_s32(acc), diff, diff));
    } else {
      return vdotq_s32(acc, x, y);
    }
  }
  template <Metric>
  static std::int32_t reduce(Acc a) { return vaddvq_s32(a); }
  template <Metric>
  static std::int32_t bias(const std::int8_t*, std::int64_t) { return 0; }
};

}  // namespace

ARMPERF_LOWP_DISTANCES(int8, Isa::neon, "neon_dotprod_u32", 32, "dotprod", (&lowp_impl::distances<Sdot, Metric::l2>),
                       (&lowp_impl::distances<Sdot, Metric::ip>));
ARMPERF_REGISTER_KERNEL(lowp_search_variant(Dtype::int8, Isa::neon, "dotprod"));

}  // namespace armperf::kernels
