#include "probes/pmu.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <stdexcept>

#include "core/siblings.hpp"
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
  EventEncoding encoding{attr.type, attr.config, fstr ? fstr : name, attr.config1};
  std::free(fstr);
  return encoding;
}

// One event of a region: one counter per thread of the process (inherit: threads they create count too).
struct PmuRegion::Event {
  std::optional<EventEncoding> encoding;
  std::string error;  // set once: the event stays unavailable for the region object's life
  std::vector<int> fds;

  void close_all() {
    for (int fd : fds) close(fd);
    fds.clear();
  }
};

namespace {

// Every thread of the process, or the calling one where /proc cannot say.
std::vector<pid_t> process_threads() {
  std::vector<pid_t> tids;
  for (int id : process_thread_ids()) tids.push_back(static_cast<pid_t>(id));
  if (tids.empty()) tids.push_back(static_cast<pid_t>(syscall(SYS_gettid)));
  return tids;
}

}  // namespace

PmuRegion::PmuRegion(std::vector<std::string> events) : events_(std::move(events)) {
  for (const auto& name : events_) {
    auto event = std::make_unique<Event>();
    event->encoding = encode_event(name, event->error);
    state_.push_back(std::move(event));
  }
}

PmuRegion::~PmuRegion() {
  for (auto& event : state_) event->close_all();
}

void PmuRegion::start() {
  const std::vector<pid_t> tids = process_threads();
  for (auto& event : state_) {
    event->close_all();
    if (!event->error.empty()) continue;
    perf_event_attr attr{};
    attr.size = sizeof(attr);
    attr.type = event->encoding->type;
    attr.config = event->encoding->config;
    attr.config1 = event->encoding->config1;
    attr.disabled = 1;
    attr.inherit = 1;
    attr.exclude_kernel = 1;
    attr.exclude_hv = 1;
    attr.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
    for (pid_t tid : tids) {
      const int fd = static_cast<int>(syscall(SYS_perf_event_open, &attr, tid, -1, -1, 0));
      if (fd >= 0) {
        event->fds.push_back(fd);
      } else if (errno != ESRCH) {  // ESRCH: the thread ended since the listing
        event->error =
            fmt::format("perf_event_open({}): {}", event->encoding->fully_qualified, std::strerror(errno));
        event->close_all();
        break;
      }
    }
  }
  for (auto& event : state_) {
    for (int fd : event->fds) ioctl(fd, PERF_EVENT_IOC_RESET, 0);
  }
  for (auto& event : state_) {
    for (int fd : event->fds) ioctl(fd, PERF_EVENT_IOC_ENABLE, 0);
  }
}

std::vector<std::optional<double>> PmuRegion::stop() {
  for (auto& event : state_) {
    for (int fd : event->fds) ioctl(fd, PERF_EVENT_IOC_DISABLE, 0);
  }
  std::vector<std::optional<double>> counts;
  for (auto& event : state_) {
    std::optional<double> total;
    for (int fd : event->fds) {
      std::uint64_t value[3] = {};  // count, time enabled, time running
      if (read(fd, value, sizeof(value)) != static_cast<ssize_t>(sizeof(value))) {
        event->error = fmt::format("read({}): {}", event->encoding->fully_qualified, std::strerror(errno));
        total.reset();
        break;
      }
      double count = static_cast<double>(value[0]);
      if (value[2] > 0 && value[2] < value[1])
        count *= static_cast<double>(value[1]) / static_cast<double>(value[2]);
      if (value[2] == 0 && value[1] > 0) {
        event->error = fmt::format("{}: the counter was never scheduled (too many events at once)",
                                   event->encoding->fully_qualified);
        total.reset();
        break;
      }
      total = total.value_or(0) + count;
    }
    event->close_all();
    counts.push_back(event->error.empty() ? total : std::nullopt);
  }
  return counts;
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

struct PmuRegion::Event {
  std::string error;
};
PmuRegion::PmuRegion(std::vector<std::string> events) : events_(std::move(events)) {
  for (std::size_t i = 0; i < events_.size(); ++i)
    state_.push_back(std::make_unique<Event>(Event{pfm_init_error()}));
}
PmuRegion::~PmuRegion() = default;
void PmuRegion::start() {}
std::vector<std::optional<double>> PmuRegion::stop() {
  return std::vector<std::optional<double>>(events_.size());
}

namespace {
ProbeOutcome run_pmu(const ProbeConfig&, const RowSink&) { return {{"unavailable: " + pfm_init_error()}}; }
}  // namespace

#endif

// ---- shared by both builds ----

std::string PmuRegion::error(std::size_t i) const {
  if (i >= state_.size() || state_[i]->error.empty()) return "";
  // libpfm4's and perf_event_open's messages name the event already.
  return state_[i]->error.find(events_[i]) != std::string::npos ? state_[i]->error
                                                                : events_[i] + ": " + state_[i]->error;
}

std::string PmuRegion::unavailable() const {
  std::string out;
  for (std::size_t i = 0; i < state_.size(); ++i) {
    const std::string why = error(i);
    if (why.empty()) continue;
    if (!out.empty()) out += "; ";
    out += why;
  }
  return out;
}

std::string pmu_field(const std::string& event) {
  std::string out = "pmu_";
  bool gap = false;
  for (char c : event) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      if (gap && out.back() != '_') out += '_';
      out += c;
      gap = false;
    } else {
      gap = true;
    }
  }
  return out;
}

void attach_pmu(ResultRow& row, const PmuRegion& region, const std::vector<std::optional<double>>& counts,
                double divisor, const std::string& scope) {
  if (!row.extra.is_object()) row.extra = nlohmann::json::object();
  bool any = false;
  std::string missing;
  for (std::size_t i = 0; i < region.events().size(); ++i) {
    if (i < counts.size() && counts[i]) {
      row.counters[pmu_field(region.events()[i])] = *counts[i] / (divisor > 0 ? divisor : 1.0);
      any = true;
      continue;
    }
    std::string why = region.error(i);
    if (why.empty()) why = region.events()[i] + ": no count for this row";
    if (!missing.empty()) missing += "; ";
    missing += why;
  }
  if (any) row.extra[kPmuScope] = scope;
  if (!missing.empty()) row.extra[kPmuUnavailable] = missing;
}

PmuRowCounter::PmuRowCounter(const std::vector<std::string>& events) : region_(events) { region_.start(); }

void PmuRowCounter::attach(ResultRow& row) {
  const auto counts = region_.stop();
  attach_pmu(row, region_, counts, 1, "the probe's work for this row (since its previous row)");
  region_.start();
}

std::string pmu_group_dir() {
  namespace fs = std::filesystem;
  if (const char* dir = std::getenv("ARMPERF_PMU_GROUPS"); dir != nullptr && *dir != '\0') return dir;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path installed = exe.parent_path().parent_path() / "share" / "armperf" / "pmu";
    if (fs::is_directory(installed, ec)) return installed.string();
  }
#if defined(ARMPERF_SOURCE_PMU_GROUPS)
  return ARMPERF_SOURCE_PMU_GROUPS;
#else
  return "data/pmu";
#endif
}

std::vector<std::string> pmu_groups() {
  namespace fs = std::filesystem;
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(pmu_group_dir(), ec)) {
    if (entry.path().extension() == ".txt") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> expand_pmu_events(const std::vector<std::string>& items) {
  std::vector<std::string> events;
  std::set<std::string> seen;
  const auto add = [&](const std::string& event) {
    if (seen.insert(event).second) events.push_back(event);
  };
  for (const auto& item : items) {
    if (item.rfind("group:", 0) != 0) {
      add(item);
      continue;
    }
    const std::string group = item.substr(6);
    const std::string path = pmu_group_dir() + "/" + group + ".txt";
    std::ifstream in(path);
    if (group.empty() || group.find('/') != std::string::npos || !in) {
      std::string known;
      for (const auto& g : pmu_groups()) {
        if (!known.empty()) known += ", ";
        known += g;
      }
      throw std::invalid_argument(fmt::format("--pmu {}: no such event group in {} (groups: {})", item,
                                              pmu_group_dir(), known.empty() ? std::string("none") : known));
    }
    std::size_t count = 0;
    for (std::string line; std::getline(in, line);) {
      line = line.substr(0, line.find('#'));
      const auto first = line.find_first_not_of(" \t\r");
      if (first == std::string::npos) continue;
      add(line.substr(first, line.find_last_not_of(" \t\r") - first + 1));
      ++count;
    }
    if (count == 0) throw std::invalid_argument(fmt::format("--pmu {}: {} lists no event", item, path));
  }
  return events;
}

namespace {
ARMPERF_REGISTER_PROBE(Probe{
    "pmu", "PMUs libpfm4 detects and whether counters open; cycles and instructions of an add chain",
    &run_pmu});
}  // namespace

}  // namespace armperf::probes
