#!/usr/bin/env python3
"""Drop the leak reports that __attribute__((cleanup)) makes false, keep every other finding.

Neither Debian's cppcheck 2.10 nor clang 14's static analyzer models the cleanup attribute, so a
variable declared with one of base/cleanup.h's `_cleanup_*_` macros looks leaked (or, for
cppcheck, "assigned a value that is never used") on every return after its initialisation. A
report is dropped only when all of these hold:
  - it is one of LEAK_IDS (a leak, or cppcheck's unreadVariable);
  - the variable it names is declared with a `_cleanup_*_` macro (or a bare
    __attribute__((cleanup(f)))) in the same function, above the reported line, or is a plain
    pointer initialised from such variables only, calls and CONSTANTS aside (an alias:
    `const char *pick = mode() == UNIFIED ? a : b;`);
    a field path such as 'p.key.p' is checked by its first name.
Every other report, including a leak of a plain variable, stays a finding.

Filter mode, for cppcheck: cleanup_leaks.py NAME < diagnostics, one "file:line:col: sev: msg [id]"
per line (cppcheck --template); prints what is kept, then "NAME: N finding(s); M leak report(s) on
_cleanup_ variables ignored"; exits 1 if anything is kept (any other output line counts too)."""
import os
import re
import sys

# LINT_SHOW_IGNORED=1: print each dropped report too, prefixed "ignored (cleanup): ".
SHOW_IGNORED = os.environ.get("LINT_SHOW_IGNORED") == "1"

LEAK_IDS = {
    "resourceLeak",  # cppcheck: fd / FILE* / DIR* not closed
    "memleak",  # cppcheck
    "unreadVariable",  # cppcheck: the cleanup function is the reader it does not see
    "clang-analyzer-unix.Malloc",  # only its "Potential leak" messages, see leak_name()
}
CLEANUP_DECL = re.compile(r"\b_cleanup_[a-z0-9_]+_\b|__attribute__\(\(cleanup\(\w+\)\)\)")
IDENT = re.compile(r"[A-Za-z_]\w*")
_cache = {}


def _lines(path):
    if path not in _cache:
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                _cache[path] = f.read().split("\n")
        except OSError:
            _cache[path] = []
    return _cache[path]


def leak_name(check, msg):
    """The variable a leak report names, or None if the report is not a leak report."""
    if check not in LEAK_IDS:
        return None
    m = (re.match(r"(?:Resource|Memory) leak: (\w+)", msg) or
         re.match(r"Variable '(\w+)' is assigned a value that is never used", msg) or
         re.match(r"Potential (?:memory )?leak of memory pointed to by '(\w+)", msg))
    return m.group(1) if m else None


def _function_above(path, line):
    """The lines of the function around path:line, from its first line down to `line`."""
    lines = _lines(path)
    start = min(line, len(lines)) - 1
    i = start
    while i > 0 and not (lines[i].startswith("}") or (lines[i][:1].isalpha() and lines[i].rstrip().endswith("{"))):
        i -= 1
    return lines[i:start + 1]


def _cleanup_names(body):
    """Names declared with a cleanup attribute in these lines."""
    names = set()
    for text in body:
        m = CLEANUP_DECL.search(text)
        if m:
            rest = text[m.end():].split(";")[0]
            # "struct x *a = f(), *b = NULL" -> a, b: the name before each '=' / ',' at depth 0
            for part in re.sub(r"\([^()]*\)|\{[^{}]*\}", "", rest).split(","):
                decl = part.split("=")[0]
                found = IDENT.findall(decl)
                if found:
                    names.add(found[-1])
    return names


def is_cleanup_leak(path, line, check, msg):
    """True if the report at path:line is a leak of a `_cleanup_*_` variable (see module doc)."""
    name = leak_name(check, msg)
    if not name:
        return False
    body = _function_above(path, line)
    owned = _cleanup_names(body)
    if name in owned:
        return True
    # An alias: "T *name = <expression of cleanup variables only>;", possibly over several lines.
    text = " ".join(body)
    m = re.search(r"[\s*]" + re.escape(name) + r"\s*=([^;=][^;]*);", text)
    if m:
        expr = re.sub(r"\b\w+\s*\(", "(", m.group(1))  # calls are not values it may hold
        used = {w for w in IDENT.findall(expr) if not w.isupper()}  # nor CONSTANTS
        return bool(used) and used <= owned
    return False


DIAG = re.compile(r"^(?P<file>[^:\s]+):(?P<line>\d+):(?P<col>\d+): (?P<sev>\w+): (?P<msg>.*) \[(?P<id>[^\]]+)\]$")


def main(name):
    kept, dropped = [], 0
    for raw in sys.stdin:
        raw = raw.rstrip("\n")
        m = DIAG.match(raw)
        if m and is_cleanup_leak(m["file"], int(m["line"]), m["id"], m["msg"]):
            dropped += 1
            if SHOW_IGNORED:
                print("ignored (cleanup): " + raw)
            continue
        if raw.strip():
            kept.append(raw)
    for k in kept:
        print(k)
    print(f"{name}: {len(kept)} finding(s); {dropped} leak report(s) on _cleanup_ variables ignored")
    return 1 if kept else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "findings"))
