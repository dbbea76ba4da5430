// GEMV-like shapes (a few rows of C, an untransposed B): C = alpha * op(A) * B + beta * C with B read
// row by row, in the order it lies in memory. The tile micro-kernels read B down a KC-long column
// strip, NR elements per row: with B in place (nothing to reuse a packed copy for) each k step then
// opens another page of B, and at 1x4096x4096 f32 that ran at 2 GB/s of B, an eighth of oneDNN's
// GEMV on Zen 3. Here the rows of C are accumulated in a buffer that stays in cache while B streams
// past, eight rows of B at a time: eight sequential streams the hardware prefetchers follow.
// ISA-neutral, on the broadcast traits of broadcast_kernel.hpp (V, lanes, set1, loadu, storeu, fma);
// included by the gemm_<isa>.cpp files only.
#pragma once

#include <algorithm>
#include <cstdint>

#include "kernels/gemm/gemm.hpp"
#include "kernels/gemm/gemm_pack.hpp"
#include "kernels/gemm/unroll.hpp"

namespace armperf::kernels {

// Rows of B per block: each pass loads and stores its accumulators once per block. 8 against 4 (the
// first choice) gained 7-15 % at 8x4096x4096 on a Granite Rapids VM (AVX2 and AVX-512, f32 and f64, paired
// medians of 5-7 interleaved rounds; 1x4096x4096, bound by memory, unchanged); 16 lost 5-17 %.
inline constexpr int kRowStreamSteps = 8;
// Rows of C per pass over a block and vectors of C's columns held in registers (see row_stream_step):
// the traits' row_stream_rows and row_stream_vectors where they give them, else 3 x 4 (AVX2's 16
// registers). Each pass reads the block of B again, so the more rows a pass takes the better.
template <class Z>
inline constexpr int kRowStreamRows = 3;
template <class Z>
requires requires { Z::row_stream_rows; }
inline constexpr int kRowStreamRows<Z> = Z::row_stream_rows;
template <class Z>
inline constexpr int kRowStreamVectors = 4;
template <class Z>
requires requires { Z::row_stream_vectors; }
inline constexpr int kRowStreamVectors<Z> = Z::row_stream_vectors;
// The elements of A one pass needs: a[u][r] multiplies row u of B's block into row r of C.
template <class T, int R>
using RowStreamA = T[kRowStreamSteps][R];

// acc[r * ld + j] += sum over u < steps of a[u][r] * b[u * ldb + j], for the first `Rows` rows of a (R
// rows) and of C, and `cols` columns. Rows x JV vectors of C stay in registers while the `steps` rows of B
// go by, each vector of B feeding Rows FMAs: 12 independent chains (3 x 4) with 3 broadcasts and a vector
// of B make AVX2's 16 registers; 8 x 3 (24 chains, most broadcasts folded into the FMAs as {1toN} operands)
// fit AVX-512's 32, and at 8x4096x4096 gained about 60 % (f32) and 70 % (f64) over 3 x 4 there (Granite
// Rapids VM, paired medians of 5 rounds). Loading one vector of C per row, feeding it all four rows of B in a
// chain of 4 FMAs and storing it (the first version) ran 10-18 % slower at 8x4096x4096 f32 and f64 on Zen 3:
// long chains and few of them in flight. A last stretch of fewer than JV vectors goes one vector at a time,
// then one element. KU > 0: steps == KU, known at compile time (the loop over B's rows unrolls: 15 % or more
// faster at 8 rows of C than a run-time count); KU = 0: the last 1-7 rows of B.
template <class Z, class T, int R, int Rows, int KU>
[[gnu::always_inline]] inline void row_stream_step(const RowStreamA<T, R>& a, std::int64_t run_time_steps,
                                                   const T* b, std::int64_t ldb, T* acc, std::int64_t ld,
                                                   std::int64_t cols) {
  const std::int64_t steps = KU > 0 ? KU : run_time_steps;
  using V = typename Z::V;
  std::int64_t j = 0;
  const auto columns = [&]<int JV>(std::integral_constant<int, JV>) {
    constexpr std::int64_t width = JV * Z::lanes;
    for (; j + width <= cols; j += width) {
      V s[Rows][JV];
      unroll<Rows>(
          [&](auto r) { unroll<JV>([&](auto v) { s[r][v] = Z::loadu(acc + r * ld + j + v * Z::lanes); }); });
      for (std::int64_t u = 0; u < steps; ++u) {
        V av[Rows];
        unroll<Rows>([&](auto r) { av[r] = Z::set1(a[u][r]); });
        unroll<JV>([&](auto v) {
          const V bv = Z::loadu(b + u * ldb + j + v * Z::lanes);
          unroll<Rows>([&](auto r) { s[r][v] = Z::fma(av[r], bv, s[r][v]); });
        });
      }
      unroll<Rows>(
          [&](auto r) { unroll<JV>([&](auto v) { Z::storeu(acc + r * ld + j + v * Z::lanes, s[r][v]); }); });
    }
  };
  columns(std::integral_constant<int, kRowStreamVectors<Z>>{});
  columns(std::integral_constant<int, 1>{});
  for (; j < cols; ++j) {
    for (std::int64_t u = 0; u < steps; ++u) {
      unroll<Rows>([&](auto r) { acc[r * ld + j] += a[u][r] * b[u * ldb + j]; });
    }
  }
}

// Not inlined: inlined into row_stream, the 8 x 3 pass kept its accumulators on the stack (g++ 12).
template <class Z, class T, int R, int Rows>
[[gnu::noinline]] void row_stream_pass(const RowStreamA<T, R>& a, std::int64_t steps, const T* b,
                                       std::int64_t ldb, T* acc, std::int64_t cols) {
  if (steps == kRowStreamSteps) {
    row_stream_step<Z, T, R, Rows, kRowStreamSteps>(a, steps, b, ldb, acc, cols, cols);
  } else {
    row_stream_step<Z, T, R, Rows, 0>(a, steps, b, ldb, acc, cols, cols);
  }
}

// A pass over `rows` rows of C, 1 <= rows <= R: one instantiation per count.
template <class Z, class T, int R>
void row_stream_pass(std::int64_t rows, const RowStreamA<T, R>& a, std::int64_t steps, const T* b,
                     std::int64_t ldb, T* acc, std::int64_t cols) {
  unroll<R>([&](auto r) {
    if (rows == r + 1) row_stream_pass<Z, T, R, r + 1>(a, steps, b, ldb, acc, cols);
  });
}

// The RowStreamFn contract of gemm.hpp: rows [0, m) x columns [0, n) of C, all of K, in column blocks
// of `block` columns whose m x block accumulators (`acc`, at least m * min(block, n) elements) are
// zeroed, fed by every row of B, then merged into C with alpha and beta.
template <class Z, class T>
void row_stream(std::int64_t m, std::int64_t n, std::int64_t k, const GemmOperand<T>& a, const T* b,
                std::int64_t ldb, T* c, std::int64_t ldc, T alpha, T beta, std::int64_t block, T* acc) {
  constexpr int R = kRowStreamRows<Z>;
  for (std::int64_t j0 = 0; j0 < n; j0 += block) {
    const std::int64_t cols = std::min(block, n - j0);
    std::fill(acc, acc + m * cols, T(0));
    for (std::int64_t p = 0; p < k; p += kRowStreamSteps) {
      const std::int64_t steps = std::min<std::int64_t>(kRowStreamSteps, k - p);  // the last: k % 8
      const T* b_rows = b + p * ldb + j0;
      for (std::int64_t i = 0; i < m; i += R) {
        const std::int64_t rows = std::min<std::int64_t>(R, m - i);
        RowStreamA<T, R> a_block = {};
        for (std::int64_t u = 0; u < steps; ++u) {
          for (std::int64_t r = 0; r < rows; ++r) {
            a_block[u][r] = operand_element(a, i + r, p + u);
          }
        }
        row_stream_pass<Z, T, R>(rows, a_block, steps, b_rows, ldb, acc + i * cols, cols);
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
