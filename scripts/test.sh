#!/usr/bin/env bash
# Builds and tests every configuration of DESIGN §8, installing what is missing first:
#   native Release (all tests, then kernel tests under ARMPERF_MAX_ISA=scalar and =avx2, then the
#   core/kernel/probe tests and the start-up of the other binaries under qemu-x86_64 -cpu Nehalem:
#   a CPU with the baseline only),
#   native Debug with AddressSanitizer + UndefinedBehaviorSanitizer,
#   aarch64 cross build under qemu-user: neoverse-n1 (NEON only) and SVE at 128/256/512/2048 bits.
# Exits non-zero if any configuration fails; ends with the combined summary line.
# Usage: scripts/test.sh [--quick]   (--quick: native Release only)
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
jobs=$(nproc 2>/dev/null || echo 2)
quick=0
[[ "${1:-}" == "--quick" ]] && quick=1

if (( quick )); then
  scripts/install-deps.sh --native-only || exit 1
else
  scripts/install-deps.sh || exit 1
fi

total_pass=0 total_fail=0 total_skip=0
failed_configs=()
start_all=$(date +%s)

header() { printf '\n==== configuration: %s ====\n' "$1"; }

# build NAME CMAKE_ARGS... : configure and build into build/test-NAME
# Unity builds (batches of .cpp files compiled as one; files with their own ISA flags stay alone)
# parse the heavy headers (CLI11, nlohmann/json, fmt, gtest) once per batch instead of once per file:
# three full builds fit the 30-minute budget only this way. They also catch two files of one target
# defining the same internal name, which a later unity build would trip over.
build() {
  local name=$1; shift
  local dir="build/test-$name"
  cmake -S . -B "$dir" -DARMPERF_WERROR=ON -DCMAKE_UNITY_BUILD=ON "$@" >"$dir.configure.log" 2>&1 ||
    { mkdir -p build; cat "$dir.configure.log"; return 1; }
  cmake --build "$dir" -j "$jobs" >"$dir.build.log" 2>&1 || { tail -50 "$dir.build.log"; return 1; }
}

# run_ctest LABEL DIR [CTEST_ARGS...] : run ctest, add its counts to the totals
run_ctest() {
  local label=$1 dir=$2; shift 2
  local junit
  junit="$(pwd)/$dir/junit-${label//[^A-Za-z0-9_.-]/_}.xml"
  local t0=$(date +%s)
  ctest --test-dir "$dir" -j "$jobs" --timeout 900 --output-on-failure --output-junit "$junit" "$@" 2>&1 |
    grep -vE '^ *[0-9]+/[0-9]+ Test +#[0-9]+: .* Passed|^ +Start +[0-9]+:' | tail -40
  local rc=${PIPESTATUS[0]}
  local tests=0 failures=0 skipped=0
  if [[ -f "$junit" ]]; then
    # ctest writes one attribute per line: flatten the <testsuite ...> element first.
    local suite
    suite=$(tr '\n\t' '  ' <"$junit" | grep -o '<testsuite [^>]*' | head -1)
    attr() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$suite"; }
    tests=$(attr tests) failures=$(attr failures) skipped=$(attr skipped)
    tests=${tests:-0} failures=${failures:-0} skipped=${skipped:-0}
  fi
  local passed=$((tests - failures - skipped))
  (( rc != 0 && failures == 0 )) && failures=1
  total_pass=$((total_pass + passed)) total_fail=$((total_fail + failures)) total_skip=$((total_skip + skipped))
  printf -- '---- %s: %d passed, %d failed, %d skipped (%ds)\n' "$label" "$passed" "$failures" "$skipped" $(( $(date +%s) - t0 ))
  (( rc == 0 )) || failed_configs+=("$label")
}

# The tests of the gtest binaries that are not commands of their own (the CLI's, reports' and probes'
# checks, named cli.*, reports.*, probes.*): ctest -R selects the others for run_ctest.
commands_re='^(cli|reports|probes)[.]'

# run_gtests LABEL DIR INCLUDE_RE EXCLUDE_RE BINARY... [-- EMULATOR...] : each gtest binary (a path under
# DIR/tests) run whole, as two shards at once (GTEST_TOTAL_SHARDS), instead of ctest's one process per
# test: under qemu or ASan a test process takes 0.1-0.25 s to start (its libraries' relocations, the
# sanitizer), a third of those runs' time over ~750 tests. The tests run are those whose full names
# (Suite.Test/param, as --gtest_list_tests gives them) match INCLUDE_RE and not EXCLUDE_RE (grep -E; an
# empty one selects all, or none). Counts come from gtest's XML; a shard that leaves none (it crashed,
# or timed out) counts as one failure.
run_gtests() {
  local label=$1 dir=$2 include=$3 exclude=$4; shift 4
  local -a bins=() emulator=() pids
  while (( $# )) && [[ $1 != -- ]]; do bins+=("$dir/tests/$1"); shift; done
  (( $# )) && { shift; emulator=("$@"); }
  local t0=$(date +%s) passed=0 failures=0 skipped=0 rc=0 selected=0
  local bin names filter shard xml tests failed skip ran re
  for re in "$include" "$exclude"; do  # grep exits 2 on a bad pattern: it would select nothing, or all
    grep -qE -- "$re" </dev/null; (( $? < 2 )) || {
      echo "run_gtests: bad regex '$re'"; total_fail=$((total_fail + 1)); failed_configs+=("$label"); return
    }
  done
  for bin in "${bins[@]}"; do
    if ! names=$(timeout 300 "${emulator[@]}" "$bin" --gtest_list_tests 2>&1); then
      echo "$bin: does not list its tests"; tail -3 <<<"$names"; failures=$((failures + 1)) rc=1; continue
    fi
    names=$(awk '/^[^ ]/ {suite = $1} /^  [^ ]/ {print suite $1}' <<<"$names" | grep -E -- "${include:-.}" |
            { if [[ -n $exclude ]]; then grep -vE -- "$exclude"; else cat; fi; })
    [[ -z $names ]] && continue
    selected=$((selected + $(wc -l <<<"$names")))
    filter=$(tr '\n' ':' <<<"$names")
    pids=()
    for shard in 0 1; do
      xml="$bin.shard$shard.xml"
      rm -f "$xml"
      ARMPERF_SOURCE_DIR="$root" GTEST_TOTAL_SHARDS=2 GTEST_SHARD_INDEX=$shard timeout 1800 \
        "${emulator[@]}" "$bin" --gtest_filter="${filter%:}" --gtest_output="xml:$xml" >"$xml.log" 2>&1 &
      pids+=($!)
    done
    ran=0
    for shard in 0 1; do
      xml="$bin.shard$shard.xml"
      # A shard can fail after its XML is complete (LeakSanitizer reports at exit): its status counts too.
      if ! wait "${pids[shard]}"; then
        rc=1
        echo "$bin (shard $shard of 2) exited with an error:"
        grep -E '^\[  FAILED  \]|Illegal instruction|terminate|Sanitizer|runtime error' "$xml.log" | head -20
        tail -5 "$xml.log"
      fi
      if [[ -f $xml ]]; then
        # <testsuites tests="N" failures="F" ...>: N counts the shard's share of the filter's tests, F the
        # failed ones; skipped ones are marked per test.
        tests=$(grep -o '<testsuites tests="[0-9]*"' "$xml" | grep -o '[0-9]*')
        failed=$(grep -o '<testsuites [^>]*failures="[0-9]*"' "$xml" | grep -o 'failures="[0-9]*"' | grep -o '[0-9]*')
        skip=$(grep -c 'result="skipped"' "$xml")
        ran=$((ran + tests))
        passed=$((passed + tests - failed - skip)) failures=$((failures + failed)) skipped=$((skipped + skip))
      else
        echo "$bin (shard $shard of 2): no test report (it crashed or timed out)"
        failures=$((failures + 1))
      fi
    done
    # Every selected name must have run in one of the shards (a name gtest does not know runs nowhere).
    if (( ran != $(wc -l <<<"$names") )); then
      echo "$bin: $(wc -l <<<"$names") tests selected, $ran run"; rc=1
    fi
  done
  (( selected == 0 )) && { echo "$label: no test selected"; rc=1; }
  (( rc != 0 && failures == 0 )) && failures=1
  total_pass=$((total_pass + passed)) total_fail=$((total_fail + failures)) total_skip=$((total_skip + skipped))
  printf -- '---- %s: %d passed, %d failed, %d skipped (%ds)\n' "$label" "$passed" "$failures" "$skipped" $(( $(date +%s) - t0 ))
  (( rc == 0 && failures == 0 )) || failed_configs+=("$label")
}

# run_starts LABEL DIR EMULATOR... : under EMULATOR, the binaries whose tests are not run there only
# start (`armperf list`, `armperf-bench --benchmark_list_tests`, the report and tool tests listing
# theirs), which runs all their start-up code in a tenth of the time. Each start counts as one test.
run_starts() {
  local label=$1 dir=$2; shift 2
  local t0=$(date +%s) passed=0 failures=0
  local log="$dir/emulated.log" bin
  local -a start
  : >"$log"
  for bin in "$dir/tools/armperf" "$dir/tools/armperf-bench" "$dir/tests/armperf_report_tests" \
             "$dir/tests/tools/armperf_tool_tests"; do
    case $(basename "$bin") in
      armperf) start=(list) ;;
      armperf-bench) start=(--benchmark_list_tests) ;;
      *) start=(--gtest_list_tests) ;;
    esac
    if [[ -x $bin ]] && timeout 900 "$@" "$bin" "${start[@]}" >>"$log" 2>&1; then
      passed=$((passed + 1))
    else
      echo "does not start (or is missing): $bin ${start[*]}"; tail -3 "$log"; failures=$((failures + 1))
    fi
  done
  total_pass=$((total_pass + passed)) total_fail=$((total_fail + failures))
  printf -- '---- %s: %d passed, %d failed (%ds)\n' "$label" "$passed" "$failures" $(( $(date +%s) - t0 ))
  (( failures == 0 )) || failed_configs+=("$label")
}

mkdir -p build
gtest_binaries=(armperf_core_tests armperf_kernel_tests armperf_probe_tests armperf_report_tests tools/armperf_tool_tests)

header "native-release (x86_64 Release, all ISAs the CPU has)"
if build native-release -DCMAKE_BUILD_TYPE=Release; then
  run_ctest native-release build/test-native-release
  for cap in scalar avx2; do
    header "native-release ARMPERF_MAX_ISA=$cap (kernel tests)"
    ARMPERF_MAX_ISA=$cap run_ctest "native-release-max-isa-$cap" build/test-native-release -L kernels
  done
  # The same binaries on a CPU with only the baseline (x86-64-v2, no AVX): they must start, skip the
  # AVX2/AVX-512 variants with the reason and pass the rest. The host's CPU cannot show this (its ISA is
  # what it is, and ARMPERF_MAX_ISA only caps what runs, after start-up): a static initialiser of an
  # AVX-512 file once used AVX-512 registers and every binary died of SIGILL on a Zen 3 (core/startup.hpp).
  # Without the oneDNN activation peers: its SSE4.1 sigmoid is 50 ulp off near x = -75 (under qemu),
  # beyond the contract its AVX2/AVX-512 code meets.
  if [[ $(uname -m) == x86_64 ]]; then
    header "native-release on a baseline-only CPU (qemu-x86_64 -cpu Nehalem)"
    if command -v qemu-x86_64 >/dev/null; then
      run_starts "native-release baseline CPU (qemu Nehalem), start-up" build/test-native-release \
        qemu-x86_64 -cpu Nehalem
      run_gtests "native-release baseline CPU (qemu Nehalem)" build/test-native-release \
        '' '^Registry/ActivationTest[.].*__onednn' armperf_core_tests armperf_kernel_tests armperf_probe_tests \
        -- qemu-x86_64 -cpu Nehalem
    else
      echo "skipped: qemu-x86_64 is not installed (qemu-user; scripts/install-deps.sh installs it without --native-only)"
    fi
  fi
  header "report render check (headless Chromium)"
  if tests/reports/render_check.sh build/test-native-release; then
    total_pass=$((total_pass + 1))
  else
    failed_configs+=("report render check"); total_fail=$((total_fail + 1))
  fi
else
  failed_configs+=("native-release (build)"); total_fail=$((total_fail + 1))
fi

if (( ! quick )); then
  # The loader's libFuzzer target (clang, ASan + UBSan), a bounded run from the loader fixtures;
  # the script says "skipped" and passes when clang is not installed.
  header "loader fuzzing (libFuzzer, 50000 runs)"
  if tests/reports/fuzz_load.sh build/test-fuzz-load 50000 >build/test-fuzz-load.log 2>&1; then
    tail -1 build/test-fuzz-load.log
    total_pass=$((total_pass + 1))
  else
    tail -30 build/test-fuzz-load.log
    failed_configs+=("loader fuzzing"); total_fail=$((total_fail + 1))
  fi

  header "native-asan-ubsan (x86_64 Debug, -fsanitize=address,undefined)"
  # -g1: line tables are all the sanitizers need for their stack traces, and full -g costs a quarter
  # of this build's compile time.
  if build native-asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-g1 -DARMPERF_SANITIZE=address,undefined; then
    asan=detect_leaks=1:abort_on_error=1:strict_string_checks=1 ubsan=halt_on_error=1:print_stacktrace=1
    ASAN_OPTIONS=$asan UBSAN_OPTIONS=$ubsan \
      run_gtests native-asan-ubsan build/test-native-asan '' '' "${gtest_binaries[@]}"
    ASAN_OPTIONS=$asan UBSAN_OPTIONS=$ubsan \
      run_ctest "native-asan-ubsan commands" build/test-native-asan -R "$commands_re"
  else
    failed_configs+=("native-asan (build)"); total_fail=$((total_fail + 1))
  fi

  header "aarch64 cross build (qemu-aarch64 -L /)"
  if build aarch64 -DCMAKE_BUILD_TYPE=Release -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-aarch64.cmake; then
    # The micro-kernels' generated loops (no spilled accumulator): read from the objects, no emulator.
    run_ctest "aarch64 GEMM k loops" build/test-aarch64 --no-tests=error -R '^kernels[.]gemm_loops'
    # neoverse-n1: Altra/Graviton2 (NEON, no SVE). max with sve-default-vector-length in bytes:
    # 16/32/64/256 = SVE 128/256/512/2048 bits.
    for cpu in neoverse-n1 max,sve-default-vector-length=16 max,sve-default-vector-length=32 \
               max,sve-default-vector-length=64 max,sve-default-vector-length=256; do
      header "aarch64 QEMU_CPU=$cpu"
      sve_bits=0
      [[ $cpu == *sve-default-vector-length=* ]] && sve_bits=$(( ${cpu##*=} * 8 ))
      # The whole suite runs at neoverse-n1. The report and CLI tests run there only (they took 70 s of
      # the SVE 256 run): the report code has no SVE path, and the SVE kernels the CLI would pick here
      # (armperf sbm, knn) are the registry variants tested directly. At SVE 256 the core, kernel and
      # probe tests run, less the registry tests of our own f32/f64/i32 scalar and plain NEON variants
      # (and libm's, Eigen's, Spectra's): neoverse-n1 ran them, alike (about 70 s). The suffixes are
      # listed so that a new NEON variant needing more than neoverse-n1 has (bf16, i8mm) is not left out
      # by accident. The peers stay: OpenBLAS, BLIS and oneDNN pick SVE code from the CPU, and no other
      # run tests theirs. The other vector lengths run only the tests whose code depends on the vector
      # length: the SVE variants of kernels and probes (their names carry "sve") and core's check of the
      # detected vector length; not the SBM pipeline's end-to-end tests, whose SVE code is the kernels
      # tested on their own at every length (40 s over the three lengths).
      registries=(armperf_core_tests armperf_kernel_tests armperf_probe_tests)
      emulator=(-- qemu-aarch64 -L /)
      if [[ $cpu == neoverse-n1 ]]; then
        QEMU_CPU=$cpu ARMPERF_EXPECT_SVE_BITS=$sve_bits \
          run_gtests "aarch64 QEMU_CPU=$cpu" build/test-aarch64 '' '' "${gtest_binaries[@]}" "${emulator[@]}"
        QEMU_CPU=$cpu run_ctest "aarch64 QEMU_CPU=$cpu commands" build/test-aarch64 -R "$commands_re"
      elif [[ $cpu == *=32 ]]; then
        QEMU_CPU=$cpu ARMPERF_EXPECT_SVE_BITS=$sve_bits run_gtests "aarch64 QEMU_CPU=$cpu" build/test-aarch64 '' \
          '/(f32|f64|i32)_[a-z0-9_]+__((scalar|libm|eigen|spectra)(_|$)|neon(_u[0-9]+|_p6|_t7|_lut16|_[0-9]+x[0-9]+|_csr|_pattern)*$)' \
          "${registries[@]}" "${emulator[@]}"
      else
        QEMU_CPU=$cpu ARMPERF_EXPECT_SVE_BITS=$sve_bits run_gtests "aarch64 QEMU_CPU=$cpu" build/test-aarch64 \
          '[Ss][Vv][Ee]|IsaThisCpu' '^Registry/PipelineTest[.]' "${registries[@]}" "${emulator[@]}"
      fi
    done
  else
    failed_configs+=("aarch64 (build)"); total_fail=$((total_fail + 1))
  fi
fi

printf '\n==== all configurations: %d s ====\n' $(( $(date +%s) - start_all ))
if (( ${#failed_configs[@]} )); then
  printf 'failed: %s\n' "${failed_configs[@]}"
fi
printf 'summary: %d passed, %d failed, %d skipped\n' "$total_pass" "$total_fail" "$total_skip"
(( ${#failed_configs[@]} == 0 ))
