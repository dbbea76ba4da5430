#include "core/isa.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#if defined(__aarch64__)
#include <sys/auxv.h>
#include <sys/prctl.h>
#elif defined(__x86_64__)
#include <cpuid.h>
#endif

namespace armperf {

namespace {

struct IsaRow {
  Isa isa;
  std::string_view name;
  int rank;
  Arch arch;  // Arch::other: both (scalar)
};
constexpr std::array<IsaRow, 6> kIsas = {{
    {Isa::scalar, "scalar", 0, Arch::other},
    {Isa::neon, "neon", 1, Arch::aarch64},
    {Isa::sve, "sve", 2, Arch::aarch64},
    {Isa::sve2, "sve2", 3, Arch::aarch64},
    {Isa::avx2, "avx2", 1, Arch::x86_64},
    {Isa::avx512, "avx512", 2, Arch::x86_64},
}};

const IsaRow& row(Isa isa) {
  return *std::find_if(kIsas.begin(), kIsas.end(), [&](auto& r) { return r.isa == isa; });
}

bool isa_on_arch(Isa isa, Arch arch) {
  return row(isa).arch == Arch::other || row(isa).arch == arch;
}

// Linux arm64 AT_HWCAP / AT_HWCAP2 bits (arch/arm64/include/uapi/asm/hwcap.h).
struct HwcapBit {
  int word;  // 1 = AT_HWCAP, 2 = AT_HWCAP2
  int bit;
  std::string_view flag;
};
constexpr std::array<HwcapBit, 16> kHwcapBits = {{
    {1, 0, "fp"},        {1, 1, "asimd"},    {1, 3, "aes"},       {1, 7, "crc32"},
    {1, 8, "lse"},       {1, 10, "fp16"},    {1, 12, "rdm"},      {1, 15, "lrcpc"},
    {1, 20, "dotprod"},  {1, 22, "sve"},     {1, 23, "fhm"},      {2, 1, "sve2"},
    {2, 9, "svei8mm"},   {2, 12, "svebf16"}, {2, 13, "i8mm"},     {2, 14, "bf16"},
}};

// x86 cpuid feature bits (Intel SDM vol. 2A, CPUID; AMD APM vol. 3).
enum class Reg { l1_ecx, l7_ebx, l7_ecx, l7_edx, l7_1_eax };
struct CpuidBit {
  Reg reg;
  int bit;
  std::string_view flag;
};
constexpr std::array<CpuidBit, 13> kCpuidBits = {{
    {Reg::l1_ecx, 12, "fma"},          {Reg::l1_ecx, 29, "f16c"},
    {Reg::l7_ebx, 5, "avx2"},          {Reg::l7_ebx, 16, "avx512f"},
    {Reg::l7_ebx, 17, "avx512dq"},     {Reg::l7_ebx, 28, "avx512cd"},
    {Reg::l7_ebx, 30, "avx512bw"},     {Reg::l7_ebx, 31, "avx512vl"},
    {Reg::l7_ecx, 11, "avx512vnni"},   {Reg::l7_edx, 23, "avx512fp16"},
    {Reg::l7_1_eax, 4, "avxvnni"},     {Reg::l7_1_eax, 5, "avx512bf16"},
    {Reg::l7_ecx, 1, "avx512vbmi"},
}};

std::uint32_t reg_value(const CpuidWords& w, Reg reg) {
  switch (reg) {
    case Reg::l1_ecx: return w.leaf1_ecx;
    case Reg::l7_ebx: return w.leaf7_ebx;
    case Reg::l7_ecx: return w.leaf7_ecx;
    case Reg::l7_edx: return w.leaf7_edx;
    case Reg::l7_1_eax: return w.leaf7_1_eax;
  }
  return 0;
}

struct MidrPart {
  std::uint32_t implementer;
  std::uint32_t part;
  std::string_view core;
  std::string_view products;
};
// Parts we expect on servers and common dev boards. Altra and Altra Max carry Arm's own N1 MIDR,
// so the MIDR alone cannot tell them from Graviton2: the products column lists both.
constexpr std::array<MidrPart, 27> kParts = {{
    {0x41, 0xd03, "Cortex-A53", ""},
    {0x41, 0xd07, "Cortex-A57", ""},
    {0x41, 0xd08, "Cortex-A72", "AWS Graviton (A1), Raspberry Pi 4"},
    {0x41, 0xd0b, "Cortex-A76", "Raspberry Pi 5"},
    {0x41, 0xd0c, "Neoverse N1", "Ampere Altra, Ampere Altra Max, AWS Graviton2"},
    {0x41, 0xd40, "Neoverse V1", "AWS Graviton3"},
    {0x41, 0xd41, "Cortex-A78", ""},
    {0x41, 0xd44, "Cortex-X1", ""},
    {0x41, 0xd46, "Cortex-A510", ""},
    {0x41, 0xd47, "Cortex-A710", ""},
    {0x41, 0xd48, "Cortex-X2", ""},
    {0x41, 0xd49, "Neoverse N2", "Microsoft Cobalt 100, Alibaba Yitian 710"},
    {0x41, 0xd4f, "Neoverse V2", "NVIDIA Grace, AWS Graviton4, Google Axion"},
    {0x41, 0xd83, "Neoverse V3AE", ""},
    {0x41, 0xd84, "Neoverse V3", ""},
    {0x41, 0xd85, "Cortex-X925", "NVIDIA GB10"},
    {0x41, 0xd87, "Cortex-A725", "NVIDIA GB10"},
    {0x41, 0xd8e, "Neoverse N3", ""},
    {0x42, 0x516, "ThunderX2 (Vulcan)", "Marvell ThunderX2"},
    {0x43, 0x0af, "ThunderX2", "Marvell ThunderX2"},
    {0x46, 0x001, "A64FX", "Fujitsu A64FX"},
    {0x48, 0xd01, "TSV110", "HiSilicon Kunpeng 920"},
    {0x4e, 0x004, "Carmel", "NVIDIA Xavier"},
    {0x50, 0x000, "X-Gene", "Ampere eMAG (X-Gene 3)"},
    {0x51, 0xc00, "Falkor", "Qualcomm Centriq 2400"},
    {0xc0, 0xac3, "AmpereOne", "AmpereOne"},
    {0xc0, 0xac4, "AmpereOne (AC04)", "AmpereOne M"},
}};

constexpr std::array<std::pair<std::uint32_t, std::string_view>, 11> kImplementers = {{
    {0x41, "Arm"}, {0x42, "Broadcom"}, {0x43, "Cavium"}, {0x46, "Fujitsu"}, {0x48, "HiSilicon"},
    {0x4e, "NVIDIA"}, {0x50, "Applied Micro"}, {0x51, "Qualcomm"}, {0x61, "Apple"}, {0x6d, "Microsoft"},
    {0xc0, "Ampere"},
}};

std::string read_file(const char* path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// "model name : AMD EPYC" → "AMD EPYC"; empty when the key is absent.
std::string cpuinfo_value(const std::string& cpuinfo, std::string_view key) {
  std::istringstream in(cpuinfo);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(key, 0) != 0) continue;
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    auto value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    return value;
  }
  return {};
}

std::vector<Isa> detect_isas_and_fill(CpuInfo& info);

}  // namespace

std::string_view isa_name(Isa isa) { return row(isa).name; }

std::optional<Isa> parse_isa(std::string_view name) {
  for (auto& r : kIsas) {
    if (r.name == name) return r.isa;
  }
  return std::nullopt;
}

int isa_rank(Isa isa) { return row(isa).rank; }
bool isa_is_arm(Isa isa) { return row(isa).arch == Arch::aarch64; }
bool isa_is_x86(Isa isa) { return row(isa).arch == Arch::x86_64; }

std::string_view arch_name(Arch arch) {
  switch (arch) {
    case Arch::aarch64: return "aarch64";
    case Arch::x86_64: return "x86_64";
    case Arch::other: break;
  }
  return "other";
}

bool CpuFeatures::has(std::string_view flag) const {
  return std::find(flags.begin(), flags.end(), flag) != flags.end();
}

MidrInfo decode_midr(std::uint64_t midr) {
  MidrInfo info;
  info.implementer = static_cast<std::uint32_t>((midr >> 24) & 0xff);
  info.variant = static_cast<std::uint32_t>((midr >> 20) & 0xf);
  info.part = static_cast<std::uint32_t>((midr >> 4) & 0xfff);
  info.revision = static_cast<std::uint32_t>(midr & 0xf);
  info.vendor = fmt::format("unknown implementer 0x{:02x}", info.implementer);
  for (auto& [code, name] : kImplementers) {
    if (code == info.implementer) info.vendor = std::string(name);
  }
  info.core = fmt::format("unknown part 0x{:03x}", info.part);
  for (auto& p : kParts) {
    if (p.implementer == info.implementer && p.part == info.part) {
      info.core = std::string(p.core);
      info.products = std::string(p.products);
    }
  }
  return info;
}

CpuFeatures features_from_hwcap(std::uint64_t hwcap, std::uint64_t hwcap2) {
  CpuFeatures f;
  f.arch = Arch::aarch64;
  for (auto& b : kHwcapBits) {
    std::uint64_t word = b.word == 1 ? hwcap : hwcap2;
    if ((word >> b.bit) & 1u) f.flags.emplace_back(b.flag);
  }
  return f;
}

CpuFeatures features_from_cpuid(const CpuidWords& words) {
  CpuFeatures f;
  f.arch = Arch::x86_64;
  // A feature the OS does not save registers for is unusable: AVX needs XCR0 bits 1-2 (SSE, AVX),
  // AVX-512 also bits 5-7 (opmask, ZMM0-15 upper halves, ZMM16-31).
  const bool os_avx = (words.xcr0 & 0x6) == 0x6;
  const bool os_avx512 = os_avx && (words.xcr0 & 0xe0) == 0xe0;
  for (auto& b : kCpuidBits) {
    if (!((reg_value(words, b.reg) >> b.bit) & 1u)) continue;
    const bool is_512 = b.flag.rfind("avx512", 0) == 0;
    if ((is_512 && !os_avx512) || (!is_512 && !os_avx)) continue;
    f.flags.emplace_back(b.flag);
  }
  return f;
}

std::string x86_microarchitecture(std::string_view vendor, unsigned family, unsigned model, bool amx) {
  const std::string numbers = fmt::format("family 0x{:x} model 0x{:x}", family, model);
  std::string_view name;
  if (vendor == "AuthenticAMD") {
    name = family == 0x17 ? "Zen/Zen2" : family == 0x19 ? "Zen3/Zen4" : family == 0x1a ? "Zen5" : "";
  } else if (vendor == "GenuineIntel" && family == 0x6) {
    // Xeon Scalable cores only, each a model number whose every SKU has the same FMA units (Skylake-SP's
    // 0x55 is not one: its SKUs have one or two 512-bit FMA units). Intel SDM vol. 4, table 2-1.
    switch (model) {
      case 0x6a: name = "Ice Lake-SP"; break;
      case 0x8f: name = "Sapphire Rapids"; break;
      case 0xcf: name = "Emerald Rapids"; break;
      case 0xad: name = "Granite Rapids"; break;
      default: name = amx ? "Sapphire Rapids or later (AMX)" : ""; break;
    }
  }
  return name.empty() ? numbers : fmt::format("{} ({})", name, numbers);
}

std::vector<Isa> isas_from_features(const CpuFeatures& f) {
  std::vector<Isa> isas{Isa::scalar};
  if (f.arch == Arch::aarch64) {
    if (f.has("asimd")) isas.push_back(Isa::neon);
    if (f.has("sve")) isas.push_back(Isa::sve);
    if (f.has("sve2")) isas.push_back(Isa::sve2);
  } else if (f.arch == Arch::x86_64) {
    // Our AVX2 kernels use FMA; our AVX-512 kernels use the F/BW/DQ/VL subset (Skylake-SP onward).
    if (f.has("avx2") && f.has("fma")) isas.push_back(Isa::avx2);
    if (f.has("avx512f") && f.has("avx512bw") && f.has("avx512dq") && f.has("avx512vl")) {
      isas.push_back(Isa::avx512);
    }
  }
  return isas;
}

IsaCap parse_isa_cap(const char* value, Arch arch) {
  IsaCap cap;
  if (value == nullptr || *value == '\0') return cap;
  std::string allowed;
  for (auto& r : kIsas) {
    if (isa_on_arch(r.isa, arch)) allowed += (allowed.empty() ? "" : ", ") + std::string(r.name);
  }
  auto isa = parse_isa(value);
  if (!isa || !isa_on_arch(*isa, arch)) {
    cap.error = fmt::format("ARMPERF_MAX_ISA={}: expected one of {} on {}", value, allowed, arch_name(arch));
    return cap;
  }
  cap.max = isa;
  return cap;
}

std::vector<Isa> apply_cap(const std::vector<Isa>& isas, const std::optional<Isa>& cap) {
  if (!cap) return isas;
  std::vector<Isa> out;
  for (Isa isa : isas) {
    if (isa_rank(isa) <= isa_rank(*cap)) out.push_back(isa);
  }
  return out;
}

std::optional<std::uint64_t> midr_from_cpuinfo(const std::string& cpuinfo) {
  auto field = [&](std::string_view key) -> std::optional<std::uint64_t> {
    auto v = cpuinfo_value(cpuinfo, key);
    if (v.empty()) return std::nullopt;
    return std::strtoull(v.c_str(), nullptr, 0);
  };
  auto impl = field("CPU implementer"), variant = field("CPU variant"), part = field("CPU part"),
       rev = field("CPU revision");
  if (!impl || !part) return std::nullopt;
  // /proc/cpuinfo prints the architecture as "8"; in MIDR_EL1 ARMv8+ cores carry 0xf there.
  return (*impl << 24) | (variant.value_or(0) << 20) | (std::uint64_t{0xf} << 16) | (*part << 4) |
         rev.value_or(0);
}

namespace {

std::vector<Isa> detect_isas_and_fill(CpuInfo& info) {
  const std::string cpuinfo = read_file("/proc/cpuinfo");
#if defined(__aarch64__)
  info.arch = Arch::aarch64;
  info.features = features_from_hwcap(getauxval(AT_HWCAP), getauxval(AT_HWCAP2));
  if (info.features.has("sve")) {
    // PR_SVE_GET_VL answers in bytes in the low bits; no SVE instruction needed in a baseline file.
    int vl = prctl(PR_SVE_GET_VL);
    if (vl > 0) info.features.sve_vector_bits = static_cast<unsigned>(vl & PR_SVE_VL_LEN_MASK) * 8;
  }
  std::string midr_text = read_file("/sys/devices/system/cpu/cpu0/regs/identification/midr_el1");
  std::optional<std::uint64_t> midr;
  if (!midr_text.empty()) midr = std::strtoull(midr_text.c_str(), nullptr, 16);
  if (!midr) midr = midr_from_cpuinfo(cpuinfo);
  if (midr) {
    info.midr_raw = *midr;
    info.midr = decode_midr(*midr);
    info.vendor = info.midr->vendor;
    info.microarchitecture = info.midr->core;
    info.model = info.midr->products.empty() ? info.midr->core : info.midr->products;
  }
#elif defined(__x86_64__)
  info.arch = Arch::x86_64;
  CpuidWords w;
  unsigned a = 0, b = 0, c = 0, d = 0;
  __cpuid(0, a, b, c, d);
  const unsigned max_leaf = a;
  char vendor[13] = {};
  std::copy_n(reinterpret_cast<char*>(&b), 4, vendor);
  std::copy_n(reinterpret_cast<char*>(&d), 4, vendor + 4);
  std::copy_n(reinterpret_cast<char*>(&c), 4, vendor + 8);
  info.vendor = vendor;
  __cpuid(1, a, b, c, d);
  w.leaf1_ecx = c;
  const unsigned base_family = (a >> 8) & 0xf, base_model = (a >> 4) & 0xf;
  const unsigned family = base_family == 0xf ? base_family + ((a >> 20) & 0xff) : base_family;
  const unsigned model = (base_family == 0x6 || base_family == 0xf) ? (((a >> 16) & 0xf) << 4) | base_model
                                                                    : base_model;
  if (max_leaf >= 7) {
    __cpuid_count(7, 0, a, b, c, d);
    w.leaf7_ebx = b, w.leaf7_ecx = c, w.leaf7_edx = d;
    __cpuid_count(7, 1, a, b, c, d);
    w.leaf7_1_eax = a;
  }
  if ((w.leaf1_ecx >> 27) & 1u) {  // OSXSAVE: xgetbv is available
    unsigned lo = 0, hi = 0;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    w.xcr0 = (std::uint64_t{hi} << 32) | lo;
  }
  info.features = features_from_cpuid(w);
  info.model = cpuinfo_value(cpuinfo, "model name");
  info.microarchitecture = x86_microarchitecture(info.vendor, family, model, (w.leaf7_edx >> 24) & 1u);
#else
  info.arch = Arch::other;
  info.model = cpuinfo_value(cpuinfo, "model name");
#endif
  return isas_from_features(info.features);
}

CpuInfo detect() {
  CpuInfo info;
  info.detected = detect_isas_and_fill(info);
  IsaCap cap = parse_isa_cap(std::getenv("ARMPERF_MAX_ISA"), info.arch);
  info.cap_error = cap.error;
  info.enabled = apply_cap(info.detected, cap.max);
  return info;
}

}  // namespace

const CpuInfo& this_cpu() {
  static const CpuInfo info = detect();
  return info;
}

bool isa_enabled(Isa isa) {
  auto& e = this_cpu().enabled;
  return std::find(e.begin(), e.end(), isa) != e.end();
}

std::string isa_skip_reason(Isa isa) {
  if (isa_enabled(isa)) return {};
  auto& d = this_cpu().detected;
  if (std::find(d.begin(), d.end(), isa) != d.end()) {
    return fmt::format("isa capped by ARMPERF_MAX_ISA={}: {}", std::getenv("ARMPERF_MAX_ISA"), isa_name(isa));
  }
  return fmt::format("isa unsupported: {}", isa_name(isa));
}

std::string feature_source(std::string_view flag) {
  for (const auto& b : kHwcapBits) {
    if (b.flag == flag) return fmt::format("AT_HWCAP{} bit {}", b.word == 1 ? "" : "2", b.bit);
  }
  static constexpr std::array<std::string_view, 5> kRegNames = {"cpuid 1 ecx", "cpuid 7.0 ebx", "cpuid 7.0 ecx",
                                                                 "cpuid 7.0 edx", "cpuid 7.1 eax"};
  for (const auto& b : kCpuidBits) {
    if (b.flag == flag) return fmt::format("{} bit {}", kRegNames[static_cast<std::size_t>(b.reg)], b.bit);
  }
  return {};
}

std::string feature_skip_reason(std::string_view flag) {
  if (this_cpu().features.has(flag)) return {};
  const std::string source = feature_source(flag);
  return fmt::format("cpu lacks {}{}", flag, source.empty() ? "" : " (" + source + ")");
}

}  // namespace armperf
