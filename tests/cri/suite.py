#!/usr/bin/python3
"""suite.py: the CRI scenarios, each run with every handler of $HANDLERS (default "ocrun runc";
runc is the reference). run.sh starts the private containerd and exports the CRI_* variables
(tests/cri/lib.sh). Prints `ok cri: [HANDLER] NAME` or `not ok cri: [HANDLER] NAME: WHY` per
check and, last, `cri: N passed, N failed`.
  suite.py --version            Version over $CRI_SOCK (run.sh waits on it)
  suite.py --remove-all-pods    stop and remove every pod this run made (the teardown)"""
import json
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cri  # noqa: E402

pb = cri.pb
ENV = os.environ
SOCK = ENV.get("CRI_SOCK", "")
PRIV = ENV.get("CRI_PRIV", "")
IMAGE = ENV.get("CRI_IMAGE", "")
PARENT = ENV.get("CRI_CGROUP_PARENT", "")
CG = "/sys/fs/cgroup"
MIB = 1 << 20
PODS_FILE = os.path.join(PRIV, "pods")  # every pod id made, for the teardown


class Fail(Exception):
    pass


def expect(cond, why):
    if not cond:
        raise Fail(why)


def wait_until(seconds, fn, why):
    """fn() until it returns a true value (returned), polling every 50 ms; Fail after SECONDS."""
    end = time.monotonic() + seconds
    while True:
        v = fn()
        if v:
            return v
        if time.monotonic() > end:
            raise Fail("timed out after %ss waiting for %s" % (seconds, why))
        time.sleep(0.05)


class Pod:
    """A pod sandbox with handler HANDLER under PARENT/pod<uid>, host network, pod pid and ipc
    namespaces (as kubelet asks for shareProcessNamespace: true)."""
    serial = 0

    def __init__(self, c, handler, name, annotations=None):
        Pod.serial += 1
        self.c, self.handler = c, handler
        self.uid = "%s-%d-%d" % (handler, os.getpid(), Pod.serial)
        self.cgroup_parent = "%s/pod%s" % (PARENT, self.uid)
        ns = pb.NamespaceOption(network=pb.NODE, pid=pb.POD, ipc=pb.POD)
        self.config = pb.PodSandboxConfig(
            metadata=pb.PodSandboxMetadata(name=name, uid=self.uid, namespace="ocrun-test"),
            log_directory=os.path.join(PRIV, "logs", self.uid),
            annotations=annotations or {},
            linux=pb.LinuxPodSandboxConfig(
                cgroup_parent=self.cgroup_parent,
                security_context=pb.LinuxSandboxSecurityContext(namespace_options=ns)))
        self.id = c.RunPodSandbox(config=self.config, runtime_handler=handler).pod_sandbox_id
        with open(PODS_FILE, "a") as f:
            f.write(self.id + "\n")
        self.containers = []

    def create(self, name, command, resources=None, start=True, annotations=None):
        cfg = pb.ContainerConfig(
            metadata=pb.ContainerMetadata(name=name), image=pb.ImageSpec(image=IMAGE),
            command=command, log_path=name + ".log", annotations=annotations or {},
            linux=pb.LinuxContainerConfig(
                resources=resources,
                security_context=pb.LinuxContainerSecurityContext(
                    namespace_options=pb.NamespaceOption(network=pb.NODE, pid=pb.POD, ipc=pb.POD))))
        cid = self.c.CreateContainer(pod_sandbox_id=self.id, config=cfg,
                                     sandbox_config=self.config).container_id
        self.containers.append(cid)
        if start:
            self.c.StartContainer(container_id=cid)
        return cid

    def remove(self):
        self.c.StopPodSandbox(pod_sandbox_id=self.id)
        self.c.RemovePodSandbox(pod_sandbox_id=self.id)


def status(c, cid):
    return c.ContainerStatus(container_id=cid).status


def info(c, cid):
    """The verbose status: the container's host pid and its OCI spec as containerd wrote it."""
    return json.loads(c.ContainerStatus(container_id=cid, verbose=True).info["info"])


def host_pid(c, cid):
    return info(c, cid)["pid"]


def cgroup_path(pid, controller):
    with open("/proc/%d/cgroup" % pid) as f:
        for line in f:
            _, ctrls, path = line.rstrip("\n").split(":", 2)
            if controller in ctrls.split(","):
                return path
    raise Fail("pid %d has no %s cgroup" % (pid, controller))


def cg_read(controller, path, name):
    with open(os.path.join(CG, controller + path, name)) as f:
        return f.read().strip()


def ns_link(pid, ns):
    return os.readlink("/proc/%s/ns/%s" % (pid, ns))


def exec_sync(c, cid, cmd, timeout=20):
    return c.ExecSync(container_id=cid, cmd=cmd, timeout=timeout)


# The scenarios ------------------------------------------------------------------------------

def t_namespaces(c, h):
    """Two containers of one pod share the pod's pid and ipc namespaces (the pause's) and the
    host network; each has its own mount namespace; none shares the host's pid or ipc. (The
    busybox image has no ipcmk, so the ipc check is the namespace link alone.)"""
    pod = Pod(c, h, "ns")
    try:
        a = pod.create("a", ["sleep", "1000"])
        b = pod.create("b", ["sleep", "1000"])
        pa, pb_ = host_pid(c, a), host_pid(c, b)
        # The sandbox's pause: the one process of the sandbox's own cgroup.
        pause = int(cg_read("pids", "%s/%s" % (pod.cgroup_parent, pod.id), "cgroup.procs").split()[0])
        for ns in ("pid", "ipc"):
            expect(ns_link(pa, ns) == ns_link(pb_, ns) == ns_link(pause, ns),
                   "%s namespace differs: a %s, b %s, pause %s"
                   % (ns, ns_link(pa, ns), ns_link(pb_, ns), ns_link(pause, ns)))
            expect(ns_link(pa, ns) != ns_link("self", ns), "%s namespace is the host's" % ns)
        expect(ns_link(pa, "net") == ns_link(pb_, "net") == ns_link("self", "net"),
               "network namespace is not the host's (host network pod)")
        expect(ns_link(pa, "mnt") != ns_link(pb_, "mnt"), "the two containers share a mount namespace")
        # pid 1 of the shared pid namespace is the sandbox's pause, and b sees a's sleep.
        r = exec_sync(c, a, ["cat", "/proc/1/cmdline"])
        expect(r.stdout.split(b"\0")[0] == b"/pause", "pid 1 in the pod is %r, not /pause" % r.stdout)
        r = exec_sync(c, b, ["sh", "-c", "for p in /proc/[0-9]*; do tr '\\0' ' ' <$p/cmdline; echo; done"])
        expect(r.stdout.count(b"sleep 1000") == 2, "b does not see both sleeps: %r" % r.stdout)
    finally:
        pod.remove()


def t_exec(c, h):
    """ExecSync: exit codes, stdout and stderr apart, a missing program."""
    pod = Pod(c, h, "exec")
    try:
        cid = pod.create("x", ["sleep", "1000"])
        r = exec_sync(c, cid, ["sh", "-c", "echo out; echo err >&2; exit 3"])
        expect((r.exit_code, r.stdout, r.stderr) == (3, b"out\n", b"err\n"),
               "exit %d stdout %r stderr %r" % (r.exit_code, r.stdout, r.stderr))
        r = exec_sync(c, cid, ["true"])
        expect(r.exit_code == 0, "true exited %d" % r.exit_code)
        r = exec_sync(c, cid, ["sh", "-c", "kill -9 $$"])
        expect(r.exit_code == 137, "a SIGKILLed exec gave %d, not 137" % r.exit_code)
        try:
            r = exec_sync(c, cid, ["/no/such/program"])
            raise Fail("exec of a missing program succeeded (exit %d)" % r.exit_code)
        except cri.grpc.RpcError as e:
            expect(re.search("no such file|not found", e.details(), re.I),
                   "error does not say the program is missing: %s" % e.details())
    finally:
        pod.remove()


def t_resources(c, h):
    """cpu shares, CFS quota/period and the memory limit of the CRI request, in the host's v1
    cgroup under the pod's kubepods parent; a container without a memory limit keeps none
    (kubelet caps the pod's parent instead); ListContainers and ContainerStats see them."""
    pod = Pod(c, h, "res")
    try:
        res = pb.LinuxContainerResources(cpu_shares=512, cpu_quota=50000, cpu_period=100000,
                                         memory_limit_in_bytes=64 * MIB)
        cid = pod.create("limited", ["sleep", "1000"], resources=res)
        free = pod.create("unlimited", ["sleep", "1000"])
        pid = host_pid(c, cid)
        path = cgroup_path(pid, "memory")
        expect(path == "%s/%s" % (pod.cgroup_parent, cid), "memory cgroup is %s, expected %s/%s"
               % (path, pod.cgroup_parent, cid))
        got = (cg_read("cpu", cgroup_path(pid, "cpu"), "cpu.shares"),
               cg_read("cpu", cgroup_path(pid, "cpu"), "cpu.cfs_quota_us"),
               cg_read("cpu", cgroup_path(pid, "cpu"), "cpu.cfs_period_us"),
               cg_read("memory", path, "memory.limit_in_bytes"))
        expect(got == ("512", "50000", "100000", str(64 * MIB)),
               "cpu.shares, cfs_quota_us, cfs_period_us, memory.limit_in_bytes = %s" % (got,))
        fpid = host_pid(c, free)
        lim = int(cg_read("memory", cgroup_path(fpid, "memory"), "memory.limit_in_bytes"))
        expect(lim > 1 << 50, "a container without a memory limit got memory.limit_in_bytes %d" % lim)
        listed = c.ListContainers(filter=pb.ContainerFilter(pod_sandbox_id=pod.id)).containers
        expect(sorted((x.metadata.name, x.state) for x in listed) ==
               [("limited", pb.CONTAINER_RUNNING), ("unlimited", pb.CONTAINER_RUNNING)],
               "ListContainers: %s" % [(x.metadata.name, x.state) for x in listed])
        exec_sync(c, cid, ["sh", "-c", "i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done"])
        st = c.ContainerStats(container_id=cid).stats
        expect(st.attributes.id == cid, "stats of %s for %s" % (st.attributes.id, cid))
        expect(st.cpu.usage_core_nano_seconds.value > 0, "no CPU usage in ContainerStats")
        expect(st.memory.working_set_bytes.value > 0, "no memory working set in ContainerStats")
    finally:
        pod.remove()


def t_update(c, h):
    """UpdateContainerResources reaches the cgroup and ContainerStatus reports it."""
    pod = Pod(c, h, "upd")
    try:
        cid = pod.create("u", ["sleep", "1000"], resources=pb.LinuxContainerResources(
            cpu_shares=256, cpu_quota=20000, cpu_period=100000, memory_limit_in_bytes=64 * MIB))
        new = pb.LinuxContainerResources(cpu_shares=1024, cpu_quota=150000, cpu_period=100000,
                                         memory_limit_in_bytes=128 * MIB)
        c.UpdateContainerResources(container_id=cid, linux=new)
        pid = host_pid(c, cid)
        cpu, mem = cgroup_path(pid, "cpu"), cgroup_path(pid, "memory")
        got = (cg_read("cpu", cpu, "cpu.shares"), cg_read("cpu", cpu, "cpu.cfs_quota_us"),
               cg_read("memory", mem, "memory.limit_in_bytes"))
        expect(got == ("1024", "150000", str(128 * MIB)),
               "after update cpu.shares, cfs_quota_us, memory.limit_in_bytes = %s" % (got,))
        r = status(c, cid).resources.linux
        expect((r.cpu_shares, r.cpu_quota, r.memory_limit_in_bytes) == (1024, 150000, 128 * MIB),
               "ContainerStatus resources: %s" % r)
    finally:
        pod.remove()


def t_oom(c, h):
    """A container over its memory limit is OOM-killed: EXITED, reason OOMKilled, exit 137."""
    pod = Pod(c, h, "oom")
    try:
        cid = pod.create("m", ["sh", "-c", 'x=$(head -c 67108864 /dev/zero | tr "\\0" a); echo ${#x}'],
                         resources=pb.LinuxContainerResources(memory_limit_in_bytes=32 * MIB))
        s = wait_until(30, lambda: (lambda s: s if s.state == pb.CONTAINER_EXITED else None)(status(c, cid)),
                       "the container to exit")
        expect((s.reason, s.exit_code) == ("OOMKilled", 137),
               "reason %r exit %d (message %r)" % (s.reason, s.exit_code, s.message))
    finally:
        pod.remove()


def t_stop_grace(c, h):
    """StopContainer sends SIGTERM and waits the grace period: a container that ignores it is
    killed after the timeout (137), one that exits on it stops at once with its own code."""
    pod = Pod(c, h, "stop")
    try:
        deaf = pod.create("deaf", ["sh", "-c", "trap '' TERM; touch /tmp/ready; while :; do sleep 0.1; done"])
        polite = pod.create("polite", ["sh", "-c", "trap 'exit 7' TERM; touch /tmp/ready; while :; do sleep 0.1; done"])
        for cid in (deaf, polite):
            wait_until(10, lambda cid=cid: exec_sync(c, cid, ["test", "-e", "/tmp/ready"]).exit_code == 0,
                       "the TERM trap to be set")
        t0 = time.monotonic()
        c.StopContainer(container_id=deaf, timeout=2)
        took = time.monotonic() - t0
        s = status(c, deaf)
        expect(s.state == pb.CONTAINER_EXITED and s.exit_code == 137,
               "the TERM-ignoring container: state %d exit %d" % (s.state, s.exit_code))
        expect(2.0 <= took < 15, "StopContainer(timeout=2) of a TERM-ignoring container took %.1fs" % took)
        t0 = time.monotonic()
        c.StopContainer(container_id=polite, timeout=30)
        took = time.monotonic() - t0
        s = status(c, polite)
        expect(s.state == pb.CONTAINER_EXITED and s.exit_code == 7,
               "the TERM-trapping container: state %d exit %d" % (s.state, s.exit_code))
        expect(took < 10, "StopContainer(timeout=30) of a container that exits on TERM took %.1fs" % took)
    finally:
        pod.remove()


def shims_of(pod_id):
    """Processes of containerd-shim-runc-v2 serving POD_ID for our containerd."""
    found = []
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % p, "rb") as f:
                argv = f.read().split(b"\0")
        except OSError:
            continue
        if SOCK.encode() in argv and pod_id.encode() in argv:
            found.append(int(p))
    return found


def t_removal(c, h):
    """StopPodSandbox + RemovePodSandbox leave no runtime state dir, no cgroup (of the pause or
    of a container, in any controller) and no shim; for ocrun, no ledger entry."""
    root = ENV["CRI_ROOT_OCRUN"] if h == "ocrun" else ENV["CRI_ROOT_RUNC"]
    pod = Pod(c, h, "rm")
    ids = [pod.id, pod.create("a", ["sleep", "1000"]), pod.create("b", ["sleep", "1000"])]
    expect(all(os.path.isdir(os.path.join(root, i)) for i in ids), "no state dirs under %s" % root)
    expect(shims_of(pod.id), "no shim found for the pod (the check could not fail)")
    pod.remove()
    left = [os.path.join(root, i) for i in ids if os.path.exists(os.path.join(root, i))]
    for ctrl in os.listdir(CG):
        d = os.path.join(CG, ctrl + pod.cgroup_parent)
        if os.path.isdir(d):
            left += [os.path.join(d, i) for i in os.listdir(d) if os.path.isdir(os.path.join(d, i))]
    left += ["shim pid %d" % p for p in wait_and_get(lambda: shims_of(pod.id))]
    if h == "ocrun":
        left += ["ledger entry %s" % i for i in ledger_ids() if i in ids]
    expect(not left, "left behind (%d): %s%s" % (len(left), ", ".join(left[:4]), ", ..." if len(left) > 4 else ""))


def wait_and_get(fn, seconds=10):
    """fn() until it returns an empty list (shims exit shortly after RemovePodSandbox)."""
    end = time.monotonic() + seconds
    v = fn()
    while v and time.monotonic() < end:
        time.sleep(0.05)
        v = fn()
    return v


# The policy with orchestrated pods (ocrun only) --------------------------------------------

def ocrun(*args, root=None):
    env = dict(ENV, OCRUN_POLICY=ENV["CRI_POLICY"], OCRUN_LEDGER_DIR=ENV["CRI_LEDGER"])
    cmd = [ENV["CRI_OCRUN"]] + (["--root", root] if root else []) + list(args)
    return subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=PRIV, timeout=60)


def ledger_ids():
    r = ocrun("capacity", "--format", "json")
    if r.returncode != 0:
        raise Fail("ocrun capacity --format json: %s" % r.stderr.strip())
    return [x["id"] for x in json.loads(r.stdout).get("containers", [])]


def capacity():
    r = ocrun("capacity", "--format", "json")
    expect(r.returncode == 0, "ocrun capacity failed: %s" % r.stderr.strip())
    return json.loads(r.stdout)


def set_policy(obj):
    with open(ENV["CRI_POLICY"], "w") as f:
        json.dump(obj, f)


def t_orchestrated(c, h):
    """On a node that is full for the CLI (capacity 1024 MB), a pod's containers of 768 MiB
    each are still admitted (kubelet already admitted the pod): counted in the ledger, flagged
    orchestrated; a CLI container of 64 MiB is refused against the same ledger."""
    total = capacity()["resources"]["MEMORY_MB"]["total"]
    set_policy({"reserved_host_memory_mb": total - 1024})
    bundle = os.path.join(PRIV, "cli-bundle")
    cli_root = os.path.join(PRIV, "cli-root")
    pod = None
    try:
        expect(capacity()["resources"]["MEMORY_MB"]["capacity"] == 1024, "capacity is not 1024 MB")
        pod = Pod(c, h, "orch")
        big = pb.LinuxContainerResources(cpu_shares=1024, memory_limit_in_bytes=768 * MIB)
        a = pod.create("a", ["sleep", "1000"], resources=big)
        b = pod.create("b", ["sleep", "1000"], resources=big)
        for cid in (a, b):
            expect(status(c, cid).state == pb.CONTAINER_RUNNING, "pod container %s not running" % cid)
        cap = capacity()
        entries = {x["id"]: x for x in cap.get("containers", [])}
        for cid in (a, b):
            expect(cid in entries, "pod container %s is not in the ledger" % cid[:12])
            expect(entries[cid].get("orchestrated") is True, "%s is not flagged orchestrated: %s"
                   % (cid[:12], entries[cid]))
            expect(entries[cid].get("memory_charged_mb") == 768, "%s counted as %s MB, not 768"
                   % (cid[:12], entries[cid].get("memory_charged_mb")))
        expect(pod.id in entries and entries[pod.id].get("orchestrated") is True,
               "the sandbox (pause) is not counted as orchestrated")
        alloc = cap["resources"]["MEMORY_MB"]["allocated"]
        expect(alloc >= 1536, "allocated %s MB, expected at least the pod's 1536" % alloc)
        # The pod's memory grows past capacity too: update is orchestrated as well.
        c.UpdateContainerResources(container_id=a, linux=pb.LinuxContainerResources(
            cpu_shares=1024, memory_limit_in_bytes=896 * MIB))
        lim = cg_read("memory", cgroup_path(host_pid(c, a), "memory"), "memory.limit_in_bytes")
        expect(lim == str(896 * MIB), "update of the pod's container: memory.limit_in_bytes %s" % lim)
        # The same ledger refuses a CLI container.
        subprocess.run([os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib", "make-bundle.sh"),
                        bundle, "sleep", "1000"], check=True, capture_output=True,
                       env=dict(ENV, CGROUP_NAME="cri-cli-%d" % os.getpid()))
        r = ocrun("create", "--bundle", bundle, "--memory", "64m", "cli-%d" % os.getpid(), root=cli_root)
        print("# CLI: ocrun create --memory 64m: exit %d: %s" % (r.returncode, r.stderr.strip()))
        expect(r.returncode == 1 and "refused: insufficient MEMORY_MB" in r.stderr,
               "CLI create on the full node: exit %d, %s" % (r.returncode, r.stderr.strip()))
        expect(not os.path.exists(os.path.join(cli_root, "cli-%d" % os.getpid())),
               "the refused CLI container left a state dir")
        r = ocrun("capacity", "--no-legend")
        # What an operator sees on this node (README of contrib/kubernetes quotes it).
        print("\n".join("# " + line for line in r.stdout.splitlines()))
        expect(re.search(r"containers: \d+ \(\d+ unbounded, [1-9]\d* orchestrated", r.stdout),
               "capacity's table does not count orchestrated containers:\n" + r.stdout)
        rows = [line for line in r.stdout.splitlines() if line.startswith((a[:12], b[:12]))]
        expect(len(rows) == 2 and all("orchestrated" in line for line in rows),
               "capacity's rows of the pod's containers lack the orchestrated flag: %s" % rows)
    finally:
        ocrun("delete", "--force", "cli-%d" % os.getpid(), root=cli_root)
        set_policy({})
        if pod:
            pod.remove()
        subprocess.run(["rm", "-rf", bundle, cli_root])


# Runner -------------------------------------------------------------------------------------

SCENARIOS = [
    ("pod: two containers share the pod's pid and ipc namespaces, host network", t_namespaces, True),
    ("ExecSync: exit codes, stdout and stderr, missing program", t_exec, True),
    ("resources from the CRI request in the kubepods cgroup; ListContainers; ContainerStats", t_resources, True),
    ("UpdateContainerResources", t_update, True),
    ("OOM kill: ContainerStatus reason OOMKilled, exit 137", t_oom, True),
    ("StopContainer with the grace period", t_stop_grace, True),
    ("removal leaves no state, cgroup, shim or ledger entry", t_removal, True),
    ("policy: pod admitted on a full node, flagged orchestrated; CLI refused", t_orchestrated, False),
]


def remove_all_pods(c):
    try:
        with open(PODS_FILE) as f:
            ids = f.read().split()
    except FileNotFoundError:
        return
    for i in ids:
        for rpc in ("StopPodSandbox", "RemovePodSandbox"):
            try:
                c.call(rpc, pod_sandbox_id=i)
            except cri.grpc.RpcError:
                pass


def main(argv):
    c = cri.Client(SOCK, timeout=60)
    if "--version" in argv:
        v = c.Version(version="v1", deadline=2)
        print(v.runtime_name, v.runtime_version, v.runtime_api_version)
        return 0
    if "--remove-all-pods" in argv:
        remove_all_pods(c)
        return 0
    only = ENV.get("ONLY", "")
    handlers = ENV.get("HANDLERS", "ocrun runc").split()
    passed = failed = 0
    v = c.Version(version="v1")
    if v.runtime_api_version == "v1":
        print("ok cri: Version: %s %s serves CRI %s" % (v.runtime_name, v.runtime_version, v.runtime_api_version))
        passed += 1
    else:
        print("not ok cri: Version: CRI API %r, expected v1" % v.runtime_api_version)
        failed += 1
    for name, fn, both in SCENARIOS:
        for h in handlers:
            label = "[%s] %s" % (h, name)
            if only and not re.search(only, label):
                continue
            if h != "ocrun" and not both:
                continue
            try:
                fn(c, h)
                print("ok cri: " + label)
                passed += 1
            except Fail as e:
                print("not ok cri: %s: %s" % (label, e))
                failed += 1
            except cri.grpc.RpcError as e:
                print("not ok cri: %s: RPC failed: %s" % (label, e.details()))
                failed += 1
            except Exception as e:  # a bug of the check itself still counts as a failure
                print("not ok cri: %s: %s: %s" % (label, type(e).__name__, e))
                failed += 1
            sys.stdout.flush()
    print("cri: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
