#!/usr/bin/env bash
# Builds the loader's libFuzzer target with clang (ASan + UBSan) and fuzzes it from the loader fixtures.
# Usage: tests/reports/fuzz_load.sh OUT_DIR [RUNS]   (default 200000 runs; 0 = until stopped)
# Exits 0 when clang is missing (nothing to do: the bounded mutation test runs in every build).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=$(mkdir -p "$1" && cd "$1" && pwd)
runs=${2:-200000}
if ! command -v clang++ >/dev/null; then
  echo "fuzz_load: clang++ not installed, skipped"
  exit 0
fi
clang++ -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
  -I"$root" -DARMPERF_VERSION='"fuzz"' \
  "$root/tests/reports/load_fuzz.cpp" "$root/reports/load.cpp" "$root/reports/model.cpp" \
  "$root/reports/stats.cpp" "$root/core/result.cpp" -lfmt -o "$out/armperf_load_fuzz"
mkdir -p "$out/corpus"  # new inputs land here; the fixtures are only read
"$out/armperf_load_fuzz" -runs="$runs" -max_len=4096 -timeout=10 "$out/corpus" "$root/tests/fixtures/reports/loader"
