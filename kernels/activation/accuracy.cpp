#include "kernels/activation/accuracy.hpp"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cfloat>
#include <cmath>
#include <limits>
#include <random>
#include <sstream>
#include <thread>

namespace armperf::kernels {
namespace {

constexpr std::uint64_t kChunk = 4096;
constexpr double kBinsPerUlp = 64;       // histogram resolution for the percentile
constexpr std::size_t kBins = 64 * 64;   // up to 64 ulp; beyond that the overflow bin
constexpr double kGeluSplit = -3.0;      // gelu: ULP bound at and above, absolute bound below

double spacing(float f) {
  const float a = std::fabs(f);
  if (a < FLT_MIN) return std::ldexp(1.0, -149);
  if (std::isinf(a)) return std::ldexp(1.0, 104);  // the spacing just below FLT_MAX's binade top
  return std::ldexp(1.0, std::ilogb(a) - 23);
}

struct Stats {
  std::uint64_t inputs = 0;
  double max_ulp = 0;
  float argmax = 0;
  std::vector<std::uint64_t> hist = std::vector<std::uint64_t>(kBins + 1);
  std::uint64_t mismatches = 0;
  double max_abs_below = 0;
  float argmax_abs_below = 0;
  double max_rel = 0;
  double max_sum_error = 0;

  void add_ulp(float x, double ulp) {
    ++inputs;
    if (!(ulp <= max_ulp)) {  // also takes NaN/inf errors
      max_ulp = std::isnan(ulp) ? std::numeric_limits<double>::infinity() : ulp;
      argmax = x;
    }
    const double bin = std::floor(ulp * kBinsPerUlp);
    ++hist[bin < static_cast<double>(kBins) ? static_cast<std::size_t>(bin) : kBins];
  }
  void merge(const Stats& o) {
    inputs += o.inputs;
    if (o.max_ulp > max_ulp) max_ulp = o.max_ulp, argmax = o.argmax;
    for (std::size_t b = 0; b <= kBins; ++b) hist[b] += o.hist[b];
    mismatches += o.mismatches;
    if (o.max_abs_below > max_abs_below) max_abs_below = o.max_abs_below, argmax_abs_below = o.argmax_abs_below;
    if (o.max_rel > max_rel) max_rel = o.max_rel, argmax = o.argmax;
    max_sum_error = std::max(max_sum_error, o.max_sum_error);
  }
  double percentile(double q) const {
    std::uint64_t total = 0;
    for (auto h : hist) total += h;
    const auto target = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(total)));
    std::uint64_t seen = 0;
    for (std::size_t b = 0; b < kBins; ++b) {
      seen += hist[b];
      if (seen >= target && seen > 0) return std::min(max_ulp, (static_cast<double>(b) + 1) / kBinsPerUlp);
    }
    return max_ulp;
  }
};

bool same_result(float y, double r) {
  const float rf = static_cast<float>(r);
  if (std::isnan(rf)) return std::isnan(y);
  return std::bit_cast<std::uint32_t>(y) == std::bit_cast<std::uint32_t>(rf);
}

// Scores one output of an element-wise op against its reference.
// Outside a peer's checked domain: non-finite or too large inputs, tiny results, and outputs
// within the peer's absolute tolerance.
bool peer_skips(const ActivationOp& op, float x, float y, double r) {
  if (op.full_domain) return false;
  return !(std::fabs(x) <= op.max_abs_x) || !(std::fabs(r) >= kPeerTinyResult) ||
         std::fabs(static_cast<double>(y) - r) <= op.abs_tol;
}

void score(const ActivationOp& op, float x, float y, double r, Stats& s) {
  if (peer_skips(op, x, y, r)) return;
  if (op.accuracy == AccuracyKind::exact && !same_result(y, r)) ++s.mismatches;
  if (op.accuracy == AccuracyKind::gelu && x < kGeluSplit) {
    const double err = std::isnan(r) ? (std::isnan(y) ? 0.0 : INFINITY) : std::fabs(static_cast<double>(y) - r);
    if (!(err <= s.max_abs_below)) s.max_abs_below = std::isnan(err) ? INFINITY : err, s.argmax_abs_below = x;
    return;
  }
  s.add_ulp(x, ulp_error(y, r));
}

// The i-th input of a sweep: every pattern when exhaustive, else one pattern per stride with a
// hashed offset inside the stride, so samples do not alias with the exponent/mantissa boundary.
float sweep_input(std::uint64_t i, std::uint64_t stride) {
  const std::uint64_t offset = stride == 1 ? 0 : (i * 0x9E3779B97F4A7C15ull >> 32) % stride;
  return std::bit_cast<float>(static_cast<std::uint32_t>(i * stride + offset));
}

void evaluate_chunk(const ActivationOp& op, const std::vector<const KernelVariant*>& variants,
                    const std::vector<ActivationOp>& contracts, const std::vector<float>& x,
                    const ActivationParams& base, std::vector<Stats>& stats) {
  const std::size_t n = x.size();
  const bool crelu = op.shape == ActivationShape::crelu;
  std::vector<float> alpha;
  ActivationParams params = base;
  std::vector<double> ref(crelu ? 2 * n : n);
  if (op.shape == ActivationShape::prelu) {
    // One slope per channel, including 0, negative and > 1 slopes.
    static constexpr float kSlopes[] = {0.25f, 0.0f, -0.5f, 1.5f, 0.01f, 3.0f};
    alpha.resize(n);
    for (std::size_t c = 0; c < n; ++c) alpha[c] = kSlopes[c % std::size(kSlopes)];
    params.prelu_alpha = alpha.data();
    for (std::size_t i = 0; i < n; ++i) {
      ActivationParams leaky = base;
      leaky.leaky_alpha = alpha[i];
      ref[i] = reference_activation("leaky_relu", x[i], leaky);
    }
  } else {
    for (std::size_t i = 0; i < n; ++i) ref[i] = reference_activation(op.name, x[i], params);
    if (crelu) {
      for (std::size_t i = 0; i < n; ++i) ref[n + i] = reference_activation("relu", -static_cast<double>(x[i]), params);
    }
  }
  std::vector<float> y(ref.size());
  for (std::size_t v = 0; v < variants.size(); ++v) {
    variants[v]->as<ActivationFn>()(x.data(), y.data(), 1, n, params);
    for (std::size_t i = 0; i < y.size(); ++i) score(contracts[v], x[i % n], y[i], ref[i], stats[v]);
  }
}

// Softmax: rows of many lengths and spreads (a spread of 200 underflows most of a row).
constexpr std::size_t kSoftmaxCols[] = {1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 127, 128, 129, 255, 256, 1000};
constexpr float kSoftmaxSpread[] = {0.1f, 1.0f, 10.0f, 30.0f, 88.0f, 200.0f};

void evaluate_softmax_rows(const std::vector<const KernelVariant*>& variants, const std::vector<ActivationOp>& contracts,
                           std::uint64_t rows, std::uint64_t seed, std::vector<Stats>& stats) {
  std::mt19937_64 rng(seed);
  for (std::uint64_t r = 0; r < rows; ++r) {
    const std::size_t cols = kSoftmaxCols[r % std::size(kSoftmaxCols)];
    const float spread = kSoftmaxSpread[(r / std::size(kSoftmaxCols)) % std::size(kSoftmaxSpread)];
    std::uniform_real_distribution<float> dist(-spread, spread);
    std::vector<float> x(cols), y(cols);
    for (auto& v : x) v = dist(rng);
    for (std::size_t v = 0; v < variants.size(); ++v) {
      variants[v]->as<ActivationFn>()(x.data(), y.data(), 1, cols, ActivationParams{});
      const SoftmaxError err = softmax_row_error(x.data(), y.data(), cols, contracts[v]);
      if (!(err.max_rel <= stats[v].max_rel)) stats[v].max_rel = err.max_rel, stats[v].argmax = x[err.argmax];
      stats[v].max_sum_error = std::max(stats[v].max_sum_error, err.sum_error);
      stats[v].inputs += cols;
    }
  }
}

std::string bound_text(const ActivationOp& op) {
  std::ostringstream out;
  switch (op.accuracy) {
    case AccuracyKind::exact: out << "exact"; break;
    case AccuracyKind::ulp: out << "<= " << op.max_ulp << " ulp"; break;
    case AccuracyKind::gelu: out << "<= " << op.max_ulp << " ulp (x >= -3), abs <= " << op.abs_below << " below"; break;
    case AccuracyKind::softmax: out << "rel <= " << op.max_rel / FLT_EPSILON << " eps, |sum - 1| <= n eps"; break;
  }
  if (!op.full_domain) {
    out << ", peer domain: finite x, |y| >= 1e-37";
    if (op.abs_tol > 0) out << ", or abs <= " << op.abs_tol;
    if (op.max_abs_x < FLT_MAX) out << ", |x| <= " << op.max_abs_x;
  }
  return out.str();
}

AccuracyReport make_report(const ActivationOp& op, const KernelVariant& v, const Stats& s) {
  AccuracyReport r{.variant = v.name, .op = std::string(op.name), .bound = bound_text(op), .inputs = s.inputs,
                   .max_ulp = s.max_ulp, .argmax = s.argmax, .p9999_ulp = s.percentile(0.9999),
                   .mismatches = s.mismatches, .max_abs_below = s.max_abs_below,
                   .argmax_abs_below = s.argmax_abs_below, .max_rel = s.max_rel, .max_sum_error = s.max_sum_error};
  r.bound_ulp = op.accuracy == AccuracyKind::exact     ? 0.0
                : op.accuracy == AccuracyKind::softmax ? std::numeric_limits<double>::quiet_NaN()
                                                       : op.max_ulp;
  r.bound_abs_below = op.accuracy == AccuracyKind::gelu ? op.abs_below : 0.0;
  r.bound_rel = op.accuracy == AccuracyKind::softmax ? op.max_rel : 0.0;
  switch (op.accuracy) {
    case AccuracyKind::exact: r.pass = s.mismatches == 0; break;
    case AccuracyKind::ulp: r.pass = s.max_ulp <= op.max_ulp; break;
    case AccuracyKind::gelu: r.pass = s.max_ulp <= op.max_ulp && s.max_abs_below <= op.abs_below; break;
    case AccuracyKind::softmax: r.pass = s.max_rel <= op.max_rel && s.max_sum_error <= 1.0; break;
  }
  return r;
}

}  // namespace

double ulp_error(float y, double reference) {
  if (std::isnan(reference)) return std::isnan(y) ? 0.0 : INFINITY;
  if (std::isnan(y)) return INFINITY;
  const float rf = static_cast<float>(reference);
  if (std::isinf(y)) return y == rf ? 0.0 : INFINITY;  // rf = inf: the correctly rounded result
  return std::fabs(static_cast<double>(y) - reference) / spacing(rf);
}

bool meets_contract(const ActivationOp& op, float x, float y, double reference) {
  if (peer_skips(op, x, y, reference)) return true;
  switch (op.accuracy) {
    case AccuracyKind::exact: return same_result(y, reference);
    case AccuracyKind::ulp: return ulp_error(y, reference) <= op.max_ulp;
    case AccuracyKind::gelu:
      if (x >= kGeluSplit || std::isnan(x)) return ulp_error(y, reference) <= op.max_ulp;
      return std::fabs(static_cast<double>(y) - reference) <= op.abs_below;
    case AccuracyKind::softmax: break;
  }
  return false;
}

SoftmaxError softmax_row_error(const float* x, const float* y, std::size_t cols, const ActivationOp& contract) {
  std::vector<double> ref(cols);
  reference_softmax(x, ref.data(), cols);
  SoftmaxError err;
  double sum = 0;
  for (std::size_t i = 0; i < cols; ++i) {
    const double rel = std::fabs(y[i] - ref[i]) / std::max(ref[i], static_cast<double>(FLT_MIN));
    sum += y[i];
    if (peer_skips(contract, x[i], y[i], ref[i])) continue;
    if (!(rel <= err.max_rel)) err.max_rel = std::isnan(rel) ? INFINITY : rel, err.argmax = i;
  }
  err.sum_error = std::fabs(sum - 1.0) / (static_cast<double>(cols) * FLT_EPSILON);
  if (std::isnan(err.sum_error)) err.sum_error = INFINITY;
  return err;
}

std::vector<float> special_inputs() {
  constexpr float inf = std::numeric_limits<float>::infinity();
  std::vector<float> v = {0.0f, -0.0f, inf, -inf, std::numeric_limits<float>::quiet_NaN(),
                          -std::numeric_limits<float>::quiet_NaN(), std::bit_cast<float>(0x7fa00001u),
                          std::numeric_limits<float>::denorm_min(), -std::numeric_limits<float>::denorm_min(),
                          std::bit_cast<float>(0x007fffffu), std::bit_cast<float>(0x807fffffu), FLT_MIN, -FLT_MIN,
                          FLT_MAX, -FLT_MAX, FLT_EPSILON, -FLT_EPSILON, 1.0f, -1.0f, 1.25643f, 1.2564301f,
                          -3.0f, -3.0000002f, -2.9999998f};
  // Where exp over- and underflows, and where tanh/sigmoid saturate.
  for (float e : {88.0f, 88.72283f, 88.72284f, 89.0f, 87.33654f, 87.33655f, 103.97208f, 104.0f, 9.0f, 9.010913f,
                  16.0f, 17.0f, 20.0f, 128.0f, 4294967296.0f, 1e19f, 1e30f}) {
    v.push_back(e);
    v.push_back(-e);
  }
  return v;
}

std::vector<AccuracyReport> evaluate_accuracy(const ActivationOp& op, const std::vector<const KernelVariant*>& variants,
                                              const SweepOptions& options) {
  const unsigned threads = std::max(1u, options.threads);
  std::vector<ActivationOp> contracts;
  for (const auto* v : variants) contracts.push_back(contract_for(op.name, v->impl));
  std::vector<std::vector<Stats>> per_thread(threads, std::vector<Stats>(variants.size()));
  if (op.shape == ActivationShape::softmax) {
    // The sample budget counts elements (rows average about 110); at least every (cols, spread) pair once.
    const std::uint64_t rows = std::max<std::uint64_t>(std::size(kSoftmaxCols) * std::size(kSoftmaxSpread), options.samples / 110);
    std::vector<std::thread> team;
    for (unsigned t = 0; t < threads; ++t) {
      team.emplace_back([&, t] { evaluate_softmax_rows(variants, contracts, rows / threads + 1, 1234 + t, per_thread[t]); });
    }
    for (auto& th : team) th.join();
  } else {
    const std::uint64_t total = options.exhaustive ? (std::uint64_t{1} << 32) : std::min<std::uint64_t>(options.samples, std::uint64_t{1} << 32);
    const std::uint64_t stride = (std::uint64_t{1} << 32) / std::max<std::uint64_t>(1, total);
    const std::uint64_t chunks = (total + kChunk - 1) / kChunk;
    std::atomic<std::uint64_t> next{0};
    auto work = [&](unsigned t) {
      if (t == 0) {
        std::vector<float> fixed = special_inputs();
        fixed.insert(fixed.end(), options.extra_inputs.begin(), options.extra_inputs.end());
        evaluate_chunk(op, variants, contracts, fixed, options.params, per_thread[0]);
      }
      std::vector<float> x;
      for (std::uint64_t c = next++; c < chunks; c = next++) {
        x.clear();
        for (std::uint64_t i = c * kChunk; i < std::min(total, (c + 1) * kChunk); ++i) x.push_back(sweep_input(i, stride));
        evaluate_chunk(op, variants, contracts, x, options.params, per_thread[t]);
      }
    };
    std::vector<std::thread> team;
    for (unsigned t = 0; t < threads; ++t) team.emplace_back(work, t);
    for (auto& th : team) th.join();
  }
  std::vector<AccuracyReport> reports;
  for (std::size_t v = 0; v < variants.size(); ++v) {
    Stats s;
    for (unsigned t = 0; t < threads; ++t) s.merge(per_thread[t][v]);
    reports.push_back(make_report(contracts[v], *variants[v], s));
  }
  return reports;
}

}  // namespace armperf::kernels
