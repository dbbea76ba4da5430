// The gemm family: benchmark shapes (squares and ML shapes as MxNxK) and the bench function shared by
// our variants and the peers. GFLOP/s are computed here from 2*M*N*K: GEMM's work depends on the
// shape, not on an element count.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "core/clock.hpp"
#include "core/isa.hpp"
#include "core/peak.hpp"
#include "core/timer.hpp"
#include "kernels/benchmarks.hpp"
#include "kernels/gemm/gemm.hpp"
#include "kernels/gemm/gemm_peak.hpp"
#include "kernels/registry.hpp"

namespace armperf::kernels {
namespace {

BenchShape gemm_shape(std::int64_t m, std::int64_t n, std::int64_t k, int threads) {
  return {std::to_string(m) + "x" + std::to_string(n) + "x" + std::to_string(k), {m, n, k}, threads};
}

std::vector<BenchShape> gemm_shapes(const BenchPlan& plan) {
  struct Mnk {
    std::int64_t m, n, k;
  };
  std::vector<Mnk> sizes;
  if (plan.profile == Profile::quick) {
    sizes = {{256, 256, 256}, {1024, 1024, 1024}};
  } else {
    for (std::int64_t s = 64; s <= 2048; s *= 2) sizes.push_back({s, s, s});
    // GEMV-like decode steps (M = batch of tokens), a tall-skinny projection, a transformer FFN slice.
    sizes.insert(sizes.end(), {{1, 4096, 4096}, {8, 4096, 4096}, {4096, 64, 4096}, {512, 4096, 1024}});
  }
  if (plan.profile == Profile::full) {
    sizes.insert(sizes.end(),
                 {{4096, 4096, 4096}, {2048, 2048, 8192}, {1023, 1023, 1023}, {1025, 1025, 1025}});
  }
  // One team size per plan: armperf run and armperf-bench choose the thread counts (BenchPlan.threads).
  std::vector<BenchShape> shapes;
  for (const auto& s : sizes) shapes.push_back(gemm_shape(s.m, s.n, s.k, std::max(1, plan.threads)));
  return shapes;
}

bool blocking_from_env(GemmBlocking& blocking, std::string& error) {
  const char* value = std::getenv("ARMPERF_GEMM_BLOCKING");
  if (value == nullptr || *value == '\0') return true;
  if (parse_gemm_blocking(value, blocking, error)) return true;
  error = "ARMPERF_GEMM_BLOCKING: " + error;
  return false;
}

template <class T>
std::vector<T> random_matrix(std::int64_t elements, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<T> out(static_cast<std::size_t>(elements));
  if constexpr (std::is_integral_v<T>) {
    // Within the peers' exact range, so that oneDNN's row passes the result check. Every implementation
    // gets the same operands; the rate does not depend on them.
    std::uniform_int_distribution<int> dist(-kGemmInt8PeerBound, kGemmInt8PeerBound);
    for (auto& x : out) x = gemm_element<T>(dist(rng));
  } else {
    std::uniform_real_distribution<GemmAcc<T>> dist(-1, 1);
    for (auto& x : out) x = gemm_element<T>(dist(rng));
  }
  return out;
}

// The ISA a row ran: our variant's; a peer picks its own kernels, so the widest ISA this machine
// enables (the peak it could reach).
Isa row_isa(const KernelVariant& variant) {
  if (variant.impl == "armperf") return variant.isa;
  const auto& enabled = this_cpu().enabled;
  return enabled.empty() ? Isa::scalar : *std::max_element(enabled.begin(), enabled.end(), [](Isa a, Isa b) {
    return isa_rank(a) < isa_rank(b);
  });
}

// Register bits of the FMAs (or dot products) a row ran on `isa`.
int fma_register_bits(Isa isa, int element_bits) {
  switch (isa) {
    case Isa::avx512:
      return 512;
    case Isa::avx2:
      return 256;
    case Isa::neon:
      return 128;
    case Isa::sve:
    case Isa::sve2:
      return static_cast<int>(this_cpu().features.sve_vector_bits);
    case Isa::scalar:
      return element_bits;
  }
  return element_bits;
}

// pct_of_peak of the peakflops probe's formula (core/peak.hpp), with the clock measured on the calling
// thread right after the timed loop. bf16 and int8 against the dot or block product the row ran
// (gemm_dot_instruction: our SIMD variants; a peer on a CPU that has one); else bf16 against f32 FMAs
// (our scalar variant, and a peer on a CPU without one) and int8 against nothing (our AVX2 tile
// multiplies with vpmaddwd, whose rate core/peak.cpp does not state; AVX-VNNI is not used). A variant
// naming an instruction gemm_dot_instruction does not rate gets no pct_of_peak, rather than one against
// FMAs it did not run. core/peak.cpp has the dot rates of few cores (vdpbf16ps and vpdpbusd: Zen 5;
// sdot: Neoverse N1): a row on another core has no pct_of_peak, like any row on a core the table lacks.
// `rate` is GFLOP/s, GOP/s for int8 (peak_gops then).
template <class T>
void set_pct_of_peak(benchmark::State& state, const KernelVariant& variant, double rate, int threads) {
  constexpr bool integer = std::is_integral_v<T>;
  constexpr int element_bits = 8 * sizeof(GemmAcc<T>);  // bf16 accumulates in f32, int8 in int32
  const double ghz = measure_ghz(0.01);
  const std::string clock = "dependent add chain after the timed loop";
  const std::string& uarch = this_cpu().microarchitecture;
  const Isa isa = row_isa(variant);
  const int bits = fma_register_bits(isa, element_bits);
  std::optional<TheoreticalPeak> peak;
  const GemmDotInstruction dot = gemm_dot_instruction(variant, isa, this_cpu().features);
  if (dot.key != nullptr) {
    // 2 operations (multiply, add) per product, `products` per 32-bit lane.
    const double ops = 2.0 * dot.products * bits / 32;
    std::string unknown;  // why there is no peak (the row then has none)
    peak = theoretical_instruction_peak(uarch, dot.key, bits, ops, ghz, threads, clock, unknown);
  } else if (!integer && variant.peak_instruction.empty()) {
    peak = theoretical_peak(uarch, bits, element_bits, ghz, threads, clock);
  }
  if (!peak || !(rate > 0)) return;
  state.counters["pct_of_peak"] = 100.0 * rate / peak->gflops();
  state.counters[integer ? "peak_gops" : "peak_gflops"] = peak->gflops();
}

template <class T>
void gemm_bench(benchmark::State& state, const KernelVariant& variant, const BenchShape& shape) {
  using Acc = GemmAcc<T>;
  const std::int64_t m = shape.dims.at(0), n = shape.dims.at(1), k = shape.dims.at(2);
  const std::vector<T> a = random_matrix<T>(m * k, 1), b = random_matrix<T>(k * n, 2);
  std::vector<Acc> c(static_cast<std::size_t>(m * n));
  GemmArgs<T> args{.m = m,
                   .n = n,
                   .k = k,
                   .a = a.data(),
                   .lda = k,
                   .b = b.data(),
                   .ldb = n,
                   .beta = 0,
                   .c = c.data(),
                   .ldc = n,
                   .threads = shape.threads};
  std::string error;
  if (!blocking_from_env(args.blocking, error)) {
    state.SkipWithError(error.c_str());
    return;
  }
  const auto fn = variant.as<GemmFn<T>>();
  // One untimed call: it faults in C's fresh pages and lets each implementation set up what every
  // later call finds ready (oneDNN JIT-compiles its kernels and allocates its packing buffers; ours
  // grow their workspaces). At the standard profile's few iterations per repetition that first call
  // made oneDNN's 1024^3 rate swing between 75 and 200 GFLOP/s from run to run (Zen 5 VM). One call
  // per entry, the same in every entry, keeps `--pmu`'s set-up fit valid (tools/run/kernel_pmu.hpp).
  // Known limit: oneDNN allocates its buffers on every call, and in a process where it has not run
  // yet its first 10-20 calls extend the heap (strace: brk) and fault in fresh pages, which halves
  // their rate in a VM (512x4096x1024, 1 thread: 50-95 GFLOP/s, then 180-195): the first one or two
  // repetitions of oneDNN's first row in a run can read low. Medians of >= 5 repetitions absorb it.
  fn(args);
  const std::uint64_t start = now_ns();
  for (auto _ : state) {
    fn(args);
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  const double seconds = static_cast<double>(now_ns() - start) * 1e-9;
  // One element recomputed in double: a wrong or no-op kernel must not report a rate.
  double dot = 0;
  for (std::int64_t p = 0; p < k; ++p) dot += gemm_value(a[(m - 1) * k + p]) * gemm_value(b[p * n + n - 1]);
  const double tolerance = 4.0 * double(k) * std::numeric_limits<Acc>::epsilon();
  if (!(std::abs(double(c.back()) - dot) <= tolerance)) state.SkipWithError("gemm result check failed");

  // Integer operations are not FLOP: int8 rows carry gops, as the peakflops probe's do.
  const double flops = 2.0 * double(m) * double(n) * double(k);
  state.counters[std::is_integral_v<T> ? "gops" : "gflops"] =
      benchmark::Counter(flops * double(state.iterations()) / 1e9, benchmark::Counter::kIsRate);
  // Compulsory traffic only (A and B read once, C read and written once): what a roofline places GEMM by.
  const double bytes =
      sizeof(T) * (double(m) * double(k) + double(k) * double(n)) + sizeof(Acc) * 2.0 * double(m) * double(n);
  state.counters["gbps"] =
      benchmark::Counter(bytes * double(state.iterations()) / 1e9, benchmark::Counter::kIsRate);
  state.counters["threads"] = shape.threads;
  set_pct_of_peak<T>(state, variant, flops * double(state.iterations()) / seconds * 1e-9, shape.threads);
  // A peer picks its own kernels (recorded in the context: openblas_corename, blis_arch, onednn_cpu_isa).
  const std::string isa = variant.reported_isa();
  state.SetLabel("impl=" + variant.impl + " isa=" + isa + " dtype=" + variant.dtype + " size=" + shape.size +
                 " threads=" + std::to_string(shape.threads));
}

void gemm_bench_any(benchmark::State& state, const KernelVariant& variant, const BenchShape& shape) {
  try {
    visit_gemm_dtype(variant.dtype,
                     [&](auto type) { gemm_bench<typename decltype(type)::type>(state, variant, shape); });
  } catch (const std::invalid_argument& e) {  // a registry entry with a dtype GEMM has no type for
    state.SkipWithError(e.what());
  }
}

}  // namespace

GemmDotInstruction gemm_dot_instruction(const KernelVariant& variant, Isa isa, const CpuFeatures& cpu) {
  const auto ran = [](const char* key) { return GemmDotInstruction{key, dot_products_per_lane(key)}; };
  if (variant.peak_instruction == "smmla" && variant.dtype == "int8") return ran("smmla");
  if (variant.peak_instruction == "bfmmla" && variant.dtype == "bf16") return ran("bfmmla");
  if (!variant.peak_instruction.empty()) return {};  // an instruction (or dtype) this table does not rate
  const bool arm = isa == Isa::neon || isa == Isa::sve || isa == Isa::sve2;
  if (variant.dtype == "bf16") {
    if (isa == Isa::avx512 && cpu.has("avx512bf16")) return ran("vdpbf16ps");
    if (isa == Isa::neon && cpu.has("bf16")) return ran("bfdot");
  } else if (variant.dtype == "int8") {
    if (isa == Isa::avx512 && cpu.has("avx512vnni")) return ran("vpdpbusd");
    if (arm && cpu.has("dotprod")) return ran("sdot");
  }
  return {};
}

bool parse_gemm_blocking(std::string_view text, GemmBlocking& blocking, std::string& error) {
  // Beyond any cache or product size; also keeps round_up(mc, mr) * kc and the like far from overflow.
  constexpr double kMaxMagnitude = 0x1p40;
  GemmBlocking parsed;
  std::size_t from = 0;
  while (!text.empty() && from <= text.size()) {
    const std::size_t comma = std::min(text.find(',', from), text.size());
    const std::string_view field = text.substr(from, comma - from);
    from = comma + 1;
    const std::size_t eq = field.find('=');
    const std::string key(field.substr(0, eq));
    const std::string number(eq == std::string_view::npos ? std::string_view{} : field.substr(eq + 1));
    std::int64_t* elements = key == "mc"   ? &parsed.mc
                             : key == "kc" ? &parsed.kc
                             : key == "nc" ? &parsed.nc
                                           : nullptr;
    // Sizes that may be negative (the feature off): bytes, and nc_direct_a's columns.
    std::int64_t* signed_size = key == "unpacked"      ? &parsed.unpacked_bytes
                                : key == "direct_a"    ? &parsed.direct_a_bytes
                                : key == "nc_direct_a" ? &parsed.nc_direct_a
                                                       : nullptr;
    double* flops = key == "caller_works" ? &parsed.caller_works_flops
                    : key == "solo"       ? &parsed.solo_flops
                                          : nullptr;
    if (elements == nullptr && signed_size == nullptr && flops == nullptr) {
      error = "unknown field '" + key +
              "': expected comma-separated key=value pairs such as kc=256 (keys mc, kc, nc, nc_direct_a, "
              "unpacked, direct_a, caller_works, solo)";
      return false;
    }
    char* end = nullptr;
    const double x = std::strtod(number.c_str(), &end);
    const bool whole = !number.empty() && !std::isspace(static_cast<unsigned char>(number.front())) &&
                       end == number.c_str() + number.size() && std::abs(x) <= kMaxMagnitude &&
                       x == std::trunc(x);
    if (!whole || (elements != nullptr && x < 0)) {
      error = "field '" + key + "': expected " + (elements != nullptr ? "a non-negative" : "an") +
              " integer of at most 2^40, got '" + number + "'";
      return false;
    }
    if (elements != nullptr) *elements = static_cast<std::int64_t>(x);
    if (signed_size != nullptr) *signed_size = static_cast<std::int64_t>(x);
    if (flops != nullptr) *flops = x;
  }
  blocking = parsed;
  return true;
}

ARMPERF_REGISTER_KERNEL(KernelFamily{
    .name = "gemm",
    .description = "C = alpha*op(A)*op(B) + beta*C, row-major (sgemm, dgemm; sbgemm: bf16 A and B, f32 C; "
                   "s8gemm: int8 A and B, int32 C)",
    .shapes = gemm_shapes,
    .run = gemm_bench_any});

}  // namespace armperf::kernels
