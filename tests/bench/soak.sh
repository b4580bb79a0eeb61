#!/bin/bash
# The soak (`make soak`): SOAK_CYCLES (default 1000) cycles against $RUNTIME (default ./ocrun),
# interleaved: odd cycles `run --keep` + `delete` of a container running true, even cycles
# `create` + `start` + `exec` + `kill KILL` + (wait for stopped) + `delete` of one running sleep.
# One long-lived client process (python3) makes every call; before and after the cycles (after
# one warm-up cycle of each kind, so that what is made once -- the --root dir, the ledger file,
# the cgroup parents -- is in both counts) it counts:
#   fds        of the client (/proc/PID/fd)
#   mounts     lines of /proc/self/mountinfo
#   cgroups    directories under the soak's cgroup parent, in every hierarchy
#   state      entries in the soak's --root
#   ledger     entries in the soak's private ledger (OCRUN_LEDGER_DIR)
#   processes  processes rooted in the soak's rootfs or carrying the soak's environment mark
# prints both, and exits non-zero when any count grew or a call failed. Needs root and the heavy
# lock (flock /tmp/ocrun-heavy-tests.lock): other tests' mounts would be counted.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
RUNTIME=${RUNTIME:-$repo/ocrun}
cycles=${SOAK_CYCLES:-1000}
[ "$(id -u)" -eq 0 ] || { echo "soak: needs root" >&2; exit 1; }
[ -x "$RUNTIME" ] || { echo "soak: $RUNTIME not found (make)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "soak: python3 not found" >&2; exit 1; }

mark=soak-$$-$RANDOM
work=$(mktemp -d /tmp/ocrun-soak.XXXXXX)
export OCRUN_LEDGER_DIR=$work/ledger
root=$work/root
cgparent=/ocrun-test/$mark

cleanup() {
  set +e
  for d in "$root"/*/; do
    [ -d "$d" ] && "$RUNTIME" --root "$root" delete --force "$(basename "$d")" >/dev/null 2>&1
  done
  for h in /sys/fs/cgroup/*/ /sys/fs/cgroup/unified/; do
    [ -d "$h/ocrun-test/$mark" ] && find "$h/ocrun-test/$mark" -depth -type d -exec rmdir {} + 2>/dev/null
  done
  rm -rf "$work"
}
trap cleanup EXIT

# Each cycle's container gets its own cgroup, /ocrun-test/<mark>/c<cycle>.
CGROUP_NAME=$mark/c0 "$repo/tests/lib/make-bundle.sh" "$work/b-true" true >/dev/null
CGROUP_NAME=$mark/c0 "$repo/tests/lib/make-bundle.sh" "$work/b-sleep" sleep 100000 >/dev/null
mkdir -p "$root" "$OCRUN_LEDGER_DIR"

export SOAK_RUNTIME=$RUNTIME SOAK_ROOT=$root SOAK_WORK=$work SOAK_CYCLES=$cycles \
  SOAK_CGPARENT=$cgparent SOAK_MARK=$mark
start=$SECONDS
python3 - <<'PY'
import glob, json, os, subprocess, sys, time

rt, root, work = os.environ["SOAK_RUNTIME"], os.environ["SOAK_ROOT"], os.environ["SOAK_WORK"]
cycles, cgparent, mark = int(os.environ["SOAK_CYCLES"]), os.environ["SOAK_CGPARENT"], os.environ["SOAK_MARK"]
ledger = os.path.join(os.environ["OCRUN_LEDGER_DIR"], "entries")  # one file per entry
env = dict(os.environ, OCRUN_SOAK_MARK=mark)
rootfs = {os.path.realpath(os.path.join(work, b, "rootfs")) for b in ("b-true", "b-sleep")}
errlog = os.path.join(work, "stderr")

def ocrun(*args, ok=(0,)):
    with open(errlog, "w") as err:
        r = subprocess.run([rt, "--root", root, *args], stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=err, env=env, timeout=60)
    if r.returncode not in ok:
        sys.exit(f"soak: ocrun {' '.join(args)}: exit {r.returncode}: {open(errlog).read().strip()}")

def state(cid):
    with open(errlog, "w") as err:
        out = subprocess.run([rt, "--root", root, "state", cid], stdin=subprocess.DEVNULL,
                             capture_output=False, stdout=subprocess.PIPE, stderr=err, env=env,
                             timeout=60).stdout
    return json.loads(out)["status"] if out else None

def wait_stopped(cid):
    deadline = time.monotonic() + 30
    while state(cid) != "stopped":
        if time.monotonic() > deadline: sys.exit(f"soak: {cid} not stopped after kill")
        time.sleep(0.01)

configs = {b: json.load(open(os.path.join(work, b, "config.json"))) for b in ("b-true", "b-sleep")}

def bundle(b, i):
    """Bundle b with a cgroup of its own for cycle i, so that a cgroup left behind is counted."""
    configs[b]["linux"]["cgroupsPath"] = f"{cgparent}/c{i}"
    with open(os.path.join(work, b, "config.json"), "w") as f:
        json.dump(configs[b], f)
    return os.path.join(work, b)

def cycle(i):
    cid = f"{mark}-{i}"
    if i % 2:
        ocrun("run", "--keep", "--bundle", bundle("b-true", i), cid)
        ocrun("delete", cid)
    else:
        ocrun("create", "--bundle", bundle("b-sleep", i), cid)
        ocrun("start", cid)
        ocrun("exec", cid, "true")
        ocrun("kill", cid, "KILL")
        wait_stopped(cid)
        ocrun("delete", cid)

def processes():
    n = 0
    for p in glob.glob("/proc/[0-9]*"):
        try:
            if os.path.realpath(p + "/root") in rootfs or \
               f"OCRUN_SOAK_MARK={mark}".encode() in open(p + "/environ", "rb").read().split(b"\0"):
                n += 1
        except OSError:
            pass
    return n

def counts():
    cg = 0
    for h in glob.glob("/sys/fs/cgroup/*/") + ["/sys/fs/cgroup/unified/"]:
        top = h + cgparent.lstrip("/")
        cg += sum(len(d) for _, d, _ in os.walk(top)) + os.path.isdir(top)
    try:
        led = len(os.listdir(ledger))
    except FileNotFoundError:
        led = 0
    return {"fds": len(os.listdir("/proc/self/fd")),
            "mounts": len(open("/proc/self/mountinfo").read().splitlines()),
            "cgroups": cg, "state": len(os.listdir(root)), "ledger": led, "processes": processes()}

cycle(1); cycle(2)                      # warm-up
before = counts()
t0 = time.monotonic()
for i in range(cycles):
    cycle(i + 3)
    if (i + 1) % 100 == 0:
        print(f"soak: {i + 1}/{cycles} cycles, {time.monotonic() - t0:.1f}s", flush=True)
elapsed = time.monotonic() - t0
after = counts()
grew = [k for k in before if after[k] > before[k]]
print(f"soak: {'what':10} {'before':>7} {'after':>7}")
for k in before:
    print(f"soak: {k:10} {before[k]:7} {after[k]:7}{'   GREW' if k in grew else ''}")
print(f"soak: {cycles} cycles in {elapsed:.1f}s ({1000 * elapsed / max(cycles, 1):.1f} ms per cycle)")
sys.exit(f"soak: FAILED, grew: {' '.join(grew)}" if grew else 0)
PY
echo "soak: ok, nothing grew (total $((SECONDS - start))s)"
