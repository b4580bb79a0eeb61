#!/usr/bin/env python3
"""Reject negated commands (`! cmd`) where `set -e` ignores them.

bats runs a test with `set -e`, and bash's `set -e` never exits on a command negated with `!`
(nor on `a && ! b`, nor on a `{ ...; ! b; }` group). So in

    @test "x" {
      ! grep -q secret <<<"$output"
      echo fine
    }

the test passes whether or not the output contains the secret. The same holds in a helper the
test calls and in a `set -e` script. Write instead `refute CMD...` (tests/lib/common.bash),
`run ! CMD` followed by the checks, or `if CMD; then ...; false; fi`.

Rule: every `!` that starts a command is rejected, including as the last command of a test
(where it would happen to work: one rule is easier to keep than "only on the last line"), except
  - in the condition of if / elif / while / until (the shell tests it; set -e does not apply), and
  - as the whole body of a one-line function, `name() { ! cmd; }`: the function's status is the
    negation, and a caller under set -e does stop on it.
`[ ! -e f ]`, `[[ ! x ]]` and `!` inside quotes, comments and here-documents are not commands.

Usage: bats_bang.py [FILE...]
Without FILE: tests/integration/*.bats, tests/security/*.bats, tests/lib/*.bash and every tests/**/*.sh that turns on
`set -e`. Prints FILE:LINE: TEXT per finding and exits 1 when there is one."""
import glob
import os
import re
import sys

OPS = {"&&", "||", ";", ";;", "&", "|", "|&", "(", ")", "\n"}
COND_START = {"if", "elif", "while", "until"}
COND_END = {"then", "do"}
# After these words the next word starts a command.
CMD_PREFIX = {"then", "do", "else", "{", "!", "time"} | COND_START


class Tok:
    __slots__ = ("text", "line", "word")

    def __init__(self, text, line, word):
        self.text, self.line, self.word = text, line, word


def skip_subst(s, i, line):
    """s[i] is just past an opening '(' of $( ), <( ), >( ) or $(( )): index past the matching
    ')' and the line there. Quotes inside are honoured."""
    depth = 1
    n = len(s)
    while i < n and depth:
        c = s[i]
        if c == "\n":
            line += 1
        elif c == "\\":
            if i + 1 < n and s[i + 1] == "\n":
                line += 1
            i += 2
            continue
        elif c == "'":
            j = s.find("'", i + 1)
            j = n if j < 0 else j
            line += s.count("\n", i, j)
            i = j + 1
            continue
        elif c == '"':
            i, line = skip_dquote(s, i + 1, line)
            continue
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        i += 1
    return i, line


def skip_dquote(s, i, line):
    """s[i] is just past an opening '"': index past the closing one."""
    n = len(s)
    while i < n:
        c = s[i]
        if c == "\\":
            if i + 1 < n and s[i + 1] == "\n":
                line += 1
            i += 2
            continue
        if c == "\n":
            line += 1
        elif c == '"':
            return i + 1, line
        elif c == "$" and s.startswith("$(", i):
            i, line = skip_subst(s, i + 2, line)
            continue
        elif c == "`":
            j = s.find("`", i + 1)
            j = n if j < 0 else j
            line += s.count("\n", i, j)
            i = j + 1
            continue
        i += 1
    return i, line


def tokenize(s):
    """Words and operators with their line numbers; quotes, substitutions, comments and
    here-document bodies are folded into words or dropped."""
    toks = []
    heredocs = []  # (delimiter, strip_tabs) waiting for the end of the line
    i, line, n = 0, 1, len(s)
    word, wline = [], 1

    def end_word():
        if word:
            toks.append(Tok("".join(word), wline, True))
            word.clear()

    while i < n:
        c = s[i]
        if c == "\\" and i + 1 < n:
            if s[i + 1] == "\n":
                line += 1
            else:
                if not word:
                    wline = line
                word.append(s[i : i + 2])
            i += 2
            continue
        if c == "\n":
            end_word()
            toks.append(Tok("\n", line, False))
            i += 1
            line += 1
            for delim, strip in heredocs:
                while i < n:
                    j = s.find("\n", i)
                    j = n if j < 0 else j
                    body = s[i:j]
                    i = j + 1
                    line += 1
                    if (body.lstrip("\t") if strip else body) == delim:
                        break
            heredocs = []
            continue
        if c in " \t":
            end_word()
            i += 1
            continue
        if c == "#" and not word:
            j = s.find("\n", i)
            i = n if j < 0 else j
            continue
        if not word:
            wline = line
        if c == "'":
            j = s.find("'", i + 1)
            j = n if j < 0 else j
            word.append("''")
            line += s.count("\n", i, j)
            i = j + 1
            continue
        if c == "$" and s.startswith("$'", i):
            j = i + 2
            while j < n and s[j] != "'":
                j += 2 if s[j] == "\\" else 1
            word.append("$''")
            line += s.count("\n", i, j)
            i = j + 1
            continue
        if c == '"':
            word.append('""')
            i, line = skip_dquote(s, i + 1, line)
            continue
        if c == "`":
            j = s.find("`", i + 1)
            j = n if j < 0 else j
            word.append("``")
            line += s.count("\n", i, j)
            i = j + 1
            continue
        if c == "$" and s.startswith("{", i + 1):  # ${var//;/,}: one word
            depth, j = 0, i + 1
            while j < n:
                if s[j] == "\\":
                    j += 2
                    continue
                depth += {"{": 1, "}": -1}.get(s[j], 0)
                j += 1
                if depth == 0:
                    break
            word.append("${}")
            line += s.count("\n", i, j)
            i = j
            continue
        if c in "$<>" and s.startswith("(", i + 1):
            word.append(c + "()")
            i, line = skip_subst(s, i + 2, line)
            continue
        if s.startswith("<<", i) and not s.startswith("<<<", i):
            m = re.match(r"<<(-?)\s*(['\"]?)([A-Za-z0-9_]+)\2", s[i:])
            if m:
                heredocs.append((m.group(3), m.group(1) == "-"))
                word.append(m.group(0))
                i += m.end()
                continue
        if not word and s.startswith("((", i):
            end_word()
            toks.append(Tok("(())", line, True))
            i, line = skip_subst(s, i + 2, line)
            if i < n and s[i] == ")":
                i += 1
            continue
        op = None
        for cand in ("&&", "||", ";;", "|&", ";", "&", "|", "(", ")"):
            if s.startswith(cand, i):
                op = cand
                break
        if op and not (op == "&" and word and word[-1].endswith((">", "<"))):  # 2>&1, &>f
            end_word()
            toks.append(Tok(op, line, False))
            i += len(op)
            continue
        word.append(c)
        i += 1
    end_word()
    return toks


def one_line_function_body(toks, k):
    """toks[k] is a `!`: is it the whole body of `name() { ! cmd; }` on one line?"""
    ln = toks[k].line
    if k < 4 or [t.text for t in toks[k - 3 : k]] != ["(", ")", "{"] or not toks[k - 4].word:
        return False
    if any(t.line != ln for t in toks[k - 4 : k]):
        return False
    j = k + 1
    while j < len(toks) and toks[j].text not in (";", "\n", "&&", "||", "&"):
        j += 1
    return (j + 1 < len(toks) and toks[j].text == ";" and toks[j + 1].text == "}"
            and toks[j + 1].line == ln)


def findings(text):
    toks = tokenize(text)
    out = []
    cmd_start = True
    cond = 0  # inside if/elif/while/until conditions
    for k, t in enumerate(toks):
        if not t.word:
            cmd_start = t.text in OPS
            continue
        if not cmd_start:
            continue
        w = t.text
        if w in COND_START:
            cond += 1
        elif w in COND_END and cond:
            cond -= 1
        elif w == "!" and not cond and not one_line_function_body(toks, k):
            out.append(t.line)
        cmd_start = w in CMD_PREFIX
    return out


def default_files(root):
    files = sorted(glob.glob(os.path.join(root, "tests/integration/*.bats")))
    files += sorted(glob.glob(os.path.join(root, "tests/security/*.bats")))
    files += sorted(glob.glob(os.path.join(root, "tests/lib/*.bash")))
    for f in sorted(glob.glob(os.path.join(root, "tests/**/*.sh"), recursive=True)):
        if "/.work/" in f:
            continue
        with open(f, encoding="utf-8", errors="replace") as fh:
            if re.search(r"^\s*set\s+-[a-zA-Z]*e", fh.read(), re.M):
                files.append(f)
    return files


def main(argv):
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    files = argv or default_files(root)
    bad = 0
    for f in files:
        with open(f, encoding="utf-8", errors="replace") as fh:
            text = fh.read()
        lines = text.split("\n")
        for ln in findings(text):
            bad += 1
            print(f"{os.path.relpath(f, root)}:{ln}: negated command ignored by set -e: "
                  f"{lines[ln - 1].strip()}")
    if bad:
        print(f"bats_bang: {bad} negated command(s) that cannot fail; use refute CMD, "
              "`run ! CMD` or `if CMD; then false; fi` (see tests/lint/bats_bang.py)")
        return 1
    print(f"bats_bang: {len(files)} files, no negated command that set -e would ignore")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
