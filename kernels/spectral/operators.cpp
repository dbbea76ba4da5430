#include "kernels/spectral/operators.hpp"

#include <cmath>
#include <stdexcept>

namespace armperf::kernels::spectral {
namespace {

Csr normalized_entries(const CsrRef& graph) {
  const std::vector<double> d = csr_degrees(graph);
  Csr out;
  out.n = graph.n;
  out.row_ptr.assign(graph.row_ptr, graph.row_ptr + graph.n + 1);
  out.col.assign(graph.col, graph.col + graph.nnz());
  out.val.resize(out.col.size());
  for (Index i = 0; i < graph.n; ++i) {
    for (Index p = graph.row_ptr[i]; p < graph.row_ptr[i + 1]; ++p) {
      const double a = graph.val != nullptr ? graph.val[p] : 1.0;
      const double di = d[std::size_t(i)], dj = d[std::size_t(graph.col[p])];
      out.val[std::size_t(p)] = di > 0 && dj > 0 ? static_cast<float>(a / std::sqrt(di * dj)) : 0.0f;
    }
  }
  return out;
}

}  // namespace

std::string_view operator_name(OperatorKind kind) {
  switch (kind) {
    case OperatorKind::adjacency:
      return "adjacency";
    case OperatorKind::normalized:
      return "normalized";
    case OperatorKind::bethe_hessian:
      return "bethe-hessian";
  }
  return "?";
}

OperatorKind parse_operator(std::string_view text) {
  for (OperatorKind k : {OperatorKind::adjacency, OperatorKind::normalized, OperatorKind::bethe_hessian}) {
    if (text == operator_name(k)) return k;
  }
  throw std::invalid_argument("--operator \"" + std::string(text) +
                              "\": expected adjacency, normalized or bethe-hessian");
}

double bethe_hessian_r(const CsrRef& graph) {
  double sum = 0, sum2 = 0;
  for (double d : csr_degrees(graph)) {
    sum += d;
    sum2 += d * d;
  }
  const double rho = sum > 0 ? sum2 / sum - 1 : 0;
  return std::sqrt(std::max(rho, 1.002));
}

SpectralOperator::SpectralOperator(const CsrRef& graph, OperatorKind kind, const SpectralKernels& kernels,
                                   int threads, double r)
    : kind_(kind),
      n_(graph.n),
      threads_(threads),
      fn_(graph.val != nullptr || kind == OperatorKind::normalized ? kernels.spmv_values
                                                                   : kernels.spmv_pattern),
      scaled_(kind == OperatorKind::normalized ? normalized_entries(graph) : Csr{}),
      matrix_(kind == OperatorKind::normalized ? scaled_.ref() : graph, threads) {
  scaled_ = Csr{};  // placed copy made; the staging copy is not needed any more
  if (kind == OperatorKind::bethe_hessian) {
    r_ = r > 0 ? r : bethe_hessian_r(graph);
    const std::vector<double> d = csr_degrees(graph);
    diag_ = matrix_.placed_vector();
    float* diag = diag_.as<float>();
    for (Index i = 0; i < n_; ++i) diag[i] = static_cast<float>(r_ * r_ - 1 + d[std::size_t(i)]);
    scale_ = static_cast<float>(-r_);
  }
}

void SpectralOperator::apply(const float* x, float* y) const {
  SpmvArgs args{.a = matrix_.ref(), .x = x, .y = y, .scale = scale_, .threads = threads_};
  if (kind_ == OperatorKind::bethe_hessian) args.diag = diag_.as<const float>();
  fn_(args);
}

}  // namespace armperf::kernels::spectral
