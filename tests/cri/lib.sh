# shellcheck shell=bash disable=SC2034  # variables used by the scripts that source this
# Setup and teardown of the CRI suite (run.sh) and its benchmark (tests/bench/cri.sh). Source it
# after tests/clients/lib.sh (make_private_dir, at_cleanup, ensure_packages, wait_for,
# kill_procs_matching). cri_setup starts a private containerd with the CRI plugin and exports
# for suite.py: CRI_SOCK, CRI_PRIV, CRI_OCRUN, CRI_RUNC, CRI_ROOT_OCRUN, CRI_ROOT_RUNC,
# CRI_CGROUP_PARENT (absolute, under /ocrun-test, with "kubepods" in it), CRI_POLICY (the policy
# file every ocrun of the suite reads: {} = the built-in defaults), CRI_LEDGER (a private ledger
# dir), CRI_IMAGE, CRI_PAUSE_IMAGE.

CRI_DIR=$REPO/tests/cri
CRI_WORK=$WORK/../cri
PY=/usr/bin/python3     # Debian's python: python3-grpcio and friends live there
CRI_IMAGE=localhost/ocrun-test/busybox:latest
CRI_PAUSE_IMAGE=localhost/ocrun-test/pause:latest
CDPID=

# cri_skip REASON: the suite cannot run here; say why and end with a summary of nothing.
cri_skip() {
  printf 'ok %s: CRI suite # skip %s\n' "$SUITE" "$1"
  summary_print "$SUITE" 0 0 1
  exit 0
}

cri_python_deps() {
  "$PY" -c 'import grpc, grpc_tools.protoc, google.protobuf' 2>/dev/null && return 0
  log "$SUITE: installing python3-grpcio python3-grpc-tools python3-protobuf"
  export DEBIAN_FRONTEND=noninteractive
  { apt-get install -y -q python3-grpcio python3-grpc-tools python3-protobuf ||
    { apt-get update -q && apt-get install -y -q python3-grpcio python3-grpc-tools python3-protobuf; }
  } >/dev/null 2>&1 || die "could not install python3-grpcio python3-grpc-tools python3-protobuf"
}

# cri_images: the two OCI archives (cached in tests/.work/cri, rebuilt when their inputs change).
cri_images() {
  local stamp
  mkdir -p "$CRI_WORK"
  stamp=$(sha256sum /bin/busybox "$CRI_DIR/pause.c" "$CRI_DIR/oci_image.py" \
    "$REPO/tests/lib/make-rootfs.sh" | awk '{print $1}' | paste -sd-)
  if [ -s "$CRI_WORK/pause.tar" ] && [ -s "$CRI_WORK/busybox.tar" ] &&
    [ "$(cat "$CRI_WORK/stamp" 2>/dev/null)" = "$stamp" ]; then
    return 0
  fi
  mkdir -p "$PRIV/pause-rootfs"
  gcc -std=gnu11 -O2 -s -static -Wall -Wextra -Werror -o "$PRIV/pause-rootfs/pause" "$CRI_DIR/pause.c" ||
    die "could not build tests/cri/pause.c"
  "$PY" "$CRI_DIR/oci_image.py" "$CRI_PAUSE_IMAGE" "$PRIV/pause-rootfs" "$CRI_WORK/pause.tar" \
    --cmd /pause || die "could not write the pause image"
  "$REPO/tests/lib/make-rootfs.sh" "$PRIV/busybox-rootfs" >/dev/null || die "tests/lib/make-rootfs.sh failed"
  "$PY" "$CRI_DIR/oci_image.py" "$CRI_IMAGE" "$PRIV/busybox-rootfs" "$CRI_WORK/busybox.tar" \
    --cmd /bin/sh || die "could not write the busybox image"
  rm -rf "$PRIV/pause-rootfs" "$PRIV/busybox-rootfs"
  echo "$stamp" >"$CRI_WORK/stamp"
}

# cri_stop: every pod of the private containerd, containerd itself and its shims (by PID), the
# cgroups under the suite's parent, the /run/containerd dirs this run created.
cri_stop() {
  local t d
  if [ -n "$CDPID" ]; then
    CRI_SOCK=$CRI_SOCK "$PY" "$CRI_DIR/suite.py" --remove-all-pods >/dev/null 2>&1
    kill -TERM "$CDPID" 2>/dev/null
    for t in $(seq 100); do kill -0 "$CDPID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$CDPID" 2>/dev/null
    wait "$CDPID" 2>/dev/null
  fi
  # Shims outlive containerd; theirs carry our private socket path in their command line.
  kill_procs_matching "$CRI_SOCK"
  for d in /sys/fs/cgroup/*/"$CRI_CGROUP_TOP"; do
    [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
  done
  for ((t = ${#CRI_RUN_DIRS[@]} - 1; t >= 0; t--)); do rmdir "${CRI_RUN_DIRS[t]}" 2>/dev/null; done
}

cri_setup() {
  ensure_packages containerd:containerd ctr:containerd gcc:build-essential \
    /usr/sbin/runc:runc
  cri_python_deps
  make_private_dir
  [ -x "$RUNTIME" ] || die "runtime $RUNTIME not found or not executable (make, or set RUNTIME)"
  cri_images
  CRI_PRIV=$PRIV
  CRI_SOCK=$PRIV/containerd.sock
  CRI_OCRUN=$(readlink -f "$RUNTIME")
  CRI_RUNC=${RUNC:-/usr/sbin/runc}
  CRI_ROOT_OCRUN=$PRIV/ocrun-root/k8s.io
  CRI_ROOT_RUNC=$PRIV/runc-root/k8s.io
  # Where kubelet (cgroupfs driver) would put a pod: .../kubepods/burstable/pod<uid>.
  CRI_CGROUP_TOP=/ocrun-test/cri-$$
  CRI_CGROUP_PARENT=$CRI_CGROUP_TOP/kubepods/burstable
  CRI_POLICY=$PRIV/policy.json
  CRI_LEDGER=$PRIV/ledger
  echo '{}' >"$CRI_POLICY"
  # containerd 1.6 hard-codes /run/containerd/{s,fifo} for shim sockets: remove them at the end
  # if this run created them (and they are empty).
  CRI_RUN_DIRS=()
  for d in /run/containerd /run/containerd/s /run/containerd/fifo; do
    [ -e "$d" ] || CRI_RUN_DIRS+=("$d")
  done
  mkdir -p "$PRIV/cni" "$PRIV/ocrun-root" "$PRIV/runc-root" "$CRI_LEDGER"
  sed -e "s|@PRIV@|$PRIV|g" -e "s|@OCRUN@|$CRI_OCRUN|g" -e "s|@RUNC@|$CRI_RUNC|g" \
    "$CRI_DIR/containerd-cri.toml.in" >"$PRIV/containerd.toml"
  export CRI_SOCK CRI_PRIV CRI_OCRUN CRI_RUNC CRI_ROOT_OCRUN CRI_ROOT_RUNC CRI_CGROUP_PARENT \
    CRI_POLICY CRI_LEDGER CRI_IMAGE CRI_PAUSE_IMAGE
  # containerd → shim → runtime inherit the environment: every ocrun the pods run reads the
  # suite's policy file and ledger.
  OCRUN_POLICY=$CRI_POLICY OCRUN_LEDGER_DIR=$CRI_LEDGER \
    containerd --config "$PRIV/containerd.toml" >"$PRIV/containerd.log" 2>&1 &
  CDPID=$!
  at_cleanup cri_stop
  if ! wait_for 30 "$PY" "$CRI_DIR/suite.py" --version; then
    kill -0 "$CDPID" 2>/dev/null && cri_stop
    cri_skip "containerd's CRI plugin did not start: $(grep -m1 -iE 'level=(fatal|error)' "$PRIV/containerd.log" | cut -c1-200)"
  fi
  local a
  for a in pause busybox; do
    timeout 120 ctr --address "$CRI_SOCK" -n k8s.io images import "$CRI_WORK/$a.tar" >/dev/null ||
      die "ctr images import $CRI_WORK/$a.tar failed"
  done
}
