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
#include <set>

#include "core/result.hpp"
#include "core/siblings.hpp"
#include "core/topology.hpp"
#include "kernels/benchmarks.hpp"
#include "probes/probe.hpp"
#include "tools/run/aggregates.hpp"
#include "tools/run/binding.hpp"
#include "tools/run/kernel_pmu.hpp"
#include "tools/run/outputs.hpp"
#include "tools/run/row_reporter.hpp"

namespace armperf::run {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// gbench reads its settings from flags only; armperf sets them before each call (an interleaved
// run measures one repetition per call, a resumed item what it lacks, and only some items warm up).
void configure_gbench(double min_time, int repetitions, bool warm_up) {
  static std::vector<std::string> args;
  // A warm-up of any positive time is one untimed iteration, with its own set-up (PlanItem::warm_up).
  args = {"armperf", fmt::format("--benchmark_min_time={}", min_time),
          fmt::format("--benchmark_repetitions={}", repetitions),
          fmt::format("--benchmark_min_warmup_time={}", warm_up ? 1e-9 : 0.0)};
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
  json& run = context[context_key::run];
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
        reporter_([this](const ResultRow& row, const PlanItem& item) { append_kernel_row(row, item); }, raw) {
    if (!plan.pmu_events.empty()) kernel_pmu_ = std::make_unique<KernelPmu>(plan.pmu_events);
  }

  RunOutcome run(const PreviousRun* previous) {
    const std::vector<std::string> done = previous != nullptr ? previous->done : std::vector<std::string>{};
    if (previous != nullptr) {
      for (const auto& [key, rows] : previous->partial) kernels_[key].rows = rows;
    }
    struct ObserverScope {
      explicit ObserverScope(BenchCallObserver* o) { set_bench_call_observer(o); }
      ~ObserverScope() { set_bench_call_observer(nullptr); }
    } observer_scope(kernel_pmu_.get());
    install_interrupt_flag();
    const int rounds = plan_.interleaved ? plan_.repetitions : 1;
    std::size_t calls = 0;
    double estimate = 0;
    for (const PlanItem& item : plan_.items) {
      const bool skipped = std::binary_search(done.begin(), done.end(), item.key);
      calls += skipped ? 1 : std::size_t(calls_left(item));
      estimate += skipped ? item.estimate_seconds : calls_left(item) * call_estimate(item);
    }
    Progress progress(settings_.progress, settings_.progress_out, calls, estimate);
    for (int round = 0; round < rounds && !interrupted(); ++round) {
      for (const PlanItem& item : plan_.items) {
        if (interrupted()) break;
        if (std::binary_search(done.begin(), done.end(), item.key)) {
          if (round > 0) continue;
          ++outcome_.items_skipped;
          progress.finish(item_label(item), "skipped (already in results)", item.estimate_seconds, 0);
          continue;
        }
        if (item.kind == PlanItem::Kind::probe) {
          if (round == 0) run_call(item, round, progress);
          continue;
        }
        // A kernel item runs once per round until it has its repetitions; a resumed one joins at the
        // round it got to. Once a repetition failed, the rounds it would have run count as skipped.
        if (plan_.interleaved && repetitions_of(item) > round) continue;
        if (kernels_[item.key].failed) {
          progress.finish(call_label(item, round), "skipped (an earlier repetition failed)",
                          call_estimate(item), 0);
        } else if (calls_left(item) > 0) {
          run_call(item, round, progress);
        }
      }
    }
    for (const PlanItem& item : plan_.items) {
      if (item.kind == PlanItem::Kind::kernel) append_aggregates_when_complete(item);
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
  // A kernel item's repetitions so far (this run's and, resumed, the previous run's).
  struct KernelItemRows {
    std::vector<ResultRow> rows;  // iteration rows, errors included
    bool failed = false;          // a repetition failed or the call ran nothing: no more calls
    bool aggregated = false;
  };

  int repetitions_of(const PlanItem& item) {
    const auto it = kernels_.find(item.key);
    return it == kernels_.end() ? 0 : static_cast<int>(it->second.rows.size());
  }

  // Calls of gbench the item still needs: a kernel item one per missing repetition when interleaved,
  // otherwise one; a probe one.
  int calls_left(const PlanItem& item) {
    if (item.kind == PlanItem::Kind::probe) return 1;
    const auto it = kernels_.find(item.key);
    if (it != kernels_.end() && it->second.failed) return 0;
    const int missing = std::max(0, plan_.repetitions - repetitions_of(item));
    return plan_.interleaved ? missing : std::min(missing, 1);
  }

  // Repetitions a kernel item's next call measures: one when interleaved, else all it still lacks.
  int call_repetitions(const PlanItem& item) {
    return plan_.interleaved ? 1 : std::max(0, plan_.repetitions - repetitions_of(item));
  }

  // A call's share of its item's estimate.
  double call_estimate(const PlanItem& item) {
    if (item.kind == PlanItem::Kind::probe) return item.estimate_seconds;
    return item.estimate_seconds * call_repetitions(item) / plan_.repetitions;
  }

  std::string call_label(const PlanItem& item, int round) {
    const bool per_round = plan_.interleaved && item.kind == PlanItem::Kind::kernel;
    return item_label(item) + (per_round ? fmt::format(" (round {}/{})", round + 1, plan_.repetitions) : "");
  }

  void run_call(const PlanItem& item, int round, Progress& progress) {
    const std::string label = call_label(item, round);
    const double estimate = call_estimate(item);
    progress.start(label);
    const std::size_t rows_before = outcome_.rows_written;
    const auto began = std::chrono::steady_clock::now();
    const std::string status = item.kind == PlanItem::Kind::kernel ? run_kernel(item) : run_probe(item);
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
    if (status == "ok") record_timing(item, wall);
    if (started_.insert(item.key).second) ++outcome_.items_run;
    if (status != "ok") {
      ++outcome_.items_failed;
      outcome_.notes.push_back(label + ": " + status);
    }
    progress.finish(label, status, estimate, outcome_.rows_written - rows_before);
  }

  void append(const ResultRow& row) {
    writer_.append(row);
    ++outcome_.rows_written;
  }

  // A repetition of the kernel item being run: numbered among all of the item's repetitions, which
  // may span several gbench calls.
  void append_kernel_row(const ResultRow& measured, const PlanItem& running) {
    if (measured.error_message.empty() && measured.iterations > 0) {
      static const std::map<std::string, double> unit = {
          {"ns", 1e-9}, {"us", 1e-6}, {"ms", 1e-3}, {"s", 1.0}};
      const auto u = unit.find(measured.time_unit);
      if (u != unit.end()) item_runs_.push_back({measured.iterations, measured.real_time * u->second});
    }
    ResultRow row = measured;
    if (kernel_pmu_) kernel_pmu_->attach(row);  // by gbench's numbering within the call
    KernelItemRows& item = kernels_[running.key];
    row.repetitions = plan_.repetitions;
    row.repetition_index = static_cast<std::int64_t>(item.rows.size());
    append(row);
    item.rows.push_back(row);
    if (!row.error_message.empty()) item.failed = true;
  }

  // The item's aggregates, once it has all its repetitions or a failed one (an error row, which
  // also tells a resumed run that the item is done), over the repetitions that did not fail.
  void append_aggregates_when_complete(const PlanItem& item) {
    const auto it = kernels_.find(item.key);
    if (it == kernels_.end()) return;
    KernelItemRows& state = it->second;
    const bool error_row = std::any_of(state.rows.begin(), state.rows.end(),
                                       [](const ResultRow& r) { return !r.error_message.empty(); });
    if (state.aggregated || (!error_row && int(state.rows.size()) < plan_.repetitions)) return;
    state.aggregated = true;
    std::vector<ResultRow> measured;
    for (const auto& r : state.rows) {
      if (r.error_message.empty()) measured.push_back(r);
    }
    for (const ResultRow& row : aggregate_rows(measured)) append(row);
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

  // Before a kernel call: the previous item's library threads that still spin would share its CPUs
  // (core/siblings.hpp), so wait for them to sleep. Threads that never do (OMP_WAIT_POLICY=active)
  // would cost the budget on every call: after kMaxUnsettled such calls, stop waiting.
  static constexpr auto kSettleBudget = std::chrono::milliseconds(500);
  static constexpr int kMaxUnsettled = 3;
  void settle() {
    if (unsettled_calls_ >= kMaxUnsettled) return;
    if (!wait_for_idle_siblings(kSettleBudget) && ++unsettled_calls_ == kMaxUnsettled) {
      outcome_.notes.push_back(fmt::format(
          "{} kernel calls started with other threads of this process still running after {} ms of "
          "waiting (a library's workers that spin?); later calls did not wait, and their rates may be low",
          kMaxUnsettled, kSettleBudget.count()));
    }
  }
  int unsettled_calls_ = 0;

  std::string run_kernel(const PlanItem& item) {
    enter_point(item.point);
    configure_gbench(plan_.min_time, std::max(1, call_repetitions(item)), item.warm_up);
    reporter_.set_item(&item);
    item_runs_.clear();
    if (kernel_pmu_) kernel_pmu_->begin_item();
    settle();
    const std::size_t ran = benchmark::RunSpecifiedBenchmarks(&reporter_, exact_filter(item.name));
    reporter_.set_item(nullptr);
    if (ran == 0) {
      kernels_[item.key].failed = true;
      return "error: the benchmark is not registered (its family's shapes changed?)";
    }
    append_aggregates_when_complete(item);
    return "ok";
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
    int calls = kernel_calls(timing.iteration_seconds, int(item_runs_.size()), plan_.min_time);
    if (item.warm_up) {  // its iteration is in the wall time, not in the timed runs
      ++calls;
      timed += timing.iteration_seconds;
    }
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
  std::vector<std::pair<std::int64_t, double>>
      item_runs_;                                  // the running kernel call: iterations, s/iteration
  std::map<std::string, KernelItemRows> kernels_;  // by item key
  std::set<std::string> started_;                  // items this run has called
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
  // Per item: whether its rows are all there. A kernel item is when it has aggregates, a failed
  // repetition, or as many repetitions as its rows say it was to have; otherwise an interleaved run
  // was cut between rounds and its repetitions so far are kept for the rest.
  struct Seen {
    bool kernel = false, complete = false;
    std::int64_t wanted = 1;
    std::vector<ResultRow> repetitions;
  };
  std::map<std::string, Seen> seen;
  for (auto& row : file.benchmarks) {
    const std::string key = item_key_of(row);
    if (!cut_item.empty() && key == cut_item) continue;
    if (!key.empty()) {
      ResultRow typed = row_from_json(row);
      Seen& s = seen[key];
      s.kernel = typed.suite == row_value::kernel;
      s.wanted = std::max(s.wanted, typed.repetitions);
      s.complete = s.complete || typed.run_type == RunType::aggregate || !typed.error_message.empty();
      if (typed.run_type == RunType::iteration) s.repetitions.push_back(std::move(typed));
    }
    previous.rows.push_back(std::move(row));
  }
  for (auto& [key, s] : seen) {
    if (!s.kernel || s.complete || std::int64_t(s.repetitions.size()) >= s.wanted) {
      previous.done.push_back(key);
    } else {
      previous.partial[key] = std::move(s.repetitions);
    }
  }
  return previous;
}

void check_resumable(const RunPlan& plan, const PreviousRun& previous) {
  for (const auto& [key, rows] : previous.partial) {
    if (rows.empty() || rows.front().repetitions == plan.repetitions) continue;
    const auto planned = [&](const PlanItem& item) { return item.key == key; };
    if (std::none_of(plan.items.begin(), plan.items.end(), planned)) continue;  // left out of this run
    throw std::invalid_argument(fmt::format(
        "{} has {} of its {} repetitions; resume with --repetitions {} to complete it (the plan asks for {})",
        rows.front().name, rows.size(), rows.front().repetitions, rows.front().repetitions,
        plan.repetitions));
  }
}

RunOutcome execute(const RunPlan& plan, const ExecuteSettings& settings) {
  const fs::path dir(settings.out_dir);
  fs::create_directories(dir);
  std::optional<PreviousRun> read_here;
  const PreviousRun* previous = settings.previous;
  if (settings.resume && previous == nullptr)
    previous = &read_here.emplace(read_previous_run(settings.out_dir));
  if (previous != nullptr) check_resumable(plan, *previous);
  ResultWriter writer = open_results(dir, settings, previous);
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
  RunOutcome outcome = executor.run(previous);
  save_timings(settings.timings_path, executor.measured_timings);
  raw_out.close();
  std::error_code ec;  // a raw file that cannot be sized (removed under us) is not worth failing the run
  if (fs::file_size(raw_path, ec) == 0 && !ec) fs::remove(raw_path, ec);  // nothing ran through gbench
  writer.close();
  write_derived_files(settings.out_dir, settings.command_line, outcome.notes);
  return outcome;
}

}  // namespace armperf::run
