// Packing of A and B for the shared driver (the PackAFn / PackBFn contract of gemm.hpp). The code is
// ISA-neutral and the same for every ISA, but it is instantiated in each gemm_<isa>.cpp (through
// gemm_micro_kernel()) rather than once in gemm_driver.cpp at the baseline ISA: there the copies are
// vectorised with the micro-kernel's vector width, and A's panel is specialised for its MR. Included
// by the gemm_<isa>.cpp files only; everything here has internal linkage, so the instantiations of
// different ISA files (different instructions, same names) never merge at link time.
#pragma once

#include <algorithm>
#include <cstdint>
#include <type_traits>

#include "kernels/gemm/gemm.hpp"
#include "kernels/gemm/unroll.hpp"

namespace armperf::kernels {
namespace {

// A into one MR-row panel, dst[p * MR + r]. MR is the micro-kernel's (the driver passes mr == MR).
template <class T, int MR>
void pack_a_panel(const GemmOperand<T>& a, std::int64_t i0, std::int64_t rows, std::int64_t p0,
                  std::int64_t kc, int /*mr*/, std::int64_t next_rows, T* dst) {
  constexpr std::int64_t line = 64 / sizeof(T);
  if (!a.transposed) {
    // A transpose, one cache line of each row at a time: the line is copied whole (vector loads)
    // into a small tile, and the tile is written out as MR-element groups. Reading element by
    // element with stride lda instead kept MR + next_rows lines of A live at once; with a
    // power-of-two lda they all map to one L1 set (4 KiB apart), so for MR = 14 they evicted each
    // other (12 ways on Zen 5). Standalone, 1024 x 512 slices of a 1024-wide f32 A on Zen 5: 0.47 ->
    // 0.25 ns per element at MR = 14 (0.36 -> 0.28 at MR = 6, 0.43 -> 0.24 for f64).
    const T* src = a.data + i0 * a.ld + p0;
    alignas(64) T tile[MR][line];
    for (std::int64_t p = 0; p < kc; p += line) {
      // Each row is a short stream (KC elements) the hardware prefetcher meets cold: fetch the
      // next panel's rows a line at a time while this one is copied.
      for (std::int64_t r = 0; r < next_rows; ++r) __builtin_prefetch(src + (rows + r) * a.ld + p);
      const std::int64_t width = std::min(line, kc - p);
      T* out = dst + p * MR;
      if (rows == MR && width == line) {
        unroll<MR>([&](auto r) {
          for (std::int64_t q = 0; q < line; ++q) tile[r][q] = src[r * a.ld + p + q];
        });
        for (std::int64_t q = 0; q < line; ++q) unroll<MR>([&](auto r) { out[q * MR + r] = tile[r][q]; });
      } else {
        for (std::int64_t q = 0; q < width; ++q) {
          for (std::int64_t r = 0; r < MR; ++r) out[q * MR + r] = r < rows ? src[r * a.ld + p + q] : T(0);
        }
      }
    }
  } else {
    // Row p of op(A) is contiguous in the stored A: MR consecutive elements per k step.
    for (std::int64_t p = 0; p < kc; ++p) {
      const T* src = a.data + (p0 + p) * a.ld + i0;
      T* out = dst + p * MR;
      if (rows == MR) {
        unroll<MR>([&](auto r) { out[r] = src[r]; });
      } else {
        for (std::int64_t r = 0; r < MR; ++r) out[r] = r < rows ? src[r] : T(0);
      }
    }
  }
}

// B into NR-column slivers (nr may be a run-time value: SVE).
template <class T>
void pack_b_panel(const GemmOperand<T>& b, std::int64_t p0, std::int64_t kc, std::int64_t j0,
                  std::int64_t cols, int nr, T* dst) {
  if (!b.transposed) {
    // Four rows of B at a time, all slivers per step: each row is a sequential read, and four of them
    // run side by side. A row of B is often a page or less (NC f32 columns: 4 KiB) and the hardware
    // prefetchers stop at page boundaries, so one row at a time left them one short stream each;
    // four concurrent ones keep more lines in flight. Standalone, 1024 x 4096 f32 packed from memory
    // on Zen 3 (noisy VM, interleaved runs, best of 7-9): one row at a time with a software prefetch
    // two rows ahead (the previous code) 2.5-6.1 ms; four rows 2.8-4.1 without a prefetch and 2.0-4.3
    // with one four rows ahead, which was not steadily ahead of none, so there is none; 8 rows no
    // better than 4. In the GEMM (sgemm 512x4096x1024, 1 thread) packing fell from 6.3 to 4.7 % of the
    // profile. On Zen 5, one row at a time: 0.29 ns per element from memory, 0.20 from the LLC.
    // Sliver by sliver instead reads NR elements per row, a new page per row. Packing during the tiles
    // (a piece of the next sliver per tile, so that the copy overlaps the FMAs) ran 2-9 % slower at
    // 1024^3 and 512x4096x1024 (Zen 5); prefetching the next panel's rows during the previous step's
    // tiles gained nothing there (4.9 -> 4.7 % of the profile, 1 % lost in the tile loop). On Zen 3
    // (32 KiB 8-way L1) the slivers' 32 KiB spacing puts a row's NR-wide writes in one L1 set; a line
    // of padding between slivers was not faster there.
    constexpr std::int64_t step = 4;
    const std::int64_t full = cols / nr * nr;
    for (std::int64_t p = 0; p < kc; p += step) {
      const std::int64_t rows = std::min(step, kc - p);
      const T* src = b.data + (p0 + p) * b.ld + j0;
      for (std::int64_t jr = 0; jr < full; jr += nr) {
        T* out = dst + jr * kc + p * nr;
        for (std::int64_t q = 0; q < rows; ++q) {
          for (std::int64_t j = 0; j < nr; ++j) out[q * nr + j] = src[q * b.ld + jr + j];
        }
      }
      if (full < cols) {
        T* out = dst + full * kc + p * nr;
        for (std::int64_t q = 0; q < rows; ++q) {
          for (std::int64_t j = 0; j < nr; ++j)
            out[q * nr + j] = full + j < cols ? src[q * b.ld + full + j] : T(0);
        }
      }
    }
  } else {
    for (std::int64_t jr = 0; jr < cols; jr += nr) {
      const std::int64_t width = std::min<std::int64_t>(nr, cols - jr);
      T* out = dst + jr * kc;
      for (std::int64_t j = 0; j < width; ++j) {
        const T* src = b.data + (j0 + jr + j) * b.ld + p0;
        for (std::int64_t p = 0; p < kc; ++p) out[p * nr + j] = src[p];
      }
      for (std::int64_t p = 0; p < kc; ++p) {
        for (std::int64_t j = width; j < nr; ++j) out[p * nr + j] = T(0);
      }
    }
  }
}

// k in groups of U, for micro-kernels whose instruction multiplies U k steps at once (bf16 pairs:
// vdpbf16ps, BFDOT; int8 quads: SDOT; the block products of mmla_kernel.hpp: 4 for BFMMLA, 8 for SMMLA): A's
// panel holds element (r, p) at dst[p / U * U * MR + U * r + p % U], B's sliver element (p, j) at dst[p / U *
// U * nr + U * j + p % U], so that one 32-bit lane carries a group of a row (or a column). A kc that is not a
// whole number of groups is padded with zero k steps. The untransposed operands (the benchmarks' layout) are
// copied a group of contiguous elements at a time, reads the compiler vectorises; transposed ones element by
// element.
template <class T>
T operand_element(const GemmOperand<T>& x, std::int64_t row, std::int64_t col) {
  return x.transposed ? x.data[col * x.ld + row] : x.data[row * x.ld + col];
}

template <class T, int MR, int U>
void pack_a_groups(const GemmOperand<T>& a, std::int64_t i0, std::int64_t rows, std::int64_t p0,
                   std::int64_t kc, int /*mr*/, std::int64_t /*next_rows*/, T* dst) {
  const std::int64_t groups = (kc + U - 1) / U, full = kc / U;
  for (std::int64_t r = 0; r < MR; ++r) {
    T* out = dst + U * r;
    if (r >= rows) {
      for (std::int64_t g = 0; g < groups; ++g) unroll<U>([&](auto e) { out[g * U * MR + e] = T(0); });
    } else if (!a.transposed) {
      const T* src = a.data + (i0 + r) * a.ld + p0;  // row r: its groups are adjacent
      for (std::int64_t g = 0; g < full; ++g)
        unroll<U>([&](auto e) { out[g * U * MR + e] = src[U * g + e]; });
      for (std::int64_t p = full * U; p < groups * U; ++p)
        out[full * U * MR + p % U] = p < kc ? src[p] : T(0);
    } else {
      for (std::int64_t p = 0; p < groups * U; ++p) {
        out[p / U * U * MR + p % U] = p < kc ? operand_element(a, i0 + r, p0 + p) : T(0);
      }
    }
  }
}

// kOffsetBinary (int8 only) stores each element of B, and the padding's zeros, as the byte x + 128: the
// unsigned operand of x86 VNNI's vpdpbusd (gemm_int8_avx512_vnni.cpp).
template <class T, int U, bool kOffsetBinary = false>
void pack_b_groups(const GemmOperand<T>& b, std::int64_t p0, std::int64_t kc, std::int64_t j0,
                   std::int64_t cols, int nr, T* dst) {
  static_assert(!kOffsetBinary || std::is_same_v<T, std::int8_t>, "offset binary is a form of int8");
  auto stored = [](T x) {
    if constexpr (kOffsetBinary) {
      return static_cast<T>(static_cast<std::uint8_t>(x) ^ 0x80u);
    } else {
      return x;
    }
  };
  const std::int64_t groups = (kc + U - 1) / U;
  if (!b.transposed) {
    for (std::int64_t g = 0; g < groups; ++g) {
      // The group's rows of B; null for the zero steps that pad the last group.
      const T* src[U];
      unroll<U>([&](auto e) { src[e] = U * g + e < kc ? b.data + (p0 + U * g + e) * b.ld + j0 : nullptr; });
      const bool whole = U * (g + 1) <= kc;
      for (std::int64_t jr = 0; jr < cols; jr += nr) {
        T* out = dst + jr * U * groups + g * U * nr;
        const std::int64_t width = std::min<std::int64_t>(nr, cols - jr);
        if (whole && width == nr) {
          for (std::int64_t j = 0; j < nr; ++j)
            unroll<U>([&](auto e) { out[U * j + e] = stored(src[e][jr + j]); });
        } else {
          for (std::int64_t j = 0; j < nr; ++j) {
            unroll<U>([&](auto e) {
              out[U * j + e] = stored(j < width && src[e] != nullptr ? src[e][jr + j] : T(0));
            });
          }
        }
      }
    }
    return;
  }
  for (std::int64_t jr = 0; jr < cols; jr += nr) {
    T* sliver = dst + jr * U * groups;
    for (std::int64_t p = 0; p < U * groups; ++p) {
      for (std::int64_t j = 0; j < nr; ++j) {
        const bool inside = p < kc && jr + j < cols;
        sliver[p / U * U * nr + U * j + p % U] =
            stored(inside ? operand_element(b, p0 + p, j0 + jr + j) : T(0));
      }
    }
  }
}

// The micro-kernel `fn` (MR x nr) with this ISA file's instantiation of the packing routines (entries that
// read an untransposed A in place are added by the kernel's header: with_direct_a). bf16 kernels
// take k in pairs, int8 kernels in quads (kGemmKUnit), unless the kernel's instruction takes another
// group U (SMMLA: 8 k steps of two rows).
template <class T, int MR, int U = kGemmKUnit<T>>
MicroKernel<T> gemm_micro_kernel(int nr, MicroKernelFn<T> fn) {
  constexpr int u = U;
  static_assert(u == 1 || kGemmKUnit<T> > 1, "f32 and f64 take single k steps");
  if constexpr (u > 1) {
    return MicroKernel<T>{MR, nr, fn, &pack_a_groups<T, MR, u>, &pack_b_groups<T, u>, nullptr, u};
  } else {
    return MicroKernel<T>{MR, nr, fn, &pack_a_panel<T, MR>, &pack_b_panel<T>};
  }
}

}  // namespace
}  // namespace armperf::kernels
