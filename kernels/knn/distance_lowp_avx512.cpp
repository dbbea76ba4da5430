// AVX-512 low-precision distances on the F/BW subset: f16 widened by vcvtph2ps (AVX-512F), bf16 by a
// 16-bit shift, int8 widened to int16 and multiplied pairwise into int32 (vpmaddwd). The dot-product
// instructions of AVX512_BF16 and AVX512_VNNI are in distance_lowp_avx512_bf16.cpp / _vnni.cpp.
#if !defined(__AVX512F__) || !defined(__AVX512BW__)
#error "distance_lowp_avx512.cpp needs AVX-512F/BW: add it with armperf_add_kernel_family()"
#endif
#include <immintrin.h>

#include "kernels/knn/distance_lowp_avx512.hpp"
#include "kernels/registry.hpp"

namespace armperf::kernels {
namespace {

template <Dtype D, class Widen>
struct Float16Lanes {
  static constexpr Dtype dtype = D;
  static constexpr std::int64_t W = 16;
  using Acc = __m512;
  static Acc zero() { return _mm512_setzero_ps(); }
  static Acc add(Acc a, Acc b) { return _mm512_add_ps(a, b); }
  template <Metric M>
  static Acc step(Acc acc, const Half* q, const Half* b) {
    const __m512 x = Widen::load(q), y = Widen::load(b);
    if constexpr (M == Metric::l2) {
      const __m512 diff = _mm512_sub_ps(y, x);
      return _mm512_fmadd_ps(diff, diff, acc);
    } else {
      return _mm512_fmadd_ps(x, y, acc);
    }
  }
  template <Metric>
  static float reduce(Acc a) { return avx512_lowp::hsum(a); }
  template <Metric>
  static float bias(const Half*, std::int64_t) { return 0.0f; }
};

struct Cvtph {
  static __m512 load(const Half* p) {
    return _mm512_maskz_cvtph_ps(0xFFFF, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
  }
};
struct Bf16Shift {
  static __m512 load(const Half* p) {
    // Zero-masking forms: the plain ones start from an undefined vector (GCC 12 -Wmaybe-uninitialized).
    const __m512i wide =
        _mm512_maskz_cvtepu16_epi32(0xFFFF, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
    return _mm512_castsi512_ps(_mm512_maskz_slli_epi32(0xFFFF, wide, 16));
  }
};

// |q - b| <= 254 fits int16; vpmaddwd's pair sums (<= 2 * 254^2) fit int32.
struct Madd {
  static __m512i dot(__m512i acc, __m512i a, __m512i b) { return _mm512_add_epi32(acc, _mm512_madd_epi16(a, b)); }
};

using F16 = Float16Lanes<Dtype::f16, Cvtph>;
using Bf16 = Float16Lanes<Dtype::bf16, Bf16Shift>;
using Int8 = avx512_lowp::Int8Widened<Madd>;

}  // namespace

ARMPERF_LOWP_DISTANCES(f16, Isa::avx512, "avx512_u32", 32, "", (&lowp_impl::distances<F16, Metric::l2>),
                       (&lowp_impl::distances<F16, Metric::ip>));
ARMPERF_LOWP_DISTANCES(bf16, Isa::avx512, "avx512_u32", 32, "", (&lowp_impl::distances<Bf16, Metric::l2>),
                       (&lowp_impl::distances<Bf16, Metric::ip>));
ARMPERF_LOWP_DISTANCES(int8, Isa::avx512, "avx512_u64", 64, "", (&lowp_impl::distances<Int8, Metric::l2>),
                       (&lowp_impl::distances<Int8, Metric::ip>));
// Searches on the type's best AVX-512 kernels (the BF16 / VNNI ones where cpuid has them).
ARMPERF_REGISTER_KERNEL(lowp_search_variant(Dtype::f16, Isa::avx512));
ARMPERF_REGISTER_KERNEL(lowp_search_variant(Dtype::bf16, Isa::avx512));
ARMPERF_REGISTER_KERNEL(lowp_search_variant(Dtype::int8, Isa::avx512));

}  // namespace armperf::kernels
