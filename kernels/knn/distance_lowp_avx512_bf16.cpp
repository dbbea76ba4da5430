// AVX512_BF16 distances: vdpbf16ps multiplies bf16 pairs and adds both products into an f32 lane, 32
// elements per instruction with no widening. Inner product is one vdpbf16ps per step; squared L2
// expands to ||q||^2 + ||b||^2 - 2 q.b (b.b and q.b: two per step), since a difference of two bf16
// values is not a bf16 value. The expansion's rounding error is relative to ||q||^2 + ||b||^2, not to
// the distance (as in the f32 search's GEMM path). Runs only where cpuid reports avx512bf16.
#if !defined(__AVX512BF16__)
#error "distance_lowp_avx512_bf16.cpp needs AVX512_BF16: add it with armperf_add_kernel_family()"
#endif
#include "kernels/knn/distance_lowp_avx512.hpp"
#include "kernels/registry.hpp"

namespace armperf::kernels {
namespace {

struct Dpbf16 {
  static constexpr Dtype dtype = Dtype::bf16;
  static constexpr std::int64_t W = 32;
  struct Acc {
    __m512 bb, qb;  // L2: sum b.b and sum q.b; ip: qb only
  };
  static Acc zero() { return {_mm512_setzero_ps(), _mm512_setzero_ps()}; }
  static Acc add(Acc a, Acc b) { return {_mm512_add_ps(a.bb, b.bb), _mm512_add_ps(a.qb, b.qb)}; }
  static __m512bh load(const Half* p) { return reinterpret_cast<__m512bh>(_mm512_loadu_si512(p)); }
  template <Metric M>
  static Acc step(Acc acc, const Half* q, const Half* b) {
    const __m512bh x = load(q), y = load(b);
    if constexpr (M == Metric::l2) acc.bb = _mm512_dpbf16_ps(acc.bb, y, y);
    acc.qb = _mm512_dpbf16_ps(acc.qb, x, y);
    return acc;
  }
  template <Metric M>
  static float reduce(Acc a) {
    if constexpr (M == Metric::l2) return avx512_lowp::hsum(_mm512_fmadd_ps(_mm512_set1_ps(-2.0f), a.qb, a.bb));
    return avx512_lowp::hsum(a.qb);
  }
  template <Metric M>
  static float bias(const Half* q, std::int64_t n) {
    if constexpr (M == Metric::l2) return lowp_impl::query_norm<Dtype::bf16>(q, n);
    return 0.0f;
  }
};

}  // namespace

ARMPERF_LOWP_DISTANCES(bf16, Isa::avx512, "avx512_bf16_u64", 64, "avx512bf16",
                       (&lowp_impl::distances<Dpbf16, Metric::l2>), (&lowp_impl::distances<Dpbf16, Metric::ip>));

}  // namespace armperf::kernels
