// Pieces the AVX-512 low-precision distance files share (included only by *_avx512*.cpp, which are
// built with the AVX-512 flags).
#pragma once

#include <immintrin.h>

#include "kernels/knn/distance_lowp_impl.hpp"

namespace armperf::kernels::avx512_lowp {

// By halves, with zero-masking extracts (the plain ones start from an undefined vector, which trips
// GCC 12's -Wmaybe-uninitialized; see distance_avx512.cpp).
inline float hsum(__m512 a) {
  const __m256 h =
      _mm256_add_ps(_mm512_maskz_extractf32x8_ps(0xFF, a, 0), _mm512_maskz_extractf32x8_ps(0xFF, a, 1));
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  return _mm_cvtss_f32(_mm_add_ss(s, _mm_movehdup_ps(s)));
}

inline std::int32_t hsum(__m512i a) {
  const __m256i h = _mm256_add_epi32(_mm512_maskz_extracti32x8_epi32(0xFF, a, 0),
                                     _mm512_maskz_extracti32x8_epi32(0xFF, a, 1));
  __m128i s = _mm_add_epi32(_mm256_castsi256_si128(h), _mm256_extracti128_si256(h, 1));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4E));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xB1));
  return _mm_cvtsi128_si32(s);
}

// int8 as 32 int16 lanes (vpmovsxbw); Dot::dot(acc, a, b) adds the pairwise int16 products into the
// int32 lanes (vpmaddwd + vpaddd, or VNNI's vpdpwssd in one instruction).
template <class Dot>
struct Int8Widened {
  static constexpr Dtype dtype = Dtype::int8;
  static constexpr std::int64_t W = 32;
  using Acc = __m512i;
  static Acc zero() { return _mm512_setzero_si512(); }
  static Acc add(Acc a, Acc b) { return _mm512_add_epi32(a, b); }
  static __m512i load(const std::int8_t* p) {
    return _mm512_cvtepi8_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
  }
  template <Metric M>
  static Acc step(Acc acc, const std::int8_t* q, const std::int8_t* b) {
    const __m512i x = load(q), y = load(b);
    if constexpr (M == Metric::l2) {
      const __m512i diff = _mm512_sub_epi16(y, x);  // |diff| <= 254 (int8 data never holds -128)
      return Dot::dot(acc, diff, diff);
    } else {
      return Dot::dot(acc, x, y);
    }
  }
  template <Metric>
  static std::int32_t reduce(Acc a) { return hsum(a); }
  template <Metric>
  static std::int32_t bias(const std::int8_t*, std::int64_t) { return 0; }
};

}  // namespace armperf::kernels::avx512_lowp
