#if !defined(__ARM_FEATURE_SVE)
#error "gemm_sve.cpp needs SVE: add it with armperf_add_kernel_family()"
#endif
#include <arm_sve.h>

#include "kernels/gemm/gemm.hpp"
#include "kernels/gemm/gemm_pack.hpp"
#include "kernels/registry.hpp"

namespace armperf::kernels {
namespace {

template <class T>
struct Sve;
template <>
struct Sve<float> {
  using V = svfloat32_t;
  static svbool_t all() { return svptrue_b32(); }
  static std::int64_t lanes() { return static_cast<std::int64_t>(svcntw()); }
  static V zero() { return svdup_n_f32(0.0f); }
};
template <>
struct Sve<double> {
  using V = svfloat64_t;
  static svbool_t all() { return svptrue_b64(); }
  static std::int64_t lanes() { return static_cast<std::int64_t>(svcntd()); }
  static V zero() { return svdup_n_f64(0.0); }
};

// One row of the tile: C[r, 0:3*VL] += a_r * B[p, 0:3*VL] (fmla with a scalar operand: ld1rw/ld1rd
// broadcasts a_r, one load for three FMAs).
template <class V, class T>
[[gnu::always_inline]] inline void fma_row(svbool_t pg, V& c0, V& c1, V& c2, V b0, V b1, V b2, T a) {
  c0 = svmla_x(pg, c0, b0, a);
  c1 = svmla_x(pg, c1, b1, a);
  c2 = svmla_x(pg, c2, b2, a);
}

template <class V, class T>
[[gnu::always_inline]] inline void store_row(svbool_t pg, T* out, std::int64_t vl, V c0, V c1, V c2, T alpha,
                                             T beta) {
  if (beta == T(0)) {
    svst1(pg, out, svmul_x(pg, c0, alpha));
    svst1(pg, out + vl, svmul_x(pg, c1, alpha));
    svst1(pg, out + 2 * vl, svmul_x(pg, c2, alpha));
  } else {
    svst1(pg, out, svmla_x(pg, svmul_x(pg, svld1(pg, out), beta), c0, alpha));
    svst1(pg, out + vl, svmla_x(pg, svmul_x(pg, svld1(pg, out + vl), beta), c1, alpha));
    svst1(pg, out + 2 * vl, svmla_x(pg, svmul_x(pg, svld1(pg, out + 2 * vl), beta), c2, alpha));
  }
}

// Vector-length agnostic 8 x 3VL tile: NR = 3 * svcntw() (f32) is 12 at VL 128, 24 on Neoverse V1
// (256), 192 at VL 2048. 24 accumulators + 3 B vectors + 1 broadcast fit SVE's 32 z registers at any
// VL. SVE vectors are sizeless (no arrays of them), so the eight rows are spelled out by ROWS.
constexpr int kMr = 8;
#define ARMPERF_GEMM_SVE_ROWS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7)

template <class T>
void ukernel(std::int64_t kc, const T* a, const T* b, std::int64_t ldb, T* c, std::int64_t ldc, T alpha,
             T beta) {
  using S = Sve<T>;
  const svbool_t pg = S::all();
  const std::int64_t vl = S::lanes();
#define ARMPERF_DECLARE(r) typename S::V c##r##0 = S::zero(), c##r##1 = S::zero(), c##r##2 = S::zero();
  ARMPERF_GEMM_SVE_ROWS(ARMPERF_DECLARE)
#undef ARMPERF_DECLARE
  for (std::int64_t p = 0; p < kc; ++p) {
    const typename S::V b0 = svld1(pg, b), b1 = svld1(pg, b + vl), b2 = svld1(pg, b + 2 * vl);
#define ARMPERF_FMA(r) fma_row(pg, c##r##0, c##r##1, c##r##2, b0, b1, b2, a[r]);
    ARMPERF_GEMM_SVE_ROWS(ARMPERF_FMA)
#undef ARMPERF_FMA
    a += kMr;
    b += ldb;
  }
#define ARMPERF_STORE(r) store_row(pg, c + r * ldc, vl, c##r##0, c##r##1, c##r##2, alpha, beta);
  ARMPERF_GEMM_SVE_ROWS(ARMPERF_STORE)
#undef ARMPERF_STORE
}

// The same 8 x 3VL tile for s8gemm, k in quads (the int8 packing of gemm_pack.hpp): sdot by lane
// multiplies each column's quad of B by row r's quad of A and adds the four products to the column's
// int32 lane. ld1rqb replicates 16 bytes of the A panel, the quads of four rows, into every 128-bit
// segment, and the lane index (the row within those four) picks the same quad in each segment. 24
// accumulators, 3 vectors of B and 2 of A.
void ukernel_s8(std::int64_t kc, const std::int8_t* a, const std::int8_t* b, std::int64_t ldb,
                std::int32_t* c, std::int64_t ldc, std::int32_t alpha, std::int32_t beta) {
  constexpr int quad = kGemmKUnit<std::int8_t>;
  const svbool_t bytes = svptrue_b8(), words = svptrue_b32();
  const std::int64_t vl = static_cast<std::int64_t>(svcntw());  // int32 lanes: columns per vector
#define ARMPERF_DECLARE(r) \
  svint32_t c##r##0 = svdup_n_s32(0), c##r##1 = svdup_n_s32(0), c##r##2 = svdup_n_s32(0);
  ARMPERF_GEMM_SVE_ROWS(ARMPERF_DECLARE)
#undef ARMPERF_DECLARE
  for (std::int64_t g = 0; g < (kc + quad - 1) / quad; ++g) {
    const svint8_t b0 = svld1(bytes, b), b1 = svld1(bytes, b + quad * vl),
                   b2 = svld1(bytes, b + 2 * quad * vl);
    const svint8_t a_low = svld1rq(bytes, a), a_high = svld1rq(bytes, a + 4 * quad);  // rows 0-3, 4-7
#define ARMPERF_DOT(r)                              \
  {                                                 \
    const svint8_t ar = (r) < 4 ? a_low : a_high;   \
    c##r##0 = svdot_lane(c##r##0, b0, ar, (r) % 4); \
    c##r##1 = svdot_lane(c##r##1, b1, ar, (r) % 4); \
    c##r##2 = svdot_lane(c##r##2, b2, ar, (r) % 4); \
  }
    ARMPERF_GEMM_SVE_ROWS(ARMPERF_DOT)
#undef ARMPERF_DOT
    a += kMr * quad;
    b += ldb * quad;
  }
#define ARMPERF_STORE(r) store_row(words, c + r * ldc, vl, c##r##0, c##r##1, c##r##2, alpha, beta);
  ARMPERF_GEMM_SVE_ROWS(ARMPERF_STORE)
#undef ARMPERF_STORE
}

}  // namespace

void f32_sgemm__sve_8x3vl(const GemmArgs<float>& args) {
  gemm(args, gemm_micro_kernel<float, kMr>(static_cast<int>(3 * Sve<float>::lanes()), &ukernel<float>));
}
void f64_dgemm__sve_8x3vl(const GemmArgs<double>& args) {
  gemm(args, gemm_micro_kernel<double, kMr>(static_cast<int>(3 * Sve<double>::lanes()), &ukernel<double>));
}

void int8_s8gemm__sve_8x3vl(const GemmArgs<std::int8_t>& args) {
  gemm(args, gemm_micro_kernel<std::int8_t, kMr>(static_cast<int>(3 * svcntw()), &ukernel_s8));
}

// tile_n is NR at VL 128; the tests scale it by the vector length they run at.
ARMPERF_REGISTER_KERNEL(KernelVariant{.name = "f32_sgemm__sve_8x3vl",
                                      .family = "gemm",
                                      .op = "sgemm",
                                      .dtype = "f32",
                                      .isa = Isa::sve,
                                      .tile = kMr,
                                      .tile_n = 12,
                                      .fn = reinterpret_cast<KernelFn>(&f32_sgemm__sve_8x3vl)});
ARMPERF_REGISTER_KERNEL(KernelVariant{.name = "f64_dgemm__sve_8x3vl",
                                      .family = "gemm",
                                      .op = "dgemm",
                                      .dtype = "f64",
                                      .isa = Isa::sve,
                                      .tile = kMr,
                                      .tile_n = 6,
                                      .fn = reinterpret_cast<KernelFn>(&f64_dgemm__sve_8x3vl)});

ARMPERF_REGISTER_KERNEL(KernelVariant{.name = "int8_s8gemm__sve_8x3vl",
                                      .family = "gemm",
                                      .op = "s8gemm",
                                      .dtype = "int8",
                                      .isa = Isa::sve,
                                      .tile = kMr,
                                      .tile_n = 12,
                                      .fn = reinterpret_cast<KernelFn>(&int8_s8gemm__sve_8x3vl)});

}  // namespace armperf::kernels
