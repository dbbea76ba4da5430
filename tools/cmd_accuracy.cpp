// armperf accuracy [OP|all] [--isa ISA] [--exhaustive] [--json]: per activation op and variant, the
// worst ULP error against the double reference with its input, and the 99.99th percentile — the
// table of XNNPACK's eval tools, as a command. Exit 1 when a variant breaks its bound.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <string>
#include <thread>

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
  std::uint64_t samples = 1 << 22;
  unsigned threads = 0;
};

// A float both exactly (hex) and readably.
std::string show_input(float x) { return fmt::format("{:.9g} ({:a})", x, x); }

nlohmann::json report_json(const kernels::AccuracyReport& r, const KernelVariant& v) {
  nlohmann::json row = {{"op", r.op}, {"variant", r.variant}, {"isa", v.reported_isa()},
                        {"impl", v.impl}, {"bound", r.bound}, {"inputs", r.inputs}, {"pass", r.pass}};
  auto number = [](double d) { return std::isfinite(d) ? nlohmann::json(d) : nlohmann::json(fmt::format("{}", d)); };
  if (r.op == "softmax") {
    row["max_rel"] = number(r.max_rel);
    row["max_rel_input"] = show_input(r.argmax);
    row["max_sum_error_n_eps"] = number(r.max_sum_error);
  } else {
    row["max_ulp"] = number(r.max_ulp);
    row["max_ulp_input"] = show_input(r.argmax);
    row["p9999_ulp"] = number(r.p9999_ulp);
    row["mismatches"] = r.mismatches;
    if (r.max_abs_below > 0 || r.op.starts_with("gelu")) {
      row["max_abs_below_m3"] = number(r.max_abs_below);
      row["max_abs_below_m3_input"] = show_input(r.argmax_abs_below);
    }
  }
  return row;
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
  const auto all = KernelRegistry::instance().variants("activation");
  nlohmann::json rows = nlohmann::json::array();
  bool pass = true;
  for (const auto& op : kernels::activation_ops()) {
    if (o.op != "all" && o.op != op.name) continue;
    std::vector<const KernelVariant*> chosen;
    for (const KernelVariant* v : all) {
      if (v->op != op.name || !selected(*v, o.isa)) continue;
      if (!v->runnable()) {
        if (!o.json) fmt::print("{:<12} {:<28} skipped: {}\n", op.name, v->name, v->skip_reason());
        continue;
      }
      chosen.push_back(v);
    }
    if (chosen.empty()) continue;
    const auto reports = kernels::evaluate_accuracy(op, chosen, sweep);
    for (std::size_t i = 0; i < reports.size(); ++i) {
      pass &= reports[i].pass;
      if (o.json) rows.push_back(report_json(reports[i], *chosen[i]));
      else print_report(reports[i]);
    }
  }
  if (o.json) {
    nlohmann::json out = {{"exhaustive", o.exhaustive}, {"samples", o.exhaustive ? (std::uint64_t{1} << 32) : o.samples},
                          {"results", rows}};
    std::cout << out.dump(2) << "\n";
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
  cmd->add_flag("--json", options.json, "Machine-readable output");
  cmd->callback([&exit_code] { exit_code = run_accuracy(options); });
}

}  // namespace armperf::cli
