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

extern "C" void sgemm_();  // only its address is taken: which library FAISS's BLAS calls land in

namespace armperf::kernels {
namespace {

// FAISS calls the Fortran sgemm_, which OpenBLAS and BLIS both export: record the one that won.
[[maybe_unused]] const bool context_recorded = [] {
  Dl_info info{};
  const bool found = dladdr(reinterpret_cast<void*>(&sgemm_), &info) != 0 && info.dli_fname != nullptr;
  benchmark::AddCustomContext("faiss_sgemm_library", found ? info.dli_fname : "unknown");
  benchmark::AddCustomContext("faiss_version", std::to_string(FAISS_VERSION_MAJOR) + "." +
                                                   std::to_string(FAISS_VERSION_MINOR) + "." +
                                                   std::to_string(FAISS_VERSION_PATCH));
  return true;
}();

}  // namespace

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
