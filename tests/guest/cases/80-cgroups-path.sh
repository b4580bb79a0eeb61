# 80-cgroups-path: a relative cgroupsPath is placed relative to the cgroup the runtime runs in
# (inside it, or inside its parent as runc does because a cgroup with processes cannot enable
# controllers for children), never at the hierarchy root; delete removes it.
. /tests/lib.sh

own=$CGBASE/self/runner
mkdir -p "$CG$own"
b=$(mkbundle rel "ocrun-rel/ct" '["sleep", "1000"]')
# Start the runtime from inside $own: the subshell moves itself there first.
_containers="$_containers rel"
if ! ( echo 0 > "$CG$own/cgroup.procs" && start_detached rel "$b" ); then
  fail relative-cgroups-path "container did not start: $(tail -n 1 "$BUNDLES/rel.log")"
  exit 0
fi
pid=$(init_pid rel)
got=$(sed -n 's/^0:://p' "/proc/$pid/cgroup")
case $got in
  "$own/ocrun-rel/ct"|"${own%/*}/ocrun-rel/ct")
    pass relative-cgroups-path
    echo "relative-cgroups-path: placed at $got" >&2 ;;
  *) fail relative-cgroups-path "want $own/ocrun-rel/ct (or under its parent), got '$got'" ;;
esac
ocrun delete -f rel >/dev/null 2>&1
if [ -n "$got" ] && [ -d "$CG$got" ]; then
  fail relative-delete-removes-cgroup "$got still exists"
else
  pass relative-delete-removes-cgroup
fi
