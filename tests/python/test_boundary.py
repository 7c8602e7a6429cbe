"""The JSON boundary that both PowerShell transports use."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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


# -- the operations the cmdlets call, against the sandbox -------------------------------------


@pytest.fixture
def example_1(help_examples: dict[str, Any]) -> dict[str, Any]:
    return help_examples["Example1"]["params"]  # type: ignore[no-any-return]


@pytest.fixture
def connected(sb: Any) -> Iterator[Any]:
    reply = call({"op": "connect", "args": {"environment": "Sandbox"}})
    assert reply["ok"], reply
    yield sb
    call({"op": "disconnect"})


def invites(sb: Any) -> list[dict[str, Any]]:
    return [r for r in sb.requests() if r["path"].endswith("/participants/invite")]


def test_connect_returns_the_context_without_secrets(sb: Any) -> None:
    reply = call({"op": "connect", "args": {"environment": "Sandbox"}})
    try:
        assert reply["ok"], reply
        assert reply["result"]["ClientId"] == sb.client_id
        assert reply["result"]["AuthType"] == "AppOnly"
        assert sb.client_secret not in json.dumps(reply)
        assert call({"op": "context"})["result"]["ClientId"] == sb.client_id
    finally:
        call({"op": "disconnect"})
    assert call({"op": "context"}) == {"ok": True, "result": None}


def test_disconnect_without_a_connection_uses_the_sdk_message() -> None:
    reply = call({"op": "disconnect"})
    assert reply["ok"] is False
    assert reply["error"]["message"] == "No application to sign out from."


def test_invite_without_a_connection_asks_for_connect_mggraph(example_1: dict[str, Any]) -> None:
    reply = call({"op": "invite", "args": {"call_id": "c1", "body": example_1}})
    assert reply["error"]["type"] == "AuthError"
    assert "Connect-MgGraph" in reply["error"]["message"]


def test_invite_returns_graph_json_and_the_sdk_view(
    connected: Any, example_1: dict[str, Any]
) -> None:
    call_id = connected.create_call()["id"]
    reply = call({"op": "invite", "args": {"call_id": call_id, "body": example_1}})
    assert reply["ok"], reply
    result = reply["result"]
    assert result["operation"]["status"] == "Running"
    assert result["view"]["Id"] == result["operation"]["id"]
    assert result["view"]["ClientContext"] == example_1["ClientContext"]
    assert result["response_headers"]["request-id"]
    operation = call(
        {"op": "get_operation", "args": {"call_id": call_id, "operation_id": result["view"]["Id"]}}
    )
    assert operation["result"]["view"]["Id"] == result["view"]["Id"]


def test_participants_given_as_json_text_are_parsed(
    connected: Any, example_1: dict[str, Any]
) -> None:
    call_id = connected.create_call()["id"]
    participant = json.dumps(example_1["Participants"][0])
    reply = call({"op": "invite", "args": {"call_id": call_id, "participants": [participant]}})
    assert reply["ok"], reply
    assert invites(connected)[0]["body"]["participants"][0]["replacesCallId"]


def test_participant_text_that_is_not_json_is_a_body_error_and_nothing_is_sent(
    connected: Any, example_1: dict[str, Any]
) -> None:
    call_id = connected.create_call()["id"]
    reply = call({"op": "invite", "args": {"call_id": call_id, "participants": ["{oops"]}})
    assert reply["error"]["type"] == "BodyError"
    assert reply["error"]["path"] == "Participants[0]"
    assert invites(connected) == []


def test_what_if_without_a_connection_checks_the_body_and_sends_nothing(
    sb: Any, example_1: dict[str, Any]
) -> None:
    reply = call({"op": "invite", "args": {"call_id": "c1", "body": example_1, "what_if": True}})
    assert reply["ok"], reply
    assert reply["result"]["plan"]["body"]["participants"][0]["identity"]["user"]["id"]
    assert sb.requests() == []


def test_debug_log_is_returned_with_the_reply_and_holds_no_token(
    connected: Any, example_1: dict[str, Any]
) -> None:
    call_id = connected.create_call()["id"]
    reply = call({"op": "invite", "args": {"call_id": call_id, "body": example_1, "log": "debug"}})
    assert reply["ok"], reply
    assert any(line["level"] == "debug" for line in reply["log"])
    text = json.dumps(reply["log"])
    assert "Bearer ey" not in text
    assert connected.client_secret not in text


def test_logger_level_is_restored_after_a_logged_call(connected: Any) -> None:
    before = logging.getLogger("bridge").level
    call({"op": "context", "args": {"log": "debug"}})
    assert logging.getLogger("bridge").level == before


def test_sandbox_process_starts_serves_the_admin_api_and_stops(tmp_path: Path) -> None:
    state_file = str(tmp_path / "state.json")
    started = call({"op": "sandbox_start", "args": {"state_file": state_file}})
    assert started["ok"], started
    pid = started["result"]["pid"]
    try:
        assert "client_secret" not in started["result"]
        again = call({"op": "sandbox_start", "args": {"state_file": state_file}})
        assert "already runs" in again["error"]["message"]
        created = call(
            {
                "op": "sandbox_request",
                "args": {"method": "POST", "path": "/_sandbox/calls", "state_file": state_file},
            }
        )
        assert created["ok"], created
        assert created["result"]["id"]
    finally:
        stopped = call({"op": "sandbox_stop", "args": {"state_file": state_file}})
    assert stopped["result"]["stopped"] == pid
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert not os.path.exists(state_file)


def test_warnings_come_back_with_the_reply_without_asking(sb: Any) -> None:
    arguments = {
        "environment": "Sandbox",
        "client_id": sb.no_role_client_id,
        "client_secret": sb.no_role_client_secret,
        "tenant_id": sb.tenant_id,
    }
    reply = call({"op": "connect", "args": arguments})
    try:
        assert reply["ok"], reply
        warnings = [line for line in reply["log"] if line["level"] == "warning"]
        assert any("Calls.InitiateGroupCall.All" in line["message"] for line in warnings)
        assert all(line["level"] == "warning" for line in reply["log"])
    finally:
        call({"op": "disconnect"})


def test_get_operation_sends_the_callers_headers(connected: Any, example_1: Any) -> None:
    call_id = connected.create_call()["id"]
    invited = call({"op": "invite", "args": {"call_id": call_id, "body": example_1}})
    operation_id = invited["result"]["view"]["Id"]
    reply = call(
        {
            "op": "get_operation",
            "args": {"call_id": call_id, "operation_id": operation_id, "headers": {"X-Probe": "1"}},
        }
    )
    assert reply["ok"], reply
    assert connected.requests()[-1]["headers"]["x-probe"] == "1"


def test_undeclared_keys_keep_the_callers_casing_when_the_session_says_so(
    sb: Any, example_1: Any
) -> None:
    reply = call(
        {
            "op": "connect",
            "args": {"environment": "Sandbox"},
            "env": {"MGBRIDGE_UNDECLARED_KEYS": "verbatim"},
        }
    )
    try:
        assert reply["ok"], reply
        call_id = sb.create_call()["id"]
        assert call({"op": "invite", "args": {"call_id": call_id, "body": example_1}})["ok"]
    finally:
        call({"op": "disconnect", "env": {"MGBRIDGE_UNDECLARED_KEYS": None}})
    user = invites(sb)[0]["body"]["participants"][0]["identity"]["user"]
    assert user["IdentityProvider"] == "AAD"  # undeclared: as the script spelled it
    assert user["id"] == example_1["Participants"][0]["Identity"]["User"]["Id"]  # declared


@pytest.fixture
def default_request_context() -> Iterator[None]:
    yield
    call({"op": "set_request_context", "args": dict(_entry._REQUEST_CONTEXT_DEFAULTS)})


def test_request_context_applies_to_the_current_connection(
    connected: Any, example_1: Any, default_request_context: None
) -> None:
    reply = call(
        {"op": "set_request_context", "args": {"max_retry": 1, "retry_delay": 0, "timeout": 20}}
    )
    assert reply["result"] == {
        "MaxRetry": 1,
        "RetryDelay": 0,
        "RetriesTimeLimit": 0,
        "ClientTimeout": 20,
    }
    call_id = connected.create_call()["id"]
    connected.inject_fault("invite", 503, count=5)
    failed = call({"op": "invite", "args": {"call_id": call_id, "body": example_1}})
    assert failed["error"]["status"] == 503
    assert len(invites(connected)) == 2  # the first try and one retry
    assert call({"op": "request_context"})["result"]["MaxRetry"] == 1


def test_request_context_refuses_values_out_of_range(default_request_context: None) -> None:
    for settings in ({"max_retry": 11}, {"retry_delay": -1}, {"timeout": 0}):
        reply = call({"op": "set_request_context", "args": settings})
        assert reply["error"]["type"] == "BodyError", settings
    assert call({"op": "request_context"})["result"]["MaxRetry"] == 3


def test_commands_take_json_text_for_model_parameters_as_the_sdk_does() -> None:
    target = '{"Identity": {"User": {"Id": "u1"}}}'
    reply = call(
        {
            "op": "command",
            "args": {
                "name": "Move-MgCommunicationCall",
                "ids": {"CallId": "c1"},
                "expanded": {"TransferTarget": target, "ClientContext": '{"not": "a model"}'},
                "what_if": True,
            },
        }
    )
    assert reply["ok"] is True, reply
    assert reply["result"]["plan"]["body"] == {
        "transferTarget": {"identity": {"user": {"id": "u1"}}},
        "clientContext": '{"not": "a model"}',
    }
    invite = call(
        {
            "op": "command",
            "args": {
                "name": "Invoke-MgBetaInviteCommunicationCallParticipant",
                "ids": {"CallId": "c1"},
                "expanded": {"Participants": [target, "{broken"]},
                "what_if": True,
            },
        }
    )
    assert invite["ok"] is False
    assert invite["error"]["type"] == "BodyError"
    assert invite["error"]["path"] == "Participants[1]"
