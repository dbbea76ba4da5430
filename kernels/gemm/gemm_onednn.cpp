// oneDNN as a gemm peer (impl "onednn"): dnnl_sgemm, row-major like ours. oneDNN has no f64 GEMM.
// Debian builds it on OpenMP, so the thread count is OpenMP's.
#include <benchmark/benchmark.h>
#include <omp.h>
#include <oneapi/dnnl/dnnl.h>

#include <stdexcept>
#include <string>

#include "kernels/gemm/gemm.hpp"
#include "kernels/registry.hpp"

namespace armperf::kernels {
namespace {

std::string cpu_isa_name(dnnl_cpu_isa_t isa) {
  switch (isa) {
    case dnnl_cpu_isa_all:
      return "all";
    case dnnl_cpu_isa_sse41:
      return "sse41";
    case dnnl_cpu_isa_avx:
      return "avx";
    case dnnl_cpu_isa_avx2:
      return "avx2";
    case dnnl_cpu_isa_avx2_vnni:
      return "avx2_vnni";
    case dnnl_cpu_isa_avx512_core:
      return "avx512_core";
    case dnnl_cpu_isa_avx512_core_vnni:
      return "avx512_core_vnni";
    case dnnl_cpu_isa_avx512_core_bf16:
      return "avx512_core_bf16";
    case dnnl_cpu_isa_avx512_core_amx:
      return "avx512_core_amx";
    default:
      return "isa 0x" + std::to_string(static_cast<unsigned>(isa));
  }
}

[[maybe_unused]] const bool onednn_context_recorded = [] {
  const dnnl_version_t* v = dnnl_version();
  benchmark::AddCustomContext("onednn_version", std::to_string(v->major) + "." + std::to_string(v->minor) +
                                                    "." + std::to_string(v->patch));
  benchmark::AddCustomContext("onednn_cpu_isa", cpu_isa_name(dnnl_get_effective_cpu_isa()));
  return true;
}();

}  // namespace

void f32_sgemm__onednn(const GemmArgs<float>& args) {
  check_gemm_args(args);
  // BLAS, and this family, define C = beta * C when k == 0 or alpha == 0. oneDNN 2.6 (found by
  // gemm_test) returns C unchanged for k == 0 on x86, and on aarch64 with SVE scales the padding
  // columns between n and ldc too for alpha == 0. The adapter keeps the contract for these two
  // cases; no benchmark shape reaches them.
  if (args.k == 0 || args.alpha == 0.0f) {
    for (std::int64_t i = 0; i < args.m; ++i) {
      for (std::int64_t j = 0; j < args.n; ++j) {
        float& c = args.c[i * args.ldc + j];
        c = args.beta == 0.0f ? 0.0f : args.beta * c;
      }
    }
    return;
  }
  omp_set_num_threads(args.threads);
  const dnnl_status_t status =
      dnnl_sgemm(static_cast<char>(args.trans_a), static_cast<char>(args.trans_b), args.m, args.n, args.k,
                 args.alpha, args.a, args.lda, args.b, args.ldb, args.beta, args.c, args.ldc);
  if (status != dnnl_success) {
    throw std::runtime_error("onednn: dnnl_sgemm(" + std::string{char(args.trans_a), char(args.trans_b)} +
                             ", m=" + std::to_string(args.m) + ", n=" + std::to_string(args.n) +
                             ", k=" + std::to_string(args.k) + ", lda=" + std::to_string(args.lda) +
                             ", ldb=" + std::to_string(args.ldb) + ", ldc=" + std::to_string(args.ldc) +
                             ") failed with status " + std::to_string(static_cast<int>(status)));
  }
}

ARMPERF_REGISTER_KERNEL(KernelVariant{.name = "f32_sgemm__onednn",
                                      .family = "gemm",
                                      .op = "sgemm",
                                      .dtype = "f32",
                                      .impl = "onednn",
                                      .fn = reinterpret_cast<KernelFn>(&f32_sgemm__onednn)});

}  // namespace armperf::kernels
