"""The process transport's line protocol (bridge/_shim.py): plain lines answered in order, and
`@<id> <json>` lines answered concurrently, each reply carrying its request's id."""

from __future__ import annotations

import io
import json
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from bridge._shim import serve

HOSTING_INFO = json.dumps({"op": "hosting_info"})


def served(*lines: str) -> list[str]:
    """The reply lines of `serve` for these request lines, the input ending after them."""
    replies = io.StringIO()
    serve(io.StringIO("".join(line + "\n" for line in lines)), replies)
    return replies.getvalue().splitlines()


def tagged(line: str) -> tuple[str, dict[str, Any]]:
    assert line.startswith("@"), line
    request_id, _, reply = line[1:].partition(" ")
    return request_id, json.loads(reply)


def test_plain_lines_are_answered_in_order_with_plain_lines() -> None:
    replies = [json.loads(line) for line in served(HOSTING_INFO, "", '{"op": "nope"}', "{bad")]
    assert [r["ok"] for r in replies] == [True, False, False]
    assert replies[1]["error"]["message"] == "Unknown operation 'nope'."
    assert replies[2]["error"]["type"] == "JSONDecodeError"


def test_tagged_lines_are_answered_with_their_ids() -> None:
    replies = dict(
        tagged(line)
        for line in served(f"@7 {HOSTING_INFO}", '@x-1 {"op": "nope"}', "@bad {not json")
    )
    assert set(replies) == {"7", "x-1", "bad"}
    assert replies["7"]["ok"] is True
    assert replies["x-1"]["error"]["message"] == "Unknown operation 'nope'."
    assert replies["bad"]["error"]["type"] == "JSONDecodeError"


@pytest.mark.parametrize("line", ["@ {}", "@", "@id-without-request"])
def test_a_badly_framed_tagged_line_gets_a_plain_error_reply(line: str) -> None:
    (reply,) = served(line)
    assert json.loads(reply) == {
        "ok": False,
        "error": {
            "type": "BridgeError",
            "message": "A request line starting with '@' must be '@<id> <json>'.",
        },
    }


def test_plain_and_tagged_lines_mix() -> None:
    lines = served(HOSTING_INFO, f"@1 {HOSTING_INFO}", HOSTING_INFO)
    assert sorted(line.startswith("@1 ") for line in lines) == [False, False, True]


# -- the child process, concurrently, against the sandbox ------------------------------------


class Child:
    """`python -m bridge._shim` with its replies read on a thread, so waits are bounded."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-u", "-m", "bridge._shim"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def close(self) -> None:
        """Ends its input, as the end of pwsh does: it answers what runs, then exits."""
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)
        self.reader.join(timeout=30)
        self.process.stdout.close()

    def send(self, request_id: str, request: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(f"@{request_id} {json.dumps(request)}\n")
        self.process.stdin.flush()

    def reply(self) -> tuple[str, dict[str, Any]]:
        return tagged(self.lines.get(timeout=30))


@pytest.fixture
def child(sb: Any) -> Iterator[Child]:
    running = Child()
    try:
        running.send("connect", {"op": "connect", "args": {"environment": "Sandbox"}})
        request_id, reply = running.reply()
        assert (request_id, reply["ok"]) == ("connect", True), reply
        yield running
    finally:
        running.close()


def invite(call_id: str, user: str) -> dict[str, Any]:
    body = {"ClientContext": user, "Participants": [{"Identity": {"User": {"Id": user}}}]}
    return {"op": "invite", "args": {"call_id": call_id, "body": body}}


def test_a_slow_tagged_request_does_not_hold_back_a_later_one(sb: Any, child: Child) -> None:
    call_id = sb.create_call()["id"]
    sb.inject_fault("invite", delay_ms=3000)
    child.send("slow", invite(call_id, "slow"))
    # The fault holds the first invite that arrives; the fast one is sent once it has.
    deadline = time.monotonic() + 30
    while not any(r["path"].endswith("/participants/invite") for r in sb.requests()):
        assert time.monotonic() < deadline, "the slow invite never reached the sandbox"
        time.sleep(0.02)
    child.send("fast", invite(call_id, "fast"))
    first, second = child.reply(), child.reply()
    assert [first[0], second[0]] == ["fast", "slow"]
    for request_id, reply in (first, second):
        assert reply["ok"], reply
        assert reply["result"]["view"]["ClientContext"] == request_id


def test_requests_still_running_at_the_end_of_input_are_answered() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bridge._shim"],
        input=f"@a {HOSTING_INFO}\n@b {HOSTING_INFO}\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert sorted(tagged(line)[0] for line in done.stdout.splitlines()) == ["a", "b"]
