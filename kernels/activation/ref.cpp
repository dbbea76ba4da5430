// The double-precision reference of every activation op: the textbook formula evaluated with
// glibc's double functions, rewritten only where the textbook form is wrong in double itself
// (cancellation, overflow, inf * 0). Clarity over speed: used only by tests and the evaluator.
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "kernels/activation/activation.hpp"

namespace armperf::kernels {
namespace {

double relu(double x) { return std::isnan(x) || x > 0 ? x : 0.0; }

double gelu_erf(double x) {
  if (std::isinf(x)) return x > 0 ? x : -0.0;
  return 0.5 * x * std::erfc(-x / std::sqrt(2.0));  // = x/2 (1 + erf(x/sqrt2)), no cancellation
}

double gelu_tanh(double x) {
  if (std::isinf(x)) return x > 0 ? x : -0.0;
  const double u = std::sqrt(2.0 / M_PI) * (x + 0.044715 * x * x * x);
  return 0.5 * x * (1.0 + std::tanh(u));
}

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

double softplus(double x) { return std::max(x, 0.0) + std::log1p(std::exp(-std::fabs(x))); }

double squareplus(double x, double b) {
  const double s = std::sqrt(x * x + b);
  return x >= 0 ? (x + s) / 2 : b / (2 * (s - x));  // x < 0: (x + s)/2 cancels
}

}  // namespace

double reference_activation(std::string_view op, double x, const ActivationParams& p) {
  if (std::isnan(x)) return x;
  if (op == "relu" || op == "crelu") return relu(x);
  if (op == "leaky_relu") return x < 0 ? p.leaky_alpha * x : x;
  if (op == "elu") return x > 0 ? x : p.elu_alpha * std::expm1(x);
  if (op == "selu") return kSeluLambda * (x > 0 ? x : kSeluAlpha * std::expm1(x));
  if (op == "gelu_erf") return gelu_erf(x);
  if (op == "gelu_tanh") return gelu_tanh(x);
  if (op == "silu") return std::isinf(x) ? relu(x) : x * sigmoid(x);
  if (op == "mish") return std::isinf(x) ? relu(x) : x * std::tanh(softplus(x));
  if (op == "softplus") return softplus(x);
  if (op == "squareplus") return squareplus(x, p.squareplus_b);
  if (op == "delu") return x > p.delu_xc ? x : std::expm1(p.delu_a * x) / p.delu_b;
  if (op == "sigmoid") return sigmoid(x);
  if (op == "tanh") return std::tanh(x);
  throw std::invalid_argument("reference_activation: no element-wise reference for '" + std::string(op) + "'");
}

void reference_softmax(const float* x, double* y, std::size_t cols) {
  double m = -std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < cols; ++i) m = std::max(m, static_cast<double>(x[i]));
  double sum = 0;
  for (std::size_t i = 0; i < cols; ++i) sum += y[i] = std::exp(static_cast<double>(x[i]) - m);
  for (std::size_t i = 0; i < cols; ++i) y[i] /= sum;
}

}  // namespace armperf::kernels
