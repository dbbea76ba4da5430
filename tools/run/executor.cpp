#include "tools/run/executor.hpp"

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <regex>

#include "core/result.hpp"
#include "core/topology.hpp"
#include "kernels/benchmarks.hpp"
#include "probes/probe.hpp"
#include "tools/run/binding.hpp"
#include "tools/run/kernel_pmu.hpp"
#include "tools/run/outputs.hpp"
#include "tools/run/row_reporter.hpp"

namespace armperf::run {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// gbench reads its settings from flags only; armperf sets them once per run.
void configure_gbench(const RunPlan& plan) {
  static std::vector<std::string> args;
  args = {"armperf", fmt::format("--benchmark_min_time={}", plan.min_time),
          fmt::format("--benchmark_repetitions={}", plan.repetitions)};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  int argc = static_cast<int>(argv.size());
  benchmark::Initialize(&argc, argv.data());
}

// The gbench filter that selects exactly one registered benchmark (gbench appends "/real_time" to
// the names of benchmarks timed by the wall clock).
std::string exact_filter(const std::string& name) {
  std::string out = "^";
  for (char c : name) {
    if (std::string_view(".^$|()[]{}*+?\\").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out + "(/real_time)?$";
}

std::string item_label(const PlanItem& item) {
  return fmt::format("{} {} @{}", item.kind == PlanItem::Kind::kernel ? "kernel" : "probe", item.name,
                     point_key(item.point));
}

std::string item_key_of(const json& row) {
  const auto it = row.find(kItemKey);
  return it != row.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// A fresh results.json, or the previous run's rows rewritten under a temporary name and moved into
// place, so the old file stays whole until the new one holds everything it held.
ResultWriter open_results(const fs::path& dir, const ExecuteSettings& settings, const PreviousRun* previous) {
  const fs::path path = dir / run_file::results;
  if (previous == nullptr) return ResultWriter(path.string(), settings.context);
  json context = previous->context;
  json& run = context["armperf_run"];
  if (!run.is_object()) run = json::object();
  json resumed = {{"command_line", settings.command_line}};
  if (settings.context.contains(context_key::date)) resumed["date"] = settings.context[context_key::date];
  run["resumed"].push_back(std::move(resumed));
  const fs::path staging = dir / (std::string(run_file::results) + ".resuming");
  ResultWriter writer(staging.string(), context);
  for (const auto& row : previous->rows) writer.append(row_from_json(row));
  fs::rename(staging, path);
  return writer;
}

class Executor {
 public:
  Executor(const RunPlan& plan, const ExecuteSettings& settings, ResultWriter& writer,
           benchmark::BenchmarkReporter* raw)
      : plan_(plan),
        settings_(settings),
        writer_(writer),
        reporter_([this](const ResultRow& row) { append_kernel_row(row); }, raw) {
    if (!plan.pmu_events.empty()) kernel_pmu_ = std::make_unique<KernelPmu>(plan.pmu_events);
  }

  RunOutcome run(const std::vector<std::string>& done) {
    configure_gbench(plan_);
    struct ObserverScope {
      explicit ObserverScope(BenchCallObserver* o) { set_bench_call_observer(o); }
      ~ObserverScope() { set_bench_call_observer(nullptr); }
    } observer_scope(kernel_pmu_.get());
    install_interrupt_flag();
    Progress progress(settings_.progress, settings_.progress_out, plan_.items.size(),
                      plan_.estimated_seconds());
    for (const PlanItem& item : plan_.items) {
      if (interrupted()) break;
      const std::string label = item_label(item);
      if (std::binary_search(done.begin(), done.end(), item.key)) {
        ++outcome_.items_skipped;
        progress.finish(label, "skipped (already in results)", item.estimate_seconds, 0);
        continue;
      }
      progress.start(label);
      const std::size_t rows_before = outcome_.rows_written;
      const auto began = std::chrono::steady_clock::now();
      const std::string status = item.kind == PlanItem::Kind::kernel ? run_kernel(item) : run_probe(item);
      const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
      if (status == "ok") record_timing(item, wall);
      ++outcome_.items_run;
      if (status != "ok") {
        ++outcome_.items_failed;
        outcome_.notes.push_back(label + ": " + status);
      }
      progress.finish(label, status, item.estimate_seconds, outcome_.rows_written - rows_before);
    }
    reporter_.finish();
    outcome_.signal = interrupted();
    if (Topology::binding().is_this_system()) unbind_calling_thread(Topology::binding());
    progress.done(
        fmt::format("{}: {} item(s) run, {} skipped, {} failed, {} row(s) written{}", settings_.out_dir,
                    outcome_.items_run, outcome_.items_skipped, outcome_.items_failed, outcome_.rows_written,
                    outcome_.signal ? fmt::format(" — interrupted by signal {}", outcome_.signal) : ""));
    return outcome_;
  }

 private:
  void append(const ResultRow& row) {
    writer_.append(row);
    ++outcome_.rows_written;
  }

  void append_kernel_row(const ResultRow& measured) {
    if (measured.run_type == RunType::iteration && measured.error_message.empty() && measured.iterations > 0) {
      static const std::map<std::string, double> unit = {{"ns", 1e-9}, {"us", 1e-6}, {"ms", 1e-3}, {"s", 1.0}};
      const auto u = unit.find(measured.time_unit);
      if (u != unit.end()) item_runs_.push_back({measured.iterations, measured.real_time * u->second});
    }
    if (!kernel_pmu_) return append(measured);
    ResultRow row = measured;
    kernel_pmu_->attach(row);
    append(row);
  }

  // Kernels of one sweep point are registered together; a new point re-registers with its thread
  // count and re-binds the calling thread: gbench runs the benchmark on it, and a family's team takes
  // its PUs and memory policy from it (kernels/parallel.hpp).
  void enter_point(const SweepPoint& point) {
    if (registered_ && *registered_ == point) return;
    benchmark::ClearRegisteredBenchmarks();
    BenchPlan sizes = plan_.sizes;
    sizes.threads = point.threads;
    register_kernel_benchmarks(sizes, std::regex(".*"));
    registered_ = point;
    binding_problem_.clear();
    const Topology& topology = Topology::binding();
    if (!topology.is_this_system()) {
      binding_problem_ = "not bound: the topology is a replay (" + topology.source() + ")";
    } else {
      binding_problem_ = bind_calling_thread(topology, point);
    }
    if (!binding_problem_.empty()) outcome_.notes.push_back(point_key(point) + ": " + binding_problem_);
  }

  std::string run_kernel(const PlanItem& item) {
    enter_point(item.point);
    reporter_.set_item(&item);
    item_runs_.clear();
    if (kernel_pmu_) kernel_pmu_->begin_item();
    const std::size_t ran = benchmark::RunSpecifiedBenchmarks(&reporter_, exact_filter(item.name));
    reporter_.set_item(nullptr);
    return ran == 0 ? "error: the benchmark is not registered (its family's shapes changed?)" : "ok";
  }

  std::string run_probe(const PlanItem& item) {
    const Probe* probe = ProbeRegistry::instance().find(item.name);
    if (probe == nullptr) return "error: probe not registered";
    // A probe places its own team; the calling thread must not narrow what the team inherits.
    if (registered_ && Topology::binding().is_this_system()) unbind_calling_thread(Topology::binding());
    registered_.reset();
    ProbeConfig config;
    config.profile = probe_profile(plan_);
    config.threads = item.probe_threads;
    config.placement = item.point.placement;
    config.membind = item.point.membind;
    config.repetitions = probe_repetitions(plan_);
    config.pmu_events = plan_.pmu_events;
    bool sink_failed = false;
    bool cut = false;
    const RowSink sink = [&](const ResultRow& measured) {
      ResultRow row = measured;
      if (row.placement.empty()) row.placement = item.point.placement;
      if (row.membind.empty()) row.membind = item.point.membind;
      if (!row.extra.is_object()) row.extra = json::object();
      row.extra[kItemKey] = item.key;
      try {
        append(row);
      } catch (...) {
        sink_failed = true;
        throw;
      }
      cut = interrupted() != 0;
      return !cut;
    };
    try {
      const ProbeOutcome result = armperf::run_probe(*probe, config, sink);
      for (const auto& note : result.notes) outcome_.notes.push_back(item.name + ": " + note);
    } catch (const std::exception& e) {
      if (sink_failed) throw;
      return fmt::format("error: {}", e.what());
    }
    if (cut || interrupted()) {
      write_interrupted_item(item.key);
      return "interrupted";
    }
    return "ok";
  }

  // What the item took, for the next plan's estimate: a kernel's time per iteration and the set-up
  // per call (the wall time gbench's timed iterations do not explain), a probe's wall time.
 public:
  Timings measured_timings;

 private:
  void record_timing(const PlanItem& item, double wall) {
    if (item.kind == PlanItem::Kind::probe) {
      measured_timings.probes[item.timing_key] = wall;
      return;
    }
    if (item_runs_.empty()) return;
    std::vector<double> per_iteration;
    double timed = 0;
    for (const auto& [iterations, seconds] : item_runs_) {
      per_iteration.push_back(seconds);
      timed += double(iterations) * seconds;
    }
    std::sort(per_iteration.begin(), per_iteration.end());
    KernelTiming timing;
    timing.iteration_seconds = per_iteration[per_iteration.size() / 2];
    const int calls = kernel_calls(timing.iteration_seconds, int(item_runs_.size()), plan_.min_time);
    timing.setup_seconds = std::max(0.0, wall - 1.12 * timed) / calls;  // 1.12: the calibration calls
    measured_timings.kernels[item.timing_key] = timing;
  }

  void write_interrupted_item(const std::string& key) {
    std::ofstream out(fs::path(settings_.out_dir) / run_file::state, std::ios::trunc);
    out << json{{"interrupted_item", key}}.dump() << "\n";
  }

  const RunPlan& plan_;
  const ExecuteSettings& settings_;
  ResultWriter& writer_;
  RowReporter reporter_;
  RunOutcome outcome_;
  std::unique_ptr<KernelPmu> kernel_pmu_;  // with --pmu
  std::vector<std::pair<std::int64_t, double>> item_runs_;  // the running kernel item: iterations, s/iteration
  std::optional<SweepPoint> registered_;
  std::string binding_problem_;
};

}  // namespace

PreviousRun read_previous_run(const std::string& out_dir) {
  const fs::path dir(out_dir);
  const fs::path results = dir / run_file::results;
  if (!fs::exists(results)) {
    throw std::runtime_error(fmt::format(
        "{}: no results to resume (expected a directory written by armperf run)", results.string()));
  }
  ResultFile file = read_results(results.string());
  std::string cut_item;
  if (std::ifstream state(dir / run_file::state); state) {
    try {
      cut_item = json::parse(state).value("interrupted_item", "");
    } catch (const json::exception& e) {
      throw std::runtime_error(fmt::format("{}: {}", (dir / run_file::state).string(), e.what()));
    }
  }
  PreviousRun previous;
  previous.context = std::move(file.context);
  for (auto& row : file.benchmarks) {
    const std::string key = item_key_of(row);
    if (!cut_item.empty() && key == cut_item) continue;
    if (!key.empty()) previous.done.push_back(key);
    previous.rows.push_back(std::move(row));
  }
  std::sort(previous.done.begin(), previous.done.end());
  previous.done.erase(std::unique(previous.done.begin(), previous.done.end()), previous.done.end());
  return previous;
}

RunOutcome execute(const RunPlan& plan, const ExecuteSettings& settings) {
  const fs::path dir(settings.out_dir);
  fs::create_directories(dir);
  std::optional<PreviousRun> previous;
  if (settings.resume) previous = read_previous_run(settings.out_dir);
  ResultWriter writer = open_results(dir, settings, previous ? &*previous : nullptr);
  fs::remove(dir / run_file::state);

  // gbench's own JSON of the runs made now; a resumed run does not overwrite the earlier one's.
  fs::path raw_path = dir / run_file::gbench_raw;
  for (int n = 1; settings.resume && fs::exists(raw_path); ++n) {
    raw_path = dir / fmt::format("gbench-raw.{}.json", n);
  }
  std::ofstream raw_out(raw_path, std::ios::trunc);
  benchmark::JSONReporter raw;
  raw.SetOutputStream(&raw_out);

  Executor executor(plan, settings, writer, &raw);
  RunOutcome outcome = executor.run(previous ? previous->done : std::vector<std::string>{});
  save_timings(settings.timings_path, executor.measured_timings);
  raw_out.close();
  std::error_code ec;  // a raw file that cannot be sized (removed under us) is not worth failing the run
  if (fs::file_size(raw_path, ec) == 0 && !ec) fs::remove(raw_path, ec);  // nothing ran through gbench
  writer.close();
  write_derived_files(settings.out_dir, settings.command_line, outcome.notes);
  return outcome;
}

}  // namespace armperf::run
