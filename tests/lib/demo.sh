#!/bin/bash
# make demo: build a busybox bundle and walk a real container through create, state, start
# and delete with ocrun, printing what the container sees of itself.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
RUNTIME=${RUNTIME:-$repo/ocrun}
[ "$(id -u)" -eq 0 ] || { echo "demo: run as root (sudo make demo)" >&2; exit 1; }
[ -x "$RUNTIME" ] || { echo "demo: $RUNTIME not built (make)" >&2; exit 1; }

work=$(mktemp -d /tmp/ocrun-demo.XXXXXX)
id=demo-$$
root=$work/state
cleanup() {
  "$RUNTIME" --root "$root" delete --force "$id" >/dev/null 2>&1 || true
  local d
  for d in /sys/fs/cgroup/*/ocrun-test/"$id" /sys/fs/cgroup/ocrun-test/"$id"; do
    [ -d "$d" ] && rmdir "$d" 2>/dev/null
  done
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT

if [ -t 1 ]; then
  step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
else
  step() { printf '\n$ %s\n' "$*"; }
fi

CGROUP_NAME=$id "$here/make-bundle.sh" "$work/bundle" sh /demo.sh
cat > "$work/bundle/rootfs/demo.sh" <<'SCRIPT'
echo "hostname:         $(hostname)"
echo "id:               $(id)"
echo "pid in container: $$"
echo "$(grep -E '^(CapEff|NoNewPrivs)' /proc/self/status | xargs)"
echo "--- cat /proc/self/cgroup"
cat /proc/self/cgroup
echo "--- ps"
ps -o pid,user,comm
echo "--- mounts"
awk '{ print $5, $(NF - 2) }' /proc/self/mountinfo | head -n 10
echo "($(wc -l < /proc/self/mountinfo) mounts in all, with masked and read-only paths)"
echo "--- network interfaces: $(ls /sys/class/net | xargs)"
SCRIPT
jq '.hostname = "ocrun-demo"' "$work/bundle/config.json" > "$work/config.json"
mv "$work/config.json" "$work/bundle/config.json"
echo "bundle: $work/bundle (busybox rootfs from $(readlink -f /bin/busybox), config.json)"

step ocrun create --bundle "$work/bundle" "$id"
"$RUNTIME" --root "$root" create --bundle "$work/bundle" --pid-file "$work/pid" "$id"
step ocrun state "$id"
"$RUNTIME" --root "$root" state "$id"
echo "(the container's init, pid $(cat "$work/pid") on the host, waits for start)"

step ocrun start "$id"
"$RUNTIME" --root "$root" start "$id"
for _ in $(seq 500); do
  st=$("$RUNTIME" --root "$root" state "$id" | jq -r .status)
  [ "$st" = stopped ] && break
  sleep 0.01
done

step ocrun state "$id"
"$RUNTIME" --root "$root" state "$id" | jq -c '{id, status, pid}'
step ocrun delete "$id"
"$RUNTIME" --root "$root" delete "$id"
if ls -d /sys/fs/cgroup/*/ocrun-test/"$id" >/dev/null 2>&1; then
  echo "cgroup left behind!"
  exit 1
fi
echo "deleted: state dir and cgroup /ocrun-test/$id are gone"
