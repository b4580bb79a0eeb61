#!/usr/bin/env python3
"""Seccomp user-notification agent for the SCMP_ACT_NOTIFY tests.

seccomp-listener.py SOCKET OUTFILE [--errno N] [--timeout SECONDS]

Listens on the unix socket SOCKET (linux.seccomp.listenerPath), receives the container process
state JSON and the seccomp notify fd (SCM_RIGHTS), writes the JSON to OUTFILE.state, then answers
every notified syscall with -N (default EXDEV) and appends "nr=<syscall> pid=<pid>" lines to
OUTFILE.
"""
import argparse
import array
import fcntl
import os
import select
import signal
import socket
import struct
import sys

# struct seccomp_notif: id u64, pid u32, flags u32, seccomp_data {nr i32, arch u32, ip u64, args u64[6]}
NOTIF = struct.Struct("=QIIiIQ6Q")
# struct seccomp_notif_resp: id u64, val s64, error s32, flags u32
RESP = struct.Struct("=QqiI")


def _iowr(nr, size):
    return (3 << 30) | (size << 16) | (ord("!") << 8) | nr


NOTIF_RECV = _iowr(0, NOTIF.size)
NOTIF_SEND = _iowr(1, RESP.size)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("socket")
    p.add_argument("outfile")
    p.add_argument("--errno", type=int, default=18)
    p.add_argument("--timeout", type=int, default=60)
    a = p.parse_args()

    signal.alarm(a.timeout)
    tmp = a.socket + ".tmp"
    for path in (tmp, a.socket):
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(tmp)
    srv.listen(1)
    os.rename(tmp, a.socket)

    conn, _ = srv.accept()
    fds = array.array("i")
    payload = b""
    anc_seen = False
    while True:
        msg, anc, _, _ = conn.recvmsg(65536, socket.CMSG_SPACE(4 * fds.itemsize))
        for level, kind, data in anc:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                fds.frombytes(data[: len(data) - (len(data) % fds.itemsize)])
                anc_seen = True
        payload += msg
        if not msg or anc_seen:
            break
    conn.close()
    srv.close()
    with open(a.outfile + ".state", "wb") as f:
        f.write(payload)
    with open(a.outfile, "w", buffering=1) as out:
        out.write("fds=%d\n" % len(fds))
        if len(fds) != 1:
            return 1
        fd = fds[0]
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        while True:
            # POLLHUP: every task using the filter is gone.
            events = [ev for _, ev in poller.poll()]
            if not any(ev & select.POLLIN for ev in events):
                break
            buf = bytearray(NOTIF.size)
            try:
                fcntl.ioctl(fd, NOTIF_RECV, buf, True)
            except OSError as e:
                if e.errno in (4, 2):  # EINTR, ENOENT (target gone): wait for the next
                    continue
                break
            nid, pid, _flags, nr = NOTIF.unpack(buf)[:4]
            out.write("nr=%d pid=%d\n" % (nr, pid))
            resp = bytearray(RESP.pack(nid, 0, -a.errno, 0))
            try:
                fcntl.ioctl(fd, NOTIF_SEND, resp, True)
            except OSError:
                pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
