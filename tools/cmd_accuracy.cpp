// armperf accuracy [OP|all] [--isa ISA] [--exhaustive] [--json] [--out FILE]: per activation op and
// variant, the worst ULP error against the double reference with its input, and the 99.99th
// percentile — the table of XNNPACK's eval tools, as a command. --out writes the same as result rows
// (suite "accuracy", DESIGN §5) that `armperf report` shows as its accuracy table; --json prints
// those rows. Exit 1 when a variant breaks its bound.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <bit>
#include <cfloat>
#include <cmath>
#include <iostream>
#include <memory>
#include <string>
#include <thread>

#include "core/environment.hpp"
#include "core/isa.hpp"
#include "core/result.hpp"
#include "core/timer.hpp"
#include "core/topology.hpp"
#include "kernels/activation/accuracy.hpp"
#include "kernels/registry.hpp"
#include "tools/cli.hpp"

namespace armperf::cli {
namespace {

struct AccuracyOptions {
  std::string op = "all";
  std::string isa;  // an ISA name or a peer ("libm", "onednn", "xnnpack"); empty: every variant
  bool exhaustive = false;
  bool json = false;
  std::string out;
  std::uint64_t samples = 1 << 22;
  unsigned threads = 0;
};

// A float both exactly (hex) and readably.
std::string show_input(float x) { return fmt::format("{:.9g} ({:a})", x, x); }

// One result row per op and variant. Errors that are not finite (a NaN where the reference is a
// number) cannot be a counter: they are left out and within_bound says false.
ResultRow accuracy_row(const kernels::AccuracyReport& r, const KernelVariant& v, const AccuracyOptions& o,
                       unsigned threads, double seconds) {
  ResultRow row;
  row.name = fmt::format("accuracy/{}/{}", r.op, r.variant);
  row.suite = row_value::accuracy;
  row.op = r.op;
  row.impl = v.impl;
  row.isa = std::string(v.reported_isa());
  row.dtype = "f32";
  row.threads = threads;
  row.iterations = 1;
  // The wall time of the op's sweep, shared by the variants swept together.
  row.real_time = row.cpu_time = seconds;
  row.time_unit = "s";
  const auto put = [&row](const char* key, double value) {
    if (std::isfinite(value)) row.counters[key] = value;
  };
  put(row_key::samples, static_cast<double>(r.inputs));
  if (r.op == "softmax") {
    put(row_key::max_rel_eps, r.max_rel / FLT_EPSILON);
    put(row_key::bound_rel_eps, r.bound_rel / FLT_EPSILON);
    put(row_key::max_sum_error_n_eps, r.max_sum_error);
  } else {
    put(row_key::max_ulp, r.max_ulp);
    put(row_key::p9999_ulp, r.p9999_ulp);
    put(row_key::bound_ulp, r.bound_ulp);
    if (r.bound_ulp == 0) put(row_key::mismatches, static_cast<double>(r.mismatches));
    if (r.bound_abs_below > 0) {
      put(row_key::max_abs_below, r.max_abs_below);
      put(row_key::bound_abs_below, r.bound_abs_below);
    }
  }
  put(row_key::argmax_input, r.argmax);
  row.extra = nlohmann::json::object();
  row.extra[row_key::argmax_input_bits] = fmt::format("0x{:08x}", std::bit_cast<std::uint32_t>(r.argmax));
  row.extra[row_key::exhaustive] = o.exhaustive;
  row.extra[row_key::within_bound] = r.pass;
  row.extra[row_key::bound] = r.bound;
  return row;
}

nlohmann::json accuracy_context(const AccuracyOptions& o) {
  std::vector<std::string> args = {"armperf", "accuracy", o.op};
  if (!o.isa.empty()) args.insert(args.end(), {"--isa", o.isa});
  if (o.exhaustive) args.push_back("--exhaustive");
  else args.insert(args.end(), {"--samples", std::to_string(o.samples)});
  args.insert(args.end(), {"--out", o.out});
  nlohmann::json context = to_json(read_environment("/", args));
  const CpuInfo& cpu = this_cpu();
  context["cpu_model"] = cpu.model;
  context["microarchitecture"] = cpu.microarchitecture;
  context[context_key::topology] = summary_json(Topology::binding().summary());
  return context;
}

void print_report(const kernels::AccuracyReport& r) {
  if (r.op == "softmax") {
    fmt::print("{:<12} {:<28} max rel {:.3g} ({:.2f} eps) at {}  |sum-1| {:.2f} n·eps  {}  {}\n", r.op, r.variant,
               r.max_rel, r.max_rel / 1.1920928955078125e-7, show_input(r.argmax), r.max_sum_error, r.bound,
               r.pass ? "ok" : "FAIL");
    return;
  }
  std::string extra;
  if (r.op.starts_with("gelu")) extra = fmt::format("  abs(x<-3) {:.3g} at {}", r.max_abs_below, show_input(r.argmax_abs_below));
  if (r.mismatches > 0) extra += fmt::format("  {} not bit-exact", r.mismatches);
  fmt::print("{:<12} {:<28} max {:>8.3f} ulp at {:<34} p99.99 {:>6.3f}{}  [{}] {}\n", r.op, r.variant, r.max_ulp,
             show_input(r.argmax), r.p9999_ulp, extra, r.bound, r.pass ? "ok" : "FAIL");
}

bool is_peer(std::string_view name) { return name == "libm" || name == "onednn" || name == "xnnpack"; }

// --isa: empty selects every row, a peer name that peer's rows, an ISA our variants of that ISA.
bool selected(const KernelVariant& v, const std::string& isa) {
  if (isa.empty()) return true;
  if (is_peer(isa)) return v.impl == isa;
  return v.impl == "armperf" && isa_name(v.isa) == isa;
}

int run_accuracy(const AccuracyOptions& o) {
  if (o.op != "all" && kernels::find_activation_op(o.op) == nullptr) {
    std::string names;
    for (const auto& op : kernels::activation_ops()) names += (names.empty() ? "" : ", ") + std::string(op.name);
    throw InputError(fmt::format("accuracy: unknown op '{}': expected all or one of {}", o.op, names));
  }
  if (!o.isa.empty() && !parse_isa(o.isa) && !is_peer(o.isa)) {
    throw InputError(fmt::format("accuracy: --isa '{}': expected an ISA (scalar, neon, sve, avx2, avx512, ...) "
                                 "or a peer (libm, onednn, xnnpack)", o.isa));
  }
  kernels::SweepOptions sweep;
  sweep.exhaustive = o.exhaustive;
  sweep.samples = o.samples;
  sweep.threads = o.threads ? o.threads : std::max(1u, std::thread::hardware_concurrency());
  if (!o.exhaustive) {
    // Where the ops bend (and gelu's -3 split sits), the bit-pattern sample is thin: add a grid.
    constexpr int kGrid = 1 << 18;
    for (int i = -kGrid; i <= kGrid; ++i) sweep.extra_inputs.push_back(16.0f * static_cast<float>(i) / kGrid);
  }
  std::unique_ptr<ResultWriter> writer;
  if (!o.out.empty()) {
    try {
      writer = std::make_unique<ResultWriter>(o.out, accuracy_context(o));
    } catch (const std::exception& e) {
      throw InputError(fmt::format("--out: {}", e.what()));
    }
  }
  const auto all = KernelRegistry::instance().variants("activation");
  nlohmann::json rows = nlohmann::json::array();
  bool pass = true;
  for (const auto& op : kernels::activation_ops()) {
    if (o.op != "all" && o.op != op.name) continue;
    std::vector<const KernelVariant*> chosen;
    for (const KernelVariant* v : all) {
      if (v->op != op.name || !selected(*v, o.isa)) continue;
      if (!v->runnable()) {
        // The row says the variant was not measured here, and why (DESIGN §5 error_message).
        ResultRow row;
        row.name = fmt::format("accuracy/{}/{}", op.name, v->name);
        row.suite = row_value::accuracy;
        row.op = std::string(op.name);
        row.impl = v->impl;
        row.isa = std::string(v->reported_isa());
        row.dtype = "f32";
        row.time_unit = "s";
        row.error_message = v->skip_reason();
        if (writer) writer->append(row);
        if (o.json) rows.push_back(row_to_json(row));
        else fmt::print("{:<12} {:<28} skipped: {}\n", op.name, v->name, v->skip_reason());
        continue;
      }
      chosen.push_back(v);
    }
    if (chosen.empty()) continue;
    const std::uint64_t start = now_ns();
    const auto reports = kernels::evaluate_accuracy(op, chosen, sweep);
    const double seconds = static_cast<double>(now_ns() - start) * 1e-9;
    for (std::size_t i = 0; i < reports.size(); ++i) {
      pass &= reports[i].pass;
      const ResultRow row = accuracy_row(reports[i], *chosen[i], o, sweep.threads, seconds);
      if (writer) writer->append(row);
      if (o.json) rows.push_back(row_to_json(row));
      else print_report(reports[i]);
    }
  }
  if (writer) writer->close();
  if (o.json) {
    nlohmann::json out = {{"exhaustive", o.exhaustive}, {"samples", o.exhaustive ? (std::uint64_t{1} << 32) : o.samples},
                          {"rows", rows}};
    std::cout << out.dump(2) << "\n";
  } else if (writer) {
    fmt::print("wrote {} row(s) to {}\n", writer->rows(), writer->path());
  }
  return pass ? 0 : 1;
}

}  // namespace

void add_accuracy_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("accuracy", "Worst ULP error of every activation variant against a double reference");
  static AccuracyOptions options;
  cmd->add_option("op", options.op, "An activation op (relu, gelu_tanh, ...) or all");
  cmd->add_option("--isa", options.isa, "Only variants of this ISA or peer (avx512, neon, libm, onednn, ...)");
  cmd->add_flag("--exhaustive", options.exhaustive, "All 2^32 float inputs (minutes per op and variant)");
  cmd->add_option("--samples", options.samples, "Inputs of the default sweep, evenly spaced in bit patterns")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 32));
  cmd->add_option("--threads", options.threads, "Worker threads (default: all hardware threads)");
  cmd->add_flag("--json", options.json, "Print the result rows as JSON instead of a table");
  cmd->add_option("--out", options.out, "Also write the rows to this result file (JSON, suite \"accuracy\")");
  cmd->callback([&exit_code] { exit_code = run_accuracy(options); });
}

}  // namespace armperf::cli
