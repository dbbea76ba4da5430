#!/usr/bin/env bash
# Renders a sample multi-machine report.html with headless Chromium and checks what a reader would see:
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
rm -rf "$out" && mkdir -p "$out/profile"
"$build/tools/armperf" report "$fixtures/altra.json" "$fixtures/graviton3.json" "$fixtures/altra_max.json" \
  --out "$out/report.html" || { echo "render check: armperf report failed" >&2; exit 1; }
grep -q "<svg" "$out/report.html" || echo "render check: note: no charts in the report (gnuplot missing?)"

# A fresh profile and every background service off: the page is a local file and must need nothing else.
timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$out/profile" --enable-logging=stderr --log-level=0 --window-size=1280,2000 \
  --screenshot="$out/report.png" "file://$out/report.html" 2>"$out/chromium.log" >/dev/null
if [[ ! -s "$out/report.png" ]]; then
  echo "render check: no screenshot; chromium said:" >&2
  tail -20 "$out/chromium.log" >&2
  exit 1
fi
if grep -q ":CONSOLE" "$out/chromium.log"; then
  echo "render check: the page logged to the console:" >&2
  grep ":CONSOLE" "$out/chromium.log" >&2
  exit 1
fi
ink=$(python3 "$root/tests/reports/png_ink.py" "$out/report.png") || exit 1
# A rendered report covers ~9 % of a 1280x2000 screenshot with text, tables and charts; blank is ~0.
if ! awk -v ink="$ink" 'BEGIN { exit !(ink >= 0.02) }'; then
  echo "render check: the page rendered nearly blank (ink $ink < 0.02): $out/report.png" >&2
  exit 1
fi
echo "render check: ok (ink $ink), screenshot: $out/report.png"
