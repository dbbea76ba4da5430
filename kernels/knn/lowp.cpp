// Conversions into f16 / bf16 / int8, the registry rows of the low-precision distance kernels, and the
// direct-path search on them (built at the baseline: the O(nq nb d) work is in the ISA's kernels).
#include "kernels/knn/lowp.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <stdexcept>

#include "core/team.hpp"
#include "kernels/gemm/gemm.hpp"
#include "kernels/knn/distance_lowp_impl.hpp"
#include "kernels/knn/topk.hpp"
#include "kernels/parallel.hpp"

namespace armperf::kernels {

std::string_view dtype_name(Dtype dtype) {
  switch (dtype) {
    case Dtype::f32:
      return "f32";
    case Dtype::f16:
      return "f16";
    case Dtype::bf16:
      return "bf16";
    case Dtype::int8:
      return "int8";
  }
  return "?";
}

std::optional<Dtype> parse_dtype(std::string_view name) {
  for (Dtype t : {Dtype::f32, Dtype::f16, Dtype::bf16, Dtype::int8}) {
    if (dtype_name(t) == name) return t;
  }
  return std::nullopt;
}

std::int64_t dtype_bytes(Dtype dtype) {
  switch (dtype) {
    case Dtype::f32:
      return 4;
    case Dtype::f16:
    case Dtype::bf16:
      return 2;
    case Dtype::int8:
      return 1;
  }
  return 0;
}

Half f32_to_f16(float x) {
  const std::uint32_t bits = std::bit_cast<std::uint32_t>(x);
  const auto sign = static_cast<Half>((bits >> 16) & 0x8000u);
  const std::uint32_t abs = bits & 0x7FFFFFFFu;
  if (abs > 0x7F800000u) return static_cast<Half>(sign | 0x7E00u);  // NaN: a quiet one
  // At or past 65520 = 65504 + half a step, round-to-nearest would give infinity: saturate.
  if (abs >= 0x477FF000u) return static_cast<Half>(sign | 0x7BFFu);
  if (abs >= 0x38800000u) {  // normal half (|x| >= 2^-14)
    // Rebias the exponent (127 -> 15) and drop 13 mantissa bits with ties to even; a mantissa carry
    // moves into the exponent, which is the right result.
    const std::uint32_t rebiased = abs - 0x38000000u;
    const std::uint32_t rounded = rebiased + 0x0FFFu + ((rebiased >> 13) & 1u);
    return static_cast<Half>(sign | (rounded >> 13));
  }
  // Subnormal half (or zero): |x| / 2^-24 rounded to an integer with ties to even. The product is
  // exact in f32 and below 2^10, so nearbyint (default rounding mode: to nearest even) rounds once.
  const float steps = std::nearbyint(std::bit_cast<float>(abs) * 0x1p24f);
  return static_cast<Half>(sign | static_cast<Half>(steps));  // 1024 steps is the smallest normal: right too
}

Half f32_to_bf16(float x) {
  const std::uint32_t bits = std::bit_cast<std::uint32_t>(x);
  if ((bits & 0x7FFFFFFFu) > 0x7F800000u) return static_cast<Half>((bits >> 16) | 0x40u);  // quiet NaN
  const std::uint32_t rounded = bits + 0x7FFFu + ((bits >> 16) & 1u);
  if ((bits & 0x7F800000u) != 0x7F800000u && (rounded & 0x7F800000u) == 0x7F800000u) {
    return static_cast<Half>(((bits >> 16) & 0x8000u) | 0x7F7Fu);  // finite past the largest: saturate
  }
  return static_cast<Half>(rounded >> 16);
}

float int8_scale(const float* x, std::int64_t count) {
  float max = 0.0f;
  for (std::int64_t i = 0; i < count; ++i) max = std::max(max, std::abs(x[i]));
  return max > 0.0f ? max / 127.0f : 1.0f;
}

std::int8_t f32_to_int8(float x, float scale) {
  const float q = std::nearbyint(x / scale);
  return static_cast<std::int8_t>(std::clamp(q, -127.0f, 127.0f));
}

float LowpVectors::value(std::int64_t i) const {
  const auto at = static_cast<std::size_t>(i);
  switch (dtype) {
    case Dtype::f16:
      return f16_to_f32(half[at]);
    case Dtype::bf16:
      return bf16_to_f32(half[at]);
    case Dtype::int8:
      return float(i8[at]);
    case Dtype::f32:
      break;
  }
  throw std::logic_error("LowpVectors holds no f32");
}

LowpVectors quantise(Dtype dtype, const float* x, std::int64_t n, std::int64_t d, float scale) {
  if (dtype == Dtype::f32) throw std::invalid_argument("quantise: f32 needs no conversion");
  LowpVectors out;
  out.dtype = dtype;
  out.n = n;
  out.d = d;
  out.scale = scale;
  const auto count = static_cast<std::size_t>(n * d);
  if (dtype == Dtype::int8) {
    out.i8.resize(count);
    for (std::size_t i = 0; i < count; ++i) out.i8[i] = f32_to_int8(x[i], scale);
  } else {
    out.half.resize(count);
    const auto convert = dtype == Dtype::f16 ? f32_to_f16 : f32_to_bf16;
    for (std::size_t i = 0; i < count; ++i) out.half[i] = convert(x[i]);
  }
  return out;
}

double lowp_distance_reference(Metric metric, const LowpVectors& a, std::int64_t ia, const LowpVectors& b,
                               std::int64_t ib) {
  double sum = 0;
  for (std::int64_t j = 0; j < a.d; ++j) {
    const double x = a.value(ia * a.d + j), y = b.value(ib * b.d + j);
    sum += metric == Metric::l2 ? (x - y) * (x - y) : x * y;
  }
  return sum;
}

KernelVariant lowp_distance_variant(std::string name, Dtype dtype, Metric metric, Isa isa, unsigned tile,
                                    std::string feature, KernelFn fn) {
  return KernelVariant{.name = std::move(name),
                       .family = "knn",
                       .op = std::string(metric == Metric::l2 ? kL2Op : kIpOp),
                       .dtype = std::string(dtype_name(dtype)),
                       .isa = isa,
                       .feature = std::move(feature),
                       .tile = tile,
                       .flops_per_element = metric == Metric::l2 ? 3.0 : 2.0,
                       .bytes_per_element = double(dtype_bytes(dtype)),
                       .fn = fn};
}

LowpKernels lowp_kernels(Dtype dtype, std::optional<Isa> isa) {
  LowpKernels kernels{.dtype = dtype};
  std::string skipped;
  const auto rank = [](const KernelVariant* v) { return 2 * isa_rank(v->isa) + (v->feature.empty() ? 0 : 1); };
  for (const KernelVariant* v : KernelRegistry::instance().variants("knn")) {
    if (v->dtype != dtype_name(dtype) || v->impl != "armperf" || (isa && v->isa != *isa)) continue;
    if (!v->runnable()) {
      skipped += "; " + v->name + ": " + v->skip_reason();
      continue;
    }
    const KernelVariant*& slot = v->op == kL2Op ? kernels.l2 : kernels.ip;
    if (slot == nullptr || rank(v) > rank(slot)) slot = v;
  }
  if (kernels.l2 == nullptr || kernels.ip == nullptr) {
    std::string what = "knn: no " + std::string(dtype_name(dtype)) + " distance kernels";
    if (isa) what += " for isa " + std::string(isa_name(*isa));
    throw std::runtime_error(what + " of this build run here" + skipped);
  }
  return kernels;
}

KernelVariant lowp_search_variant(Dtype dtype, Isa isa, std::string feature) {
  return KernelVariant{.name = std::string(dtype_name(dtype)) + "_knn_search__" + std::string(isa_name(isa)),
                       .family = "knn_search",
                       .op = "knn_search",
                       .dtype = std::string(dtype_name(dtype)),
                       .isa = isa,
                       .feature = std::move(feature),
                       .fn = reinterpret_cast<KernelFn>(&knn_search_lowp)};
}

LowpProblem prepare_lowp(const KnnArgs& args, Dtype dtype) {
  check_knn_args(args);
  LowpProblem p;
  p.metric = args.metric;
  std::vector<float> base_unit, query_unit;
  const float* base = args.base;
  const float* query = args.query;
  if (args.metric == Metric::cosine) {
    base_unit = normalised_copy(args.base, args.nb, args.d);
    query_unit = normalised_copy(args.query, args.nq, args.d);
    base = base_unit.data();
    query = query_unit.data();
  }
  const float scale = dtype == Dtype::int8 ? int8_scale(base, args.nb * args.d) : 1.0f;
  p.base = quantise(dtype, base, args.nb, args.d, scale);
  p.query = quantise(dtype, query, args.nq, args.d, scale);
  return p;
}

KnnResult knn_search_lowp(const LowpProblem& p, std::int64_t k, int threads, const LowpKernels& kernels) {
  const std::int64_t nb = p.base.n, nq = p.query.n, d = p.base.d;
  if (k < 1) throw std::invalid_argument("knn: k=" + std::to_string(k) + ": expected k >= 1");
  if (threads < 1) throw std::invalid_argument("knn: threads=" + std::to_string(threads) + ": expected >= 1");
  if (p.base.dtype != kernels.dtype || p.query.dtype != kernels.dtype || p.query.d != d) {
    throw std::invalid_argument("knn: the vectors' type or dimension does not match the kernels'");
  }
  const bool l2 = p.metric == Metric::l2;
  const KernelVariant& kernel = l2 ? *kernels.l2 : *kernels.ip;
  const bool int8 = kernels.dtype == Dtype::int8;
  // Keys: L2 as is, similarities negated; int8 integers back in the original units.
  const float unit = int8 ? p.base.scale * p.base.scale : 1.0f;
  const float key_scale = l2 ? unit : -unit;
  // Database rows per block: half of L2, so the queries after the first find the block there.
  const std::int64_t block =
      std::clamp<std::int64_t>(gemm_caches().l2 / 2 / (d * dtype_bytes(kernels.dtype)) / 16 * 16, 16, 8192);

  // Each thread keeps its own lists over its slice of the database; the caller merges them.
  std::vector<std::vector<TopK>> partial(static_cast<std::size_t>(threads));
  const std::function<void(int)> slice = [&](int t) {
    auto& mine = partial[static_cast<std::size_t>(t)];
    mine.assign(static_cast<std::size_t>(nq), TopK(k));
    const std::int64_t b0 = nb * t / threads, b1 = nb * (t + 1) / threads;
    std::vector<float> dist(static_cast<std::size_t>(std::min(block, nb)));
    std::vector<std::int32_t> exact(int8 ? dist.size() : 0);
    for (std::int64_t bb = b0; bb < b1; bb += block) {
      const std::int64_t n = std::min(block, b1 - bb);
      for (std::int64_t q = 0; q < nq; ++q) {
        if (int8) {
          kernel.as<DistanceI8Fn>()(p.query.i8.data() + q * d, p.base.i8.data() + bb * d, n, d, exact.data());
          for (std::int64_t i = 0; i < n; ++i) dist[static_cast<std::size_t>(i)] = float(exact[static_cast<std::size_t>(i)]);
        } else {
          kernel.as<DistanceHalfFn>()(p.query.half.data() + q * d, p.base.half.data() + bb * d, n, d, dist.data());
        }
        mine[static_cast<std::size_t>(q)].push_block(dist.data(), nullptr, key_scale, n, bb);
      }
    }
  };
  if (threads == 1) {
    slice(0);
  } else {
    persistent_kernel_team(threads).run(slice);
  }

  KnnResult result;
  result.nq = nq;
  result.k = k;
  result.path = KnnPath::direct;
  const float empty = l2 ? std::numeric_limits<float>::infinity() : -std::numeric_limits<float>::infinity();
  result.ids.assign(static_cast<std::size_t>(nq * k), kNoNeighbour);
  result.distances.assign(static_cast<std::size_t>(nq * k), empty);
  for (std::int64_t q = 0; q < nq; ++q) {
    TopK heap(k);
    for (const auto& mine : partial) heap.merge(mine[static_cast<std::size_t>(q)]);
    const std::vector<Candidate> best = heap.sorted();
    for (std::size_t i = 0; i < best.size(); ++i) {
      const std::size_t slot = static_cast<std::size_t>(q * k) + i;
      result.ids[slot] = best[i].id;
      result.distances[slot] = l2 ? best[i].key : -best[i].key;
    }
  }
  return result;
}

bool lowp_impl::register_distances(Dtype dtype, Isa isa, std::string_view suffix, unsigned tile,
                                   std::string_view feature, KernelFn l2, KernelFn ip) {
  const std::string prefix(dtype_name(dtype));
  KernelRegistry& registry = KernelRegistry::instance();
  registry.add(lowp_distance_variant(prefix + "_l2sq_distance__" + std::string(suffix), dtype, Metric::l2,
                                     isa, tile, std::string(feature), l2));
  return registry.add(lowp_distance_variant(prefix + "_ip_distance__" + std::string(suffix), dtype,
                                            Metric::ip, isa, tile, std::string(feature), ip));
}

}  // namespace armperf::kernels
