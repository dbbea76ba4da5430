// BLIS as a gemm peer (impl "blis"): the typed API bli_?gemm, which takes row and column strides,
// so row-major needs no transposition trick. (Its cblas_sgemm would collide with OpenBLAS's.)
#include <benchmark/benchmark.h>
#include <blis.h>

#include "kernels/gemm/gemm.hpp"
#include "kernels/registry.hpp"

namespace armperf::kernels {
namespace {

trans_t blis_trans(Trans t) { return t == Trans::no ? BLIS_NO_TRANSPOSE : BLIS_TRANSPOSE; }

template <class T, class Fn>
void blis_gemm(const GemmArgs<T>& args, Fn gemm_fn) {
  check_gemm_args(args);
  bli_thread_set_num_threads(args.threads);
  T alpha = args.alpha, beta = args.beta;
  // Row-major: row stride = leading dimension, column stride 1 (of the stored, untransposed matrix).
  gemm_fn(blis_trans(args.trans_a), blis_trans(args.trans_b), args.m, args.n, args.k, &alpha,
          const_cast<T*>(args.a), args.lda, 1, const_cast<T*>(args.b), args.ldb, 1, &beta, args.c, args.ldc,
          1);
}

[[maybe_unused]] const bool blis_context_recorded = [] {
  KernelRegistry::instance().add_library_context("blis_version", bli_info_get_version_str());
  KernelRegistry::instance().add_library_context("blis_arch", bli_arch_string(bli_arch_query_id()));
  return true;
}();

}  // namespace

void f32_sgemm__blis(const GemmArgs<float>& args) { blis_gemm(args, &bli_sgemm); }
void f64_dgemm__blis(const GemmArgs<double>& args) { blis_gemm(args, &bli_dgemm); }

ARMPERF_REGISTER_KERNEL(KernelVariant{.name = "f32_sgemm__blis",
                                      .family = "gemm",
                                      .op = "sgemm",
                                      .dtype = "f32",
                                      .impl = "blis",
                                      .fn = reinterpret_cast<KernelFn>(&f32_sgemm__blis)});
ARMPERF_REGISTER_KERNEL(KernelVariant{.name = "f64_dgemm__blis",
                                      .family = "gemm",
                                      .op = "dgemm",
                                      .dtype = "f64",
                                      .impl = "blis",
                                      .fn = reinterpret_cast<KernelFn>(&f64_dgemm__blis)});

}  // namespace armperf::kernels
