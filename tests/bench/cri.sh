#!/bin/bash
# cri.sh [-n N]: the time of a pod start through containerd's CRI plugin (RunPodSandbox until the
# pod's first container is running) with the runtime handlers ocrun and runc, N rounds each
# (default 7), interleaved, medians. Starts the same private containerd as the CRI suite
# (tests/cri/lib.sh) and removes everything at the end. A benchmark: nothing is asserted.
# Environment: RUNTIME (default ./ocrun), RUNC (default /usr/sbin/runc).
set -uo pipefail
N=7
while getopts n: o; do
  case $o in
    n) N=$OPTARG ;;
    *) echo "usage: $0 [-n N]" >&2; exit 2 ;;
  esac
done
[ "$N" -ge 1 ] 2>/dev/null || { echo "bench: -n needs a positive number" >&2; exit 2; }
# shellcheck disable=SC2034  # read by lib.sh
SUITE=cri-bench
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/../clients/lib.sh"
. "$here/../cri/lib.sh"
cri_setup
echo "kernel $(uname -r); $(containerd --version | awk '{print $1, $3}'); ocrun $("$CRI_OCRUN" --version | head -n 1); $("$CRI_RUNC" --version | head -n 1)"
echo "pod start = RunPodSandbox → CreateContainer → StartContainer → ContainerStatus RUNNING; $N rounds, 1 warm-up"
"$PY" "$CRI_DIR/pod_start.py" "$N" ocrun runc
