// The oneDNN peer (impl "onednn"): eltwise_forward primitives for the nine ops oneDNN has.
// onednn_prepare() creates the primitive for a shape outside the timed loop; each call then only points
// the memory objects at x and y and executes. Without onednn_prepare (accuracy sweeps), the primitive is
// created per call.
#include <omp.h>

#include <oneapi/dnnl/dnnl.hpp>

#include <memory>
#include <string_view>

#include "kernels/activation/activation.hpp"
#include "kernels/registry.hpp"

namespace armperf::kernels {
namespace {

struct OnednnEltwise {
  float alpha;
  std::int64_t rows, cols;
  dnnl::engine engine{dnnl::engine::kind::cpu, 0};
  dnnl::stream stream{engine};
  dnnl::memory::desc md;
  dnnl::eltwise_forward primitive;
  dnnl::memory src, dst;

  OnednnEltwise(dnnl::algorithm algorithm, float alpha, std::int64_t rows, std::int64_t cols)
      : alpha(alpha), rows(rows), cols(cols), md({rows, cols}, dnnl::memory::data_type::f32, dnnl::memory::format_tag::ab),
        primitive(dnnl::eltwise_forward::primitive_desc(
            dnnl::eltwise_forward::desc(dnnl::prop_kind::forward_inference, algorithm, md, alpha, 0.0f), engine)),
        src(md, engine, DNNL_MEMORY_NONE),
        dst(md, engine, DNNL_MEMORY_NONE) {}

  void run(const float* x, float* y) {
    src.set_data_handle(const_cast<float*>(x));
    dst.set_data_handle(y);
    primitive.execute(stream, {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst}});
    stream.wait();
  }
};

// A: oneDNN's algorithm; Alpha: its alpha (elu: alpha, swish: x sigma(alpha x), others unused).
template <dnnl::algorithm A, float Alpha>
std::shared_ptr<void> onednn_prepare(const KernelVariant&, const std::vector<std::int64_t>& dims) {
  // The rows are 1-thread rows like ours: Debian's oneDNN runs on OpenMP, whose team would
  // otherwise take every core.
  omp_set_num_threads(1);
  return std::make_shared<OnednnEltwise>(A, Alpha, dims.at(0), dims.at(1));
}

// Runs the prepared primitive when it was made for this shape and alpha (elu's comes from the
// parameters), else a fresh one.
template <dnnl::algorithm A, float Alpha>
void eltwise(const float* x, float* y, std::size_t rows, std::size_t cols, const ActivationParams& p) {
  const float alpha = A == dnnl::algorithm::eltwise_elu ? p.elu_alpha : Alpha;
  const auto r = static_cast<std::int64_t>(rows), c = static_cast<std::int64_t>(cols);
  auto* prepared = static_cast<OnednnEltwise*>(p.prepared);
  if (prepared != nullptr && prepared->alpha == alpha && prepared->rows == r && prepared->cols == c) {
    prepared->run(x, y);
    return;
  }
  OnednnEltwise fresh(A, alpha, r, c);
  fresh.run(x, y);
}

template <dnnl::algorithm A, float Alpha>
void onednn_add(std::string_view op) {
  KernelRegistry::instance().add(KernelVariant{
      .name = activation_variant_name(op, "onednn"), .family = "activation", .op = std::string(op), .dtype = "f32",
      .isa = Isa::scalar, .impl = "onednn", .tile = 16,
      .bytes_per_element = find_activation_op(op)->bytes_per_element,
      .fn = reinterpret_cast<KernelFn>(&eltwise<A, Alpha>), .prepare = &onednn_prepare<A, Alpha>});
}

bool register_onednn() {
  using dnnl::algorithm;
  onednn_add<algorithm::eltwise_relu, 0.0f>("relu");
  onednn_add<algorithm::eltwise_elu, 1.0f>("elu");
  onednn_add<algorithm::eltwise_gelu_tanh, 0.0f>("gelu_tanh");
  onednn_add<algorithm::eltwise_gelu_erf, 0.0f>("gelu_erf");
  onednn_add<algorithm::eltwise_swish, 1.0f>("silu");
  onednn_add<algorithm::eltwise_logistic, 0.0f>("sigmoid");
  onednn_add<algorithm::eltwise_tanh, 0.0f>("tanh");
  onednn_add<algorithm::eltwise_soft_relu, 0.0f>("softplus");
  onednn_add<algorithm::eltwise_mish, 0.0f>("mish");
  return true;
}

[[maybe_unused]] const bool onednn_registered = register_onednn();

}  // namespace
}  // namespace armperf::kernels
