#include "core/environment.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string_view>
#include <system_error>

#include <fmt/format.h>

#include "core/result.hpp"

#ifndef ARMPERF_VERSION
#define ARMPERF_VERSION "unknown"
#endif

namespace armperf {

namespace {

using json = nlohmann::json;

std::string_view trim(std::string_view text) {
  const auto space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!text.empty() && space(text.front())) text.remove_prefix(1);
  while (!text.empty() && space(text.back())) text.remove_suffix(1);
  return text;
}

std::optional<std::string> non_empty(std::string_view text) {
  if (text.empty()) return std::nullopt;
  return std::string(text);
}

template <class T>
std::optional<T> parse_number(std::string_view text) {
  text = trim(text);
  T value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The file system below root. Every read is bounded and returns nullopt on any failure.
class Root {
 public:
  explicit Root(std::string_view root) : root_(root) {
    while (!root_.empty() && root_.back() == '/') root_.pop_back();
  }

  std::string path(std::string_view absolute) const { return root_ + std::string(absolute); }

  // Bounded: the largest file read here is the SMBIOS table, a few KiB to a few tens of KiB.
  std::optional<std::string> contents(std::string_view absolute) const {
    constexpr std::size_t kMaxBytes = 1 << 20;
    std::ifstream in(path(absolute), std::ios::binary);
    if (!in) return std::nullopt;
    std::string data;
    std::array<char, 4096> chunk;
    while (data.size() < kMaxBytes) {
      in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
      data.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
      if (!in) break;
    }
    if (in.bad()) return std::nullopt;
    return data;
  }

  // The first line, trimmed; an empty line is absent.
  std::optional<std::string> line(std::string_view absolute) const {
    const auto text = contents(absolute);
    if (!text) return std::nullopt;
    const std::string_view view = *text;
    return non_empty(trim(view.substr(0, view.find('\n'))));
  }

  template <class T>
  std::optional<T> number(std::string_view absolute) const {
    const auto text = line(absolute);
    return text ? parse_number<T>(*text) : std::nullopt;
  }

  // Sorted names of the entries of a directory; empty if it cannot be listed.
  std::vector<std::string> entries(std::string_view absolute) const {
    std::vector<std::string> names;
    std::error_code error;
    std::filesystem::directory_iterator it(path(absolute), error);
    for (; !error && it != std::filesystem::directory_iterator(); it.increment(error)) {
      names.push_back(it->path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

 private:
  std::string root_;
};

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  while (true) {
    const std::size_t at = text.find(separator);
    parts.push_back(text.substr(0, at));
    if (at == std::string_view::npos) return parts;
    text.remove_prefix(at + 1);
  }
}

// "always madvise [never]" -> "never".
std::optional<std::string> bracketed(const std::optional<std::string>& line) {
  if (!line) return std::nullopt;
  const std::size_t open = line->find('[');
  const std::size_t close = line->find(']', open);
  if (open == std::string::npos || close == std::string::npos) return std::nullopt;
  return non_empty(std::string_view(*line).substr(open + 1, close - open - 1));
}

// The kernel's CPU list syntax, "0-3,8,10-11"; nullopt if malformed.
std::optional<unsigned> count_cpu_list(std::string_view list) {
  unsigned count = 0;
  for (std::string_view range : split(trim(list), ',')) {
    const std::size_t dash = range.find('-');
    const auto first = parse_number<unsigned>(range.substr(0, dash));
    const auto last = dash == std::string_view::npos ? first : parse_number<unsigned>(range.substr(dash + 1));
    if (!first || !last || *last < *first) return std::nullopt;
    count += *last - *first + 1;
  }
  return count;
}

// "/etc/os-release": PRETTY_NAME="Debian GNU/Linux 12 (bookworm)" (shell-style quoting).
std::optional<std::string> pretty_name(const std::optional<std::string>& os_release) {
  if (!os_release) return std::nullopt;
  for (std::string_view line : split(*os_release, '\n')) {
    line = trim(line);
    constexpr std::string_view kKey = "PRETTY_NAME=";
    if (!line.starts_with(kKey)) continue;
    std::string_view value = line.substr(kKey.size());
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    }
    std::string unescaped;
    for (std::size_t i = 0; i < value.size(); ++i) {
      if (value[i] == '\\' && i + 1 < value.size()) ++i;
      unescaped += value[i];
    }
    return non_empty(unescaped);
  }
  return std::nullopt;
}

// "/proc/meminfo" lines "HugePages_Total:       0" and "MemTotal:  16318468 kB".
std::optional<std::uint64_t> meminfo_value(const std::optional<std::string>& meminfo, std::string_view key) {
  if (!meminfo) return std::nullopt;
  for (std::string_view line : split(*meminfo, '\n')) {
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || line.substr(0, colon) != key) continue;
    std::string_view value = trim(line.substr(colon + 1));
    if (value.ends_with("kB")) value = trim(value.substr(0, value.size() - 2));
    return parse_number<std::uint64_t>(value);
  }
  return std::nullopt;
}

std::optional<LoadAverage> parse_loadavg(const std::optional<std::string>& line) {
  if (!line) return std::nullopt;
  const auto fields = split(*line, ' ');
  if (fields.size() < 3) return std::nullopt;
  const auto one = parse_number<double>(fields[0]);
  const auto five = parse_number<double>(fields[1]);
  const auto fifteen = parse_number<double>(fields[2]);
  if (!one || !five || !fifteen) return std::nullopt;
  return LoadAverage{*one, *five, *fifteen};
}

void widen(std::optional<KhzRange>& range, std::optional<std::uint64_t> value) {
  if (!value) return;
  if (!range) {
    range = KhzRange{*value, *value};
  } else {
    range->lowest = std::min(range->lowest, *value);
    range->highest = std::max(range->highest, *value);
  }
}

bool is_cpu_directory(std::string_view name) {
  return name.starts_with("cpu") && parse_number<unsigned>(name.substr(3)).has_value();
}

void read_cpufreq(const Root& root, Environment& env) {
  constexpr std::string_view kCpus = "/sys/devices/system/cpu/";
  for (const std::string& cpu : root.entries(kCpus)) {
    if (!is_cpu_directory(cpu)) continue;
    const std::string dir = fmt::format("{}{}/cpufreq/", kCpus, cpu);
    if (auto governor = root.line(dir + "scaling_governor")) ++env.governors[*governor];
    widen(env.scaling_min_khz, root.number<std::uint64_t>(dir + "scaling_min_freq"));
    widen(env.scaling_max_khz, root.number<std::uint64_t>(dir + "scaling_max_freq"));
    widen(env.scaling_cur_khz, root.number<std::uint64_t>(dir + "scaling_cur_freq"));
  }
}

void read_mitigations(const Root& root, Environment& env) {
  constexpr std::string_view kDir = "/sys/devices/system/cpu/vulnerabilities/";
  for (const std::string& name : root.entries(kDir)) {
    if (auto status = root.line(fmt::format("{}{}", kDir, name))) env.mitigations[name] = *status;
  }
}

// ----- SMBIOS (DSP0134): the structure table, type 17 Memory Device -----------------------------

std::uint32_t little_endian(std::string_view bytes, std::size_t offset, std::size_t width) {
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < width; ++i) {
    value |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[offset + i])) << (8 * i);
  }
  return value;
}

std::string memory_type_name(unsigned code) {
  // DSP0134 7.18.2, Memory Device — Type.
  static constexpr std::array<std::pair<unsigned, std::string_view>, 14> kTypes = {{
      {0x12, "DDR"},
      {0x13, "DDR2"},
      {0x18, "DDR3"},
      {0x1A, "DDR4"},
      {0x1B, "LPDDR"},
      {0x1C, "LPDDR2"},
      {0x1D, "LPDDR3"},
      {0x1E, "LPDDR4"},
      {0x1F, "NVDIMM"},
      {0x20, "HBM"},
      {0x21, "HBM2"},
      {0x22, "DDR5"},
      {0x23, "LPDDR5"},
      {0x24, "HBM3"},
  }};
  for (const auto& [type, name] : kTypes) {
    if (type == code) return std::string(name);
  }
  return fmt::format("type 0x{:02x}", code);
}

// One type 17 record's formatted area (header included); offsets from DSP0134 7.18.
void add_memory_device(std::string_view record, MemoryModules& modules) {
  const auto field = [&](std::size_t offset, std::size_t width) -> std::optional<std::uint32_t> {
    if (offset + width > record.size()) return std::nullopt;
    return little_endian(record, offset, width);
  };
  ++modules.slots;
  const auto size = field(0x0C, 2);
  if (!size || *size == 0) return;  // 0: no module in this slot
  ++modules.populated;
  if (*size == 0x7FFF) {
    modules.total_mib += field(0x1C, 4).value_or(0) & 0x7FFFFFFFu;  // Extended Size, MiB
  } else if (*size != 0xFFFF) {
    modules.total_mib += (*size & 0x8000) ? (*size & 0x7FFF) / 1024 : *size;  // bit 15: KiB units
  }
  if (modules.type.empty()) {
    if (const auto type = field(0x12, 1)) modules.type = memory_type_name(*type);
  }
  // Speeds in MT/s; 0 is unknown, 0xFFFF sends to the 32-bit extended field (SMBIOS 3.3).
  const auto speed = [&](std::size_t offset, std::size_t extended) -> std::optional<unsigned> {
    auto value = field(offset, 2);
    if (value && *value == 0xFFFF) value = field(extended, 4);
    if (!value || *value == 0) return std::nullopt;
    return static_cast<unsigned>(*value & 0x7FFFFFFFu);
  };
  const auto keep_highest = [](std::optional<unsigned>& best, std::optional<unsigned> value) {
    if (value && (!best || *value > *best)) best = value;
  };
  keep_highest(modules.speed_mts, speed(0x15, 0x54));
  keep_highest(modules.configured_speed_mts, speed(0x20, 0x58));
}

std::optional<MemoryModules> parse_memory_devices(std::string_view table) {
  constexpr unsigned kMemoryDevice = 17;
  constexpr unsigned kEndOfTable = 127;
  MemoryModules modules;
  std::size_t offset = 0;
  while (offset + 4 <= table.size()) {
    const unsigned type = static_cast<unsigned char>(table[offset]);
    const std::size_t length = static_cast<unsigned char>(table[offset + 1]);
    if (length < 4 || offset + length > table.size() || type == kEndOfTable) break;
    if (type == kMemoryDevice) add_memory_device(table.substr(offset, length), modules);
    // The formatted area is followed by its strings, ended by two NULs.
    const std::size_t strings_end = table.find(std::string_view("\0\0", 2), offset + length);
    if (strings_end == std::string_view::npos) break;
    offset = strings_end + 2;
  }
  if (modules.slots == 0) return std::nullopt;
  return modules;
}

// ----- hypervisor ------------------------------------------------------------------------------

// Substrings of DMI vendor/product/board names that only virtual machines carry.
constexpr std::array<std::string_view, 12> kVirtualDmi = {
    "qemu",      "kvm",        "vmware",    "virtualbox",      "innotek",
    "xen",       "bochs",      "parallels", "virtual machine", "google compute engine",
    "openstack", "amazon ec2",
};

void detect_hypervisor(const Root& root, Environment& env) {
  // x86: the CPU itself says so (cpuid leaf 1 ecx bit 31, shown as the "hypervisor" flag).
  if (const auto cpuinfo = root.contents("/proc/cpuinfo")) {
    for (std::string_view line : split(*cpuinfo, '\n')) {
      if (!line.starts_with("flags")) continue;
      const std::size_t colon = line.find(':');
      const auto words = split(trim(colon == std::string_view::npos ? "" : line.substr(colon + 1)), ' ');
      env.hypervisor = std::find(words.begin(), words.end(), "hypervisor") != words.end();
      env.hypervisor_evidence =
          *env.hypervisor ? "cpuinfo flag 'hypervisor'" : "no 'hypervisor' flag in cpuinfo";
      return;
    }
  }
  if (const auto type = root.line("/sys/hypervisor/type")) {
    env.hypervisor = true;
    env.hypervisor_evidence = fmt::format("/sys/hypervisor/type '{}'", *type);
    return;
  }
  // ARM has no such flag: the firmware tables name the platform. An AWS bare-metal instance
  // ("c6g.metal") has Amazon EC2 as vendor and no hypervisor.
  if (!env.dmi_sys_vendor && !env.dmi_product_name && !env.dmi_board_name) return;
  const std::string product = env.dmi_product_name.value_or("");
  const std::string names = lower(
      fmt::format("{} / {} / {}", env.dmi_sys_vendor.value_or(""), product, env.dmi_board_name.value_or("")));
  const bool metal = product.ends_with(".metal");
  const auto hint = std::find_if(kVirtualDmi.begin(), kVirtualDmi.end(), [&](std::string_view word) {
    return names.find(word) != std::string::npos;
  });
  env.hypervisor = hint != kVirtualDmi.end() && !metal;
  env.hypervisor_evidence =
      *env.hypervisor ? fmt::format("DMI names '{}'", *hint)
                      : fmt::format("no hypervisor name in DMI{}", metal ? " (bare-metal instance)" : "");
}

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  std::array<char, 32> text{};
  const std::size_t length = std::strftime(text.data(), text.size(), "%Y-%m-%dT%H:%M:%S+00:00", &utc);
  return std::string(text.data(), length);
}

std::string compiler_name() {
#if defined(__clang__)
  return "clang " __clang_version__;
#elif defined(__GNUC__)
  return "gcc " __VERSION__;
#else
  return __VERSION__;
#endif
}

}  // namespace

Environment read_environment(const std::string& root_path, const std::vector<std::string>& command_line) {
  const Root root(root_path);
  Environment env;
  env.date = utc_now();
  env.hostname = root.line("/proc/sys/kernel/hostname");
  env.kernel_version = root.line("/proc/sys/kernel/osrelease");
  env.os = pretty_name(root.contents("/etc/os-release"));
  if (!env.os) env.os = pretty_name(root.contents("/usr/lib/os-release"));
  env.boot_cmdline = root.line("/proc/cmdline");
  read_cpufreq(root, env);
  env.thp_enabled = bracketed(root.line("/sys/kernel/mm/transparent_hugepage/enabled"));
  env.thp_defrag = bracketed(root.line("/sys/kernel/mm/transparent_hugepage/defrag"));
  const auto meminfo = root.contents("/proc/meminfo");
  env.hugepages_total = meminfo_value(meminfo, "HugePages_Total");
  env.hugepage_size_kib = meminfo_value(meminfo, "Hugepagesize");
  env.mem_total_kib = meminfo_value(meminfo, "MemTotal");
  read_mitigations(root, env);
  env.load_average = parse_loadavg(root.line("/proc/loadavg"));
  env.dmi_product_name = root.line("/sys/class/dmi/id/product_name");
  env.dmi_sys_vendor = root.line("/sys/class/dmi/id/sys_vendor");
  env.dmi_board_name = root.line("/sys/class/dmi/id/board_name");
  env.dmi_bios_version = root.line("/sys/class/dmi/id/bios_version");
  if (const auto table = root.contents("/sys/firmware/dmi/tables/DMI")) {
    env.memory_modules = parse_memory_devices(*table);
  }
  env.smt_control = root.line("/sys/devices/system/cpu/smt/control");
  env.online_cpus = root.line("/sys/devices/system/cpu/online");
  if (env.online_cpus) env.online_cpu_count = count_cpu_list(*env.online_cpus);
  detect_hypervisor(root, env);
  env.perf_event_paranoid = root.number<int>("/proc/sys/kernel/perf_event_paranoid");
  env.numa_balancing = root.number<int>("/proc/sys/kernel/numa_balancing");
  env.compiler = compiler_name();
#if defined(NDEBUG)
  env.build_type = "release";
#else
  env.build_type = "debug";
#endif
#if defined(ARMPERF_BUILD_FLAGS)
  env.build_flags = ARMPERF_BUILD_FLAGS;
#endif
  env.armperf_version = ARMPERF_VERSION;
#if defined(ARMPERF_GIT_COMMIT)
  env.git_commit = ARMPERF_GIT_COMMIT;
#endif
  env.command_line = command_line;
  return env;
}

json to_json(const Environment& env) {
  json j = json::object();
  const auto put = [&](const char* key, const auto& value) {
    if (value) j[key] = *value;
  };
  const auto put_range = [&](const char* key, const std::optional<KhzRange>& range) {
    if (range) j[key] = {{"lowest", range->lowest}, {"highest", range->highest}};
  };
  put(context_key::date, env.date);
  put(context_key::host_name, env.hostname);
  if (!env.command_line.empty()) {
    j[context_key::executable] = env.command_line.front();
    j[context_key::command_line] = env.command_line;
  }
  put(context_key::num_cpus, env.online_cpu_count);
  if (!env.governors.empty()) {
    j[context_key::cpufreq_governors] = env.governors;
    // gbench's meaning: some CPU's frequency is not pinned by the performance governor.
    j[context_key::cpu_scaling_enabled] = std::any_of(env.governors.begin(), env.governors.end(),
                                                      [](const auto& g) { return g.first != "performance"; });
  }
  if (env.load_average) {
    j[context_key::load_avg] = {env.load_average->one_minute, env.load_average->five_minutes,
                                env.load_average->fifteen_minutes};
  }
  j[context_key::library_build_type] = env.build_type;
  put(context_key::kernel_version, env.kernel_version);
  put(context_key::os, env.os);
  put(context_key::boot_cmdline, env.boot_cmdline);
  put_range(context_key::scaling_min_khz, env.scaling_min_khz);
  put_range(context_key::scaling_max_khz, env.scaling_max_khz);
  put_range(context_key::scaling_cur_khz, env.scaling_cur_khz);
  put(context_key::thp_enabled, env.thp_enabled);
  put(context_key::thp_defrag, env.thp_defrag);
  put(context_key::hugepages_total, env.hugepages_total);
  put(context_key::hugepage_size_kib, env.hugepage_size_kib);
  put(context_key::mem_total_kib, env.mem_total_kib);
  if (!env.mitigations.empty()) j[context_key::mitigations] = env.mitigations;
  put(context_key::dmi_product_name, env.dmi_product_name);
  put(context_key::dmi_sys_vendor, env.dmi_sys_vendor);
  put(context_key::dmi_board_name, env.dmi_board_name);
  put(context_key::dmi_bios_version, env.dmi_bios_version);
  if (const auto& memory = env.memory_modules) {
    json modules = {
        {"slots", memory->slots}, {"populated", memory->populated}, {"total_mib", memory->total_mib}};
    if (!memory->type.empty()) modules["type"] = memory->type;
    if (memory->speed_mts) modules["speed_mts"] = *memory->speed_mts;
    if (memory->configured_speed_mts) modules["configured_speed_mts"] = *memory->configured_speed_mts;
    j[context_key::memory_modules] = std::move(modules);
  }
  put(context_key::smt_control, env.smt_control);
  put(context_key::online_cpus, env.online_cpus);
  put(context_key::hypervisor, env.hypervisor);
  put(context_key::hypervisor_evidence, env.hypervisor_evidence);
  put(context_key::perf_event_paranoid, env.perf_event_paranoid);
  put(context_key::numa_balancing, env.numa_balancing);
  j[context_key::compiler] = env.compiler;
  put(context_key::build_flags, env.build_flags);
  j[context_key::armperf_version] = env.armperf_version;
  put(context_key::git_commit, env.git_commit);
  return j;
}

std::vector<std::string> warnings(const Environment& env) {
  std::vector<std::string> lines;
  unsigned cpus_with_governor = 0;
  for (const auto& [governor, cpus] : env.governors) cpus_with_governor += cpus;
  for (const auto& [governor, cpus] : env.governors) {
    if (governor == "performance") continue;
    lines.push_back(
        fmt::format("cpufreq governor is '{}' on {} of {} CPUs, not 'performance': the clock may change "
                    "during measurements",
                    governor, cpus, cpus_with_governor));
  }
  if (env.load_average && env.online_cpu_count &&
      env.load_average->one_minute > 0.5 * static_cast<double>(*env.online_cpu_count)) {
    lines.push_back(
        fmt::format("load average {:.2f} at start is above half of the {} online CPUs: other work "
                    "competes with the measurements",
                    env.load_average->one_minute, *env.online_cpu_count));
  }
  if (env.thp_enabled == "never") {
    lines.push_back(
        "transparent huge pages are 'never': huge-page measurements get 4 KiB pages unless HugePages_Total > "
        "0");
  }
  if (env.numa_balancing.value_or(0) != 0) {
    lines.push_back(
        fmt::format("automatic NUMA balancing is on (kernel.numa_balancing={}): pages may migrate "
                    "during membind measurements",
                    *env.numa_balancing));
  }
  if (env.perf_event_paranoid.value_or(0) > 2) {
    lines.push_back(
        fmt::format("kernel.perf_event_paranoid={}: PMU counters need root or a value of 2 or less",
                    *env.perf_event_paranoid));
  }
  if (env.hypervisor.value_or(false)) {
    lines.push_back(fmt::format("running under a hypervisor ({}): timings include virtualisation effects",
                                env.hypervisor_evidence.value_or("detected")));
  }
  return lines;
}

}  // namespace armperf
