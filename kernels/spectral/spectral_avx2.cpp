#if !defined(__AVX2__) || !defined(__FMA__)
#error "spectral_avx2.cpp needs AVX2 and FMA: add it with armperf_add_kernel_family()"
#endif
#include <immintrin.h>

#include <algorithm>

#include "kernels/spectral/isa_kernels.hpp"

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

// 8 entries per step with vgatherdps; the tail is a masked load and a masked gather.
template <bool kValues>
void spmv_rows(const SpmvArgs& args, Index begin, Index end) {
  const CsrRef& a = args.a;
  for (Index i = begin; i < end; ++i) {
    const Index p0 = a.row_ptr[i], p1 = a.row_ptr[i + 1];
    __m256 acc = _mm256_setzero_ps();
    Index p = p0;
    for (; p + 8 <= p1; p += 8) {
      const __m256i idx = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a.col + p));
      const __m256 x = _mm256_i32gather_ps(args.x, idx, 4);
      acc = kValues ? _mm256_fmadd_ps(_mm256_loadu_ps(a.val + p), x, acc) : _mm256_add_ps(acc, x);
    }
    if (p < p1) {
      const __m256i m = first_lanes(p1 - p);
      const __m256i idx = _mm256_maskload_epi32(a.col + p, m);
      const __m256 x = _mm256_mask_i32gather_ps(_mm256_setzero_ps(), args.x, idx, _mm256_castsi256_ps(m), 4);
      acc = kValues ? _mm256_fmadd_ps(_mm256_maskload_ps(a.val + p, m), x, acc) : _mm256_add_ps(acc, x);
    }
    args.y[i] = spmv_finish(args, i, horizontal_sum(acc));
  }
}

// 8 points per step: each center's distance for 8 points at once, a running minimum and argmin.
void assign_rows(const KmeansAssignArgs& args, Index begin, Index end) {
  const std::int64_t n = args.n;
  for (Index i = begin; i < end; i += 8) {
    const int lanes = static_cast<int>(std::min<Index>(8, end - i));
    const __m256i m = first_lanes(lanes);
    __m256 best = _mm256_set1_ps(__builtin_inff());
    __m256i best_j = _mm256_setzero_si256();
    for (int j = 0; j < args.k; ++j) {
      __m256 dist = _mm256_setzero_ps();
      for (int c = 0; c < args.d; ++c) {
        const __m256 p = _mm256_maskload_ps(args.points + c * n + i, m);
        const __m256 diff = _mm256_sub_ps(p, _mm256_set1_ps(args.centers[j * args.d + c]));
        dist = _mm256_fmadd_ps(diff, diff, dist);
      }
      const __m256 closer = _mm256_cmp_ps(dist, best, _CMP_LT_OQ);
      best = _mm256_blendv_ps(best, dist, closer);
      best_j = _mm256_castps_si256(
          _mm256_blendv_ps(_mm256_castsi256_ps(best_j), _mm256_castsi256_ps(_mm256_set1_epi32(j)), closer));
    }
    _mm256_maskstore_epi32(args.labels + i, m, best_j);
    _mm256_maskstore_ps(args.dist2 + i, m, best);
  }
}

}  // namespace

[[maybe_unused]] static const bool registered =
    register_spectral_rows<Isa::avx2, spmv_rows<true>, spmv_rows<false>, assign_rows>();

}  // namespace armperf::kernels::spectral
