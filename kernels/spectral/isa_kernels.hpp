// The per-ISA kernels of the spectral pipeline, bundled: each spectral_<isa>.cpp defines one set and
// registers its rows. The lanczos_iter, kmeans_iter and sbm_pipeline rows of an ISA point to that
// ISA's set, so a row's isa says which SpMV and distance kernels ran; the rest of the solver (vector
// updates, the small dense eigenproblem, centroid updates) is portable code built at the baseline.
#pragma once

#include <string>

#include "kernels/knn/knn.hpp"
#include "kernels/registry.hpp"
#include "kernels/spectral/kmeans.hpp"
#include "kernels/spectral/spmv.hpp"

namespace armperf::kernels::spectral {

struct SpectralKernels {
  SpmvFn spmv_values = nullptr;   // reads a.val
  SpmvFn spmv_pattern = nullptr;  // ignores a.val: every entry is 1
  DistanceFn l2 = nullptr;         // the k-NN family's squared-L2 kernel of the same ISA (k-means)
};

// What the fn of a lanczos_iter, kmeans_iter or sbm_pipeline row points to.
using SpectralKernelsFn = const SpectralKernels& (*)();

// The family and the ops of the registry rows.
inline constexpr const char* kFamily = "spectral";
inline constexpr const char* kOpSpmv = "spmv";
inline constexpr const char* kOpLanczos = "lanczos_iter";
inline constexpr const char* kOpKmeans = "kmeans_iter";
inline constexpr const char* kOpGenerate = "sbm_generate";
inline constexpr const char* kOpPipeline = "sbm_pipeline";

// Registers an ISA's rows: f32_spmv__<isa>_csr, f32_spmv__<isa>_pattern, f32_kmeans_iter__<isa>,
// f32_lanczos_iter__<isa>, f32_sbm_pipeline__<isa>. Returns true (it initialises a static). self is
// not called here: at static initialisation the k-NN rows it looks up may not be registered yet.
bool register_spectral_isa(Isa isa, SpmvFn values, SpmvFn pattern, SpectralKernelsFn self);

// What each spectral_<isa>.cpp ends with: its row kernels (from its anonymous namespace, so every
// instantiation stays local to that file and its ISA flags) threaded by spmv_parallel, bundled with
// the ISA's k-NN distance kernel and registered. Returns true, for the file's static.
// The distance kernel is looked up in the registry on first use (f32_distance_kernel throws when the build
// has none for the ISA: a kernel never borrows another ISA's).
// Runs at start-up on every machine: baseline code (core/startup.hpp); Set's kernels keep the file's flags.
template <Isa kIsa, SpmvRowsFn kCsrRows, SpmvRowsFn kPatternRows>
ARMPERF_BASELINE_CODE bool register_spectral_rows() {
  struct Set {
    static void values(const SpmvArgs& args) { spmv_parallel(args, kCsrRows); }
    static void pattern(const SpmvArgs& args) { spmv_parallel(args, kPatternRows); }
    static const SpectralKernels& get() {
      static const SpectralKernels set{values, pattern, f32_distance_kernel(kIsa, kL2Op)};
      return set;
    }
  };
  return register_spectral_isa(kIsa, Set::values, Set::pattern, Set::get);
}

// An ISA's second SpMV formulation, measured and tested beside the one the solvers use:
// f32_spmv__<isa>_<tag>_csr and f32_spmv__<isa>_<tag>_pattern (e.g. tag "gather").
bool register_spmv_alternative(Isa isa, const std::string& tag, SpmvFn values, SpmvFn pattern);
template <Isa kIsa, SpmvRowsFn kCsrRows, SpmvRowsFn kPatternRows>
ARMPERF_BASELINE_CODE bool register_spmv_rows_alternative(const std::string& tag) {
  struct Fns {
    static void values(const SpmvArgs& args) { spmv_parallel(args, kCsrRows); }
    static void pattern(const SpmvArgs& args) { spmv_parallel(args, kPatternRows); }
  };
  return register_spmv_alternative(kIsa, tag, Fns::values, Fns::pattern);
}

}  // namespace armperf::kernels::spectral
