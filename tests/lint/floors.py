#!/usr/bin/env python3
"""The floors of ocrun's source tree, checked two ways:

1. includes: every `#include "dir/file.h"` points down a floor (or stays inside its own folder);
2. calls: between the built objects (nm: who defines, who uses each symbol) there is no
   file-level cycle, and no call goes up a floor.

Floors, top to bottom (a file may use only its own folder and the floors below):
  cli        runtime/main.c, runtime/args.*, runtime/cmd_*.c, runtime/commands.h
  lifecycle  the rest of runtime/
  overcommit overcommit/            (policy, sizing, ledger)
  host       namespaces/, cgroups/  (peers: neither uses the other)
  oci        oci/                   (the config model)
  base       base/                  (errors, cleanup, files, procfs, log)

Usage: floors.py [--objects] [ROOT]   (--objects also checks the call graph of ROOT/*/*.o)
Exits 1 and names each offending include or cycle."""
import os
import re
import subprocess
import sys

RANK = {"cli": 5, "lifecycle": 4, "overcommit": 3, "host": 2, "oci": 1, "base": 0}


def component(path):
    """(floor, folder) of a source path relative to the root."""
    d, f = os.path.split(path)
    if d == "runtime":
        if f == "main.c" or f.startswith("args.") or f.startswith("cmd_") or f == "commands.h":
            return "cli", "cli"
        return "lifecycle", "runtime"
    if d in ("namespaces", "cgroups"):
        return "host", d
    if d in ("overcommit", "oci", "base"):
        return d, d
    return None, None


def allowed(src, dst):
    fs, cs = component(src)
    fd, cd = component(dst)
    if fs is None or fd is None:
        return True
    if cs == cd:
        return True
    return RANK[fd] < RANK[fs]


def sources(root):
    for d in ("base", "oci", "namespaces", "cgroups", "overcommit", "runtime"):
        p = os.path.join(root, d)
        if not os.path.isdir(p):
            continue
        for f in sorted(os.listdir(p)):
            if f.endswith((".c", ".h")):
                yield os.path.join(d, f)


INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def check_includes(root):
    bad = []
    for src in sources(root):
        with open(os.path.join(root, src), encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                dst = m.group(1)
                if "/" not in dst:
                    dst = os.path.join(os.path.dirname(src), dst)
                if not allowed(src, dst):
                    bad.append(f"{src}:{n}: includes {m.group(1)}: "
                               f"{component(src)[0]} may not use {component(dst)[0]}")
    return bad


def symbols(obj):
    out = subprocess.run(["nm", "--defined-only", obj], capture_output=True, text=True, check=True).stdout
    defined = {l.split()[-1] for l in out.splitlines() if len(l.split()) == 3 and l.split()[1] in "TDBRGSV"}
    out = subprocess.run(["nm", "--undefined-only", obj], capture_output=True, text=True, check=True).stdout
    used = {l.split()[-1] for l in out.splitlines() if l.strip()}
    return defined, used


def check_calls(root):
    objs = [s[:-2] + ".o" for s in sources(root) if s.endswith(".c")]
    objs = [o for o in objs if os.path.exists(os.path.join(root, o))]
    owner, uses = {}, {}
    for o in objs:
        d, u = symbols(os.path.join(root, o))
        for s in d:
            owner[s] = o
        uses[o] = u
    edges = {o: set() for o in objs}
    why = {}
    for o in objs:
        for s in uses[o]:
            t = owner.get(s)
            if t and t != o:
                edges[o].add(t)
                why.setdefault((o, t), s)
    bad = []
    for o in objs:
        for t in sorted(edges[o]):
            if not allowed(o[:-2] + ".c", t[:-2] + ".c"):
                bad.append(f"{o[:-2]}.c calls {why[(o, t)]} in {t[:-2]}.c: up a floor")
    # Tarjan's strongly connected components: any with more than one file is a cycle.
    index, low, stack, on, sccs = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                sccs.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for o in objs:
        if o not in index:
            visit(o)
    for comp in sccs:
        links = [f"{a[:-2]}.c -> {b[:-2]}.c ({why[(a, b)]})" for a in comp for b in comp if b in edges[a]]
        bad.append("cycle: " + "; ".join(links))
    return bad


def main():
    args = sys.argv[1:]
    objects = "--objects" in args
    args = [a for a in args if a != "--objects"]
    root = args[0] if args else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    bad = check_includes(root)
    if objects:
        bad += check_calls(root)
    for b in bad:
        print(b)
    print(f"floors: {len(bad)} problem(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
