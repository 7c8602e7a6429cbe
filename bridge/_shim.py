"""The process transport: one JSON request per stdin line, one JSON reply per stdout line.

The PowerShell module starts this once per process (`python -m bridge._shim`, or
`mgbridge shim --stdio`) when it cannot or should not host Python in-process.

Two kinds of request line:

- ``<json>``: answered on the reading thread, so plain lines are answered in order, one at
  a time, with a plain ``<reply json>`` line.
- ``@<id> <json>``: ``<id>`` is one or more characters other than whitespace (the module
  sends decimal numbers), then one space. It runs on a worker thread (up to ``WORKERS`` at a
  time, the rest queued), so tagged requests run concurrently; the reply line
  ``@<id> <reply json>`` carries the same id, and replies come in completion order. A line
  starting with ``@`` but not framed so gets a plain error reply.

Each reply line is written whole, under one lock. At the end of stdin the requests still
running are answered before the process exits.
"""

from __future__ import annotations

import json
import re
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import TextIO

from bridge._entry import dispatch

# Calls mostly wait on Graph, so threads are cheap; the bound keeps a flood of requests from
# starting a thread each.
WORKERS = 64

TAGGED = re.compile(r"@(\S+) (.*)")

BAD_TAG = json.dumps(
    {
        "ok": False,
        "error": {
            "type": "BridgeError",
            "message": "A request line starting with '@' must be '@<id> <json>'.",
        },
    }
)


def serve(stdin: TextIO, stdout: TextIO) -> None:
    write_lock = threading.Lock()

    def answer(line: str) -> None:
        with write_lock:
            stdout.write(line + "\n")
            stdout.flush()

    def run_tagged(request_id: str, request: str) -> None:
        answer(f"@{request_id} {dispatch(request)}")

    with ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="mgbridge-shim") as pool:
        for line in stdin:
            if not line.strip():
                continue
            if line.startswith("@"):
                tagged = TAGGED.fullmatch(line.rstrip("\r\n"))
                if tagged:
                    pool.submit(run_tagged, tagged[1], tagged[2])
                else:
                    answer(BAD_TAG)
            else:
                answer(dispatch(line))


def main() -> None:
    # Replies own the real stdout; anything else that prints goes to stderr, so a stray print
    # can never be read as a reply.
    replies, sys.stdout = sys.stdout, sys.stderr
    serve(sys.stdin, replies)


if __name__ == "__main__":
    main()
