#!/usr/bin/python3
"""pod_start.py N HANDLER...: time a pod start through the CRI, RunPodSandbox until its first
container is running (CreateContainer + StartContainer, then ContainerStatus says RUNNING),
N rounds per handler, interleaved (the order rotates every round), after one warm-up round that
is not counted. Each pod is removed after its round (not timed). Prints one line per handler:
median, min, max in ms. Run by tests/bench/cri.sh (which starts the private containerd)."""
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import suite  # noqa: E402

pb = suite.pb


def one(c, handler):
    t0 = time.monotonic()
    pod = suite.Pod(c, handler, "bench")
    try:
        cid = pod.create("c", ["sleep", "1000"])
        while suite.status(c, cid).state != pb.CONTAINER_RUNNING:
            time.sleep(0.005)
        return (time.monotonic() - t0) * 1000
    finally:
        pod.remove()


def main(argv):
    n, handlers = int(argv[1]), argv[2:]
    c = suite.cri.Client(suite.SOCK, timeout=120)
    for h in handlers:
        one(c, h)
    times = {h: [] for h in handlers}
    for i in range(n):
        order = handlers[i % len(handlers):] + handlers[:i % len(handlers)]
        for h in order:
            times[h].append(one(c, h))
    print("%-8s %10s %10s %10s %6s" % ("handler", "median ms", "min ms", "max ms", "runs"))
    for h in handlers:
        t = times[h]
        print("%-8s %10.1f %10.1f %10.1f %6d" % (h, statistics.median(t), min(t), max(t), len(t)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
