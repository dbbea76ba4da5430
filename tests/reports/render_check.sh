#!/usr/bin/env bash
# Renders sample multi-machine reports (report.html, views.html) with headless Chromium and checks what a reader would see:
# fails when the page logs anything to the console or renders (nearly) blank. The screenshot stays under
# the build directory for a person to look at.
# Usage: tests/reports/render_check.sh BUILD_DIR   (BUILD_DIR holds tools/armperf)
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=$(cd "$1" && pwd)
out="$build/report-render"
fixtures="$root/tests/fixtures/reports/report"
browser=$(command -v chromium || command -v chromium-browser || true)
if [[ -z "$browser" ]]; then
  echo "render check: chromium not installed (scripts/install-deps.sh installs it)" >&2
  exit 1
fi
rm -rf "$out" && mkdir -p "$out"
views="$root/tests/fixtures/reports/views"

# render NAME HEIGHT FILE...: report.html of the files, screenshot NAME.png (HEIGHT px tall), checked.
render() {
  local name=$1 height=$2
  shift 2
  "$build/tools/armperf" report "$@" --out "$out/$name.html" || { echo "render check: armperf report failed" >&2; return 1; }
  grep -q "<svg" "$out/$name.html" || echo "render check: note: no charts in $name.html (gnuplot missing?)"
  # A fresh profile and every background service off: the page is a local file and must need nothing else.
  rm -rf "$out/profile" && mkdir -p "$out/profile"
  timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$out/profile" --enable-logging=stderr --log-level=0 --window-size="1280,$height" \
    --screenshot="$out/$name.png" "file://$out/$name.html" 2>"$out/$name-chromium.log" >/dev/null
  if [[ ! -s "$out/$name.png" ]]; then
    echo "render check: no screenshot of $name.html; chromium said:" >&2
    tail -20 "$out/$name-chromium.log" >&2
    return 1
  fi
  if grep -q ":CONSOLE" "$out/$name-chromium.log"; then
    echo "render check: $name.html logged to the console:" >&2
    grep ":CONSOLE" "$out/$name-chromium.log" >&2
    return 1
  fi
  local ink
  ink=$(python3 "$root/tests/reports/png_ink.py" "$out/$name.png") || return 1
  # A rendered report covers ~9 % of a 1280x2000 screenshot with text, tables and charts; blank is ~0.
  if ! awk -v ink="$ink" 'BEGIN { exit !(ink >= 0.02) }'; then
    echo "render check: $name.html rendered nearly blank (ink $ink < 0.02): $out/$name.png" >&2
    return 1
  fi
  echo "render check: ok (ink $ink), screenshot: $out/$name.png"
}

# Three machines with kernels and probes; then the accuracy table of two machines and the NUMA matrices
# of a 4-node one (the NUMA heatmaps sit below the results table: a taller page).
render report 2000 "$fixtures/altra.json" "$fixtures/graviton3.json" "$fixtures/altra_max.json" || exit 1
render views 4200 "$views/accuracy_altra.json" "$views/accuracy_zen5.json" "$views/numa_altra_max.json" || exit 1
