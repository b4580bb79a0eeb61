#!/usr/bin/env python3
"""Every flag of every command, from the binary's own --help (printed from the parser's tables):

- each flag has a one-line description and the parser accepts it (`ocrun [CMD] --FLAG[=x] --help`);
- bash completion (contrib/completion/ocrun.bash) offers exactly those flags after `ocrun [CMD] --`;
- the man page (contrib/man/ocrun.8) has a section per command that mentions each of its flags
  (the global ones under GLOBAL OPTIONS).

Usage: cli_flags.py [REPO]  (default: this script's repository; needs REPO/ocrun built).
Prints one line per problem and "cli-flags: N passed, N failed"; exits 1 on any problem.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

REPO = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", ".."))
OCRUN = os.path.join(REPO, "ocrun")
COMPLETION = os.path.join(REPO, "contrib", "completion", "ocrun.bash")
MAN = os.path.join(REPO, "contrib", "man", "ocrun.8")
FLAG_LINE = re.compile(r"^  (?:-[a-zA-Z0-9], |    )--([a-z0-9-]+)(?: (\S+))?(?:  +(.*))?$")
SCRATCH = tempfile.mkdtemp(prefix="ocrun-cli-flags.")  # spec --rootless --help must write nothing


def ocrun(*args):
    return subprocess.run([OCRUN, *args], capture_output=True, text=True, cwd=SCRATCH, timeout=30)


def help_flags(cmd):
    """{flag: (value name or None, description)} from `ocrun [cmd] --help`."""
    out = ocrun(*([cmd] if cmd else []), "--help").stdout
    flags = {}
    for line in out.splitlines():
        m = FLAG_LINE.match(line)
        if m:
            flags[m.group(1)] = (m.group(2), (m.group(3) or "").strip())
    return flags


def commands():
    out = ocrun("--help").stdout
    section = out.split("Commands:\n", 1)[1].split("\n\n", 1)[0] if "Commands:\n" in out else ""
    return [line.split()[0] for line in section.splitlines() if line.strip()]


def completion(words):
    """What the completion function offers for the words (the last one is being completed)."""
    script = (f"source {COMPLETION}\nCOMP_WORDS=({' '.join(repr(w) for w in words)})\n"
              "COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=(); _ocrun; printf '%s\\n' \"${COMPREPLY[@]}\"")
    r = subprocess.run(["bash", "-c", script], capture_output=True, text=True, cwd=SCRATCH, timeout=60)
    return {w for w in r.stdout.split() if w}


def man_sections():
    """{command or "": set of --flags mentioned} from the man page's .SS (and GLOBAL OPTIONS) sections."""
    text = open(MAN, encoding="utf-8").read().replace("\\-", "-")
    sections, cur = {}, None
    for line in text.splitlines():
        if line.startswith(".SH"):
            cur = "" if "GLOBAL OPTIONS" in line else None
        elif line.startswith(".SS"):
            cur = line[3:].strip().strip('"')
        if cur is not None:
            sections.setdefault(cur, set()).update(re.findall(r"--([a-z0-9][a-z0-9-]*)", line))
    return sections


def main():
    problems, checked = [], 0
    try:
        return check(problems, checked)
    finally:
        left = os.listdir(SCRATCH)
        shutil.rmtree(SCRATCH)
        if left:
            print(f"FAIL a --help run wrote {left} into its cwd")


def check(problems, checked):
    cmds = commands()
    if not cmds:
        problems.append("ocrun --help lists no commands")
    man = man_sections()
    for cmd in [""] + cmds:
        where = f"ocrun {cmd}".strip()
        flags = help_flags(cmd)
        if "help" not in flags:
            problems.append(f"{where} --help: no flag lines (not even --help)")
        for flag, (arg, desc) in sorted(flags.items()):
            checked += 1
            if not desc:
                problems.append(f"{where} --help: --{flag} has no description")
            if flag == "help":
                continue
            r = ocrun(*([cmd] if cmd else []), f"--{flag}={'x' if arg else 'true'}", "--help")
            if "flag provided but not defined" in r.stderr:
                problems.append(f"{where} --{flag}: listed by --help but refused: {r.stderr.strip()}")
        if cmd:
            # The check must be able to fail: a flag that is in no table is refused.
            r = ocrun(cmd, "--no-such-flag", "--help")
            if r.returncode == 0:
                problems.append(f"{where} --no-such-flag: accepted")
        offered = completion([OCRUN] + ([cmd] if cmd else []) + ["--"])
        listed = {f"--{f}" for f in flags}
        for f in sorted(offered - listed):
            problems.append(f"completion offers {where} {f}, which --help does not list")
        for f in sorted(listed - offered):
            problems.append(f"completion does not offer {where} {f}")
        if cmd not in man:
            problems.append(f"man page: no section for {where}")
            continue
        for f in sorted(set(flags) - {"help"} - man[cmd]):
            problems.append(f"man page: {where} section does not mention --{f}")
    for p in problems:
        print("FAIL", p)
    print(f"cli-flags: {checked} flags of {len(cmds)} commands and the global flags checked")
    print(f"cli-flags: {0 if problems else 1} passed, {1 if problems else 0} failed")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
