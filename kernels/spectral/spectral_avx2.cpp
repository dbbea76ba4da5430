#if !defined(__AVX2__) || !defined(__FMA__)
#error "spectral_avx2.cpp needs AVX2 and FMA: add it with armperf_add_kernel_family()"
#endif
#include <immintrin.h>


#include "kernels/spectral/isa_kernels.hpp"
#include "kernels/spectral/spmv_rows.hpp"

namespace armperf::kernels::spectral {
namespace {

// Lane mask for the first `count` (< 8) lanes: AVX2 masks are vectors whose lanes' sign bits select.
__m256i first_lanes(int count) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(count), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

float horizontal_sum(__m256 v) {
  const __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  const __m128 t = _mm_add_ps(s, _mm_movehl_ps(s, s));
  return _mm_cvtss_f32(_mm_add_ss(t, _mm_movehdup_ps(t)));
}

// The alternative kept as the _loads rows: plain loads with four accumulators (spmv_rows.hpp). On
// Zen 5 they beat the gather when every row has the same length (13.5 vs 10.6 GB/s, degree exactly
// 20), and lose on the SBM graphs' Poisson degrees, where each row's varying trip count mispredicts
// and the flush discards the x loads in flight (6-7 vs 9-10 GB/s; 1 thread, n = 2*10^5).
template <bool kValues>
void spmv_rows_loads(const SpmvArgs& args, Index begin, Index end) {
  spmv_rows::rows<kValues>(args, begin, end, spmv_rows::sum_loads<kValues>);
}

// The rows the solvers use, with the non-temporal prefetch of the col/val streams (spmv_rows.hpp): 8
// entries per step with vgatherdps; the tail is a masked load and a masked gather.
template <bool kValues>
float sum_gather(const CsrRef& a, const float* xs, Index p, Index p1) {
  __m256 acc = _mm256_setzero_ps();
  for (; p + 8 <= p1; p += 8) {
    const __m256i idx = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a.col + p));
    const __m256 x = _mm256_i32gather_ps(xs, idx, 4);
    acc = kValues ? _mm256_fmadd_ps(_mm256_loadu_ps(a.val + p), x, acc) : _mm256_add_ps(acc, x);
  }
  if (p < p1) {
    const __m256i m = first_lanes(p1 - p);
    const __m256i idx = _mm256_maskload_epi32(a.col + p, m);
    const __m256 x = _mm256_mask_i32gather_ps(_mm256_setzero_ps(), xs, idx, _mm256_castsi256_ps(m), 4);
    acc = kValues ? _mm256_fmadd_ps(_mm256_maskload_ps(a.val + p, m), x, acc) : _mm256_add_ps(acc, x);
  }
  return horizontal_sum(acc);
}

template <bool kValues>
void spmv_rows_gather(const SpmvArgs& args, Index begin, Index end) {
  spmv_rows::rows<kValues>(args, begin, end, sum_gather<kValues>);
}

}  // namespace

ARMPERF_AT_STARTUP(register_spectral_rows<Isa::avx2, spmv_rows_gather<true>, spmv_rows_gather<false>>());
ARMPERF_AT_STARTUP(
    register_spmv_rows_alternative<Isa::avx2, spmv_rows_loads<true>, spmv_rows_loads<false>>("loads"));

}  // namespace armperf::kernels::spectral
