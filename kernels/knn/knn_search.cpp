// The exact-search driver every ISA's knn_search row runs (built at the baseline: the O(nq nb d) work
// is in the ISA's distance kernels and sgemm, which it is handed).
//
// Work is cut into database blocks sized for L2, so a block read once serves every query of the
// thread. Per block either
//   direct: the distance kernel for each query, then the top-k scan; or
//   gemm:   C = -2 Q B^T (-Q B^T for ip) with our sgemm over a block of queries, then
//           key = ||b||^2 + C (||q||^2 is the same for all of a query's candidates and is added to
//           the k survivors only), scanned into the top-k while C is still in cache.
// Threads split the queries when each gets enough for the GEMM path; otherwise they split the
// database and the caller merges their top-k lists.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/team.hpp"
#include "kernels/parallel.hpp"

#include "kernels/knn/knn.hpp"
#include "kernels/knn/topk.hpp"
#include "kernels/registry.hpp"

namespace armperf::kernels {
namespace {

// Queries per sgemm call (rounded down to whole micro-kernel rows). Each call packs its query block
// and its database block again, so both blocks are large; C (512 x 1024 at d = 128: 2 MiB) then
// lives in L2/L3 until the scan that follows, which reads it once. Measured on Zen 5 (nb = 10^5,
// d = 128, nq = 1000, 1 thread, CPU time): 128 x 512 blocks took 300 ms, 256 x 512 200 ms, 512 x 2048
// 187 ms, and beyond that it stays flat.
constexpr std::int64_t kQueryBlock = 512;

void knn_require(bool ok, const std::string& what) {
  if (!ok) throw std::invalid_argument("knn: " + what);
}

// Database rows per block: half of L2, so the direct path's queries after the first find the block
// there (the other half holds the query, the distances and the top-k lists).
std::int64_t base_block_rows(std::int64_t d) {
  const std::int64_t rows = gemm_caches().l2 / 2 / (d * static_cast<std::int64_t>(sizeof(float)));
  return std::clamp<std::int64_t>(rows / 16 * 16, 16, 4096);
}

void run_threads(int threads, const std::function<void(int)>& fn) {
  if (threads == 1) {
    fn(0);  // on the caller, no hand-off
  } else {
    kernels::persistent_kernel_team(threads).run(fn);  // gemm's pinned team too: one per PU list
  }
}

struct Problem {
  bool l2 = true;  // else inner product (cosine arrives here normalised)
  const float* base = nullptr;
  const float* query = nullptr;
  std::int64_t d = 0;
  const KnnKernels* kernels = nullptr;
  bool gemm = false;
  std::vector<float> zero;  // d zeros: ||x||^2 is the L2 kernel against the origin
};

// Queries [q0, q1) against database rows [b0, b1), into heaps[q - q0].
void search_range(const Problem& p, std::int64_t q0, std::int64_t q1, std::int64_t b0, std::int64_t b1,
                  TopK* heaps) {
  const std::int64_t block = base_block_rows(p.d), d = p.d;
  const DistanceFn distance = p.l2 ? p.kernels->l2 : p.kernels->ip;
  std::vector<float> scratch, norms;
  for (std::int64_t bb = b0; bb < b1; bb += block) {
    const std::int64_t n = std::min(block, b1 - bb);
    const float* base = p.base + bb * d;
    if (!p.gemm) {
      scratch.resize(static_cast<std::size_t>(n));
      for (std::int64_t q = q0; q < q1; ++q) {
        distance(p.query + q * d, base, n, d, scratch.data());
        heaps[q - q0].push_block(scratch.data(), nullptr, p.l2 ? 1.0f : -1.0f, n, bb, p.kernels->scan);
      }
      continue;
    }
    if (p.l2) {
      norms.resize(static_cast<std::size_t>(n));
      p.kernels->l2(p.zero.data(), base, n, d, norms.data());
    }
    const std::int64_t query_block =
        std::max<std::int64_t>(1, kQueryBlock / p.kernels->sgemm_mr) * p.kernels->sgemm_mr;
    for (std::int64_t qq = q0; qq < q1; qq += query_block) {
      const std::int64_t m = std::min(query_block, q1 - qq);
      scratch.resize(static_cast<std::size_t>(m * n));
      p.kernels->sgemm(GemmArgs<float>{.trans_b = Trans::yes,
                                       .m = m,
                                       .n = n,
                                       .k = d,
                                       .alpha = p.l2 ? -2.0f : -1.0f,
                                       .a = p.query + qq * d,
                                       .lda = d,
                                       .b = base,
                                       .ldb = d,
                                       .beta = 0.0f,
                                       .c = scratch.data(),
                                       .ldc = n,
                                       .threads = 1});
      for (std::int64_t i = 0; i < m; ++i) {
        heaps[qq + i - q0].push_block(scratch.data() + i * n, p.l2 ? norms.data() : nullptr, 1.0f, n, bb,
                                      p.kernels->scan);
      }
    }
  }
}

// Unit-length copies for cosine; a zero vector stays zero (similarity 0 to everything).
std::vector<float> normalised(const float* x, std::int64_t rows, std::int64_t d) {
  std::vector<float> out(x, x + rows * d);
  for (std::int64_t r = 0; r < rows; ++r) {
    float* v = out.data() + r * d;
    double sum = 0;
    for (std::int64_t j = 0; j < d; ++j) sum += double(v[j]) * double(v[j]);
    if (sum == 0) continue;
    const auto scale = static_cast<float>(1.0 / std::sqrt(sum));
    for (std::int64_t j = 0; j < d; ++j) v[j] *= scale;
  }
  return out;
}

}  // namespace

std::vector<float> normalised_copy(const float* x, std::int64_t rows, std::int64_t d) {
  return normalised(x, rows, d);
}

std::string_view metric_name(Metric metric) {
  switch (metric) {
    case Metric::l2:
      return "l2";
    case Metric::ip:
      return "ip";
    case Metric::cosine:
      return "cosine";
  }
  return "?";
}

std::string_view path_name(KnnPath path) {
  switch (path) {
    case KnnPath::automatic:
      return "auto";
    case KnnPath::direct:
      return "direct";
    case KnnPath::gemm:
      return "gemm";
  }
  return "?";
}

std::optional<Metric> parse_metric(std::string_view name) {
  for (Metric m : {Metric::l2, Metric::ip, Metric::cosine}) {
    if (metric_name(m) == name) return m;
  }
  return std::nullopt;
}

double distance_reference(Metric metric, const float* x, const float* y, std::int64_t d) {
  double sum = 0;
  for (std::int64_t j = 0; j < d; ++j) {
    const double a = x[j], b = y[j];
    sum += metric == Metric::l2 ? (a - b) * (a - b) : a * b;
  }
  return sum;
}

// Measured on Zen 5 (armperf knn --path, nb = 10^5, d = 128, k = 10, 1 thread): direct beat gemm at
// nq = 2, 4 and 8 (720 vs 280 queries/s at 4, 820 vs 530 at 8) and lost at 16 (930 vs 990).
std::int64_t knn_gemm_min_queries() { return 16; }

void check_knn_args(const KnnArgs& args) {
  knn_require(args.k >= 1, "k=" + std::to_string(args.k) + ": expected k >= 1");
  knn_require(args.nb >= 1 && args.base != nullptr, "empty database (nb=" + std::to_string(args.nb) + ")");
  knn_require(args.nq >= 1 && args.query != nullptr, "no queries (nq=" + std::to_string(args.nq) + ")");
  knn_require(args.d >= 1, "dimension d=" + std::to_string(args.d) + ": expected d >= 1");
  knn_require(args.threads >= 1, "threads=" + std::to_string(args.threads) + ": expected threads >= 1");
  for (std::int64_t i = 0; i < args.nq * args.d; ++i) {
    if (!std::isfinite(args.query[i])) {
      knn_require(false, "query " + std::to_string(i / args.d) + " component " + std::to_string(i % args.d) +
                             " is " + (std::isnan(args.query[i]) ? "NaN" : "infinite") +
                             ": expected a finite value");
    }
  }
}

std::vector<float> uniform_vectors(std::int64_t count, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> out(static_cast<std::size_t>(count));
  for (float& x : out) x = dist(rng);
  return out;
}

DistanceFn f32_distance_kernel(Isa isa, std::string_view op) {
  for (const KernelVariant& v : KernelRegistry::instance().variants())
    if (v.isa == isa && v.impl == "armperf" && v.dtype == "f32" && v.family == "knn" && v.op == op)
      return v.as<DistanceFn>();
  throw std::logic_error(fmt::format("knn: this build has no f32 {} kernel for isa {}", op, isa_name(isa)));
}

KnnKernels knn_kernels(Isa isa, KeyScanFn scan) {
  KnnKernels kernels;
  kernels.scan = scan;
  kernels.l2 = f32_distance_kernel(isa, kL2Op);
  kernels.ip = f32_distance_kernel(isa, kIpOp);
  unsigned sgemm_nr = 0;
  for (const KernelVariant& v : KernelRegistry::instance().variants()) {
    if (v.isa != isa || v.impl != "armperf" || v.dtype != "f32") continue;
    // Of several sgemm tiles, the widest: with k = d short, fewer A broadcasts per FMA pay (on Zen 5,
    // 6 x 64 searched nb = 10^5, d = 128, nq = 1000 in 195 ms of CPU time, 14 x 32 in 235 ms).
    if (v.family == "gemm" && v.op == "sgemm" && v.tile_n > sgemm_nr) {
      sgemm_nr = v.tile_n;
      kernels.sgemm = v.as<SgemmFn>();
      kernels.sgemm_mr = static_cast<std::int64_t>(v.tile);
    }
  }
  if (kernels.scan == nullptr || kernels.sgemm == nullptr) {
    throw std::logic_error("knn: this build has no top-k filter or sgemm for isa " +
                           std::string(isa_name(isa)));
  }
  return kernels;
}

KnnResult knn_search(const KnnArgs& args, const KnnKernels& kernels) {
  check_knn_args(args);
  const std::int64_t nq = args.nq, nb = args.nb, d = args.d, k = args.k;
  const int threads = args.threads;
  std::vector<float> base_unit, query_unit;
  Problem p;
  p.l2 = args.metric == Metric::l2;
  p.base = args.base;
  p.query = args.query;
  if (args.metric == Metric::cosine) {
    base_unit = normalised(args.base, nb, d);
    query_unit = normalised(args.query, nq, d);
    p.base = base_unit.data();
    p.query = query_unit.data();
  }
  p.d = d;
  p.kernels = &kernels;
  p.zero.assign(static_cast<std::size_t>(d), 0.0f);
  const std::int64_t min_q = knn_gemm_min_queries();
  p.gemm = args.path == KnnPath::gemm || (args.path == KnnPath::automatic && nq >= min_q);
  const bool split_queries = p.gemm && nq >= threads * min_q;

  std::vector<TopK> heaps(static_cast<std::size_t>(nq), TopK(k));
  if (split_queries) {
    run_threads(threads, [&](int t) {
      const std::int64_t q0 = nq * t / threads, q1 = nq * (t + 1) / threads;
      search_range(p, q0, q1, 0, nb, heaps.data() + q0);
    });
  } else {
    // Each thread keeps its own lists over its share of the database; the caller merges them.
    std::vector<std::vector<TopK>> partial(static_cast<std::size_t>(threads));
    run_threads(threads, [&](int t) {
      auto& mine = partial[static_cast<std::size_t>(t)];
      mine.assign(static_cast<std::size_t>(nq), TopK(k));
      search_range(p, 0, nq, nb * t / threads, nb * (t + 1) / threads, mine.data());
    });
    for (const auto& mine : partial) {
      for (std::int64_t q = 0; q < nq; ++q) heaps[q].merge(mine[q]);
    }
  }

  KnnResult result;
  result.nq = nq;
  result.k = k;
  result.path = p.gemm ? KnnPath::gemm : KnnPath::direct;
  const float empty = p.l2 ? std::numeric_limits<float>::infinity() : -std::numeric_limits<float>::infinity();
  result.ids.assign(static_cast<std::size_t>(nq * k), kNoNeighbour);
  result.distances.assign(static_cast<std::size_t>(nq * k), empty);
  for (std::int64_t q = 0; q < nq; ++q) {
    float query_norm = 0;
    if (p.l2 && p.gemm) kernels.l2(p.zero.data(), p.query + q * d, 1, d, &query_norm);
    const std::vector<Candidate> best = heaps[q].sorted();
    for (std::size_t i = 0; i < best.size(); ++i) {
      const std::size_t slot = static_cast<std::size_t>(q * k) + i;
      result.ids[slot] = best[i].id;
      // Rounding in ||q||^2 + ||b||^2 - 2 q.b can dip below zero for a near-duplicate.
      result.distances[slot] = p.l2 ? std::max(0.0f, best[i].key + query_norm) : -best[i].key;
    }
  }
  return result;
}

KnnResult knn_search_reference(const KnnArgs& args) {
  check_knn_args(args);
  const std::int64_t nq = args.nq, nb = args.nb, d = args.d, k = args.k;
  const bool l2 = args.metric == Metric::l2;
  std::vector<float> base_unit, query_unit;  // cosine only
  const float* base = args.base;
  const float* query = args.query;
  if (args.metric == Metric::cosine) {
    base_unit = normalised(args.base, nb, d);
    query_unit = normalised(args.query, nq, d);
    base = base_unit.data();
    query = query_unit.data();
  }
  KnnResult result;
  result.nq = nq;
  result.k = k;
  result.ids.assign(static_cast<std::size_t>(nq * k), kNoNeighbour);
  result.distances.assign(static_cast<std::size_t>(nq * k), l2 ? std::numeric_limits<float>::infinity()
                                                               : -std::numeric_limits<float>::infinity());
  std::vector<std::pair<double, std::int64_t>> all(static_cast<std::size_t>(nb));
  for (std::int64_t q = 0; q < nq; ++q) {
    for (std::int64_t i = 0; i < nb; ++i) {
      const double dist = distance_reference(l2 ? Metric::l2 : Metric::ip, query + q * d, base + i * d, d);
      all[static_cast<std::size_t>(i)] = {l2 ? dist : -dist, i};
    }
    const std::int64_t found = std::min(k, nb);
    std::partial_sort(all.begin(), all.begin() + found, all.end());
    for (std::int64_t i = 0; i < found; ++i) {
      const auto& [key, id] = all[static_cast<std::size_t>(i)];
      result.ids[static_cast<std::size_t>(q * k + i)] = id;
      result.distances[static_cast<std::size_t>(q * k + i)] = static_cast<float>(l2 ? key : -key);
    }
  }
  return result;
}

double knn_recall(const KnnResult& result, const std::vector<std::int64_t>& truth, std::int64_t truth_k,
                  std::int64_t k) {
  knn_require(k >= 1 && k <= result.k && k <= truth_k, "recall@" + std::to_string(k) + ": result has " +
                                                           std::to_string(result.k) + " and ground truth " +
                                                           std::to_string(truth_k) + " neighbours per query");
  knn_require(static_cast<std::int64_t>(truth.size()) >= result.nq * truth_k,
              "ground truth has " + std::to_string(truth.size() / static_cast<std::size_t>(truth_k)) +
                  " queries, expected " + std::to_string(result.nq));
  std::int64_t hits = 0;
  for (std::int64_t q = 0; q < result.nq; ++q) {
    const auto t0 = truth.begin() + q * truth_k;
    for (std::int64_t i = 0; i < k; ++i) {
      const std::int64_t id = result.ids[static_cast<std::size_t>(q * result.k + i)];
      if (id != kNoNeighbour && std::find(t0, t0 + k, id) != t0 + k) ++hits;
    }
  }
  return double(hits) / double(result.nq * k);
}

}  // namespace armperf::kernels
