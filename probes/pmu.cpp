#include "probes/pmu.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "probes/frequency.hpp"
#include "probes/probe.hpp"
#include "probes/support.hpp"

#if defined(ARMPERF_HAVE_PFM)
#include <linux/perf_event.h>
#include <perfmon/pfmlib_perf_event.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace armperf::probes {

#if defined(ARMPERF_HAVE_PFM)

std::string pfm_init_error() {
  const int ret = pfm_initialize();  // idempotent: later calls return the first one's result
  return ret == PFM_SUCCESS ? "" : fmt::format("pfm_initialize: {}", pfm_strerror(ret));
}

std::vector<PmuInfo> detected_pmus() {
  std::vector<PmuInfo> pmus;
  if (!pfm_init_error().empty()) return pmus;
  for (int p = PFM_PMU_NONE; p < PFM_PMU_MAX; ++p) {
    pfm_pmu_info_t info{};
    info.size = sizeof(info);
    if (pfm_get_pmu_info(static_cast<pfm_pmu_t>(p), &info) != PFM_SUCCESS || !info.is_present) continue;
    pmus.push_back({info.name, info.desc ? info.desc : "", info.nevents, info.type == PFM_PMU_TYPE_CORE});
  }
  return pmus;
}

std::optional<EventEncoding> encode_event(const std::string& name, std::string& error) {
  if (error = pfm_init_error(); !error.empty()) return std::nullopt;
  perf_event_attr attr{};
  char* fstr = nullptr;
  pfm_perf_encode_arg_t arg{};
  arg.attr = &attr;
  arg.fstr = &fstr;
  arg.size = sizeof(arg);
  const int ret = pfm_get_os_event_encoding(name.c_str(), PFM_PLM3, PFM_OS_PERF_EVENT, &arg);
  if (ret != PFM_SUCCESS) {
    error = fmt::format("event \"{}\": {}", name, pfm_strerror(ret));
    return std::nullopt;
  }
  EventEncoding encoding{attr.type, attr.config, fstr ? fstr : name};
  std::free(fstr);
  return encoding;
}

namespace {

// A counter of the calling thread, user space only; closed on destruction.
class Counter {
 public:
  Counter(const EventEncoding& event, std::string& error) {
    perf_event_attr attr{};
    attr.size = sizeof(attr);
    attr.type = event.type;
    attr.config = event.config;
    attr.disabled = 1;
    attr.exclude_kernel = 1;
    attr.exclude_hv = 1;
    fd_ = static_cast<int>(syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0));
    if (fd_ < 0) error = fmt::format("perf_event_open({}): {}", event.fully_qualified, std::strerror(errno));
  }
  ~Counter() {
    if (fd_ >= 0) close(fd_);
  }
  Counter(const Counter&) = delete;
  Counter& operator=(const Counter&) = delete;
  bool open() const { return fd_ >= 0; }
  void start() { ioctl(fd_, PERF_EVENT_IOC_RESET, 0), ioctl(fd_, PERF_EVENT_IOC_ENABLE, 0); }
  std::optional<std::uint64_t> stop() {
    ioctl(fd_, PERF_EVENT_IOC_DISABLE, 0);
    std::uint64_t value = 0;
    if (read(fd_, &value, sizeof(value)) != static_cast<ssize_t>(sizeof(value))) return std::nullopt;
    return value;
  }

 private:
  int fd_ = -1;
};

}  // namespace

namespace {

ProbeOutcome run_pmu(const ProbeConfig&, const RowSink& sink) {
  ProbeOutcome outcome;
  if (const std::string error = pfm_init_error(); !error.empty()) {
    outcome.notes.push_back("unavailable: " + error);
    return outcome;
  }
  for (const auto& pmu : detected_pmus()) {
    outcome.notes.push_back(fmt::format("PMU {} ({}): {} events{}", pmu.name, pmu.description, pmu.events,
                                        pmu.core ? ", core" : ""));
  }
  std::string error;
  const auto cycles = encode_event("cycles", error);
  const auto instructions = cycles ? encode_event("instructions", error) : std::nullopt;
  if (!instructions) {
    outcome.notes.push_back("unavailable: " + error);
    return outcome;
  }
  std::string cycle_error, instruction_error;
  Counter cycle_counter(*cycles, cycle_error);
  Counter instruction_counter(*instructions, instruction_error);
  if (!cycle_counter.open() || !instruction_counter.open()) {
    outcome.notes.push_back("unavailable: " + (cycle_error.empty() ? instruction_error : cycle_error));
    return outcome;
  }
  constexpr std::uint64_t kAdds = 1u << 24;
  cycle_counter.start();
  instruction_counter.start();
  const AddChainRun run = run_add_chain(kAdds);
  const auto instruction_count = instruction_counter.stop();
  const auto cycle_count = cycle_counter.stop();
  if (!cycle_count || !instruction_count || *instruction_count < run.adds) {
    outcome.notes.push_back(fmt::format("unavailable: counters opened but read {} instructions for {} adds",
                                        instruction_count.value_or(0), run.adds));
    return outcome;
  }
  ResultRow row = probe_row("pmu/add_chain", "pmu", "scalar", 1);
  row.iterations = static_cast<std::int64_t>(run.adds);
  row.real_time = row.cpu_time = run.seconds * 1e9;
  row.counters["cycles"] = static_cast<double>(*cycle_count);
  row.counters["instructions"] = static_cast<double>(*instruction_count);
  row.counters["ipc"] = static_cast<double>(*instruction_count) / static_cast<double>(*cycle_count);
  sink(row);
  outcome.notes.push_back("a dependent add chain: expect about 1 instruction per cycle");
  return outcome;
}

}  // namespace

#else  // no libpfm4

std::string pfm_init_error() { return "armperf was built without libpfm4 (apt-get install libpfm4-dev)"; }
std::vector<PmuInfo> detected_pmus() { return {}; }
std::optional<EventEncoding> encode_event(const std::string&, std::string& error) {
  error = pfm_init_error();
  return std::nullopt;
}

namespace {
ProbeOutcome run_pmu(const ProbeConfig&, const RowSink&) { return {{"unavailable: " + pfm_init_error()}}; }
}  // namespace

#endif

namespace {
ARMPERF_REGISTER_PROBE(Probe{"pmu", "PMUs libpfm4 detects and whether counters open; cycles and instructions of an add chain",
                             &run_pmu});
}  // namespace

}  // namespace armperf::probes
