#if !defined(__ARM_NEON)
#error "distance_neon.cpp needs AdvSIMD: add it with armperf_add_kernel_family()"
#endif
#include <arm_neon.h>

#include "kernels/knn/distance_impl.hpp"
#include "kernels/knn/knn_family.hpp"
#include "kernels/knn/scan_impl.hpp"
#include "kernels/registry.hpp"

namespace armperf::kernels {
namespace {

struct Neon {
  using V = float32x4_t;
  static constexpr int lanes = 4;
  using Mask = uint32x4_t;  // all-ones lanes from a compare
  static V zero() { return vdupq_n_f32(0.0f); }
  static V set1(float x) { return vdupq_n_f32(x); }
  static V load(const float* p) { return vld1q_f32(p); }
  // NEON has no masked load: copy the 1..3 tail elements next to zeros so nothing past the row is read.
  static V load_tail(const float* p, std::int64_t n) {
    float buffer[4] = {0.0f, 0.0f, 0.0f, 0.0f};
    for (std::int64_t i = 0; i < n; ++i) buffer[i] = p[i];
    return vld1q_f32(buffer);
  }
  static V sub(V a, V b) { return vsubq_f32(a, b); }
  static V add(V a, V b) { return vaddq_f32(a, b); }
  static V fma(V a, V b, V acc) { return vfmaq_f32(acc, a, b); }
  static Mask less(V a, V b) { return vcltq_f32(a, b); }
  static Mask either(Mask a, Mask b) { return vorrq_u32(a, b); }
  // Narrowed to 16 bits a lane, the four lanes fit one 64-bit scalar: 16 bits per lane to skip.
  static int first(Mask m) {
    const std::uint64_t bits = vget_lane_u64(vreinterpret_u64_u16(vmovn_u32(m)), 0);
    return bits == 0 ? lanes : __builtin_ctzll(bits) / 16;
  }
  static float reduce(V a) { return vaddvq_f32(a); }
  // Four rows' sums at once: three pairwise adds leave [a, b, c, d].
  static void reduce4(V a, V b, V c, V d, float* out) {
    vst1q_f32(out, vpaddq_f32(vpaddq_f32(a, b), vpaddq_f32(c, d)));
  }
};

}  // namespace

void f32_l2sq_distance__neon_u8(const float* q, const float* b, std::int64_t nb, std::int64_t d, float* out) {
  distance_impl::distances<Neon, Metric::l2>(q, b, nb, d, out);
}
void f32_ip_distance__neon_u8(const float* q, const float* b, std::int64_t nb, std::int64_t d, float* out) {
  distance_impl::distances<Neon, Metric::ip>(q, b, nb, d, out);
}
std::int64_t f32_key_scan__neon(const float* values, const float* offsets, float scale, std::int64_t n,
                                float threshold) {
  return scan_impl::first_below<Neon>(values, offsets, scale, n, threshold);
}
KnnResult f32_knn_search__neon(const KnnArgs& args) {
  static const KnnKernels kernels = knn_kernels(Isa::neon, &f32_key_scan__neon);
  return knn_search(args, kernels);
}

ARMPERF_REGISTER_KERNEL(distance_variant("f32_l2sq_distance__neon_u8", Metric::l2, Isa::neon, 8,
                                         &f32_l2sq_distance__neon_u8));
ARMPERF_REGISTER_KERNEL(distance_variant("f32_ip_distance__neon_u8", Metric::ip, Isa::neon, 8,
                                         &f32_ip_distance__neon_u8));
ARMPERF_REGISTER_KERNEL(search_variant("f32_knn_search__neon", Isa::neon, &f32_knn_search__neon));

}  // namespace armperf::kernels
