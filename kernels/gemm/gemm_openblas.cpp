// OpenBLAS as a gemm peer (impl "openblas"): cblas_?gemm in row-major order, thread count set per call.
// BLIS exports cblas_sgemm too, and whichever library the dynamic linker meets first would win a
// plain call; the entry points are therefore looked up inside the OpenBLAS library itself.
#include <benchmark/benchmark.h>
#include <cblas.h>
#include <dlfcn.h>

#include <climits>
#include <stdexcept>
#include <string>

#include "kernels/gemm/gemm.hpp"
#include "kernels/registry.hpp"

namespace armperf::kernels {
namespace {

// The file OpenBLAS was loaded from: found through a symbol only OpenBLAS has.
std::string openblas_library() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&openblas_get_corename), &info) == 0 || info.dli_fname == nullptr) {
    throw std::runtime_error("openblas: dladdr cannot locate the OpenBLAS library");
  }
  return info.dli_fname;
}

template <class Fn>
Fn openblas_symbol(const char* name) {
  const std::string file = openblas_library();
  void* handle = dlopen(file.c_str(), RTLD_NOW | RTLD_NOLOAD);
  void* symbol = handle == nullptr ? nullptr : dlsym(handle, name);
  if (symbol == nullptr) throw std::runtime_error(std::string("openblas: no ") + name + " in " + file);
  return reinterpret_cast<Fn>(symbol);
}

blasint blas_int(std::int64_t value, const char* what) {
  if (value > INT_MAX)
    throw std::invalid_argument(std::string("openblas: ") + what + " exceeds a 32-bit blasint");
  return static_cast<blasint>(value);
}

CBLAS_TRANSPOSE cblas_trans(Trans t) { return t == Trans::no ? CblasNoTrans : CblasTrans; }

template <class T, class Fn>
void openblas_gemm(const GemmArgs<T>& args, Fn gemm_fn) {
  check_gemm_args(args);
  openblas_set_num_threads(args.threads);
  gemm_fn(CblasRowMajor, cblas_trans(args.trans_a), cblas_trans(args.trans_b), blas_int(args.m, "m"),
          blas_int(args.n, "n"), blas_int(args.k, "k"), args.alpha, args.a, blas_int(args.lda, "lda"), args.b,
          blas_int(args.ldb, "ldb"), args.beta, args.c, blas_int(args.ldc, "ldc"));
}

// Which kernels OpenBLAS picked for this CPU goes into the results' context (DESIGN §5).
[[maybe_unused]] const bool openblas_context_recorded = [] {
  KernelRegistry::instance().add_library_context("openblas_corename", openblas_get_corename());
  KernelRegistry::instance().add_library_context("openblas_config", openblas_get_config());
  return true;
}();

}  // namespace

void f32_sgemm__openblas(const GemmArgs<float>& args) {
  static const auto fn = openblas_symbol<decltype(&cblas_sgemm)>("cblas_sgemm");
  openblas_gemm(args, fn);
}
void f64_dgemm__openblas(const GemmArgs<double>& args) {
  static const auto fn = openblas_symbol<decltype(&cblas_dgemm)>("cblas_dgemm");
  openblas_gemm(args, fn);
}

// isa: peers dispatch to their own kernels (recorded in the context); scalar only means "always runnable".
ARMPERF_REGISTER_KERNEL(KernelVariant{.name = "f32_sgemm__openblas",
                                      .family = "gemm",
                                      .op = "sgemm",
                                      .dtype = "f32",
                                      .impl = "openblas",
                                      .fn = reinterpret_cast<KernelFn>(&f32_sgemm__openblas)});
ARMPERF_REGISTER_KERNEL(KernelVariant{.name = "f64_dgemm__openblas",
                                      .family = "gemm",
                                      .op = "dgemm",
                                      .dtype = "f64",
                                      .impl = "openblas",
                                      .fn = reinterpret_cast<KernelFn>(&f64_dgemm__openblas)});

}  // namespace armperf::kernels
