// The inner loops of the peakflops probe: `accumulators` independent chains per thread of one
// multiply-accumulate instruction, enough to fill every pipe for its whole latency (accumulators ≥
// latency × pipes: Zen5 4 × 2 = 8, Neoverse V2 4 × 4 = 16), one set per ISA and type in
// probes/kernels/peakflops_<isa>.cpp, and per optional feature in peakflops_<isa>_<feature>.cpp.
//
// Operation counting (one multiply and one add are 2 operations, as for FLOP/s everywhere):
//   FMA (fmla/fmad, vfmadd*ps/pd/ph)   2 per element lane
//   bf16 BFDOT, vdpbf16ps              2 bf16 products added into each f32 lane: 4 per 32-bit lane
//   bf16 BFMMLA                        a 2x4 by 4x2 bf16 product into 2x2 f32 per 128-bit segment:
//                                      16 multiply-adds per segment, 8 operations per 32-bit lane
//   int8 SDOT, vpdpbusd                4 int8 products added into each int32 lane: 8 per 32-bit lane
//   int8 SMMLA                         a 2x8 by 8x2 int8 product into 2x2 int32 per 128-bit segment:
//                                      32 multiply-adds per segment, 16 operations per 32-bit lane
// Integer rows count operations (GOP/s), the others floating-point operations (GFLOP/s).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "core/startup.hpp"

#include "core/isa.hpp"

namespace armperf::probes {

// fma: acc = acc·a + b, which converges (a = 0.5, b = 1 → 2) so the result does not depend on the
// round count. accumulate: acc += a·b, an FMA in the form of NEON's FMLA, whose addend is its destination
// (acc·a + b there needs b copied into a fresh register and the result moved back: three instructions
// per chain and round, a third of the peak); the probe's a·b is below half an ulp of 1, and the chains
// start at 1 (chain k at k + 1), so every chain keeps its start value. dot: acc += Σ a·b over the
// products of each lane, which grows by a fixed step a round.
enum class Chain { fma, accumulate, dot };

struct FmaKernel {
  Isa isa = Isa::scalar;
  std::string_view dtype;            // the multiplied type: "f64" | "f32" | "f16" | "bf16" | "int8"
  std::string_view instruction;      // as the disassembler names it: "fmla", "bfmmla", "vpdpbusd", ...
  std::string_view feature;          // the CpuFeatures flag it needs beyond the ISA ("" none): "bf16", ...
  Chain chain = Chain::fma;
  int products_per_lane = 1;         // multiply-adds into one accumulator lane per instruction
  int accumulators = 0;              // vector registers, each its own dependent chain
  std::size_t (*lanes)() = nullptr;  // accumulator lanes per register here (SVE: the vector length in use)
  int lane_bits = 0;                 // bits of one accumulator lane
  // Runs `iterations` rounds of the instruction on every accumulator, accumulator k starting at k in
  // every lane (k + 1 for Chain::accumulate), with every multiplied element a or b; returns the sum of
  // all lanes of all accumulators.
  double (*run)(std::uint64_t iterations, double a, double b) = nullptr;

  double ops_per_instruction() const { return 2.0 * products_per_lane * static_cast<double>(lanes()); }
  double flops_per_iteration() const { return accumulators * ops_per_instruction(); }
  int vector_bits() const { return static_cast<int>(lanes()) * lane_bits; }
  bool integer() const { return dtype == "int8"; }
  // The inputs the probe runs with and the result they give after `iterations` rounds (≥ 64 for the
  // fma chain, which has converged by then): every lane of chain k holds 2 (fma), k + 1 (accumulate:
  // a·b = 2^-54, or 2^-12 in f16, below half an ulp of 1 and a normal number) or k + iterations ·
  // products_per_lane (dot, a = b = 1; exact in int32 and in f32 below 2^24).
  double probe_a() const {
    if (chain == Chain::accumulate) return dtype == "f16" ? 0x1p-6 : 0x1p-27;
    return chain == Chain::fma ? 0.5 : 1.0;
  }
  double probe_b() const { return chain == Chain::accumulate ? probe_a() : 1.0; }
  // Whether the instruction is the dtype's plain FMA (fma, accumulate), not a dot or block product.
  bool plain_fma() const { return chain != Chain::dot; }
  double expected(std::uint64_t iterations) const;
};

// Adds the kernels of one ISA file. They are constant data in their file (constinit), so registering
// runs none of the file's ISA-specific code on a CPU that may lack the ISA.
bool register_fma_kernels(std::span<const FmaKernel> kernels);
// Registered kernels by isa_rank, then f64, f32, f16, bf16, int8, then instruction.
const std::vector<FmaKernel>& fma_kernels();

}  // namespace armperf::probes
