#!/bin/bash
# clients.sh: time `podman run --rm IMG true` and `ctr run --rm IMG ID true` with ocrun, runc and
# crun, N rounds interleaved (one warm-up round not counted), then print medians and ratios.
# crun refuses hybrid cgroup hosts, so every runtime runs under the same conditions: the whole
# benchmark runs inside one private mount namespace (`unshare -m`) in which
# /sys/fs/cgroup/unified is unmounted, i.e. all three see a pure cgroup v1 host. Nothing is
# asserted: these are numbers for the report.
# Environment: BENCH_N (rounds, default 10), OCRUN (default ./ocrun), RUNC (/usr/sbin/runc),
# CRUN (/usr/bin/crun); a runtime whose binary is missing is left out.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
clients=$here/../clients

if [ "${BENCH_IN_NS:-0}" != 1 ]; then
  # Re-run inside a private mount namespace; its mounts vanish with it.
  BENCH_IN_NS=1 exec unshare -m --propagation private /bin/bash "$0" "$@"
fi
if mountpoint -q /sys/fs/cgroup/unified; then
  umount /sys/fs/cgroup/unified || { echo "bench: cannot unmount /sys/fs/cgroup/unified" >&2; exit 1; }
fi

# shellcheck disable=SC2034  # read by lib.sh
SUITE=bench
export CLIENTS_TRACE=0
. "$clients/lib.sh"
N=${BENCH_N:-10}
declare -A BIN=([ocrun]=${OCRUN:-$REPO/ocrun} [runc]=${RUNC:-/usr/sbin/runc} [crun]=${CRUN:-/usr/bin/crun})
RUNTIMES=()
for rt in ocrun runc crun; do
  if [ -x "${BIN[$rt]}" ]; then RUNTIMES+=("$rt"); else echo "bench: ${BIN[$rt]} missing, $rt left out"; fi
done

archive=$("$clients/image.sh") || die "could not build the image archive"
make_private_dir

# Private containerd.
SOCK=$PRIV/containerd.sock
CDPID=
sed "s|@PRIV@|$PRIV|g" "$clients/containerd.toml.in" >"$PRIV/containerd.toml"
mkdir -p "$PRIV/fifo"
containerd --config "$PRIV/containerd.toml" >"$PRIV/containerd.log" 2>&1 &
CDPID=$!
stop_containerd() {
  kill -TERM "$CDPID" 2>/dev/null
  local i
  for i in $(seq 100); do kill -0 "$CDPID" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$CDPID" 2>/dev/null
  wait "$CDPID" 2>/dev/null
  kill_procs_matching "$SOCK"
  rmdir "$CG_V1"/*/ocrun-bench
}
at_cleanup stop_containerd
wait_for 20 ctr --address "$SOCK" version || die "private containerd did not come up"
c() { ctr --address "$SOCK" --namespace ocrun-bench "$@"; }
c images import "$archive" >/dev/null || die "ctr images import failed"

# Private podman: one containers.conf registering all runtimes (JSON logs for all of them).
export CONTAINERS_CONF=$PRIV/containers.conf
sed -e "s|@PRIV@|$PRIV|g" -e "s|@RUNTIME_NAME@|ocrun|g" -e "s|@RUNTIME@|${BIN[ocrun]}|g" \
  "$clients/containers.conf.in" >"$CONTAINERS_CONF"
mkdir -p "$PRIV/cni"
PM=(--root "$PRIV/storage" --runroot "$PRIV/run" --tmpdir "$PRIV/tmp" --storage-driver overlay
  --cgroup-manager cgroupfs --events-backend file)
at_cleanup "podman ${PM[*]} rm -f -a -t 0; podman ${PM[*]} system reset -f; rmdir $CG_V1/*/libpod_parent/conmon $CG_V1/*/libpod_parent"
podman "${PM[@]}" load -q -i "$archive" >/dev/null || die "podman load failed"

now() { date +%s%N; }
declare -A T  # T[client,runtime] = space-separated times in ms

time_one() { # CLIENT RUNTIME: one timed run, prints ms or FAIL
  local client=$1 rt=$2 t0 t1 out
  t0=$(now)
  if [ "$client" = podman ]; then
    out=$(podman "${PM[@]}" --runtime "${BIN[$rt]}" run --rm --network none "$IMAGE" true 2>&1)
  else
    out=$(c run --runc-binary "${BIN[$rt]}" --runc-root "$PRIV/root-$rt" --fifo-dir "$PRIV/fifo" \
      --rm "$IMAGE" "b-$rt-$RANDOM$RANDOM" true 2>&1)
  fi
  local rc=$?
  t1=$(now)
  if [ $rc -ne 0 ]; then
    echo "bench: $client with $rt failed: $(printf '%s' "$out" | tail -n 1)" >&2
    echo FAIL
    return
  fi
  echo $(((t1 - t0) / 1000000))
}

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {if (NR==0) print "-"; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

echo "bench: clients, $N rounds interleaved, runtimes: ${RUNTIMES[*]} (pure v1 view: unified unmounted)"
for client in podman ctr; do
  for rt in "${RUNTIMES[@]}"; do
    [ "$(time_one "$client" "$rt")" != FAIL ] || { echo "bench: $client/$rt fails its warm-up, left out"; T[$client,$rt]=FAIL; }
  done
done
for ((i = 1; i <= N; i++)); do
  for client in podman ctr; do
    for rt in "${RUNTIMES[@]}"; do
      [ "${T[$client,$rt]:-}" = FAIL ] && continue
      v=$(time_one "$client" "$rt")
      [ "$v" = FAIL ] || T[$client,$rt]="${T[$client,$rt]:-} $v"
    done
  done
done

printf '%-8s %-8s %10s %14s %14s\n' client runtime "median ms" "ocrun/this" "runs"
for client in podman ctr; do
  declare -A M=()
  for rt in "${RUNTIMES[@]}"; do
    [ "${T[$client,$rt]:-}" = FAIL ] && { M[$rt]=-; continue; }
    M[$rt]=$(echo "${T[$client,$rt]:-}" | median)
  done
  for rt in "${RUNTIMES[@]}"; do
    ratio=-
    if [ "${M[$rt]}" != - ] && [ "${M[ocrun]:--}" != - ]; then
      ratio=$(awk -v a="${M[ocrun]}" -v b="${M[$rt]}" 'BEGIN { printf "%.2f", a / b }')
    fi
    printf '%-8s %-8s %10s %14s %14s\n' "$client" "$rt" "${M[$rt]}" "$ratio" "$(echo ${T[$client,$rt]:-} | wc -w)"
  done
done
