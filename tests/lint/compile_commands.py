#!/usr/bin/env python3
"""Write compile_commands.json (for clang-tidy and editors) from the build's own command line.

Usage: OC_CC=cc OC_CFLAGS='<the Makefile CFLAGS>' compile_commands.py SRC... > compile_commands.json
OC_CFLAGS is split as the shell would split it, so quoted -D values arrive as make passes them."""
import json
import os
import shlex
import sys


def main(srcs):
    cc = shlex.split(os.environ.get("OC_CC", "cc"))
    cflags = shlex.split(os.environ.get("OC_CFLAGS", ""))
    root = os.getcwd()
    db = [{"directory": root, "file": src, "arguments": cc + cflags + ["-c", "-o", src[:-2] + ".o", src]}
          for src in srcs]
    json.dump(db, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1:])
