#include "kernels/gemm/gemm.hpp"
#include "kernels/gemm/gemm_pack.hpp"
#include "kernels/gemm/unroll.hpp"
#include "kernels/registry.hpp"

namespace armperf::kernels {
namespace {

// The baseline every ISA is measured against: the same packed driver, a 4 x 4 tile of scalar
// accumulators (16 of them fit the 16/32 FP registers of x86-64/AArch64 with room for A and B),
// built with -fno-tree-vectorize so it stays scalar.
constexpr int kMr = 4, kNr = 4;

template <class T>
void ukernel(std::int64_t kc, const T* a, const T* b, std::int64_t ldb, T* c, std::int64_t ldc, T alpha,
             T beta) {
  T acc[kMr][kNr] = {};
  for (std::int64_t p = 0; p < kc; ++p) {
    unroll<kMr>([&](auto i) { unroll<kNr>([&](auto j) { acc[i][j] += a[i] * b[j]; }); });
    a += kMr;
    b += ldb;
  }
  unroll<kMr>([&](auto i) {
    unroll<kNr>([&](auto j) {
      T& out = c[i * ldc + j];
      out = beta == T(0) ? alpha * acc[i][j] : alpha * acc[i][j] + beta * out;
    });
  });
}

}  // namespace

void f32_sgemm__scalar_4x4(const GemmArgs<float>& args) {
  gemm(args, gemm_micro_kernel<float, kMr>(kNr, &ukernel<float>));
}
void f64_dgemm__scalar_4x4(const GemmArgs<double>& args) {
  gemm(args, gemm_micro_kernel<double, kMr>(kNr, &ukernel<double>));
}

ARMPERF_REGISTER_KERNEL(KernelVariant{.name = "f32_sgemm__scalar_4x4",
                                      .family = "gemm",
                                      .op = "sgemm",
                                      .dtype = "f32",
                                      .isa = Isa::scalar,
                                      .tile = kMr,
                                      .tile_n = kNr,
                                      .fn = reinterpret_cast<KernelFn>(&f32_sgemm__scalar_4x4)});
ARMPERF_REGISTER_KERNEL(KernelVariant{.name = "f64_dgemm__scalar_4x4",
                                      .family = "gemm",
                                      .op = "dgemm",
                                      .dtype = "f64",
                                      .isa = Isa::scalar,
                                      .tile = kMr,
                                      .tile_n = kNr,
                                      .fn = reinterpret_cast<KernelFn>(&f64_dgemm__scalar_4x4)});

}  // namespace armperf::kernels
