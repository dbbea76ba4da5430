// The inner loops of the peakflops probe: `accumulators` independent FMA chains per thread, enough to
// fill every FMA pipe for its whole latency (accumulators ≥ latency × pipes: Zen5 4 × 2 = 8, Neoverse
// V2 4 × 4 = 16), one set per ISA and type in probes/kernels/peakflops_<isa>.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/isa.hpp"

namespace armperf::probes {

struct FmaKernel {
  Isa isa = Isa::scalar;
  std::string_view dtype;            // "f32" | "f64"
  int accumulators = 0;              // vector registers, each its own dependent chain
  std::size_t (*lanes)() = nullptr;  // elements per vector here (SVE: the vector length in use)
  // Runs `iterations` rounds of acc = acc·a + b on every accumulator, accumulator k starting at k, and
  // returns the sum of all lanes of all accumulators. With a = 0.5, b = 1 every lane converges to
  // exactly 2 within 64 rounds, so the result is 2 · accumulators · lanes(): a check that each FMA
  // happened. A round or two from the distinct starts shows a dropped or merged chain.
  double (*run)(std::uint64_t iterations, double a, double b) = nullptr;

  double flops_per_iteration() const { return 2.0 * accumulators * static_cast<double>(lanes()); }
};

bool register_fma_kernel(const FmaKernel& kernel);
// Registered kernels by isa_rank, f64 before f32.
const std::vector<FmaKernel>& fma_kernels();

}  // namespace armperf::probes
