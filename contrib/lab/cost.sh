#!/bin/bash
# cost.sh [ROUNDS]: libcgroup's per-call cost next to ocrun's whole `run`, the numbers README's
# "Why ocrun keeps its own cgroup driver" cites. Medians of ROUNDS (default 200; 50 runs):
#   cgroup_init_us     libcgroup's cgroup_init() (it parses /proc/mounts and /proc/cgroups)
#   create_delete_us   one group in cpu, cpuacct, cpuset, memory made and removed by libcgroup
#   ocrun_run_ms       `ocrun run` of /bin/true in a busybox bundle (create + start + wait + delete)
# Root; uses ocrun-lab/ (removed at the end) and a private --root and ledger.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
rounds=${1:-200}
tmp=$(mktemp -d /tmp/ocrun-lab-cost.XXXXXX)
cleanup() {
  "$top/ocrun" --root "$tmp/root" delete --force cost 2>/dev/null || true
  "$here/vmcg" delete ocrun-lab 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
cpu=$(($(nproc) - 1))
"$here/vmcg" create ocrun-lab --cpus "$cpu"
"$here/vmcg" cost "$rounds" "$cpu"
CGROUP_NAME=lab-cost "$top/tests/lib/make-bundle.sh" "$tmp/b" true
jq '.linux.cgroupsPath = "/ocrun-lab/cost"' "$tmp/b/config.json" > "$tmp/c.json" && mv "$tmp/c.json" "$tmp/b/config.json"
for i in $(seq 50); do
  s=$(date +%s%N)
  OCRUN_LEDGER_DIR=$tmp "$top/ocrun" --root "$tmp/root" run --bundle "$tmp/b" cost </dev/null >/dev/null
  echo $(( ($(date +%s%N) - s) / 1000 ))
done | sort -n | awk '{ v[NR] = $1 } END { printf "ocrun_run_ms %.2f\nocrun_runs %d\n", v[int((NR + 1) / 2)] / 1000, NR }'
