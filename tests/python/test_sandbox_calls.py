"""The sandbox as a calls service, over HTTPS with plain httpx: creating calls and their state
changes, the roster, every action's answer and operation, wrong states, incoming calls, list
query options and paging, and the notifications a loopback callback receives."""

from __future__ import annotations

import http.server
import json
import socket
import ssl
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

import bridge
from bridge._schema import COMMANDS, Command
from bridge._session import CommandResult
from bridge.sandbox import Sandbox

DELAY_MS = 30
CONTEXT = "d45324c1-fcb5-430a-902c-f20af696537c"


def identity(slot: str, ident: str) -> dict[str, Any]:
    return {
        "@odata.type": "#microsoft.graph.identitySet",
        slot: {"@odata.type": "#microsoft.graph.identity", "id": ident, "displayName": ident},
    }


def target(ident: str) -> dict[str, Any]:
    return {
        "@odata.type": "#microsoft.graph.invitationParticipantInfo",
        "identity": identity("user", ident),
    }


def new_call(
    *targets: str, media: str = "serviceHostedMediaConfig", callback: str | None = None
) -> dict[str, Any]:
    return {
        "@odata.type": "#microsoft.graph.call",
        "callbackUri": callback or "https://bot.contoso.com/callback",
        "targets": [target(t) for t in targets],
        "requestedModalities": ["audio"],
        "mediaConfig": {"@odata.type": f"#microsoft.graph.{media}"},
    }


SOURCE = {
    "@odata.type": "#microsoft.graph.participantInfo",
    "identity": identity("application", "2891555a-92ff-42e6-80fa-6e1300c6b5c6"),
}
# The SDK's documented create-call bodies, one of each kind (tests/data/sdk_examples).
CREATE_BODIES = {
    "peer-to-peer": new_call("112f7296-5fa4-42ca-bae8-6a692b15d4b8"),
    "app-hosted-media": {
        **new_call("112f7296-5fa4-42ca-bae8-6a692b15d4b8"),
        "source": SOURCE,
        "mediaConfig": {
            "@odata.type": "#microsoft.graph.appHostedMediaConfig",
            "blob": "<Media Session Configuration>",
        },
    },
    "group": {**new_call("user1", "user2"), "direction": "outgoing", "subject": "A group call"},
    "meeting": {
        **new_call(),
        "targets": None,
        "chatInfo": {
            "@odata.type": "#microsoft.graph.chatInfo",
            "threadId": "19:meeting_Win6Ydo4wsMijFjZS00cSGgb@thread.v2",
            "messageId": "0",
        },
        "meetingInfo": {
            "@odata.type": "#microsoft.graph.organizerMeetingInfo",
            "organizer": identity("user", "5810cede-f3cc-42eb-b2c1-e9bd5d53ec96"),
            "allowConversationWithoutHost": True,
        },
        "tenantId": "aa67bd4c-8475-432d-bd41-39f255720e0a",
    },
    "meeting-id": {
        **new_call(),
        "targets": None,
        "meetingInfo": {
            "@odata.type": "#microsoft.graph.joinMeetingIdMeetingInfo",
            "joinMeetingId": "1234567",
            "passcode": None,
        },
    },
}


@pytest.fixture
def fast(sb: Sandbox) -> Sandbox:
    sb.configure(operation_delay_ms=DELAY_MS, call_setup_delay_ms=DELAY_MS)
    return sb


def wait_for(check: Callable[[], Any], timeout: float = 5.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.01)


def calls_url(version: str = "v1.0", call_id: str | None = None, rest: str = "") -> str:
    return f"/{version}/communications/calls" + (f"/{call_id}" if call_id else "") + rest


def create(http: httpx.Client, body: dict[str, Any], version: str = "v1.0") -> dict[str, Any]:
    response = http.post(calls_url(version), json=body)
    assert response.status_code == 201, response.text
    call: dict[str, Any] = response.json()
    return call


def established(http: httpx.Client, body: dict[str, Any]) -> dict[str, Any]:
    call = create(http, body)
    url = calls_url("v1.0", call["id"])
    assert wait_for(lambda: http.get(url).json()["state"] == "established")
    return call


def roster(http: httpx.Client, call_id: str, version: str = "v1.0") -> list[dict[str, Any]]:
    value: list[dict[str, Any]] = http.get(calls_url(version, call_id, "/participants")).json()[
        "value"
    ]
    return value


def ids_of(participants: list[dict[str, Any]]) -> set[str]:
    return {
        slot["id"]
        for p in participants
        for slot in p["info"]["identity"].values()
        if isinstance(slot, dict)
    }


def by_user(http: httpx.Client, call_id: str, user: str) -> dict[str, Any]:
    return next(
        p for p in roster(http, call_id) if p["info"]["identity"].get("user", {}).get("id") == user
    )


def finished(http: httpx.Client, location: str) -> dict[str, Any]:
    op: dict[str, Any] = wait_for(
        lambda: (op := http.get(location).json())["status"] != "running" and op
    )
    return op


def error_of(response: httpx.Response, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code
    assert error["innerError"]["request-id"] == response.headers["request-id"]
    message: str = error["message"]
    return message


# -- creating calls -------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["v1.0", "beta"])
@pytest.mark.parametrize("kind", list(CREATE_BODIES))
def test_a_new_call_is_establishing_then_established_with_its_targets(
    fast: Sandbox, sb_http: httpx.Client, version: str, kind: str
) -> None:
    body = CREATE_BODIES[kind]
    response = sb_http.post(calls_url(version), json=body)

    assert response.status_code == 201, response.text
    call = response.json()
    assert response.headers["location"] == f"{fast.graph}{calls_url(version, call['id'])}"
    assert (
        call["@odata.context"] == f"{fast.graph}/{version}/$metadata#communications/calls/$entity"
    )
    assert call["@odata.type"] == "#microsoft.graph.call"
    assert (call["state"], call["direction"]) == ("establishing", "outgoing")
    for name in ("callbackUri", "requestedModalities", "mediaConfig", "targets", "meetingInfo"):
        assert call[name] == body.get(name), name
    assert call["tenantId"] == body.get("tenantId", fast.tenant_id)
    assert call["source"]["identity"] == body.get("source", call["source"])["identity"]
    assert ("routingPolicies" in call) == (version == "beta")  # declared in beta only
    own = call["myParticipantId"]

    url = calls_url(version, call["id"])
    assert wait_for(lambda: sb_http.get(url).json()["state"] == "established")
    participants = roster(sb_http, call["id"], version)
    assert participants[0]["id"] == own
    assert ids_of(participants[1:]) == {t["identity"]["user"]["id"] for t in body["targets"] or []}
    if "source" in body:
        assert ids_of(participants[:1]) == {SOURCE["identity"]["application"]["id"]}
    else:  # the signed-in application
        assert ids_of(participants[:1]) == {fast.client_id}


def test_until_established_only_the_application_is_in_the_call(
    sb: Sandbox, sb_http: httpx.Client
) -> None:
    sb.configure(call_setup_delay_ms=60_000)
    call = create(sb_http, new_call("u1", "u2"))
    assert sb_http.get(calls_url("v1.0", call["id"])).json()["state"] == "establishing"
    assert [p["id"] for p in roster(sb_http, call["id"])] == [call["myParticipantId"]]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"requestedModalities": [5]}, "requestedModalities[0]: expected array of modality"),
        ({"callbackUri": None}, "callbackUri is required"),
        ({"mediaConfig": None}, "mediaConfig is required"),
        ({"targets": []}, "A call needs targets, or meetingInfo"),
    ],
)
def test_a_call_that_cannot_be_made_is_400(
    sb: Sandbox, sb_http: httpx.Client, change: dict[str, Any], message: str
) -> None:
    response = sb_http.post(calls_url(), json={**new_call("u1"), **change})
    assert message in error_of(response, 400, "BadRequest")


def test_bodies_are_json_and_recorded_as_sent(sb: Sandbox, sb_http: httpx.Client) -> None:
    not_json = sb_http.post(calls_url(), content=b"{", headers={"Content-Type": "application/json"})
    assert "Unable to read JSON" in error_of(not_json, 400, "BadRequest")
    undeclared = sb_http.post(calls_url(), content=b"{}", headers={"Content-Type": "text/plain"})
    error_of(undeclared, 400, "BadRequest")
    body = new_call("u1")
    call = create(sb_http, body)
    mistyped = sb_http.post(calls_url("v1.0", call["id"], "/mute"), json={"clientContext": 5})
    assert "clientContext: expected string, got 5" in error_of(mistyped, 400, "BadRequest")
    recorded = [r for r in sb.requests() if r["status"] == 201]
    assert [(r["kind"], r["body"]) for r in recorded] == [("graph", body)]


# -- the roster -----------------------------------------------------------------------------------


def test_participants_join_leave_and_change(fast: Sandbox, sb_http: httpx.Client) -> None:
    call = established(sb_http, new_call("u1"))
    participants = calls_url("v1.0", call["id"], "/participants")

    added = sb_http.post(participants, json={"info": {"identity": identity("user", "u2")}})
    assert added.status_code == 201, added.text
    new = added.json()
    assert added.headers["location"].endswith(f"/participants/{new['id']}")
    assert new["info"]["identity"]["user"]["id"] == "u2"
    again = sb_http.post(participants, json={"info": {"identity": identity("user", "U2")}})
    error_of(again, 409, "Conflict")
    assert sb_http.get(f"{participants}/$count").text == "3"

    patched = sb_http.patch(f"{participants}/{new['id']}", json={"metadata": "vip"})
    assert patched.json()["metadata"] == "vip"
    invite = {"participants": [target("u3")], "clientContext": CONTEXT}
    location = sb_http.post(f"{participants}/invite", json=invite).headers["location"]
    assert finished(sb_http, location)["status"] == "completed"
    assert ids_of(roster(sb_http, call["id"])) >= {"u1", "u2", "u3"}

    assert sb_http.delete(f"{participants}/{new['id']}").status_code == 204
    assert "u2" not in ids_of(roster(sb_http, call["id"]))
    gone = sb_http.get(f"{participants}/{new['id']}")
    assert f"Participant {new['id']} was not found." == error_of(gone, 404, "itemNotFound")
    error_of(sb_http.delete(f"{participants}/{new['id']}"), 404, "itemNotFound")
    error_of(sb_http.post(f"{participants}/nobody/mute", json={}), 404, "itemNotFound")


def test_mute_unmute_and_hold_music(fast: Sandbox, sb_http: httpx.Client) -> None:
    call = established(sb_http, new_call("u1", "u2"))
    base = calls_url("beta", call["id"])
    own = call["myParticipantId"]

    def own_participant() -> dict[str, Any]:
        return next(p for p in roster(sb_http, call["id"]) if p["id"] == own)

    finished(sb_http, sb_http.post(f"{base}/mute", json={}).headers["location"])
    assert own_participant()["isMuted"] is True
    finished(sb_http, sb_http.post(f"{base}/unmute", json={}).headers["location"])
    assert own_participant()["isMuted"] is False

    u1 = by_user(sb_http, call["id"], "u1")["id"]
    muted = sb_http.post(f"{base}/participants/{u1}/microsoft.graph.mute", json={})
    finished(sb_http, muted.headers["location"])
    participant = by_user(sb_http, call["id"], "u1")
    assert participant["isMuted"] is True
    assert participant["mediaStreams"][0]["serverMuted"] is True
    assert by_user(sb_http, call["id"], "u2")["isMuted"] is False

    mute_all = sb_http.post(f"{base}/participants/muteAll", json={"participants": [""]})
    assert mute_all.json()["participants"] == [""]
    finished(sb_http, mute_all.headers["location"])
    assert [p["isMuted"] for p in roster(sb_http, call["id"])] == [False, True, True]

    for action, held in (("startHoldMusic", True), ("stopHoldMusic", False)):
        started = sb_http.post(f"{base}/participants/{u1}/{action}", json={})
        assert finished(sb_http, started.headers["location"])["status"] == "completed"
        assert by_user(sb_http, call["id"], "u1")["isOnHold"] is held


# -- every action ---------------------------------------------------------------------------------

BODIES: dict[str, dict[str, Any]] = {
    "playPrompt": {
        "prompts": [
            {
                "@odata.type": "#microsoft.graph.mediaPrompt",
                "mediaInfo": {"uri": "https://cdn.contoso.com/beep.wav", "resourceId": "1"},
            }
        ]
    },
    "record": {"maxRecordDurationInSeconds": 10},
    "recordResponse": {"maxRecordDurationInSeconds": 10, "stopTones": ["#"]},
    "sendDtmfTones": {"tones": ["tone1", "pound"], "delayBetweenTonesMs": 100},
    "updateRecordingStatus": {"status": "recording"},
    "startHoldMusic": {"customPrompt": {"@odata.type": "#microsoft.graph.mediaPrompt"}},
    "muteAll": {"participants": []},
}
OPERATION_ACTIONS = [
    command
    for commands in COMMANDS.values()
    for command in commands
    if "microsoft.graph." in command.path
    and command.returns == "object"
    and command.variant != "Invite"
]


@pytest.mark.parametrize("command", OPERATION_ACTIONS, ids=lambda c: f"{c.api_version}-{c.name}")
def test_each_action_answers_its_operation_which_then_completes(
    fast: Sandbox, sb_http: httpx.Client, command: Command
) -> None:
    fast.create_call("c1", participants=[{"id": "p1", "identity": identity("user", "u1")}])
    action = command.path.rsplit(".", 1)[1]
    # Both spellings: beta qualified, v1.0 as the documented HTTP examples write it.
    path = command.path if command.api_version == "beta" else command.wire_path
    path = path.replace("{call-id}", "c1").replace("{participant-id}", "p1")
    sent = {**BODIES.get(action, {}), "clientContext": CONTEXT}
    response = sb_http.post(f"/{command.api_version}{path}", json=sent)

    assert response.status_code == 200, response.text
    op = response.json()
    assert op["@odata.type"] == f"#microsoft.graph.{command.response}"
    assert op["@odata.context"].endswith(f"$metadata#microsoft.graph.{command.response}")
    assert (op["status"], op["clientContext"], op["resultInfo"]) == ("running", CONTEXT, None)
    location = response.headers["location"]
    assert location.endswith(f"/communications/calls/c1/operations/{op['id']}")

    done = finished(sb_http, location)
    assert (done["@odata.type"], done["status"]) == (op["@odata.type"], "completed")
    assert done["resultInfo"]["code"] == 200
    listed = sb_http.get(f"/{command.api_version}/communications/calls/c1/operations").json()
    assert [o["id"] for o in listed["value"]] == [op["id"]]


def test_completed_media_operations_say_how(fast: Sandbox, sb_http: httpx.Client) -> None:
    fast.create_call("c1")
    base = calls_url("beta", "c1")
    prompt = finished(
        sb_http, sb_http.post(f"{base}/playPrompt", json=BODIES["playPrompt"]).headers["location"]
    )
    assert prompt["completionReason"] == "completedSuccessfully"
    record = finished(sb_http, sb_http.post(f"{base}/record", json={}).headers["location"])
    assert record["recordingLocation"].startswith("https://")
    assert record["recordingAccessToken"]
    # v1.0 does not declare playPromptOperation.completionReason: its views leave it out.
    v1 = sb_http.get(calls_url("v1.0", "c1", f"/operations/{prompt['id']}")).json()
    assert "completionReason" not in v1


def test_cancel_media_processing_fails_running_media_operations(
    fast: Sandbox, sb_http: httpx.Client
) -> None:
    fast.configure(operation_delay_ms=5000)
    fast.create_call("c1")
    base = calls_url("v1.0", "c1")
    prompt = sb_http.post(f"{base}/playPrompt", json=BODIES["playPrompt"]).json()
    cancel = sb_http.post(f"{base}/cancelMediaProcessing", json={"clientContext": "stop"})
    assert cancel.json()["@odata.type"] == "#microsoft.graph.cancelMediaProcessingOperation"
    cancelled = sb_http.get(f"{base}/operations/{prompt['id']}").json()
    assert cancelled["status"] == "failed"
    assert (cancelled["resultInfo"]["code"], cancelled["resultInfo"]["subcode"]) == (400, 8508)


def test_actions_that_return_nothing(fast: Sandbox, sb_http: httpx.Client) -> None:
    call = established(sb_http, new_call("u1"))
    base = calls_url("v1.0", call["id"])
    keep_alive = sb_http.post(f"{base}/keepAlive")
    assert (keep_alive.status_code, keep_alive.content) == (200, b"")
    role = sb_http.post(f"{base}/changeScreenSharingRole", json={"role": "viewer"})
    assert (role.status_code, role.content) == (202, b"")
    quality = sb_http.post(
        calls_url("v1.0", rest="/logTeleconferenceDeviceQuality"),
        json={"quality": {"callChainId": str(uuid.uuid4()), "deviceName": "Room 1"}},
    )
    assert quality.status_code == 200
    no_target = sb_http.post(f"{base}/transfer", json={})
    assert "transferTarget is required" in error_of(no_target, 400, "BadRequest")

    fast.configure(operation_delay_ms=500)  # long enough to see it transferring
    transfer = sb_http.post(f"{base}/transfer", json={"transferTarget": target("u9")})
    assert transfer.status_code == 202
    assert sb_http.get(base).json()["state"] == "transferring"
    ended = wait_for(lambda: fast.call(call["id"])["state"] == "terminated")  # type: ignore[index]
    assert ended
    error_of(sb_http.get(base), 404, "itemNotFound")


def test_a_call_can_be_updated_but_not_its_read_only_properties(
    sb: Sandbox, sb_http: httpx.Client
) -> None:
    sb.create_call("c1")
    url = calls_url("v1.0", "c1")
    patched = sb_http.patch(url, json={"subject": "Weekly sync"})
    assert (patched.status_code, patched.json()["subject"]) == (200, "Weekly sync")
    refused = sb_http.patch(url, json={"direction": "incoming"})
    assert error_of(refused, 400, "BadRequest") == "The property 'direction' is read-only."
    assert sb_http.get(url).json()["direction"] == "outgoing"


def test_hanging_up_ends_every_resource_of_the_call(fast: Sandbox, sb_http: httpx.Client) -> None:
    fast.create_call("c1", participants=[{"id": "p1", "identity": identity("user", "u1")}])
    base = calls_url("v1.0", "c1")
    op = sb_http.post(f"{base}/subscribeToTone", json={}).json()
    assert sb_http.delete(base).status_code == 204

    for response in (
        sb_http.get(base),
        sb_http.get(f"{base}/participants"),
        sb_http.get(f"{base}/participants/p1"),
        sb_http.get(f"{base}/operations/{op['id']}"),
        sb_http.post(f"{base}/participants/p1/mute", json={}),
        sb_http.post(f"{base}/keepAlive"),
        sb_http.delete(base),
    ):
        assert "has ended" in error_of(response, 404, "itemNotFound")
    assert error_of(sb_http.get(calls_url("v1.0", "never")), 404, "8522") == "Call not found."
    assert fast.call("c1")["state"] == "terminated"  # type: ignore[index]


# -- incoming calls -------------------------------------------------------------------------------


def admin(sb: Sandbox, method: str, path: str, payload: Any = None) -> httpx.Response:
    with httpx.Client(verify=sb.ssl_context()) as client:
        return client.request(method, f"{sb.state['admin']}/{path}", json=payload)


def incoming(sb: Sandbox, **more: Any) -> str:
    created = admin(
        sb,
        "POST",
        "calls",
        {
            "direction": "incoming",
            "kind": "peerToPeer",
            "participants": [{"id": "caller", "identity": identity("user", "alice")}],
            **more,
        },
    )
    assert created.status_code == 201, created.text
    assert (created.json()["state"], created.json()["direction"]) == ("incoming", "incoming")
    call_id: str = created.json()["id"]
    return call_id


ANSWER = {
    "callbackUri": "https://bot.contoso.com/api/calls",
    "acceptedModalities": ["audio"],
    "mediaConfig": {"@odata.type": "#microsoft.graph.serviceHostedMediaConfig"},
}


def test_an_incoming_call_answered_is_established_with_the_app_in_it(
    fast: Sandbox, sb_http: httpx.Client
) -> None:
    call_id = incoming(fast)
    base = calls_url("beta", call_id)
    call = sb_http.get(base).json()
    assert (call["state"], call["direction"]) == ("incoming", "incoming")
    assert call["source"]["identity"]["user"]["id"] == "alice"
    refused = sb_http.post(f"{base}/mute", json={})
    assert "answer, reject or redirect it first" in error_of(refused, 400, "BadRequest")
    error_of(
        sb_http.post(f"{base}/participants/invite", json={"participants": [target("u")]}),
        400,
        "BadRequest",
    )

    fast.configure(call_setup_delay_ms=500)  # long enough to see it establishing
    answered = sb_http.post(f"{base}/answer", json=ANSWER)
    assert (answered.status_code, answered.content) == (202, b"")
    assert sb_http.get(base).json()["state"] == "establishing"
    assert wait_for(lambda: sb_http.get(base).json()["state"] == "established")
    call = sb_http.get(base).json()
    assert ids_of(roster(sb_http, call_id)) == {"alice", fast.client_id}
    assert call["myParticipantId"] in {p["id"] for p in roster(sb_http, call_id)}
    again = sb_http.post(f"{base}/answer", json=ANSWER)
    assert "answer applies to an incoming call only" in error_of(again, 400, "BadRequest")
    assert sb_http.post(f"{base}/mute", json={}).status_code == 200


@pytest.mark.parametrize(
    ("action", "body"),
    [("reject", {"reason": "busy"}), ("redirect", {"targets": [target("voicemail")]})],
)
def test_an_incoming_call_rejected_or_redirected_ends(
    fast: Sandbox, sb_http: httpx.Client, action: str, body: dict[str, Any]
) -> None:
    call_id = incoming(fast)
    base = calls_url("v1.0", call_id)
    response = sb_http.post(f"{base}/{action}", json=body)
    assert (response.status_code, response.content) == (202, b"")
    error_of(sb_http.get(base), 404, "itemNotFound")
    error_of(sb_http.post(f"{base}/{action}", json=body), 404, "itemNotFound")


def test_answer_reject_redirect_need_an_incoming_call(fast: Sandbox, sb_http: httpx.Client) -> None:
    fast.create_call("c1")
    base = calls_url("v1.0", "c1")
    for action, body in (
        ("answer", ANSWER),
        ("reject", {}),
        ("redirect", {"targets": [target("x")]}),
    ):
        message = error_of(sb_http.post(f"{base}/{action}", json=body), 400, "BadRequest")
        assert message == f"The call is established: {action} applies to an incoming call only."


# -- contained collections ------------------------------------------------------------------------


def test_audio_routing_groups_are_checked_against_the_roster(
    sb: Sandbox, sb_http: httpx.Client
) -> None:
    sb.create_call(
        "c1",
        participants=[
            {"id": "p1", "identity": identity("user", "u1")},
            {"id": "p2", "identity": identity("user", "u2")},
        ],
    )
    groups = calls_url("beta", "c1", "/audioRoutingGroups")
    group = {"id": "oneToOne", "routingMode": "oneToOne", "sources": ["p1"], "receivers": ["p2"]}
    created = sb_http.post(groups, json=group)
    assert created.status_code == 201, created.text
    context = f"{sb.graph}/beta/$metadata#communications/calls('c1')/audioRoutingGroups/$entity"
    assert created.json() == {
        "@odata.context": context,
        "@odata.type": "#microsoft.graph.audioRoutingGroup",
        **group,
    }
    error_of(sb_http.post(groups, json=group), 409, "Conflict")
    for bad, message in (
        ({**group, "id": "g2", "receivers": ["p9"]}, "receivers[0]: p9 is not a participant"),
        ({**group, "id": "g2", "sources": ["p1", "p2"]}, "exactly one source"),
        ({**group, "id": "g2", "routingMode": "sometimes"}, "routingMode: expected"),
        ({"id": "g2", "sources": ["p1"], "receivers": ["p2"]}, "routingMode is required"),
    ):
        assert message in error_of(sb_http.post(groups, json=bad), 400, "BadRequest")

    patched = sb_http.patch(
        f"{groups}/oneToOne", json={"routingMode": "multicast", "sources": ["p1", "p2"]}
    )
    assert patched.json()["sources"] == ["p1", "p2"]
    assert sb_http.get(f"{groups}/$count").text == "1"
    assert [g["id"] for g in sb_http.get(groups).json()["value"]] == ["oneToOne"]
    assert sb_http.delete(f"{groups}/oneToOne").status_code == 204
    error_of(sb_http.get(f"{groups}/oneToOne"), 404, "itemNotFound")


def test_content_sharing_sessions_and_operations_crud(sb: Sandbox, sb_http: httpx.Client) -> None:
    sb.create_call("c1")
    sessions = calls_url("v1.0", "c1", "/contentSharingSessions")
    session = sb_http.post(sessions, json={}).json()
    assert sb_http.get(f"{sessions}/{session['id']}").json()["id"] == session["id"]
    assert [s["id"] for s in sb_http.get(sessions).json()["value"]] == [session["id"]]
    assert sb_http.delete(f"{sessions}/{session['id']}").status_code == 204
    shared = admin(sb, "POST", "calls/c1/contentSharingSessions", {"id": "s1"})
    assert (shared.status_code, shared.json()) == (201, {"id": "s1"})
    assert [s["id"] for s in sb_http.get(sessions).json()["value"]] == ["s1"]
    assert admin(sb, "POST", "calls/c1/contentSharingSessions", {"id": "s1"}).status_code == 400
    assert admin(sb, "POST", "calls/none/contentSharingSessions", {}).status_code == 404

    operations = calls_url("v1.0", "c1", "/operations")
    posted = {"@odata.type": "#microsoft.graph.playPromptOperation", "status": "running"}
    op = sb_http.post(operations, json={**posted, "clientContext": "mine"})
    assert op.status_code == 201, op.text
    op_id = op.json()["id"]
    assert op.json()["@odata.type"] == "#microsoft.graph.playPromptOperation"
    error_of(sb_http.post(operations, json={"clientContext": "x"}), 400, "BadRequest")  # status
    changed = sb_http.patch(f"{operations}/{op_id}", json={"status": "completed"})
    assert (changed.json()["status"], changed.json()["clientContext"]) == ("completed", "mine")
    assert sb_http.get(f"{operations}/$count").text == "1"
    assert sb_http.delete(f"{operations}/{op_id}").status_code == 204
    error_of(sb_http.get(f"{operations}/{op_id}"), 404, "itemNotFound")


def test_the_beta_app_alias_and_both_action_spellings(sb: Sandbox, sb_http: httpx.Client) -> None:
    sb.create_call("c1")
    assert sb_http.get("/beta/app/calls/c1/operations").status_code == 200
    assert sb_http.post("/beta/app/calls/c1/microsoft.graph.keepAlive").status_code == 200
    assert (
        sb_http.post("/v1.0/communications/calls/c1/microsoft.graph.keepAlive").status_code == 200
    )
    error_of(sb_http.post("/v1.0/app/calls/c1/keepAlive"), 400, "BadRequest")


# -- lists ----------------------------------------------------------------------------------------


def test_lists_page_count_select_and_filter(sb: Sandbox, sb_http: httpx.Client) -> None:
    for n in range(5):
        sb.create_call(f"c{n}", state="established" if n % 2 else "establishing")
    url = calls_url("v1.0")

    first = sb_http.get(url, params={"$top": "2", "$count": "true"}).json()
    assert first["@odata.count"] == 5
    assert [c["id"] for c in first["value"]] == ["c0", "c1"]
    seen = [c["id"] for c in first["value"]]
    link = first["@odata.nextLink"]
    assert link.startswith(f"{sb.graph}/v1.0/communications/calls?") and "$skiptoken=" in link
    while link:
        page = sb_http.get(link).json()
        assert page["@odata.count"] == 5
        seen += [c["id"] for c in page["value"]]
        link = page.get("@odata.nextLink")
    assert seen == ["c0", "c1", "c2", "c3", "c4"]

    skipped = sb_http.get(url, params={"$skip": "3", "$select": "state,tenantId"}).json()
    assert [set(c) for c in skipped["value"]] == [{"@odata.type", "id", "state", "tenantId"}] * 2
    assert "@odata.nextLink" not in skipped and "@odata.count" not in skipped
    filtered = sb_http.get(url, params={"$filter": "state eq 'established'"}).json()
    assert [c["id"] for c in filtered["value"]] == ["c1", "c3"]
    counted = sb_http.get(f"{url}/$count", params={"$filter": "state eq 'established'"})
    assert (counted.text, counted.headers["content-type"].split(";")[0]) == ("2", "text/plain")
    one = sb_http.get(calls_url("v1.0", "c1"), params={"$select": "state"}).json()
    assert set(one) == {"@odata.context", "@odata.type", "id", "state"}

    sb.configure(page_size=2)
    paged = sb_http.get(url).json()
    assert len(paged["value"]) == 2 and "$top" not in paged["@odata.nextLink"]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"$filter": "state ne 'established'"}, "Invalid filter clause"),
        ({"$filter": "requestedModalities eq 'audio'"}, "is not a string property"),
        ({"$filter": "colour eq 'red'"}, "Could not find a property named 'colour'"),
        ({"$select": "id,colour"}, "Could not find a property named 'colour'"),
        ({"$top": "-1"}, "requires a non-negative integer"),
        ({"$count": "maybe"}, "is not a valid count option"),
        ({"$orderby": "id"}, "not supported"),
        ({"$skiptoken": "x"}, "is not valid"),
    ],
)
def test_query_options_the_sandbox_cannot_apply_are_400(
    sb: Sandbox, sb_http: httpx.Client, options: dict[str, str], message: str
) -> None:
    assert message in error_of(sb_http.get(calls_url("v1.0"), params=options), 400, "BadRequest")


def test_the_session_follows_the_sandbox_pages(sb: Sandbox) -> None:
    sb.create_call("c1", participants=[identity("user", f"u{n}") for n in range(5)])
    with bridge.connect(environment="Sandbox") as session:
        result = session.command(
            "Get-MgCommunicationCallParticipant",
            ids={"CallId": "c1"},
            query={"count": True},
            all_pages=True,
            page_size=2,
        )
    assert isinstance(result, CommandResult)
    assert result.count == 5
    assert ids_of(result.value) == {f"u{n}" for n in range(5)}
    pages = [r for r in sb.requests() if r["path"].endswith("/participants")]
    assert [r["query"].get("$skiptoken") for r in pages] == [None, "2", "4"]


# -- notifications --------------------------------------------------------------------------------


@dataclass
class Callback:
    url: str
    received: list[dict[str, Any]] = field(default_factory=list)

    def changes(self) -> list[tuple[str, str, Any]]:
        """(changeType, resourceUrl, state or @odata.type) of each notification received."""
        seen = []
        for payload in list(self.received):
            assert payload["@odata.type"] == "#microsoft.graph.commsNotifications"
            for note in payload["value"]:
                assert note["@odata.type"] == "#microsoft.graph.commsNotification"
                assert note["resource"] == note["resourceUrl"].replace("/communications/", "/app/")
                data = note["resourceData"]
                what = data.get("state") if isinstance(data, dict) else len(data)
                if isinstance(data, dict) and "state" not in data:
                    what = (data["@odata.type"], data["status"])
                seen.append((note["changeType"], note["resourceUrl"], what))
        return seen


def serve_callbacks(tls: ssl.SSLContext | None) -> Iterator[Callback]:
    received: list[dict[str, Any]] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            received.append(json.loads(self.rfile.read(length)))
            self.send_response(202)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet."""

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    scheme = "https" if tls else "http"
    try:
        yield Callback(f"{scheme}://127.0.0.1:{server.server_address[1]}/api/calls", received)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def callback() -> Iterator[Callback]:
    yield from serve_callbacks(None)


@pytest.fixture
def tls_callback(sb: Sandbox) -> Iterator[Callback]:
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(sb.state_file.parent / "sandbox-server.pem")  # issued by the sandbox CA
    yield from serve_callbacks(tls)


def test_a_loopback_callback_hears_of_state_roster_and_operations(
    fast: Sandbox, sb_http: httpx.Client, callback: Callback
) -> None:
    call = create(sb_http, new_call("u1", callback=callback.url))
    path = f"/communications/calls/{call['id']}"
    assert wait_for(lambda: len(callback.changes()) >= 2)
    op = sb_http.post(calls_url("v1.0", call["id"], "/playPrompt"), json=BODIES["playPrompt"])
    assert wait_for(lambda: len(callback.changes()) >= 3)
    assert sb_http.delete(calls_url("v1.0", call["id"])).status_code == 204
    assert wait_for(lambda: len(callback.changes()) >= 4)

    assert callback.changes() == [
        ("updated", path, "established"),
        ("updated", f"{path}/participants", 2),
        (
            "deleted",
            f"{path}/operations/{op.json()['id']}",
            ("#microsoft.graph.playPromptOperation", "completed"),
        ),
        ("deleted", path, "terminated"),
    ]
    established_call = callback.received[0]["value"][0]["resourceData"]
    assert established_call["myParticipantId"] == call["myParticipantId"]
    # The sender counts a delivery once it has the answer, just after the server has the body.
    assert wait_for(lambda: fast.stats()["notifications"]["sent"] == 4)
    assert fast.stats()["notifications"] == {"sent": 4, "failed": 0, "pending": 0}


def test_an_https_callback_hears_of_an_incoming_call_and_its_answer(
    fast: Sandbox, sb_http: httpx.Client, tls_callback: Callback
) -> None:
    call_id = incoming(fast, callbackUri=tls_callback.url)
    path = f"/communications/calls/{call_id}"
    assert wait_for(lambda: tls_callback.changes())
    sb_http.post(
        calls_url("v1.0", call_id, "/answer"), json={**ANSWER, "callbackUri": tls_callback.url}
    )
    assert wait_for(lambda: len(tls_callback.changes()) >= 4)
    assert tls_callback.changes() == [
        ("created", path, "incoming"),
        ("updated", path, "establishing"),
        ("updated", f"{path}/participants", 2),
        ("updated", path, "established"),
    ]


def test_notifications_go_to_loopback_addresses_only(
    fast: Sandbox, sb_http: httpx.Client, callback: Callback
) -> None:
    with socket.socket() as closed:  # a port nothing listens on
        closed.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{closed.getsockname()[1]}/api/calls"
    established(sb_http, new_call("u1", callback="https://192.0.2.1/api/calls"))
    established(sb_http, new_call("u1", callback="https://bot.contoso.com/api/calls"))
    established(sb_http, new_call("u1", callback=dead))
    assert wait_for(lambda: fast.stats()["notifications"]["failed"] >= 2)
    assert {n["url"] for n in fast.notifications()} == {dead}
    assert fast.stats()["notifications"]["sent"] == 0
    assert callback.received == []
