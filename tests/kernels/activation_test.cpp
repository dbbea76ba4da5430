// Generated from the registry: every activation variant (ours and the peers) against the double
// reference within the DESIGN §3 contract, on every length, alignment, in place, and the specials.
// Kept small enough for qemu (each SVE configuration runs it at ~100x slowdown): the dense sweeps
// belong to `armperf accuracy`, which uses the same engine (kernels/activation/accuracy.hpp).
#include <gtest/gtest.h>

#include <bit>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "kernels/activation/accuracy.hpp"
#include "kernels/activation/activation.hpp"
#include "kernels/registry.hpp"
#include "tests/kernels/variant_param.hpp"

namespace armperf {
namespace {

using kernels::ActivationFn;
using kernels::ActivationOp;
using kernels::ActivationParams;
using kernels::ActivationShape;


class ActivationTest : public VariantTest {
 protected:
  void SetUp() override {
    VariantTest::SetUp();
    contract_ = kernels::contract_for(variant().op, variant().impl);
  }
  // The contract of this row: the op's, or for a peer its own (kernels::contract_for).
  const ActivationOp& op() const { return contract_; }
  ActivationFn fn() const { return variant().as<ActivationFn>(); }
  std::size_t outputs(std::size_t n) const { return op().shape == ActivationShape::crelu ? 2 * n : n; }

  // Calls the variant the way a user would, with the peer's set-up when it has one.
  void run(const float* x, float* y, std::size_t rows, std::size_t cols, ActivationParams params) const {
    const auto prepared =
        variant().prepare
            ? variant().prepare(variant(), {static_cast<std::int64_t>(rows), static_cast<std::int64_t>(cols)})
            : nullptr;
    params.prepared = prepared.get();
    fn()(x, y, rows, cols, params);
  }

  // The reference of every output of an element-wise op over x (crelu: relu(x) then relu(-x);
  // prelu: with the per-channel slopes).
  std::vector<double> references(const float* x, std::size_t n, const std::vector<float>& slopes) const {
    std::vector<double> ref(outputs(n));
    for (std::size_t i = 0; i < ref.size(); ++i) {
      const float xi = x[i % n];
      if (op().shape == ActivationShape::prelu) {
        ActivationParams leaky;
        leaky.leaky_alpha = slopes[i];
        ref[i] = kernels::reference_activation("leaky_relu", xi, leaky);
      } else {
        ref[i] = kernels::reference_activation(op().shape == ActivationShape::crelu ? "relu" : op().name,
                                               i < n ? xi : -static_cast<double>(xi));
      }
    }
    return ref;
  }

  // Asserts y = op(x) for one row of n inputs (slopes: prelu's per-channel alpha); ref: the
  // references when the caller has them already.
  void expect_row(const float* x, const float* y, std::size_t n, const std::vector<float>& slopes,
                  const std::string& where, const double* ref = nullptr) const {
    if (op().shape == ActivationShape::softmax) {
      const auto err = kernels::softmax_row_error(x, y, n, op());
      EXPECT_LE(err.max_rel, op().max_rel) << where << " i=" << err.argmax << " x=" << x[err.argmax];
      EXPECT_LE(err.sum_error, 1.0) << where;
      return;
    }
    std::vector<double> computed;
    if (ref == nullptr) ref = (computed = references(x, n, slopes)).data();
    for (std::size_t i = 0; i < outputs(n); ++i) {
      const float xi = x[i % n];
      ASSERT_TRUE(kernels::meets_contract(op(), xi, y[i], ref[i]))
          << where << " i=" << i << " x=" << std::hexfloat << xi << " y=" << y[i] << " ref=" << ref[i]
          << std::defaultfloat << " (" << kernels::ulp_error(y[i], ref[i]) << " ulp)";
    }
  }

  void check_lengths_and_alignment() const;
  void check_in_place() const;
  void check_rows() const;
  void check_sweep() const;
  void check_relu_zero_and_nan() const;
  void check_parameters() const;

  // A threaded run (kernels::activation_on_team, the benchmark's timed call) writes the values one call
  // over all rows writes: bitwise, for 2 and 3 threads over 37 rows (uneven slices). crelu's slices each
  // write their own relu(x), relu(-x) block, so its outputs are compared block by block.
  void check_threaded() const {
    constexpr std::size_t rows = 37, cols = 48, n = rows * cols;
    std::vector<float> x(n), slopes(cols), one(outputs(n));
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> dist(-6.0f, 6.0f);
    for (auto& v : x) v = dist(rng);
    for (std::size_t c = 0; c < cols; ++c) slopes[c] = 0.01f * static_cast<float>(c + 1);
    ActivationParams params;
    params.prelu_alpha = slopes.data();
    run(x.data(), one.data(), rows, cols, params);
    const bool crelu = op().shape == ActivationShape::crelu;
    for (int threads : {2, 3}) {
      kernels::SlicedTeam team(threads, rows);
      std::vector<float> y(outputs(n), kSentinel);
      const std::vector<ActivationParams> per_thread(static_cast<std::size_t>(threads), params);
      kernels::activation_on_team(team, variant().as<ActivationFn>(), x.data(), y.data(), cols, crelu,
                                  per_thread);
      for (int part = 0; part < threads; ++part) {
        const Slice s = team.slice(part);
        const std::size_t begin = s.begin * cols, count = s.size() * cols;
        for (std::size_t i = 0; i < count; ++i) {
          // crelu: this slice's block at 2·begin holds relu(x) then relu(-x) of its rows.
          const std::size_t at = crelu ? 2 * begin + i : begin + i;
          ASSERT_EQ(std::bit_cast<std::uint32_t>(y[at]), std::bit_cast<std::uint32_t>(one[begin + i]))
              << threads << " threads, element " << begin + i << ": " << y[at] << " vs " << one[begin + i];
          if (crelu) {
            ASSERT_EQ(std::bit_cast<std::uint32_t>(y[at + count]),
                      std::bit_cast<std::uint32_t>(one[n + begin + i]))
                << threads << " threads, relu(-x) element " << begin + i;
          }
        }
      }
    }
  }

 private:
  ActivationOp contract_;
};

std::vector<float> random_inputs(std::size_t n, float lo, float hi, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> x(n);
  for (auto& v : x) v = dist(rng);
  return x;
}

std::vector<float> slopes_for(std::size_t n) {
  std::vector<float> a(n);
  for (std::size_t i = 0; i < n; ++i) a[i] = 0.125f * static_cast<float>(i % 7) - 0.25f;
  return a;
}

// Lengths 1 .. 2*tile+1 and 4*tile ± 1, starts misaligned by 0, 1 and 3 floats; guard cells
// catch a store outside [0, outputs).
void ActivationTest::check_lengths_and_alignment() const {
  const std::size_t tile = variant().tile;
  std::vector<std::size_t> lengths;
  for (std::size_t n = 1; n <= 2 * tile + 1; ++n) lengths.push_back(n);
  for (std::size_t n : {4 * tile - 1, 4 * tile + 1}) lengths.push_back(n);
  const auto source = random_inputs(8 * tile + 8, -10.0f, 10.0f, 7);
  // Element-wise references depend on the value only: computed once per source element (under
  // qemu the double reference is most of this test's time).
  const bool per_value = op().shape == ActivationShape::elementwise || op().shape == ActivationShape::crelu;
  const auto source_ref = per_value ? references(source.data(), source.size(), {}) : std::vector<double>{};
  for (std::size_t offset : {0, 1, 3}) {
    for (std::size_t n : lengths) {
      std::vector<float> x(source.begin(), source.begin() + static_cast<std::ptrdiff_t>(n + offset));
      std::vector<float> buf(outputs(n) + offset + 2 * kGuard, kSentinel), slopes = slopes_for(n);
      ActivationParams params;
      params.prelu_alpha = slopes.data();
      float* y = buf.data() + kGuard + offset;
      run(x.data() + offset, y, 1, n, params);
      const std::string where = "n=" + std::to_string(n) + " offset=" + std::to_string(offset);
      std::vector<double> ref;
      if (per_value) {
        const auto first = source_ref.begin() + static_cast<std::ptrdiff_t>(offset);
        ref.assign(first, first + static_cast<std::ptrdiff_t>(n));
        if (op().shape == ActivationShape::crelu) {
          const auto neg = source_ref.begin() + static_cast<std::ptrdiff_t>(source.size() + offset);
          ref.insert(ref.end(), neg, neg + static_cast<std::ptrdiff_t>(n));
        }
      }
      expect_row(x.data() + offset, y, n, slopes, where, per_value ? ref.data() : nullptr);
      for (std::size_t i = 0; i < kGuard + offset; ++i)
        ASSERT_EQ(buf[i], kSentinel) << where << ": wrote before y";
      for (std::size_t i = kGuard + offset + outputs(n); i < buf.size(); ++i) {
        ASSERT_EQ(buf[i], kSentinel) << where << ": wrote past the end";
      }
      if (::testing::Test::HasFailure()) return;
    }
  }
}

// y == x gives bit for bit what a separate output buffer gives.
void ActivationTest::check_in_place() const {
  const std::size_t n = 3 * variant().tile + 5;
  const auto x = random_inputs(n, -20.0f, 20.0f, 11);
  auto slopes = slopes_for(n);
  ActivationParams params;
  params.prelu_alpha = slopes.data();
  std::vector<float> out(outputs(n)), inplace(outputs(n));
  std::copy(x.begin(), x.end(), inplace.begin());
  run(x.data(), out.data(), 1, n, params);
  run(inplace.data(), inplace.data(), 1, n, params);
  for (std::size_t i = 0; i < out.size(); ++i) {
    ASSERT_EQ(std::bit_cast<std::uint32_t>(inplace[i]), std::bit_cast<std::uint32_t>(out[i])) << "i=" << i;
  }
}

// Several rows: prelu's slopes restart on every row, softmax normalises each row on its own.
void ActivationTest::check_rows() const {
  const std::size_t rows = 3, cols = variant().tile + 3;
  const auto x = random_inputs(rows * cols, -30.0f, 30.0f, 5);
  auto slopes = slopes_for(cols);
  ActivationParams params;
  params.prelu_alpha = slopes.data();
  std::vector<float> y(rows * cols);
  run(x.data(), y.data(), rows, cols, params);
  for (std::size_t r = 0; r < rows; ++r) {
    expect_row(x.data() + r * cols, y.data() + r * cols, cols, slopes, "row " + std::to_string(r));
  }
}

// The contract over a bit-pattern sample of all floats (the sweep adds the specials: ±0, ±inf,
// NaN, subnormals, saturation edges) and a dense grid over [-12, 12], where every op bends.
void ActivationTest::check_sweep() const {
  kernels::SweepOptions sweep;
  sweep.samples = 4096;
  for (int i = -2048; i <= 2048; ++i) sweep.extra_inputs.push_back(static_cast<float>(i) * (12.0f / 2048));
  const auto report = kernels::evaluate_accuracy(op(), {&variant()}, sweep).at(0);
  EXPECT_TRUE(report.pass) << report.variant << " " << report.bound << ": max " << report.max_ulp
                           << " ulp at " << std::hexfloat << report.argmax << std::defaultfloat << ", "
                           << report.mismatches << " not exact, abs(x<-3) " << report.max_abs_below
                           << ", softmax rel " << report.max_rel << " sum " << report.max_sum_error;
}

// The ReLU family's defined -0 and NaN behaviour, bit for bit.
void ActivationTest::check_relu_zero_and_nan() const {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  std::vector<float> x = {-0.0f, 0.0f, nan, -nan, -1.0f, 1.0f}, slopes(x.size(), 0.5f), y(2 * x.size());
  ActivationParams params;
  params.prelu_alpha = slopes.data();
  run(x.data(), y.data(), 1, x.size(), params);
  const auto bits = [](float f) { return std::bit_cast<std::uint32_t>(f); };
  if (op().name == "relu" || op().name == "crelu") {
    EXPECT_EQ(bits(y[0]), bits(0.0f)) << "relu(-0) is +0";
    EXPECT_EQ(bits(y[1]), bits(0.0f));
  } else {
    EXPECT_EQ(bits(y[0]), bits(-0.0f)) << "leaky(-0) is alpha * -0 = -0";
  }
  EXPECT_TRUE(std::isnan(y[2]) && std::isnan(y[3])) << "NaN propagates";
  if (op().name == "crelu") {
    EXPECT_EQ(bits(y[6]), bits(0.0f)) << "relu(-(-0)) = relu(+0) = +0";
    EXPECT_EQ(bits(y[7]), bits(0.0f)) << "relu(-(+0)) = relu(-0) = +0";
    EXPECT_EQ(y[10], 1.0f);
  }
}

// Non-default parameters reach the kernel: leaky alpha, elu alpha, squareplus b, delu a/b/x_c.
void ActivationTest::check_parameters() const {
  ActivationParams params;
  params.leaky_alpha = 0.2f;
  params.elu_alpha = 0.5f;
  params.squareplus_b = 1.0f;
  params.delu_a = 0.5f, params.delu_b = 4.0f, params.delu_xc = 0.5f;
  const auto x = random_inputs(257, -8.0f, 8.0f, 3);
  std::vector<float> y(x.size());
  run(x.data(), y.data(), 1, x.size(), params);
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double ref = kernels::reference_activation(op().name, x[i], params);
    ASSERT_TRUE(kernels::meets_contract(op(), x[i], y[i], ref))
        << "x=" << x[i] << " y=" << y[i] << " ref=" << ref;
  }
}

// One test case per variant, because each ctest test is a process and qemu makes processes slow
// (~0.7 s each): the sections are traced so a failure still names what broke.
TEST_P(ActivationTest, MeetsTheContract) {
  {
    SCOPED_TRACE("lengths and alignment");
    check_lengths_and_alignment();
  }
  {
    SCOPED_TRACE("in place");
    check_in_place();
  }
  if (op().shape == ActivationShape::prelu || op().shape == ActivationShape::softmax) {
    SCOPED_TRACE("rows");
    check_rows();
  }
  {
    SCOPED_TRACE("threaded");
    check_threaded();
  }
  {
    SCOPED_TRACE("accuracy sweep");
    check_sweep();
  }
  if (op().accuracy == kernels::AccuracyKind::exact) {
    SCOPED_TRACE("-0 and NaN");
    check_relu_zero_and_nan();
  }
  if (op().name == "leaky_relu" || op().name == "elu" || op().name == "squareplus" || op().name == "delu") {
    SCOPED_TRACE("parameters");
    check_parameters();
  }
}

ARMPERF_INSTANTIATE_VARIANT_TESTS(ActivationTest, "activation");

TEST(ActivationOps, SixteenOpsEachWithEveryIsaOfThisArchitecture) {
  ASSERT_EQ(kernels::activation_ops().size(), 16u);
#if defined(__aarch64__)
  const std::vector<Isa> isas = {Isa::scalar, Isa::neon, Isa::sve};
#else
  const std::vector<Isa> isas = {Isa::scalar, Isa::avx2, Isa::avx512};
#endif
  for (const auto& op : kernels::activation_ops()) {
    for (Isa isa : isas) {
      bool found = false;
      for (const auto* v : KernelRegistry::instance().variants("activation")) {
        found |= v->op == op.name && v->isa == isa && v->impl == "armperf";
      }
      EXPECT_TRUE(found) << op.name << " has no " << isa_name(isa) << " variant";
    }
  }
}

TEST(ActivationAccuracy, UlpErrorIsMeasuredAtTheSpacingOfTheRoundedReference) {
  EXPECT_EQ(kernels::ulp_error(1.0f, 1.0), 0.0);
  EXPECT_DOUBLE_EQ(kernels::ulp_error(std::nextafter(1.0f, 2.0f), 1.0), 1.0);
  EXPECT_DOUBLE_EQ(kernels::ulp_error(1.0f, 1.0 + FLT_EPSILON / 4), 0.25);
  EXPECT_DOUBLE_EQ(kernels::ulp_error(std::numeric_limits<float>::denorm_min(), 0.0), 1.0);
  EXPECT_EQ(kernels::ulp_error(std::numeric_limits<float>::quiet_NaN(), std::nan("")), 0.0);
  EXPECT_TRUE(std::isinf(kernels::ulp_error(1.0f, std::nan(""))));
  EXPECT_EQ(kernels::ulp_error(std::numeric_limits<float>::infinity(), 1e300), 0.0) << "rounds to inf";
}

TEST(ActivationReference, KnownValues) {
  EXPECT_DOUBLE_EQ(kernels::reference_activation("gelu_erf", 1.0), 0.8413447460685429);
  EXPECT_NEAR(kernels::reference_activation("gelu_tanh", 1.0), 0.8411919906082768, 1e-15);
  EXPECT_DOUBLE_EQ(kernels::reference_activation("sigmoid", 0.0), 0.5);
  EXPECT_DOUBLE_EQ(kernels::reference_activation("squareplus", 0.0), 1.0);
  EXPECT_NEAR(kernels::reference_activation("squareplus", -1e10), 1e-10, 1e-24) << "no cancellation";
  EXPECT_NEAR(kernels::reference_activation("softplus", 100.0), 100.0, 1e-12) << "no overflow";
  EXPECT_EQ(kernels::reference_activation("gelu_tanh", -INFINITY), 0.0);
  EXPECT_EQ(kernels::reference_activation("silu", -INFINITY), 0.0);
  EXPECT_THROW(kernels::reference_activation("softmax", 1.0), std::invalid_argument);
}

}  // namespace
}  // namespace armperf
