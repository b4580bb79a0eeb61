#!/usr/bin/env python3
"""Run clang-tidy (checks in .clang-tidy) over C sources with compile_commands.json, in parallel.

Usage: clang_tidy.py [-j N] [-p BUILD_DIR] SRC...
Prints each finding once (a header's finding is reported by every file that includes it) with its
notes, drops the leak reports that __attribute__((cleanup)) makes false (cleanup_leaks.py), and
ends with "clang-tidy: N finding(s) ...". Exits 1 if any finding is left or clang-tidy failed."""
import argparse
import concurrent.futures
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cleanup_leaks import SHOW_IGNORED, is_cleanup_leak  # noqa: E402

HEAD = re.compile(r"^(?P<file>/?[^:\s]+):(?P<line>\d+):(?P<col>\d+): (?P<sev>warning|error|note): (?P<msg>.*?)"
                  r"(?: \[(?P<id>[^\]]+)\])?$")


def run(binary, build_dir, src):
    p = subprocess.run([binary, "--quiet", "-p", build_dir, src], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
    return src, p.returncode, p.stdout, p.stderr


def findings(out, root):
    """Split clang-tidy's output into (key, text) per warning/error, notes attached."""
    cur = None
    for line in out.splitlines():
        m = HEAD.match(line)
        if m:
            path = os.path.relpath(os.path.normpath(os.path.join(root, m["file"])), root)
            line = f"{path}:{m['line']}:{m['col']}: {m['sev']}: {m['msg']}" + (f" [{m['id']}]" if m["id"] else "")
            if m["sev"] != "note":
                if cur:
                    yield cur
                cur = [(path, int(m["line"]), m["id"] or "", m["msg"]), [line]]
                continue
        if cur:
            cur[1].append(line)
    if cur:
        yield cur


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-j", type=int, default=os.cpu_count() or 1)
    ap.add_argument("-p", default=".")
    ap.add_argument("--clang-tidy", default=os.environ.get("CLANG_TIDY", "clang-tidy"))
    ap.add_argument("srcs", nargs="+")
    a = ap.parse_args()
    if not shutil.which(a.clang_tidy):
        print(f"clang-tidy: {a.clang_tidy} not found (Debian package clang-tidy; make deps)")
        return 1
    root = os.getcwd()
    seen, kept, dropped, failed = set(), [], 0, []
    # Largest files first: the analyzer's time grows with the file, and the pool drains evenly.
    order = sorted(a.srcs, key=lambda s: -os.path.getsize(s) if os.path.exists(s) else 0)
    with concurrent.futures.ThreadPoolExecutor(max_workers=a.j) as pool:
        results = sorted(pool.map(lambda s: run(a.clang_tidy, a.p, s), order))
    for src, rc, out, err in results:
        got = list(findings(out, root))
        if rc != 0 and not got:
            failed.append(f"{src}: clang-tidy exit status {rc}\n{err.strip()}")
        for (path, line, check, msg), text in got:
            key = (path, line, check, msg)
            if key in seen:
                continue
            seen.add(key)
            if is_cleanup_leak(path, line, check, msg):
                dropped += 1
                if SHOW_IGNORED:
                    print("ignored (cleanup): " + text[0])
            else:
                kept.append("\n".join(text))
    for k in kept:
        print(k)
    for f in failed:
        print(f)
    print(f"clang-tidy: {len(kept)} finding(s) in {len(a.srcs)} files; "
          f"{dropped} leak report(s) on _cleanup_ variables ignored")
    return 1 if kept or failed else 0


if __name__ == "__main__":
    sys.exit(main())
