"""The JSON boundary that both PowerShell transports use."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from bridge import _entry, _hostinfo


def call(request: dict[str, object]) -> dict[str, object]:
    reply = json.loads(_entry.dispatch(json.dumps(request)))
    assert isinstance(reply, dict)
    return reply


def test_hosting_info_reports_this_process() -> None:
    reply = call({"op": "hosting_info"})
    assert reply["ok"] is True
    assert reply["result"]["pid"] == os.getpid()


def test_unknown_operation_is_an_error_reply_not_an_exception() -> None:
    reply = call({"op": "no_such_thing"})
    assert reply == {
        "ok": False,
        "error": {"type": "BridgeError", "message": "Unknown operation 'no_such_thing'."},
    }


def test_malformed_request_is_an_error_reply() -> None:
    reply = json.loads(_entry.dispatch("{not json"))
    assert reply["ok"] is False
    assert reply["error"]["type"] == "JSONDecodeError"


def test_request_environment_reaches_os_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MGBRIDGE_PROBE", "old")
    call({"op": "hosting_info", "env": {"MGBRIDGE_PROBE": "new", "MGBRIDGE_GONE": None}})
    assert os.environ["MGBRIDGE_PROBE"] == "new"
    assert "MGBRIDGE_GONE" not in os.environ


def test_hostinfo_names_an_existing_libpython() -> None:
    report = _hostinfo.report()
    assert report["executable"] == sys.executable
    if report["shared_library"]:
        assert report["libpython"] is not None
        assert os.path.isfile(str(report["libpython"]))


def test_shim_answers_one_line_per_request_in_its_own_process() -> None:
    requests = [json.dumps({"op": "hosting_info"}), "", json.dumps({"op": "nope"})]
    done = subprocess.run(
        [sys.executable, "-m", "bridge._shim"],
        input="\n".join(requests) + "\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    replies = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["ok"] for r in replies] == [True, False]
    assert replies[0]["result"]["pid"] != os.getpid()
