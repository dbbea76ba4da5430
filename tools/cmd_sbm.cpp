// armperf sbm: the spectral clustering pipeline (issue 8) on a generated SBM or on the user's graph,
// timed per step and scored against a truth file: generate/read -> embed -> cluster -> score.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <iostream>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/environment.hpp"
#include "core/isa.hpp"
#include "core/result.hpp"
#include "core/timer.hpp"
#include "core/topology.hpp"
#include "kernels/spectral/graph_io.hpp"
#include "kernels/spectral/pipeline.hpp"
#include "kernels/spectral/sbm.hpp"
#include "tools/cli.hpp"

namespace armperf::cli {
namespace {

using namespace armperf::kernels::spectral;

struct SbmOptions {
  std::string generate;
  std::string graph;
  std::string truth;
  int k = 0;
  std::string op = "bethe-hessian";
  int threads = 0;
  std::string isa;
  double tol = 1e-4;
  std::uint64_t seed = 1;
  std::string write_graph;
  std::string write_truth;
  std::string out;
  bool json = false;
};

// The pipeline row of the chosen ISA: --isa, or the widest this machine runs. A named ISA the
// machine cannot run is an error with the reason, never replaced by another.
const KernelVariant& pipeline_variant(const std::string& isa) {
  const KernelVariant* best = nullptr;
  for (const KernelVariant* v : KernelRegistry::instance().variants(kFamily)) {
    if (v->op != kOpPipeline) continue;
    if (!isa.empty()) {
      if (isa_name(v->isa) != isa) continue;
      if (!v->runnable()) throw InputError(fmt::format("--isa {}: {}", isa, v->skip_reason()));
      return *v;
    }
    if (v->runnable() && (best == nullptr || isa_rank(v->isa) > isa_rank(best->isa))) best = v;
  }
  if (!isa.empty())
    throw InputError(fmt::format("--isa {}: no spectral kernels for that ISA in this build", isa));
  if (best == nullptr) throw InputError("no runnable spectral pipeline in this build");
  return *best;
}

struct Input {
  Index n = 0;
  Csr csr;                      // the whole graph (or its last stage)
  std::optional<SbmGraph> sbm;  // generated
  std::vector<Index> truth;
  bool have_truth = false;
  double load_seconds = 0;  // generating or reading
  std::string description;
};

Input load_input(const SbmOptions& o, int threads) {
  Input in;
  const std::uint64_t t0 = now_ns();
  try {
    if (!o.generate.empty()) {
      SbmParams params = parse_sbm_spec(o.generate);
      params.threads = threads;
      in.sbm = generate_sbm(params);
      in.n = in.sbm->n;
      in.truth = in.sbm->truth;
      in.have_truth = true;
      in.description = fmt::format("generated SBM {} (mean degree {:.2f} expected)", o.generate,
                                   params.block_fractions.empty() && params.degree_exponent == 0
                                       ? sbm_expected_degree(params)
                                       : double(2 * in.sbm->edges.size()) / in.n);
    } else {
      const GraphFile file = read_graph(o.graph);
      in.n = file.n;
      if (!o.truth.empty()) {
        in.truth = read_truth(o.truth, in.n);
        in.have_truth = true;
      }
      in.csr = csr_from_edges(in.n, file.edges, file.weighted, INT32_MAX, threads);
      in.description = fmt::format("{} ({}{} edges as listed)", o.graph, file.weighted ? "weighted, " : "",
                                   file.edges.size());
    }
    if (!o.generate.empty() && !o.truth.empty()) {
      Index n = in.n;
      in.truth = read_truth(o.truth, n);
      if (n != in.n)
        throw std::invalid_argument(fmt::format("{}: names node {} of a {}-node graph", o.truth, n, in.n));
    }
  } catch (const std::invalid_argument& e) {
    throw InputError(e.what());
  }
  in.load_seconds = double(now_ns() - t0) * 1e-9;
  return in;
}

ResultRow pipeline_row(const KernelVariant& v, const Input& in, const CsrRef& a, const PipelineResult& r,
                       int threads, double build_seconds, const std::string& suffix) {
  ResultRow row;
  row.name = fmt::format("{}/{}{}", v.name, in.n, suffix);
  row.suite = row_value::kernel;
  row.op = v.op;
  row.impl = v.impl;
  row.isa = v.reported_isa();
  row.dtype = v.dtype;
  row.threads = threads;
  row.iterations = 1;
  row.time_unit = "s";
  row.size = std::to_string(in.n);
  const double total = r.seconds.operator_setup + r.seconds.embed + r.seconds.cluster + r.seconds.score;
  row.real_time = row.cpu_time = total;
  row.counters = {{"nnz", a.nnz()},
                  {"k", r.k},
                  {"load_s", in.load_seconds},
                  {"build_s", build_seconds},
                  {"setup_s", r.seconds.operator_setup},
                  {"embed_s", r.seconds.embed},
                  {"cluster_s", r.seconds.cluster},
                  {"score_s", r.seconds.score},
                  {"matvecs", r.eigs.matvecs},
                  {"kmeans_iterations", r.kmeans.total_iterations}};
  if (r.scores) {
    row.counters["accuracy"] = r.scores->accuracy;
    row.counters["ari"] = r.scores->ari;
    row.counters["nmi"] = r.scores->nmi;
  }
  return row;
}

void print_result(const std::string& heading, const CsrRef& a, const PipelineResult& r, double build_seconds,
                  const SbmOptions& o) {
  fmt::print("{}\n", heading);
  fmt::print("  graph      {} nodes, {} stored entries (mean degree {:.2f})\n", a.n, a.nnz(),
             double(a.nnz()) / a.n);
  fmt::print("  operator   {}{}\n", o.op, r.r > 0 ? fmt::format(" (r = {:.4f})", r.r) : "");
  fmt::print("  k          {} ({})\n", r.k, r.k_source);
  fmt::print("  build      {:10.4f} s  (CSR)\n", build_seconds);
  fmt::print("  setup      {:10.4f} s  (operator)\n", r.seconds.operator_setup);
  fmt::print("  embed      {:10.4f} s  ({} matvecs, {} restarts, {})\n", r.seconds.embed, r.eigs.matvecs,
             r.eigs.restarts, r.eigs.converged ? "converged" : "NOT converged");
  fmt::print("  cluster    {:10.4f} s  ({} Lloyd iterations)\n", r.seconds.cluster,
             r.kmeans.total_iterations);
  if (r.scores) {
    fmt::print("  score      {:10.4f} s\n", r.seconds.score);
    fmt::print("  accuracy {:.4f}  ari {:.4f}  nmi {:.4f}\n", r.scores->accuracy, r.scores->ari,
               r.scores->nmi);
  }
}

void run_sbm(const SbmOptions& o, int& exit_code) {
  const CpuInfo& cpu = this_cpu();
  if (!cpu.cap_error.empty()) throw InputError(cpu.cap_error);
  if (o.generate.empty() == o.graph.empty()) throw InputError("give exactly one of --generate and --graph");
  OperatorKind op;
  try {
    op = parse_operator(o.op);
  } catch (const std::invalid_argument& e) {
    throw InputError(e.what());
  }
  const int threads = o.threads > 0 ? o.threads : std::max(1, Topology::binding().summary().cores);
  const KernelVariant& variant = pipeline_variant(o.isa);
  const SpectralKernels& kernels = variant.as<SpectralKernelsFn>()();

  Input in = load_input(o, threads);
  if (!o.write_graph.empty() || !o.write_truth.empty()) {
    if (!in.sbm) throw InputError("--write-graph/--write-truth need --generate");
    try {
      if (!o.write_graph.empty()) write_edge_tsv(o.write_graph, in.sbm->edges);
      if (!o.write_truth.empty()) write_truth(o.write_truth, in.sbm->truth);
    } catch (const std::invalid_argument& e) {
      throw InputError(e.what());
    }
  }

  std::unique_ptr<ResultWriter> writer;
  if (!o.out.empty()) {
    nlohmann::json context = to_json(read_environment("/", {"armperf", "sbm"}));
    context[context_key::topology] = summary_json(Topology::binding().summary());
    try {
      writer = std::make_unique<ResultWriter>(o.out, context);
    } catch (const std::exception& e) {
      throw InputError(fmt::format("--out: {}", e.what()));
    }
  }
  if (!o.json) {
    fmt::print("sbm: {}\n", in.description);
    fmt::print("  load       {:10.4f} s  ({})\n", in.load_seconds, in.sbm ? "generate" : "read");
    fmt::print("  kernels    {} ({} threads)\n", variant.name, threads);
  }
  const int stages = in.sbm ? in.sbm->stages : 1;
  nlohmann::json rows = nlohmann::json::array();
  std::optional<PipelineResult> previous;
  for (int stage = 0; stage < stages; ++stage) {
    const std::uint64_t t0 = now_ns();
    if (in.sbm) in.csr = sbm_csr(*in.sbm, stage, threads);
    const double build_seconds = double(now_ns() - t0) * 1e-9;
    PipelineOptions po{.op = op, .k = o.k, .tol = o.tol, .threads = threads, .seed = o.seed};
    if (previous) po.warm_start = &previous->eigs;
    PipelineResult r;
    try {
      r = run_pipeline(in.csr.ref(), in.have_truth ? &in.truth : nullptr, po, kernels);
    } catch (const std::invalid_argument& e) {
      throw InputError(e.what());
    }
    const std::string suffix = stages > 1 ? fmt::format("/stage:{}", stage + 1) : "";
    const ResultRow row = pipeline_row(variant, in, in.csr.ref(), r, threads, build_seconds, suffix);
    if (writer) writer->append(row);
    if (o.json) {
      rows.push_back(row_to_json(row));
    } else {
      print_result(stages > 1 ? fmt::format("stage {} of {}", stage + 1, stages) : std::string("result"),
                   in.csr.ref(), r, build_seconds, o);
    }
    previous = std::move(r);
  }
  if (writer) writer->close();
  if (o.json) std::cout << nlohmann::json{{"rows", rows}}.dump(2) << "\n";
  if (writer && !o.json) fmt::print("wrote {} row(s) to {}\n", writer->rows(), writer->path());
  exit_code = 0;
}

}  // namespace

void add_sbm_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "sbm", "Spectral clustering of a generated SBM or of a graph file: per-step times, accuracy/ARI/NMI");
  static SbmOptions o;
  auto* generate =
      cmd->add_option("--generate", o.generate,
                      "n=..,k=..,a=..,b=..[,seed=..][,theta=EXP][,sizes=W1:W2..][,stages=S][,log=1] "
                      "(p = a/n, q = b/n; or p=..,q=..)");
  auto* graph = cmd->add_option(
      "--graph", o.graph, "Edge list: TSV 'src dst [weight]' (1-based ids, symmetrised) or Matrix Market");
  generate->excludes(graph);
  cmd->add_option("--truth", o.truth, "TSV 'node block' (1-based) to score against");
  cmd->add_option("--k", o.k, "Clusters (default: from the truth, else estimated)")
      ->check(CLI::Range(1, 1 << 20));
  cmd->add_option("--operator", o.op, "adjacency, normalized or bethe-hessian");
  cmd->add_option("--threads", o.threads, "Worker threads (default: every core)")
      ->check(CLI::Range(1, 1 << 16));
  cmd->add_option("--isa", o.isa,
                  "Kernel ISA: scalar, neon, sve, avx2, avx512 (default: the widest enabled)");
  cmd->add_option("--tol", o.tol, "Eigensolver tolerance (relative residual)")->check(CLI::Range(1e-9, 1e-1));
  cmd->add_option("--seed", o.seed, "Seed of the eigensolver start vector and k-means");
  cmd->add_option("--write-graph", o.write_graph, "Write the generated graph here as TSV (1-based 'u v 1')");
  cmd->add_option("--write-truth", o.write_truth, "Write the generated blocks here as TSV ('node block')");
  cmd->add_option("--out", o.out, "Write the pipeline rows to this result file (JSON)");
  cmd->add_flag("--json", o.json, "Print the rows as JSON instead of text");
  cmd->callback([&exit_code] { run_sbm(o, exit_code); });
}

}  // namespace armperf::cli
