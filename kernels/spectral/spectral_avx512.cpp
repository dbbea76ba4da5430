#if !defined(__AVX512F__)
#error "spectral_avx512.cpp needs AVX-512F: add it with armperf_add_kernel_family()"
#endif
// GCC 12 flags the _mm512_undefined_ps() pass-through operand inside avx512fintrin.h's own gather
// and extract intrinsics (used by _mm512_reduce_add_ps) as maybe-uninitialized once they are
// inlined: a false positive.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>


#include "kernels/spectral/isa_kernels.hpp"
#include "kernels/spectral/spmv_rows.hpp"

namespace armperf::kernels::spectral {
namespace {

// The alternative kept as the _loads rows: plain loads with four accumulators (spmv_rows.hpp). On
// Zen 5 they beat the gather when every row has the same length (13.5 vs 10.6 GB/s, degree exactly
// 20), and lose on the SBM graphs' Poisson degrees, where each row's varying trip count mispredicts
// and the flush discards the x loads in flight (6-7 vs 9-10 GB/s; 1 thread, n = 2*10^5).
template <bool kValues>
void spmv_rows_loads(const SpmvArgs& args, Index begin, Index end) {
  spmv_rows::rows<kValues>(args, begin, end, spmv_rows::sum_loads<kValues>);
}

// The rows the solvers use, with the non-temporal prefetch of the col/val streams (spmv_rows.hpp): 16
// entries per step with vpgatherdps; the row's tail (degree 20 leaves 4) is a masked load and a masked
// gather, so no row takes a scalar path.
template <bool kValues>
float sum_gather(const CsrRef& a, const float* xs, Index p, Index p1) {
  __m512 acc = _mm512_setzero_ps();
  for (; p + 16 <= p1; p += 16) {
    const __m512i idx = _mm512_loadu_si512(a.col + p);
    const __m512 x = _mm512_i32gather_ps(idx, xs, 4);
    acc = kValues ? _mm512_fmadd_ps(_mm512_loadu_ps(a.val + p), x, acc) : _mm512_add_ps(acc, x);
  }
  if (p < p1) {
    const __mmask16 m = static_cast<__mmask16>((1u << (p1 - p)) - 1);
    const __m512i idx = _mm512_maskz_loadu_epi32(m, a.col + p);
    const __m512 x = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), m, idx, xs, 4);
    acc = kValues ? _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, a.val + p), x, acc) : _mm512_add_ps(acc, x);
  }
  return _mm512_reduce_add_ps(acc);
}

template <bool kValues>
void spmv_rows_gather(const SpmvArgs& args, Index begin, Index end) {
  spmv_rows::rows<kValues>(args, begin, end, sum_gather<kValues>);
}

}  // namespace

[[maybe_unused]] static const bool registered =
    register_spectral_rows<Isa::avx512, spmv_rows_gather<true>, spmv_rows_gather<false>>();
[[maybe_unused]] static const bool registered_loads =
    register_spmv_rows_alternative<Isa::avx512, spmv_rows_loads<true>, spmv_rows_loads<false>>("loads");

}  // namespace armperf::kernels::spectral
