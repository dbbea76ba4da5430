#!/usr/bin/env bash
# The first command to run on a new machine: installs what is missing, builds Release, and runs
# the quick characterization. Extra arguments go to the armperf command.
# Usage: scripts/run.sh [armperf options...]
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
build_dir=${ARMPERF_BUILD_DIR:-build/release}

scripts/install-deps.sh --native-only
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DARMPERF_BUILD_TESTS=OFF >/dev/null
cmake --build "$build_dir" -j "$(nproc)" >/dev/null
armperf="$build_dir/tools/armperf"

if "$armperf" run --help >/dev/null 2>&1; then
  "$armperf" run --profile quick "$@"
else
  # Until `armperf run` lands the main job is the machine summary; it is also kept as JSON.
  mkdir -p results
  out="results/info-$(hostname)-$(date -u +%Y%m%dT%H%M%SZ).json"
  "$armperf" info "$@"
  "$armperf" info --json >"$out"
  echo
  echo "machine summary written to $out"
fi
