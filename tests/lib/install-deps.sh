#!/bin/bash
# Install the Debian packages ocrun needs to build and to run every test suite and the demo.
# Idempotent: only missing packages are installed (apt-get update runs only then). Quiet:
# prints one line saying what it installed.
set -euo pipefail

PACKAGES=(
  build-essential pkg-config libcap-dev libseccomp-dev libyajl-dev libcmocka-dev
  bats busybox-static runc crun jq python3 time
  iproute2 util-linux procps psmisc tmux patch libcap2-bin
  qemu-system-x86 xz-utils cpio hyperfine
  containerd python3-grpcio python3-grpc-tools python3-protobuf
  criu golang-github-containers-common
  cppcheck clang-tidy clang-format
  clang libclang-rt-14-dev valgrind
  stress-ng gnuplot-nox libcgroup-dev cgroup-tools
)

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: run as root (or install sudo)" >&2; exit 1; }
  as_root=(sudo)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
    missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages already installed"
  exit 0
fi

log=$(mktemp /tmp/install-deps.XXXXXX.log)
export DEBIAN_FRONTEND=noninteractive
if ! "${as_root[@]}" apt-get update -qq >"$log" 2>&1 ||
   ! "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$log" 2>&1; then
  tail -n 20 "$log" >&2
  echo "install-deps: apt-get failed (full log: $log)" >&2
  exit 1
fi
rm -f "$log"
echo "install-deps: installed ${missing[*]}"
