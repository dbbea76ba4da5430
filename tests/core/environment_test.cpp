#include "core/environment.hpp"

#include <stdlib.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "core/result.hpp"

namespace armperf {
namespace {

namespace fs = std::filesystem;

// A file system root in a temporary directory, filled file by file.
class FakeRoot {
 public:
  FakeRoot() {
    std::string pattern = (fs::temp_directory_path() / "armperf-env-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~FakeRoot() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  void write(const std::string& relative, const std::string& contents) const {
    const fs::path file = path_ / relative;
    fs::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << contents;
  }
  std::string path() const { return path_.string(); }

 private:
  fs::path path_;
};

bool any_line_contains(const std::vector<std::string>& lines, const std::string& word) {
  return std::any_of(lines.begin(), lines.end(),
                     [&](const std::string& line) { return line.find(word) != std::string::npos; });
}

// An SMBIOS type 17 record (SMBIOS 3.3 layout, 0x5C bytes) followed by its strings. Sizes of
// 32 GiB and more only fit the Extended Size field.
std::string memory_device(std::uint32_t size_mib, std::uint8_t type, std::uint16_t speed,
                          std::uint16_t configured_speed) {
  std::string record(0x5C, '\0');
  const auto put = [&](std::size_t offset, std::uint32_t value, std::size_t width) {
    for (std::size_t i = 0; i < width; ++i) record[offset + i] = static_cast<char>((value >> (8 * i)) & 0xFF);
  };
  const auto put16 = [&](std::size_t offset, std::uint32_t value) { put(offset, value, 2); };
  record[0] = 17;
  record[1] = 0x5C;
  if (size_mib < 0x7FFF) {
    put16(0x0C, size_mib);
  } else {
    put16(0x0C, 0x7FFF);
    put(0x1C, size_mib, 4);
  }
  record[0x12] = static_cast<char>(type);
  put16(0x15, speed);
  put16(0x20, configured_speed);
  record[0x10] = 1;  // device locator: string 1
  return record + std::string("DIMM A1\0\0", 9);
}

TEST(Environment, EmptyRootLeavesEveryMachineFieldAbsent) {
  FakeRoot root;
  const Environment env = read_environment(root.path());
  EXPECT_FALSE(env.hostname);
  EXPECT_FALSE(env.kernel_version);
  EXPECT_FALSE(env.os);
  EXPECT_FALSE(env.boot_cmdline);
  EXPECT_TRUE(env.governors.empty());
  EXPECT_FALSE(env.scaling_max_khz);
  EXPECT_FALSE(env.thp_enabled);
  EXPECT_FALSE(env.hugepages_total);
  EXPECT_TRUE(env.mitigations.empty());
  EXPECT_FALSE(env.load_average);
  EXPECT_FALSE(env.dmi_product_name);
  EXPECT_FALSE(env.memory_modules);
  EXPECT_FALSE(env.smt_control);
  EXPECT_FALSE(env.online_cpu_count);
  EXPECT_FALSE(env.hypervisor);
  EXPECT_FALSE(env.perf_event_paranoid);
  EXPECT_FALSE(env.numa_balancing);
  // What the binary knows about itself is always there.
  EXPECT_FALSE(env.compiler.empty());
  EXPECT_EQ(env.armperf_version, ARMPERF_VERSION);
  ASSERT_TRUE(env.date);
  EXPECT_EQ(env.date->size(), std::string("2024-01-02T03:04:05+00:00").size());

  const nlohmann::json j = to_json(env);
  EXPECT_FALSE(j.contains(context_key::kernel_version));
  EXPECT_FALSE(j.contains(context_key::cpufreq_governors));
  EXPECT_FALSE(j.contains(context_key::command_line));
  EXPECT_EQ(j.at(context_key::armperf_version), ARMPERF_VERSION);
  EXPECT_TRUE(warnings(env).empty());

  EXPECT_NO_THROW(read_environment("/nonexistent/armperf/root"));
}

TEST(Environment, FakeArmServerIsReadAndWarnedAbout) {
  FakeRoot root;
  root.write("proc/sys/kernel/hostname", "altra-01\n");
  root.write("proc/sys/kernel/osrelease", "6.1.0-18-arm64\n");
  root.write("etc/os-release", "NAME=\"Debian GNU/Linux\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n");
  root.write("proc/cmdline", "BOOT_IMAGE=/vmlinuz-6.1.0-18-arm64 root=/dev/nvme0n1p2 ro quiet\n");
  for (const char* cpu : {"cpu0", "cpu1"}) {
    const std::string dir = std::string("sys/devices/system/cpu/") + cpu + "/cpufreq/";
    root.write(dir + "scaling_governor", "powersave\n");
    root.write(dir + "scaling_min_freq", "1000000\n");
    root.write(dir + "scaling_max_freq", "3000000\n");
  }
  root.write("sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq", "1000000\n");
  root.write("sys/devices/system/cpu/cpu1/cpufreq/scaling_cur_freq", "2800000\n");
  root.write("sys/devices/system/cpu/cpufreq/policy0/scaling_governor", "ignored: not a cpu directory\n");
  root.write("sys/devices/system/cpu/online", "0-1\n");
  root.write("sys/devices/system/cpu/smt/control", "notsupported\n");
  root.write("sys/devices/system/cpu/vulnerabilities/spectre_v2", "Mitigation: CSV2, BHB\n");
  root.write("sys/devices/system/cpu/vulnerabilities/meltdown", "Not affected\n");
  root.write("sys/kernel/mm/transparent_hugepage/enabled", "always madvise [never]\n");
  root.write("sys/kernel/mm/transparent_hugepage/defrag", "always defer defer+madvise [madvise] never\n");
  root.write("proc/meminfo",
             "MemTotal:       263741440 kB\nMemFree:        250000000 kB\nHugePages_Total:      16\n"
             "Hugepagesize:       2048 kB\n");
  root.write("proc/loadavg", "1.50 0.80 0.40 2/300 12345\n");
  root.write("proc/cpuinfo", "processor\t: 0\nBogoMIPS\t: 50.00\nFeatures\t: fp asimd evtstrm aes\n");
  root.write("sys/class/dmi/id/product_name", "c6g.xlarge\n");
  root.write("sys/class/dmi/id/sys_vendor", "Amazon EC2\n");
  root.write("sys/class/dmi/id/board_name", "\n");
  root.write("sys/class/dmi/id/bios_version", "1.0\n");
  root.write("sys/firmware/dmi/tables/DMI",
             memory_device(32768, 0x1A, 3200, 2933) + memory_device(0, 0x02, 0, 0) +
                 memory_device(16384, 0x1A, 2933, 2933) + std::string("\x7f\x04\x00\x00\0\0", 6));
  root.write("proc/sys/kernel/perf_event_paranoid", "3\n");
  root.write("proc/sys/kernel/numa_balancing", "1\n");

  const Environment env = read_environment(root.path(), {"armperf", "run", "--profile", "quick"});
  EXPECT_EQ(env.hostname, "altra-01");
  EXPECT_EQ(env.kernel_version, "6.1.0-18-arm64");
  EXPECT_EQ(env.os, "Debian GNU/Linux 12 (bookworm)");
  EXPECT_EQ(env.boot_cmdline, "BOOT_IMAGE=/vmlinuz-6.1.0-18-arm64 root=/dev/nvme0n1p2 ro quiet");
  EXPECT_EQ(env.governors, (std::map<std::string, unsigned>{{"powersave", 2}}));
  ASSERT_TRUE(env.scaling_cur_khz);
  EXPECT_EQ(env.scaling_cur_khz->lowest, 1000000u);
  EXPECT_EQ(env.scaling_cur_khz->highest, 2800000u);
  EXPECT_EQ(env.scaling_max_khz->highest, 3000000u);
  EXPECT_EQ(env.thp_enabled, "never");
  EXPECT_EQ(env.thp_defrag, "madvise");
  EXPECT_EQ(env.mem_total_kib, 263741440u);
  EXPECT_EQ(env.hugepages_total, 16u);
  EXPECT_EQ(env.hugepage_size_kib, 2048u);
  EXPECT_EQ(env.mitigations.at("spectre_v2"), "Mitigation: CSV2, BHB");
  EXPECT_EQ(env.mitigations.at("meltdown"), "Not affected");
  ASSERT_TRUE(env.load_average);
  EXPECT_EQ(env.load_average->one_minute, 1.5);
  EXPECT_EQ(env.load_average->fifteen_minutes, 0.4);
  EXPECT_EQ(env.dmi_product_name, "c6g.xlarge");
  EXPECT_FALSE(env.dmi_board_name);  // an empty DMI string is no value
  EXPECT_EQ(env.smt_control, "notsupported");
  EXPECT_EQ(env.online_cpu_count, 2u);
  EXPECT_EQ(env.hypervisor, true);
  EXPECT_NE(env.hypervisor_evidence->find("amazon ec2"), std::string::npos) << *env.hypervisor_evidence;
  EXPECT_EQ(env.perf_event_paranoid, 3);
  EXPECT_EQ(env.numa_balancing, 1);
  ASSERT_TRUE(env.memory_modules);
  EXPECT_EQ(env.memory_modules->slots, 3u);
  EXPECT_EQ(env.memory_modules->populated, 2u);
  EXPECT_EQ(env.memory_modules->total_mib, 32768u + 16384u);
  EXPECT_EQ(env.memory_modules->type, "DDR4");
  EXPECT_EQ(env.memory_modules->speed_mts, 3200u);
  EXPECT_EQ(env.memory_modules->configured_speed_mts, 2933u);

  const auto lines = warnings(env);
  EXPECT_TRUE(any_line_contains(lines, "'powersave' on 2 of 2 CPUs")) << ::testing::PrintToString(lines);
  EXPECT_TRUE(any_line_contains(lines, "'never'")) << ::testing::PrintToString(lines);
  EXPECT_TRUE(any_line_contains(lines, "load average 1.50")) << ::testing::PrintToString(lines);
  EXPECT_TRUE(any_line_contains(lines, "numa_balancing=1")) << ::testing::PrintToString(lines);
  EXPECT_TRUE(any_line_contains(lines, "perf_event_paranoid=3")) << ::testing::PrintToString(lines);
  EXPECT_TRUE(any_line_contains(lines, "hypervisor")) << ::testing::PrintToString(lines);

  const nlohmann::json j = to_json(env);
  EXPECT_EQ(j.at(context_key::host_name), "altra-01");
  EXPECT_EQ(j.at(context_key::num_cpus), 2);
  EXPECT_EQ(j.at(context_key::cpu_scaling_enabled), true);
  EXPECT_EQ(j.at(context_key::load_avg), nlohmann::json::array({1.5, 0.8, 0.4}));
  EXPECT_EQ(j.at(context_key::cpufreq_governors), nlohmann::json({{"powersave", 2}}));
  EXPECT_EQ(j.at(context_key::executable), "armperf");
  EXPECT_EQ(j.at(context_key::command_line).size(), 4u);
  EXPECT_EQ(j.at(context_key::thp_enabled), "never");
  EXPECT_EQ(j.at(context_key::memory_modules).at("type"), "DDR4");
  EXPECT_FALSE(j.contains(context_key::dmi_board_name));
}

TEST(Environment, HypervisorVerdictFollowsTheEvidence) {
  {
    FakeRoot root;
    root.write("proc/cpuinfo", "processor\t: 0\nflags\t\t: fpu vme de pse tsc hypervisor lahf_lm\n");
    EXPECT_EQ(read_environment(root.path()).hypervisor, true);
  }
  {
    FakeRoot root;
    root.write("proc/cpuinfo", "processor\t: 0\nflags\t\t: fpu vme de pse tsc lahf_lm\n");
    root.write("sys/class/dmi/id/sys_vendor", "QEMU\n");  // the CPU's word wins on x86
    EXPECT_EQ(read_environment(root.path()).hypervisor, false);
  }
  {
    FakeRoot root;
    root.write("sys/class/dmi/id/sys_vendor", "Amazon EC2\n");
    root.write("sys/class/dmi/id/product_name", "c6g.metal\n");
    const Environment env = read_environment(root.path());
    EXPECT_EQ(env.hypervisor, false);
    EXPECT_FALSE(any_line_contains(warnings(env), "hypervisor"));
  }
  {
    FakeRoot root;
    root.write("sys/class/dmi/id/sys_vendor", "Ampere(R)\n");
    root.write("sys/class/dmi/id/product_name", "Mt.Jade\n");
    EXPECT_EQ(read_environment(root.path()).hypervisor, false);
  }
}

TEST(Environment, MalformedFilesAreAbsentFieldsNotErrors) {
  FakeRoot root;
  root.write("sys/devices/system/cpu/online", "0-x,7\n");
  root.write("proc/loadavg", "high\n");
  root.write("proc/meminfo", "MemTotal: lots\nHugePages_Total\n");
  root.write("proc/sys/kernel/perf_event_paranoid", "2 3\n");
  root.write("sys/kernel/mm/transparent_hugepage/enabled", "always madvise never\n");
  root.write("sys/firmware/dmi/tables/DMI",
             std::string("\x11\xff\x00\x00\x01", 5));  // a record longer than the table
  fs::create_directories(fs::path(root.path()) / "proc/sys/kernel/osrelease");  // a directory, not a file
  Environment env;
  ASSERT_NO_THROW(env = read_environment(root.path()));
  EXPECT_EQ(env.online_cpus, "0-x,7");
  EXPECT_FALSE(env.online_cpu_count);
  EXPECT_FALSE(env.load_average);
  EXPECT_FALSE(env.mem_total_kib);
  EXPECT_FALSE(env.hugepages_total);
  EXPECT_FALSE(env.perf_event_paranoid);
  EXPECT_FALSE(env.thp_enabled);
  EXPECT_FALSE(env.memory_modules);
  EXPECT_FALSE(env.kernel_version);
}

TEST(Environment, LiveMachineReadsWithoutThrowing) {
  const Environment env = read_environment();
  EXPECT_TRUE(env.kernel_version);  // /proc is there on every Linux, containers included
  EXPECT_TRUE(env.online_cpu_count.value_or(0) >= 1);
  EXPECT_NO_THROW(to_json(env).dump());
}

}  // namespace
}  // namespace armperf
