#include "kernels/activation/activation.hpp"

#include <algorithm>
#include <array>

#include "kernels/registry.hpp"

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

namespace {

// What the peers achieve where they are checked (finite x, |y| >= 1e-37): the max error measured
// by `armperf accuracy --isa <peer> --samples 4194304` on x86-64 (AVX-512, Zen 5; oneDNN 2.6.3
// jit:avx512_core, XNNPACK 2022-02-16, glibc 2.36), rounded up. Ops not listed keep our bound.
// abs_tol: oneDNN evaluates elu as e^x - 1, softplus as log(1 + e^x), gelu and mish without the
// rewrites of activation_impl.hpp, so near 0 (and for tiny results) its error is absolute, about
// ulp(1), not relative (softplus: up to 7.5e-6 at x = -75). max_abs_x: XNNPACK's sigmoid returns
// NaN for |x| >= 4e26.
struct PeerBound {
  std::string_view impl, op;
  double max_ulp = 0, abs_below = 0, max_rel = 0, abs_tol = 0, max_abs_x = 0;
};
constexpr PeerBound kPeerBounds[] = {
    {"libm", "tanh", 3},
    {"onednn", "elu", 2, 0, 0, 1.2e-7},
    {"onednn", "gelu_erf", 4, 1.2e-6, 0, 3e-7},
    {"onednn", "gelu_tanh", 8, 1.2e-6, 0, 3e-7},
    {"onednn", "silu", 4, 0, 0, 1.2e-7},
    {"onednn", "mish", 6, 0, 0, 1e-6},
    {"onednn", "softplus", 3, 0, 0, 1e-5},
    {"onednn", "sigmoid", 5},
    {"xnnpack", "elu", 5},
    {"xnnpack", "sigmoid", 4, 0, 0, 0, 1e20},
    {"xnnpack", "softmax", 0, 0, 50 * 1.1920928955078125e-7, 1e-36},
};

}  // namespace

ActivationOp contract_for(std::string_view op, std::string_view impl) {
  ActivationOp c = *find_activation_op(op);
  if (impl == "armperf") return c;
  c.full_domain = false;
  if (c.accuracy == AccuracyKind::exact) c.accuracy = AccuracyKind::ulp, c.max_ulp = 0.5;  // the same value
  for (const auto& b : kPeerBounds) {
    if (b.impl != impl || b.op != op) continue;
    if (b.max_ulp > 0) c.max_ulp = b.max_ulp;
    if (b.abs_below > 0) c.abs_below = b.abs_below;
    if (b.max_rel > 0) c.max_rel = b.max_rel;
    if (b.abs_tol > 0) c.abs_tol = b.abs_tol;
    if (b.max_abs_x > 0) c.max_abs_x = b.max_abs_x;
  }
  return c;
}

std::string activation_variant_name(std::string_view op, std::string_view suffix) {
  return "f32_" + std::string(op) + "__" + std::string(suffix);
}

bool add_activation_variant(std::string_view op, ActivationFn fn, std::string_view suffix, Isa isa,
                            unsigned tile, std::string_view impl, std::span<const std::string_view> only) {
  if (!only.empty() && std::find(only.begin(), only.end(), op) == only.end()) return false;
  const ActivationOp* info = find_activation_op(op);
  return KernelRegistry::instance().add(KernelVariant{.name = activation_variant_name(op, suffix),
                                                      .family = "activation",
                                                      .op = std::string(op),
                                                      .dtype = "f32",
                                                      .isa = isa,
                                                      .impl = std::string(impl),
                                                      .tile = tile,
                                                      .bytes_per_element = info->bytes_per_element,
                                                      .fn = reinterpret_cast<KernelFn>(fn)});
}

}  // namespace armperf::kernels
