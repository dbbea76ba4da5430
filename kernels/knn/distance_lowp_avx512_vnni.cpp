// AVX512_VNNI int8 distances: int8 widened to int16, vpdpwssd multiplies the int16 pairs and adds them
// into the int32 lanes in one instruction (vpmaddwd + vpaddd on plain AVX-512). Widening instead of
// vpdpbusd's u8 x s8 form needs no sign offset and no per-row sum correction, and |q - b| (up to 254)
// stays exact for L2. Runs only where cpuid reports avx512vnni.
#if !defined(__AVX512VNNI__)
#error "distance_lowp_avx512_vnni.cpp needs AVX512_VNNI: add it with armperf_add_kernel_family()"
#endif
#include "kernels/knn/distance_lowp_avx512.hpp"
#include "kernels/registry.hpp"

namespace armperf::kernels {
namespace {

struct Dpwssd {
  static __m512i dot(__m512i acc, __m512i a, __m512i b) { return _mm512_dpwssd_epi32(acc, a, b); }
};
using Int8 = avx512_lowp::Int8Widened<Dpwssd>;

}  // namespace

ARMPERF_LOWP_DISTANCES(int8, Isa::avx512, "avx512_vnni_u64", 64, "avx512vnni",
                       (&lowp_impl::distances<Int8, Metric::l2>), (&lowp_impl::distances<Int8, Metric::ip>));

}  // namespace armperf::kernels
