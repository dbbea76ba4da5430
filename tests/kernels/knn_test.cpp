// Generated from the registry: every k-NN distance kernel and every search row (ours per ISA, FAISS)
// against the double-precision reference. Small integer components keep every distance exact in f32
// (sums stay below 2^24), so distances must be equal and neighbour ids equal modulo ties.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "kernels/knn/knn.hpp"
#include "kernels/registry.hpp"
#include "tests/kernels/variant_param.hpp"

namespace armperf {
namespace {

using kernels::DistanceFn;
using kernels::KnnArgs;
using kernels::KnnPath;
using kernels::KnnResult;
using kernels::KnnSearchFn;
using kernels::Metric;
using kernels::uniform_vectors;

const std::vector<std::int64_t> kDims = {1, 3, 17, 100, 128, 960};

std::vector<float> integer_vectors(std::int64_t count, unsigned seed, int range = 8) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> dist(-range, range);
  std::vector<float> v(static_cast<std::size_t>(count));
  for (float& x : v) x = static_cast<float>(dist(rng));
  return v;
}

// ---------------------------------------------------------------------------------------------------
// Distance kernels

class KnnDistanceTest : public VariantTest {};

TEST_P(KnnDistanceTest, ExactOnIntegersForEveryDimensionAndRowCount) {
  const auto fn = variant().as<DistanceFn>();
  const Metric metric = variant().op == kernels::kL2Op ? Metric::l2 : Metric::ip;
  for (std::int64_t d : kDims) {
    // Row counts around the 4- and 8-row steps (8 + 4 + 1 = 13, 2 x 8 + 4 + 1 = 21); the base starts
    // one float past an aligned address and is sized exactly, so a read past the last row is a read
    // past the allocation (ASan build).
    for (std::int64_t nb : {1, 2, 3, 4, 5, 7, 8, 9, 12, 13, 16, 21}) {
      const std::vector<float> storage = integer_vectors(nb * d + 1, static_cast<unsigned>(d * 31 + nb));
      const std::vector<float> query = integer_vectors(d, static_cast<unsigned>(d + 7));
      const float* base = storage.data() + 1;
      std::vector<float> out(static_cast<std::size_t>(nb) + 1, -1.0f);
      fn(query.data(), base, nb, d, out.data());
      for (std::int64_t i = 0; i < nb; ++i) {
        const double ref = kernels::distance_reference(metric, query.data(), base + i * d, d);
        ASSERT_EQ(double(out[static_cast<std::size_t>(i)]), ref) << "d=" << d << " nb=" << nb << " row " << i;
      }
      ASSERT_EQ(out.back(), -1.0f) << "wrote past nb: d=" << d << " nb=" << nb;
    }
  }
}

TEST_P(KnnDistanceTest, RandomInputsWithinRoundingOfTheReference) {
  const auto fn = variant().as<DistanceFn>();
  const Metric metric = variant().op == kernels::kL2Op ? Metric::l2 : Metric::ip;
  const std::int64_t nb = 11;
  for (std::int64_t d : kDims) {
    const std::vector<float> base = uniform_vectors(nb * d, 3), query = uniform_vectors(d, 4);
    std::vector<float> out(static_cast<std::size_t>(nb));
    fn(query.data(), base.data(), nb, d, out.data());
    for (std::int64_t i = 0; i < nb; ++i) {
      double magnitude = 0;  // sum of |terms|: the scale rounding errors are relative to
      for (std::int64_t j = 0; j < d; ++j) {
        const double q = query[j], b = base[i * d + j];
        magnitude += metric == Metric::l2 ? (q - b) * (q - b) : std::abs(q * b);
      }
      const double ref = kernels::distance_reference(metric, query.data(), base.data() + i * d, d);
      EXPECT_NEAR(out[static_cast<std::size_t>(i)], ref, 2.0 * double(d) * 6e-8 * magnitude + 1e-30)
          << "d=" << d << " row " << i;
    }
  }
}

// The f32 kernels; the f16/bf16/int8 rows of the family have their own signatures (knn_lowp_test.cpp).
std::vector<const KernelVariant*> f32_distance_variants() {
  std::vector<const KernelVariant*> out;
  for (const KernelVariant* v : KernelRegistry::instance().variants("knn")) {
    if (v->dtype == "f32") out.push_back(v);
  }
  return out;
}
INSTANTIATE_TEST_SUITE_P(Registry, KnnDistanceTest, ::testing::ValuesIn(f32_distance_variants()), variant_test_name);

// ---------------------------------------------------------------------------------------------------
// Search

struct SearchCase {
  Metric metric = Metric::l2;
  std::int64_t nb = 1, nq = 1, d = 1, k = 1;
  int threads = 1;
  KnnPath path = KnnPath::automatic;
};

std::string describe(const SearchCase& c) {
  std::ostringstream os;
  os << "metric=" << kernels::metric_name(c.metric) << " nb=" << c.nb << " nq=" << c.nq << " d=" << c.d
     << " k=" << c.k << " threads=" << c.threads << " path=" << int(c.path);
  return os.str();
}

class KnnSearchTest : public VariantTest {
 protected:
  bool ours() const { return variant().impl == "armperf"; }
  KnnResult search(const KnnArgs& args) const { return variant().as<KnnSearchFn>()(args); }
  KnnArgs args(const SearchCase& c, const std::vector<float>& base, const std::vector<float>& query) const {
    return KnnArgs{.metric = c.metric,
                   .base = base.data(),
                   .nb = c.nb,
                   .query = query.data(),
                   .nq = c.nq,
                   .d = c.d,
                   .k = c.k,
                   .threads = c.threads,
                   .path = c.path};
  }

  // Distances equal the reference's; every id is distinct and its true distance is the one reported
  // (ids may differ from the reference only among equal distances). Our rows break ties by the
  // smaller id exactly as the reference does, so their ids must be equal too.
  void expect_exact(const SearchCase& c, const std::vector<float>& base, const std::vector<float>& query) const {
    SCOPED_TRACE(describe(c));
    const KnnArgs a = args(c, base, query);
    const KnnResult got = search(a), want = kernels::knn_search_reference(a);
    ASSERT_EQ(got.ids.size(), want.ids.size());
    ASSERT_EQ(got.distances, want.distances);
    if (ours()) {
      ASSERT_EQ(got.ids, want.ids);
      if (c.path != KnnPath::automatic) {
        EXPECT_EQ(got.path, c.path) << "a forced formulation must be the one that ran";
      }
      return;
    }
    for (std::int64_t q = 0; q < c.nq; ++q) {
      for (std::int64_t i = 0; i < c.k; ++i) {
        const std::int64_t id = got.ids[static_cast<std::size_t>(q * c.k + i)];
        if (want.ids[static_cast<std::size_t>(q * c.k + i)] == kernels::kNoNeighbour) {
          EXPECT_EQ(id, kernels::kNoNeighbour);
          continue;
        }
        ASSERT_GE(id, 0);
        ASSERT_LT(id, c.nb);
        const double dist =
            kernels::distance_reference(c.metric, query.data() + q * c.d, base.data() + id * c.d, c.d);
        EXPECT_EQ(dist, got.distances[static_cast<std::size_t>(q * c.k + i)])
            << "query " << q << " rank " << i;
      }
    }
  }
};

TEST_P(KnnSearchTest, ExactOnIntegersForEveryDimensionPathAndThreadCount) {
  for (Metric metric : {Metric::l2, Metric::ip}) {
    for (std::int64_t d : kDims) {
      for (KnnPath path : {KnnPath::direct, KnnPath::gemm}) {
        for (int threads : {1, 2, 3}) {
          // Few distinct values make ties common, so the tie order is exercised.
          const SearchCase c{metric, 61, 9, d, 10, threads, path};
          const std::vector<float> base = integer_vectors(c.nb * d, static_cast<unsigned>(d), 3);
          const std::vector<float> query = integer_vectors(c.nq * d, static_cast<unsigned>(d + 1), 3);
          expect_exact(c, base, query);
        }
      }
    }
  }
}

TEST_P(KnnSearchTest, ExactAcrossDatabaseBlocksAndQueryBlocks) {
  // More rows than one database block at this d and more queries than one sgemm query block.
  for (Metric metric : {Metric::l2, Metric::ip}) {
    const SearchCase c{metric, 2500, 150, 100, 7, 2, KnnPath::automatic};
    expect_exact(c, integer_vectors(c.nb * c.d, 5), integer_vectors(c.nq * c.d, 6));
  }
}

TEST_P(KnnSearchTest, EveryCandidateThatCanEnterPassesTheFilter) {
  // Keys that improve with the id (L2 distance falls, inner product grows), so every candidate enters
  // the top-k: the filter must stop at each one, also right after a hit and in vector tails (nb odd).
  // Rows with a NaN component must never be neighbours; the reference sees far-away rows there.
  if (!ours()) GTEST_SKIP() << "the filter is ours; FAISS's NaN handling is its own";
  const std::int64_t nb = 203, d = 5;
  for (Metric metric : {Metric::l2, Metric::ip}) {
    std::vector<float> base(static_cast<std::size_t>(nb * d), 0.0f), far = base;
    for (std::int64_t i = 0; i < nb; ++i) {
      const bool nan_row = i % 37 == 5;
      const float x = metric == Metric::l2 ? float(nb - i) : float(i + 1);
      for (std::int64_t j = 0; j < d; ++j) {
        const float v = j == 0 ? x : float(j % 2);
        base[static_cast<std::size_t>(i * d + j)] =
            nan_row && j == 2 ? std::numeric_limits<float>::quiet_NaN() : v;
        far[static_cast<std::size_t>(i * d + j)] = nan_row ? (metric == Metric::l2 ? 2000.0f : -2000.0f) : v;
      }
    }
    const std::vector<float> query = {1, 0, 0, 0, 0, 2, 1, 0, 1, 0};
    for (KnnPath path : {KnnPath::direct, KnnPath::gemm}) {
      for (int threads : {1, 2}) {
        for (std::int64_t k : {1, 10, 40}) {
          const SearchCase c{metric, nb, 2, d, k, threads, path};
          SCOPED_TRACE(describe(c));
          const KnnResult got = search(args(c, base, query)),
                          want = kernels::knn_search_reference(args(c, far, query));
          EXPECT_EQ(got.ids, want.ids);
          EXPECT_EQ(got.distances, want.distances);
        }
      }
    }
  }
}

TEST_P(KnnSearchTest, TheFilterFindsALoneBetterCandidateAtEveryPosition) {
  // Row 0 fills the top-1; every other row is worse except row p, which only the filter can find after
  // a long run of misses. Sweeping p puts the hit at every lane of every vector of a step (the SVE scan
  // tests four vectors at once, then the rest one at a time) and in the tail (202 rows after row 0,
  // not a multiple of 4 vectors at any length): a scan that skips a hit loses row p. (One that stops
  // early only costs time: the heap compares again.)
  if (!ours()) GTEST_SKIP() << "the filter is ours";
  const std::int64_t nb = 203, d = 3;
  for (Metric metric : {Metric::l2, Metric::ip}) {
    // L2 from the origin: 25 for row 0, 100 for the rest, 1 for row p. Inner product with (1, 0, 0):
    // 5, 1, and 10 for row p.
    const bool l2 = metric == Metric::l2;
    const std::vector<float> query = {l2 ? 0.0f : 1.0f, 0, 0};
    const float first = 5, worse = l2 ? 10.0f : 1.0f, better = l2 ? 1.0f : 10.0f;
    for (KnnPath path : {KnnPath::direct, KnnPath::gemm}) {
      const SearchCase c{metric, nb, 1, d, 1, 1, path};
      for (std::int64_t p = 1; p < nb; ++p) {
        std::vector<float> base(static_cast<std::size_t>(nb * d), 0.0f);
        for (std::int64_t i = 0; i < nb; ++i) base[static_cast<std::size_t>(i * d)] = i == 0 ? first : worse;
        base[static_cast<std::size_t>(p * d)] = better;
        const KnnResult got = search(args(c, base, query));
        ASSERT_EQ(got.ids, std::vector<std::int64_t>{p}) << describe(c) << " lone better row " << p;
      }
    }
  }
}

TEST_P(KnnSearchTest, FewerDatabaseVectorsThanKLeavesEmptySlots) {
  for (Metric metric : {Metric::l2, Metric::ip}) {
    const SearchCase c{metric, 3, 2, 17, 5, 2, KnnPath::automatic};
    const std::vector<float> base = integer_vectors(c.nb * c.d, 8), query = integer_vectors(c.nq * c.d, 9);
    expect_exact(c, base, query);
    const KnnResult r = search(args(c, base, query));
    const float empty = metric == Metric::l2 ? std::numeric_limits<float>::infinity()
                                             : -std::numeric_limits<float>::infinity();
    for (std::int64_t q = 0; q < c.nq; ++q) {
      for (std::int64_t i = c.nb; i < c.k; ++i) {
        EXPECT_EQ(r.ids[static_cast<std::size_t>(q * c.k + i)], kernels::kNoNeighbour);
        EXPECT_EQ(r.distances[static_cast<std::size_t>(q * c.k + i)], empty);
      }
    }
  }
}

TEST_P(KnnSearchTest, RandomDataHasFullRecall) {
  for (Metric metric : {Metric::l2, Metric::ip, Metric::cosine}) {
    if (!ours() && metric == Metric::cosine) continue;  // the peer row searches l2 and ip only
    for (std::int64_t d : {17, 128}) {
      const SearchCase c{metric, 700, 40, d, 10, 2, KnnPath::automatic};
      SCOPED_TRACE(describe(c));
      const std::vector<float> base = uniform_vectors(c.nb * d, 10), query = uniform_vectors(c.nq * d, 11);
      const KnnArgs a = args(c, base, query);
      const KnnResult got = search(a), want = kernels::knn_search_reference(a);
      EXPECT_EQ(kernels::knn_recall(got, want.ids, c.k, c.k), 1.0);
      for (std::size_t i = 0; i < got.distances.size(); ++i) {
        EXPECT_NEAR(got.distances[i], want.distances[i], 1e-4 * (1 + std::abs(want.distances[i])));
      }
    }
  }
}

TEST_P(KnnSearchTest, RejectsBadArgumentsWithAClearMessage) {
  const std::vector<float> base = integer_vectors(40, 1), query = integer_vectors(8, 2);
  const SearchCase ok{Metric::l2, 10, 2, 4, 3, 1, KnnPath::automatic};
  KnnArgs a = args(ok, base, query);
  a.k = 0;
  EXPECT_THAT([&] { search(a); },
              ::testing::ThrowsMessage<std::invalid_argument>(::testing::HasSubstr("k=0")));
  a = args(ok, base, query);
  a.nb = 0;
  EXPECT_THAT([&] { search(a); },
              ::testing::ThrowsMessage<std::invalid_argument>(::testing::HasSubstr("empty database")));
  std::vector<float> nan_query = query;
  nan_query[5] = std::numeric_limits<float>::quiet_NaN();
  a = args(ok, base, nan_query);
  EXPECT_THAT([&] { search(a); }, ::testing::ThrowsMessage<std::invalid_argument>(
                                      ::testing::HasSubstr("query 1 component 1 is NaN")));
}

// The f32 searches (KnnSearchFn); the f16/bf16/int8 rows are knn_lowp_test.cpp's.
std::vector<const KernelVariant*> f32_search_variants() {
  std::vector<const KernelVariant*> out;
  for (const KernelVariant* v : KernelRegistry::instance().variants("knn_search")) {
    if (v->dtype == "f32") out.push_back(v);
  }
  return out;
}
INSTANTIATE_TEST_SUITE_P(Registry, KnnSearchTest, ::testing::ValuesIn(f32_search_variants()), variant_test_name);

// ---------------------------------------------------------------------------------------------------
// Helpers without a registry row

TEST(KnnMetric, NamesRoundTrip) {
  for (Metric m : {Metric::l2, Metric::ip, Metric::cosine})
    EXPECT_EQ(kernels::parse_metric(kernels::metric_name(m)), m);
  EXPECT_FALSE(kernels::parse_metric("hamming").has_value());
}

TEST(KnnRecall, CountsHitsAmongTheFirstK) {
  KnnResult r{.nq = 2, .k = 2, .ids = {0, 1, 5, kernels::kNoNeighbour}, .distances = {}};
  EXPECT_DOUBLE_EQ(kernels::knn_recall(r, {1, 0, 5, 6}, 2, 2), 0.75);
  EXPECT_DOUBLE_EQ(kernels::knn_recall(r, {0, 1, 6, 5}, 2, 1), 0.5);
  EXPECT_THROW(kernels::knn_recall(r, {1, 0}, 2, 2), std::invalid_argument);
}

}  // namespace
}  // namespace armperf
