"""The calls family from Python, over HTTPS to the sandbox: Session.command and the navigable
session.calls API, paging, what-if and errors."""

from __future__ import annotations

import importlib.util
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import bridge
from bridge import BodyError, GraphError, Operation, PlannedRequest
from bridge._session import CommandResult
from bridge.sandbox import Sandbox

ROOT = Path(__file__).resolve().parents[2]
CALL = {
    "CallbackUri": "https://bot.contoso.com/callback",
    "Targets": [
        {"Identity": {"User": {"Id": "112f7296", "DisplayName": "John"}}},
        {"Identity": {"User": {"Id": "98da8a1a", "DisplayName": "Jane"}}},
    ],
    "RequestedModalities": ["audio"],
    "MediaConfig": {"@odata.type": "#microsoft.graph.serviceHostedMediaConfig"},
}


@pytest.fixture
def session(sb: Sandbox) -> Iterator[bridge.Session]:
    with bridge.connect(environment="Sandbox") as connected:
        yield connected


def _established(session: bridge.Session, call_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 10
    while (call := session.calls[call_id].get())["state"] != "established":
        assert time.monotonic() < deadline, call
        time.sleep(0.05)
    return call  # type: ignore[no-any-return]


def _graph_requests(sb: Sandbox, method: str) -> list[dict[str, Any]]:
    """The Graph requests the sandbox recorded (sign-in left out)."""
    return [r for r in sb.requests() if r["method"] == method and "/communications/" in r["path"]]


def _user_id(participant: dict[str, Any]) -> str | None:
    user = participant["info"]["identity"].get("user")
    return user["id"] if user else None


def test_a_call_from_creation_to_hang_up(sb: Sandbox, session: bridge.Session) -> None:
    created = session.calls.create(CALL)
    assert created["state"] == "establishing"
    call = session.calls[created["id"]]
    _established(session, created["id"])
    assert _graph_requests(sb, "POST")[0]["body"] == {
        "callbackUri": "https://bot.contoso.com/callback",
        "targets": [
            {"identity": {"user": {"id": "112f7296", "displayName": "John"}}},
            {"identity": {"user": {"id": "98da8a1a", "displayName": "Jane"}}},
        ],
        "requestedModalities": ["audio"],
        "mediaConfig": {"@odata.type": "#microsoft.graph.serviceHostedMediaConfig"},
    }

    invited = call.participants.invite(
        participants=[
            {"Identity": {"User": {"Id": "u-adele", "DisplayName": "Adele"}}},
            {"Identity": {"User": {"Id": "u-bianca", "DisplayName": "Bianca"}}},
        ],
        client_context="ctx-invite",
    )
    assert isinstance(invited, Operation) and invited.client_context == "ctx-invite"
    session.wait_operation(invited, timeout=10, interval=0.05)
    roster = {_user_id(p): p for p in call.participants.list()}
    assert {"u-adele", "u-bianca"} <= set(roster)
    assert call.participants.count() == len(roster)

    muted = call.participants[roster["u-adele"]["id"]].mute(client_context="ctx-mute")
    assert isinstance(muted, Operation)
    assert muted.to_dict()["@odata.type"] == "#microsoft.graph.muteParticipantOperation"
    assert call.participants[roster["u-bianca"]["id"]].delete() is None
    left = {_user_id(p) for p in call.participants.list()}
    assert "u-bianca" not in left and "u-adele" in left

    contexts = {o["clientContext"] for o in call.operations.list()}
    assert {"ctx-invite", "ctx-mute"} <= contexts
    call.delete()
    with pytest.raises(GraphError) as caught:
        call.get()
    assert caught.value.status == 404


def test_lists_page_through_next_links(sb: Sandbox, session: bridge.Session) -> None:
    ids = {session.calls.create(CALL)["id"] for _ in range(5)}
    first = session.command("Get-MgBetaCommunicationCall", query={"top": 2})
    assert isinstance(first, CommandResult) and len(first.value) == 2
    everything = session.command("Get-MgBetaCommunicationCall", all_pages=True, page_size=2)
    assert isinstance(everything, CommandResult)
    assert {c["id"] for c in everything.value} == ids and everything.next_link is None
    assert (
        len(_graph_requests(sb, "GET")) == 1 + 3
    )  # the first page of two, then three pages of two, two and one
    counted = session.command("Get-MgBetaCommunicationCall", query={"top": 1, "count": True})
    assert isinstance(counted, CommandResult) and counted.count == 5
    assert session.calls.count() == 5
    assert len(session.calls.list(top=3)) == 3


def test_what_if_and_bad_input_send_nothing(sb: Sandbox, session: bridge.Session) -> None:
    planned = session.command(
        "Invoke-MgMuteCommunicationCallParticipant",
        ids={"CallId": "c1", "ParticipantId": "p1"},
        body={"ClientContext": "x"},
        what_if=True,
    )
    assert isinstance(planned, PlannedRequest)
    assert planned.url.endswith("/v1.0/communications/calls/c1/participants/p1/mute")
    assert planned.body == {"clientContext": "x"}
    assert planned.headers["Authorization"] == "Bearer <redacted>"
    with pytest.raises(BodyError) as caught:
        session.v1.calls.create({"Targets": [{"Identity": {"User": {"Id": ["x"]}}}]})
    assert caught.value.path == "Targets[0].Identity.User.Id"
    assert _graph_requests(sb, "POST") == []


def test_navigation_names_actions_and_collections(sb: Sandbox, session: bridge.Session) -> None:
    call = session.calls["c1"]
    assert {"participants", "operations", "keep_alive", "mute", "play_prompt", "delete"} <= set(
        dir(call)
    )
    assert {"invite", "mute_all", "list", "create", "count"} <= set(dir(call.participants))
    assert (
        repr(call.participants["p1"]) == "<Resource beta /communications/calls/c1/participants/p1>"
    )
    with pytest.raises(AttributeError, match="no action or collection 'dance'"):
        call.dance  # noqa: B018
    with pytest.raises(GraphError) as caught:
        session.v1.calls["missing"].keep_alive()
    assert caught.value.status == 404


def test_the_python_port_of_the_powershell_flow_runs(
    sb: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = importlib.util.spec_from_file_location(
        "call_flow", ROOT / "examples/python/call_flow.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main()
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Call ") and lines[0].endswith(" is establishing")
    assert "participants: " in lines[2] and "Adele" in lines[2] and "Bianca" in lines[2]
    assert re.fullmatch(r"Muting Adele: (?i:running|completed)", lines[3])
    assert re.fullmatch(r"Removed Bianca; \d+ participants left", lines[4])
    assert lines[-1] == "Hung up"
    deletes = [r["path"] for r in _graph_requests(sb, "DELETE")]
    assert len(deletes) == 2 and "/participants/" in deletes[0]
