#if !defined(__AVX512F__)
#error "spectral_avx512.cpp needs AVX-512F: add it with armperf_add_kernel_family()"
#endif
// GCC 12 flags the _mm512_undefined_ps() pass-through operand inside avx512fintrin.h's own gather
// and extract intrinsics (used by _mm512_reduce_add_ps) as maybe-uninitialized once they are
// inlined: a false positive.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include <algorithm>

#include "kernels/spectral/isa_kernels.hpp"

namespace armperf::kernels::spectral {
namespace {

// 16 entries per step with vpgatherdps; the row's tail (degree 20 leaves 4) is a masked load and a
// masked gather, so no row takes a scalar path.
template <bool kValues>
void spmv_rows(const SpmvArgs& args, Index begin, Index end) {
  const CsrRef& a = args.a;
  for (Index i = begin; i < end; ++i) {
    const Index p0 = a.row_ptr[i], p1 = a.row_ptr[i + 1];
    __m512 acc = _mm512_setzero_ps();
    Index p = p0;
    for (; p + 16 <= p1; p += 16) {
      const __m512i idx = _mm512_loadu_si512(a.col + p);
      const __m512 x = _mm512_i32gather_ps(idx, args.x, 4);
      acc = kValues ? _mm512_fmadd_ps(_mm512_loadu_ps(a.val + p), x, acc) : _mm512_add_ps(acc, x);
    }
    if (p < p1) {
      const __mmask16 m = static_cast<__mmask16>((1u << (p1 - p)) - 1);
      const __m512i idx = _mm512_maskz_loadu_epi32(m, a.col + p);
      const __m512 x = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), m, idx, args.x, 4);
      acc = kValues ? _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, a.val + p), x, acc) : _mm512_add_ps(acc, x);
    }
    args.y[i] = spmv_finish(args, i, _mm512_reduce_add_ps(acc));
  }
}

// 16 points per step: each center's distance for 16 points at once, a running minimum and argmin.
void assign_rows(const KmeansAssignArgs& args, Index begin, Index end) {
  const std::int64_t n = args.n;
  for (Index i = begin; i < end; i += 16) {
    const int lanes = static_cast<int>(std::min<Index>(16, end - i));
    const __mmask16 m = static_cast<__mmask16>((1u << lanes) - 1);
    __m512 best = _mm512_set1_ps(__builtin_inff());
    __m512i best_j = _mm512_setzero_si512();
    for (int j = 0; j < args.k; ++j) {
      __m512 dist = _mm512_setzero_ps();
      for (int c = 0; c < args.d; ++c) {
        const __m512 p = _mm512_maskz_loadu_ps(m, args.points + c * n + i);
        const __m512 diff = _mm512_sub_ps(p, _mm512_set1_ps(args.centers[j * args.d + c]));
        dist = _mm512_fmadd_ps(diff, diff, dist);
      }
      const __mmask16 closer = _mm512_cmp_ps_mask(dist, best, _CMP_LT_OQ);
      best = _mm512_mask_mov_ps(best, closer, dist);
      best_j = _mm512_mask_mov_epi32(best_j, closer, _mm512_set1_epi32(j));
    }
    _mm512_mask_storeu_epi32(args.labels + i, m, best_j);
    _mm512_mask_storeu_ps(args.dist2 + i, m, best);
  }
}

}  // namespace

[[maybe_unused]] static const bool registered =
    register_spectral_rows<Isa::avx512, spmv_rows<true>, spmv_rows<false>, assign_rows>();

}  // namespace armperf::kernels::spectral
