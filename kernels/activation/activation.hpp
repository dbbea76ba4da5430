// f32 activation functions (issue 5): 16 ops, one signature, one registry row per (op, ISA).
//
// Every op has the signature ActivationFn. Element-wise ops treat x as one array of rows*cols
// elements; prelu and softmax read it as a row-major rows x cols matrix (prelu: one slope per
// column, softmax: one distribution per row); crelu writes 2*rows*cols outputs, relu(x) then
// relu(-x). In place means y == x (for crelu, y holds 2n floats and x is its first half).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/isa.hpp"
#include "kernels/parallel.hpp"

namespace armperf::kernels {

struct ActivationParams {
  float leaky_alpha = 0.01f;           // leaky_relu slope for x < 0
  float elu_alpha = 1.0f;              // elu: alpha * (e^x - 1) for x <= 0
  float squareplus_b = 4.0f;           // squareplus: (x + sqrt(x^2 + b)) / 2
  float delu_a = 1.0f;                 // delu: (e^(a x) - 1) / b for x <= x_c, x above
  float delu_b = 2.0f;
  float delu_xc = 1.25643f;
  const float* prelu_alpha = nullptr;  // prelu: cols slopes, one per channel
  void* prepared = nullptr;            // a peer's primitive from KernelVariant::prepare, or null
};

using ActivationFn = void (*)(const float* x, float* y, std::size_t rows, std::size_t cols,
                              const ActivationParams& params);

// fn over a team whose units are rows of cols elements: thread t computes the rows of team.slice(t)
// with params[t] (a peer's prepared operator is per thread), `repeats` times. Outputs land where one
// call over all rows puts them, except crelu's: each slice writes its own relu(x), relu(-x) block of
// 2·rows·cols at y + 2·begin·cols. The benchmark's timed call; tests compare it with one call.
void activation_on_team(SlicedTeam& team, ActivationFn fn, const float* x, float* y, std::size_t cols,
                        bool crelu, std::span<const ActivationParams> params, std::int64_t repeats = 1);

// SELU's constants (Klambauer et al. 2017), in double for the reference; kernels round them.
inline constexpr double kSeluLambda = 1.0507009873554804934193349852946;
inline constexpr double kSeluAlpha = 1.6732632423543772848170429916717;

enum class ActivationShape { elementwise, crelu, prelu, softmax };

// How an op is checked (DESIGN §3 accuracy contract; bounds in units of ULP of the f32 result).
enum class AccuracyKind {
  exact,     // bitwise equal to the reference (NaN: any NaN)
  ulp,       // max_ulp everywhere
  gelu,      // max_ulp for x >= -3, absolute <= abs_below for x < -3
  softmax,   // relative <= max_rel per element, |sum - 1| <= cols * FLT_EPSILON
};

struct ActivationOp {
  std::string_view name;
  ActivationShape shape;
  AccuracyKind accuracy;
  double max_ulp = 0;      // ulp, gelu
  double abs_below = 0;    // gelu: absolute bound for x < -3
  double max_rel = 0;      // softmax
  double bytes_per_element = 8;  // logical traffic: f32 in + f32 out (crelu: 4 in + 8 out)
  // false for peers: NaN/inf inputs and results below kPeerTinyResult are not checked, as peers
  // flush tiny results and define relu(NaN) = 0 (their behaviour is reported, not held to ours).
  bool full_domain = true;
  double abs_tol = 0;       // peers: an output within this absolute error passes whatever its ULP error
  double max_abs_x = 3.4028234663852886e38;  // peers: inputs beyond are not checked (documented findings)
};

inline constexpr double kPeerTinyResult = 1e-37;  // about 8.5 FLT_MIN

// The 16 ops, in the order.
std::span<const ActivationOp> activation_ops();
const ActivationOp* find_activation_op(std::string_view name);

// The contract a registry row is checked against: the op's for our variants, the peer's own
// (measured, documented in activation.cpp) for impl = libm, onednn, xnnpack.
ActivationOp contract_for(std::string_view op, std::string_view impl);

// The double-precision reference (ref.cpp): y for one x of an element-wise op (crelu: the first
// half, relu(x)). Used only by tests and the evaluator.
double reference_activation(std::string_view op, double x, const ActivationParams& params = {});
// Row-wise softmax reference over cols values.
void reference_softmax(const float* x, double* y, std::size_t cols);

// XNNPACK-style registry name: f32_<op>__<suffix>, the suffix being the ISA or peer and the unroll,
// e.g. f32_gelu_tanh__avx512_u32 (32 elements per step) or f32_relu__sve_u2 (2 vectors per step).
std::string activation_variant_name(std::string_view op, std::string_view suffix);

// Registers f32_<op>__<suffix> with fn, unless `only` is non-empty and does not name op. Out of line,
// built at the baseline: activation_<isa>.cpp files call it at start-up on every machine.
bool add_activation_variant(std::string_view op, ActivationFn fn, std::string_view suffix, Isa isa,
                            unsigned tile, std::string_view impl, std::span<const std::string_view> only);

}  // namespace armperf::kernels
