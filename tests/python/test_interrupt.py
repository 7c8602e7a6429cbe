"""Stopping a running call from another thread (bridge._interrupt), as the in-process host's
watcher does when PowerShell stops a pipeline: against the sandbox, over real TLS."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

import bridge
from bridge import _entry, _interrupt
from bridge.sandbox import Sandbox

USER = {
    "@odata.type": "#microsoft.graph.invitationParticipantInfo",
    "identity": {"user": {"id": "278405a3-f568-4b3e-b684-009193463064"}},
}


@pytest.fixture
def connected(sb: Sandbox, monkeypatch: pytest.MonkeyPatch) -> Iterator[bridge.Session]:
    with bridge.connect("Sandbox") as session:
        monkeypatch.setattr(_entry, "_session", session)
        yield session


def invite_request(call_id: str, context: str) -> str:
    body = {"participants": [USER], "clientContext": context}
    return json.dumps({"op": "invite", "args": {"call_id": call_id, "body": body}, "env": {}})


class Running:
    """A dispatch on its own thread, as a PowerShell pipeline thread makes it."""

    def __init__(self, request: str, token: int) -> None:
        self.reply: dict[str, Any] | None = None
        self.ended_at = 0.0
        self._thread = threading.Thread(target=self._run, args=(request, token))
        self._thread.start()

    def _run(self, request: str, token: int) -> None:
        self.reply = json.loads(_entry.dispatch(request, token))
        self.ended_at = time.monotonic()

    def join(self) -> dict[str, Any]:
        self._thread.join(30)
        assert self.reply is not None, "the call did not end"
        return self.reply


def wait_for(condition: Any, what: str) -> None:
    deadline = time.monotonic() + 10
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)


def test_a_call_waiting_on_graph_is_stopped_and_the_session_goes_on(
    sb: Sandbox, connected: bridge.Session
) -> None:
    call_id = sb.create_call()["id"]
    connected.invite(call_id, body={"participants": [USER], "clientContext": "warm"})
    sb.inject_fault("invite", None, delay_ms=20_000)  # Graph holds the answer for 20 s
    running = Running(invite_request(call_id, "held"), token=101)
    wait_for(lambda: any(r.get("fault") for r in sb.requests()), "the held invite to arrive")

    stopped_at = time.monotonic()
    assert _entry.stop(101) is True
    reply = running.join()

    assert reply["ok"] is False
    assert reply["error"]["type"] == "CallStopped"
    # Its socket was shut down: the call ended long before Graph's 20 s answer.
    assert running.ended_at - stopped_at < 5
    # Sent once, not retried after the stop; and the next call works on the same session.
    assert [r["body"]["clientContext"] for r in sb.requests() if r["kind"] == "invite"] == [
        "warm",
        "held",
    ]
    after = json.loads(_entry.dispatch(invite_request(call_id, "after"), 102))
    assert after["ok"] is True, after


def test_a_call_sleeping_before_a_retry_is_stopped(sb: Sandbox, connected: bridge.Session) -> None:
    call_id = sb.create_call()["id"]
    # A 503 with Retry-After: 30 puts the call to sleep before its retry.
    sb.inject_fault("invite", 503, retry_after=30)
    running = Running(invite_request(call_id, "retrying"), token=201)
    wait_for(lambda: any(r.get("fault") for r in sb.requests()), "the first attempt")
    time.sleep(0.2)  # into the sleep

    assert _entry.stop(201) is True
    reply = running.join()
    assert reply["error"]["type"] == "CallStopped"
    # Stopped while waiting: the retry was never sent.
    assert len([r for r in sb.requests() if r["kind"] == "invite"]) == 1


def test_a_stop_for_a_call_that_has_ended_reaches_no_other_call(
    sb: Sandbox, connected: bridge.Session
) -> None:
    call_id = sb.create_call()["id"]
    first = Running(invite_request(call_id, "first"), token=301)
    assert first.join()["ok"] is True

    assert _entry.stop(301) is False  # late: that call is over
    second = Running(invite_request(call_id, "second"), token=302)
    assert second.join()["ok"] is True


def test_sleep_outside_a_call_is_plain_sleep() -> None:
    started = time.monotonic()
    _interrupt.sleep(0.05)
    assert time.monotonic() - started >= 0.05


def test_scopes_nest_and_are_forgotten_when_calls_end() -> None:
    outer = _interrupt.enter(401)
    inner = _interrupt.enter(402)
    _interrupt.leave(402, inner)
    assert _interrupt.stop(402) is False
    # The outer call is this thread's call again: a stop of it wakes its sleep.
    assert _interrupt.stop(401) is True
    with pytest.raises(_interrupt.CallStopped):
        _interrupt.sleep(30)
    _interrupt.leave(401, outer)
    assert _interrupt.stop(401) is False
    _interrupt.sleep(0)  # this thread has no call now
