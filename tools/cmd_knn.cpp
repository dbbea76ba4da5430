// armperf knn: exact k-NN search on a user's vectors (.fvecs/.bvecs/.npy; ground truth .ivecs) or on a
// generated data set, timed, with recall@k against a ground truth; --write-groundtruth saves the
// result as .ivecs. Runs our search at the widest ISA this machine enables.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <iostream>
#include <limits>
#include <optional>
#include <random>
#include <regex>
#include <string>
#include <vector>

#include "core/environment.hpp"
#include "core/isa.hpp"
#include "core/result.hpp"
#include "kernels/knn/knn.hpp"
#include "kernels/knn/lowp.hpp"
#include "kernels/knn/vector_files.hpp"
#include "kernels/registry.hpp"
#include "tools/cli.hpp"

namespace armperf::cli {
namespace {

using kernels::KnnArgs;
using kernels::KnnResult;
using kernels::VectorSet;

struct KnnOptions {
  std::string base, query, groundtruth, generate, write_groundtruth, out;
  std::string metric = "l2";
  std::string dtype = "f32";
  std::string path = "auto";
  std::int64_t k = 10;
  int threads = 1;
  int repetitions = 1;
  bool json = false;
};

struct Generated {
  std::int64_t nb = 0, d = 0, nq = 0;
  unsigned seed = 1;
};

// "nb=100000,d=128,nq=1000[,seed=7]"
Generated parse_generate(const std::string& text) {
  Generated g;
  const std::regex item(R"(\s*(nb|d|nq|seed)\s*=\s*(\d{1,12})\s*)");
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = text.find(',', start);
    const std::string part =
        text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    std::smatch m;
    if (!std::regex_match(part, m, item)) {
      throw InputError(
          fmt::format("--generate \"{}\": item \"{}\", expected nb=N, d=N, nq=N or seed=N", text, part));
    }
    const auto value = std::stoll(m[2]);
    if (m[1] == "nb") g.nb = value;
    if (m[1] == "d") g.d = value;
    if (m[1] == "nq") g.nq = value;
    if (m[1] == "seed") g.seed = static_cast<unsigned>(value);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (g.nb < 1 || g.d < 1 || g.nq < 1) {
    throw InputError(fmt::format("--generate \"{}\": expected nb, d and nq, each >= 1", text));
  }
  return g;
}

VectorSet uniform(std::int64_t n, std::int64_t d, std::mt19937& rng) {
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  VectorSet set{n, d, std::vector<float>(static_cast<std::size_t>(n * d))};
  for (float& x : set.data) x = dist(rng);
  return set;
}

VectorSet read(const std::string& path) {
  try {
    return kernels::read_vectors(path);
  } catch (const kernels::VectorFileError& e) {
    throw InputError(e.what());
  }
}

// Our search row at the widest ISA enabled here (ARMPERF_MAX_ISA applies).
const KernelVariant& best_search_variant() {
  const KernelVariant* best = nullptr;
  for (const KernelVariant* v : KernelRegistry::instance().variants("knn_search")) {
    if (v->impl != "armperf" || v->dtype != "f32" || !v->runnable()) continue;
    if (best == nullptr || isa_rank(v->isa) > isa_rank(best->isa)) best = v;
  }
  if (best == nullptr) throw std::runtime_error("knn: no search variant of this build runs on this machine");
  return *best;
}

struct Outcome {
  KnnResult result;
  double seconds = 0;  // best of the repetitions
};

Outcome timed_search(const KernelVariant& variant, const KnnArgs& args, int repetitions) {
  Outcome outcome;
  outcome.seconds = std::numeric_limits<double>::infinity();
  for (int r = 0; r < repetitions; ++r) {
    const auto start = std::chrono::steady_clock::now();
    outcome.result = variant.as<kernels::KnnSearchFn>()(args);
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    outcome.seconds = std::min(outcome.seconds, elapsed.count());
  }
  return outcome;
}

void run_knn(const KnnOptions& o, int& exit_code) {
  const CpuInfo& cpu = this_cpu();
  if (!cpu.cap_error.empty()) throw InputError(cpu.cap_error);
  const auto metric = kernels::parse_metric(o.metric);
  if (!metric) throw InputError(fmt::format("--metric \"{}\": expected l2, ip or cosine", o.metric));
  const auto dtype = kernels::parse_dtype(o.dtype);
  if (!dtype) throw InputError(fmt::format("--dtype \"{}\": expected f32, f16, bf16 or int8", o.dtype));
  const bool lowp = *dtype != kernels::Dtype::f32;
  const auto path = o.path == "auto"     ? std::optional(kernels::KnnPath::automatic)
                    : o.path == "direct" ? std::optional(kernels::KnnPath::direct)
                    : o.path == "gemm"   ? std::optional(kernels::KnnPath::gemm)
                                         : std::nullopt;
  if (!path) throw InputError(fmt::format("--path \"{}\": expected auto, direct or gemm", o.path));
  if (lowp && *path == kernels::KnnPath::gemm) {
    throw InputError(fmt::format("--path gemm: the GEMM formulation searches f32 only, not --dtype {}", o.dtype));
  }
  if (o.k < 1) throw InputError(fmt::format("--k {}: expected k >= 1", o.k));
  if (o.threads < 1) throw InputError(fmt::format("--threads {}: expected >= 1", o.threads));

  VectorSet base, query;
  std::string source;
  if (!o.generate.empty()) {
    if (!o.base.empty() || !o.query.empty())
      throw InputError("--generate replaces --base and --query: give one or the other");
    const Generated g = parse_generate(o.generate);
    std::mt19937 rng(g.seed);
    base = uniform(g.nb, g.d, rng);
    query = uniform(g.nq, g.d, rng);
    source = fmt::format("generated uniform [-1, 1], seed {}", g.seed);
  } else {
    if (o.base.empty() || o.query.empty())
      throw InputError("expected --base FILE and --query FILE, or --generate");
    base = read(o.base);
    query = read(o.query);
    if (query.d != base.d) {
      throw InputError(fmt::format("{}: record 0: dimension {}, expected {} (the dimension of {})", o.query,
                                   query.d, base.d, o.base));
    }
    source = o.base;
  }

  const KernelVariant& variant = best_search_variant();
  const KnnArgs args{.metric = *metric,
                     .base = base.data.data(),
                     .nb = base.n,
                     .query = query.data.data(),
                     .nq = query.n,
                     .d = base.d,
                     .k = o.k,
                     .threads = o.threads,
                     .path = *path};
  Outcome outcome;
  std::optional<double> recall_f32;  // low-precision searches: recall@k against the exact f32 search
  std::string variant_name = variant.name, isa(isa_name(variant.isa));
  try {
    if (lowp) {
      // Converted once, outside the timing (as a database would be stored); the f32 search runs too,
      // untimed, as the reference the recall is measured against.
      const kernels::LowpKernels chosen = kernels::lowp_kernels(*dtype);
      const kernels::LowpProblem problem = kernels::prepare_lowp(args, *dtype);
      const KernelVariant& kernel = *metric == kernels::Metric::l2 ? *chosen.l2 : *chosen.ip;
      variant_name = kernel.name;
      isa = isa_name(kernel.isa);
      outcome.seconds = std::numeric_limits<double>::infinity();
      for (int r = 0; r < o.repetitions; ++r) {
        const auto start = std::chrono::steady_clock::now();
        outcome.result = kernels::knn_search_lowp(problem, o.k, o.threads, chosen);
        const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
        outcome.seconds = std::min(outcome.seconds, elapsed.count());
      }
      const KnnResult exact = timed_search(variant, args, 1).result;
      recall_f32 = kernels::knn_recall(outcome.result, exact.ids, exact.k, o.k);
    } else {
      outcome = timed_search(variant, args, o.repetitions);
    }
  } catch (const std::invalid_argument& e) {
    throw InputError(fmt::format("{}: {}", o.query.empty() ? "generated queries" : o.query, e.what()));
  }

  std::optional<double> recall;
  if (!o.groundtruth.empty()) {
    kernels::IdSet truth;
    try {
      truth = kernels::read_ivecs(o.groundtruth);
    } catch (const kernels::VectorFileError& e) {
      throw InputError(e.what());
    }
    if (truth.n != query.n) {
      throw InputError(fmt::format("{}: {} ground-truth rows, expected {} (one per query)", o.groundtruth,
                                   truth.n, query.n));
    }
    if (truth.k < o.k) {
      throw InputError(
          fmt::format("{}: record 0: {} neighbours, expected at least k={}", o.groundtruth, truth.k, o.k));
    }
    recall = kernels::knn_recall(outcome.result, truth.ids, truth.k, o.k);
  }
  if (!o.write_groundtruth.empty()) {
    try {
      kernels::write_ivecs(o.write_groundtruth, {outcome.result.nq, outcome.result.k, outcome.result.ids});
    } catch (const kernels::VectorFileError& e) {
      throw InputError(fmt::format("--write-groundtruth: {}", e.what()));
    }
  }

  const double qps = double(query.n) / outcome.seconds;
  // The database is streamed once per search, in its stored type.
  const double database_bytes = double(base.n) * double(base.d) * double(kernels::dtype_bytes(*dtype));
  const double gbps = database_bytes / outcome.seconds / 1e9;
  const std::string size = fmt::format("{}x{}", base.n, base.d);

  if (!o.out.empty()) {
    ResultRow row;
    row.name = fmt::format("knn/{}/{}/nq:{}/k:{}", variant_name, size, query.n, o.k);
    row.threads = o.threads;
    row.iterations = o.repetitions;
    row.real_time = outcome.seconds;
    row.cpu_time = outcome.seconds;
    row.time_unit = "s";
    row.suite = row_value::kernel;
    row.op = "knn_search";
    row.impl = variant.impl;
    row.isa = isa;
    row.dtype = o.dtype;
    row.size = size;
    row.gbps = gbps;
    row.gflops = 2.0 * double(base.n) * double(base.d) * double(query.n) / outcome.seconds / 1e9;
    row.counters = {{"items_per_second", qps}, {"nq", double(query.n)}, {"k", double(o.k)}};
    if (recall) row.counters["recall"] = *recall;
    if (recall_f32) row.counters["recall_vs_f32"] = *recall_f32;
    try {
      ResultWriter writer(o.out, to_json(read_environment("/", {"armperf", "knn"})));
      writer.append(row);
      writer.close();
    } catch (const std::exception& e) {
      throw InputError(fmt::format("--out: {}", e.what()));
    }
  }

  if (o.json) {
    nlohmann::json j = {{"op", "knn_search"},
                        {"variant", variant_name},
                        {"impl", variant.impl},
                        {"isa", isa},
                        {"dtype", o.dtype},
                        {"metric", o.metric},
                        {"size", size},
                        {"nb", base.n},
                        {"d", base.d},
                        {"nq", query.n},
                        {"k", o.k},
                        {"threads", o.threads},
                        {"path", std::string(kernels::path_name(outcome.result.path))},
                        {"seconds", outcome.seconds},
                        {"items_per_second", qps},
                        {"gbps", gbps},
                        {"source", source}};
    if (recall) j["recall"] = *recall;
    if (recall_f32) j["recall_vs_f32"] = *recall_f32;
    std::cout << j.dump(2) << "\n";
  } else {
    fmt::print("knn {} x {} ({}), {} queries, k={}, metric {}, dtype {}, {} ({}), {} thread(s), {} path\n",
               base.n, base.d, source, query.n, o.k, o.metric, o.dtype, variant_name, isa, o.threads,
               kernels::path_name(outcome.result.path));
    fmt::print("search {:.4f} s: {:.1f} queries/s, {:.2f} GB/s (the {:.1f} MB database streamed once)\n",
               outcome.seconds, qps, gbps, database_bytes / 1e6);
    if (recall) fmt::print("recall@{} {:.4f} (ground truth {})\n", o.k, *recall, o.groundtruth);
    if (recall_f32) fmt::print("recall@{} {:.4f} vs the exact f32 search\n", o.k, *recall_f32);
    if (!o.write_groundtruth.empty())
      fmt::print("wrote ground truth ({} x {}) to {}\n", query.n, o.k, o.write_groundtruth);
    if (!o.out.empty()) fmt::print("wrote 1 row to {}\n", o.out);
  }
  exit_code = 0;
}

}  // namespace

void add_knn_command(CLI::App& app, int& exit_code) {
  auto* cmd =
      app.add_subcommand("knn", "Exact k-NN search on your vectors (.fvecs/.bvecs/.npy) or generated ones");
  static KnnOptions options;
  cmd->add_option("--base", options.base, "Database vectors: .fvecs, .bvecs or .npy (float32, 2-D)");
  cmd->add_option("--query", options.query, "Query vectors, same formats and dimension");
  cmd->add_option("--groundtruth", options.groundtruth, "True neighbour ids (.ivecs), for recall@k");
  cmd->add_option("--generate", options.generate,
                  "A uniform random data set instead: nb=N,d=N,nq=N[,seed=N]");
  cmd->add_option("--k", options.k, "Neighbours per query");
  cmd->add_option("--metric", options.metric, "l2, ip or cosine");
  cmd->add_option("--dtype", options.dtype,
                  "Stored type of database and queries: f32, f16, bf16 or int8 (converted from f32: f16/bf16 "
                  "round to nearest even, int8 one symmetric scale max|base|/127). Not f32: the direct path "
                  "only (GEMM is f32-only); recall@k against the exact f32 search is printed");
  cmd->add_option("--threads", options.threads, "Threads of the search");
  cmd->add_option(
      "--path", options.path,
      "auto, direct (distance kernels + top-k per query) or gemm (||x||^2 + ||y||^2 - 2 x.y by sgemm)");
  cmd->add_option("--repetitions", options.repetitions, "Searches to time; the best is reported")
      ->check(CLI::Range(1, 1000));
  cmd->add_option("--write-groundtruth", options.write_groundtruth, "Write the result's ids as .ivecs");
  cmd->add_option("--out", options.out, "Write the result row to this result file (JSON)");
  cmd->add_flag("--json", options.json, "Print the result as JSON");
  cmd->callback([&exit_code] { run_knn(options, exit_code); });
}

}  // namespace armperf::cli
