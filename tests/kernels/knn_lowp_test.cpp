// Low-precision k-NN (f16, bf16, int8): every distance kernel of the registry against a double
// reference on the converted values (int8 exactly, f16/bf16 within f32 accumulation's rounding), the
// conversions' rounding, and the search's recall against the exact f32 search.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernels/knn/knn.hpp"
#include "kernels/knn/lowp.hpp"
#include "kernels/registry.hpp"
#include "tests/kernels/variant_param.hpp"

namespace armperf {
namespace {

using kernels::Dtype;
using kernels::Half;
using kernels::KnnArgs;
using kernels::KnnResult;
using kernels::LowpVectors;
using kernels::Metric;
using kernels::uniform_vectors;

std::vector<const KernelVariant*> lowp_distance_variants() {
  std::vector<const KernelVariant*> out;
  for (const KernelVariant* v : KernelRegistry::instance().variants("knn")) {
    if (v->dtype != "f32") out.push_back(v);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Distance kernels

class KnnLowpDistanceTest : public VariantTest {
 protected:
  Dtype dtype() const { return kernels::parse_dtype(variant().dtype).value(); }
  Metric metric() const { return variant().op == kernels::kL2Op ? Metric::l2 : Metric::ip; }

  // Runs the kernel on base rows 1 .. nb of `base` (row 0 is skipped, so the block starts one row past
  // the allocation's start and ends exactly at its end) into nb outputs plus a sentinel.
  std::vector<double> run(const LowpVectors& query, const LowpVectors& base, std::int64_t nb) const {
    const std::int64_t d = base.d;
    std::vector<double> result(static_cast<std::size_t>(nb) + 1);
    if (dtype() == Dtype::int8) {
      std::vector<std::int32_t> out(static_cast<std::size_t>(nb) + 1, -7);
      variant().as<kernels::DistanceI8Fn>()(query.i8.data(), base.i8.data() + d, nb, d, out.data());
      for (std::size_t i = 0; i < out.size(); ++i) result[i] = out[i];
    } else {
      std::vector<float> out(static_cast<std::size_t>(nb) + 1, -7.0f);
      variant().as<kernels::DistanceHalfFn>()(query.half.data(), base.half.data() + d, nb, d, out.data());
      for (std::size_t i = 0; i < out.size(); ++i) result[i] = out[i];
    }
    return result;
  }

  void check(const std::vector<float>& base_f32, const std::vector<float>& query_f32, std::int64_t nb,
             std::int64_t d) const {
    const float scale = dtype() == Dtype::int8 ? kernels::int8_scale(base_f32.data(), (nb + 1) * d) : 1.0f;
    const LowpVectors base = kernels::quantise(dtype(), base_f32.data(), nb + 1, d, scale);
    const LowpVectors query = kernels::quantise(dtype(), query_f32.data(), 1, d, scale);
    const std::vector<double> got = run(query, base, nb);
    for (std::int64_t i = 0; i < nb; ++i) {
      const double ref = kernels::lowp_distance_reference(metric(), query, 0, base, i + 1);
      if (dtype() == Dtype::int8) {
        ASSERT_EQ(got[static_cast<std::size_t>(i)], ref) << "d=" << d << " nb=" << nb << " row " << i;
        continue;
      }
      // f32 accumulation of d terms: error below d * 2^-24 of the terms' magnitude. L2 uses (|q| + |b|)^2
      // per term, which also covers the kernels that expand ||q||^2 + ||b||^2 - 2 q.b around a dot product.
      double magnitude = 0;
      for (std::int64_t j = 0; j < d; ++j) {
        const double x = query.value(j), y = base.value((i + 1) * d + j);
        magnitude += metric() == Metric::l2 ? (std::abs(x) + std::abs(y)) * (std::abs(x) + std::abs(y))
                                            : std::abs(x * y);
      }
      ASSERT_NEAR(got[static_cast<std::size_t>(i)], ref, 2.0 * double(d) * 6e-8 * magnitude + 1e-30)
          << "d=" << d << " nb=" << nb << " row " << i;
    }
    ASSERT_EQ(got.back(), -7.0) << "wrote past nb: d=" << d << " nb=" << nb;
  }
};

TEST_P(KnnLowpDistanceTest, MatchesTheReferenceForEveryDimensionAndRowCount) {
  for (std::int64_t d : {1, 3, 17, 100, 128, 960}) {
    // Row counts around the 4-row step.
    for (std::int64_t nb : {1, 2, 3, 4, 5, 7, 8, 9, 13}) {
      const unsigned seed = static_cast<unsigned>(d * 31 + nb);
      check(uniform_vectors((nb + 1) * d, seed), uniform_vectors(d, seed + 1), nb, d);
    }
  }
}

TEST_P(KnnLowpDistanceTest, ExtremeComponentsStayExactOrWithinRounding) {
  // Database at +max, query at -max: int8 |q - b| = 254, the widest difference the kernels square.
  for (std::int64_t d : {17, 128, 960}) {
    std::vector<float> base(static_cast<std::size_t>(5 * d), 1.0f), query(static_cast<std::size_t>(d), -1.0f);
    for (std::size_t i = 0; i < base.size(); i += 3) base[i] = -1.0f;
    check(base, query, 4, d);
  }
}

INSTANTIATE_TEST_SUITE_P(Registry, KnnLowpDistanceTest, ::testing::ValuesIn(lowp_distance_variants()),
                         variant_test_name);

TEST(KnnLowpRegistry, EveryTypeHasAScalarVariantOfBothMetrics) {
  for (Dtype t : {Dtype::f16, Dtype::bf16, Dtype::int8}) {
    for (std::string_view op : {kernels::kL2Op, kernels::kIpOp}) {
      const std::string name = std::string(kernels::dtype_name(t)) + "_" + std::string(op) + "__scalar";
      const KernelVariant* v = KernelRegistry::instance().find(name);
      ASSERT_NE(v, nullptr) << name;
      EXPECT_EQ(v->dtype, kernels::dtype_name(t));
      EXPECT_EQ(v->bytes_per_element, double(kernels::dtype_bytes(t)));
      EXPECT_TRUE(v->runnable());
    }
  }
}

TEST(KnnLowpRegistry, AFeatureVariantIsRunnableOnlyWithItsFeature) {
  for (const KernelVariant* v : lowp_distance_variants()) {
    if (v->feature.empty() || !isa_enabled(v->isa)) continue;
    EXPECT_EQ(v->runnable(), feature_skip_reason(v->feature).empty()) << v->name;
    if (!v->runnable()) {
      EXPECT_NE(v->skip_reason().find(v->feature), std::string::npos) << v->skip_reason();
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Conversions

float bits_to_float(std::uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

TEST(KnnLowpConversion, F16RoundsToNearestEvenAndSaturates) {
  EXPECT_EQ(kernels::f32_to_f16(1.0f), 0x3C00);
  EXPECT_EQ(kernels::f32_to_f16(-2.0f), 0xC000);
  EXPECT_EQ(kernels::f32_to_f16(1.0f + 0x1p-11f), 0x3C00);         // tie: to the even 1.0
  EXPECT_EQ(kernels::f32_to_f16(1.0f + 3 * 0x1p-11f), 0x3C02);     // tie: to the even 1 + 2^-9
  EXPECT_EQ(kernels::f32_to_f16(1.0f + 0x1p-11f + 0x1p-20f), 0x3C01);  // past the tie: up
  EXPECT_EQ(kernels::f32_to_f16(65504.0f), 0x7BFF);
  EXPECT_EQ(kernels::f32_to_f16(65519.0f), 0x7BFF);
  EXPECT_EQ(kernels::f32_to_f16(1e9f), 0x7BFF);                     // saturates instead of inf
  EXPECT_EQ(kernels::f32_to_f16(-1e9f), 0xFBFF);
  EXPECT_EQ(kernels::f32_to_f16(0x1p-24f), 0x0001);                 // smallest subnormal
  EXPECT_EQ(kernels::f32_to_f16(0x1p-25f), 0x0000);                 // tie: to even zero
  EXPECT_EQ(kernels::f32_to_f16(3 * 0x1p-25f), 0x0002);             // tie: to even 2
  EXPECT_EQ(kernels::f32_to_f16(0x1p-14f - 0x1p-26f), 0x0400);      // rounds up into the normals
  EXPECT_TRUE(std::isnan(kernels::f16_to_f32(kernels::f32_to_f16(std::numeric_limits<float>::quiet_NaN()))));
  // Every finite half converts to f32 and back to itself.
  for (std::uint32_t h = 0; h < 0x10000; ++h) {
    if ((h & 0x7C00) == 0x7C00) continue;  // inf, NaN
    ASSERT_EQ(kernels::f32_to_f16(kernels::f16_to_f32(static_cast<Half>(h))), h) << std::hex << h;
  }
  EXPECT_EQ(kernels::f16_to_f32(0x3555), 0x1.554p-2f);
}

TEST(KnnLowpConversion, Bf16RoundsToNearestEvenAndSaturates) {
  EXPECT_EQ(kernels::f32_to_bf16(1.0f), 0x3F80);
  EXPECT_EQ(kernels::f32_to_bf16(bits_to_float(0x3F808000)), 0x3F80);  // tie: to even
  EXPECT_EQ(kernels::f32_to_bf16(bits_to_float(0x3F818000)), 0x3F82);  // tie: to even
  EXPECT_EQ(kernels::f32_to_bf16(bits_to_float(0x3F808001)), 0x3F81);  // past the tie: up
  EXPECT_EQ(kernels::f32_to_bf16(std::numeric_limits<float>::max()), 0x7F7F);
  EXPECT_EQ(kernels::f32_to_bf16(-std::numeric_limits<float>::max()), 0xFF7F);
  EXPECT_TRUE(std::isnan(kernels::bf16_to_f32(kernels::f32_to_bf16(std::numeric_limits<float>::quiet_NaN()))));
  EXPECT_EQ(kernels::bf16_to_f32(0xC0A0), -5.0f);
}

TEST(KnnLowpConversion, Int8UsesOneSymmetricScaleAndNeverMinus128) {
  const std::vector<float> x = {0.5f, -2.54f, 1.27f, 0.0f};
  const float scale = kernels::int8_scale(x.data(), 4);
  EXPECT_FLOAT_EQ(scale, 0.02f);
  EXPECT_EQ(kernels::f32_to_int8(-2.54f, scale), -127);
  EXPECT_EQ(kernels::f32_to_int8(1.27f, scale), 64);  // 63.5: ties to even
  EXPECT_EQ(kernels::f32_to_int8(-100.0f, scale), -127);
  EXPECT_EQ(kernels::f32_to_int8(100.0f, scale), 127);
  const std::vector<float> zeros(5, 0.0f);
  EXPECT_EQ(kernels::int8_scale(zeros.data(), 5), 1.0f);
}

// ---------------------------------------------------------------------------------------------------
// Search

// The search on this machine's best kernels of the type, or why there are none.
struct Searcher {
  std::optional<kernels::LowpKernels> chosen;
  std::string why;
  explicit Searcher(Dtype dtype) {
    try {
      chosen = kernels::lowp_kernels(dtype);
    } catch (const std::runtime_error& e) {
      why = e.what();
    }
  }
};

KnnArgs args_for(Metric metric, const std::vector<float>& base, const std::vector<float>& query, std::int64_t d,
                 std::int64_t k) {
  return KnnArgs{.metric = metric,
                 .base = base.data(),
                 .nb = static_cast<std::int64_t>(base.size()) / d,
                 .query = query.data(),
                 .nq = static_cast<std::int64_t>(query.size()) / d,
                 .d = d,
                 .k = k};
}

// recall@10 on uniform [-1, 1] data (nb = 3000, d = 128, 40 queries) against the exact search, per
// type and metric. f16/bf16: the 0.99 (measured on Zen 5: f16 l2 1.0, ip 1.0, cosine 0.9975;
// bf16 0.9975, 1.0, 0.9975). int8 (127 steps over [-1, 1]) measured l2 0.9925, ip 0.9925, cosine
// 0.985: asserted >= 0.95.
double min_recall(Dtype dtype) { return dtype == Dtype::int8 ? 0.95 : 0.99; }

class KnnLowpSearchTest : public ::testing::TestWithParam<Dtype> {};

TEST_P(KnnLowpSearchTest, RecallAtTenOnRandomData) {
  const Searcher searcher(GetParam());
  if (!searcher.chosen) GTEST_SKIP() << searcher.why;
  const std::int64_t d = 128, k = 10;
  const std::vector<float> base = uniform_vectors(3000 * d, 21), query = uniform_vectors(40 * d, 22);
  for (Metric metric : {Metric::l2, Metric::ip, Metric::cosine}) {
    SCOPED_TRACE(std::string(kernels::metric_name(metric)));
    const KnnArgs a = args_for(metric, base, query, d, k);
    const KnnResult want = kernels::knn_search_reference(a);
    const kernels::LowpProblem problem = kernels::prepare_lowp(a, GetParam());
    const KnnResult got = kernels::knn_search_lowp(problem, k, 1, *searcher.chosen);
    const double recall = kernels::knn_recall(got, want.ids, k, k);
    RecordProperty(std::string("recall_") + std::string(kernels::metric_name(metric)), std::to_string(recall));
    EXPECT_GE(recall, min_recall(GetParam()));
    EXPECT_LT(recall, 1.0 + 1e-12);
    // Distances are in the original units: close to the exact ones.
    for (std::size_t i = 0; i < got.distances.size(); ++i) {
      EXPECT_NEAR(got.distances[i], want.distances[i], 0.05 * (1 + std::abs(want.distances[i])));
    }
    // Threads over database slices merge to the same lists.
    const KnnResult threaded = kernels::knn_search_lowp(problem, k, 3, *searcher.chosen);
    EXPECT_EQ(threaded.ids, got.ids);
    EXPECT_EQ(threaded.distances, got.distances);
  }
}

TEST_P(KnnLowpSearchTest, ExactWhenTheValuesConvertExactly) {
  // Integers in [-127, 127] with 127 present: every type holds them exactly (int8 at scale 1), so the
  // search must equal the exact one, ids and tie order included; nb < k leaves empty slots.
  const Searcher searcher(GetParam());
  if (!searcher.chosen) GTEST_SKIP() << searcher.why;
  std::mt19937 rng(5);
  std::uniform_int_distribution<int> small(-3, 3);
  for (std::int64_t d : {1, 17, 100}) {
    for (std::int64_t nb : {3, 61}) {
      std::vector<float> base(static_cast<std::size_t>(nb * d)), query(static_cast<std::size_t>(4 * d));
      for (float& x : base) x = float(small(rng));
      for (float& x : query) x = float(small(rng));
      base[0] = 127.0f;  // fixes the int8 scale at 1
      for (Metric metric : {Metric::l2, Metric::ip}) {
        const KnnArgs a = args_for(metric, base, query, d, 5);
        const KnnResult want = kernels::knn_search_reference(a);
        const KnnResult got =
            kernels::knn_search_lowp(kernels::prepare_lowp(a, GetParam()), 5, 2, *searcher.chosen);
        ASSERT_EQ(got.ids, want.ids) << "d=" << d << " nb=" << nb;
        ASSERT_EQ(got.distances, want.distances) << "d=" << d << " nb=" << nb;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Types, KnnLowpSearchTest, ::testing::Values(Dtype::f16, Dtype::bf16, Dtype::int8),
                         [](const auto& info) { return std::string(kernels::dtype_name(info.param)); });

// The search rows of family knn_search with a low-precision dtype: each on its ISA's kernels.
std::vector<const KernelVariant*> lowp_search_variants() {
  std::vector<const KernelVariant*> out;
  for (const KernelVariant* v : KernelRegistry::instance().variants("knn_search")) {
    if (v->dtype != "f32") out.push_back(v);
  }
  return out;
}

class KnnLowpSearchRowTest : public VariantTest {};

TEST_P(KnnLowpSearchRowTest, SearchesOnItsIsasKernelsWithTheTypesRecall) {
  const Dtype dtype = kernels::parse_dtype(variant().dtype).value();
  const kernels::LowpKernels chosen = kernels::lowp_kernels(dtype, variant().isa);
  EXPECT_EQ(chosen.l2->isa, variant().isa);
  EXPECT_EQ(chosen.ip->isa, variant().isa);
  const std::int64_t d = 100, k = 10;
  const std::vector<float> base = uniform_vectors(1500 * d, 31), query = uniform_vectors(20 * d, 32);
  const KnnArgs a = args_for(Metric::l2, base, query, d, k);
  const KnnResult got = variant().as<kernels::KnnSearchLowpFn>()(kernels::prepare_lowp(a, dtype), k, 2, chosen);
  EXPECT_GE(kernels::knn_recall(got, kernels::knn_search_reference(a).ids, k, k), min_recall(dtype));
}

INSTANTIATE_TEST_SUITE_P(Registry, KnnLowpSearchRowTest, ::testing::ValuesIn(lowp_search_variants()),
                         variant_test_name);

TEST(KnnLowpSearch, RejectsBadArguments) {
  const std::vector<float> base = uniform_vectors(40, 1);
  std::vector<float> query = uniform_vectors(8, 2);
  query[3] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_THROW(kernels::prepare_lowp(args_for(Metric::l2, base, query, 4, 3), Dtype::f16), std::invalid_argument);
  query[3] = 0;
  const kernels::LowpProblem p = kernels::prepare_lowp(args_for(Metric::l2, base, query, 4, 3), Dtype::f16);
  const kernels::LowpKernels k16 = kernels::lowp_kernels(Dtype::f16);
  EXPECT_THROW(kernels::knn_search_lowp(p, 0, 1, k16), std::invalid_argument);
  const kernels::LowpKernels k8 = kernels::lowp_kernels(Dtype::int8);
  EXPECT_THROW(kernels::knn_search_lowp(p, 3, 1, k8), std::invalid_argument);  // f16 data, int8 kernels
}

}  // namespace
}  // namespace armperf
