#include "core/isa.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>

using namespace armperf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Not;

namespace {

constexpr std::uint64_t bit(int n) { return std::uint64_t{1} << n; }

TEST(IsaHwcap, NeoverseN1LikeHasNeonDotprodNoSve) {
  // Altra: fp asimd aes crc32 atomics(lse) fphp asimdhp(fp16) asimdrdm lrcpc asimddp(dotprod).
  const std::uint64_t hwcap = bit(0) | bit(1) | bit(3) | bit(7) | bit(8) | bit(9) | bit(10) | bit(12) |
                              bit(15) | bit(20);
  CpuFeatures f = features_from_hwcap(hwcap, 0);
  EXPECT_EQ(f.arch, Arch::aarch64);
  EXPECT_TRUE(f.has("asimd"));
  EXPECT_TRUE(f.has("lse"));
  EXPECT_TRUE(f.has("fp16"));
  EXPECT_TRUE(f.has("dotprod"));
  EXPECT_FALSE(f.has("sve"));
  EXPECT_FALSE(f.has("i8mm"));
  EXPECT_THAT(isas_from_features(f), ElementsAre(Isa::scalar, Isa::neon));
}

TEST(IsaHwcap, NeoverseV2LikeHasSve2I8mmBf16) {
  const std::uint64_t hwcap = bit(1) | bit(8) | bit(20) | bit(22);
  const std::uint64_t hwcap2 = bit(1) | bit(13) | bit(14);
  CpuFeatures f = features_from_hwcap(hwcap, hwcap2);
  EXPECT_TRUE(f.has("sve"));
  EXPECT_TRUE(f.has("sve2"));
  EXPECT_TRUE(f.has("i8mm"));
  EXPECT_TRUE(f.has("bf16"));
  EXPECT_THAT(isas_from_features(f), ElementsAre(Isa::scalar, Isa::neon, Isa::sve, Isa::sve2));
}

TEST(IsaCpuid, AvxNeedsOsSupport) {
  CpuidWords w;
  w.leaf1_ecx = (1u << 12) | (1u << 29);                        // fma, f16c
  w.leaf7_ebx = (1u << 5) | (1u << 16) | (1u << 17) | (1u << 30) | (1u << 31);  // avx2, avx512 f/dq/bw/vl
  w.xcr0 = 0x7;                                                 // x87, SSE, AVX: no AVX-512 state
  CpuFeatures f = features_from_cpuid(w);
  EXPECT_TRUE(f.has("avx2"));
  EXPECT_FALSE(f.has("avx512f"));
  EXPECT_THAT(isas_from_features(f), ElementsAre(Isa::scalar, Isa::avx2));

  w.xcr0 = 0xe7;
  f = features_from_cpuid(w);
  EXPECT_TRUE(f.has("avx512bw"));
  EXPECT_THAT(isas_from_features(f), ElementsAre(Isa::scalar, Isa::avx2, Isa::avx512));

  w.xcr0 = 0x1;  // OS saves no AVX state at all
  EXPECT_THAT(isas_from_features(features_from_cpuid(w)), ElementsAre(Isa::scalar));
}

TEST(IsaCpuid, Avx512WithoutBwIsNotOurAvx512) {
  CpuidWords w;
  w.leaf1_ecx = 1u << 12;
  w.leaf7_ebx = (1u << 5) | (1u << 16);  // Knights Landing style: F without BW/DQ/VL
  w.xcr0 = 0xe7;
  EXPECT_THAT(isas_from_features(features_from_cpuid(w)), Not(Contains(Isa::avx512)));
}

struct MidrCase {
  std::uint64_t midr;
  const char* vendor;
  const char* core;
  const char* product_substring;
};

class MidrDecode : public ::testing::TestWithParam<MidrCase> {};

TEST_P(MidrDecode, NamesThePart) {
  const auto& c = GetParam();
  MidrInfo info = decode_midr(c.midr);
  EXPECT_EQ(info.vendor, c.vendor);
  EXPECT_EQ(info.core, c.core);
  EXPECT_THAT(info.products, ::testing::HasSubstr(c.product_substring));
}

INSTANTIATE_TEST_SUITE_P(
    Servers, MidrDecode,
    ::testing::Values(MidrCase{0x413fd0c1, "Arm", "Neoverse N1", "Ampere Altra"},
                      MidrCase{0xc00fac30, "Ampere", "AmpereOne", "AmpereOne"},
                      MidrCase{0x411fd401, "Arm", "Neoverse V1", "Graviton3"},
                      MidrCase{0x410fd4f0, "Arm", "Neoverse V2", "Grace"},
                      MidrCase{0x481fd010, "HiSilicon", "TSV110", "Kunpeng 920"},
                      MidrCase{0x500f0000, "Applied Micro", "X-Gene", "eMAG"},
                      MidrCase{0x460f0010, "Fujitsu", "A64FX", "A64FX"}));

TEST(MidrDecode, FieldsAndUnknownParts) {
  MidrInfo info = decode_midr(0x413fd0c1);
  EXPECT_EQ(info.implementer, 0x41u);
  EXPECT_EQ(info.variant, 3u);
  EXPECT_EQ(info.part, 0xd0cu);
  EXPECT_EQ(info.revision, 1u);
  MidrInfo unknown = decode_midr(0x7a0f1230);
  EXPECT_EQ(unknown.vendor, "unknown implementer 0x7a");
  EXPECT_EQ(unknown.core, "unknown part 0x123");
}

TEST(MidrDecode, RebuiltFromProcCpuinfo) {
  const std::string altra =
      "processor\t: 0\nBogoMIPS\t: 50.00\nFeatures\t: fp asimd\nCPU implementer\t: 0x41\n"
      "CPU architecture: 8\nCPU variant\t: 0x3\nCPU part\t: 0xd0c\nCPU revision\t: 1\n";
  auto midr = midr_from_cpuinfo(altra);
  ASSERT_TRUE(midr.has_value());
  EXPECT_EQ(*midr, 0x413fd0c1u);
  EXPECT_FALSE(midr_from_cpuinfo("model name\t: AMD EPYC\n").has_value());
}

// The names core/peak.cpp's table looks cores up by. A VM may report a model that is not its host's (a
// Granite Rapids VM reported 0xa7, a client Rocket Lake): with AMX the core is named by the server cores
// that brought it, without it by its numbers alone.
TEST(IsaCpuid, NamesX86Microarchitectures) {
  EXPECT_EQ(x86_microarchitecture("AuthenticAMD", 0x1a, 0x2, false), "Zen5 (family 0x1a model 0x2)");
  EXPECT_EQ(x86_microarchitecture("AuthenticAMD", 0x19, 0x1, false), "Zen3/Zen4 (family 0x19 model 0x1)");
  EXPECT_EQ(x86_microarchitecture("GenuineIntel", 0x6, 0x8f, true),
            "Sapphire Rapids (family 0x6 model 0x8f)");
  EXPECT_EQ(x86_microarchitecture("GenuineIntel", 0x6, 0xad, true), "Granite Rapids (family 0x6 model 0xad)");
  EXPECT_EQ(x86_microarchitecture("GenuineIntel", 0x6, 0x6a, false), "Ice Lake-SP (family 0x6 model 0x6a)");
  EXPECT_EQ(x86_microarchitecture("GenuineIntel", 0x6, 0xa7, true),
            "Sapphire Rapids or later (AMX) (family 0x6 model 0xa7)");
  EXPECT_EQ(x86_microarchitecture("GenuineIntel", 0x6, 0xa7, false), "family 0x6 model 0xa7");
  // Skylake-SP's SKUs differ in FMA units: not named.
  EXPECT_EQ(x86_microarchitecture("GenuineIntel", 0x6, 0x55, false), "family 0x6 model 0x55");
  // AMX on another vendor or family names nothing.
  EXPECT_EQ(x86_microarchitecture("AuthenticAMD", 0x6, 0x8f, true), "family 0x6 model 0x8f");
  EXPECT_EQ(x86_microarchitecture("GenuineIntel", 0x13, 0x1, true), "family 0x13 model 0x1");
}

TEST(IsaCap, CapsWithinTheArchitecture) {
  const std::vector<Isa> arm = {Isa::scalar, Isa::neon, Isa::sve, Isa::sve2};
  IsaCap cap = parse_isa_cap("neon", Arch::aarch64);
  ASSERT_TRUE(cap.error.empty());
  EXPECT_THAT(apply_cap(arm, cap.max), ElementsAre(Isa::scalar, Isa::neon));

  const std::vector<Isa> x86 = {Isa::scalar, Isa::avx2, Isa::avx512};
  EXPECT_THAT(apply_cap(x86, parse_isa_cap("avx2", Arch::x86_64).max), ElementsAre(Isa::scalar, Isa::avx2));
  EXPECT_THAT(apply_cap(x86, parse_isa_cap("scalar", Arch::x86_64).max), ElementsAre(Isa::scalar));
  EXPECT_THAT(apply_cap(x86, parse_isa_cap(nullptr, Arch::x86_64).max), ElementsAre(Isa::scalar, Isa::avx2, Isa::avx512));
}

TEST(IsaCap, RejectsOtherArchitectureAndGarbage) {
  IsaCap cap = parse_isa_cap("avx512", Arch::aarch64);
  EXPECT_FALSE(cap.max.has_value());
  EXPECT_THAT(cap.error, ::testing::HasSubstr("ARMPERF_MAX_ISA=avx512"));
  EXPECT_THAT(cap.error, ::testing::HasSubstr("scalar, neon, sve, sve2"));
  EXPECT_THAT(parse_isa_cap("sse9", Arch::x86_64).error, ::testing::HasSubstr("expected one of scalar, avx2, avx512"));
}

TEST(IsaThisCpu, ConsistentWithTheBuild) {
  const CpuInfo& cpu = this_cpu();
#if defined(__aarch64__)
  EXPECT_EQ(cpu.arch, Arch::aarch64);
  EXPECT_THAT(cpu.detected, Contains(Isa::neon));  // every aarch64 Linux CPU we support has AdvSIMD
  if (cpu.features.has("sve")) {
    EXPECT_GE(cpu.features.sve_vector_bits, 128u);
    EXPECT_LE(cpu.features.sve_vector_bits, 2048u);
    EXPECT_EQ(cpu.features.sve_vector_bits % 128, 0u);
  }
  // scripts/test.sh states the vector length it asked qemu for; detection must agree.
  if (const char* expected = std::getenv("ARMPERF_EXPECT_SVE_BITS")) {
    EXPECT_EQ(cpu.features.sve_vector_bits, std::strtoul(expected, nullptr, 10));
  }
#elif defined(__x86_64__)
  EXPECT_EQ(cpu.arch, Arch::x86_64);
  EXPECT_FALSE(cpu.vendor.empty());
#endif
  EXPECT_THAT(cpu.enabled, Contains(Isa::scalar));
  for (Isa isa : cpu.enabled) EXPECT_THAT(cpu.detected, Contains(isa));
  EXPECT_TRUE(isa_enabled(Isa::scalar));
  EXPECT_TRUE(isa_skip_reason(Isa::scalar).empty());
}

TEST(IsaFeatures, SourcesNameTheBitAndSkipsSayWhy) {
  // The bits the peakflops dot-product and bf16 rows are gated on (Linux hwcap.h; Intel SDM CPUID).
  EXPECT_EQ(feature_source("bf16"), "AT_HWCAP2 bit 14");
  EXPECT_EQ(feature_source("dotprod"), "AT_HWCAP bit 20");
  EXPECT_EQ(feature_source("svei8mm"), "AT_HWCAP2 bit 9");
  EXPECT_EQ(feature_source("avx512vnni"), "cpuid 7.0 ecx bit 11");
  EXPECT_EQ(feature_source("avx512bf16"), "cpuid 7.1 eax bit 5");
  EXPECT_EQ(feature_source("no-such-flag"), "");
  EXPECT_EQ(feature_skip_reason("no-such-flag"), "cpu lacks no-such-flag");
  for (const auto& flag : this_cpu().features.flags) EXPECT_EQ(feature_skip_reason(flag), "") << flag;
  const CpuFeatures v2 = features_from_hwcap(0, (1u << 13) | (1u << 14));
  EXPECT_TRUE(v2.has("i8mm") && v2.has("bf16"));
  EXPECT_FALSE(v2.has("dotprod"));
}

TEST(IsaNames, RoundTrip) {
  for (Isa isa : {Isa::scalar, Isa::neon, Isa::sve, Isa::sve2, Isa::avx2, Isa::avx512}) {
    EXPECT_EQ(parse_isa(isa_name(isa)), isa);
  }
  EXPECT_FALSE(parse_isa("mmx").has_value());
}

}  // namespace
