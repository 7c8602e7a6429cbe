"""The settings that restore the SDK's behaviour where mgbridge differs by default (README,
"Differences from the SDK"; docs/sdk-parity.md): None as "" for string properties, and empty
objects for object properties a reply does not hold. tests/powershell/SdkParity.Tests.ps1
compares them with the SDK's own cmdlet where it is built."""

from __future__ import annotations

from typing import Any

import pytest

import bridge
from bridge._exceptions import BodyError
from bridge._operation import PlannedRequest
from bridge._shape import build_command_request, build_invite_request, powershell_view
from bridge.sandbox import Sandbox

USER = {"User": {"Id": "278405a3-f568-4b3e-b684-009193463064"}}


def _nulls() -> dict[str, Any]:
    # What the SDK's cmdlet sent for this body, recorded by the sandbox: every declared string
    # (endpointType is an enum, a string in the SDK's model) as "", the boolean, the undeclared
    # key and the annotation left out.
    return {
        "Participants": [
            {
                "Identity": USER,
                "ReplacesCallId": None,
                "ParticipantId": None,
                "EndpointType": None,
                "Hidden": None,
                "Foo": None,
                "@odata.type": None,
            }
        ],
        "ClientContext": None,
    }


def test_none_is_left_out_by_default() -> None:
    body = build_invite_request("c", body=_nulls()).body
    assert body == {
        "participants": [{"identity": {"user": {"id": "278405a3-f568-4b3e-b684-009193463064"}}}]
    }


def test_none_as_empty_string_like_the_sdk() -> None:
    body = build_invite_request("c", body=_nulls(), null_as_empty_string=True).body
    assert body == {
        "participants": [
            {
                "identity": {"user": {"id": "278405a3-f568-4b3e-b684-009193463064"}},
                "replacesCallId": "",
                "participantId": "",
                "endpointType": "",
            }
        ],
        "clientContext": "",
    }


def test_none_as_empty_string_per_version_and_command() -> None:
    # v1.0's model does not declare endpointType: a None there is a null additional property,
    # which the SDK drops.
    v1 = build_invite_request("c", body=_nulls(), api_version="v1.0", null_as_empty_string=True)
    assert "endpointType" not in v1.body["participants"][0]
    assert v1.body["participants"][0]["replacesCallId"] == ""
    mute = build_command_request(
        "Invoke-MgBetaMuteCommunicationCallParticipant",
        ids={"CallId": "c", "ParticipantId": "p"},
        body={"ClientContext": None},
        null_as_empty_string=True,
    )
    assert mute.body == {"clientContext": ""}
    # A value given is never replaced; a key given twice in two casings is still an error.
    given = build_invite_request(
        "c",
        body={"Participants": [{"Identity": USER}], "ClientContext": "x"},
        null_as_empty_string=True,
    )
    assert given.body["clientContext"] == "x"
    with pytest.raises(BodyError, match="differ only in case"):
        build_invite_request(
            "c",
            body={
                "Participants": [{"Identity": USER}],
                "ClientContext": None,
                "clientcontext": None,
            },
            null_as_empty_string=True,
        )


def test_session_reads_the_setting_from_the_environment(
    sb: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = {"Participants": [{"Identity": USER}], "ClientContext": None}
    monkeypatch.setenv("MGBRIDGE_NULL_STRINGS", "empty")
    with bridge.connect(environment="Sandbox") as session:
        plan = session.invite("c", body=body, what_if=True)
    assert isinstance(plan, PlannedRequest)
    assert plan.body["clientContext"] == ""
    monkeypatch.delenv("MGBRIDGE_NULL_STRINGS")
    with bridge.connect(environment="Sandbox") as session:
        plan = session.invite("c", body=body, what_if=True)
        assert isinstance(plan, PlannedRequest)
        assert "clientContext" not in plan.body
    with bridge.connect(environment="Sandbox", null_as_empty_string=True) as session:
        plan = session.invite("c", body=body, what_if=True)
        assert isinstance(plan, PlannedRequest)
        assert plan.body["clientContext"] == ""


REPLY = {
    "@odata.type": "#microsoft.graph.inviteParticipantsOperation",
    "id": "op",
    "status": "Running",
    "participants": [{"identity": {"user": {"id": "u"}}}],
}


def test_absent_objects_are_none_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MGBRIDGE_ABSENT_OBJECTS", raising=False)
    view = powershell_view("inviteParticipantsOperation", REPLY)
    assert view["ResultInfo"] is None
    assert view["Participants"][0]["Identity"]["Application"] is None


def test_absent_objects_as_empty_objects_like_the_sdk(monkeypatch: pytest.MonkeyPatch) -> None:
    empty_identity = {"DisplayName": None, "Id": None, "AdditionalProperties": {}}
    explicit = powershell_view("inviteParticipantsOperation", REPLY, empty_objects=True)
    monkeypatch.setenv("MGBRIDGE_ABSENT_OBJECTS", "empty")
    for view in (explicit, powershell_view("inviteParticipantsOperation", REPLY)):
        assert view["ResultInfo"] == {
            "Code": None,
            "Message": None,
            "Subcode": None,
            "AdditionalProperties": {},
        }
        identity = view["Participants"][0]["Identity"]
        assert identity["Application"] == empty_identity
        assert identity["User"]["Id"] == "u"
        assert view["Participants"][0]["AdditionalProperties"] == {}
        assert list(view)[-1] == "AdditionalProperties"
    # Collections stay as given (None when absent), as in the SDK's models.
    assert (
        powershell_view("inviteParticipantsOperation", {}, empty_objects=True)["Participants"]
        is None
    )


def test_absent_objects_stop_at_a_type_being_filled_in() -> None:
    # Every object type of a call, recursively, without repeating a type along one path.
    view = powershell_view("call", {"id": "c"}, empty_objects=True)

    def walk(node: Any, depth: int) -> int:
        if not isinstance(node, dict):
            return depth
        return max(
            [depth] + [walk(v, depth + 1) for k, v in node.items() if k != "AdditionalProperties"]
        )

    assert view["ResultInfo"]["Code"] is None
    assert walk(view, 0) < 10
