// oneDNN as a gemm peer (impl "onednn"): dnnl_sgemm and dnnl_gemm_s8s8s32 (s8gemm), row-major like
// ours, and for sbgemm (bf16 A and B, f32 C) its matmul primitive, which is what frameworks run bf16 GEMMs on
// (its C API has no bf16 gemm function). oneDNN has no f64 GEMM. Debian builds it on OpenMP, so the thread
// count is OpenMP's.
#include <benchmark/benchmark.h>
#include <omp.h>
#include <oneapi/dnnl/dnnl.h>

#include <memory>
#include <stdexcept>
#include <string>

#include "kernels/gemm/gemm.hpp"
#include "kernels/registry.hpp"

namespace armperf::kernels {
namespace {

std::string cpu_isa_name(dnnl_cpu_isa_t isa) {
  switch (isa) {
    case dnnl_cpu_isa_all:
      return "all";
    case dnnl_cpu_isa_sse41:
      return "sse41";
    case dnnl_cpu_isa_avx:
      return "avx";
    case dnnl_cpu_isa_avx2:
      return "avx2";
    case dnnl_cpu_isa_avx2_vnni:
      return "avx2_vnni";
    case dnnl_cpu_isa_avx512_core:
      return "avx512_core";
    case dnnl_cpu_isa_avx512_core_vnni:
      return "avx512_core_vnni";
    case dnnl_cpu_isa_avx512_core_bf16:
      return "avx512_core_bf16";
    case dnnl_cpu_isa_avx512_core_amx:
      return "avx512_core_amx";
    default:
      return "isa 0x" + std::to_string(static_cast<unsigned>(isa));
  }
}

[[maybe_unused]] const bool onednn_context_recorded = [] {
  const dnnl_version_t* v = dnnl_version();
  KernelRegistry::instance().add_library_context(
      "onednn_version",
      std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch));
  KernelRegistry::instance().add_library_context("onednn_cpu_isa",
                                                 cpu_isa_name(dnnl_get_effective_cpu_isa()));
  return true;
}();

void onednn_check(dnnl_status_t status, const std::string& what) {
  if (status != dnnl_success) {
    throw std::runtime_error("onednn: " + what + " failed with status " +
                             std::to_string(static_cast<int>(status)));
  }
}

// BLAS, and this family, define C = beta * C when k == 0 or alpha == 0. oneDNN 2.6 (found by gemm_test)
// returns C unchanged for k == 0 on x86, and on aarch64 with SVE scales the padding columns between n
// and ldc too for alpha == 0. The adapters keep the contract for these two cases; no benchmark shape
// reaches them. Returns true when it handled the call.
template <class T>
bool scale_only(const GemmArgs<T>& args) {
  using Acc = GemmAcc<T>;
  if (args.k != 0 && args.alpha != Acc(0)) return false;
  for (std::int64_t i = 0; i < args.m; ++i) {
    for (std::int64_t j = 0; j < args.n; ++j) {
      Acc& c = args.c[i * args.ldc + j];
      c = args.beta == Acc(0) ? Acc(0) : args.beta * c;
    }
  }
  return true;
}

// A failed BLAS-style call, with its arguments.
template <class T>
[[noreturn]] void blas_call_failed(const char* function, const GemmArgs<T>& args, dnnl_status_t status) {
  throw std::runtime_error("onednn: " + std::string(function) + "(" +
                           std::string{char(args.trans_a), char(args.trans_b)} +
                           ", m=" + std::to_string(args.m) + ", n=" + std::to_string(args.n) +
                           ", k=" + std::to_string(args.k) + ", lda=" + std::to_string(args.lda) +
                           ", ldb=" + std::to_string(args.ldb) + ", ldc=" + std::to_string(args.ldc) +
                           ") failed with status " + std::to_string(static_cast<int>(status)));
}

// One matmul primitive for one call's shape, strides, transposes, alpha, beta and thread count (its
// implementation partitions the work for the threads it is created with). Kept per thread for the
// next call: a benchmark repeats the same call, and creating a primitive costs a JIT compile.
struct BfMatmul {
  Trans ta = Trans::no, tb = Trans::no;
  std::int64_t m = 0, n = 0, k = 0, lda = 0, ldb = 0, ldc = 0;
  float alpha = 0, beta = 0;
  int threads = 0;
  dnnl_memory_desc_t a_md{}, b_md{}, c_md{};
  dnnl_primitive_t primitive = nullptr;

  bool same_call(const GemmArgs<Bfloat16>& x) const {
    return ta == x.trans_a && tb == x.trans_b && m == x.m && n == x.n && k == x.k && lda == x.lda &&
           ldb == x.ldb && ldc == x.ldc && alpha == x.alpha && beta == x.beta && threads == x.threads;
  }
  ~BfMatmul() {
    if (primitive != nullptr) dnnl_primitive_destroy(primitive);
  }
};

dnnl_engine_t cpu_engine() {
  static const dnnl_engine_t engine = [] {
    dnnl_engine_t e = nullptr;
    onednn_check(dnnl_engine_create(&e, dnnl_cpu, 0), "dnnl_engine_create");
    return e;
  }();
  return engine;
}

// A row-major matrix of rows x cols with leading dimension ld, read transposed when `trans` (op(X) is
// rows x cols either way): strides {ld, 1}, or {1, ld} for the transpose.
dnnl_memory_desc_t matrix_desc(std::int64_t rows, std::int64_t cols, std::int64_t ld, bool trans,
                               dnnl_data_type_t type) {
  dnnl_memory_desc_t md{};
  const dnnl_dims_t dims = {rows, cols};
  const dnnl_dims_t strides = {trans ? 1 : ld, trans ? ld : 1};
  onednn_check(dnnl_memory_desc_init_by_strides(&md, 2, dims, type, strides),
               "dnnl_memory_desc_init_by_strides");
  return md;
}

const BfMatmul& bf16_matmul(const GemmArgs<Bfloat16>& args) {
  thread_local std::unique_ptr<BfMatmul> last;
  if (last && last->same_call(args)) return *last;
  auto mm = std::make_unique<BfMatmul>();
  mm->ta = args.trans_a, mm->tb = args.trans_b, mm->m = args.m, mm->n = args.n, mm->k = args.k;
  mm->lda = args.lda, mm->ldb = args.ldb, mm->ldc = args.ldc, mm->alpha = args.alpha, mm->beta = args.beta;
  mm->threads = args.threads;
  mm->a_md = matrix_desc(args.m, args.k, args.lda, args.trans_a == Trans::yes, dnnl_bf16);
  mm->b_md = matrix_desc(args.k, args.n, args.ldb, args.trans_b == Trans::yes, dnnl_bf16);
  mm->c_md = matrix_desc(args.m, args.n, args.ldc, false, dnnl_f32);
  dnnl_matmul_desc_t desc{};
  onednn_check(dnnl_matmul_desc_init(&desc, &mm->a_md, &mm->b_md, nullptr, &mm->c_md),
               "dnnl_matmul_desc_init");
  // alpha as the output scale; beta != 0 as a sum post-op (C = alpha * AB + beta * C); beta == 0
  // has none, so C is write-only as BLAS requires.
  dnnl_primitive_attr_t attr = nullptr;
  onednn_check(dnnl_primitive_attr_create(&attr), "dnnl_primitive_attr_create");
  std::unique_ptr<dnnl_primitive_attr, decltype(&dnnl_primitive_attr_destroy)> attr_owner(
      attr, &dnnl_primitive_attr_destroy);
  onednn_check(dnnl_primitive_attr_set_output_scales(attr, 1, 0, &args.alpha), "output scale (alpha)");
  dnnl_post_ops_t post_ops = nullptr;
  onednn_check(dnnl_post_ops_create(&post_ops), "dnnl_post_ops_create");
  std::unique_ptr<dnnl_post_ops, decltype(&dnnl_post_ops_destroy)> post_ops_owner(post_ops,
                                                                                  &dnnl_post_ops_destroy);
  if (args.beta != 0.0f) onednn_check(dnnl_post_ops_append_sum(post_ops, args.beta), "sum post-op (beta)");
  onednn_check(dnnl_primitive_attr_set_post_ops(attr, post_ops), "dnnl_primitive_attr_set_post_ops");
  dnnl_primitive_desc_t pd = nullptr;
  onednn_check(dnnl_primitive_desc_create(&pd, &desc, attr, cpu_engine(), nullptr),
               "bf16 matmul m=" + std::to_string(args.m) + " n=" + std::to_string(args.n) +
                   " k=" + std::to_string(args.k));
  const dnnl_status_t made = dnnl_primitive_create(&mm->primitive, pd);
  dnnl_primitive_desc_destroy(pd);
  onednn_check(made, "dnnl_primitive_create (bf16 matmul)");
  last = std::move(mm);
  return *last;
}

}  // namespace

void f32_sgemm__onednn(const GemmArgs<float>& args) {
  check_gemm_args(args);
  if (scale_only(args)) return;
  omp_set_num_threads(args.threads);
  const dnnl_status_t status =
      dnnl_sgemm(static_cast<char>(args.trans_a), static_cast<char>(args.trans_b), args.m, args.n, args.k,
                 args.alpha, args.a, args.lda, args.b, args.ldb, args.beta, args.c, args.ldc);
  if (status != dnnl_success) blas_call_failed("dnnl_sgemm", args, status);
}

// s8gemm: dnnl_gemm_s8s8s32 with zero offsets for A, B and C. Its alpha and beta are floats, applied in
// float: results beyond 2^24 may be rounded where ours are exact up to int32's range (the tests' and the
// benchmark's are far below). Without VNNI, oneDNN's x86 kernels multiply bytes with
// vpmaddubsw, whose int16 pair sums may saturate (oneDNN's int8 guide); the tests and the benchmark's
// check draw operands the peer computes exactly (kGemmInt8PeerBound).
void int8_s8gemm__onednn(const GemmArgs<std::int8_t>& args) {
  check_gemm_args(args);
  if (args.m == 0 || args.n == 0 || scale_only(args)) return;
  omp_set_num_threads(args.threads);
  const std::int32_t c_offset = 0;
  const dnnl_status_t status =
      dnnl_gemm_s8s8s32(static_cast<char>(args.trans_a), static_cast<char>(args.trans_b), 'F', args.m, args.n,
                        args.k, static_cast<float>(args.alpha), args.a, args.lda, 0, args.b, args.ldb, 0,
                        static_cast<float>(args.beta), args.c, args.ldc, &c_offset);
  if (status != dnnl_success) blas_call_failed("dnnl_gemm_s8s8s32", args, status);
}

void bf16_sbgemm__onednn(const GemmArgs<Bfloat16>& args) {
  check_gemm_args(args);
  if (args.m == 0 || args.n == 0 || scale_only(args)) return;
  omp_set_num_threads(args.threads);
  const BfMatmul& mm = bf16_matmul(args);
  // The handles are the caller's matrices: no copies. Owned here, so an error on the way frees them.
  using Memory = std::unique_ptr<dnnl_memory, decltype(&dnnl_memory_destroy)>;
  auto memory = [&](const dnnl_memory_desc_t& md, const void* data, const char* what) {
    dnnl_memory_t m = nullptr;
    onednn_check(dnnl_memory_create(&m, &md, cpu_engine(), const_cast<void*>(data)), what);
    return Memory(m, &dnnl_memory_destroy);
  };
  const Memory a = memory(mm.a_md, args.a, "memory A"), b = memory(mm.b_md, args.b, "memory B"),
               c = memory(mm.c_md, args.c, "memory C");
  dnnl_stream_t raw_stream = nullptr;
  onednn_check(dnnl_stream_create(&raw_stream, cpu_engine(), dnnl_stream_default_flags),
               "dnnl_stream_create");
  const std::unique_ptr<dnnl_stream, decltype(&dnnl_stream_destroy)> stream(raw_stream, &dnnl_stream_destroy);
  const dnnl_exec_arg_t exec_args[] = {
      {DNNL_ARG_SRC, a.get()}, {DNNL_ARG_WEIGHTS, b.get()}, {DNNL_ARG_DST, c.get()}};
  onednn_check(dnnl_primitive_execute(mm.primitive, stream.get(), 3, exec_args), "bf16 matmul execute");
  onednn_check(dnnl_stream_wait(stream.get()), "dnnl_stream_wait");
}

ARMPERF_REGISTER_KERNEL(KernelVariant{.name = "f32_sgemm__onednn",
                                      .family = "gemm",
                                      .op = "sgemm",
                                      .dtype = "f32",
                                      .impl = "onednn",
                                      .fn = reinterpret_cast<KernelFn>(&f32_sgemm__onednn)});
ARMPERF_REGISTER_KERNEL(KernelVariant{.name = "int8_s8gemm__onednn",
                                      .family = "gemm",
                                      .op = "s8gemm",
                                      .dtype = "int8",
                                      .impl = "onednn",
                                      .fn = reinterpret_cast<KernelFn>(&int8_s8gemm__onednn)});
// x86 with AVX-512 only: oneDNN 2.6 implements bf16 matmul from avx512_core up (primitive creation
// returns dnnl_unimplemented below it), and Debian's build for arm64 (without the Arm Compute Library)
// has none (found by gemm_test under qemu). So sbgemm has no peer on ARM: neither Debian's OpenBLAS
// (built without cblas_sbgemm) nor BLIS provides one.
#if defined(__x86_64__)
ARMPERF_REGISTER_KERNEL(KernelVariant{.name = "bf16_sbgemm__onednn",
                                      .family = "gemm",
                                      .op = "sbgemm",
                                      .dtype = "bf16",
                                      .isa = Isa::avx512,
                                      .impl = "onednn",
                                      .fn = reinterpret_cast<KernelFn>(&bf16_sbgemm__onednn)});
#endif

}  // namespace armperf::kernels
