#!/bin/bash
# Benchmark (not a test): where the time of one `ocrun run` goes, phase by phase, from --debug.
# Usage: tests/bench/phases.sh [-n RUNS] [-s] [-k K] [-p P] [-o TSV] [NAME=BINARY...]  (default ocrun=./ocrun)
#   -s: with podman's default seccomp profile (tests/lib/podman-seccomp.jq)
#   -k: K containers (sleep) of the first binary keep running meanwhile (default 0)
#   -p: P runs at once (a burst) per sample, every one of them counted (default 1)
#   -o: also write the medians as a tab-separated table (phase, one column per NAME) for
#       tests/bench/plot-phases.sh
# Several binaries (e.g. old=/tmp/ocrun.old new=./ocrun) run interleaved, order rotating, in
# one private mount namespace without /sys/fs/cgroup/unified (as scenarios.sh: a pure v1 host).
# Each phase's figure is the median over the runs of (its elapsed ms - the previous phase's);
# "outside" is the wall time around the whole run minus the last phase's elapsed ms (fork, exec,
# the dynamic loader, main() up to the log origin, and the exit).
set -euo pipefail
export LC_ALL=C

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
N=20 SECCOMP= TSV= K=0 P=1
while getopts n:sk:p:o: o; do
  case $o in
    n) N=$OPTARG ;;
    s) SECCOMP=1 ;;
    o) TSV=$OPTARG ;;
    k) K=$OPTARG ;;
    p) P=$OPTARG ;;
    *) echo "usage: $0 [-n RUNS] [-s] [-k K] [-p P] [-o TSV] [NAME=BINARY...]" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[ "$N" -ge 1 ] 2>/dev/null || { echo "phases: -n needs a positive number" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "phases: needs root" >&2; exit 1; }
[ $# -gt 0 ] || set -- "ocrun=$repo/ocrun"
NAMES=() BINS=()
for a in "$@"; do
  [[ $a == *=* ]] || { echo "phases: NAME=BINARY expected, got $a" >&2; exit 2; }
  NAMES+=("${a%%=*}") BINS+=("${a#*=}")
  [ -x "${a#*=}" ] || { echo "phases: ${a#*=} is not executable" >&2; exit 1; }
done

work=$(mktemp -d /tmp/ocrun-phases.XXXXXX)
tag=bph$$
cleanup() {
  local d
  for d in "$work"/state-*/*/; do
    [ -d "$d" ] && "${BINS[0]}" --root "$(dirname "$d")" delete --force "$(basename "$d")" >/dev/null 2>&1 || true
  done
  for d in /sys/fs/cgroup/*/ocrun-test/"$tag"-*; do [ -d "$d" ] && rmdir "$d" 2>/dev/null || true; done
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT
echo '{"mode":"off"}' > "$work/policy.json"
export OCRUN_POLICY=$work/policy.json
CGROUP_NAME=$tag-base "$repo/tests/lib/make-bundle.sh" "$work/base" /bin/true
jq --arg r "$work/base/rootfs" '.ociVersion = "1.1.0" | .root.path = $r' "$work/base/config.json" > "$work/config.json"
if [ -n "$SECCOMP" ]; then
  caps=$(jq -c .process.capabilities.bounding "$work/config.json")
  jq -c --argjson caps "$caps" --argjson drop '[]' --argjson eperm false \
    -f "$here/../lib/podman-seccomp.jq" /usr/share/containers/seccomp.json > "$work/seccomp.oci"
  jq --slurpfile s "$work/seccomp.oci" '.linux.seccomp = $s[0]' "$work/config.json" > "$work/c.json"
  mv "$work/c.json" "$work/config.json"
fi

jq '.process.args = ["sleep", "1000000"]' "$work/config.json" > "$work/sleep.json"
export N K P work tag NAMES_LIST="${NAMES[*]}" BINS_LIST="${BINS[*]}"
unshare -m --propagation private bash -c '
  set -u
  if mountpoint -q /sys/fs/cgroup/unified; then umount /sys/fs/cgroup/unified; fi
  read -r -a names <<<"$NAMES_LIST"; read -r -a bins <<<"$BINS_LIST"
  n=${#names[@]} seq=0
  for nm in "${names[@]}"; do mkdir -p "$work/state-$nm" "$work/log-$nm"; done
  timed() {  # timed BIN NAME ID LOG: one run, its --debug records and wall time in LOG
    local s t
    s=$EPOCHREALTIME
    "$1" --debug --root "$work/state-$2" run --bundle "$work/b-$3" "$3" </dev/null >/dev/null 2>"$4"
    t=$EPOCHREALTIME
    echo "wall $(( ${t/./} - ${s/./} ))" >> "$4"
  }
  one() {  # one INDEX COUNTED: P runs at once
    local nm=${names[$1]} bin=${bins[$1]} p ids=()
    for ((p = 0; p < P; p++)); do
      seq=$((seq + 1)); ids+=("c$seq"); mkdir "$work/b-c$seq"
      jq --arg c "/ocrun-test/$tag-c$seq" ".linux.cgroupsPath = \$c" "$work/config.json" > "$work/b-c$seq/config.json"
    done
    for id in "${ids[@]}"; do timed "$bin" "$nm" "$id" "$work/log-$nm/$id" & done
    wait
    for id in "${ids[@]}"; do rm -rf "$work/b-$id"; [ "$2" = 1 ] || rm "$work/log-$nm/$id"; done
  }
  mkdir -p "$work/state-sleepers"
  for ((k = 0; k < K; k++)); do
    mkdir "$work/s$k"; jq --arg c "/ocrun-test/$tag-s$k" ".linux.cgroupsPath = \$c" "$work/sleep.json" > "$work/s$k/config.json"
    "${bins[0]}" --root "$work/state-sleepers" run -d --bundle "$work/s$k" "s$k" </dev/null >/dev/null 2>&1 || echo "phases: sleeper $k failed" >&2
  done
  for ((k = 0; k < n; k++)); do one $k 0; one $k 0; done  # warm-up
  for ((i = 0; i < N; i++)); do for ((k = 0; k < n; k++)); do one $(((i + k) % n)) 1; done; done
  for ((k = 0; k < K; k++)); do "${bins[0]}" --root "$work/state-sleepers" delete -f "s$k" >/dev/null 2>&1; done
'

PHASES="config admission cgroup clone namespaces mounts pivot_root ready start seccomp exec exited deleted"
# per_run NAME: one line per run and phase, "phase delta_ms", deltas against the previous phase
# present in that run (the runtime and the init log concurrently: sorted by time, named by phase).
per_run() {
  local f
  for f in "$work/log-$1"/*; do
    awk -v order="$PHASES" '
      BEGIN { n = split(order, o, " "); for (i = 1; i <= n; i++) rank[o[i]] = i }
      /^ocrun: debug: *[0-9.]+ ms [a-z_]+ \(pid/ { t[$5] = $3 }
      /^wall / { wall = $2 / 1000 }
      END {
        prev = 0
        for (i = 1; i <= n; i++) if (o[i] in t) { printf "%s %.3f\n", o[i], t[o[i]] - prev; prev = t[o[i]] }
        printf "outside %.3f\ntotal %.3f\n", wall - prev, wall
      }' "$f"
  done
}
med() { sort -n | awk '{ v[NR] = $1 } END { if (!NR) { print "-"; exit } m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
  p = int(0.9 * NR + 0.999999); printf "%.2f/%.2f\n", m, v[p] }'; }

echo "phase breakdown of \`run\` (--debug; median/p90 ms of $((N * P)) runs each, interleaved; kernel $(uname -r);"
echo "  $(nproc) cpus; timed as pure cgroup v1${SECCOMP:+; podman seccomp profile}; $K other containers running; $P at once)"
printf '%-11s' phase; for nm in "${NAMES[@]}"; do printf ' %14s' "$nm"; done; echo
[ -n "$TSV" ] && { printf 'phase'; printf '\t%s' "${NAMES[@]}"; echo; } > "$TSV"
for nm in "${NAMES[@]}"; do per_run "$nm" > "$work/rows-$nm"; done
for ph in $PHASES outside total; do
  printf '%-11s' "$ph"; line=$ph
  for nm in "${NAMES[@]}"; do
    v=$(awk -v p="$ph" '$1 == p { print $2 }' "$work/rows-$nm" | med)
    printf ' %14s' "$v"; line+=$'\t'${v%%/*}
  done
  echo
  [ -n "$TSV" ] && [ "$ph" != total ] && echo "$line" >> "$TSV"
done
exit 0
