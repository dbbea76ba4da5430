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

// sum_j a_ij x_j over entries [p, p1) of any length: 16 entries per step with vpgatherdps, the tail a
// masked load and a masked gather.
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

// The first `count` (<= 16) lanes.
inline __mmask16 first_lanes(unsigned count) { return static_cast<__mmask16>((1u << count) - 1); }

// The rows the solvers use. Even with all data in L2 (n = 5000) the row loop of spmv_rows.hpp over
// sum_gather ran at only ~12 GB/s on Zen 5: its trip counts depend on the row (a 16-entry step or
// not; then also one prefetched line or two), and on the SBM graphs' Poisson degrees each such
// branch mispredicts often, so the core cannot run ahead into the next rows. Here a row of up to 32
// entries (all but ~0.3% at mean degree 20) is exactly two masked 16-lane gathers after the fixed
// prefetch_row: the only data-dependent branch is the rare long row. Measured (Zen 5 VM, n = 2*10^5,
// best of 80 interleaved calls): 1 thread 10.5-10.7 GB/s vs 9.2 for that loop (with its former
// prefetch loop), 2 threads 18.4-18.6 vs 16.1-16.5.
template <bool kValues>
void spmv_rows_gather(const SpmvArgs& args, Index begin, Index end) {
  const CsrRef& a = args.a;
  const Index nnz = a.nnz();
  for (Index i = begin; i < end; ++i) {
    const Index p0 = a.row_ptr[i], p1 = a.row_ptr[i + 1];
    spmv_rows::prefetch_row<kValues>(a, p0, nnz);
    const auto len = static_cast<unsigned>(p1 - p0);
    float sum;
    if (__builtin_expect(len <= 32, 1)) {
      const __mmask16 m0 = first_lanes(std::min(len, 16u)), m1 = first_lanes(len > 16 ? len - 16 : 0);
      const __m512 x0 =
          _mm512_mask_i32gather_ps(_mm512_setzero_ps(), m0, _mm512_maskz_loadu_epi32(m0, a.col + p0), args.x, 4);
      const __m512 x1 = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), m1,
                                                 _mm512_maskz_loadu_epi32(m1, a.col + p0 + 16), args.x, 4);
      const __m512 acc = kValues ? _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m0, a.val + p0), x0,
                                                   _mm512_mul_ps(_mm512_maskz_loadu_ps(m1, a.val + p0 + 16), x1))
                                 : _mm512_add_ps(x0, x1);
      sum = _mm512_reduce_add_ps(acc);
    } else {
      sum = sum_gather<kValues>(a, args.x, p0, p1);
    }
    args.y[i] = spmv_finish(args, i, sum);
  }
}

}  // namespace

ARMPERF_AT_STARTUP(register_spectral_rows<Isa::avx512, spmv_rows_gather<true>, spmv_rows_gather<false>>());
ARMPERF_AT_STARTUP(
    register_spmv_rows_alternative<Isa::avx512, spmv_rows_loads<true>, spmv_rows_loads<false>>("loads"));

}  // namespace armperf::kernels::spectral
