#!/bin/bash
# Proves that each reproducer of the security suite can fail: for every weakened build,
# tests/security/weaken/<class>[.<variant>].patch (a small patch removing one defence), it copies
# the tree (tracked and new files, with the objects of one unpatched build) to a temp dir,
# applies the patch, builds ./ocrun, and runs tests/security/<class>.bats of that copy, which
# must now FAIL; the same file must pass on the unpatched build. Prints one row per patch and
# last "security-prove: N proven, N not proven, N timed out"; exits non-zero unless every patch
# is proven.
# `make security-prove` runs it (not part of make check: about 10 minutes). It takes the shared
# test lock (/tmp/ocrun-heavy-tests.lock) itself, once the builds are done: do not wrap it in
# flock (or set PROVE_LOCK_HELD=1 when you already hold it).
# Each suite run is bounded (PROVE_TIMEOUT seconds, default 300, the whole run.sh process group
# killed): a hang is reported as "timed out", never as proven. After every run, whatever the run
# left is reaped (processes carrying the run's test mark, state dirs, cgroups and mounts named by
# the bundles under the run's own TMPDIR) and reported as "leftovers".
# Usage: tests/security/prove.sh [CLASS ...]   (default: every patch in tests/security/weaken/)
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
LOCK=/tmp/ocrun-heavy-tests.lock
MAKE=${MAKE:-make}
JOBS=${JOBS:-2}
PROVE_TIMEOUT=${PROVE_TIMEOUT:-300}

[ "$(id -u)" -eq 0 ] || { echo "security-prove: needs root" >&2; exit 1; }

patches=()
for p in "$here"/weaken/*.patch; do
  name=$(basename "$p" .patch)
  if [ $# -gt 0 ]; then
    keep=0
    for c in "$@"; do [ "${name%%.*}" = "$c" ] && keep=1; done
    [ "$keep" -eq 1 ] || continue
  fi
  patches+=("$name")
done
[ ${#patches[@]} -gt 0 ] || { echo "security-prove: no patch matches: $*" >&2; exit 1; }

work=$(mktemp -d /tmp/ocrun-prove.XXXXXX)
# The tests' temp dirs are under it: a user namespace's root must be able to traverse it.
chmod o+x "$work"
trap 'rm -rf --one-file-system "$work"' EXIT


# build DIR: ./ocrun in DIR, warnings are errors as always; the output only on failure.
build() {
  "$MAKE" -C "$1" -s -j"$JOBS" ocrun >"$1.build.log" 2>&1 || { sed 's/^/    /' "$1.build.log" >&2; return 1; }
}

# reap TMP TAG: remove what a suite run left: processes whose test mark carries TAG
# (tests/lib/common.bash), the containers of the state roots under TMP (delete --force of the
# unpatched build: a weakened one may be what cannot delete), the cgroups the bundles under TMP
# name (/ocrun-test/... only), mounts under TMP. LEFTOVERS says what it found ("" when nothing).
reap() {
  local tmp=$1 tag=$2 p pids f cg d root id i
  LEFTOVERS=''
  for i in 1 2 3 4 5; do
    pids=$(grep -lsaz "^OCRUN_TEST_MARK=ocrun-test-$tag-" /proc/[0-9]*/environ 2>/dev/null |
      sed -n 's|^/proc/\([0-9]*\)/environ$|\1|p' | grep -vx "$$")
    [ -n "$pids" ] || break
    [ "$i" -gt 1 ] || LEFTOVERS+="processes $(echo $pids); "
    for p in $pids; do kill -9 "$p" 2>/dev/null; done
    sleep 0.2
  done
  for root in $(find "$tmp" -type d -name state 2>/dev/null); do
    for id in "$root"/*; do
      [ -d "$id" ] || continue
      LEFTOVERS+="container ${id##*/}; "
      timeout -k 5 30 "$work/base/ocrun" --root "$root" delete --force "${id##*/}" </dev/null >/dev/null 2>&1 9>&-
    done
  done
  for f in $(find "$tmp" -name config.json 2>/dev/null); do
    cg=$(jq -r '.linux.cgroupsPath // empty' "$f" 2>/dev/null)
    [[ "$cg" == /ocrun-test/?* && "$cg" != *..* ]] || continue
    for d in /sys/fs/cgroup/*"$cg"; do
      [ -d "$d" ] || continue
      LEFTOVERS+="cgroup $d; "
      for i in 1 2 3 4 5 6 7 8 9 10; do
        for p in $(find "$d" -name cgroup.procs -exec cat {} + 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
        find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
        [ -d "$d" ] || break
        sleep 0.2
      done
    done
  done
  while read -r d; do
    LEFTOVERS+="mount $d; "
    umount -l "$d" 2>/dev/null
  done < <(awk -v t="$tmp/" 'index($5, t) == 1 { print $5 }' /proc/self/mountinfo | sort -r)
  rm -rf --one-file-system "$tmp"
}

# suite DIR CLASS: run DIR's tests/security/CLASS.bats against DIR/ocrun, bounded by
# PROVE_TIMEOUT; RESULT is its summary line ("timed out after Ns" for a hang), PASSED and FAILED
# its counts (FAILED -1 without a summary, -2 for a hang); LEFTOVERS what the run left behind.
suite() {
  local dir=$1 class=$2 log=$1.$2.log rc tmp tag
  tag=prove$$-${dir##*/}-$class
  tag=${tag//[^A-Za-z0-9-]/-}
  tmp=$dir.$class.tmp
  mkdir -p "$tmp" && chmod o+x "$tmp"
  # timeout puts run.sh, bats and the tests in its own process group and kills all of it.
  TMPDIR=$tmp OCRUN_TEST_RUN_TAG=$tag RUNTIME=$dir/ocrun timeout -k 10 "$PROVE_TIMEOUT" \
    "$dir/tests/security/run.sh" "$dir/tests/security/$class.bats" </dev/null >"$log" 2>&1 9>&-
  rc=$?
  reap "$tmp" "$tag"
  . "$repo/tests/lib/summary.sh"
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    PASSED=0 FAILED=-2 RESULT="timed out after ${PROVE_TIMEOUT}s"
    return
  fi
  if summary_read "$log" security; then
    PASSED=$SUMMARY_PASSED FAILED=$SUMMARY_FAILED
  else
    PASSED=0 FAILED=-1
  fi
  RESULT="$PASSED passed, $FAILED failed"
  [ "$FAILED" -ge 0 ] || RESULT="no summary line"
}

echo "security-prove: copying the tree to $work/base and building it"
mkdir "$work/base"
(cd "$repo" && git ls-files -co --exclude-standard -z | tar --null -T - -cf -) | tar -xf - -C "$work/base" ||
  { echo "security-prove: cannot copy the tree" >&2; exit 1; }
build "$work/base" || { echo "security-prove: the unpatched tree does not build" >&2; exit 1; }

declare -A built
for name in "${patches[@]}"; do
  cp -a "$work/base" "$work/$name"
  # Touch what the patch changes, so make rebuilds exactly that.
  if ! (cd "$work/$name" && patch -p1 --quiet --no-backup-if-mismatch <"$here/weaken/$name.patch"); then
    built[$name]="patch does not apply"
  elif ! build "$work/$name"; then
    built[$name]="does not build"
  else
    built[$name]=ok
  fi
done

# Every test run under one hold of the shared lock (the builds above ran without it).
if [ "${PROVE_LOCK_HELD:-0}" != 1 ]; then
  echo "security-prove: waiting for $LOCK"
  exec 9>>"$LOCK"
  flock 9
fi

declare -A base_result base_ok
rows=() proven=0 unproven=0 timedout=0
for name in "${patches[@]}"; do
  class=${name%%.*}
  if [ -z "${base_result[$class]:-}" ]; then
    echo "security-prove: $class on the unpatched build"
    suite "$work/base" "$class"
    base_result[$class]=$RESULT
    [ -z "$LEFTOVERS" ] || echo "security-prove: leftovers of the unpatched run, reaped: $LEFTOVERS"
    base_ok[$class]=0
    [ "$FAILED" -eq 0 ] && [ "$PASSED" -gt 0 ] && base_ok[$class]=1
    [ "${base_ok[$class]}" = 1 ] || sed -n '/^not ok/,/^ok/p' "$work/base.$class.log" | head -n 40
  fi
  weak="${built[$name]}" verdict="NOT PROVEN"
  if [ "${built[$name]}" = ok ]; then
    echo "security-prove: $class on the build weakened by $name.patch"
    suite "$work/$name" "$class"
    weak=$RESULT
    [ -z "$LEFTOVERS" ] || echo "security-prove: leftovers of the weakened run, reaped: $LEFTOVERS"
    if [ "$FAILED" -eq -2 ]; then
      verdict="timed out"
      tail -n 20 "$work/$name.$class.log" | sed 's/^/    /'
    elif [ "$FAILED" -gt 0 ] && [ "${base_ok[$class]}" = 1 ]; then
      verdict=proven
      grep '^not ok' "$work/$name.$class.log" | sed 's/^/    /'
    fi
  fi
  case $verdict in
    proven) proven=$((proven + 1)) ;;
    "timed out") timedout=$((timedout + 1)) ;;
    *) unproven=$((unproven + 1)) ;;
  esac
  rows+=("$(printf '%-27s %-22s %-24s %-26s %s' "$name.patch" "$class.bats" "${base_result[$class]}" "$weak" "$verdict")")
done

echo
printf '%-27s %-22s %-24s %-26s %s\n' PATCH REPRODUCER UNPATCHED WEAKENED VERDICT
printf '%s\n' "${rows[@]}"
echo "security-prove: $proven proven, $unproven not proven, $timedout timed out"
[ "$unproven" -eq 0 ] && [ "$timedout" -eq 0 ]
