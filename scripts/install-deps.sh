#!/usr/bin/env bash
# Installs armperf's build and test dependencies from Debian's archive (DESIGN §2): the native
# libraries, their :arm64 twins for the cross build, the aarch64 compiler, qemu-user, gnuplot and
# chromium (the report render check).
# Idempotent: only packages that are missing are installed, and they are listed first.
# Usage: scripts/install-deps.sh [--native-only]
set -euo pipefail

native_only=0
[[ "${1:-}" == "--native-only" ]] && native_only=1

# Libraries needed by the build, on every architecture we build for.
libs=(libbenchmark-dev libgtest-dev libgmock-dev libhwloc-dev libpfm4-dev libsleef-dev
      libfmt-dev libsqlite3-dev libopenblas-dev libblis-dev)
# Peers measured beside our kernels (DESIGN §2), for the architecture we run on. Debian's
# libdnnl-dev and libxnnpack-dev are not Multi-Arch: same (their :arm64 twins conflict with them),
# so the cross build on x86 goes without them and CMake says so; on an ARM host they are native.
# libxnnpack-dev's xnnpack.h includes pthreadpool.h without depending on libpthreadpool-dev.
peers=(libdnnl-dev libxnnpack-dev libpthreadpool-dev libfaiss-dev)
# oneDNN's :arm64 -dev package cannot sit beside the native one (dnnl_config.h differs): the cross
# build links the arm64 runtime library and shares the headers.
arm64_runtime=(libdnnl2)
# Host tools and header-only libraries (architecture independent; Eigen and Spectra are the
# spectral family's peers and test references).
tools=(build-essential cmake pkg-config git libcli11-dev nlohmann-json3-dev hwloc gnuplot-nox
       libeigen3-dev libspectra-dev chromium python3)  # chromium + python3: the report render check of scripts/test.sh
cross=(g++-aarch64-linux-gnu qemu-user)

# Libraries are named with their architecture: once the :arm64 twin is installed, a bare name is
# ambiguous to dpkg-query and would look missing.
native=$(dpkg --print-architecture)
wanted=("${tools[@]}")
for p in "${libs[@]}" "${peers[@]}"; do wanted+=("$p:$native"); done
if (( ! native_only )); then
  wanted+=("${cross[@]}")
  for p in "${libs[@]}" "${arm64_runtime[@]}"; do wanted+=("$p:arm64"); done
fi

missing=()
for p in "${wanted[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "installed" ]] || missing+=("$p")
done

if (( ${#missing[@]} == 0 )); then
  echo "install-deps: all ${#wanted[@]} packages present"
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "install-deps: missing packages and not root; run as root or install: ${missing[*]}" >&2
  exit 1
fi

echo "install-deps: installing ${#missing[@]} packages: ${missing[*]}"
if (( ! native_only )) && ! dpkg --print-foreign-architectures | grep -qx arm64; then
  dpkg --add-architecture arm64
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
