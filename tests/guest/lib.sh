# lib.sh: helpers sourced by every guest case (busybox sh, inside the cgroup v2 guest).
# A case prints "ok NAME" or "not ok NAME: REASON" per check; anything on stderr is shown as
# a "# " diagnostic. The runtime under test is `ocrun` on PATH (runc when RUNTIME=runc).

CG=/sys/fs/cgroup
BUNDLES=/run/bundles
CASE=${CASE:-$(basename "$0" .sh)}
# Every cgroup a case creates lives under /ocrun-test/$CASE.
CGBASE=/ocrun-test/$CASE
_containers=""

# The cases test the cgroup v2 driver, not the default size: ocrun's built-in policy gives a
# container without a memory limit 1 GiB, more than this ~1 GB guest can admit. They run under
# no_limit_policy unbounded (runc's behaviour); 90-overcommit checks the built-in default itself.
GUEST_POLICY=/run/guest-policy.json
[ -f "$GUEST_POLICY" ] || echo '{"no_limit_policy": "unbounded"}' >"$GUEST_POLICY"
export OCRUN_POLICY=$GUEST_POLICY

pass() { echo "ok $1"; }
fail() { echo "not ok $1: $2"; }

# expect_eq NAME WANT GOT
expect_eq() {
  if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "want '$2', got '$3'"; fi
}

# expect_range NAME VALUE LO HI [WHAT]: integer LO <= VALUE <= HI.
expect_range() {
  case $2 in
    ''|*[!0-9-]*) fail "$1" "${5:-value} '$2' is not a number"; return ;;
  esac
  if [ "$2" -ge "$3" ] && [ "$2" -le "$4" ]; then
    pass "$1"
    echo "$1: ${5:-value} $2 (accepted $3..$4)" >&2
  else
    fail "$1" "${5:-value} $2 outside $3..$4"
  fi
}

# Guest uptime in centiseconds.
now_cs() { awk '{ split($1, t, "."); print t[1] * 100 + t[2] }' /proc/uptime; }

# wait_for SECONDS CMD...: poll CMD every 0.1 s until it succeeds; 1 on timeout
# (tests/lib/wait.sh, copied into the guest by run.sh).
WAIT_INTERVAL=0.1
. /tests/wait.sh

# cgread CGPATH FILE: a cgroup file of the guest hierarchy (read from outside the container).
cgread() { cat "$CG$1/$2" 2>/dev/null; }
# cgkey CGPATH FILE KEY: the value of KEY in a flat-keyed file (cpu.stat, memory.events, ...).
cgkey() { awk -v k="$3" '$1 == k { print $2 }' "$CG$1/$2" 2>/dev/null; }

# mkbundle NAME CGPATH ARGS_JSON [RESOURCES_JSON] [EXTRA_MOUNTS_JSON]
# Writes $BUNDLES/NAME/config.json (shared read-only busybox root, cgroup namespace, /tmp tmpfs).
# RESOURCES_JSON is the inside of linux.resources; without a "devices" key, all devices are
# denied except the runtime's defaults.
mkbundle() {
  _dir=$BUNDLES/$1
  _res=${4:-}
  case $_res in
    *'"devices"'*) ;;
    *) _res="\"devices\": [ { \"allow\": false, \"access\": \"rwm\" } ]${_res:+, $_res}" ;;
  esac
  mkdir -p "$_dir"
  cat > "$_dir/config.json" <<EOF
{
  "ociVersion": "1.0.2",
  "process": {
    "terminal": false,
    "user": { "uid": 0, "gid": 0 },
    "args": $3,
    "env": [ "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root" ],
    "cwd": "/",
    "capabilities": {
      "bounding": [ "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_KILL", "CAP_SETGID", "CAP_SETUID" ],
      "effective": [ "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_KILL", "CAP_SETGID", "CAP_SETUID" ],
      "permitted": [ "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_KILL", "CAP_SETGID", "CAP_SETUID" ]
    },
    "noNewPrivileges": true
  },
  "root": { "path": "/bundle/rootfs", "readonly": true },
  "hostname": "$1",
  "mounts": [
    { "destination": "/proc", "type": "proc", "source": "proc" },
    { "destination": "/dev", "type": "tmpfs", "source": "tmpfs",
      "options": [ "nosuid", "strictatime", "mode=755", "size=65536k" ] },
    { "destination": "/dev/pts", "type": "devpts", "source": "devpts",
      "options": [ "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620" ] },
    { "destination": "/dev/shm", "type": "tmpfs", "source": "shm",
      "options": [ "nosuid", "noexec", "nodev", "mode=1777", "size=65536k" ] },
    { "destination": "/tmp", "type": "tmpfs", "source": "tmpfs",
      "options": [ "nosuid", "nodev", "mode=1777", "size=65536k" ] },
    { "destination": "/sys", "type": "sysfs", "source": "sysfs",
      "options": [ "nosuid", "noexec", "nodev", "ro" ] },
    { "destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup",
      "options": [ "nosuid", "noexec", "nodev", "relatime", "ro" ] }${5:+,
    $5}
  ],
  "linux": {
    "cgroupsPath": "$2",
    "resources": { $_res },
    "namespaces": [
      { "type": "pid" }, { "type": "ipc" }, { "type": "uts" }, { "type": "mount" },
      { "type": "network" }, { "type": "cgroup" }
    ],
    "maskedPaths": [ "/proc/kcore", "/proc/keys", "/proc/timer_list", "/sys/firmware" ],
    "readonlyPaths": [ "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger" ]
  }
}
EOF
  echo "$_dir"
}

# start_detached ID BUNDLE_DIR: `ocrun run -d`; container output goes to $BUNDLES/ID.log.
start_detached() {
  _containers="$_containers $1"
  ocrun run -d --bundle "$2" "$1" </dev/null >"$BUNDLES/$1.log" 2>&1 || {
    echo "run -d $1 failed: $(tail -n 3 "$BUNDLES/$1.log")" >&2
    return 1
  }
}

# run_fg ID BUNDLE_DIR: `ocrun run` in the foreground; prints its exit status.
run_fg() {
  _containers="$_containers $1"
  ocrun run --bundle "$2" "$1" </dev/null >"$BUNDLES/$1.log" 2>&1
  echo $?
}

# status ID: the container's status from `ocrun state` (created, running, paused, stopped).
status() {
  ocrun state "$1" 2>/dev/null | sed -n 's/.*"status": *"\([a-z]*\)".*/\1/p' | head -n 1
}
is_status() { [ "$(status "$1")" = "$2" ]; }
init_pid() { ocrun state "$1" 2>/dev/null | sed -n 's/.*"pid": *\([0-9]*\).*/\1/p' | head -n 1; }

# criu_ready: 0 when criu can run in this guest; otherwise prints the skip or failure line and
# returns 1. criu reads sockets through the sock_diag modules, probes nf_tables, tun and veth,
# and dumps a network namespace's conntrack table through nf_conntrack_netlink (prepare.sh puts
# them into the guest).
criu_ready() {
  if ! command -v criu >/dev/null; then
    pass "$CASE # skip criu is not on the host that built the guest (apt-get install criu)"
    return 1
  fi
  for _m in unix_diag inet_diag tcp_diag udp_diag netlink_diag af_packet_diag crc32c_generic nf_tables tun veth \
            nf_conntrack_netlink; do
    modprobe "$_m" 2>/dev/null || echo "modprobe $_m failed" >&2
  done
  if ! criu check >/tmp/criu-check.log 2>&1; then
    tail -n 15 /tmp/criu-check.log >&2
    fail criu-check "criu check fails in the guest: $(grep -m1 Error /tmp/criu-check.log)"
    return 1
  fi
  return 0
}

# For the benchmarks run as guest cases (tests/bench/guest-*.sh):
# bench_stats FILE: "median p90 count fails" in ms of a file of µs values ("FAIL" lines are failures).
bench_stats() {
  if [ ! -f "$1" ]; then echo "- - 0 0"; return; fi
  grep -v FAIL "$1" | sort -n | awk -v fails="$(grep -c FAIL "$1")" '
    { v[NR] = $1 }
    END {
      if (NR == 0) { print "- - 0", fails; exit }
      m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
      p = int(0.9 * NR + 0.999999); if (p > NR) p = NR
      printf "%.1f %.1f %d %d\n", m / 1000, v[p] / 1000, NR, fails
    }'
}
# bench_div A B: A / B with two decimals, "-" when either is missing or B is 0.
bench_div() { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "-" && b != "-" && b > 0) printf "%.2f", a / b; else print "-" }'; }

# Remove every container and cgroup the case created; runs on exit.
cleanup() {
  for _c in $_containers; do
    ocrun delete -f "$_c" >/dev/null 2>&1
  done
  if [ -d "$CG$CGBASE" ]; then
    find "$CG$CGBASE" -depth -type d -exec rmdir {} \; 2>/dev/null
    [ -d "$CG$CGBASE" ] && echo "cleanup: $CGBASE could not be removed" >&2
  fi
  rmdir "$CG/ocrun-test" 2>/dev/null
  return 0
}
trap cleanup EXIT
trap 'exit 143' TERM INT
mkdir -p "$BUNDLES"
