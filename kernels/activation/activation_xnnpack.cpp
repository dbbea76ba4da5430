// The XNNPACK peer (impl "xnnpack"): its NC operators for the six ops it has (relu as clamp to
// [0, inf)). xnnpack_prepare() returns a holder; the operator is created on the first call with the call's
// parameters (prelu packs its slopes at creation) and set up again only when x or y move, so the
// benchmark's warm-up call keeps creation and set-up out of the timed loop. Without xnnpack_prepare
// (accuracy sweeps) each call creates its own operator.
#include <xnnpack.h>

#include <cmath>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernels/activation/activation.hpp"
#include "kernels/registry.hpp"

namespace armperf::kernels {
namespace {

void check(xnn_status status, const char* what) {
  if (status != xnn_status_success) throw std::runtime_error(std::string("xnnpack: ") + what + " failed: status " + std::to_string(status));
}

void initialize_xnnpack() {
  static const xnn_status status = xnn_initialize(nullptr);
  check(status, "xnn_initialize");
}

using Setup = xnn_status (*)(xnn_operator_t, std::size_t, const float*, float*, pthreadpool_t);

// One op: how to create it for cols channels, how to set it up, and which parameters it bakes in.
struct XnnRelu {
  static xnn_status create(std::size_t c, const ActivationParams&, xnn_operator_t* op) {
    return xnn_create_clamp_nc_f32(c, c, c, 0.0f, INFINITY, 0, op);
  }
  static constexpr Setup setup = xnn_setup_clamp_nc_f32;
  static std::vector<float> key(std::size_t, const ActivationParams&) { return {}; }
};
struct XnnLeakyRelu {
  static xnn_status create(std::size_t c, const ActivationParams& p, xnn_operator_t* op) {
    return xnn_create_leaky_relu_nc_f32(c, c, c, p.leaky_alpha, 0, op);
  }
  static constexpr Setup setup = xnn_setup_leaky_relu_nc_f32;
  static std::vector<float> key(std::size_t, const ActivationParams& p) { return {p.leaky_alpha}; }
};
struct XnnPrelu {
  static xnn_status create(std::size_t c, const ActivationParams& p, xnn_operator_t* op) {
    return xnn_create_prelu_nc_f32(c, c, c, p.prelu_alpha, 0, op);
  }
  static constexpr Setup setup = xnn_setup_prelu_nc_f32;
  static std::vector<float> key(std::size_t c, const ActivationParams& p) { return {p.prelu_alpha, p.prelu_alpha + c}; }
};
struct XnnElu {
  static xnn_status create(std::size_t c, const ActivationParams& p, xnn_operator_t* op) {
    return xnn_create_elu_nc_f32(c, c, c, p.elu_alpha, 0, op);
  }
  static constexpr Setup setup = xnn_setup_elu_nc_f32;
  static std::vector<float> key(std::size_t, const ActivationParams& p) { return {p.elu_alpha}; }
};
struct XnnSigmoid {
  static xnn_status create(std::size_t c, const ActivationParams&, xnn_operator_t* op) {
    return xnn_create_sigmoid_nc_f32(c, c, c, 0, op);
  }
  static constexpr Setup setup = xnn_setup_sigmoid_nc_f32;
  static std::vector<float> key(std::size_t, const ActivationParams&) { return {}; }
};
struct XnnSoftmax {
  static xnn_status create(std::size_t c, const ActivationParams&, xnn_operator_t* op) {
    return xnn_create_softmax_nc_f32(c, c, c, 0, op);
  }
  static constexpr Setup setup = xnn_setup_softmax_nc_f32;
  static std::vector<float> key(std::size_t, const ActivationParams&) { return {}; }
};

struct XnnpackOp {
  std::unique_ptr<xnn_operator, decltype(&xnn_delete_operator)> op{nullptr, &xnn_delete_operator};
  std::size_t rows = 0, cols = 0;
  std::vector<float> key;
  const float* x = nullptr;  // what op is set up for
  float* y = nullptr;
};

template <class S>
void run(XnnpackOp& h, const float* x, float* y, std::size_t rows, std::size_t cols, const ActivationParams& p) {
  initialize_xnnpack();
  auto key = S::key(cols, p);
  if (!h.op || h.rows != rows || h.cols != cols || h.key != key) {
    xnn_operator_t op = nullptr;
    check(S::create(cols, p, &op), "create");
    h.op.reset(op);
    h.rows = rows, h.cols = cols, h.key = std::move(key), h.x = nullptr, h.y = nullptr;
  }
  if (h.x != x || h.y != y) {
    check(S::setup(h.op.get(), rows, x, y, nullptr), "setup");
    h.x = x, h.y = y;
  }
  check(xnn_run_operator(h.op.get(), nullptr), "xnn_run_operator");
}

template <class S>
void xnnpack_fn(const float* x, float* y, std::size_t rows, std::size_t cols, const ActivationParams& p) {
  if (p.prepared != nullptr) return run<S>(*static_cast<XnnpackOp*>(p.prepared), x, y, rows, cols, p);
  XnnpackOp fresh;
  run<S>(fresh, x, y, rows, cols, p);
}

std::shared_ptr<void> xnnpack_prepare(const KernelVariant&, const std::vector<std::int64_t>&) {
  return std::make_shared<XnnpackOp>();
}

template <class S>
void xnnpack_add(std::string_view op) {
  KernelRegistry::instance().add(KernelVariant{
      .name = activation_variant_name(op, "xnnpack"), .family = "activation", .op = std::string(op), .dtype = "f32",
      .isa = Isa::scalar, .impl = "xnnpack", .tile = 16,
      .bytes_per_element = find_activation_op(op)->bytes_per_element,
      .fn = reinterpret_cast<KernelFn>(&xnnpack_fn<S>), .prepare = &xnnpack_prepare});
}

bool register_xnnpack() {
  xnnpack_add<XnnRelu>("relu");
  xnnpack_add<XnnLeakyRelu>("leaky_relu");
  xnnpack_add<XnnPrelu>("prelu");
  xnnpack_add<XnnElu>("elu");
  xnnpack_add<XnnSigmoid>("sigmoid");
  xnnpack_add<XnnSoftmax>("softmax");
  return true;
}

[[maybe_unused]] const bool xnnpack_registered = register_xnnpack();

}  // namespace
}  // namespace armperf::kernels
