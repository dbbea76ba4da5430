// The k-NN families: "knn" (distance kernels, one query against a block of database vectors) and
// "knn_search" (exact top-k search, ours per ISA and the FAISS peer). Two families because their
// shapes differ: a kernel is swept over nb x d, a search also over nq, k and threads.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "core/buffer.hpp"
#include "core/topology.hpp"
#include "kernels/benchmarks.hpp"
#include "kernels/knn/knn.hpp"
#include "kernels/knn/knn_family.hpp"
#include "kernels/knn/lowp.hpp"
#include "kernels/registry.hpp"

namespace armperf::kernels {
namespace {

constexpr std::int64_t kRecallQueries = 16;  // queries checked against the double reference per search row

// Distance kernels: d = 128 (SIFT) and 960 (GIST), the database block in half of L1, of L2, and
// spanning DRAM. quick: the L1 point at d = 128 and the DRAM point.
std::vector<BenchShape> distance_shapes(const BenchPlan& plan) {
  std::vector<std::int64_t> dims = {128};
  std::vector<std::int64_t> bytes = {plan.l1_bytes / 2, plan.dram_bytes / 4};
  if (plan.profile != Profile::quick) {
    dims = {32, 128, 768, 960};
    bytes = {plan.l1_bytes / 2, plan.l2_bytes / 2, plan.dram_bytes / 4};
  }
  std::vector<BenchShape> shapes;
  for (std::int64_t b : bytes) {
    for (std::int64_t d : dims) {
      const std::int64_t nb = std::max<std::int64_t>(4, b / (d * 4) / 4 * 4);
      shapes.push_back({std::to_string(nb) + "x" + std::to_string(d), {nb, d}});
    }
  }
  return shapes;
}

// A low-precision kernel (dtype f16, bf16, int8) on the same nb x d as the f32 rows, so the rows
// compare distances/s for one problem; gbps counts the bytes of the stored type.
void lowp_distance_bench(benchmark::State& state, const KernelVariant& variant, std::int64_t nb, std::int64_t d) {
  const Dtype dtype = parse_dtype(variant.dtype).value();
  const std::vector<float> base_f32 = uniform_vectors(nb * d, 1), query_f32 = uniform_vectors(d, 2);
  const float scale = dtype == Dtype::int8 ? int8_scale(base_f32.data(), nb * d) : 1.0f;
  const LowpVectors base = quantise(dtype, base_f32.data(), nb, d, scale);
  const LowpVectors query = quantise(dtype, query_f32.data(), 1, d, scale);
  std::vector<float> out(static_cast<std::size_t>(nb));
  std::vector<std::int32_t> exact(static_cast<std::size_t>(nb));
  double last = 0;
  if (dtype == Dtype::int8) {
    const auto fn = variant.as<DistanceI8Fn>();
    for (auto _ : state) {
      fn(query.i8.data(), base.i8.data(), nb, d, exact.data());
      benchmark::DoNotOptimize(exact.data());
      benchmark::ClobberMemory();
    }
    last = exact.back();
  } else {
    const auto fn = variant.as<DistanceHalfFn>();
    for (auto _ : state) {
      fn(query.half.data(), base.half.data(), nb, d, out.data());
      benchmark::DoNotOptimize(out.data());
      benchmark::ClobberMemory();
    }
    last = out.back();
  }
  // The last row recomputed in double on the converted values: int8 is exact.
  const Metric metric = variant.op == kL2Op ? Metric::l2 : Metric::ip;
  const double ref = lowp_distance_reference(metric, query, 0, base, nb - 1);
  const double tolerance = dtype == Dtype::int8 ? 0.0 : 1e-5 * double(d) * (1 + std::abs(ref));
  if (!(std::abs(last - ref) <= tolerance)) state.SkipWithError("distance result check failed");
}

void distance_bench(benchmark::State& state, const KernelVariant& variant, const BenchShape& shape) {
  const std::int64_t nb = shape.dims.at(0), d = shape.dims.at(1);
  if (variant.dtype != "f32") {
    lowp_distance_bench(state, variant, nb, d);
    set_elementwise_rates(state, variant, nb * d);
    state.counters["nb"] = double(nb);
    state.counters["d"] = double(d);
    return;
  }
  // Page-aligned, like every family's measurement memory: a malloc'd block is only 16-byte aligned,
  // and then at d = 128 every 64-byte load of a row spans two cache lines, which on Zen 5 cost the
  // L1 point about a third of its rate.
  const Buffer base_memory(static_cast<std::size_t>(nb * d) * sizeof(float)), query_memory(d * sizeof(float));
  float* base = base_memory.as<float>();
  float* query = query_memory.as<float>();
  const std::vector<float> base_values = uniform_vectors(nb * d, 1), query_values = uniform_vectors(d, 2);
  std::copy(base_values.begin(), base_values.end(), base);
  std::copy(query_values.begin(), query_values.end(), query);
  std::vector<float> out(static_cast<std::size_t>(nb));
  const auto fn = variant.as<DistanceFn>();
  for (auto _ : state) {
    fn(query, base, nb, d, out.data());
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  // The last row recomputed in double: a wrong or no-op kernel must not report a rate.
  const Metric metric = variant.op == kL2Op ? Metric::l2 : Metric::ip;
  const double ref = distance_reference(metric, query, base + (nb - 1) * d, d);
  if (!(std::abs(double(out.back()) - ref) <= 1e-5 * double(d) * (1 + std::abs(ref)))) {
    state.SkipWithError("distance result check failed");
  }
  set_elementwise_rates(state, variant, nb * d);
  state.counters["nb"] = double(nb);
  state.counters["d"] = double(d);
}

BenchShape search_shape(std::int64_t nb, std::int64_t d, std::int64_t nq, std::int64_t k, int threads) {
  // bytes: the database and the queries; the rest (top-k lists, C blocks) is small beside them.
  return {
      std::to_string(nb) + "x" + std::to_string(d) + "/nq:" + std::to_string(nq) + "/k:" + std::to_string(k),
      {nb, d, nq, k},
      threads,
      4 * (nb + nq) * d};
}

// The grid: nb in {1e4, 1e5, 1e6}, d in {32, 128, 768, 960}, nq in {1, 16, 1000}, k in
// {1, 10, 100}. quick: the SIFT-like headline shapes at nb = 1e4 and 1e5; standard: every d and nq at
// k = 10 for nb <= 1e5, k swept at the headline; full: all, nb = 1e6 where the plan's DRAM size allows.
std::vector<BenchShape> search_shapes(const BenchPlan& plan) {
  struct Point {
    std::int64_t nb, d, nq, k;
  };
  std::vector<Point> points;
  if (plan.profile == Profile::quick) {
    points = {{10000, 128, 16, 10}, {100000, 128, 1, 10}, {100000, 128, 1000, 10}};
  } else {
    std::vector<std::int64_t> nbs = {10000, 100000}, ks = {10};
    if (plan.profile == Profile::full) {
      nbs.push_back(1000000);
      ks = {1, 10, 100};
    }
    for (std::int64_t nb : nbs) {
      for (std::int64_t d : {32, 128, 768, 960}) {
        if (nb * d * 4 > plan.dram_bytes) continue;
        for (std::int64_t nq : {1, 16, 1000}) {
          for (std::int64_t k : ks) points.push_back({nb, d, nq, k});
        }
      }
    }
    if (plan.profile == Profile::standard) {
      for (std::int64_t nq : {1, 1000}) {
        for (std::int64_t k : {1, 100}) points.push_back({100000, 128, nq, k});
      }
    }
  }
  // One team size per plan, like every family: armperf run and armperf-bench choose the counts.
  const int t = std::max(1, plan.threads);
  std::vector<BenchShape> shapes;
  for (const Point& p : points) shapes.push_back(search_shape(p.nb, p.d, p.nq, p.k, t));
  return shapes;
}

// One data set per (nb, d, nq), kept while consecutive rows (ours and FAISS's, shape-major) use it:
// generating 10^6 x 960 floats costs more than a search.
struct DataSet {
  // Page-aligned (as in distance_bench), so rows start on cache lines for ours and FAISS alike.
  Buffer base, query;
};
std::shared_ptr<const DataSet> data_set(std::int64_t nb, std::int64_t d, std::int64_t nq) {
  static std::mutex mutex;
  static std::tuple<std::int64_t, std::int64_t, std::int64_t> key;
  static std::shared_ptr<const DataSet> cached;
  const std::lock_guard lock(mutex);
  if (!cached || key != std::tuple(nb, d, nq)) {
    cached.reset();
    auto set = std::make_shared<DataSet>();
    const std::vector<float> base = uniform_vectors(nb * d, 11), query = uniform_vectors(nq * d, 12);
    set->base = Buffer(base.size() * sizeof(float));
    set->query = Buffer(query.size() * sizeof(float));
    std::copy(base.begin(), base.end(), set->base.as<float>());
    std::copy(query.begin(), query.end(), set->query.as<float>());
    cached = std::move(set);
    key = {nb, d, nq};
  }
  return cached;
}

void search_bench(benchmark::State& state, const KernelVariant& variant, const BenchShape& shape) {
  const std::int64_t nb = shape.dims.at(0), d = shape.dims.at(1), nq = shape.dims.at(2), k = shape.dims.at(3);
  const auto data = data_set(nb, d, nq);
  KnnArgs args{.metric = Metric::l2,
               .base = data->base.as<float>(),
               .nb = nb,
               .query = data->query.as<float>(),
               .nq = nq,
               .d = d,
               .k = k,
               .threads = shape.threads};
  KnnResult result;
  std::int64_t element_bytes = 4;
  if (variant.dtype != "f32") {
    // Low precision: the database and queries converted once, outside the timed loop (as a stored
    // database would be), searched on this row's ISA's kernels of the type (direct path).
    const Dtype dtype = parse_dtype(variant.dtype).value();
    element_bytes = dtype_bytes(dtype);
    const LowpKernels kernels = lowp_kernels(dtype, variant.isa);
    const LowpProblem problem = prepare_lowp(args, dtype);
    const auto fn = variant.as<KnnSearchLowpFn>();
    for (auto _ : state) {
      result = fn(problem, k, shape.threads, kernels);
      benchmark::DoNotOptimize(result.ids.data());
    }
  } else {
    const auto fn = variant.as<KnnSearchFn>();
    for (auto _ : state) {
      result = fn(args);
      benchmark::DoNotOptimize(result.ids.data());
    }
  }
  // Recall against the exact double-precision search on the f32 data, on the first queries (the
  // reference is slow): for f16/bf16/int8 rows, the conversion's cost in recall.
  KnnArgs sample = args;
  sample.nq = std::min(nq, kRecallQueries);
  const KnnResult truth = knn_search_reference(sample);
  KnnResult head = result;
  head.nq = sample.nq;
  const double recall = knn_recall(head, truth.ids, k, k);

  const double iterations = double(state.iterations());
  using benchmark::Counter;
  state.SetItemsProcessed(static_cast<std::int64_t>(iterations * double(nq)));  // queries/s
  // The database is streamed once per search, in its stored type; the work is 2 nb d FLOPs per query
  // (a GEMM's count).
  state.counters["gbps"] = Counter(iterations * double(nb * d * element_bytes) / 1e9, Counter::kIsRate);
  state.counters["gflops"] =
      Counter(iterations * 2.0 * double(nb) * double(d) * double(nq) / 1e9, Counter::kIsRate);
  state.counters["recall"] = recall;
  state.counters["nq"] = double(nq);
  state.counters["k"] = double(k);
  state.counters["threads"] = shape.threads;
  const std::string isa = variant.reported_isa();
  state.SetLabel("impl=" + variant.impl + " isa=" + isa + " dtype=" + variant.dtype + " size=" + shape.size +
                 " threads=" + std::to_string(shape.threads));
}

}  // namespace

KernelVariant distance_variant(std::string name, Metric metric, Isa isa, unsigned tile, DistanceFn fn) {
  return KernelVariant{.name = std::move(name),
                       .family = "knn",
                       .op = std::string(metric == Metric::l2 ? kL2Op : kIpOp),
                       .dtype = "f32",
                       .isa = isa,
                       .tile = tile,
                       .flops_per_element = metric == Metric::l2 ? 3.0 : 2.0,
                       .bytes_per_element = 4.0,
                       .fn = reinterpret_cast<KernelFn>(fn)};
}

KernelVariant search_variant(std::string name, Isa isa, KnnSearchFn fn) {
  return KernelVariant{.name = std::move(name),
                       .family = "knn_search",
                       .op = "knn_search",
                       .dtype = "f32",
                       .isa = isa,
                       .fn = reinterpret_cast<KernelFn>(fn)};
}

ARMPERF_REGISTER_KERNEL(KernelFamily{
    .name = "knn",
    .description = "k-NN distances: one query against nb x d vectors (L2, IP; f32, f16, bf16, int8)",
    .shapes = distance_shapes,
    .run = distance_bench});
ARMPERF_REGISTER_KERNEL(KernelFamily{.name = "knn_search",
                                     .description = "exact k-NN search: nq queries, nb x d database, top k",
                                     .shapes = search_shapes,
                                     .run = search_bench});

}  // namespace armperf::kernels
