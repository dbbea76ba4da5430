#include "kernels/activation/activation.hpp"

#include <algorithm>
#include <array>

namespace armperf::kernels {

// The accuracy contract of DESIGN §3 and issue 5, one row per op.
std::span<const ActivationOp> activation_ops() {
  using S = ActivationShape;
  using A = AccuracyKind;
  static constexpr std::array<ActivationOp, 16> ops = {{
      {"relu", S::elementwise, A::exact},
      {"leaky_relu", S::elementwise, A::exact},
      {"prelu", S::prelu, A::exact},
      {"crelu", S::crelu, A::exact, 0, 0, 0, 12},
      {"elu", S::elementwise, A::ulp, 2},
      {"selu", S::elementwise, A::ulp, 3},
      {"gelu_erf", S::elementwise, A::gelu, 4, 1.2e-6},
      {"gelu_tanh", S::elementwise, A::gelu, 8, 1.2e-6},
      {"silu", S::elementwise, A::ulp, 4},
      {"mish", S::elementwise, A::ulp, 6},
      {"softplus", S::elementwise, A::ulp, 3},
      {"squareplus", S::elementwise, A::ulp, 3},
      {"delu", S::elementwise, A::ulp, 3},
      {"sigmoid", S::elementwise, A::ulp, 3},
      {"tanh", S::elementwise, A::ulp, 2},
      {"softmax", S::softmax, A::softmax, 0, 0, 10 * 1.1920928955078125e-7},
  }};
  return ops;
}

const ActivationOp* find_activation_op(std::string_view name) {
  auto ops = activation_ops();
  auto it = std::find_if(ops.begin(), ops.end(), [&](const ActivationOp& op) { return op.name == name; });
  return it == ops.end() ? nullptr : &*it;
}

}  // namespace armperf::kernels
