#if !defined(__AVX512F__)
#error "gemm_avx512.cpp needs AVX-512F: add it with armperf_add_kernel_family()"
#endif
#include <immintrin.h>

#include "kernels/gemm/broadcast_kernel.hpp"
#include "kernels/gemm/gemm.hpp"
#include "kernels/gemm/gemm_pack.hpp"
#include "kernels/gemm/row_stream.hpp"
#include "kernels/registry.hpp"

namespace armperf::kernels {
namespace {

template <class T>
struct Zmm;
template <>
struct Zmm<float> {
  using V = __m512;
  static constexpr int lanes = 16;
  static constexpr int row_stream_rows = 8, row_stream_vectors = 3;  // row_stream.hpp
  static V zero() { return _mm512_setzero_ps(); }
  static V set1(float x) { return _mm512_set1_ps(x); }
  static V loadu(const float* p) { return _mm512_loadu_ps(p); }
  static void storeu(float* p, V v) { _mm512_storeu_ps(p, v); }
  static V mul(V a, V b) { return _mm512_mul_ps(a, b); }
  static V fma(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
};
template <>
struct Zmm<double> {
  using V = __m512d;
  static constexpr int lanes = 8;
  static constexpr int row_stream_rows = 8, row_stream_vectors = 3;  // row_stream.hpp
  static V zero() { return _mm512_setzero_pd(); }
  static V set1(double x) { return _mm512_set1_pd(x); }
  static V loadu(const double* p) { return _mm512_loadu_pd(p); }
  static void storeu(double* p, V v) { _mm512_storeu_pd(p, v); }
  static V mul(V a, V b) { return _mm512_mul_pd(a, b); }
  static V fma(V a, V b, V c) { return _mm512_fmadd_pd(a, b, c); }
};

// MR rows x NV zmm vectors of C in registers. Zen 4/5 and Skylake-X issue two 512-bit FMAs per
// cycle with 4-cycle latency: at least 8 independent accumulators; MR * NV + NV + 1 <= 32 registers.
// Per k step: NV loads of B, MR broadcast loads of A (vbroadcastss/sd, each shared by NV FMAs; an
// embedded {1toN} operand would repeat the load NV times).
// kDirectA: the 6-row tiles read an untransposed A in place (no panel of it is packed, a last one of fewer
// rows included: with_direct_a). Measured
// on Zen 5 in interleaved runs at 1024^3 and 512x4096x1024: 6x64 f32 and 6x32 f64 gained 0-4 % at
// 1 thread and up to 10 % at 2; 14x32 (14 row streams) gained nothing, the AVX2 tiles lost 2-8 %
// (and 0-20 % on Zen 3, f32 and f64, 1 and 2 threads: three interleaved runs).
template <class T, int MR, int NV, bool kDirectA>
void gemm_avx512(const GemmArgs<T>& args) {
  const MicroKernel<T> kernel = with_row_stream<Zmm<T>>(
      gemm_micro_kernel<T, MR>(NV * Zmm<T>::lanes, &broadcast_ukernel<Zmm<T>, T, MR, NV>));
  if constexpr (kDirectA) {
    gemm(args, with_direct_a<Zmm<T>, T, MR, NV>(kernel));
  } else {
    gemm(args, kernel);
  }
}

}  // namespace

void f32_sgemm__avx512_14x32(const GemmArgs<float>& args) { gemm_avx512<float, 14, 2, false>(args); }
void f32_sgemm__avx512_6x64(const GemmArgs<float>& args) { gemm_avx512<float, 6, 4, true>(args); }
// f64: 6 x 32 beat 14 x 16 (and 8 x 24) by 15-25 % at 1024^3 on Zen 5, and 12 x 16 and 8 x 24 by
// 4-10 % again with the per-ISA packing (1024^3 and 512x4096x1024). f32: 6 x 64 beat 12 x 32 by
// 5-9 % at both shapes (not registered); both f32 shapes here stay registered because their ranking
// changes with the shape (see the gemm benchmarks).
void f64_dgemm__avx512_6x32(const GemmArgs<double>& args) { gemm_avx512<double, 6, 4, true>(args); }

ARMPERF_REGISTER_KERNEL(KernelVariant{.name = "f32_sgemm__avx512_14x32",
                                      .family = "gemm",
                                      .op = "sgemm",
                                      .dtype = "f32",
                                      .isa = Isa::avx512,
                                      .tile = 14,
                                      .tile_n = 32,
                                      .fn = reinterpret_cast<KernelFn>(&f32_sgemm__avx512_14x32)});
ARMPERF_REGISTER_KERNEL(KernelVariant{.name = "f32_sgemm__avx512_6x64",
                                      .family = "gemm",
                                      .op = "sgemm",
                                      .dtype = "f32",
                                      .isa = Isa::avx512,
                                      .tile = 6,
                                      .tile_n = 64,
                                      .fn = reinterpret_cast<KernelFn>(&f32_sgemm__avx512_6x64)});
ARMPERF_REGISTER_KERNEL(KernelVariant{.name = "f64_dgemm__avx512_6x32",
                                      .family = "gemm",
                                      .op = "dgemm",
                                      .dtype = "f64",
                                      .isa = Isa::avx512,
                                      .tile = 6,
                                      .tile_n = 32,
                                      .fn = reinterpret_cast<KernelFn>(&f64_dgemm__avx512_6x32)});

}  // namespace armperf::kernels
