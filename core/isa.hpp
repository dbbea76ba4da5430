// Runtime ISA detection (DESIGN §3). The only place that asks the CPU what it can do: getauxval
// HWCAP/HWCAP2 and MIDR on ARM, cpuid on x86. Every parse step takes its raw input as a value so
// tests cover ARM parsing on x86 and the reverse.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace armperf {

// The SIMD levels kernels are written for, one enum for both architectures (as in FAISS).
enum class Isa { scalar, neon, sve, sve2, avx2, avx512 };

std::string_view isa_name(Isa isa);
std::optional<Isa> parse_isa(std::string_view name);
// Order within an architecture: scalar < neon < sve < sve2, scalar < avx2 < avx512.
int isa_rank(Isa isa);
bool isa_is_arm(Isa isa);
bool isa_is_x86(Isa isa);

enum class Arch { aarch64, x86_64, other };
std::string_view arch_name(Arch arch);

// What an ARM MIDR_EL1 value says: implementer, part number, and the names we know for the part.
struct MidrInfo {
  std::uint32_t implementer = 0;  // bits 31:24
  std::uint32_t variant = 0;      // bits 23:20
  std::uint32_t part = 0;         // bits 15:4
  std::uint32_t revision = 0;     // bits 3:0
  std::string vendor;             // "Ampere", "Arm", "HiSilicon", ... or "unknown (0x..)"
  std::string core;               // "Neoverse N1", "AmpereOne", ... or "unknown part 0x.."
  std::string products;           // systems known to use the core: "Ampere Altra, AWS Graviton2"
};
MidrInfo decode_midr(std::uint64_t midr);
// MIDR rebuilt from /proc/cpuinfo's "CPU implementer/variant/part/revision" lines (the fallback
// when sysfs has no midr_el1); empty when the text has no implementer or part.
std::optional<std::uint64_t> midr_from_cpuinfo(const std::string& cpuinfo);

struct CpuFeatures {
  Arch arch = Arch::other;
  std::vector<std::string> flags;     // lower-case names: "asimd", "sve", "avx512f", ...
  unsigned sve_vector_bits = 0;       // 0 when the CPU has no SVE
  bool has(std::string_view flag) const;
};

// ARM: the AT_HWCAP / AT_HWCAP2 words as the Linux kernel defines them.
CpuFeatures features_from_hwcap(std::uint64_t hwcap, std::uint64_t hwcap2);

// x86: the cpuid words that carry the features we use (leaf 1 ecx, leaf 7.0 ebx/ecx/edx,
// leaf 7.1 eax) and whether the OS saves AVX / AVX-512 state (xgetbv XCR0).
struct CpuidWords {
  std::uint32_t leaf1_ecx = 0;
  std::uint32_t leaf7_ebx = 0, leaf7_ecx = 0, leaf7_edx = 0;
  std::uint32_t leaf7_1_eax = 0;
  std::uint64_t xcr0 = 0;
};
CpuFeatures features_from_cpuid(const CpuidWords& words);

// The microarchitecture name of an x86 core from its vendor string, cpuid family and model, and whether
// cpuid reports AMX-TILE (leaf 7.0 edx bit 24), with the numbers in parentheses: "Zen5 (family 0x1a
// model 0x2)", "Sapphire Rapids (family 0x6 model 0x8f)". core/peak.cpp's table finds cores by these
// names. Virtual machines may report a model that is not the host's: an Intel core with AMX under an
// unknown model is named as the server cores that brought AMX ("Sapphire Rapids or later"), which share
// its FMA hardware; any other unknown core is named by its numbers alone.
std::string x86_microarchitecture(std::string_view vendor, unsigned family, unsigned model, bool amx);

// The ISAs the features allow, before any cap.
std::vector<Isa> isas_from_features(const CpuFeatures& features);

// ARMPERF_MAX_ISA: a cap naming an ISA of this architecture ("scalar", "neon", "avx2", ...).
// Returns the error message for a value that names no ISA or one of the other architecture.
struct IsaCap {
  std::optional<Isa> max;   // empty: no cap
  std::string error;        // non-empty: the cap was rejected
};
IsaCap parse_isa_cap(const char* value, Arch arch);
std::vector<Isa> apply_cap(const std::vector<Isa>& isas, const std::optional<Isa>& cap);

// The machine we run on, detected once.
struct CpuInfo {
  Arch arch = Arch::other;
  std::string vendor;             // "Ampere", "AuthenticAMD", ...
  std::string model;              // /proc/cpuinfo model name, or the MIDR core name on ARM
  std::string microarchitecture;  // "Neoverse N1" for ARM; cpuid family/model for x86
  std::optional<MidrInfo> midr;   // ARM only
  std::uint64_t midr_raw = 0;
  CpuFeatures features;
  std::vector<Isa> detected;      // what the CPU supports
  std::vector<Isa> enabled;       // detected, after ARMPERF_MAX_ISA
  std::string cap_error;          // why ARMPERF_MAX_ISA was rejected, if it was
};
const CpuInfo& this_cpu();

// True when a variant for this ISA may run here (detected and under the cap).
bool isa_enabled(Isa isa);
// "isa unsupported: sve" / "isa capped by ARMPERF_MAX_ISA=neon: sve"; empty when enabled.
std::string isa_skip_reason(Isa isa);

// Where a feature flag comes from: "AT_HWCAP2 bit 14" (ARM), "cpuid 7.1 eax bit 5" (x86); empty for
// a name neither table knows.
std::string feature_source(std::string_view flag);
// "cpu lacks bf16 (AT_HWCAP2 bit 14)" when this CPU does not report the feature; empty when it does.
// For optional instructions of an enabled ISA (dot products, bf16, i8mm, VNNI, ...).
std::string feature_skip_reason(std::string_view flag);

}  // namespace armperf
