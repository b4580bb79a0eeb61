#!/usr/bin/env python3
"""Console-socket receiver for the terminal tests.

recvtty.py SOCKET OUTFILE [--input TEXT] [--timeout SECONDS]

Listens on the unix socket SOCKET (created atomically: connectable as soon as the path exists),
accepts one connection, receives the pty master passed with SCM_RIGHTS, writes TEXT to it if
given, and copies everything read from the master to OUTFILE until every slave end is closed.
OUTFILE.meta gets "fds=N" and the message payload the runtime sent with the fd.
"""
import argparse
import array
import os
import signal
import socket
import sys


def main():
    p = argparse.ArgumentParser()
    p.add_argument("socket")
    p.add_argument("outfile")
    p.add_argument("--input", default=None)
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
    msg, anc, _, _ = conn.recvmsg(4096, socket.CMSG_SPACE(4 * fds.itemsize))
    for level, kind, data in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(data[: len(data) - (len(data) % fds.itemsize)])
    conn.close()
    srv.close()
    with open(a.outfile + ".meta", "w") as meta:
        meta.write("fds=%d\n" % len(fds))
        meta.write("payload=%s\n" % msg.decode(errors="replace"))
    if len(fds) != 1:
        print("recvtty: expected one fd, got %d" % len(fds), file=sys.stderr)
        return 1
    master = fds[0]
    if a.input is not None:
        os.write(master, a.input.encode())
    with open(a.outfile, "wb", buffering=0) as out:
        while True:
            try:
                data = os.read(master, 4096)
            except OSError:  # EIO: the last slave end was closed
                break
            if not data:
                break
            out.write(data)
    os.close(master)
    return 0


if __name__ == "__main__":
    sys.exit(main())
