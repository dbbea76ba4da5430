// Scalar distance baseline: one float per "vector", built with -fno-tree-vectorize, so the ratio
// of a SIMD variant to it is the value of its SIMD code alone.
#include "kernels/knn/distance_impl.hpp"
#include "kernels/knn/knn_family.hpp"
#include "kernels/knn/scan_impl.hpp"
#include "kernels/registry.hpp"

namespace armperf::kernels {
namespace {

struct Scalar {
  using V = float;
  static constexpr int lanes = 1;
  using Mask = bool;
  static V zero() { return 0.0f; }
  static V set1(float x) { return x; }
  static V load(const float* p) { return *p; }
  static V load_tail(const float* p, std::int64_t) { return *p; }  // never called: 1 lane
  static V sub(V a, V b) { return a - b; }
  static V add(V a, V b) { return a + b; }
  static V fma(V a, V b, V acc) { return a * b + acc; }
  static Mask less(V a, V b) { return a < b; }
  static Mask either(Mask a, Mask b) { return a || b; }
  static int first(Mask m) { return m ? 0 : 1; }
  static float reduce(V a) { return a; }
};

}  // namespace

void f32_l2sq_distance__scalar_u2(const float* q, const float* b, std::int64_t nb, std::int64_t d,
                                  float* out) {
  distance_impl::distances<Scalar, Metric::l2>(q, b, nb, d, out);
}
void f32_ip_distance__scalar_u2(const float* q, const float* b, std::int64_t nb, std::int64_t d, float* out) {
  distance_impl::distances<Scalar, Metric::ip>(q, b, nb, d, out);
}
std::int64_t f32_key_scan__scalar(const float* values, const float* offsets, float scale, std::int64_t n,
                                  float threshold) {
  return scan_impl::first_below<Scalar>(values, offsets, scale, n, threshold);
}
KnnResult f32_knn_search__scalar(const KnnArgs& args) {
  static const KnnKernels kernels = knn_kernels(Isa::scalar, &f32_key_scan__scalar);
  return knn_search(args, kernels);
}

ARMPERF_REGISTER_KERNEL(distance_variant("f32_l2sq_distance__scalar_u2", Metric::l2, Isa::scalar, 2,
                                         &f32_l2sq_distance__scalar_u2));
ARMPERF_REGISTER_KERNEL(distance_variant("f32_ip_distance__scalar_u2", Metric::ip, Isa::scalar, 2,
                                         &f32_ip_distance__scalar_u2));
ARMPERF_REGISTER_KERNEL(search_variant("f32_knn_search__scalar", Isa::scalar, &f32_knn_search__scalar));

}  // namespace armperf::kernels
