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
#include "kernels/gemm/gemm_pack.hpp"
#include "kernels/gemm/unroll.hpp"

namespace armperf::kernels {

// Rows of C per pass over a block of B's rows, rows of B per block, and vectors of C's columns held
// in registers (see row_stream_step).
inline constexpr int kRowStreamRows = 3, kRowStreamSteps = 4, kRowStreamVectors = 4;
// The elements of A one pass needs: a[u][r] multiplies row u of B's block into row r of C.
template <class T>
using RowStreamA = T[kRowStreamSteps][kRowStreamRows];

// acc[r * ld + j] += sum over u < steps of a[u][r] * b[u * ldb + j], for R rows of C and `cols` columns.
// R x JV vectors of C stay in registers while the `steps` rows of B go by, each vector of B feeding R
// FMAs: 12 independent chains (R = 3, JV = 4) with 3 broadcasts and a vector of B make AVX2's 16
// registers. Loading one vector of C per row, feeding it all four rows of B in a chain of 4 FMAs and
// storing it (the first version) ran 10-18 % slower at 8x4096x4096 f32 and f64 on Zen 3: long chains
// and few of them in flight. A last stretch of fewer than JV vectors goes one vector at a time, then
// one element. KU > 0: steps == KU, known at compile time (the loop over B's rows unrolls: 15 % or more
// faster at 8 rows than a run-time count); KU = 0: the last 1-3 rows of B.
template <class Z, class T, int R, int KU>
[[gnu::always_inline]] inline void row_stream_step(const RowStreamA<T>& a, std::int64_t run_time_steps,
                                                   const T* b, std::int64_t ldb, T* acc, std::int64_t ld,
                                                   std::int64_t cols) {
  const std::int64_t steps = KU > 0 ? KU : run_time_steps;
  using V = typename Z::V;
  std::int64_t j = 0;
  const auto columns = [&]<int JV>(std::integral_constant<int, JV>) {
    constexpr std::int64_t width = JV * Z::lanes;
    for (; j + width <= cols; j += width) {
      V s[R][JV];
      unroll<R>(
          [&](auto r) { unroll<JV>([&](auto v) { s[r][v] = Z::loadu(acc + r * ld + j + v * Z::lanes); }); });
      for (std::int64_t u = 0; u < steps; ++u) {
        V av[R];
        unroll<R>([&](auto r) { av[r] = Z::set1(a[u][r]); });
        unroll<JV>([&](auto v) {
          const V bv = Z::loadu(b + u * ldb + j + v * Z::lanes);
          unroll<R>([&](auto r) { s[r][v] = Z::fma(av[r], bv, s[r][v]); });
        });
      }
      unroll<R>(
          [&](auto r) { unroll<JV>([&](auto v) { Z::storeu(acc + r * ld + j + v * Z::lanes, s[r][v]); }); });
    }
  };
  columns(std::integral_constant<int, kRowStreamVectors>{});
  columns(std::integral_constant<int, 1>{});
  for (; j < cols; ++j) {
    for (std::int64_t u = 0; u < steps; ++u) {
      unroll<R>([&](auto r) { acc[r * ld + j] += a[u][r] * b[u * ldb + j]; });
    }
  }
}

template <class Z, class T, int R>
void row_stream_rows(const RowStreamA<T>& a, std::int64_t steps, const T* b, std::int64_t ldb, T* acc,
                     std::int64_t cols) {
  if (steps == kRowStreamSteps) {
    row_stream_step<Z, T, R, kRowStreamSteps>(a, steps, b, ldb, acc, cols, cols);
  } else {
    row_stream_step<Z, T, R, 0>(a, steps, b, ldb, acc, cols, cols);
  }
}

template <class Z, class T>
void row_stream_rows(std::int64_t rows, const RowStreamA<T>& a, std::int64_t steps, const T* b,
                     std::int64_t ldb, T* acc, std::int64_t cols) {
  if (rows == 3) row_stream_rows<Z, T, 3>(a, steps, b, ldb, acc, cols);
  if (rows == 2) row_stream_rows<Z, T, 2>(a, steps, b, ldb, acc, cols);
  if (rows == 1) row_stream_rows<Z, T, 1>(a, steps, b, ldb, acc, cols);
}

// The RowStreamFn contract of gemm.hpp: rows [0, m) x columns [0, n) of C, all of K, in column blocks
// of `block` columns whose m x block accumulators (`acc`, at least m * min(block, n) elements) are
// zeroed, fed by every row of B, then merged into C with alpha and beta.
template <class Z, class T>
void row_stream(std::int64_t m, std::int64_t n, std::int64_t k, const GemmOperand<T>& a, const T* b,
                std::int64_t ldb, T* c, std::int64_t ldc, T alpha, T beta, std::int64_t block, T* acc) {
  for (std::int64_t j0 = 0; j0 < n; j0 += block) {
    const std::int64_t cols = std::min(block, n - j0);
    std::fill(acc, acc + m * cols, T(0));
    for (std::int64_t p = 0; p < k; p += kRowStreamSteps) {
      const std::int64_t steps = std::min<std::int64_t>(kRowStreamSteps, k - p);  // the last: k % 4
      const T* b_rows = b + p * ldb + j0;
      for (std::int64_t i = 0; i < m; i += kRowStreamRows) {
        const std::int64_t rows = std::min<std::int64_t>(kRowStreamRows, m - i);
        RowStreamA<T> a_block = {};
        for (std::int64_t u = 0; u < steps; ++u) {
          for (std::int64_t r = 0; r < rows; ++r) {
            a_block[u][r] = operand_element(a, i + r, p + u);
          }
        }
        row_stream_rows<Z, T>(rows, a_block, steps, b_rows, ldb, acc + i * cols, cols);
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
