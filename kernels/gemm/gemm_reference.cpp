// The reference the tests check every variant against (DESIGN §3): the textbook triple loop, each
// dot product accumulated in double and rounded once (exact for int8: every sum is a whole number far
// below 2^53). Clarity over speed; never benchmarked.
#include "kernels/gemm/gemm.hpp"

namespace armperf::kernels {

template <class T>
void gemm_reference(const GemmArgs<T>& args) {
  check_gemm_args(args);
  auto a = [&](std::int64_t i, std::int64_t p) {
    return gemm_value(args.trans_a == Trans::no ? args.a[i * args.lda + p] : args.a[p * args.lda + i]);
  };
  auto b = [&](std::int64_t p, std::int64_t j) {
    return gemm_value(args.trans_b == Trans::no ? args.b[p * args.ldb + j] : args.b[j * args.ldb + p]);
  };
  for (std::int64_t i = 0; i < args.m; ++i) {
    for (std::int64_t j = 0; j < args.n; ++j) {
      double sum = 0;
      for (std::int64_t p = 0; p < args.k; ++p) sum += a(i, p) * b(p, j);
      using Acc = GemmAcc<T>;
      Acc& c = args.c[i * args.ldc + j];
      // beta == 0: C is write-only (BLAS), so a NaN there must not reach the result.
      const double old = args.beta == Acc(0) ? 0.0 : double(args.beta) * double(c);
      c = static_cast<Acc>(double(args.alpha) * sum + old);
    }
  }
}

template void gemm_reference<float>(const GemmArgs<float>&);
template void gemm_reference<double>(const GemmArgs<double>&);
template void gemm_reference<Bfloat16>(const GemmArgs<Bfloat16>&);
template void gemm_reference<std::int8_t>(const GemmArgs<std::int8_t>&);

}  // namespace armperf::kernels
