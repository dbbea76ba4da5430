// How a kernel variant is described — the one list of kernels (DESIGN §3).
//
// Each ISA translation unit registers its variants with ARMPERF_REGISTER_KERNEL; each family
// registers one KernelFamily that knows the real function signature, the benchmark shapes and how
// to run one benchmark. Tests, armperf-bench and `armperf list` are all generated from these rows.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/isa.hpp"
#include "core/profile.hpp"
#include "core/startup.hpp"

namespace benchmark {
class State;
}

namespace armperf {

// Type-erased kernel entry point; the family header casts it back with KernelVariant::as<F>().
using KernelFn = void (*)();

struct KernelVariant;
// Optional per-shape set-up that must stay out of timed loops (a peer library's primitive or
// operator): returns an opaque object the family hands back to fn (activation: through
// ActivationParams::prepared). dims mean what they mean to the family's fn.
using KernelPrepareFn = std::shared_ptr<void> (*)(const KernelVariant& variant, const std::vector<std::int64_t>& dims);

struct KernelVariant {
  std::string name;     // XNNPACK-style taxonomy: "<dtype>_<op>__<isa>[_u<unroll>]", e.g. f32_copy__avx2_u32
  std::string family;   // directory under kernels/: "copy", "activation", "gemm", ...
  std::string op;       // "copy", "relu", "sgemm", ...
  std::string dtype;    // "f32", "f64", "f16", "bf16", "int8"
  Isa isa = Isa::scalar;
  // A CpuFeatures flag the variant needs beyond its ISA ("" none): "f16c", "dotprod", "avx512bf16",
  // ... (as core/isa names them, like the peakflops probe's kernels); absent, the variant is skipped.
  std::string feature = "";
  // The instruction whose peak bounds the variant (a core/peak.hpp key), where dtype and ISA do not
  // name it: our GEMM block-product tiles run "smmla" and "bfmmla", not the ISA's dot product. "" = the
  // dtype's usual instruction on the ISA (FMA, or the int8/bf16 dot product).
  std::string peak_instruction = "";
  std::string impl = "armperf";  // or the peer library measured beside us: "openblas", "faiss", ...
  unsigned tile = 1;    // elements per main-loop iteration (tests sweep 1 .. 2*tile and tile±1)
  unsigned tile_n = 0;  // 2-D tiles only (GEMM: tile = MR rows, tile_n = NR columns; SVE: NR at 128-bit VL)
  double flops_per_element = 0;  // arithmetic per output element, for derived GFLOP/s
  double bytes_per_element = 0;  // memory traffic per element (reads + writes), for derived GB/s
  KernelFn fn = nullptr;
  KernelPrepareFn prepare = nullptr;  // null: fn needs no set-up

  template <class F>
  F as() const { return reinterpret_cast<F>(fn); }
  bool runnable() const { return isa_enabled(isa) && (feature.empty() || feature_skip_reason(feature).empty()); }
  // The ISA a result row names. A peer library dispatches to kernels of its own choosing (the run's
  // context records which), so its rows say "own" instead of the "scalar" that only makes it runnable.
  std::string reported_isa() const { return impl == "armperf" ? std::string(isa_name(isa)) : "own"; }
  std::string skip_reason() const {
    std::string why = isa_skip_reason(isa);
    if (why.empty() && !feature.empty()) why = feature_skip_reason(feature);
    return why;
  }
};

// One benchmark point of a family: a label for the `size` field and the dimensions it means.
struct BenchShape {
  std::string size;                  // "4096" or "1024x1024x1024" (bytes or shape, DESIGN §5)
  std::vector<std::int64_t> dims;    // what the family's bench function reads
  int threads = 1;                   // worker threads; > 1 adds "/threads:<n>" to the benchmark name
  std::int64_t bytes = 0;            // memory the benchmark allocates; 0: the run plan derives it from dims
};

// What sizes to benchmark is decided from the machine's caches, not fixed numbers
// (machine_bench_plan() in kernels/benchmarks.hpp fills it from the topology).
struct BenchPlan {
  Profile profile = Profile::quick;
  std::int64_t l1_bytes = 32 << 10;    // one L1 data cache
  std::int64_t l2_bytes = 1 << 20;     // one L2
  std::int64_t llc_bytes = 32 << 20;   // one instance of the last-level cache
  std::int64_t dram_bytes = 128 << 20; // a working set that must come from DRAM (STREAM: 4x all LLC)
  int threads = 1;                     // team size the family's benchmark should use
};

using BenchShapesFn = std::vector<BenchShape> (*)(const BenchPlan&);
using BenchRunFn = void (*)(benchmark::State&, const KernelVariant&, const BenchShape&);

struct KernelFamily {
  std::string name;
  std::string description;
  BenchShapesFn shapes = nullptr;
  BenchRunFn run = nullptr;
};

class KernelRegistry {
 public:
  static KernelRegistry& instance();

  bool add(KernelVariant variant);   // returns true so it can initialise a static
  bool add(KernelFamily family);

  const std::vector<KernelVariant>& variants() const { return variants_; }
  std::vector<const KernelVariant*> variants(std::string_view family) const;
  const KernelVariant* find(std::string_view name) const;
  const std::vector<KernelFamily>& families() const { return families_; }
  const KernelFamily* family(std::string_view name) const;

  // What a peer library says of itself (version, the kernels it picked for this CPU: DESIGN §5), as a
  // key and value for the results' context: `armperf run` writes them into results.json's context, and
  // Google Benchmark's own JSON gets them too (benchmark::AddCustomContext). A key given twice keeps its
  // first value. Returns true so that it can initialise a static.
  bool add_library_context(std::string key, std::string value);
  const std::vector<std::pair<std::string, std::string>>& library_context() const { return library_context_; }

 private:
  std::vector<KernelVariant> variants_;
  std::vector<KernelFamily> families_;
  std::vector<std::pair<std::string, std::string>> library_context_;
};

}  // namespace armperf

// Registers a KernelVariant or KernelFamily during static initialisation (compiled for the baseline
// even in an ISA file: core/startup.hpp).
#define ARMPERF_REGISTER_KERNEL(...) \
  ARMPERF_AT_STARTUP(::armperf::KernelRegistry::instance().add(__VA_ARGS__))
