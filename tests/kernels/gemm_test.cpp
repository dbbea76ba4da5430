// Generated from the registry: every gemm variant (ours and the peers) against the double reference,
// by residual: max|C - C_ref| <= c * eps * (k * |alpha| * max|A| * max|B| + |beta| * max|C0|) + eps *
// max|C_ref|.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include "kernels/gemm/broadcast_kernel.hpp"
#include "kernels/gemm/gemm.hpp"
#include "kernels/gemm/gemm_pack.hpp"
#include "kernels/gemm/gemm_peak.hpp"
#include "kernels/gemm/row_stream.hpp"
#include "kernels/registry.hpp"
#include "tests/kernels/variant_param.hpp"

namespace armperf {
namespace {

using kernels::GemmArgs;
using kernels::GemmBlocking;
using kernels::Trans;

constexpr double kResidualFactor = 4.0;  // c in the bound; summation order differs per variant
constexpr int kLdPad = 3;                // leading dimensions larger than the matrix, odd on purpose
constexpr double kPadSentinel = -777.0;  // in C's padding columns: a store outside C shows up here

struct Case {
  Trans ta = Trans::no, tb = Trans::no;
  std::int64_t m = 1, n = 1, k = 1;
  double alpha = 1, beta = 0;
  bool nan_in_c = false;    // only meaningful with beta == 0: NaN must be overwritten
  GemmBlocking blocking{};  // ours only; peers ignore it
  int threads = 1;
  // int8 operands are drawn from [-int8_bound, int8_bound], clamped to int8's range.
  int int8_bound = 128;
};

std::string describe(const Case& c) {
  std::ostringstream os;
  os << "trans=" << char(c.ta) << char(c.tb) << " m=" << c.m << " n=" << c.n << " k=" << c.k
     << " alpha=" << c.alpha << " beta=" << c.beta << (c.nan_in_c ? " C=NaN" : "") << " threads=" << c.threads
     << " blocking=" << c.blocking.mc << "," << c.blocking.kc << "," << c.blocking.nc << ","
     << c.blocking.unpacked_bytes << "," << c.blocking.direct_a_bytes << "," << c.blocking.caller_works_flops
     << "," << c.blocking.solo_flops << "," << c.blocking.nc_direct_a;
  return os.str();
}

// Floats from [-1, 1]; int8 operands from [-int8_bound, int8_bound] (by default their whole range, the
// extremes -128 and 127 included, where a kernel that takes a shortcut through int16 would overflow),
// int32 C from [-1000, 1000].
template <class T>
std::vector<T> random_values(std::size_t count, std::mt19937& rng, int int8_bound = 128) {
  std::vector<T> v(count);
  if constexpr (std::is_integral_v<T>) {
    const int bound = std::is_same_v<T, std::int8_t> ? int8_bound : 1000;
    std::uniform_int_distribution<int> dist(-bound, bound);
    for (auto& x : v) x = kernels::gemm_element<T>(dist(rng));
  } else {
    std::uniform_real_distribution<double> dist(-1.0, 1.0);
    for (auto& x : v) x = kernels::gemm_element<T>(static_cast<kernels::GemmAcc<T>>(dist(rng)));
  }
  return v;
}

// A case's alpha or beta in C's type: integer C (int8 inputs) takes the nearest whole number, away from
// zero at halves, so that a fractional value does not turn into 0 and skip the product.
template <class Acc>
Acc case_scalar(double x) {
  if constexpr (std::is_integral_v<Acc>) {
    return static_cast<Acc>(std::lround(x));
  } else {
    return static_cast<Acc>(x);
  }
}

// Runs one case through `fn` and the reference; returns the failure text, empty on success.
// T: the type of A and B; C's is GemmAcc<T> (f32 for bf16, int32 for int8). The bound's eps is C's:
// bf16 inputs are exact values, their products exact in f32, so the error is f32 accumulation's; int8
// has eps 0, so its results must be exact.
template <class T>
std::string check_case(kernels::GemmFn<T> fn, const Case& cs) {
  using Acc = kernels::GemmAcc<T>;
  std::mt19937 rng(static_cast<unsigned>(cs.m * 131 + cs.n * 17 + cs.k));
  const std::int64_t a_rows = cs.ta == Trans::no ? cs.m : cs.k, a_cols = cs.ta == Trans::no ? cs.k : cs.m;
  const std::int64_t b_rows = cs.tb == Trans::no ? cs.k : cs.n, b_cols = cs.tb == Trans::no ? cs.n : cs.k;
  const std::int64_t lda = a_cols + kLdPad, ldb = b_cols + kLdPad, ldc = cs.n + kLdPad;
  // At least one element: with k = 0 a matrix is empty, but callers still pass a valid pointer
  // (oneDNN rejects a null one).
  std::vector<T> a =
      random_values<T>(static_cast<std::size_t>(std::max<std::int64_t>(1, a_rows * lda)), rng, cs.int8_bound);
  std::vector<T> b =
      random_values<T>(static_cast<std::size_t>(std::max<std::int64_t>(1, b_rows * ldb)), rng, cs.int8_bound);
  // One row past C's m rows, all sentinels: a tile that stores rows past m shows up there.
  std::vector<Acc> c = random_values<Acc>(static_cast<std::size_t>((cs.m + 1) * ldc), rng);
  for (std::int64_t i = 0; i <= cs.m; ++i) {
    for (std::int64_t j = 0; j < ldc; ++j) {
      Acc& x = c[i * ldc + j];
      if (j >= cs.n || i == cs.m)
        x = Acc(kPadSentinel);
      else if (cs.nan_in_c)  // integers have no NaN: the largest one stands for garbage
        x = std::numeric_limits<Acc>::has_quiet_NaN ? std::numeric_limits<Acc>::quiet_NaN()
                                                    : std::numeric_limits<Acc>::max();
    }
  }
  std::vector<Acc> ref = c;
  GemmArgs<T> args{.trans_a = cs.ta,
                   .trans_b = cs.tb,
                   .m = cs.m,
                   .n = cs.n,
                   .k = cs.k,
                   .alpha = case_scalar<Acc>(cs.alpha),
                   .a = a.data(),
                   .lda = lda,
                   .b = b.data(),
                   .ldb = ldb,
                   .beta = case_scalar<Acc>(cs.beta),
                   .c = c.data(),
                   .ldc = ldc,
                   .threads = cs.threads,
                   .blocking = cs.blocking};
  // A threaded case tests the threaded paths, also where the product is too small for the driver to
  // hand out shares (GemmBlocking::solo_flops); GemmDriver.TinyProductsRunOnTheCallerAlone tests that.
  if (cs.threads > 1 && args.blocking.solo_flops == 0) args.blocking.solo_flops = -1;
  fn(args);
  args.c = ref.data();
  kernels::gemm_reference(args);

  auto max_abs = [](const std::vector<T>& v) {
    double m = 0;
    for (T x : v) m = std::max(m, std::abs(kernels::gemm_value(x)));
    return m;
  };
  double max_c0 = 0, max_ref = 0;
  if (!cs.nan_in_c) {
    for (std::int64_t i = 0; i < cs.m; ++i) {
      for (std::int64_t j = 0; j < cs.n; ++j) max_ref = std::max(max_ref, std::abs(double(ref[i * ldc + j])));
    }
    max_c0 = 1.0;  // a float C0 was drawn from [-1, 1] (an int32 one's bound is 0 anyway: eps is 0)
  }
  const double eps = std::numeric_limits<Acc>::epsilon();
  const double bound =
      kResidualFactor * eps *
          (double(cs.k) * std::abs(cs.alpha) * max_abs(a) * max_abs(b) + std::abs(cs.beta) * max_c0) +
      eps * max_ref;
  // An integer C ran the case's alpha and beta rounded (case_scalar): say which.
  const std::string what =
      describe(cs) + (std::is_integral_v<Acc> ? " (ran alpha=" + std::to_string(args.alpha) +
                                                    " beta=" + std::to_string(args.beta) + ")"
                                              : std::string());
  for (std::int64_t i = 0; i <= cs.m; ++i) {
    for (std::int64_t j = 0; j < ldc; ++j) {
      const double got = c[i * ldc + j], want = ref[i * ldc + j];
      if (j >= cs.n || i == cs.m) {
        if (got != kPadSentinel)
          return what + ": wrote C(" + std::to_string(i) + "," + std::to_string(j) + ") past " +
                 (i == cs.m ? "m" : "n");
        continue;
      }
      if (!(std::abs(got - want) <= bound)) {  // also catches NaN
        std::ostringstream os;
        os << what << ": C(" << i << "," << j << ") = " << got << ", reference " << want << ", residual "
           << std::abs(got - want) << " > bound " << bound;
        return os.str();
      }
    }
  }
  return {};
}

class GemmTest : public VariantTest {
 protected:
  // Our variant's tile (MR x NR); SVE's NR scales with the vector length this run has. Peers do not
  // tell their tiles: a nominal 8 x 16 sweeps the sizes around the common ones.
  std::int64_t mr() const { return ours() ? variant().tile : 8; }
  std::int64_t nr() const {
    std::int64_t nr = ours() ? variant().tile_n : 16;
    if (variant().isa == Isa::sve) nr = nr * this_cpu().features.sve_vector_bits / 128;
    return nr;
  }
  bool ours() const { return variant().impl == "armperf"; }

  template <class T>
  void run_cases(const std::vector<Case>& cases) {
    const auto fn = variant().as<kernels::GemmFn<T>>();
    for (Case c : cases) {
      // oneDNN's int8 GEMM saturates over the whole int8 range without VNNI (kGemmInt8PeerBound).
      if (!ours()) c.int8_bound = kernels::kGemmInt8PeerBound;
      const std::string failure = check_case<T>(fn, c);
      ASSERT_EQ(failure, "") << variant().name;
    }
  }
  void run(const std::vector<Case>& cases) {
    kernels::visit_gemm_dtype(variant().dtype,
                              [&](auto type) { run_cases<typename decltype(type)::type>(cases); });
  }
};

// Products packed (whatever their size: A too where the micro-kernel reads a small one in place,
// GemmBlocking::direct_a_bytes) and unpacked (GemmBlocking::unpacked_bytes).
constexpr GemmBlocking kAlwaysPacked{.unpacked_bytes = -1, .direct_a_bytes = -1};
constexpr GemmBlocking kUnpacked{.unpacked_bytes = std::int64_t{1} << 40};

// Odd sizes around the tile on both dimensions, every transpose pair, a short and a longer k; packed
// and unpacked.
TEST_P(GemmTest, TileEdgesAndTransposes) {
  const std::int64_t ms[] = {1, 7, mr() - 1, mr(), mr() + 1, 2 * mr() + 1};
  const std::int64_t ns[] = {1, 7, nr() - 1, nr(), nr() + 1};
  std::vector<Case> cases;
  for (Trans ta : {Trans::no, Trans::yes}) {
    for (Trans tb : {Trans::no, Trans::yes}) {
      for (std::int64_t m : ms) {
        for (std::int64_t n : ns) {
          for (std::int64_t k : {1, 33}) {
            if (m <= 0 || n <= 0) continue;
            for (const GemmBlocking& blocking : {kAlwaysPacked, kUnpacked}) {
              cases.push_back(
                  {.ta = ta, .tb = tb, .m = m, .n = n, .k = k, .alpha = 1, .beta = 0, .blocking = blocking});
            }
          }
        }
      }
    }
  }
  run(cases);
}

TEST_P(GemmTest, AlphaBetaEmptyKAndNaNInCWhenBetaIsZero) {
  const std::int64_t m = 2 * mr() + 1, n = nr() + 3, k = 29;
  std::vector<Case> cases;
  for (Trans ta : {Trans::no, Trans::yes}) {
    for (Trans tb : {Trans::no, Trans::yes}) {
      cases.push_back({.ta = ta, .tb = tb, .m = m, .n = n, .k = k, .alpha = 1, .beta = 0, .nan_in_c = true});
      cases.push_back(
          {.ta = ta, .tb = tb, .m = m, .n = n, .k = k, .alpha = -2.5, .beta = 0, .nan_in_c = true});
      cases.push_back({.ta = ta, .tb = tb, .m = m, .n = n, .k = k, .alpha = 1, .beta = 1});
      cases.push_back({.ta = ta, .tb = tb, .m = m, .n = n, .k = k, .alpha = -0.5, .beta = 2});
      cases.push_back({.ta = ta, .tb = tb, .m = m, .n = n, .k = k, .alpha = 0, .beta = 0.5});
    }
  }
  // An empty inner dimension: C = beta * C, and zeros (not NaN) for beta == 0.
  cases.push_back({.m = m, .n = n, .k = 0, .alpha = 1, .beta = 0.5});
  cases.push_back({.m = m, .n = n, .k = 0, .alpha = 1, .beta = 0, .nan_in_c = true});
  run(cases);
}

// Several MC, KC and NC blocks with partial last blocks: exercises packing offsets and the beta = 1
// accumulation of later K slices. Small explicit blocking keeps it cheap under qemu.
TEST_P(GemmTest, CrossesCacheBlocks) {
  const GemmBlocking small{
      .mc = 2 * mr(), .kc = 16, .nc = 2 * nr(), .unpacked_bytes = -1, .direct_a_bytes = -1};
  std::vector<Case> cases;
  for (Trans ta : {Trans::no, Trans::yes}) {
    for (Trans tb : {Trans::no, Trans::yes}) {
      // alpha -1.5 (-2 for an integer C): later K slices then run the tile with beta 1 and alpha not 1.
      cases.push_back({.ta = ta,
                       .tb = tb,
                       .m = 5 * mr() + 3,
                       .n = 5 * nr() + 1,
                       .k = 3 * 16 + 5,
                       .alpha = -1.5,
                       .beta = -1,
                       .blocking = small});
      // GEMV-like (at most two MR-row panels): an untransposed B goes through the variant's
      // row_stream (in blocks of NC columns); without one (SVE), tiles read it in place across all NC
      // blocks at once, its partial last sliver packed alone.
      cases.push_back({.ta = ta,
                       .tb = tb,
                       .m = mr() + 1,
                       .n = 5 * nr() + 1,
                       .k = 3 * 16 + 5,
                       .alpha = 0.75,
                       .beta = -1,
                       .blocking = small});
    }
  }
  // Unpacked across K slices: every slice after the first accumulates onto C read in place.
  for (Trans ta : {Trans::no, Trans::yes}) {
    for (Trans tb : {Trans::no, Trans::yes}) {
      cases.push_back(
          {.ta = ta,
           .tb = tb,
           .m = 3 * mr() + 2,
           .n = 3 * nr() + 1,
           .k = 3 * 16 + 5,
           .alpha = 0.75,
           .beta = -1,
           .blocking = {
               .mc = 2 * mr(), .kc = 16, .nc = 2 * nr(), .unpacked_bytes = kUnpacked.unpacked_bytes}});
    }
  }
  // Whole MR-row panels only: a micro-kernel that reads A in place packs none of it.
  cases.push_back(
      {.m = 2 * mr(), .n = 3 * nr() + 1, .k = 3 * 16 + 5, .alpha = 0.75, .beta = -1, .blocking = small});
  // An odd KC: micro-kernels that take k in groups (bf16 pairs, int8 quads) round it up to a whole
  // group, the others keep it; slices then start on odd k for the latter. NC of 32 slivers: a B panel without
  // the 64-byte rounding's slack, so packing past a KC that was not rounded overruns it, and an edge column
  // whose scratch tile then overwrites the overrun.
  cases.push_back({.ta = Trans::no,
                   .tb = Trans::yes,
                   .m = 2 * mr() + 1,
                   .n = 32 * nr() + 5,
                   .k = 3 * 15 + 4,
                   .alpha = 1,
                   .beta = 0.5,
                   .blocking = {.mc = 2 * mr(), .kc = 15, .nc = 32 * nr()}});
  // A's row panels outermost across a B panel of nc_direct_a columns (where the variant reads A in
  // place; the others ignore it): several such panels in one NC, partial last tiles both ways, K slices.
  for (Trans tb : {Trans::no, Trans::yes}) {
    cases.push_back(
        {.tb = tb,
         .m = 3 * mr() + 2,
         .n = 5 * nr() + 3,
         .k = 3 * 16 + 5,
         .alpha = -1.5,
         .beta = -1,
         .blocking = {
             .mc = 2 * mr(), .kc = 16, .nc = 4 * nr(), .unpacked_bytes = -1, .nc_direct_a = 2 * nr()}});
  }
  // The default, cache-derived blocking with k above the largest KC the driver picks (a sliver that
  // outgrows L1 there: A's row panels outermost where the variant reads A in place).
  cases.push_back({.m = mr() + 2, .n = nr() + 2, .k = 1100, .alpha = 1, .beta = 1});
  cases.push_back({.m = 3 * mr() + 1, .n = 3 * nr() + 2, .k = 1100, .alpha = 1, .beta = 0, .nan_in_c = true});
  run(cases);
}

// GEMV-like shapes (at most two MR-row panels, B untransposed): the variants with a row_stream take
// them through it (row_stream.hpp). Every count of rows in a pass of 3 (AVX2, NEON) or 8 (AVX-512) rows
// of C; K below one block of 8 rows of B, one whole block, and one or two with a rest of 1; column
// blocks of nr (blocking.nc) with a partial last one, and one block wider than the default's
// accumulators would hold, on 1 and 2 threads.
TEST_P(GemmTest, GemvLikeShapes) {
  std::vector<Case> cases;
  const GemmBlocking narrow{.nc = nr()};
  for (int threads : {1, 2}) {
    for (Trans ta : {Trans::no, Trans::yes}) {
      for (std::int64_t m : {std::int64_t{1}, std::int64_t{2}, std::int64_t{4}, std::int64_t{5},
                             std::int64_t{6}, std::int64_t{7}, 2 * mr() - 1, 2 * mr()}) {
        for (std::int64_t k : {1, 3, 4, 8, 9, 17}) {
          cases.push_back({.ta = ta,
                           .m = m,
                           .n = 3 * nr() + 5,
                           .k = k,
                           .alpha = -2.5,
                           .beta = 0,
                           .nan_in_c = true,
                           .blocking = narrow,
                           .threads = threads});
          cases.push_back({.ta = ta,
                           .m = m,
                           .n = nr() - 1,
                           .k = k,
                           .alpha = -0.5,
                           .beta = 2,
                           .blocking = narrow,
                           .threads = threads});
        }
      }
    }
  }
  // The default blocks: 64 KiB of accumulators, 16384 f32 columns for one row, about 1400 for 12.
  cases.push_back({.m = 1, .n = 17000, .k = 6, .alpha = 1, .beta = 0.5});
  cases.push_back({.m = 2 * mr(), .n = 3000, .k = 5, .alpha = 1, .beta = 0.5});
  run(cases);
}

// 2 and 4 threads split C as 1 x 2 / 2 x 1 and 2 x 2 grids; fewer tiles than threads leaves some
// threads idle. Peers get the thread count through their own pools, but not more than the cores:
// BLIS's spinning barriers take seconds per call when oversubscribed.
TEST_P(GemmTest, ThreadedMatchesTheReference) {
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::vector<Case> cases;
  for (int threads : {2, 3, 4}) {
    if (!ours() && threads > std::max(2, cores)) continue;
    // Ours, with small blocks that make several NC and KC panels and a partial last tile, sliver and
    // block everywhere: a wide C is split by columns, each thread packing its own band of B; a tall
    // one by rows, the threads sharing each packed B panel (gemm_team_plan: every thread packs a
    // share and passes the group's barriers many times).
    if (ours()) {
      for (Trans tb : {Trans::no, Trans::yes}) {
        // Third shape: GEMV-like, each thread reading its band of B in place (row_stream or tiles).
        // Each on a team whose thread 0 is the caller (below GemmBlocking::caller_works_flops) and on
        // one with a thread 0 of its own.
        for (const auto& [m, n] :
             {std::pair{5 * mr() + 3, 5 * nr() + 1}, std::pair{4 * nr() + 3, 2 * nr() + 1},
              std::pair{mr() + 1, 5 * nr() + 1}}) {
          // Packed with the caller as thread 0, unpacked with a team thread 0.
          for (const auto& [caller_works_flops, operands] :
               {std::pair{0.0, kAlwaysPacked}, std::pair{-1.0, kUnpacked}}) {
            cases.push_back({.ta = Trans::no,
                             .tb = tb,
                             .m = m,
                             .n = n,
                             .k = 3 * 16 + 5,
                             .alpha = 0.75,
                             .beta = -1,
                             .blocking = {.mc = 2 * mr(),
                                          .kc = 16,
                                          .nc = 2 * nr(),
                                          .unpacked_bytes = operands.unpacked_bytes,
                                          .direct_a_bytes = operands.direct_a_bytes,
                                          .caller_works_flops = caller_works_flops},
                             .threads = threads});
          }
        }
      }
      // The tall shape, shared B panels of one sliver each and A's row panels outermost where the
      // variant reads A in place (nc_direct_a): twice the panel steps and barriers.
      for (Trans tb : {Trans::no, Trans::yes}) {
        cases.push_back(
            {.tb = tb,
             .m = 4 * nr() + 3,
             .n = 2 * nr() + 1,
             .k = 3 * 16 + 5,
             .alpha = 0.75,
             .beta = -1,
             .blocking =
                 {.mc = 2 * mr(), .kc = 16, .nc = 2 * nr(), .unpacked_bytes = -1, .nc_direct_a = nr()},
             .threads = threads});
      }
      // The tall shape really takes the shared path (one node: the test machine's, or any).
      const std::vector<int> one_node(static_cast<std::size_t>(threads), 0);
      EXPECT_TRUE(kernels::gemm_team_plan(4 * nr() + 3, 2 * nr() + 1, static_cast<int>(mr()),
                                          static_cast<int>(nr()), one_node, 2 * mr())
                      .shared_b)
          << "threads=" << threads;
    }
    for (Trans ta : {Trans::no, Trans::yes}) {
      cases.push_back({.ta = ta,
                       .tb = Trans::yes,
                       .m = 3 * mr() + 1,
                       .n = 2 * nr() + 5,
                       .k = 40,
                       .alpha = 1,
                       .beta = 0,
                       .nan_in_c = true,
                       .threads = threads});
      cases.push_back({.ta = ta,
                       .tb = Trans::no,
                       .m = 1,
                       .n = 3 * nr() + 1,
                       .k = 19,
                       .alpha = 2,
                       .beta = 1,
                       .threads = threads});
      cases.push_back({.ta = ta,
                       .tb = Trans::no,
                       .m = mr() - 1,
                       .n = 7,
                       .k = 5,
                       .alpha = 1,
                       .beta = 0.5,
                       .threads = threads});
    }
  }
  run(cases);
}

template <class T>
void expect_rejections(kernels::GemmFn<T> fn) {
  std::vector<T> a(16), b(16);
  std::vector<kernels::GemmAcc<T>> c(16);
  const GemmArgs<T> args{
      .m = 4, .n = 4, .k = 4, .a = a.data(), .lda = 4, .b = b.data(), .ldb = 4, .c = c.data(), .ldc = 4};
  auto expect_error = [&](GemmArgs<T> bad, const char* message) {
    EXPECT_THAT([&] { fn(bad); },
                ::testing::ThrowsMessage<std::invalid_argument>(::testing::HasSubstr(message)));
  };
  auto bad = args;
  bad.lda = 3;
  expect_error(bad, "lda=3");
  bad = args;
  bad.n = -1;
  expect_error(bad, "n=-1");
  bad = args;
  bad.threads = 0;
  expect_error(bad, "threads=0");
}

TEST_P(GemmTest, RejectsBadArgumentsWithTheirName) {
  kernels::visit_gemm_dtype(variant().dtype, [&](auto type) {
    expect_rejections(variant().as<kernels::GemmFn<typename decltype(type)::type>>());
  });
}

ARMPERF_INSTANTIATE_VARIANT_TESTS(GemmTest, "gemm");

// Every dtype a GEMM variant may name reaches its element type, and a dtype without one is an error,
// not a silent f32.
TEST(GemmDtype, VisitsTheElementTypeOfEachDtypeAndRejectsOthers) {
  auto element_bytes = [](std::string_view dtype) {
    std::size_t bytes = 0;
    kernels::visit_gemm_dtype(dtype, [&](auto type) { bytes = sizeof(typename decltype(type)::type); });
    return bytes;
  };
  EXPECT_EQ(element_bytes("f32"), 4u);
  EXPECT_EQ(element_bytes("f64"), 8u);
  EXPECT_EQ(element_bytes("bf16"), 2u);
  EXPECT_EQ(element_bytes("int8"), 1u);
  EXPECT_THAT([&] { element_bytes("f16"); },
              ::testing::ThrowsMessage<std::invalid_argument>(::testing::HasSubstr("'f16'")));
}

// The instruction a bf16 or int8 row's pct_of_peak is rated against, for CPUs this host is not: a
// variant naming its block product is rated on it whatever the CPU's dot product, an unknown name on
// nothing, and the others on the dot product of their ISA only where the CPU has it.
TEST(GemmPeak, RatesEachRowOnTheInstructionItRan) {
  auto variant = [](const char* dtype, Isa isa, const char* peak_instruction = "") {
    KernelVariant v;
    v.dtype = dtype;
    v.isa = isa;
    v.peak_instruction = peak_instruction;
    return v;
  };
  CpuFeatures none;
  CpuFeatures all;
  all.flags = {"bf16", "dotprod", "i8mm", "avx512bf16", "avx512vnni"};
  auto key = [](const KernelVariant& v, const CpuFeatures& cpu) {
    const kernels::GemmDotInstruction d = kernels::gemm_dot_instruction(v, v.isa, cpu);
    return std::string(d.key != nullptr ? d.key : "-") + "/" + std::to_string(d.products);
  };
  EXPECT_EQ(key(variant("int8", Isa::neon, "smmla"), none), "smmla/8");
  EXPECT_EQ(key(variant("bf16", Isa::neon, "bfmmla"), none), "bfmmla/4");
  EXPECT_EQ(key(variant("int8", Isa::neon, "usmmla"), all), "-/0");  // not in the table
  EXPECT_EQ(key(variant("bf16", Isa::neon, "smmla"), all), "-/0");   // not for this dtype
  EXPECT_EQ(key(variant("bf16", Isa::neon, "usmmla"), all), "-/0");
  EXPECT_EQ(key(variant("int8", Isa::sve), all), "sdot/4");
  EXPECT_EQ(key(variant("int8", Isa::neon), all), "sdot/4");
  EXPECT_EQ(key(variant("int8", Isa::neon), none), "-/0");
  EXPECT_EQ(key(variant("bf16", Isa::neon), all), "bfdot/2");
  EXPECT_EQ(key(variant("bf16", Isa::neon), none), "-/0");
  EXPECT_EQ(key(variant("bf16", Isa::sve), all), "-/0");  // no SVE bf16 tile or rate
  EXPECT_EQ(key(variant("bf16", Isa::avx512), all), "vdpbf16ps/2");
  EXPECT_EQ(key(variant("int8", Isa::avx512), all), "vpdpbusd/4");
  EXPECT_EQ(key(variant("int8", Isa::avx512), none), "-/0");
  // Our AVX2 int8 tile multiplies with vpmaddwd, whose rate core/peak.cpp does not state.
  EXPECT_EQ(key(variant("int8", Isa::avx2), all), "-/0");
  EXPECT_EQ(key(variant("f32", Isa::neon), all), "-/0");
  // Every registered variant that names an instruction is rated on that one; our block-product tiles
  // (I8MM, and the bf16 tile named for BFMMLA) name theirs, so that none falls back to a dot product.
  for (const KernelVariant& v : KernelRegistry::instance().variants()) {
    const bool block_product = v.impl == "armperf" && v.family == "gemm" &&
                               (v.feature == "i8mm" || v.name.find("mmla") != std::string::npos);
    EXPECT_EQ(block_product, !v.peak_instruction.empty()) << v.name;
    if (v.peak_instruction.empty()) continue;
    EXPECT_EQ(key(v, none).substr(0, v.peak_instruction.size() + 1), v.peak_instruction + "/") << v.name;
  }
}

// The residual check itself must be able to fail: one product term dropped from one element
// (what a kernel skipping its last k step does) exceeds the bound.
TEST(GemmResidual, DetectsOneMissingProductTerm) {
  auto drop_last_term = [](const GemmArgs<float>& args) {
    kernels::gemm_reference(args);
    const float a = args.trans_a == Trans::no ? args.a[args.k - 1] : args.a[(args.k - 1) * args.lda];
    const float b = args.trans_b == Trans::no ? args.b[(args.k - 1) * args.ldb] : args.b[args.k - 1];
    args.c[0] -= args.alpha * a * b;
  };
  const Case cs{.m = 5, .n = 6, .k = 40, .alpha = 1, .beta = 0};
  EXPECT_THAT(check_case<float>(+drop_last_term, cs), ::testing::HasSubstr("C(0,0)"));
  EXPECT_EQ(check_case<float>(&kernels::gemm_reference<float>, cs), "");
  // bf16 inputs, f32 C: the bound is f32's, so a dropped term shows there too.
  auto drop_last_bf16_term = [](const GemmArgs<kernels::Bfloat16>& args) {
    kernels::gemm_reference(args);
    const kernels::Bfloat16 a =
        args.trans_a == Trans::no ? args.a[args.k - 1] : args.a[(args.k - 1) * args.lda];
    const kernels::Bfloat16 b =
        args.trans_b == Trans::no ? args.b[(args.k - 1) * args.ldb] : args.b[args.k - 1];
    args.c[0] -= args.alpha * kernels::bf16_value(a) * kernels::bf16_value(b);
  };
  EXPECT_THAT(check_case<kernels::Bfloat16>(+drop_last_bf16_term, cs), ::testing::HasSubstr("C(0,0)"));
  EXPECT_EQ(check_case<kernels::Bfloat16>(&kernels::gemm_reference<kernels::Bfloat16>, cs), "");
  // int8 inputs, int32 C: exact, so a result off by one fails.
  auto off_by_one = [](const GemmArgs<std::int8_t>& args) {
    kernels::gemm_reference(args);
    args.c[0] += 1;
  };
  EXPECT_THAT(check_case<std::int8_t>(+off_by_one, cs), ::testing::HasSubstr("C(0,0)"));
  EXPECT_EQ(check_case<std::int8_t>(&kernels::gemm_reference<std::int8_t>, cs), "");
}

// Disjoint, covering, on whole tiles, and the cheaper grid: one output row is split by columns.
TEST(GemmPartition, CoversCOnceOnWholeTiles) {
  struct Shape {
    std::int64_t m, n;
    int threads;
  };
  for (const Shape s : {Shape{1024, 1024, 2}, Shape{1, 4096, 2}, Shape{4096, 64, 4}, Shape{7, 5, 4},
                        Shape{100, 300, 6}, Shape{1025, 1023, 3}}) {
    SCOPED_TRACE(std::to_string(s.m) + "x" + std::to_string(s.n) + " threads=" + std::to_string(s.threads));
    const int mr = 6, nr = 64;
    const auto ranges = kernels::gemm_partition(s.m, s.n, mr, nr, s.threads);
    ASSERT_EQ(ranges.size(), static_cast<std::size_t>(s.threads));
    std::vector<int> owner(static_cast<std::size_t>(s.m * s.n), 0);
    for (const auto& r : ranges) {
      if (r.empty()) continue;
      EXPECT_EQ(r.i0 % mr, 0);
      EXPECT_EQ(r.j0 % nr, 0);
      EXPECT_TRUE(r.i1 % mr == 0 || r.i1 == s.m);
      EXPECT_TRUE(r.j1 % nr == 0 || r.j1 == s.n);
      for (std::int64_t i = r.i0; i < r.i1; ++i) {
        for (std::int64_t j = r.j0; j < r.j1; ++j) ++owner[static_cast<std::size_t>(i * s.n + j)];
      }
    }
    EXPECT_EQ(std::count(owner.begin(), owner.end(), 1), static_cast<long>(owner.size()));
  }
  const auto gemv = kernels::gemm_partition(1, 4096, 6, 64, 2);
  EXPECT_EQ(gemv[0], (kernels::GemmRange{0, 1, 0, 2048}));
  EXPECT_EQ(gemv[1], (kernels::GemmRange{0, 1, 2048, 4096}));
}

// Rows split (M large against N): on one NUMA node every thread shares one B panel and gets a row
// range over all columns; two nodes: a column band per node. Columns split only, GEMV-like or too
// few row tiles: the unshared 2-D partition.
TEST(GemmTeamPlan, SharesBPerNodeAndSplitsRowsWithinIt) {
  const int mr = 6, nr = 64;
  const auto one = kernels::gemm_team_plan(1024, 1000, mr, nr, {0, 0}, 2 * mr);
  ASSERT_TRUE(one.shared_b);
  EXPECT_EQ(one.group_size, (std::vector<int>{2}));
  EXPECT_EQ(one.group_rank, (std::vector<int>{0, 1}));
  EXPECT_EQ(one.ranges[0], (kernels::GemmRange{0, 510, 0, 1000}));  // 171 row tiles: 85 + 86
  EXPECT_EQ(one.ranges[1], (kernels::GemmRange{510, 1024, 0, 1000}));

  const auto two = kernels::gemm_team_plan(400, 640, mr, nr, {3, 3, 1, 1}, 2 * mr);
  ASSERT_TRUE(two.shared_b);
  EXPECT_EQ(two.group, (std::vector<int>{0, 0, 1, 1}));
  EXPECT_EQ(two.group_rank, (std::vector<int>{0, 1, 0, 1}));
  EXPECT_EQ(two.ranges[0], (kernels::GemmRange{0, 198, 0, 320}));  // 67 row tiles: 33 + 34
  EXPECT_EQ(two.ranges[1], (kernels::GemmRange{198, 400, 0, 320}));
  EXPECT_EQ(two.ranges[2], (kernels::GemmRange{0, 198, 320, 640}));
  EXPECT_EQ(two.ranges[3], (kernels::GemmRange{198, 400, 320, 640}));

  // Where the 2-D partition splits only the columns, each thread packs its own, disjoint band of B:
  // nothing to share, so no barriers (and the same on two nodes).
  const auto wide = kernels::gemm_team_plan(512, 4096, mr, nr, {0, 0}, 2 * mr);
  EXPECT_FALSE(wide.shared_b);
  EXPECT_EQ(wide.ranges, (std::vector<kernels::GemmRange>{{0, 512, 0, 2048}, {0, 512, 2048, 4096}}));
  EXPECT_FALSE(kernels::gemm_team_plan(100, 640, mr, nr, {3, 3, 1, 1}, 2 * mr).shared_b);

  EXPECT_FALSE(kernels::gemm_team_plan(8, 4096, mr, nr, {0, 0}, 2 * mr).shared_b);            // GEMV-like
  EXPECT_FALSE(kernels::gemm_team_plan(20, 4096, mr, nr, {0, 0, 0, 0, 0}, 2 * mr).shared_b);  // 4 row tiles
  const auto gemv = kernels::gemm_team_plan(1, 4096, mr, nr, {0, 0}, 2 * mr);
  EXPECT_EQ(gemv.ranges, kernels::gemm_partition(1, 4096, mr, nr, 2));
}

// The packing routines come with the micro-kernel (gemm_micro_kernel() in its ISA file): a kernel
// built without them is a programming error the driver reports instead of calling through null.
TEST(GemmDriver, RejectsAMicroKernelWithoutItsPacking) {
  float a = 1, b = 1, c = 0;
  const GemmArgs<float> args{.m = 1, .n = 1, .k = 1, .a = &a, .lda = 1, .b = &b, .ldb = 1, .c = &c, .ldc = 1};
  const kernels::MicroKernel<float> bare{
      1, 1,
      +[](std::int64_t, const float*, const float*, std::int64_t, float*, std::int64_t, float, float) {}};
  EXPECT_THROW(kernels::gemm(args, bare), std::logic_error);
  EXPECT_EQ(c, 0.0f);
}

// The driver's in-place A path (MicroKernel::direct_a) with the broadcast micro-kernel on one-lane
// "vectors", so that it runs on every host (the ISA files enable it on AVX-512 only): whole and partial
// MR-row panels, several MC, KC and NC blocks, 1 and 2 threads; a transposed A must take the packed path.
struct OneLane {
  using V = float;
  static constexpr int lanes = 1;
  static V zero() { return 0.0f; }
  static V set1(float x) { return x; }
  static V loadu(const float* p) { return *p; }
  static void storeu(float* p, V v) { *p = v; }
  static V mul(V a, V b) { return a * b; }
  static V fma(V a, V b, V c) { return std::fma(a, b, c); }
};
constexpr int kOneLaneMr = 3, kOneLaneNv = 4;
std::atomic<int> one_lane_direct_calls{0};  // the team's threads call it too
// The A and B operands of the first two tiles (either kind), recorded in single-threaded runs only
// (one_lane_recording): which one the second tile shares with the first tells the tile order.
std::atomic<bool> one_lane_recording{false};
std::vector<std::pair<const float*, const float*>> one_lane_first_operands;

void record_tile(const float* a, const float* b) {
  if (one_lane_recording && one_lane_first_operands.size() < 2) one_lane_first_operands.push_back({a, b});
}

void one_lane_packed_a(std::int64_t kc, const float* a, const float* b, std::int64_t ldb, float* c,
                       std::int64_t ldc, float alpha, float beta) {
  record_tile(a, b);
  kernels::broadcast_ukernel<OneLane, float, kOneLaneMr, kOneLaneNv>(kc, a, b, ldb, c, ldc, alpha, beta);
}

void one_lane_direct_a(std::int64_t kc, const float* a, std::int64_t lda, const float* b, std::int64_t ldb,
                       float* c, std::int64_t ldc, float alpha, float beta) {
  ++one_lane_direct_calls;
  record_tile(a, b);
  kernels::broadcast_ukernel_direct_a<OneLane, float, kOneLaneMr, kOneLaneNv>(kc, a, lda, b, ldb, c, ldc,
                                                                              alpha, beta);
}

// The one-lane micro-kernel `fn` with `direct_a` for its full row panels.
kernels::MicroKernel<float> one_lane_kernel(kernels::MicroKernelFn<float> fn,
                                            kernels::DirectAFn<float> direct_a) {
  kernels::MicroKernel<float> kernel = kernels::gemm_micro_kernel<float, kOneLaneMr>(kOneLaneNv, fn);
  kernel.direct_a = direct_a;
  return kernel;
}

void one_lane_gemm(const GemmArgs<float>& args) {
  kernels::gemm(args, one_lane_kernel(&one_lane_packed_a, &one_lane_direct_a));
}

TEST(GemmDriver, ReadsAnUntransposedAInPlaceWhereTheMicroKernelCan) {
  // Unpacked (B read in place: BLIS's order, with or without nc_direct_a), packed B in BLIS's order (no
  // nc_direct_a: a 16 x 4 sliver fits in L1), and A's row panels outermost across B panels of one sliver
  // and of two (nc_direct_a past NC's two: NC bounds it).
  const std::pair<std::int64_t, std::int64_t> unpacked_and_nc_direct_a[] = {
      {0, -1}, {0, 2 * kOneLaneNv}, {-1, -1}, {-1, kOneLaneNv}, {-1, 3 * kOneLaneNv}};
  for (const auto& [unpacked_bytes, nc_direct_a] : unpacked_and_nc_direct_a) {
    const GemmBlocking small{.mc = 2 * kOneLaneMr,
                             .kc = 16,
                             .nc = 2 * kOneLaneNv,
                             .unpacked_bytes = unpacked_bytes,
                             .nc_direct_a = nc_direct_a};
    for (int threads : {1, 2}) {
      for (Trans ta : {Trans::no, Trans::yes}) {
        for (std::int64_t m : {2 * kOneLaneMr, 5 * kOneLaneMr + 2}) {
          const Case cs{.ta = ta,
                        .m = m,
                        .n = 5 * kOneLaneNv + 1,
                        .k = 3 * 16 + 5,
                        .alpha = 0.75,
                        .beta = -1,
                        .blocking = small,
                        .threads = threads};
          one_lane_direct_calls = 0;
          one_lane_first_operands.clear();
          one_lane_recording = threads == 1;
          EXPECT_EQ(check_case<float>(&one_lane_gemm, cs), "");
          one_lane_recording = false;
          if (ta == Trans::no) {
            EXPECT_GT(one_lane_direct_calls, 0) << describe(cs);
          } else {
            EXPECT_EQ(one_lane_direct_calls, 0) << describe(cs);
          }
          if (threads == 1) {
            // Rows outermost: the second tile takes the next sliver of B beside the same row panel of A;
            // BLIS: the next row panel of A against the same sliver.
            ASSERT_EQ(one_lane_first_operands.size(), 2u) << describe(cs);
            const auto [first, second] = std::pair(one_lane_first_operands[0], one_lane_first_operands[1]);
            // Only for A in place (not a transposed A, packed) and packed B (not unpacked, nor GEMV-like:
            // two row panels), and observable with two slivers or more per B panel (nc_direct_a of one
            // sliver looks like BLIS).
            const bool rows_outer = ta == Trans::no && unpacked_bytes < 0 && m > 2 * kOneLaneMr &&
                                    std::min<std::int64_t>(small.nc, nc_direct_a) >= 2 * kOneLaneNv;
            EXPECT_EQ(first.first == second.first, rows_outer) << describe(cs);
            EXPECT_EQ(first.second == second.second, !rows_outer) << describe(cs);
          }
        }
      }
    }
  }
  // nc_direct_a counts columns of KC-deep slivers: K of half of KC doubles it, one sliver to two, so the
  // order becomes observable.
  const Case shallow{.m = 5 * kOneLaneMr + 2,
                     .n = 5 * kOneLaneNv + 1,
                     .k = 16,
                     .alpha = 0.75,
                     .beta = -1,
                     .blocking = {.mc = 2 * kOneLaneMr,
                                  .kc = 32,
                                  .nc = 4 * kOneLaneNv,
                                  .unpacked_bytes = -1,
                                  .nc_direct_a = kOneLaneNv}};
  one_lane_first_operands.clear();
  one_lane_recording = true;
  EXPECT_EQ(check_case<float>(&one_lane_gemm, shallow), "");
  one_lane_recording = false;
  ASSERT_EQ(one_lane_first_operands.size(), 2u);
  EXPECT_EQ(one_lane_first_operands[0].first, one_lane_first_operands[1].first);
}

// GEMV-like ranges go to the micro-kernel's row_stream, others to its tiles: counted through a
// row_stream that forwards to the one-lane traits' (which runs on every host).
std::atomic<int> one_lane_streams{0};

void counting_row_stream(std::int64_t m, std::int64_t n, std::int64_t k, const kernels::GemmOperand<float>& a,
                         const float* b, std::int64_t ldb, float* c, std::int64_t ldc, float alpha,
                         float beta, std::int64_t block, float* acc) {
  ++one_lane_streams;
  EXPECT_LE(m, 2 * kOneLaneMr);
  kernels::row_stream<OneLane, float>(m, n, k, a, b, ldb, c, ldc, alpha, beta, block, acc);
}

void one_lane_streaming_gemm(const GemmArgs<float>& args) {
  kernels::MicroKernel<float> kernel = kernels::gemm_micro_kernel<float, kOneLaneMr>(
      kOneLaneNv, &kernels::broadcast_ukernel<OneLane, float, kOneLaneMr, kOneLaneNv>);
  kernel.row_stream = &counting_row_stream;
  kernels::gemm(args, kernel);
}

TEST(GemmDriver, StreamsBForGemvLikeShapesOnly) {
  for (int threads : {1, 2}) {
    for (Trans tb : {Trans::no, Trans::yes}) {
      for (std::int64_t m : {1, 2 * kOneLaneMr, 2 * kOneLaneMr + 1}) {
        const Case cs{.tb = tb,
                      .m = m,
                      .n = 5 * kOneLaneNv + 1,
                      .k = 11,
                      .alpha = 1.5,
                      .beta = 0,
                      .nan_in_c = true,
                      .blocking = {.nc = 2 * kOneLaneNv},
                      .threads = threads};
        one_lane_streams = 0;
        EXPECT_EQ(check_case<float>(&one_lane_streaming_gemm, cs), "");
        // Two threads split a GEMV-like C by columns, each range streaming its band; at 2 MR + 1 rows
        // neither range is GEMV-like (a column split keeps all rows, a row split shares B).
        const bool gemv_like = tb == Trans::no && m <= 2 * kOneLaneMr;
        EXPECT_EQ(one_lane_streams, gemv_like ? threads : 0) << describe(cs);
      }
    }
  }
}

// A small A is packed while the first NC panel of B is computed and kept for the others; an A whose
// packed copy would pass the driver's 4 MiB limit is packed again for every panel. Counted through a
// packing routine that forwards to the micro-kernel's own, one call per MR-row panel and K slice.
std::atomic<int> one_lane_a_packs{0};
kernels::PackAFn<float> one_lane_pack_a = nullptr;

void counting_pack_a(const kernels::GemmOperand<float>& a, std::int64_t i0, std::int64_t rows,
                     std::int64_t p0, std::int64_t kc, int mr, std::int64_t next_rows, float* dst) {
  ++one_lane_a_packs;
  one_lane_pack_a(a, i0, rows, p0, kc, mr, next_rows, dst);
}

void one_lane_counting_gemm(const GemmArgs<float>& args) {
  kernels::MicroKernel<float> kernel = kernels::gemm_micro_kernel<float, kOneLaneMr>(
      kOneLaneNv, &kernels::broadcast_ukernel<OneLane, float, kOneLaneMr, kOneLaneNv>);
  one_lane_pack_a = kernel.pack_a;
  kernel.pack_a = &counting_pack_a;
  kernels::gemm(args, kernel);
}

TEST(GemmDriver, PacksASmallAOnceForEveryPanelOfB) {
  for (Trans ta : {Trans::no, Trans::yes}) {
    // 6 MR-row panels (the last partial) x 4 K slices (the last partial), B in 3 NC panels.
    const Case small{
        .ta = ta,
        .m = 6 * kOneLaneMr - 1,
        .n = 5 * kOneLaneNv + 1,
        .k = 3 * 16 + 5,
        .alpha = 0.75,
        .beta = -1,
        .blocking = {.mc = 2 * kOneLaneMr, .kc = 16, .nc = 2 * kOneLaneNv, .unpacked_bytes = -1}};
    one_lane_a_packs = 0;
    EXPECT_EQ(check_case<float>(&one_lane_counting_gemm, small), "");
    EXPECT_EQ(one_lane_a_packs, 6 * 4) << describe(small);
  }
  // 1101 x 1000 f32 (4.4 MB packed): 367 panels x 2 K slices, for each of B's 2 NC panels.
  const Case large{.m = 367 * kOneLaneMr,
                   .n = 2 * kOneLaneNv + 1,
                   .k = 1000,
                   .alpha = 1,
                   .beta = 0,
                   .blocking = {.mc = 64 * kOneLaneMr, .kc = 500, .nc = 2 * kOneLaneNv}};
  one_lane_a_packs = 0;
  EXPECT_EQ(check_case<float>(&one_lane_counting_gemm, large), "");
  EXPECT_EQ(one_lane_a_packs, 367 * 2 * 2) << describe(large);
}

// Data a micro-kernel keeps after each packed A panel (MicroKernel::a_panel_extra: the VNNI tile's row
// sums, which run on VNNI hosts only) is still there when each tile of the panel's row reads it. Here it
// is the panel's sum, three times, which the tile checks against the panel it is given: for A packed per
// MC block and K slice, and for an A kept across B's NC panels, on 1 and 2 threads.
constexpr std::int64_t kPanelExtra = 3;  // not a whole line: the panels after the first are not aligned
std::atomic<int> panel_extra_checked{0}, panel_extra_wrong{0};

float one_lane_panel_sum(const float* a, std::int64_t kc) {
  float sum = 0;
  for (std::int64_t e = 0; e < kOneLaneMr * kc; ++e) sum += a[e];
  return sum;
}

void pack_a_then_sum(const kernels::GemmOperand<float>& a, std::int64_t i0, std::int64_t rows,
                     std::int64_t p0, std::int64_t kc, int mr, std::int64_t next_rows, float* dst) {
  one_lane_pack_a(a, i0, rows, p0, kc, mr, next_rows, dst);
  std::fill_n(dst + kOneLaneMr * kc, kPanelExtra, one_lane_panel_sum(dst, kc));
}

void one_lane_checking_sum(std::int64_t kc, const float* a, const float* b, std::int64_t ldb, float* c,
                           std::int64_t ldc, float alpha, float beta) {
  const float sum = one_lane_panel_sum(a, kc);
  const float* extra = a + kOneLaneMr * kc;
  ++panel_extra_checked;
  if (std::count(extra, extra + kPanelExtra, sum) != kPanelExtra) ++panel_extra_wrong;
  kernels::broadcast_ukernel<OneLane, float, kOneLaneMr, kOneLaneNv>(kc, a, b, ldb, c, ldc, alpha, beta);
}

void one_lane_panel_extra_gemm(const GemmArgs<float>& args) {
  kernels::MicroKernel<float> kernel =
      kernels::gemm_micro_kernel<float, kOneLaneMr>(kOneLaneNv, &one_lane_checking_sum);
  one_lane_pack_a = kernel.pack_a;
  kernel.pack_a = &pack_a_then_sum;
  kernel.a_panel_extra = kPanelExtra;
  kernels::gemm(args, kernel);
}

TEST(GemmDriver, KeepsTheDataAfterEachAPanelForItsTiles) {
  for (int threads : {1, 2}) {
    for (Trans ta : {Trans::no, Trans::yes}) {
      // B in one NC panel (A packed per MC block) or in three or two (A packed once and kept); K in 4
      // slices, the last partial; 7 MR-row panels, the last partial. At 2 threads the widest C is split
      // by columns, the narrowest by rows, whose threads share the packed B (gemm_team_plan).
      struct Columns {
        std::int64_t n, nc;
      };
      for (const Columns cols :
           {Columns{5 * kOneLaneNv + 1, 6 * kOneLaneNv}, Columns{5 * kOneLaneNv + 1, 2 * kOneLaneNv},
            Columns{2 * kOneLaneNv + 1, 2 * kOneLaneNv}}) {
        const std::int64_t nc = cols.nc;
        const Case cs{
            .ta = ta,
            .m = 7 * kOneLaneMr - 1,
            .n = cols.n,
            .k = 3 * 16 + 5,
            .alpha = 0.75,
            .beta = -1,
            .blocking = {.mc = 2 * kOneLaneMr, .kc = 16, .nc = nc, .unpacked_bytes = -1, .solo_flops = 1},
            .threads = threads};
        panel_extra_checked = panel_extra_wrong = 0;
        EXPECT_EQ(check_case<float>(&one_lane_panel_extra_gemm, cs), "");
        EXPECT_GT(panel_extra_checked, 0) << describe(cs);
        EXPECT_EQ(panel_extra_wrong, 0) << describe(cs);
      }
    }
  }
  // A kernel that reads A in place has no packed panel to keep data after.
  kernels::MicroKernel<float> both = one_lane_kernel(&one_lane_packed_a, &one_lane_direct_a);
  both.a_panel_extra = kPanelExtra;
  float a = 1, b = 1, c = 0;
  const GemmArgs<float> args{.m = 1, .n = 1, .k = 1, .a = &a, .lda = 1, .b = &b, .ldb = 1, .c = &c, .ldc = 1};
  EXPECT_THROW(kernels::gemm(args, both), std::logic_error);
}

// An unpacked product (op(A) and op(B) each within GemmBlocking::unpacked_bytes) packs neither operand:
// tiles read an untransposed B in place, and an untransposed A through direct_a, also where the
// micro-kernel offers it for small A only (AVX2). Otherwise such a micro-kernel reads an A within
// GemmBlocking::direct_a_bytes in place and packs B. Counted through forwarding packing routines.
std::atomic<int> one_lane_b_packs{0};
kernels::PackBFn<float> one_lane_pack_b = nullptr;

void counting_pack_b(const kernels::GemmOperand<float>& b, std::int64_t p0, std::int64_t kc, std::int64_t j0,
                     std::int64_t cols, int nr, float* dst) {
  ++one_lane_b_packs;
  one_lane_pack_b(b, p0, kc, j0, cols, nr, dst);
}

void one_lane_small_a_only_gemm(const GemmArgs<float>& args) {
  kernels::MicroKernel<float> kernel = one_lane_kernel(
      &kernels::broadcast_ukernel<OneLane, float, kOneLaneMr, kOneLaneNv>, &one_lane_direct_a);
  kernel.direct_a_small_only = true;
  one_lane_pack_a = kernel.pack_a;
  kernel.pack_a = &counting_pack_a;
  one_lane_pack_b = kernel.pack_b;
  kernel.pack_b = &counting_pack_b;
  kernels::gemm(args, kernel);
}

TEST(GemmDriver, ReadsOperandsInPlaceWithinTheirLimits) {
  // Whole MR-row panels and NR-column slivers, more rows than a GEMV-like range: A is 12 x 53 f32
  // (2544 bytes), B 53 x 24 (5088 bytes).
  const std::int64_t m = 4 * kOneLaneMr, n = 6 * kOneLaneNv, k = 53, a_bytes = m * k * 4, b_bytes = n * k * 4;
  struct Expect {
    Trans ta, tb;
    std::int64_t unpacked_bytes, direct_a_bytes;
    bool packs_a, packs_b;
  };
  const Expect expectations[] = {
      {Trans::no, Trans::no, 0, -1, false, false},  // derived from L1: at least 5088 bytes
      {Trans::no, Trans::no, b_bytes, -1, false, false},
      {Trans::no, Trans::no, b_bytes - 1, -1, true, true},  // B is one byte too large: both packed
      {Trans::no, Trans::no, -1, -1, true, true},
      {Trans::yes, Trans::no, b_bytes, -1, true, false},  // a transposed operand is packed all the same
      {Trans::no, Trans::yes, b_bytes, -1, false, true},
      // Packed products: A in place within direct_a_bytes (derived from L2: more than 2544 bytes).
      {Trans::no, Trans::no, -1, 0, false, true},
      {Trans::no, Trans::no, -1, a_bytes, false, true},
      {Trans::no, Trans::no, b_bytes - 1, a_bytes - 1, true, true},
      {Trans::yes, Trans::no, -1, a_bytes, true, true},
  };
  for (int threads : {1, 2}) {
    for (const Expect& e : expectations) {
      const Case cs{.ta = e.ta,
                    .tb = e.tb,
                    .m = m,
                    .n = n,
                    .k = k,
                    .alpha = 0.75,
                    .beta = 0,
                    .nan_in_c = true,
                    .blocking = {.unpacked_bytes = e.unpacked_bytes, .direct_a_bytes = e.direct_a_bytes},
                    .threads = threads};
      one_lane_a_packs = 0;
      one_lane_b_packs = 0;
      one_lane_direct_calls = 0;
      EXPECT_EQ(check_case<float>(&one_lane_small_a_only_gemm, cs), "");
      EXPECT_EQ(one_lane_a_packs > 0, e.packs_a) << describe(cs);
      EXPECT_EQ(one_lane_direct_calls > 0, !e.packs_a) << describe(cs);
      // Two threads split this C by columns (each reads its own band of B), as one thread would.
      EXPECT_EQ(one_lane_b_packs > 0, e.packs_b) << describe(cs);
    }
  }
}

// A last row panel of fewer than MR rows goes to the micro-kernel's direct_a_rows where it has one: read in
// place like the full panels (no panel of A is packed at all) and written for its rows only, on C itself or,
// in a partial sliver, through the scratch tile; a transposed A is packed as before. Also GEMV-like ranges
// (m < MR: B in place) and an unpacked product, and beta = 0 over NaN in C.
std::atomic<int> one_lane_rows_calls{0};

void one_lane_direct_a_rows(int rows, std::int64_t kc, const float* a, std::int64_t lda, const float* b,
                            std::int64_t ldb, float* c, std::int64_t ldc, float alpha, float beta) {
  ++one_lane_rows_calls;
  EXPECT_TRUE(rows > 0 && rows < kOneLaneMr) << rows;
  kernels::broadcast_ukernel_direct_a_rows<OneLane, float, kOneLaneMr, kOneLaneNv>(rows, kc, a, lda, b, ldb,
                                                                                   c, ldc, alpha, beta);
}

void one_lane_rows_gemm(const GemmArgs<float>& args) {
  kernels::MicroKernel<float> kernel = one_lane_kernel(
      &kernels::broadcast_ukernel<OneLane, float, kOneLaneMr, kOneLaneNv>, &one_lane_direct_a);
  kernel.direct_a_rows = &one_lane_direct_a_rows;
  one_lane_pack_a = kernel.pack_a;
  kernel.pack_a = &counting_pack_a;
  kernels::gemm(args, kernel);
}

TEST(GemmDriver, ReadsALastPanelOfFewerRowsInPlaceWhereTheMicroKernelCan) {
  for (int threads : {1, 2}) {
    for (Trans ta : {Trans::no, Trans::yes}) {
      for (std::int64_t m : {std::int64_t{1}, std::int64_t{kOneLaneMr - 1}, std::int64_t{2 * kOneLaneMr},
                             std::int64_t{5 * kOneLaneMr + 1}, std::int64_t{5 * kOneLaneMr + 2}}) {
        for (std::int64_t unpacked_bytes : {0, -1}) {
          for (float beta : {-1.0f, 0.0f}) {
            const Case cs{.ta = ta,
                          .m = m,
                          .n = 5 * kOneLaneNv + 1,
                          .k = 3 * 16 + 5,
                          .alpha = 0.75,
                          .beta = beta,
                          .nan_in_c = beta == 0,
                          .blocking = {.mc = 2 * kOneLaneMr,
                                       .kc = 16,
                                       .nc = 2 * kOneLaneNv,
                                       .unpacked_bytes = unpacked_bytes},
                          .threads = threads};
            one_lane_rows_calls = 0;
            one_lane_a_packs = 0;
            EXPECT_EQ(check_case<float>(&one_lane_rows_gemm, cs), "");
            EXPECT_EQ(one_lane_rows_calls > 0, ta == Trans::no && m % kOneLaneMr != 0) << describe(cs);
            EXPECT_EQ(one_lane_a_packs > 0, ta == Trans::yes) << describe(cs);
          }
        }
      }
    }
  }
  // direct_a_rows without direct_a is a kernel built wrong.
  kernels::MicroKernel<float> rows_only =
      kernels::gemm_micro_kernel<float, kOneLaneMr>(kOneLaneNv, &one_lane_packed_a);
  rows_only.direct_a_rows = &one_lane_direct_a_rows;
  float a = 1, b = 1, c = 0;
  const GemmArgs<float> args{.m = 1, .n = 1, .k = 1, .a = &a, .lda = 1, .b = &b, .ldb = 1, .c = &c, .ldc = 1};
  EXPECT_THROW(kernels::gemm(args, rows_only), std::logic_error);
}

// Threaded products below GemmBlocking::caller_works_flops run a share on the calling thread (the
// team's thread 0); above it, or with the limit negative, every share runs on a team thread.
std::mutex tile_threads_mutex;
std::set<std::thread::id> tile_threads;

void recording_tile(std::int64_t kc, const float* a, const float* b, std::int64_t ldb, float* c,
                    std::int64_t ldc, float alpha, float beta) {
  {
    const std::lock_guard lock(tile_threads_mutex);
    tile_threads.insert(std::this_thread::get_id());
  }
  kernels::broadcast_ukernel<OneLane, float, kOneLaneMr, kOneLaneNv>(kc, a, b, ldb, c, ldc, alpha, beta);
}

void one_lane_recording_gemm(const GemmArgs<float>& args) {
  kernels::gemm(args, kernels::gemm_micro_kernel<float, kOneLaneMr>(kOneLaneNv, &recording_tile));
}

TEST(GemmDriver, SmallThreadedProductsRunAShareOnTheCaller) {
  // 2 x 30 x 40 x 37 = 88800 flops.
  for (double limit : {0.0, 88801.0, 88800.0, -1.0}) {
    const Case cs{.m = 10 * kOneLaneMr,
                  .n = 10 * kOneLaneNv,
                  .k = 37,
                  .blocking = {.caller_works_flops = limit},
                  .threads = 2};
    tile_threads.clear();
    EXPECT_EQ(check_case<float>(&one_lane_recording_gemm, cs), "");
    const bool caller_works = limit == 0.0 || limit > 88800.0;
    EXPECT_EQ(tile_threads.count(std::this_thread::get_id()), caller_works ? 1u : 0u) << describe(cs);
    EXPECT_EQ(tile_threads.size(), 2u) << describe(cs);
  }
}

TEST(GemmDriver, TinyProductsRunOnTheCallerAlone) {
  for (double solo : {88801.0, 88800.0}) {  // 88800 flops, as above
    const Case cs{
        .m = 10 * kOneLaneMr, .n = 10 * kOneLaneNv, .k = 37, .blocking = {.solo_flops = solo}, .threads = 2};
    tile_threads.clear();
    EXPECT_EQ(check_case<float>(&one_lane_recording_gemm, cs), "");
    EXPECT_EQ(tile_threads.size(), solo > 88800.0 ? 1u : 2u) << describe(cs);
    EXPECT_EQ(tile_threads.count(std::this_thread::get_id()), 1u) << describe(cs);
  }
}

// The group layouts of gemm.hpp (MicroKernelFn), element by element, for every group a kernel takes:
// bf16 pairs, int8 quads (SDOT and the AVX2 and SVE tiles) and SMMLA's 8, which otherwise only the I8MM
// variant reads (skipped on x86 and on Neoverse N1), and int8 quads of B in offset binary, which only the
// VNNI variant reads (skipped without avx512vnni). Both storage orders, every kc up to 17 (partial last
// groups), a partial row panel and a partial last sliver: all padding zero.
template <int U, bool kOffsetBinary = false>
void expect_group_packing() {
  constexpr int kMr = 6, kNr = 5;
  constexpr std::int64_t kRows = 9, kCols = 23, kDepth = 20;  // op(A) kRows x kDepth, op(B) kDepth x kCols
  constexpr std::int64_t i0 = 2, rows = 5, p0 = 3, j0 = 1, cols = 13;
  auto value = [](std::int64_t x) {
    // Over the whole int8 range but 0, which only padding holds; B's values include -128 and 127, the
    // bytes whose offset-binary forms are 0x00 and 0xff.
    return static_cast<std::int8_t>(x % 256 - 128 == 0 ? 1 : x % 256 - 128);
  };
  std::vector<std::int8_t> a_data(kRows * kDepth), b_data(kDepth * kCols);
  for (std::size_t x = 0; x < a_data.size(); ++x) a_data[x] = value(std::int64_t(x) * 7 + 3);
  for (std::size_t x = 0; x < b_data.size(); ++x) b_data[x] = value(std::int64_t(x) * 11 + 5);
  for (bool transposed : {false, true}) {
    const kernels::GemmOperand<std::int8_t> a{a_data.data(), transposed ? kRows : kDepth, transposed};
    const kernels::GemmOperand<std::int8_t> b{b_data.data(), transposed ? kDepth : kCols, transposed};
    auto op_a = [&](std::int64_t i, std::int64_t p) {
      return transposed ? a_data[p * kRows + i] : a_data[i * kDepth + p];
    };
    auto op_b = [&](std::int64_t p, std::int64_t j) {
      return transposed ? b_data[j * kDepth + p] : b_data[p * kCols + j];
    };
    for (std::int64_t kc = 1; kc <= kDepth - p0; ++kc) {
      const std::int64_t groups = (kc + U - 1) / U, slivers = (cols + kNr - 1) / kNr;
      std::vector<std::int8_t> pa(groups * U * kMr, 99), pb(slivers * kNr * groups * U, 99);
      kernels::pack_a_groups<std::int8_t, kMr, U>(a, i0, rows, p0, kc, kMr, 0, pa.data());
      kernels::pack_b_groups<std::int8_t, U, kOffsetBinary>(b, p0, kc, j0, cols, kNr, pb.data());
      int wrong = 0;
      for (std::int64_t p = 0; p < groups * U; ++p) {
        const std::int64_t g = p / U, e = p % U;
        for (std::int64_t r = 0; r < kMr; ++r) {
          const std::int8_t want = r < rows && p < kc ? op_a(i0 + r, p0 + p) : 0;
          wrong += pa[g * U * kMr + U * r + e] != want;
        }
        for (std::int64_t j = 0; j < slivers * kNr; ++j) {
          const std::int8_t x = j < cols && p < kc ? op_b(p0 + p, j0 + j) : 0;
          // Offset binary: the byte x + 128, read back as int8 (-128 for 0, 127 for -1).
          const std::int8_t want = kOffsetBinary ? static_cast<std::int8_t>(x + 128 - (x >= 0 ? 256 : 0)) : x;
          wrong += pb[j / kNr * kNr * groups * U + g * U * kNr + U * (j % kNr) + e] != want;
        }
      }
      EXPECT_EQ(wrong, 0) << "U=" << U << " offset binary=" << kOffsetBinary << " transposed=" << transposed
                          << " kc=" << kc;
    }
  }
}

TEST(GemmPacking, GroupLayoutsOfPairsQuadsAndEights) {
  expect_group_packing<2>();
  expect_group_packing<4>();
  expect_group_packing<8>();
  expect_group_packing<4, true>();  // B for VNNI's vpdpbusd
}

TEST(GemmBlocking, DerivedFromCachesAndRoundedToTheTile) {
  const kernels::GemmCaches caches{.l1 = 48 << 10, .l2 = 1 << 20, .llc = 32 << 20};
  const GemmBlocking blk = kernels::gemm_blocking({}, 14, 32, 4, caches);
  EXPECT_EQ(blk.kc, 512);  // k steps per slice
  EXPECT_EQ(blk.mc % 14, 0);
  EXPECT_LE(blk.mc * blk.kc * 4, (1 << 20) * 2 / 5);  // the A block fits 40 % of L2
  EXPECT_GT(blk.mc * blk.kc * 4, (1 << 20) / 4);
  EXPECT_EQ(blk.nc % 32, 0);
  // On x86, an L2 of 2 MiB or more takes twice the k steps per slice (measured there only), and the A
  // block still fits 40 % of it.
  const kernels::GemmCaches big_l2{.l1 = 48 << 10, .l2 = 2 << 20, .llc = 32 << 20};
  const GemmBlocking deep = kernels::gemm_blocking({}, 6, 64, 4, big_l2);
#if defined(__x86_64__)
  EXPECT_EQ(deep.kc, 1024);
#else
  EXPECT_EQ(deep.kc, 512);
#endif
  EXPECT_LE(deep.mc * deep.kc * 4, (2 << 20) * 2 / 5);
  EXPECT_EQ(deep.mc % 6, 0);
  EXPECT_EQ(kernels::gemm_blocking({}, 6, 64, 4, {.l1 = 48 << 10, .l2 = (2 << 20) - 1}).kc, 512);
  // A KC x 64 f32 sliver of 128 or 256 KiB outgrows L1: where A is read in place, a B panel of a quarter
  // of L2; a sliver within half of L1 keeps BLIS's order (-1), as does a negative request; a requested
  // width is rounded down to whole slivers.
  EXPECT_EQ(deep.nc_direct_a * deep.kc * 4, (2 << 20) / 4);
  EXPECT_EQ(deep.nc_direct_a % 64, 0);
  EXPECT_EQ(kernels::gemm_blocking({.kc = 96}, 6, 64, 4, big_l2).nc_direct_a, -1);
  EXPECT_GT(kernels::gemm_blocking({.kc = 97}, 6, 64, 4, big_l2).nc_direct_a, 0);
  EXPECT_EQ(kernels::gemm_blocking({.nc_direct_a = -1}, 6, 64, 4, big_l2).nc_direct_a, -1);
  EXPECT_EQ(kernels::gemm_blocking({.nc_direct_a = 100}, 6, 64, 4, big_l2).nc_direct_a, 64);
  const GemmBlocking fixed = kernels::gemm_blocking({.mc = 100, .kc = 64, .nc = 100}, 14, 32, 4, caches);
  EXPECT_EQ(fixed.mc, 98);
  EXPECT_EQ(fixed.kc, 64);
  EXPECT_EQ(fixed.nc, 96);
  // f64: the same 512 k steps per slice (the C tile's cost is per k step, not per byte), and a B
  // panel of the same bytes as f32's.
  const GemmBlocking f64 = kernels::gemm_blocking({}, 6, 32, 8, caches);
  EXPECT_EQ(f64.kc, 512);
  EXPECT_LE(f64.mc * f64.kc * 8, (1 << 20) * 2 / 5);
  EXPECT_EQ(f64.nc * f64.kc * 8, blk.nc * blk.kc * 4);
  // A reported LLC of a whole host (hundreds of MB) does not make the panel grow past 2 MiB.
  const GemmBlocking huge =
      kernels::gemm_blocking({}, 6, 64, 4, {.l1 = 48 << 10, .l2 = 1 << 20, .llc = 508 << 20});
  EXPECT_EQ(huge.nc * huge.kc * 4, 2 << 20);
  // Pair kernels (bf16) slice K on whole pairs, quad kernels (int8) on whole quads; the others keep an
  // odd KC.
  EXPECT_EQ(kernels::gemm_blocking({.kc = 15}, 6, 64, 2, caches, 2).kc, 16);
  EXPECT_EQ(kernels::gemm_blocking({.kc = 13}, 8, 12, 1, caches, 4).kc, 16);
  EXPECT_EQ(kernels::gemm_blocking({.kc = 16}, 6, 64, 2, caches, 2).kc, 16);
  EXPECT_EQ(kernels::gemm_blocking({.kc = 15}, 6, 64, 4, caches).kc, 15);
  // Unpacked products: operands of up to half of L1, unless set (negative: never).
  EXPECT_EQ(blk.unpacked_bytes, 24 << 10);
  EXPECT_EQ(kernels::gemm_blocking({.unpacked_bytes = -1}, 6, 64, 4, caches).unpacked_bytes, -1);
  EXPECT_EQ(kernels::gemm_blocking({.unpacked_bytes = 100}, 6, 64, 4, caches).unpacked_bytes, 100);
  // A in place (where the micro-kernel limits it) up to half of L2, unless set.
  EXPECT_EQ(blk.direct_a_bytes, 512 << 10);
  EXPECT_EQ(kernels::gemm_blocking({.direct_a_bytes = -1}, 6, 64, 4, caches).direct_a_bytes, -1);
  // The caller is thread 0 of products below 64 MFLOP, unless set.
  EXPECT_EQ(blk.caller_works_flops, 64e6);
  EXPECT_EQ(blk.solo_flops, 1e6);
  EXPECT_EQ(kernels::gemm_blocking({.caller_works_flops = -1}, 6, 64, 4, caches).caller_works_flops, -1);
}

TEST(GemmBlocking, ParsesKeyValueTextAndRejectsBadFields) {
  GemmBlocking blk;
  std::string error;
  ASSERT_TRUE(kernels::parse_gemm_blocking(
      "mc=96,kc=256,nc=2048,unpacked=-1,direct_a=4096,caller_works=64e6,solo=-1,nc_direct_a=-1", blk, error))
      << error;
  EXPECT_EQ(blk.nc_direct_a, -1);
  EXPECT_EQ(blk.mc, 96);
  EXPECT_EQ(blk.kc, 256);
  EXPECT_EQ(blk.nc, 2048);
  EXPECT_EQ(blk.unpacked_bytes, -1);
  EXPECT_EQ(blk.direct_a_bytes, 4096);
  EXPECT_EQ(blk.caller_works_flops, 64e6);
  EXPECT_EQ(blk.solo_flops, -1);
  // Fields not named are derived (0); the empty text derives all of them.
  ASSERT_TRUE(kernels::parse_gemm_blocking("kc=128", blk, error)) << error;
  EXPECT_EQ(blk.kc, 128);
  EXPECT_EQ(blk.mc, 0);
  EXPECT_EQ(blk.unpacked_bytes, 0);
  ASSERT_TRUE(kernels::parse_gemm_blocking("", blk, error)) << error;
  EXPECT_EQ(blk.kc, 0);
  // Each bad text names its field and leaves the blocking as it was.
  blk.kc = 7;
  const std::pair<const char*, const char*> bad[] = {
      {"96,256,2048",
       "unknown field '96': expected comma-separated key=value pairs"},  // the old positional form
      {"kc=256,mk=3", "unknown field 'mk'"},
      {"kc=256,", "unknown field ''"},
      {" kc=256", "unknown field ' kc'"},
      {"mc=-6", "field 'mc': expected a non-negative integer of at most 2^40, got '-6'"},
      {"kc=", "field 'kc': expected a non-negative integer of at most 2^40, got ''"},
      {"kc", "field 'kc': expected a non-negative integer of at most 2^40, got ''"},
      {"kc= 256", "field 'kc': expected a non-negative integer of at most 2^40, got ' 256'"},
      {"nc=2e12", "field 'nc': expected a non-negative integer of at most 2^40, got '2e12'"},
      {"unpacked=1.5", "field 'unpacked': expected an integer of at most 2^40, got '1.5'"},
      {"solo=1e6x", "field 'solo': expected an integer of at most 2^40, got '1e6x'"},
      {"nc=nan", "field 'nc': expected a non-negative integer of at most 2^40, got 'nan'"},
  };
  for (const auto& [text, why] : bad) {
    error.clear();
    EXPECT_FALSE(kernels::parse_gemm_blocking(text, blk, error)) << text;
    EXPECT_EQ(error.rfind(why, 0), 0u) << text << ": " << error;
    EXPECT_EQ(blk.kc, 7) << text;
  }
}

}  // namespace
}  // namespace armperf
