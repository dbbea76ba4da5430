// Code that runs at start-up on every machine although it lives in an ISA translation unit.
//
// A file named *_<isa>.cpp is compiled with its ISA's flags (cmake/ArmperfHelpers.cmake), and so is
// everything in it, including the static initialisers that register its variants. GCC builds a
// KernelVariant there with the file's widest registers (AVX-512 stores of the struct), so a binary
// with an AVX-512 file died of SIGILL before main() on an AVX2-only CPU (Zen 3), instead of listing
// the AVX-512 variants as skipped. Registration therefore goes through ARMPERF_AT_STARTUP, whose
// function is compiled for the baseline whatever the file's flags, and registration helpers that
// ISA files instantiate (templates in kernel headers) carry ARMPERF_BASELINE_CODE. What those call must
// not be inline code of the file either: GCC does not inline a callee with more ISA into a baseline
// caller, it emits the callee out of line with the file's flags, as a weak symbol the linker may also
// give to baseline callers. So the helpers hand their work to out-of-line functions of baseline files
// (add_activation_variant, lowp_impl::register_distances, KernelRegistry::add); what remains inline is
// std::string's construction and KernelVariant's destructor around ARMPERF_REGISTER_KERNEL's row.
// scripts/test.sh checks the binaries as linked: they start (and the registry tests pass) under an
// emulated x86 CPU with the baseline only (qemu-x86_64 -cpu Nehalem); on aarch64, the SVE files'
// start-up runs on neoverse-n1 (no SVE) in every aarch64 test run.
#pragma once

#define ARMPERF_CONCAT_INNER(a, b) a##b
#define ARMPERF_CONCAT(a, b) ARMPERF_CONCAT_INNER(a, b)

// noinline: otherwise the baseline function is inlined into the file's static initialiser (a caller
// with more ISA may inline a callee with less) and compiled with the file's flags again.
#if defined(__x86_64__) && defined(__GNUC__)
#define ARMPERF_BASELINE_CODE [[gnu::noinline, gnu::target("no-avx,no-avx2,no-fma,no-f16c,no-avx512f")]]
#elif defined(__aarch64__) && defined(__GNUC__)
#define ARMPERF_BASELINE_CODE [[gnu::noinline, gnu::target("arch=armv8-a")]]
#else
#define ARMPERF_BASELINE_CODE [[gnu::noinline]]
#endif

// Evaluates `expr` (a registration, giving bool) during static initialisation, compiled for the
// baseline. At namespace scope of a .cpp file.
#define ARMPERF_AT_STARTUP(...)                                                                          \
  ARMPERF_BASELINE_CODE static bool ARMPERF_CONCAT(armperf_startup_, __LINE__)() { return __VA_ARGS__; } \
  [[maybe_unused]] static const bool ARMPERF_CONCAT(armperf_started_, __LINE__) =                        \
      ARMPERF_CONCAT(armperf_startup_, __LINE__)()
