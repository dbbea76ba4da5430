// C's side of the NEON tiles' traits (lane_kernel.hpp, mmla_kernel.hpp): a register of four f32 or int32
// elements of C, and what the tiles do with it after the k loop (load, scale, multiply-add, store). The
// tile traits derive from these and add their operand side. Baseline AdvSIMD; included by gemm_neon*.cpp
// only. Internal linkage, as in gemm_pack.hpp: the files that include it are compiled with different
// flags, and their copies must not merge at link time.
#pragma once

#include <arm_neon.h>

#include <cstdint>

namespace armperf::kernels {
namespace {

struct NeonF32C {
  using V = float32x4_t;
  static V zero() { return vdupq_n_f32(0.0f); }
  static V set1(float x) { return vdupq_n_f32(x); }
  static V load(const float* p) { return vld1q_f32(p); }
  static void store(float* p, V v) { vst1q_f32(p, v); }
  static V mul(V a, V b) { return vmulq_f32(a, b); }
  static V fma(V acc, V a, V b) { return vfmaq_f32(acc, a, b); }
};

struct NeonS32C {
  using V = int32x4_t;
  static V zero() { return vdupq_n_s32(0); }
  static V set1(std::int32_t x) { return vdupq_n_s32(x); }
  static V load(const std::int32_t* p) { return vld1q_s32(p); }
  static void store(std::int32_t* p, V v) { vst1q_s32(p, v); }
  static V mul(V a, V b) { return vmulq_s32(a, b); }
  static V fma(V acc, V a, V b) { return vmlaq_s32(acc, a, b); }
};

}  // namespace
}  // namespace armperf::kernels
