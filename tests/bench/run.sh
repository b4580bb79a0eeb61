#!/bin/bash
# Benchmark (not a test): wall time of `RUNTIME run` of /bin/true in a busybox bundle
# (create + start + wait + delete) for ocrun, runc and crun, interleaved, in one run.
# Usage: tests/bench/run.sh [-n ITERATIONS]     (default 30; env OCRUN, RUNC, CRUN override paths)
# Prints median, p90 and mean per runtime, the median ratios ocrun/crun and ocrun/runc, and the
# peak RSS of each runtime's `run` process (/usr/bin/time -f %M).
set -euo pipefail
export LC_ALL=C

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
N=30
while getopts n: o; do
  case $o in
    n) N=$OPTARG ;;
    *) echo "usage: $0 [-n ITERATIONS]" >&2; exit 2 ;;
  esac
done
[ "$N" -ge 1 ] 2>/dev/null || { echo "bench: -n needs a positive number" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "bench: needs root" >&2; exit 1; }

declare -A BIN=([ocrun]=${OCRUN:-$repo/ocrun} [runc]=${RUNC:-/usr/sbin/runc} [crun]=${CRUN:-/usr/bin/crun})
NAMES=()
for rt in ocrun runc crun; do
  if [ -x "${BIN[$rt]}" ]; then
    NAMES+=("$rt")
  else
    echo "bench: ${BIN[$rt]} not found, skipping $rt" >&2
  fi
done
[ ${#NAMES[@]} -gt 0 ] || exit 1

work=$(mktemp -d /tmp/ocrun-bench.XXXXXX)
tag=bench$$
cleanup() {
  local rt d
  for rt in "${NAMES[@]}"; do
    for d in "$work/state-$rt"/*/; do
      [ -d "$d" ] && "${BIN[$rt]}" --root "$work/state-$rt" delete --force "$(basename "$d")" >/dev/null 2>&1
    done
    for d in /sys/fs/cgroup/*/ocrun-test/"$tag-$rt"; do
      [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
    done
  done
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT

# One bundle per runtime (own cgroup), identical otherwise. crun 1.8.1 refuses ociVersion
# 1.2.0 and newer ("unknown version specified"): all three get 1.1.0.
for rt in "${NAMES[@]}"; do
  CGROUP_NAME=$tag-$rt "$repo/tests/lib/make-bundle.sh" "$work/bundle-$rt" /bin/true
  jq '.ociVersion = "1.1.0"' "$work/bundle-$rt/config.json" > "$work/c.json"
  mv "$work/c.json" "$work/bundle-$rt/config.json"
  mkdir -p "$work/state-$rt"
done

# The timed loop runs inside one private mount namespace without /sys/fs/cgroup/unified, so
# crun sees a pure v1 host instead of refusing the hybrid one; every runtime runs there.
export N work
export NAMES_LIST="${NAMES[*]}"
for rt in "${NAMES[@]}"; do export "BIN_$rt=${BIN[$rt]}"; done
unshare -m --propagation private bash -c '
  set -u
  if mountpoint -q /sys/fs/cgroup/unified; then umount /sys/fs/cgroup/unified; fi
  read -r -a names <<<"$NAMES_LIST"
  one() {  # one RT I: time one run, append microseconds to $work/RT.times
    local rt=$1 i=$2 bin var=BIN_$1 s e
    bin=${!var}
    s=$EPOCHREALTIME
    if ! "$bin" --root "$work/state-$rt" run --bundle "$work/bundle-$rt" "$rt-$i" \
         </dev/null >/dev/null 2>"$work/$rt.err"; then
      echo "bench: $rt run failed: $(tail -n 1 "$work/$rt.err")" >&2
      echo FAIL >> "$work/$rt.times"
      return
    fi
    e=$EPOCHREALTIME
    echo $(( (${e/./} - ${s/./}) )) >> "$work/$rt.times"
  }
  # Warm-up (page cache, first cgroup creation): not counted.
  for rt in "${names[@]}"; do one "$rt" w1; one "$rt" w2; done
  rm -f "$work"/*.times
  n=${#names[@]}
  for ((i = 0; i < N; i++)); do
    # Rotate the order every iteration to spread drift and noise evenly.
    for ((k = 0; k < n; k++)); do
      one "${names[(i + k) % n]}" "$i"
    done
  done
  # Peak RSS, measured apart (time(1) adds its own fork/exec).
  if [ -x /usr/bin/time ]; then
    for rt in "${names[@]}"; do
      var=BIN_$rt
      for i in 1 2 3 4 5; do
        /usr/bin/time -f %M -o "$work/$rt.rss.$i" "${!var}" --root "$work/state-$rt" run \
          --bundle "$work/bundle-$rt" "$rt-rss$i" </dev/null >/dev/null 2>&1 || true
        cat "$work/$rt.rss.$i" >> "$work/$rt.rss"
      done
    done
  fi
'

# stats FILE: "median p90 mean count failures" in milliseconds.
stats() {
  grep -v FAIL "$1" | sort -n | awk -v fails="$(grep -c FAIL "$1" || true)" '
    { v[NR] = $1; sum += $1 }
    END {
      if (NR == 0) { print "- - - 0", fails; exit }
      m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
      p = int(0.9 * NR + 0.999999); if (p < 1) p = 1; if (p > NR) p = NR
      printf "%.1f %.1f %.1f %d %d\n", m / 1000, v[p] / 1000, sum / NR / 1000, NR, fails
    }'
}
median_rss() {
  [ -s "$1" ] || { echo -; return; }
  grep -E '^[0-9]+$' "$1" | sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print "-" }'
}

echo "ocrun benchmark: RUNTIME run of /bin/true in a busybox bundle (create+start+wait+delete)"
echo "kernel $(uname -r), $(nproc) cpus, $N iterations per runtime, interleaved, private mount ns without cgroup2"
for rt in "${NAMES[@]}"; do
  printf '  %-6s %s\n' "$rt" "$("${BIN[$rt]}" --version 2>/dev/null | head -n 1)"
done
printf '%-8s %10s %10s %10s %6s %6s %12s\n' runtime "median ms" "p90 ms" "mean ms" runs fails "peak RSS KB"
declare -A MED
for rt in "${NAMES[@]}"; do
  read -r med p90 mean count fails < <(stats "$work/$rt.times")
  MED[$rt]=$med
  printf '%-8s %10s %10s %10s %6s %6s %12s\n' "$rt" "$med" "$p90" "$mean" "$count" "$fails" \
    "$(median_rss "$work/$rt.rss")"
done
ratio() {
  [[ "${MED[$1]:--}" != - && "${MED[$2]:--}" != - ]] || { echo n/a; return; }
  awk -v a="${MED[$1]}" -v b="${MED[$2]}" 'BEGIN { printf "%.2f", a / b }'
}
if [ -n "${MED[ocrun]:-}" ]; then
  [ -n "${MED[crun]:-}" ] && echo "median ratio ocrun/crun: $(ratio ocrun crun)  (target <= 0.80)"
  [ -n "${MED[runc]:-}" ] && echo "median ratio ocrun/runc: $(ratio ocrun runc)  (target <= 0.35)"
fi
