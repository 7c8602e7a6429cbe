"""The sandbox's Graph side over HTTPS with plain httpx: the documented invite examples
(graph-invite-spec.md §3.4), the operation lifecycle, and Graph's errors."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from bridge.sandbox import Sandbox

CONTEXT = "f2fa86af-3c51-4bc2-8fc0-475452d9764f"
CALL = "ab6233a5-20b7-4c5e-bea2-ce56c9776429"
GROUP_CALL = "7531d31f-d10d-44de-802f-c569dbca451c"
REPLACED = "a7ebfb2d-871e-419c-87af-27290b22e8db"
MOVED = "7d501bf1-5ee4-4605-ba92-0ae4513c611c"
SLOTS = ["user", "application", "device", "phone"]
PSTN_SLOTS = [
    "user",
    "guest",
    "encrypted",
    "onPremises",
    "applicationInstance",
    "application",
    "device",
    "phone",
]


def identity(slot: str, ident: str, **more: str) -> dict[str, Any]:
    return {
        "@odata.type": "#microsoft.graph.identitySet",
        slot: {"@odata.type": "#microsoft.graph.identity", "id": ident, **more},
    }


def info(ident: dict[str, Any], **more: str) -> dict[str, Any]:
    return {"@odata.type": "#microsoft.graph.invitationParticipantInfo", **more, "identity": ident}


def body(*participants: dict[str, Any]) -> dict[str, Any]:
    return {"participants": list(participants), "clientContext": CONTEXT}


V1 = {"displayName": "string"}
BETA = {"identityProvider": "AAD"}
PHONE = identity("phone", "+12345678901")


def example(version: str, number: int) -> tuple[str, dict[str, Any], list[tuple[Any, ...]]]:
    """Target call, request body, and per participant of the documented response: its keys, its
    identity's keys, its replacesCallId."""
    user = V1 if version == "v1.0" and number != 5 else BETA
    with_id = version == "beta" or number >= 4
    keys = {"endpointType", "identity", "replacesCallId"} | ({"id"} if with_id else set())
    if number == 1:
        sent = info(identity("user", "278405a3-f568-4b3e-b684-009193463064", **user))
        return CALL, body({**sent, "replacesCallId": REPLACED}), [(keys, SLOTS, REPLACED)]
    if number == 2:
        first = identity("user", "7e1b4346-85a6-4bdd-abe3-d11c5d420efe", **user)
        second = identity("user", "1e126418-44a0-4a94-a6f8-0efe1ad71acb", **user)
        sent2 = body(info(first, replacesCallId=REPLACED), info(second, replacesCallId=REPLACED))
        return GROUP_CALL, sent2, [(keys, SLOTS, None), (keys, SLOTS, None)]
    if number == 3:
        sent = info(identity("user", "7e1b4346-85a6-4bdd-abe3-d11c5d420efe", **user))
        return CALL, body({**sent, "replacesCallId": REPLACED}), [(keys, SLOTS, REPLACED)]
    if number == 4:
        return CALL, body(info(PHONE)), [(keys, PSTN_SLOTS, None)]
    moved = identity("user", "682b6c37-0729-4fab-ace6-d730d5d9137e", **BETA)
    sent = info(moved, replacesCallId=REPLACED, participantId=MOVED)
    return CALL, body(sent), [(keys | {"participantId"}, SLOTS, REPLACED)]


EXAMPLES = [(v, n) for v in ("v1.0", "beta") for n in range(1, 6)]


def invite_url(version: str, call_id: str) -> str:
    return f"/{version}/communications/calls/{call_id}/participants/invite"


def wait_for_status(http: httpx.Client, location: str, wanted: str) -> dict[str, Any]:
    deadline = time.monotonic() + 5
    while True:
        op: dict[str, Any] = http.get(location).json()
        if op["status"] == wanted or time.monotonic() > deadline:
            return op
        time.sleep(0.02)


def roster_ids(http: httpx.Client, call_id: str, slot: str = "user") -> list[str]:
    value = http.get(f"/v1.0/communications/calls/{call_id}/participants").json()["value"]
    return [p["info"]["identity"][slot]["id"] for p in value if slot in p["info"]["identity"]]


# -- the documented examples ------------------------------------------------------------------


@pytest.mark.parametrize(("version", "number"), EXAMPLES, ids=[f"{v}-{n}" for v, n in EXAMPLES])
def test_documented_example_gets_the_documented_answer(
    sb: Sandbox, sb_http: httpx.Client, version: str, number: int
) -> None:
    call_id, sent, documented = example(version, number)
    sb.create_call(call_id)
    response = sb_http.post(invite_url(version, call_id), json=sent)

    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    op = response.json()
    assert op["@odata.context"] == (
        f"{sb.graph}/{version}/$metadata#microsoft.graph.inviteParticipantsOperation"
    )
    assert op["@odata.type"] == "#microsoft.graph.inviteParticipantsOperation"
    assert (op["status"], op["clientContext"], op["resultInfo"]) == ("Running", CONTEXT, None)
    assert response.headers["location"] == (
        f"{sb.graph}/{version}/communications/calls/{call_id}/operations/{op['id']}"
    )
    assert len(op["participants"]) == len(documented)
    for echoed, (keys, slots, replaces), original in zip(
        op["participants"], documented, sent["participants"], strict=True
    ):
        assert set(echoed) - {"id"} == keys - {"id"}
        assert echoed["id"] is None and echoed["endpointType"] is None
        assert echoed["replacesCallId"] == replaces
        assert list(echoed["identity"]) == slots
        for slot in slots:
            assert echoed["identity"][slot] == original["identity"].get(slot)


def test_the_qualified_action_name_and_the_beta_app_path_work_too(
    sb: Sandbox, sb_http: httpx.Client
) -> None:
    sb.create_call(CALL)
    qualified = f"/v1.0/communications/calls/{CALL}/participants/microsoft.graph.invite"
    assert sb_http.post(qualified, json=body(info(PHONE))).status_code == 200
    app_path = f"/beta/app/calls/{CALL}/participants/invite"
    assert sb_http.post(app_path, json=body(info(identity("user", "u2")))).status_code == 200
    v1_app_path = f"/v1.0/app/calls/{CALL}/participants/invite"
    assert sb_http.post(v1_app_path, json=body(info(PHONE))).status_code == 400


# -- lifecycle ------------------------------------------------------------------------------------


def test_an_invite_runs_then_completes_and_the_identity_joins_the_roster(
    sb: Sandbox, sb_http: httpx.Client
) -> None:
    sb.configure(operation_delay_ms=300)
    sb.create_call(CALL, participants=[identity("user", "organizer")])
    location = sb_http.post(invite_url("beta", CALL), json=body(info(PHONE))).headers["location"]

    running = sb_http.get(location).json()
    assert running["status"] == "running"
    assert roster_ids(sb_http, CALL, "phone") == []

    done = wait_for_status(sb_http, location, "completed")
    assert done["status"] == "completed" and done["resultInfo"] is None
    assert done["@odata.type"] == "#microsoft.graph.inviteParticipantsOperation"
    assert done["clientContext"] == CONTEXT
    assert roster_ids(sb_http, CALL, "phone") == ["+12345678901"]
    assert roster_ids(sb_http, CALL) == ["organizer"]


def test_several_participants_all_join_a_group_call(sb: Sandbox, sb_http: httpx.Client) -> None:
    call_id, sent, _ = example("v1.0", 2)
    sb.create_call(call_id)
    location = sb_http.post(invite_url("v1.0", call_id), json=sent).headers["location"]
    assert wait_for_status(sb_http, location, "completed")["status"] == "completed"
    assert roster_ids(sb_http, call_id) == [
        "7e1b4346-85a6-4bdd-abe3-d11c5d420efe",
        "1e126418-44a0-4a94-a6f8-0efe1ad71acb",
    ]


def test_replacing_a_peer_to_peer_call_ends_it(sb: Sandbox, sb_http: httpx.Client) -> None:
    call_id, sent, _ = example("beta", 3)
    caller = identity("user", "7e1b4346-85a6-4bdd-abe3-d11c5d420efe")
    sb.create_call(
        REPLACED, kind="peerToPeer", participants=[caller, identity("application", "bot")]
    )
    sb.create_call(call_id)
    location = sb_http.post(invite_url("beta", call_id), json=sent).headers["location"]

    assert wait_for_status(sb_http, location, "completed")["status"] == "completed"
    assert roster_ids(sb_http, call_id) == ["7e1b4346-85a6-4bdd-abe3-d11c5d420efe"]
    gone = sb_http.get(f"/beta/communications/calls/{REPLACED}")
    assert gone.status_code == 404
    replaced = sb.call(REPLACED)
    assert replaced is not None and replaced["state"] == "terminated"


def test_moving_a_participant_takes_it_out_of_its_call(sb: Sandbox, sb_http: httpx.Client) -> None:
    call_id, sent, _ = example("v1.0", 5)
    mover = {"id": MOVED, "identity": identity("user", "682b6c37-0729-4fab-ace6-d730d5d9137e")}
    stays = {"id": "stays", "identity": identity("user", "someone-else")}
    sb.create_call(REPLACED, participants=[mover, stays])
    sb.create_call(call_id)
    location = sb_http.post(invite_url("v1.0", call_id), json=sent).headers["location"]

    assert wait_for_status(sb_http, location, "completed")["status"] == "completed"
    assert roster_ids(sb_http, call_id) == ["682b6c37-0729-4fab-ace6-d730d5d9137e"]
    assert roster_ids(sb_http, REPLACED) == ["someone-else"]


def test_moving_an_unknown_participant_fails(sb: Sandbox, sb_http: httpx.Client) -> None:
    call_id, sent, _ = example("beta", 5)
    sb.create_call(REPLACED)
    sb.create_call(call_id)
    location = sb_http.post(invite_url("beta", call_id), json=sent).headers["location"]
    failed = wait_for_status(sb_http, location, "failed")
    assert failed["status"] == "failed"
    assert failed["resultInfo"]["code"] == 404
    assert roster_ids(sb_http, call_id) == []


def test_inviting_someone_already_in_the_call_fails_the_operation(
    sb: Sandbox, sb_http: httpx.Client
) -> None:
    sb.create_call(CALL, participants=[{"id": "p1", "identity": identity("user", "USER-1")}])
    sent = body(info(identity("user", "user-1")), info(identity("user", "user-2")))
    response = sb_http.post(invite_url("v1.0", CALL), json=sent)
    assert response.status_code == 200  # the failure comes later, in the operation

    failed = wait_for_status(sb_http, response.headers["location"], "failed")
    assert failed["status"] == "failed"
    result = failed["resultInfo"]
    assert result["@odata.type"] == "#microsoft.graph.resultInfo"
    assert result["code"] == 409 and isinstance(result["subcode"], int)
    assert "user-1" in result["message"]
    assert roster_ids(sb_http, CALL) == ["USER-1"]  # nothing changed: user-2 did not join


def test_the_same_identity_twice_in_one_request_fails(sb: Sandbox, sb_http: httpx.Client) -> None:
    sb.create_call(CALL)
    twice = body(info(identity("user", "u1")), info(identity("user", "u1")))
    location = sb_http.post(invite_url("v1.0", CALL), json=twice).headers["location"]
    assert wait_for_status(sb_http, location, "failed")["resultInfo"]["code"] == 409


def test_several_participants_need_a_group_call(sb: Sandbox, sb_http: httpx.Client) -> None:
    sb.create_call(CALL, kind="peerToPeer")
    two = body(info(identity("user", "u1")), info(identity("user", "u2")))
    location = sb_http.post(invite_url("v1.0", CALL), json=two).headers["location"]
    assert wait_for_status(sb_http, location, "failed")["resultInfo"]["code"] == 400


def test_finished_operations_can_be_made_to_disappear(sb: Sandbox, sb_http: httpx.Client) -> None:
    sb.configure(operation_delay_ms=0, completed_operations_gone=True)
    sb.create_call(CALL)
    location = sb_http.post(invite_url("v1.0", CALL), json=body(info(PHONE))).headers["location"]
    gone = sb_http.get(location)
    assert gone.status_code == 404
    assert gone.json()["error"]["code"] == "itemNotFound"


def test_get_call_shows_a_graph_call(sb: Sandbox, sb_http: httpx.Client) -> None:
    sb.create_call(CALL)
    call = sb_http.get(f"/v1.0/communications/calls/{CALL}").json()
    assert call["@odata.type"] == "#microsoft.graph.call"
    assert (call["id"], call["state"], call["tenantId"]) == (CALL, "established", sb.tenant_id)
    assert call["chatInfo"]["threadId"].startswith("19:meeting_")


# -- errors ---------------------------------------------------------------------------------------


def assert_graph_error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    inner = error["innerError"]
    assert inner["request-id"] == response.headers["request-id"]
    assert inner["client-request-id"] == response.headers["client-request-id"]
    assert time.strptime(inner["date"], "%Y-%m-%dT%H:%M:%S")
    return error


def test_an_unknown_call_is_404_with_the_observed_code(sb: Sandbox, sb_http: httpx.Client) -> None:
    response = sb_http.post(
        invite_url("beta", "no-such-call"),
        json=body(info(PHONE)),
        headers={"client-request-id": "my-request"},
    )
    error = assert_graph_error(response, 404, "8522")
    assert error["message"] == "Call not found."
    assert response.headers["client-request-id"] == "my-request"
    assert sb_http.get("/beta/communications/calls/no-such-call").status_code == 404


def test_every_response_carries_request_ids_and_a_date(sb: Sandbox, sb_http: httpx.Client) -> None:
    sb.create_call(CALL)
    for response in (
        sb_http.get(f"/v1.0/communications/calls/{CALL}"),
        sb_http.get(f"/v1.0/communications/calls/{CALL}/participants"),
        sb_http.post(invite_url("v1.0", CALL), json=body(info(PHONE))),
        sb_http.get("/v1.0/communications/calls/none", headers={"Authorization": ""}),
    ):
        assert response.headers["request-id"]
        assert response.headers["client-request-id"] == response.headers["request-id"]
        assert response.headers["date"].endswith(" GMT")


@pytest.mark.parametrize(
    "sent",
    [
        {"clientContext": CONTEXT},
        {"participants": [info(identity("user", f"u{n}")) for n in range(6)]},
        {"participants": [{"@odata.type": "#microsoft.graph.invitationParticipantInfo"}]},
        {"participants": "everyone"},
        {"participants": [info(PHONE)], "clientContex": CONTEXT},
        {"participants": [info(PHONE)], "clientContext": "x" * 257},
        ["not", "an", "object"],
    ],
    ids=[
        "no-participants",
        "six-participants",
        "no-identity",
        "wrong-type",
        "unknown-parameter",
        "long-client-context",
        "not-an-object",
    ],
)
def test_a_body_that_breaks_the_schema_is_400(
    sb: Sandbox, sb_http: httpx.Client, sent: Any
) -> None:
    sb.create_call(CALL)
    assert_graph_error(sb_http.post(invite_url("beta", CALL), json=sent), 400, "BadRequest")
    assert sb.stats()["invites"] == {"received": 1, "accepted": 0}


@pytest.mark.parametrize(
    ("content", "content_type"),
    [(b"{not json", "application/json"), (b'{"participants": []}', "text/plain")],
    ids=["not-json", "not-declared-json"],
)
def test_a_body_that_is_not_json_is_400(
    sb: Sandbox, sb_http: httpx.Client, content: bytes, content_type: str
) -> None:
    sb.create_call(CALL)
    response = sb_http.post(
        invite_url("v1.0", CALL), content=content, headers={"Content-Type": content_type}
    )
    error = assert_graph_error(response, 400, "BadRequest")
    assert "Unable to read JSON request payload" in error["message"]


def test_the_body_is_checked_before_the_call(sb: Sandbox, sb_http: httpx.Client) -> None:
    response = sb_http.post(invite_url("v1.0", "no-such-call"), json={"participants": "x"})
    assert_graph_error(response, 400, "BadRequest")


def test_unknown_paths_and_methods(sb: Sandbox, sb_http: httpx.Client) -> None:
    assert_graph_error(sb_http.get("/v2.0/communications/calls/x"), 400, "BadRequest")
    error = assert_graph_error(sb_http.get("/v1.0/me"), 400, "BadRequest")
    assert error["message"] == "Resource not found for the segment 'me'."
    recordings = sb_http.get(f"/v1.0/communications/calls/{CALL}/recordings")
    assert "'recordings'" in assert_graph_error(recordings, 400, "BadRequest")["message"]
    # record is a beta action only
    assert_graph_error(sb_http.post(f"/v1.0/communications/calls/{CALL}/record"), 400, "BadRequest")
    assert_graph_error(sb_http.get(invite_url("v1.0", CALL)), 405, "BadRequest")
    assert_graph_error(sb_http.post(f"/v1.0/communications/calls/{CALL}"), 405, "BadRequest")
    assert_graph_error(sb_http.put(f"/v1.0/communications/calls/{CALL}"), 405, "BadRequest")
