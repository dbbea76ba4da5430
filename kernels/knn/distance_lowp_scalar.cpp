// Scalar low-precision distances: the reference-shaped loop (convert each element, accumulate in f32
// or int32), built with -fno-tree-vectorize so a SIMD variant's ratio to it is its SIMD code's value.
#include "kernels/knn/distance_lowp_impl.hpp"
#include "kernels/registry.hpp"

namespace armperf::kernels {
namespace {

template <Dtype D, Metric M>
void scalar_distances(const typename lowp_impl::Element<D>::T* q, const typename lowp_impl::Element<D>::T* b,
                      std::int64_t nb, std::int64_t d, typename lowp_impl::Element<D>::Out* out) {
  for (std::int64_t i = 0; i < nb; ++i) out[i] = lowp_impl::scalar_distance<D, M>(q, b + i * d, d);
}

}  // namespace

ARMPERF_LOWP_DISTANCES(f16, Isa::scalar, "scalar", 1, "", (&scalar_distances<Dtype::f16, Metric::l2>),
                       (&scalar_distances<Dtype::f16, Metric::ip>));
ARMPERF_LOWP_DISTANCES(bf16, Isa::scalar, "scalar", 1, "", (&scalar_distances<Dtype::bf16, Metric::l2>),
                       (&scalar_distances<Dtype::bf16, Metric::ip>));
ARMPERF_LOWP_DISTANCES(int8, Isa::scalar, "scalar", 1, "", (&scalar_distances<Dtype::int8, Metric::l2>),
                       (&scalar_distances<Dtype::int8, Metric::ip>));
// No scalar search rows: the direct path's nq x nb x d scalar work at the benchmark grid's nq = 1000
// points takes minutes per iteration; the scalar kernels are benchmarked as distance rows.

}  // namespace armperf::kernels
