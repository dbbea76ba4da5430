// AVX2 low-precision distances: f16 widened by F16C (vcvtph2ps, which AVX2 does not imply: the rows
// need the f16c flag), bf16 widened by a 16-bit shift, int8 widened to int16 and multiplied pairwise
// into int32 (vpmaddwd); f32 FMA / int32 adds accumulate.
#if !defined(__AVX2__) || !defined(__F16C__)
#error "distance_lowp_avx2.cpp needs AVX2 and F16C: add it with armperf_add_kernel_family()"
#endif
#include <immintrin.h>

#include "kernels/knn/distance_lowp_impl.hpp"
#include "kernels/registry.hpp"

namespace armperf::kernels {
namespace {

float hsum(__m256 a) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  return _mm_cvtss_f32(_mm_add_ss(s, _mm_movehdup_ps(s)));
}

// The f32 arithmetic on 8 widened lanes; Widen says how the 8 stored elements become floats.
template <Dtype D, class Widen>
struct Float8 {
  static constexpr Dtype dtype = D;
  static constexpr std::int64_t W = 8;
  using Acc = __m256;
  static Acc zero() { return _mm256_setzero_ps(); }
  static Acc add(Acc a, Acc b) { return _mm256_add_ps(a, b); }
  template <Metric M>
  static Acc step(Acc acc, const Half* q, const Half* b) {
    const __m256 x = Widen::load(q), y = Widen::load(b);
    if constexpr (M == Metric::l2) {
      const __m256 diff = _mm256_sub_ps(y, x);
      return _mm256_fmadd_ps(diff, diff, acc);
    } else {
      return _mm256_fmadd_ps(x, y, acc);
    }
  }
  template <Metric>
  static float reduce(Acc a) { return hsum(a); }
  template <Metric>
  static float bias(const Half*, std::int64_t) { return 0.0f; }
};

struct F16c {
  static __m256 load(const Half* p) { return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))); }
};
struct Bf16Shift {
  static __m256 load(const Half* p) {
    const __m256i wide = _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
    return _mm256_castsi256_ps(_mm256_slli_epi32(wide, 16));
  }
};

struct Int8 {
  static constexpr Dtype dtype = Dtype::int8;
  static constexpr std::int64_t W = 16;
  using Acc = __m256i;
  static Acc zero() { return _mm256_setzero_si256(); }
  static Acc add(Acc a, Acc b) { return _mm256_add_epi32(a, b); }
  static __m256i load(const std::int8_t* p) {
    return _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
  }
  // |q - b| <= 254 fits int16; vpmaddwd's pair sums (<= 2 * 254^2) fit int32.
  template <Metric M>
  static Acc step(Acc acc, const std::int8_t* q, const std::int8_t* b) {
    const __m256i x = load(q), y = load(b);
    if constexpr (M == Metric::l2) {
      const __m256i diff = _mm256_sub_epi16(y, x);
      return _mm256_add_epi32(acc, _mm256_madd_epi16(diff, diff));
    } else {
      return _mm256_add_epi32(acc, _mm256_madd_epi16(x, y));
    }
  }
  template <Metric>
  static std::int32_t reduce(Acc a) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(a), _mm256_extracti128_si256(a, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4E));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xB1));
    return _mm_cvtsi128_si32(s);
  }
  template <Metric>
  static std::int32_t bias(const std::int8_t*, std::int64_t) { return 0; }
};

using F16 = Float8<Dtype::f16, F16c>;
using Bf16 = Float8<Dtype::bf16, Bf16Shift>;

}  // namespace

ARMPERF_LOWP_DISTANCES(f16, Isa::avx2, "avx2_u16", 16, "f16c", (&lowp_impl::distances<F16, Metric::l2>),
                       (&lowp_impl::distances<F16, Metric::ip>));
ARMPERF_LOWP_DISTANCES(bf16, Isa::avx2, "avx2_u16", 16, "", (&lowp_impl::distances<Bf16, Metric::l2>),
                       (&lowp_impl::distances<Bf16, Metric::ip>));
ARMPERF_LOWP_DISTANCES(int8, Isa::avx2, "avx2_u32", 32, "", (&lowp_impl::distances<Int8, Metric::l2>),
                       (&lowp_impl::distances<Int8, Metric::ip>));
ARMPERF_REGISTER_KERNEL(lowp_search_variant(Dtype::f16, Isa::avx2, "f16c"));
ARMPERF_REGISTER_KERNEL(lowp_search_variant(Dtype::bf16, Isa::avx2));
ARMPERF_REGISTER_KERNEL(lowp_search_variant(Dtype::int8, Isa::avx2));

}  // namespace armperf::kernels
