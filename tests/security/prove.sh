#!/bin/bash
# Proves that each reproducer of the security suite can fail: for every weakened build,
# tests/security/weaken/<class>[.<variant>].patch (a small patch removing one defence), it copies
# the tree (tracked and new files, with the objects of one unpatched build) to a temp dir,
# applies the patch, builds ./ocrun, and runs tests/security/<class>.bats of that copy, which
# must now FAIL; the same file must pass on the unpatched build. Prints one row per patch and
# last "security-prove: N proven, N not proven"; exits non-zero unless every patch is proven.
# `make security-prove` runs it (not part of make check: about 10 minutes). It takes the shared
# test lock (/tmp/ocrun-heavy-tests.lock) itself, once the builds are done: do not wrap it in
# flock (or set PROVE_LOCK_HELD=1 when you already hold it).
# Usage: tests/security/prove.sh [CLASS ...]   (default: every patch in tests/security/weaken/)
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
LOCK=/tmp/ocrun-heavy-tests.lock
MAKE=${MAKE:-make}
JOBS=${JOBS:-2}

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
trap 'rm -rf --one-file-system "$work"' EXIT


# build DIR: ./ocrun in DIR, warnings are errors as always; the output only on failure.
build() {
  "$MAKE" -C "$1" -s -j"$JOBS" ocrun >"$1.build.log" 2>&1 || { sed 's/^/    /' "$1.build.log" >&2; return 1; }
}

# suite DIR CLASS: run DIR's tests/security/CLASS.bats against DIR/ocrun; RESULT is its summary
# line, PASSED and FAILED its counts.
suite() {
  local dir=$1 class=$2 log=$1.$2.log
  RUNTIME=$dir/ocrun "$dir/tests/security/run.sh" "$dir/tests/security/$class.bats" >"$log" 2>&1 9>&-
  . "$repo/tests/lib/summary.sh"
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
rows=() proven=0 unproven=0
for name in "${patches[@]}"; do
  class=${name%%.*}
  if [ -z "${base_result[$class]:-}" ]; then
    echo "security-prove: $class on the unpatched build"
    suite "$work/base" "$class"
    base_result[$class]=$RESULT
    base_ok[$class]=0
    [ "$FAILED" -eq 0 ] && [ "$PASSED" -gt 0 ] && base_ok[$class]=1
    [ "${base_ok[$class]}" = 1 ] || sed -n '/^not ok/,/^ok/p' "$work/base.$class.log" | head -n 40
  fi
  weak="${built[$name]}" verdict="NOT PROVEN"
  if [ "${built[$name]}" = ok ]; then
    echo "security-prove: $class on the build weakened by $name.patch"
    suite "$work/$name" "$class"
    weak=$RESULT
    if [ "$FAILED" -gt 0 ] && [ "${base_ok[$class]}" = 1 ]; then
      verdict=proven
      grep '^not ok' "$work/$name.$class.log" | sed 's/^/    /'
    fi
  fi
  [ "$verdict" = proven ] && proven=$((proven + 1)) || unproven=$((unproven + 1))
  rows+=("$(printf '%-24s %-22s %-24s %-24s %s' "$name.patch" "$class.bats" "${base_result[$class]}" "$weak" "$verdict")")
done

echo
printf '%-24s %-22s %-24s %-24s %s\n' PATCH REPRODUCER UNPATCHED WEAKENED VERDICT
printf '%s\n' "${rows[@]}"
echo "security-prove: $proven proven, $unproven not proven"
[ "$unproven" -eq 0 ]
