// k-NN (DESIGN §3, issue 9): distance kernels of one query against a block of database vectors, one
// translation unit per ISA (distance_<isa>.cpp), and the exact search driver built on them
// (knn_search.cpp): top-k with ties broken by the smaller id, a GEMM formulation for query batches,
// threads over queries or over database blocks.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/isa.hpp"
#include "kernels/gemm/gemm.hpp"

namespace armperf::kernels {

// cosine is inner product on vectors the search normalises first (as FAISS does with IndexFlatIP).
enum class Metric { l2, ip, cosine };
std::string_view metric_name(Metric metric);
std::optional<Metric> parse_metric(std::string_view name);

// out[i] = ||query - base_i||^2 (op l2sq_distance) or <query, base_i> (op ip_distance) for nb rows
// of base stored contiguously with stride d. The family's signature behind KernelVariant::fn.
using DistanceFn = void (*)(const float* query, const float* base, std::int64_t nb, std::int64_t d,
                            float* out);

// The distance kernels of the registry, by op name.
inline constexpr std::string_view kL2Op = "l2sq_distance";
inline constexpr std::string_view kIpOp = "ip_distance";

// count floats uniform in [-1, 1) from std::mt19937(seed): the data of the family's benchmarks and tests.
std::vector<float> uniform_vectors(std::int64_t count, unsigned seed);

// Double-precision reference of one distance (tests, benchmark checks).
double distance_reference(Metric metric, const float* x, const float* y, std::int64_t d);

// Which formulation the search uses; automatic picks by the queries each thread gets.
enum class KnnPath { automatic, direct, gemm };

struct KnnArgs {
  Metric metric = Metric::l2;
  const float* base = nullptr;  // nb x d, row-major
  std::int64_t nb = 0;
  const float* query = nullptr;  // nq x d, row-major
  std::int64_t nq = 0;
  std::int64_t d = 0;
  std::int64_t k = 0;
  int threads = 1;
  KnnPath path = KnnPath::automatic;
};

// nq x k, row-major, each row sorted best first (L2: ascending distance; ip/cosine: descending
// similarity), equal distances by ascending id. When nb < k the slots past nb hold id -1 and
// distance +inf (L2) or -inf (ip/cosine).
struct KnnResult {
  std::int64_t nq = 0, k = 0;
  std::vector<std::int64_t> ids;
  std::vector<float> distances;
  KnnPath path = KnnPath::automatic;  // the formulation that ran (automatic: a peer's own choice)
};
std::string_view path_name(KnnPath path);
inline constexpr std::int64_t kNoNeighbour = -1;

// The search entry point of a registry row (op knn_search).
using KnnSearchFn = KnnResult (*)(const KnnArgs& args);

// Throws std::invalid_argument naming the problem: k < 1, an empty database or queries, d < 1,
// threads < 1, a null pointer, a NaN or infinite query component (with its query and component).
void check_knn_args(const KnnArgs& args);

// The top-k filter: the first i in [0, n) with key scale * values[i] + offsets[i] (offsets null: 0;
// scale +-1) below threshold, or n (scan_impl.hpp). NaN keys never pass.
using KeyScanFn = std::int64_t (*)(const float* values, const float* offsets, float scale, std::int64_t n,
                                   float threshold);

// What the driver needs from one ISA: its two distance kernels, its top-k filter and its sgemm.
struct KnnKernels {
  DistanceFn l2 = nullptr;
  DistanceFn ip = nullptr;
  KeyScanFn scan = nullptr;
  SgemmFn sgemm = nullptr;
  std::int64_t sgemm_mr = 1;  // its micro-kernel's rows: query blocks are whole tiles
};
// The kernels of the registry rows for `isa` (family knn, family gemm) and the ISA's filter `scan`
// (not a registry row: the search rows' tests cover it); throws std::logic_error when the build lacks
// one, since a search must never borrow another ISA's kernel.
KnnKernels knn_kernels(Isa isa, KeyScanFn scan);

// The f32 distance kernel of the registry row for `isa` and `op` (kL2Op or kIpOp), for other families
// that reuse it (spectral's k-means); throws std::logic_error when the build has none for the ISA.
DistanceFn f32_distance_kernel(Isa isa, std::string_view op);

// The driver shared by every ISA's search row.
KnnResult knn_search(const KnnArgs& args, const KnnKernels& kernels);

// Per-thread query count from which the GEMM formulation beats direct distances (knn_search.cpp).
std::int64_t knn_gemm_min_queries();

// Unit-length copies of rows x d vectors (what cosine searches); a zero vector stays zero.
std::vector<float> normalised_copy(const float* x, std::int64_t rows, std::int64_t d);

// Exact reference: every distance in double, full sort; for tests and recall.
KnnResult knn_search_reference(const KnnArgs& args);

// Fraction of the first k reference neighbours of each query found among the result's first k.
double knn_recall(const KnnResult& result, const std::vector<std::int64_t>& truth, std::int64_t truth_k,
                  std::int64_t k);

}  // namespace armperf::kernels
