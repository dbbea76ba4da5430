// FAISS as the knn_search peer (impl "faiss"): faiss::knn_L2sqr / knn_inner_product, the functions
// IndexFlatL2::search and IndexFlatIP::search call, on the caller's arrays (an IndexFlat would first
// copy the database into itself, which is set-up, not search). Its OpenMP team and OpenBLAS's threads
// (its GEMM path for nq >= 20) are set to the row's thread count before each call.
#include <benchmark/benchmark.h>
#include <cblas.h>
#include <dlfcn.h>
#include <faiss/Index.h>
#include <faiss/utils/distances.h>
#include <omp.h>

#include <limits>
#include <stdexcept>
#include <string>

#include "kernels/knn/knn.hpp"
#include "kernels/knn/knn_family.hpp"
#include "kernels/registry.hpp"

namespace armperf::kernels {
namespace {

using SgemmF77 = int (*)(const char*, const char*, const int*, const int*, const int*, const float*,
                         const float*, const int*, const float*, const int*, const float*, float*,
                         const int*);

// The library OpenBLAS was loaded from (found through a symbol only OpenBLAS has) and its sgemm_.
std::string faiss_openblas_library() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&openblas_get_corename), &info) == 0 || info.dli_fname == nullptr) {
    throw std::runtime_error("faiss: dladdr cannot locate the OpenBLAS library");
  }
  return info.dli_fname;
}

SgemmF77 openblas_sgemm() {
  const std::string file = faiss_openblas_library();
  void* handle = dlopen(file.c_str(), RTLD_NOW | RTLD_NOLOAD);
  void* symbol = handle == nullptr ? nullptr : dlsym(handle, "sgemm_");
  if (symbol == nullptr) throw std::runtime_error("faiss: no sgemm_ in " + file);
  return reinterpret_cast<SgemmF77>(symbol);
}

[[maybe_unused]] const bool faiss_context_recorded = [] {
  KernelRegistry::instance().add_library_context("faiss_sgemm_library", faiss_openblas_library());
  KernelRegistry::instance().add_library_context(
      "faiss_version", std::to_string(FAISS_VERSION_MAJOR) + "." + std::to_string(FAISS_VERSION_MINOR) + "." +
                           std::to_string(FAISS_VERSION_PATCH));
  return true;
}();

}  // namespace
}  // namespace armperf::kernels

// FAISS's GEMM path calls the Fortran sgemm_. Debian builds libfaiss against libblas3, which its
// alternatives resolve to OpenBLAS; in our binaries BLIS (the gemm peer, built "generic" on Debian)
// exports sgemm_ too and would win by link order, making FAISS several times slower than FAISS as
// shipped. This definition, which the static libfaiss.a binds to, sends it to OpenBLAS, as on a
// system with FAISS alone. The BLIS peer calls bli_sgemm and the OpenBLAS peer looks its entry points
// up in OpenBLAS itself, so neither is affected.
extern "C" int sgemm_(const char* transa, const char* transb, const int* m, const int* n, const int* k,
                      const float* alpha, const float* a, const int* lda, const float* b, const int* ldb,
                      const float* beta, float* c, const int* ldc) {
  static const armperf::kernels::SgemmF77 openblas = armperf::kernels::openblas_sgemm();
  return openblas(transa, transb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

namespace armperf::kernels {

KnnResult f32_knn_search__faiss(const KnnArgs& args) {
  check_knn_args(args);
  omp_set_num_threads(args.threads);
  openblas_set_num_threads(args.threads);
  KnnResult result;
  result.nq = args.nq;
  result.k = args.k;
  result.ids.resize(static_cast<std::size_t>(args.nq * args.k));
  result.distances.resize(result.ids.size());
  const auto nq = static_cast<std::size_t>(args.nq), nb = static_cast<std::size_t>(args.nb),
             d = static_cast<std::size_t>(args.d), k = static_cast<std::size_t>(args.k);
  if (args.metric == Metric::l2) {
    faiss::knn_L2sqr(args.query, args.base, d, nq, nb, k, result.distances.data(), result.ids.data());
  } else if (args.metric == Metric::ip) {
    faiss::knn_inner_product(args.query, args.base, d, nq, nb, k, result.distances.data(), result.ids.data());
  } else {
    throw std::invalid_argument("knn: the faiss row searches l2 and ip; normalise the vectors for cosine");
  }
  // FAISS marks the slots past nb with id -1 and +-FLT_MAX; ours hold +-inf (knn.hpp).
  const float empty = args.metric == Metric::l2 ? std::numeric_limits<float>::infinity()
                                                : -std::numeric_limits<float>::infinity();
  for (std::size_t i = 0; i < result.ids.size(); ++i) {
    if (result.ids[i] == kNoNeighbour) result.distances[i] = empty;
  }
  return result;
}

ARMPERF_REGISTER_KERNEL(KernelVariant{.name = "f32_knn_search__faiss",
                                      .family = "knn_search",
                                      .op = "knn_search",
                                      .dtype = "f32",
                                      .impl = "faiss",
                                      .fn = reinterpret_cast<KernelFn>(&f32_knn_search__faiss)});

}  // namespace armperf::kernels
