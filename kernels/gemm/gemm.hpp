// GEMM: C = alpha * op(A) * op(B) + beta * C, row-major, f32 (sgemm) and f64 (dgemm); bf16 A and B
// into an f32 C (sbgemm); int8 A and B into an int32 C (s8gemm).
//
// Our implementation follows the BLIS split (STYLE.md): a portable driver that blocks for the caches
// and packs A and B into contiguous, zero-padded panels (gemm_driver.cpp; B is read in place for
// GEMV-like shapes, A by micro-kernels that provide direct_a), and one register-blocked
// MR x NR micro-kernel per ISA (gemm_<isa>.cpp), the only ISA-specific code. Peer libraries (OpenBLAS,
// BLIS, oneDNN) are registry rows with the same signature, so they get the same tests and benchmarks.
#pragma once

#include <bit>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace armperf::kernels {

enum class Trans : char { no = 'N', yes = 'T' };

// bf16 (the upper half of an f32's bits) as a type of its own, so that templates tell it from f16 and
// int16. sbgemm multiplies bf16 A and B into an f32 C, as OpenBLAS's cblas_sbgemm does.
enum class Bfloat16 : std::uint16_t {};
inline float bf16_value(Bfloat16 x) { return std::bit_cast<float>(std::uint32_t(x) << 16); }
// f32 to bf16 by truncation (tests and benchmarks draw values; no kernel converts).
inline Bfloat16 bf16_truncate(float x) { return Bfloat16(std::bit_cast<std::uint32_t>(x) >> 16); }

// The type of C, alpha and beta for A and B of type T: T itself, f32 for bf16, int32 for int8.
template <class T>
struct GemmAccumulator {
  using type = T;
};
template <>
struct GemmAccumulator<Bfloat16> {
  using type = float;
};
// s8gemm (oneDNN's gemm_s8s8s32 without offsets): int8 A and B, int32 C, alpha and beta. The sums are
// exact; the caller keeps C within int32 (k * 128 * 128 * |alpha| + |beta * C| < 2^31), as with any
// integer GEMM.
template <>
struct GemmAccumulator<std::int8_t> {
  using type = std::int32_t;
};
template <class T>
using GemmAcc = typename GemmAccumulator<T>::type;

// An element of A or B in C's type (exact: every bf16 is an f32).
template <class T>
GemmAcc<T> gemm_acc_value(T x) {
  if constexpr (std::is_same_v<T, Bfloat16>) {
    return bf16_value(x);
  } else {
    return x;
  }
}
// ... and as a double (the reference and the tests' checks).
template <class T>
double gemm_value(T x) {
  return double(gemm_acc_value(x));
}
// The int8 operands the peers compute exactly: oneDNN's gemm_s8s8s32 without VNNI multiplies bytes with
// vpmaddubsw, whose int16 pair sums saturate over the whole int8 range (gemm_test found results off by
// thousands), not within [-64, 64]. The benchmark draws from this range, the tests give it to the peers.
inline constexpr int kGemmInt8PeerBound = 64;

// A value of C's type as an element of A or B (bf16: truncated; int8: clamped to its range), how tests
// and benchmarks draw operands.
template <class T>
T gemm_element(GemmAcc<T> x) {
  if constexpr (std::is_same_v<T, Bfloat16>) {
    return bf16_truncate(x);
  } else if constexpr (std::is_same_v<T, std::int8_t>) {
    return static_cast<std::int8_t>(x < -128 ? -128 : x > 127 ? 127 : x);
  } else {
    return x;
  }
}
// k steps per packed group of the micro-kernels for T: bf16 instructions (vdpbf16ps, BFDOT) multiply
// pairs, int8 dot products (SDOT, VPDPBUSD) quads. The rule gemm_micro_kernel() (MicroKernel::k_unit)
// and the kernels' traits follow; a kernel whose instruction takes another group says so there (SMMLA:
// 8 k steps).
template <class T>
inline constexpr int kGemmKUnit = std::is_same_v<T, Bfloat16>      ? 2
                                  : std::is_same_v<T, std::int8_t> ? 4
                                                                   : 1;

// Cache blocking (Goto/BLIS names): an MC x KC block of A stays in L2, a KC x NC panel of B in the
// last-level cache, a KC x NR sliver of B in L1 where it fits (the deep slices of gemm_blocking() make
// it stream from L2; nc_direct_a then keeps a smaller panel of B in L2). 0 = derive from the cache sizes
// (gemm_blocking()).
struct GemmBlocking {
  std::int64_t mc = 0, kc = 0, nc = 0;
  // A product whose op(A) and op(B) are each at most this many bytes is computed unpacked: the tiles
  // read an untransposed B in place (where no thread shares a packed B panel with others: one thread,
  // or a column split; single k steps only), and A where the micro-kernel can (MicroKernel::direct_a).
  // 0 derives it from L1 (gemm_blocking), negative packs every product.
  std::int64_t unpacked_bytes = 0;
  // Micro-kernels whose direct_a pays off for small A only (MicroKernel::direct_a_small_only) read an
  // untransposed op(A) of at most this many bytes in place, and pack a larger one. 0 derives it from L2
  // (gemm_blocking), negative packs A wherever the product is not unpacked.
  std::int64_t direct_a_bytes = 0;
  // NC where the micro-kernel reads A in place and the KC x NR sliver of B outgrows L1 (gemm_block):
  // the KC x NC panel of B then stays in L2 and the tiles walk A's MR-row panels outermost, each panel
  // meeting every sliver of B while it is in L1, instead of each sliver streaming through all of an MC
  // block. 0 derives it (gemm_blocking: the panel in a quarter of L2; negative where a sliver fits in
  // half of L1), negative keeps NC and the BLIS order. Columns of KC-deep slivers: a product with fewer
  // k steps than KC gets proportionally more (at most NC).
  std::int64_t nc_direct_a = 0;
  // Threaded products of fewer flops run with the caller as the team's thread 0 (TeamCaller::works),
  // larger ones on a team with a pinned thread 0 of its own. 0 derives it (gemm_blocking), negative
  // keeps the caller out of every team.
  double caller_works_flops = 0;
  // Products of fewer flops run on the caller alone, whatever GemmArgs::threads asks: a second thread
  // would cost more to hand its share to than the share takes. 0 derives it, negative never.
  double solo_flops = 0;
};

// GemmBlocking from text such as "kc=256,unpacked=-1": comma-separated key=value pairs of mc, kc, nc,
// nc_direct_a (elements), unpacked, direct_a (bytes), caller_works, solo (flops), whole numbers (64e6 is
// one); fields not named stay 0 (derived). ARMPERF_GEMM_BLOCKING takes it for our variants' benchmarks. On
// bad text, says why in `error` and leaves `blocking` as it was.
bool parse_gemm_blocking(std::string_view text, GemmBlocking& blocking, std::string& error);

// One call, BLAS semantics in row-major order: op(A) is m x k, op(B) is k x n, C is m x n.
// beta == 0 means C is write-only (NaN or garbage in C is overwritten, never propagated).
// T is the type of A and B; C's is GemmAcc<T> (f32 for bf16, int32 for int8).
template <class T>
struct GemmArgs {
  using Acc = GemmAcc<T>;
  Trans trans_a = Trans::no, trans_b = Trans::no;
  std::int64_t m = 0, n = 0, k = 0;
  Acc alpha = 1;
  const T* a = nullptr;
  std::int64_t lda = 0;
  const T* b = nullptr;
  std::int64_t ldb = 0;
  Acc beta = 0;
  Acc* c = nullptr;
  std::int64_t ldc = 0;
  int threads = 1;          // ours: a persistent pinned core/team of this size; peers: their own pools
  GemmBlocking blocking{};  // ours only; peers choose their own
};

// The family's signature: what KernelVariant::fn points to for ops "sgemm", "dgemm", "sbgemm" and
// "s8gemm".
template <class T>
using GemmFn = void (*)(const GemmArgs<T>&);
using SgemmFn = GemmFn<float>;
using DgemmFn = GemmFn<double>;
using SbgemmFn = GemmFn<Bfloat16>;
using S8gemmFn = GemmFn<std::int8_t>;

// Calls f(std::type_identity<T>{}) with the element type T of A and B that a variant's dtype names
// ("f32", "f64", "bf16", "int8"), so that code generic over the family's dtypes (benchmarks, tests)
// names them in one place. Any other dtype is an error in the registry: std::invalid_argument.
template <class F>
void visit_gemm_dtype(std::string_view dtype, F&& f) {
  if (dtype == "f32") {
    f(std::type_identity<float>{});
  } else if (dtype == "f64") {
    f(std::type_identity<double>{});
  } else if (dtype == "bf16") {
    f(std::type_identity<Bfloat16>{});
  } else if (dtype == "int8") {
    f(std::type_identity<std::int8_t>{});
  } else {
    throw std::invalid_argument("gemm: no element type for dtype '" + std::string(dtype) +
                                "' (expected f32, f64, bf16 or int8)");
  }
}

// A micro-kernel: C[0:MR, 0:NR] = alpha * sum_p a[p*MR + i] * b[p*ldb + j] + beta * C, where a is a
// packed panel (zero-padded to MR rows, 64-byte aligned), b either a packed panel (ldb = NR) or,
// for GEMV-like shapes, the rows of B itself (ldb = B's leading dimension), and C is row-major
// with stride ldc. beta == 0: C is not read. Kernels that take k in groups (MicroKernel::k_unit: bf16
// pairs, int8 quads) read packed panels in groups: a[g * MR * u + i * u + e] and b[g * ldb * u + j * u + e]
// for k = g * u + e, zero-padded to a whole group.
template <class T>
using MicroKernelFn = void (*)(std::int64_t kc, const T* a, const T* b, std::int64_t ldb, GemmAcc<T>* c,
                               std::int64_t ldc, GemmAcc<T> alpha, GemmAcc<T> beta);

// The same tile with A read in place: a[i * lda + p], a row-major, untransposed A (rows i0.. of
// the MR-row panel, columns from the KC slice's first). Optional: a micro-kernel that broadcasts A one
// element at a time may provide it (gemm_avx512.cpp does where it measured faster); those that load
// MR elements of A as a vector need the packed panel.
template <class T>
using DirectAFn = void (*)(std::int64_t kc, const T* a, std::int64_t lda, const T* b, std::int64_t ldb,
                           GemmAcc<T>* c, std::int64_t ldc, GemmAcc<T> alpha, GemmAcc<T> beta);

// The DirectAFn tile for a last row panel of `rows` < MR rows of A (read in place like direct_a's): only
// C[0:rows, 0:NR] is read and written.
template <class T>
using DirectARowsFn = void (*)(int rows, std::int64_t kc, const T* a, std::int64_t lda, const T* b,
                               std::int64_t ldb, GemmAcc<T>* c, std::int64_t ldc, GemmAcc<T> alpha,
                               GemmAcc<T> beta);

// op(A) or op(B) as stored: the matrix, its leading dimension and whether op transposes it.
template <class T>
struct GemmOperand {
  const T* data = nullptr;
  std::int64_t ld = 0;
  bool transposed = false;
};

// GEMV-like shapes (row_stream.hpp): C[0:m, 0:n] = alpha * op(A) * B + beta * C over all of K, B
// untransposed (row p at b + p * ldb), C in column blocks of `block` columns accumulated in `acc`
// (m * min(block, n) elements). beta == 0: C is not read.
template <class T>
using RowStreamFn = void (*)(std::int64_t m, std::int64_t n, std::int64_t k, const GemmOperand<T>& a,
                             const T* b, std::int64_t ldb, GemmAcc<T>* c, std::int64_t ldc, GemmAcc<T> alpha,
                             GemmAcc<T> beta, std::int64_t block, GemmAcc<T>* acc);

// Packing (gemm_pack.hpp). A: rows [i0, i0 + rows) x columns [p0, p0 + kc) of op(A) into one MR-row
// panel dst[p * mr + r], rows past `rows` zero; `next_rows` rows after them are prefetched. B: rows
// [p0, p0 + kc) x columns [j0, j0 + cols) of op(B) into NR-column slivers, sliver s at dst + s * nr * kc
// holding dst[p * nr + j], columns past `cols` zero. With k in groups of u (MicroKernel::k_unit) the
// layouts are the micro-kernel's of MicroKernelFn, kc rounded up to a whole group (zeros), and sliver s
// at dst + s * nr * round_up(kc, u).
template <class T>
using PackAFn = void (*)(const GemmOperand<T>& a, std::int64_t i0, std::int64_t rows, std::int64_t p0,
                         std::int64_t kc, int mr, std::int64_t next_rows, T* dst);
template <class T>
using PackBFn = void (*)(const GemmOperand<T>& b, std::int64_t p0, std::int64_t kc, std::int64_t j0,
                         std::int64_t cols, int nr, T* dst);

// The micro-kernel and the packing routines compiled with it. The packing code is the same for every
// ISA (gemm_pack.hpp), instantiated in each gemm_<isa>.cpp so that it is vectorised for that ISA and
// specialised for its MR; gemm_micro_kernel() there fills pack_a and pack_b.
template <class T>
struct MicroKernel {
  int mr = 0, nr = 0;  // nr may be a run-time value (SVE: a multiple of the vector length)
  MicroKernelFn<T> fn = nullptr;
  PackAFn<T> pack_a = nullptr;
  // pack_b may store B transformed for the micro-kernel (int8 as offset binary for VNNI: gemm_pack.hpp),
  // so such a kernel must only ever see B packed: the driver reads B in place for k_unit 1 only.
  PackBFn<T> pack_b = nullptr;
  DirectAFn<T> direct_a = nullptr;  // optional: full tiles of an untransposed A skip its packing
  int k_unit =
      1;  // k steps per packed group (2: bf16 pairs, 4: int8 quads, 8: SMMLA); KC slices are whole groups
  // Optional: GEMV-like shapes stream B's rows instead of reading it down column strips with fn
  // (single k steps only: k_unit 1).
  RowStreamFn<T> row_stream = nullptr;
  // direct_a only for an op(A) within GemmBlocking::direct_a_bytes or an unpacked product
  // (GemmBlocking::unpacked_bytes), packed A otherwise.
  bool direct_a_small_only = false;
  // Elements the driver leaves after each packed A panel (MR x kc rounded up to a whole group), for
  // data of the panel that pack_a computes once and fn reads in every tile of its row (VNNI: the rows'
  // sums). Such a kernel must only ever see A packed: it must not have direct_a.
  std::int64_t a_panel_extra = 0;
  // Optional, with direct_a: the last row panel of an A read in place, when it has fewer than MR rows, is
  // read in place too and computes only its rows, instead of being packed with zero rows and computed as a
  // full tile into scratch (at 512x4096x1024 and MR 6, a 2-row panel at the cost of 6 rows).
  DirectARowsFn<T> direct_a_rows = nullptr;
};

// Cache sizes in bytes the blocking is derived from.
struct GemmCaches {
  std::int64_t l1 = 32 << 10, l2 = 1 << 20, llc = 32 << 20;
};
// This machine's data-cache sizes, from the topology (the defaults for a level it does not report).
GemmCaches gemm_caches();

// Fills the zero fields of `requested` from the caches; nonzero fields are kept, rounded to the tile.
// KC becomes a whole number of the micro-kernel's k groups (k_unit: 2 for bf16, 4 for int8), rounded up.
GemmBlocking gemm_blocking(const GemmBlocking& requested, int mr, int nr, std::int64_t element_bytes,
                           const GemmCaches& caches, int k_unit = 1);

// A rectangle C[i0:i1, j0:j1] one thread computes.
struct GemmRange {
  std::int64_t i0 = 0, i1 = 0, j0 = 0, j1 = 0;
  bool empty() const { return i0 >= i1 || j0 >= j1; }
  bool operator==(const GemmRange&) const = default;
};
// 2-D partition of C for `threads` threads on the MR x NR tile grid: rows x cols bands with
// rows * cols = threads, boundaries on whole tiles, chosen to minimise what each thread packs.
// Returns `threads` ranges (some empty when C has fewer tiles than threads).
std::vector<GemmRange> gemm_partition(std::int64_t m, std::int64_t n, int mr, int nr, int threads);

// How a team computes C when the threads of one NUMA node share one packed B panel (BLIS's "jc"
// ways across nodes, "ic" ways within one): the columns of C are split into one band per node
// (proportional to its threads, whole NR tiles), and a node's band into one row range per thread
// (whole MR tiles). A node's threads pack each KC x NC panel of B together, a share of its slivers
// each, then meet at that node's group barrier (two panels in turn, so one barrier per panel), so B is
// packed once per node and read from memory local to it; each thread packs (or reads in place) only
// its own rows of A.
struct GemmTeamPlan {
  bool shared_b = false;          // false: gemm_partition(), every thread packs its own B
  std::vector<GemmRange> ranges;  // per thread: its rows x its group's column band
  std::vector<int> group;         // per thread: index of its node group (shared_b only)
  std::vector<int> group_rank;    // per thread: its place in that group
  std::vector<int> group_size;    // per group: threads in it
};
// node_of_thread[t]: the NUMA node of team thread t. B is shared when gemm_partition() would split
// the rows of C (threads would otherwise pack the same columns of B), every thread of the largest
// group gets at least one row tile and C has more than `min_rows` rows (GEMV-like shapes read B in
// place instead, split by columns); otherwise the plan is gemm_partition()'s, unshared: a column
// split packs each column of B once anyway, without barriers.
GemmTeamPlan gemm_team_plan(std::int64_t m, std::int64_t n, int mr, int nr,
                            const std::vector<int>& node_of_thread, std::int64_t min_rows);

// The shared driver: checks the arguments (std::invalid_argument naming the bad one), handles
// alpha == 0 / k == 0, blocks, packs and calls the micro-kernel; partial tiles go through a
// scratch tile so micro-kernels only ever see full MR x NR tiles (but for direct_a_rows: tiles of fewer
// rows, on C or, in a partial sliver, on the scratch tile).
template <class T>
void gemm(const GemmArgs<T>& args, const MicroKernel<T>& kernel);

// Throws std::invalid_argument naming the first bad argument (dimension, leading dimension, threads).
template <class T>
void check_gemm_args(const GemmArgs<T>& args);

// The double-precision reference for tests: every dot product accumulated in double, then rounded.
template <class T>
void gemm_reference(const GemmArgs<T>& args);

}  // namespace armperf::kernels
