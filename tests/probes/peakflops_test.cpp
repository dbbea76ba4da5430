#include <dlfcn.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>
#include <string>

#include "probes/kernels/peakflops.hpp"
#include "core/peak.hpp"
#include "probes/peakflops.hpp"

namespace armperf::probes {
namespace {

class FmaKernelTest : public ::testing::TestWithParam<const FmaKernel*> {
 protected:
  void SetUp() override {
    if (!isa_enabled(GetParam()->isa)) GTEST_SKIP() << isa_skip_reason(GetParam()->isa);
    if (!GetParam()->feature.empty() && !feature_skip_reason(GetParam()->feature).empty())
      GTEST_SKIP() << feature_skip_reason(GetParam()->feature);
  }
};

TEST_P(FmaKernelTest, EveryChainGivesItsResult) {
  const FmaKernel& k = *GetParam();
  ASSERT_GT(k.lanes(), 0u);
  const double lanes = static_cast<double>(k.lanes());
  const double chains = k.accumulators;
  const double starts = chains * (chains - 1) / 2;  // chain j starts at j: 0 + 1 + ... + (K - 1)
  if (k.chain == Chain::fma) {
    // acc = 0.5·acc + 1 reaches exactly 2 in every lane of every accumulator, whatever its start.
    EXPECT_EQ(k.run(200, 0.5, 1.0), 2.0 * chains * lanes);
    EXPECT_EQ(k.run(64, 0.5, 1.0), 2.0 * chains * lanes);  // the probe's fewest rounds per window
    // One round: lane of chain j holds j·a + b, so a dropped lane or chain, or chains merged into one
    // (equal values would let the compiler do it), shows.
    EXPECT_EQ(k.run(1, 0.5, 3.0), lanes * (0.5 * starts + 3.0 * chains));
    // Two rounds: j·a² + a·b + b, which needs the multiply of both rounds.
    EXPECT_EQ(k.run(2, 0.5, 4.0), lanes * (0.25 * starts + 6.0 * chains));
  } else if (k.chain == Chain::accumulate) {
    // Chain j starts at j + 1 and adds a·b every round (exact in f16 up to 2048): a dropped round,
    // chain or lane, or a multiply that is not there, changes the sum.
    const double from_one = starts + chains;
    EXPECT_EQ(k.run(1, 2.0, 3.0), lanes * (from_one + chains * 6.0));
    EXPECT_EQ(k.run(2, 2.0, -1.0), lanes * (from_one - chains * 4.0));
    EXPECT_EQ(k.run(200, 1.0, 1.0), lanes * (from_one + chains * 200));
    // The probe's a·b is lost to rounding in every chain: none moves off its start.
    EXPECT_EQ(k.run(5000, k.probe_a(), k.probe_b()), lanes * from_one);
  } else {
    // Every round adds products_per_lane · a · b to every lane: a product or a lane of the
    // instruction that is not there, or a dropped round or chain, changes the sum.
    const double p = k.products_per_lane;
    EXPECT_EQ(k.run(1, 2.0, 3.0), lanes * (starts + chains * p * 6.0));
    EXPECT_EQ(k.run(2, 2.0, -1.0), lanes * (starts - chains * 2 * p * 2.0));
    EXPECT_EQ(k.run(200, 1.0, 1.0), lanes * (starts + chains * 200 * p));
  }
  EXPECT_EQ(k.run(64, k.probe_a(), k.probe_b()), k.expected(64));
  EXPECT_EQ(k.run(1000, k.probe_a(), k.probe_b()), k.expected(1000));
  EXPECT_EQ(k.flops_per_iteration(), 2.0 * k.products_per_lane * chains * lanes);
}

TEST_P(FmaKernelTest, EnoughAccumulatorsToFillThePipes) {
  // The widest table entry (V2: 4 pipes x 4 cycles) needs 16 chains; x86 has 16 ymm registers only.
  EXPECT_GE(GetParam()->accumulators, GetParam()->isa == Isa::avx2 ? 12 : 16);
}

// ---- the operation count against the generated code ------------------------------------------------

struct Instruction {
  std::uint64_t address = 0;
  std::string mnemonic, operands;
  std::optional<std::uint64_t> target;  // a direct branch's destination
};

// The disassembly of the function at fn (this executable), up to the next symbol; empty with `error`
// set when there is no disassembler.
std::vector<Instruction> disassemble(const void* fn, std::string& error) {
  Dl_info info{};
  if (dladdr(fn, &info) == 0) {
    error = "dladdr found no object for the kernel";
    return {};
  }
  char exe[4096] = {};
  const ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
  if (len <= 0) {
    error = "no /proc/self/exe";
    return {};
  }
  // A PIE executable (ELF e_type 3) is disassembled at file addresses: subtract the load base.
  std::ifstream elf(exe, std::ios::binary);
  char header[18] = {};
  elf.read(header, sizeof(header));
  const bool pie = header[16] == 3;
  const auto start = reinterpret_cast<std::uintptr_t>(fn) - (pie ? reinterpret_cast<std::uintptr_t>(info.dli_fbase) : 0);
  const std::string command = fmt::format("{} -d --no-show-raw-insn --start-address=0x{:x} --stop-address=0x{:x} '{}' 2>&1",
                                          ARMPERF_OBJDUMP, start, start + 16384, exe);
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    error = "cannot run " + command;
    return {};
  }
  std::string text;
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof(buffer), pipe)) text.append(buffer, n);
  if (pclose(pipe) != 0) {
    error = command + " failed: " + text.substr(0, 200);
    return {};
  }
  static const std::regex line_re(R"(^\s*([0-9a-f]+):\s+(\S+)\s*(.*)$)");
  static const std::regex symbol_re(R"(^[0-9a-f]+ <.*>:$)");
  static const std::regex target_re(R"((?:^|[\s,])([0-9a-f]+) <[^>]*>)");
  std::vector<Instruction> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (std::regex_match(line, symbol_re) && !out.empty()) break;  // the next function
    std::smatch m;
    if (!std::regex_match(line, m, line_re)) continue;
    std::string operands = m[3].str();
    // objdump's comments: "// b.any" (aarch64, where '#' marks an immediate), "# 1234 <sym>" (x86).
#if defined(__x86_64__)
    operands = operands.substr(0, operands.find('#'));
#else
    operands = operands.substr(0, operands.find("//"));
#endif
    Instruction ins{std::stoull(m[1].str(), nullptr, 16), m[2].str(), operands, std::nullopt};
    if (std::smatch t; std::regex_search(ins.operands, t, target_re)) ins.target = std::stoull(t[1].str(), nullptr, 16);
    out.push_back(ins);
  }
  if (out.empty()) error = "no instructions in: " + text.substr(0, 300);
  return out;
}

bool is_branch(const std::string& m) {
#if defined(__x86_64__)
  return m[0] == 'j';
#else
  return m == "b" || m.rfind("b.", 0) == 0 || m == "cbz" || m == "cbnz" || m == "tbz" || m == "tbnz";
#endif
}

// Operations one instruction of the kernel's kind performs, from its mnemonic and register operands
// alone (the instruction set manuals), independent of the kernel's own counting; 0 for any other
// instruction.
double ops_of(const FmaKernel& k, const Instruction& ins) {
  const std::string& m = ins.mnemonic;
  int products = 0, lane_bits = 0, register_bits = 0;
#if defined(__x86_64__)
  static const std::regex fma_re(R"(vfmadd(132|213|231)(ps|pd|ph|ss|sd|sh))");
  std::smatch f;
  if (k.instruction == "vfmadd" && std::regex_match(m, f, fma_re)) {
    products = 1;
    const std::string type = f[2].str();
    lane_bits = type[1] == 'd' ? 64 : type[1] == 's' ? 32 : 16;
    if (type[0] == 's') register_bits = lane_bits;  // scalar form: one lane
  } else if (m == k.instruction && m == "vpdpbusd") {
    products = 4, lane_bits = 32;
  } else if (m == k.instruction && m == "vdpbf16ps") {
    products = 2, lane_bits = 32;
  } else {
    return 0;
  }
  // AT&T syntax: the destination is the last operand.
  if (register_bits == 0) {
    const std::string dest = ins.operands.substr(ins.operands.rfind('%') + 1);
    register_bits = dest.rfind("zmm", 0) == 0 ? 512 : dest.rfind("ymm", 0) == 0 ? 256 : 128;
  }
#else
  const bool fma = k.instruction == "fmla" || k.instruction == "fmadd";
  if (fma && (m == "fmla" || m == "fmad" || m == "fmadd")) {
    products = 1;
  } else if (m == k.instruction && (m == "sdot" || m == "smmla" || m == "bfdot" || m == "bfmmla")) {
    products = m == "sdot" ? 4 : m == "smmla" ? 8 : m == "bfdot" ? 2 : 4;
  } else {
    return 0;
  }
  // The destination is the first operand: v0.4s (NEON), z0.s (SVE), s0 / d0 (scalar).
  const std::string dest = ins.operands.substr(0, ins.operands.find(','));
  const char element = dest[0] == 'v' || dest[0] == 'z' ? dest.back() : dest[0];
  lane_bits = element == 'd' ? 64 : element == 's' ? 32 : element == 'h' ? 16 : 0;
  if (dest[0] == 'z') {
    register_bits = static_cast<int>(this_cpu().features.sve_vector_bits);
  } else if (dest[0] == 'v') {
    register_bits = 128;
  } else {
    register_bits = lane_bits;  // s0 / d0 / h0: one lane
  }
#endif
  EXPECT_GT(lane_bits, 0) << ins.mnemonic << " " << ins.operands;
  if (lane_bits == 0) return 0;
  return 2.0 * products * register_bits / lane_bits;
}

// Reads the code without running it, so it also checks kernels this CPU cannot run (AVX512_FP16 on
// Zen 5, bf16 on Neoverse N1); only SVE needs the vector length of a CPU that has SVE.
class FmaKernelCode : public ::testing::TestWithParam<const FmaKernel*> {};

TEST_P(FmaKernelCode, OperationCountMatchesTheGeneratedLoop) {
  const FmaKernel& k = *GetParam();
  if (k.isa == Isa::sve && this_cpu().features.sve_vector_bits == 0) GTEST_SKIP() << "no SVE vector length here";
#if !defined(__OPTIMIZE__)
  // Unoptimised (Debug, sanitizer) builds keep the unrolled chains as calls and stack traffic: the
  // one-instruction-per-chain loop exists only in the optimised code this test is about.
  GTEST_SKIP() << "unoptimised build: the chain loop is not the generated code of a release build";
#endif
  std::string error;
  const std::vector<Instruction> code = disassemble(reinterpret_cast<const void*>(k.run), error);
  if (code.empty()) GTEST_SKIP() << error;
  // The chain loop is the backward branch whose body holds the kernel's instructions.
  double best_ops = 0;
  int best_count = 0, best_size = 0;
  for (std::size_t i = 0; i < code.size(); ++i) {
    if (!is_branch(code[i].mnemonic) || !code[i].target || *code[i].target >= code[i].address) continue;
    double ops = 0;
    int count = 0, size = 0;
    for (const auto& ins : code) {
      if (ins.address < *code[i].target || ins.address > code[i].address) continue;
      const double o = ops_of(k, ins);
      ops += o;
      count += o > 0;
      ++size;
    }
    if (ops > best_ops) best_ops = ops, best_count = count, best_size = size;
  }
  ASSERT_GT(best_count, 0) << "no loop with " << k.instruction << " in the kernel's code";
  EXPECT_EQ(best_count, k.accumulators) << "one instruction per chain and round";
  // Nothing else per chain: NEON's FMLA in the fma chain's form (acc·a + b) came with two register
  // moves per chain and round (75 instructions for 24 FMLA), a third of the peak, which the counts
  // above did not show. A few instructions of loop control (and SVE's predicate) are all there is.
  EXPECT_LE(best_size, k.accumulators + 6) << "instructions in the chain loop";
  EXPECT_EQ(best_ops, k.flops_per_iteration()) << k.instruction << ": operations per loop round";
}

std::string kernel_name(const ::testing::TestParamInfo<const FmaKernel*>& info) {
  std::string name = std::string(isa_name(info.param->isa)) + "_" + std::string(info.param->dtype);
  if (info.param->chain == Chain::dot) name += "_" + std::string(info.param->instruction);
  return name;
}

std::vector<const FmaKernel*> all_kernels() {
  std::vector<const FmaKernel*> out;
  for (const auto& k : fma_kernels()) out.push_back(&k);
  return out;
}

INSTANTIATE_TEST_SUITE_P(Registry, FmaKernelTest, ::testing::ValuesIn(all_kernels()), kernel_name);
INSTANTIATE_TEST_SUITE_P(Registry, FmaKernelCode, ::testing::ValuesIn(all_kernels()), kernel_name);

TEST(Peakflops, EveryDtypeHasItsKernels) {
  // The dtypes of issue 4 for each ISA built here; each kernel's own test checks it where it runs.
  auto has = [](Isa isa, std::string_view dtype, std::string_view instruction) {
    return std::any_of(fma_kernels().begin(), fma_kernels().end(), [&](const FmaKernel& k) {
      return k.isa == isa && k.dtype == dtype && k.instruction == instruction;
    });
  };
#if defined(__x86_64__)
  EXPECT_TRUE(has(Isa::avx512, "int8", "vpdpbusd"));
  EXPECT_TRUE(has(Isa::avx512, "bf16", "vdpbf16ps"));
  EXPECT_TRUE(has(Isa::avx512, "f16", "vfmadd"));
#elif defined(__aarch64__)
  for (Isa isa : {Isa::neon, Isa::sve}) {
    EXPECT_TRUE(has(isa, "f16", "fmla"));
    EXPECT_TRUE(has(isa, "int8", "sdot"));
    EXPECT_TRUE(has(isa, "int8", "smmla"));
    EXPECT_TRUE(has(isa, "bf16", "bfdot"));
    EXPECT_TRUE(has(isa, "bf16", "bfmmla"));
  }
#endif
}

TEST(Peakflops, DotProductsPerInstruction) {
  // SDOT on 128 bits: 4 lanes x 4 products x 2 = 32; SMMLA: 2x2 outputs x 8 products x 2 = 64;
  // BFDOT: 4 x 2 x 2 = 16; BFMMLA: 2x2 x 4 x 2 = 32; vpdpbusd zmm: 16 x 4 x 2 = 128; vdpbf16ps: 64.
  for (const auto& k : fma_kernels()) {
    if (k.isa == Isa::sve) continue;  // vector length dependent; the instruction-count test covers it
    const std::string_view i = k.instruction;
    const double expected = i == "sdot" ? 32 : i == "smmla" ? 64 : i == "bfdot" ? 16 : i == "bfmmla" ? 32
                            : i == "vpdpbusd" ? 128 : i == "vdpbf16ps" ? 64 : 2.0 * k.vector_bits() / k.lane_bits;
    EXPECT_EQ(k.ops_per_instruction(), expected) << i << " " << k.dtype;
  }
}

TEST(Peakflops, InstructionRatesOnlyWhereDocumented) {
  const auto n1 = fma_pipes_for("Neoverse N1");
  ASSERT_TRUE(n1);
  std::string unknown;
  // N1: SDOT on both 128-bit pipes: 2 x 32 = 64 int8 op/cycle; FP16 FMLA: 2 x 16 = 32.
  const auto sdot = theoretical_instruction_peak("Neoverse N1", "sdot", 128, 32, 3.0, 1, "clock", unknown);
  ASSERT_TRUE(sdot);
  EXPECT_EQ(sdot->flop_per_cycle, 64);
  EXPECT_DOUBLE_EQ(sdot->gflops(), 64 * 3.0);
  const auto f16 = theoretical_instruction_peak("Neoverse N1", "f16 fma", 128, 16, 3.0, 2, "clock", unknown);
  ASSERT_TRUE(f16);
  EXPECT_EQ(f16->flop_per_cycle, 32);
  EXPECT_NE(f16->provenance.find("x 2 cores"), std::string::npos) << f16->provenance;
  // N1 has no BF16: no rate, and the reason names the core and the class.
  EXPECT_FALSE(theoretical_instruction_peak("Neoverse N1", "bfmmla", 128, 32, 3.0, 1, "clock", unknown));
  EXPECT_NE(unknown.find("Neoverse N1"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("bfmmla"), std::string::npos) << unknown;
  EXPECT_FALSE(theoretical_instruction_peak("Pentium 4", "sdot", 128, 32, 3.0, 1, "clock", unknown));
  EXPECT_NE(unknown.find("Pentium 4"), std::string::npos) << unknown;
  // Zen 5: vpdpbusd on 2 x 512-bit pipes: 2 x 128 = 256 int8 op/cycle; vdpbf16ps 2 x 64 = 128.
  const auto vnni = theoretical_instruction_peak("Zen5 (family 0x1a model 0x02)", "vpdpbusd", 512, 128, 3.0, 1, "clock",
                                                 unknown);
  ASSERT_TRUE(vnni);
  EXPECT_EQ(vnni->flop_per_cycle, 256);
  EXPECT_FALSE(theoretical_instruction_peak("Zen4", "vpdpbusd", 512, 128, 3.0, 1, "clock", unknown));
  // V1 with SVE 256: FP16 on 2 x 256-bit = 512 bits a cycle: 2 x 32 = 64 op/cycle, as NEON's 4 x 16.
  const auto v1 = theoretical_instruction_peak("Neoverse V1", "f16 fma", 256, 32, 2.6, 1, "clock", unknown);
  ASSERT_TRUE(v1);
  EXPECT_EQ(v1->flop_per_cycle, 64);
}

TEST(Peakflops, TheoreticalPeakPerCycle) {
  const auto zen5 = fma_pipes_for("Zen5 (family 0x1a model 0x02)");
  ASSERT_TRUE(zen5);
  EXPECT_EQ(peak_flop_per_cycle(*zen5, 512, 32), 64);  // the issue's Zen5 number
  EXPECT_EQ(peak_flop_per_cycle(*zen5, 256, 32), 32);  // AVX2 uses half of each pipe
  EXPECT_EQ(peak_flop_per_cycle(*zen5, 512, 64), 32);
  const auto n1 = fma_pipes_for("Neoverse N1");
  ASSERT_TRUE(n1);
  EXPECT_EQ(peak_flop_per_cycle(*n1, 128, 32), 16);  // 2 x 128-bit pipes
  const auto v1 = fma_pipes_for("Neoverse V1");
  ASSERT_TRUE(v1);
  EXPECT_EQ(peak_flop_per_cycle(*v1, 256, 32), 32);  // SVE 256 on 4 x 128 = 2 x 256
  EXPECT_EQ(peak_flop_per_cycle(*v1, 128, 32), 32);
  const auto zen4 = fma_pipes_for("Zen4");
  ASSERT_TRUE(zen4);
  EXPECT_EQ(peak_flop_per_cycle(*zen4, 512, 32), 32);  // AVX-512 in two 256-bit halves
  EXPECT_EQ(peak_flop_per_cycle(*n1, 32, 32), 4);      // scalar: one lane per pipe
  EXPECT_EQ(peak_flop_per_cycle(*n1, 64, 64), 4);
  EXPECT_FALSE(fma_pipes_for("Pentium 4"));
  // Intel Xeon since Ice Lake-SP: 2 x 512-bit FMA, under core/isa.cpp's names; an AMX core under an
  // unknown model is rated as Sapphire Rapids. No VNNI rate is stated for them.
  for (const char* xeon : {"Ice Lake-SP (family 0x6 model 0x6a)", "Sapphire Rapids (family 0x6 model 0x8f)",
                           "Emerald Rapids (family 0x6 model 0xcf)", "Granite Rapids (family 0x6 model 0xad)",
                           "Sapphire Rapids or later (AMX) (family 0x6 model 0xa7)"}) {
    const auto pipes = fma_pipes_for(xeon);
    ASSERT_TRUE(pipes) << xeon;
    EXPECT_EQ(peak_flop_per_cycle(*pipes, 512, 32), 64) << xeon;
    EXPECT_EQ(peak_flop_per_cycle(*pipes, 256, 64), 16) << xeon;
    EXPECT_EQ(instruction_rate(*pipes, "vpdpbusd"), nullptr) << xeon;
  }
  EXPECT_FALSE(fma_pipes_for("family 0x6 model 0x55"));
}

TEST(Peakflops, TheoreticalPeakSaysWhereItComesFrom) {
  const auto peak = theoretical_peak("Zen5 (family 0x1a model 0x02)", 512, 32, 3.3, 2, "add chain");
  ASSERT_TRUE(peak);
  EXPECT_DOUBLE_EQ(peak->gflops(), 64 * 3.3 * 2);
  EXPECT_NE(peak->provenance.find("2 x 512-bit FMA pipes"), std::string::npos) << peak->provenance;
  EXPECT_NE(peak->provenance.find("3.300 GHz (add chain)"), std::string::npos) << peak->provenance;
  EXPECT_NE(peak->provenance.find("x 2 cores"), std::string::npos) << peak->provenance;
  EXPECT_FALSE(theoretical_peak("Pentium 4", 128, 32, 3.0, 1, "add chain"));
}

}  // namespace
}  // namespace armperf::probes
