// Accuracy sweeps of activation variants against the double reference (ref.cpp): the engine of
// `armperf accuracy` and of tests/kernels/activation_test.cpp, so both measure the same thing.
//
// ULP error = |y - r| / spacing(float(r)), spacing taken at the f32 nearest to r (DESIGN §3); for
// the gelu ops inputs x < -3 are measured in absolute error instead, and softmax in relative error
// per element plus |sum - 1|.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kernels/activation/activation.hpp"
#include "kernels/registry.hpp"

namespace armperf::kernels {

double ulp_error(float y, double reference);

// Whether one output y = op(x) meets the op's element-wise contract (not softmax: see
// softmax_row_error).
bool meets_contract(const ActivationOp& op, float x, float y, double reference);

// Softmax over one row: the max relative error per element (floored at FLT_MIN, below which f32
// has no relative precision) and |sum(y) - 1| in units of cols * FLT_EPSILON.
struct SoftmaxError {
  double max_rel = 0;
  std::size_t argmax = 0;
  double sum_error = 0;
};
SoftmaxError softmax_row_error(const float* x, const float* y, std::size_t cols, const ActivationOp& contract);

// Inputs every sweep includes: ±0, ±inf, NaNs, subnormals, FLT_MIN/MAX, and the saturation edges of
// exp and of the ops (±88.7, -87.3, ±9, -3, the delu knee, ...).
std::vector<float> special_inputs();

struct SweepOptions {
  bool exhaustive = false;        // every one of the 2^32 bit patterns
  std::uint64_t samples = 1 << 20;  // otherwise: about this many patterns, evenly spaced in bits
  unsigned threads = 1;
  std::vector<float> extra_inputs;  // swept in addition (e.g. a dense grid where an op bends)
  ActivationParams params;        // op parameters (defaults of the issue)
};

struct AccuracyReport {
  std::string variant;
  std::string op;
  std::string bound;               // the contract, e.g. "exact", "<= 4 ulp (x >= -3), abs <= 1.2e-06 below"
  // The contract as numbers: ULP bound (0 for the exact ops; NaN for softmax), gelu's absolute bound
  // below -3 and softmax's relative bound per element (0 where they do not apply).
  double bound_ulp = 0;
  double bound_abs_below = 0;
  double bound_rel = 0;
  std::uint64_t inputs = 0;
  double max_ulp = 0;              // elementwise ops (gelu: over x >= -3)
  float argmax = 0;                // the input of max_ulp (softmax: of max_rel)
  double p9999_ulp = 0;            // 99.99th percentile of the ULP error (resolution 1/64 ulp)
  std::uint64_t mismatches = 0;    // exact ops: outputs not bitwise equal (NaN: not NaN)
  double max_abs_below = 0;        // gelu: max absolute error for x < -3
  float argmax_abs_below = 0;
  double max_rel = 0;              // softmax: max relative error per element
  double max_sum_error = 0;        // softmax: max |sum(y) - 1| / (cols * FLT_EPSILON)
  bool pass = false;
};

// One report per variant (all of the same op): the reference is computed once per input chunk.
std::vector<AccuracyReport> evaluate_accuracy(const ActivationOp& op, const std::vector<const KernelVariant*>& variants,
                                              const SweepOptions& options);

}  // namespace armperf::kernels
