"""cri.py: the suite's own CRI client. It compiles cri.proto (this folder) with grpc_tools into a
temporary directory at import time, so no generated code is kept in the tree, and wraps the
RuntimeService of containerd's CRI plugin on a unix socket. Needs Debian's python3-grpcio,
python3-protobuf and python3-grpc-tools (run with /usr/bin/python3)."""
import importlib
import os
import shutil
import sys
import tempfile

import grpc
from grpc_tools import protoc

HERE = os.path.dirname(os.path.abspath(__file__))


def _compile():
    out = tempfile.mkdtemp(prefix="ocrun-cri-proto.")
    rc = protoc.main(["protoc", "-I" + HERE, "--python_out=" + out, "--grpc_python_out=" + out,
                      os.path.join(HERE, "cri.proto")])
    if rc != 0:
        raise RuntimeError("grpc_tools.protoc failed on cri.proto (exit %d)" % rc)
    sys.path.insert(0, out)
    try:
        pb = importlib.import_module("cri_pb2")
        stubs = importlib.import_module("cri_pb2_grpc")
    finally:
        sys.path.remove(out)
        shutil.rmtree(out)
    return pb, stubs


pb, _stubs = _compile()


class Client:
    """RuntimeService over SOCKET; every method takes keyword fields of the request message and
    returns the response message. A failing RPC raises grpc.RpcError (its .details() is
    containerd's error text)."""

    def __init__(self, socket, timeout=60):
        self.channel = grpc.insecure_channel("unix://" + socket)
        self.stub = _stubs.RuntimeServiceStub(self.channel)
        self.timeout = timeout

    def call(self, rpc, deadline=None, **fields):
        """RPC with the request's FIELDS; DEADLINE (seconds) bounds the call. (Not named
        `timeout`: StopContainer and ExecSync have a request field of that name.)"""
        request = getattr(pb, rpc + "Request")(**fields)
        return getattr(self.stub, rpc)(request, timeout=deadline or self.timeout)

    def __getattr__(self, rpc):
        if rpc[:1].isupper():
            return lambda deadline=None, **fields: self.call(rpc, deadline, **fields)
        raise AttributeError(rpc)

    def close(self):
        self.channel.close()
