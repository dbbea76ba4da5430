// Low-precision k-NN (issue 9): the database and the queries stored as f16, bf16 or int8, distance
// kernels of one query against a block of database vectors in that type (distance_lowp_<isa>.cpp),
// the conversion of f32 vectors into each type, and a direct-path search on those kernels.
//
// Accumulation is f32 for f16/bf16 and int32 for int8, so the only error beside f32 rounding is the
// conversion's.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/buffer.hpp"
#include "kernels/knn/knn.hpp"
#include "kernels/registry.hpp"

namespace armperf::kernels {

enum class Dtype { f32, f16, bf16, int8 };
std::string_view dtype_name(Dtype dtype);
std::optional<Dtype> parse_dtype(std::string_view name);
// Bytes per stored component.
std::int64_t dtype_bytes(Dtype dtype);

// f16 and bf16 components travel as their 16-bit patterns.
using Half = std::uint16_t;
// out[i] = ||query - base_i||^2 or <query, base_i> (f32 accumulation) over f16 or bf16 vectors.
using DistanceHalfFn = void (*)(const Half* query, const Half* base, std::int64_t nb, std::int64_t d, float* out);
// The same over int8 vectors, exact in int32 (|components| <= 127: d up to 33000 cannot overflow).
using DistanceI8Fn = void (*)(const std::int8_t* query, const std::int8_t* base, std::int64_t nb, std::int64_t d,
                              std::int32_t* out);

// ----- Conversions (portable bit manipulation, used by every ISA's scalar tails and the search)

// IEEE binary16 to f32: exact (every half is a float).
inline float f16_to_f32(Half h) {
  const std::uint32_t sign = std::uint32_t(h & 0x8000u) << 16;
  const std::uint32_t exp = (h >> 10) & 0x1Fu, man = h & 0x3FFu;
  if (exp == 0x1F) return std::bit_cast<float>(sign | 0x7F800000u | (man << 13));  // inf / NaN
  if (exp != 0) return std::bit_cast<float>(sign | ((exp + 112u) << 23) | (man << 13));
  // Subnormal half: man * 2^-24, exact in f32.
  const float magnitude = float(man) * 0x1p-24f;
  return sign != 0 ? -magnitude : magnitude;
}

// bf16 is the upper half of an f32.
inline float bf16_to_f32(Half h) { return std::bit_cast<float>(std::uint32_t(h) << 16); }

// f32 to f16, round to nearest with ties to even (IEEE's default, what F16C's _MM_FROUND_TO_NEAREST_INT
// and FCVT do). Magnitudes that would round past the largest finite half (65504) saturate to it: a
// search needs finite distances. NaN stays NaN.
Half f32_to_f16(float x);
// f32 to bf16, round to nearest with ties to even; as above, a finite value never becomes infinite.
Half f32_to_bf16(float x);

// int8: one symmetric scale per data set, scale = max |x| over the database / 127, q = round(x /
// scale) to nearest (ties to even), clamped to [-127, 127] (queries may reach past the database's
// range). -128 is never used, so |a - b| <= 254 fits in uint8 (the dot-product kernels rely on it).
// A database of zeros gets scale 1.
float int8_scale(const float* x, std::int64_t count);
std::int8_t f32_to_int8(float x, float scale);

// A vector set in one type: exactly one of the storages is filled.
struct LowpVectors {
  Dtype dtype = Dtype::f16;
  std::int64_t n = 0, d = 0;
  std::vector<Half, CacheLineAllocator<Half>> half;              // f16, bf16
  std::vector<std::int8_t, CacheLineAllocator<std::int8_t>> i8;  // int8
  float scale = 1.0f;             // int8: the value of one step
  // Component i as a float (the value the kernels compute with).
  float value(std::int64_t i) const;
};
LowpVectors quantise(Dtype dtype, const float* x, std::int64_t n, std::int64_t d, float scale = 1.0f);

// Double-precision distance of two converted vectors (tests, benchmark checks).
double lowp_distance_reference(Metric metric, const LowpVectors& a, std::int64_t ia, const LowpVectors& b,
                               std::int64_t ib);

// ----- Registry rows and the search

// A row of family "knn" for a low-precision kernel: op l2sq_distance / ip_distance, dtype, the feature
// it needs beyond its ISA (core/isa's flag name, "" none); bytes per element = the stored type's.
KernelVariant lowp_distance_variant(std::string name, Dtype dtype, Metric metric, Isa isa, unsigned tile,
                                    std::string feature, KernelFn fn);

// The kernels a low-precision search runs: the runnable rows of dtype (of `isa` only, when given) with
// the highest ISA rank, feature variants before plain ones. Throws std::runtime_error naming why when
// none runs here.
struct LowpKernels {
  Dtype dtype = Dtype::f16;
  const KernelVariant* l2 = nullptr;
  const KernelVariant* ip = nullptr;
};
LowpKernels lowp_kernels(Dtype dtype, std::optional<Isa> isa = std::nullopt);

// The database and queries converted for a search: cosine normalises in f32 first, then converts;
// int8 uses the database's scale for both.
struct LowpProblem {
  Metric metric = Metric::l2;
  LowpVectors base, query;
};
// Checks args as check_knn_args does (throws std::invalid_argument), then converts.
LowpProblem prepare_lowp(const KnnArgs& args, Dtype dtype);

// Exact search over the converted vectors with the direct formulation (distance kernels + top-k;
// the GEMM formulation is f32-only), threads over database slices with a merge. Distances are in the
// original units (int8: scale^2 times the integer distance).
KnnResult knn_search_lowp(const LowpProblem& problem, std::int64_t k, int threads, const LowpKernels& kernels);
using KnnSearchLowpFn = decltype(&knn_search_lowp);

// A search row (family knn_search) of dtype on `isa`'s kernels of that type: fn is knn_search_lowp
// (KnnSearchLowpFn), which the benchmark hands lowp_kernels(dtype, isa) and data converted outside
// the timed loop. `feature`: as for the distance rows, what the ISA's kernels of the type need.
KernelVariant lowp_search_variant(Dtype dtype, Isa isa, std::string feature = "");

}  // namespace armperf::kernels
