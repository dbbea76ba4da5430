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

// bf16 (sbgemm) takes k in pairs and int8 (s8gemm) in quads (the packed layouts of their SIMD kernels);
// bf16 accumulates in f32, where each bf16 product is exact, int8 in int32.
template <class T>
void ukernel(std::int64_t kc, const T* a, const T* b, std::int64_t ldb, GemmAcc<T>* c, std::int64_t ldc,
             GemmAcc<T> alpha, GemmAcc<T> beta) {
  using Acc = GemmAcc<T>;
  constexpr int u = kGemmKUnit<T>;  // k steps per packed group
  Acc acc[kMr][kNr] = {};
  for (std::int64_t g = 0; g < (kc + u - 1) / u; ++g) {
    unroll<u>([&](auto e) {
      unroll<kMr>([&](auto i) {
        unroll<kNr>(
            [&](auto j) { acc[i][j] += gemm_acc_value(a[i * u + e]) * gemm_acc_value(b[j * u + e]); });
      });
    });
    a += kMr * u;
    b += ldb * u;
  }
  unroll<kMr>([&](auto i) {
    unroll<kNr>([&](auto j) {
      Acc& out = c[i * ldc + j];
      out = beta == Acc(0) ? alpha * acc[i][j] : alpha * acc[i][j] + beta * out;
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
void bf16_sbgemm__scalar_4x4(const GemmArgs<Bfloat16>& args) {
  gemm(args, gemm_micro_kernel<Bfloat16, kMr>(kNr, &ukernel<Bfloat16>));
}
void int8_s8gemm__scalar_4x4(const GemmArgs<std::int8_t>& args) {
  gemm(args, gemm_micro_kernel<std::int8_t, kMr>(kNr, &ukernel<std::int8_t>));
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
ARMPERF_REGISTER_KERNEL(KernelVariant{.name = "bf16_sbgemm__scalar_4x4",
                                      .family = "gemm",
                                      .op = "sbgemm",
                                      .dtype = "bf16",
                                      .isa = Isa::scalar,
                                      .tile = kMr,
                                      .tile_n = kNr,
                                      .fn = reinterpret_cast<KernelFn>(&bf16_sbgemm__scalar_4x4)});
ARMPERF_REGISTER_KERNEL(KernelVariant{.name = "int8_s8gemm__scalar_4x4",
                                      .family = "gemm",
                                      .op = "s8gemm",
                                      .dtype = "int8",
                                      .isa = Isa::scalar,
                                      .tile = kMr,
                                      .tile_n = kNr,
                                      .fn = reinterpret_cast<KernelFn>(&int8_s8gemm__scalar_4x4)});

}  // namespace armperf::kernels
