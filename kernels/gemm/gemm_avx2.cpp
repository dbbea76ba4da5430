#if !defined(__AVX2__) || !defined(__FMA__)
#error "gemm_avx2.cpp needs AVX2 and FMA: add it with armperf_add_kernel_family()"
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
struct Ymm;
template <>
struct Ymm<float> {
  using V = __m256;
  static constexpr int lanes = 8;
  static V zero() { return _mm256_setzero_ps(); }
  static V set1(float x) { return _mm256_set1_ps(x); }
  static V loadu(const float* p) { return _mm256_loadu_ps(p); }
  static void storeu(float* p, V v) { _mm256_storeu_ps(p, v); }
  static V mul(V a, V b) { return _mm256_mul_ps(a, b); }
  static V fma(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
};
template <>
struct Ymm<double> {
  using V = __m256d;
  static constexpr int lanes = 4;
  static V zero() { return _mm256_setzero_pd(); }
  static V set1(double x) { return _mm256_set1_pd(x); }
  static V loadu(const double* p) { return _mm256_loadu_pd(p); }
  static void storeu(double* p, V v) { _mm256_storeu_pd(p, v); }
  static V mul(V a, V b) { return _mm256_mul_pd(a, b); }
  static V fma(V a, V b, V c) { return _mm256_fmadd_pd(a, b, c); }
};

// MR rows x NV ymm vectors of C in registers. Haswell..Zen 5 issue two 256-bit FMAs per cycle with
// 4-5 cycle latency: at least 10 independent accumulators; MR * NV + NV + 1 <= 16 registers, so
// 6 x 2 vectors (12 accumulators, 2 for B, 1 broadcast of A) is the largest tile that fits.
// A is read in place only where it is small (GemmBlocking::direct_a_bytes, unpacked_bytes): a large
// one measured slower than the packed panel (see gemm_avx512.cpp).
template <class T, int MR, int NV>
void gemm_avx2(const GemmArgs<T>& args) {
  MicroKernel<T> kernel = with_row_stream<Ymm<T>>(with_direct_a<Ymm<T>, T, MR, NV>(
      gemm_micro_kernel<T, MR>(NV * Ymm<T>::lanes, &broadcast_ukernel<Ymm<T>, T, MR, NV>)));
  kernel.direct_a_small_only = true;
  gemm(args, kernel);
}

}  // namespace

void f32_sgemm__avx2_6x16(const GemmArgs<float>& args) { gemm_avx2<float, 6, 2>(args); }
void f64_dgemm__avx2_6x8(const GemmArgs<double>& args) { gemm_avx2<double, 6, 2>(args); }

ARMPERF_REGISTER_KERNEL(KernelVariant{.name = "f32_sgemm__avx2_6x16",
                                      .family = "gemm",
                                      .op = "sgemm",
                                      .dtype = "f32",
                                      .isa = Isa::avx2,
                                      .tile = 6,
                                      .tile_n = 16,
                                      .fn = reinterpret_cast<KernelFn>(&f32_sgemm__avx2_6x16)});
ARMPERF_REGISTER_KERNEL(KernelVariant{.name = "f64_dgemm__avx2_6x8",
                                      .family = "gemm",
                                      .op = "dgemm",
                                      .dtype = "f64",
                                      .isa = Isa::avx2,
                                      .tile = 6,
                                      .tile_n = 8,
                                      .fn = reinterpret_cast<KernelFn>(&f64_dgemm__avx2_6x8)});

}  // namespace armperf::kernels
