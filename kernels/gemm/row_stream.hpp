// GEMV-like shapes (a few rows of C, an untransposed B): C = alpha * op(A) * B + beta * C with B read
// row by row, in the order it lies in memory. The tile micro-kernels read B down a KC-long column
// strip, NR elements per row: with B in place (nothing to reuse a packed copy for) each k step then
// opens another page of B, and at 1x4096x4096 f32 that ran at 2 GB/s of B, an eighth of oneDNN's
// GEMV on Zen 3. Here the rows of C are accumulated in a buffer that stays in cache while B streams
// past, four rows of B at a time: four sequential streams the hardware prefetchers follow.
// ISA-neutral, on the broadcast traits of broadcast_kernel.hpp (V, lanes, set1, loadu, storeu, fma);
// included by the gemm_<isa>.cpp files only.
#pragma once

#include <algorithm>
#include <cstdint>

#include "kernels/gemm/gemm.hpp"
#include "kernels/gemm/unroll.hpp"

namespace armperf::kernels {

// Rows of C per pass over a block of B's rows, and rows of B per block (see row_stream_step).
inline constexpr int kRowStreamRows = 3, kRowStreamSteps = 4;
template <class T>
using RowStreamA = T[kRowStreamRows][kRowStreamSteps];

// acc[r * ld + j] += sum_u a[r][u] * b[u * ldb + j] for R rows of C, KU rows of B and `cols`
// columns. Each vector of B feeds R FMAs; R = 3, KU = 4 holds 12 broadcasts of A, 3 accumulators and
// one vector of B: AVX2's 16 registers.
template <class Z, class T, int R, int KU>
[[gnu::always_inline]] inline void row_stream_step(const RowStreamA<T>& a, const T* b, std::int64_t ldb,
                                                   T* acc, std::int64_t ld, std::int64_t cols) {
  using V = typename Z::V;
  V av[R][KU];
  unroll<R>([&](auto r) { unroll<KU>([&](auto u) { av[r][u] = Z::set1(a[r][u]); }); });
  const std::int64_t full = cols / Z::lanes * Z::lanes;
  for (std::int64_t j = 0; j < full; j += Z::lanes) {
    V s[R];
    unroll<R>([&](auto r) { s[r] = Z::loadu(acc + r * ld + j); });
    unroll<KU>([&](auto u) {
      const V bv = Z::loadu(b + u * ldb + j);
      unroll<R>([&](auto r) { s[r] = Z::fma(av[r][u], bv, s[r]); });
    });
    unroll<R>([&](auto r) { Z::storeu(acc + r * ld + j, s[r]); });
  }
  for (std::int64_t j = full; j < cols; ++j) {
    unroll<R>([&](auto r) { unroll<KU>([&](auto u) { acc[r * ld + j] += a[r][u] * b[u * ldb + j]; }); });
  }
}

template <class Z, class T, int KU>
void row_stream_rows(std::int64_t rows, const RowStreamA<T>& a, const T* b, std::int64_t ldb, T* acc,
                     std::int64_t ld, std::int64_t cols) {
  if (rows == 3) row_stream_step<Z, T, 3, KU>(a, b, ldb, acc, ld, cols);
  if (rows == 2) row_stream_step<Z, T, 2, KU>(a, b, ldb, acc, ld, cols);
  if (rows == 1) row_stream_step<Z, T, 1, KU>(a, b, ldb, acc, ld, cols);
}

// The RowStreamFn contract of gemm.hpp: rows [0, m) x columns [0, n) of C, all of K, in column blocks
// of `block` columns whose m x block accumulators (`acc`, at least m * min(block, n) elements) are
// zeroed, fed by every row of B, then merged into C with alpha and beta.
template <class Z, class T>
void row_stream(std::int64_t m, std::int64_t n, std::int64_t k, const GemmOperand<T>& a, const T* b,
                std::int64_t ldb, T* c, std::int64_t ldc, T alpha, T beta, std::int64_t block, T* acc) {
  constexpr int kRows = kRowStreamRows, kSteps = kRowStreamSteps;
  for (std::int64_t j0 = 0; j0 < n; j0 += block) {
    const std::int64_t cols = std::min(block, n - j0);
    std::fill(acc, acc + m * cols, T(0));
    for (std::int64_t p = 0; p < k; p += kSteps) {
      const std::int64_t steps = std::min<std::int64_t>(kSteps, k - p);
      const T* b_rows = b + p * ldb + j0;
      for (std::int64_t i = 0; i < m; i += kRows) {
        const std::int64_t rows = std::min<std::int64_t>(kRows, m - i);
        RowStreamA<T> a_block = {};
        for (std::int64_t r = 0; r < rows; ++r) {
          for (std::int64_t u = 0; u < steps; ++u) {
            a_block[r][u] = a.transposed ? a.data[(p + u) * a.ld + i + r] : a.data[(i + r) * a.ld + p + u];
          }
        }
        if (steps == kSteps) {
          row_stream_rows<Z, T, kSteps>(rows, a_block, b_rows, ldb, acc + i * cols, cols, cols);
        } else {
          // The last k % 4 (1-3) rows of B, one at a time: a_step[r][0] holds step u's element of A.
          for (std::int64_t u = 0; u < steps; ++u) {
            RowStreamA<T> a_step = {};
            for (std::int64_t r = 0; r < rows; ++r) a_step[r][0] = a_block[r][u];
            row_stream_rows<Z, T, 1>(rows, a_step, b_rows + u * ldb, ldb, acc + i * cols, cols, cols);
          }
        }
      }
    }
    for (std::int64_t i = 0; i < m; ++i) {
      T* out = c + i * ldc + j0;
      const T* sum = acc + i * cols;
      for (std::int64_t j = 0; j < cols; ++j) out[j] = alpha * sum[j] + (beta == T(0) ? T(0) : beta * out[j]);
    }
  }
}

// `kernel` with row_stream<Z, T> for its GEMV-like shapes.
template <class Z, class T>
MicroKernel<T> with_row_stream(MicroKernel<T> kernel) {
  kernel.row_stream = &row_stream<Z, T>;
  return kernel;
}

}  // namespace armperf::kernels
