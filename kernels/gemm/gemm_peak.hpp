// Which instruction bounds a GEMM row's pct_of_peak, where it is not the f32/f64 FMA: the bf16 and
// int8 dot products and block products of core/peak.hpp's instruction classes. Separate from the bench
// function (gemm_family.cpp) so that tests can ask it for CPUs they are not running on.
#pragma once

#include "core/isa.hpp"
#include "kernels/registry.hpp"

namespace armperf::kernels {

// core/peak.hpp's key of the instruction, and its products per 32-bit lane (2 operations each).
struct GemmDotInstruction {
  const char* key = nullptr;  // null: none (the row is rated against FMAs, or not at all for int8)
  int products = 0;
};

// The instruction a bf16 or int8 row of `variant` ran on `isa`, on a CPU with features `cpu` ("bf16",
// "dotprod", "avx512bf16", "avx512vnni"). Arm's SDOT is one class in NEON and SVE (core/peak.hpp rates
// are bits per cycle). A variant that names its instruction (KernelVariant::peak_instruction: our
// block-product tiles) ran that one whatever else the CPU has: SMMLA multiplies 2 x 8 x 2 int8 per 128
// bits, BFMMLA 2 x 4 x 2 bf16; a name (or a dtype for it) this table does not know gives none. Peers
// are taken to use the CPU's dot product where it has one.
GemmDotInstruction gemm_dot_instruction(const KernelVariant& variant, Isa isa, const CpuFeatures& cpu);

}  // namespace armperf::kernels
