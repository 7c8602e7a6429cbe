"""The process transport: one JSON request per stdin line, one JSON reply per stdout line.

The PowerShell module starts this once per process (`python -m bridge._shim`, or
`mgbridge shim --stdio`) when it cannot or should not host Python in-process.
"""

from __future__ import annotations

import sys
from typing import TextIO

from bridge._entry import dispatch


def serve(stdin: TextIO, stdout: TextIO) -> None:
    for line in stdin:
        if line.strip():
            stdout.write(dispatch(line) + "\n")
            stdout.flush()


def main() -> None:
    # Replies own the real stdout; anything else that prints goes to stderr, so a stray print
    # can never be read as a reply.
    replies, sys.stdout = sys.stdout, sys.stderr
    serve(sys.stdin, replies)


if __name__ == "__main__":
    main()
