"""Session: invite, what-if, operations; over MockTransport, then over HTTPS to the sandbox."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

import bridge
from bridge import AuthError, BodyError, GraphError, Operation, PlannedRequest, TransportError
from bridge._environments import Environment
from bridge._http import build_client
from bridge._retry import RetryPolicy
from bridge._version import __version__

TOKEN = "eyJ0eXAiOiJKV1QifQ.eyJyb2xlcyI6W119.c2lnbmF0dXJl"
CALL_ID = "ab6233a5-20b7-4c5e-bea2-ce56c9776429"
OP_ID = "eec3812a-fdc3-4fb4-825c-a06c9f35414e"
GRAPH = "https://graph.test"

PARAMS = {
    "Participants": [
        {
            "@odata.type": "#microsoft.graph.invitationParticipantInfo",
            "ReplacesCallId": "a7ebfb2d-871e-419c-87af-27290b22e8db",
            "Identity": {
                "@odata.type": "#microsoft.graph.identitySet",
                "User": {
                    "@odata.type": "#microsoft.graph.identity",
                    "Id": "278405a3-f568-4b3e-b684-009193463064",
                    "DisplayName": "string",
                },
            },
        }
    ],
    "ClientContext": "f2fa86af-3c51-4bc2-8fc0-475452d9764f",
}
WIRE = {
    "participants": [
        {
            "@odata.type": "#microsoft.graph.invitationParticipantInfo",
            "replacesCallId": "a7ebfb2d-871e-419c-87af-27290b22e8db",
            "identity": {
                "@odata.type": "#microsoft.graph.identitySet",
                "user": {
                    "@odata.type": "#microsoft.graph.identity",
                    "id": "278405a3-f568-4b3e-b684-009193463064",
                    "displayName": "string",
                },
            },
        }
    ],
    "clientContext": "f2fa86af-3c51-4bc2-8fc0-475452d9764f",
}


class FakeTokens:
    def __init__(self) -> None:
        self.calls = 0

    def token(self) -> str:
        self.calls += 1
        return TOKEN

    def context(self) -> dict[str, Any]:
        return {"ClientId": "app", "TenantId": "tenant"}


class Graph:
    """A scripted Graph: records requests, answers invites with a Running operation."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.statuses = ["Running", "Running", "Completed"]
        self.answer: Callable[[httpx.Request], httpx.Response] | None = None

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.answer is not None:
            return self.answer(request)
        if request.method == "POST":
            body = json.loads(request.content)
            op = {
                "@odata.type": "#microsoft.graph.inviteParticipantsOperation",
                "id": OP_ID,
                "status": "Running",
                "clientContext": body.get("clientContext"),
                "resultInfo": None,
                "participants": body["participants"],
            }
            location = f"{GRAPH}/beta/communications/calls/{CALL_ID}/operations/{OP_ID}"
            return httpx.Response(200, json=op, headers={"Location": location, "request-id": "r1"})
        status = self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]
        return httpx.Response(200, json={"id": OP_ID, "status": status})


@pytest.fixture
def graph() -> Graph:
    return Graph()


@pytest.fixture
def session(graph: Graph) -> Iterator[bridge.Session]:
    client = build_client(transport=httpx.MockTransport(graph), retry=RetryPolicy(max_retry=0))
    environment = Environment("Test", GRAPH, "https://login.test")
    with bridge.Session(environment, client, FakeTokens()) as s:  # type: ignore[arg-type]
        yield s


# -- unit: invite -------------------------------------------------------------------------------


def test_invite_posts_the_shaped_body_once(session: bridge.Session, graph: Graph) -> None:
    op = session.invite(CALL_ID, body=PARAMS)
    [request] = graph.requests
    assert request.method == "POST"
    assert str(request.url) == f"{GRAPH}/beta/communications/calls/{CALL_ID}/participants/invite"
    assert json.loads(request.content) == WIRE
    assert isinstance(op, Operation)
    assert (op.id, op.status, op.client_context) == (OP_ID, "Running", WIRE["clientContext"])
    assert op.participants == WIRE["participants"]
    assert op.response_headers["request-id"] == "r1"
    assert op.call_id == CALL_ID
    assert op.to_dict()["@odata.type"] == "#microsoft.graph.inviteParticipantsOperation"


def test_invite_headers(session: bridge.Session, graph: Graph) -> None:
    session.invite(CALL_ID, body=PARAMS)
    session.invite(CALL_ID, body=PARAMS)
    first, second = (r.headers for r in graph.requests)
    assert first["Authorization"] == f"Bearer {TOKEN}"
    assert first["Content-Type"] == "application/json"
    assert first["Accept"] == "application/json"
    assert first["SdkVersion"] == f"mgbridge/{__version__}"
    assert first["User-Agent"].startswith(f"mgbridge/{__version__}")
    assert uuid.UUID(first["client-request-id"]).version == 4
    assert first["client-request-id"] != second["client-request-id"]


def test_invite_adds_caller_headers_whatever_their_casing(
    session: bridge.Session, graph: Graph
) -> None:
    session.invite(
        CALL_ID,
        body=PARAMS,
        headers={"X-Trace": 42, "CLIENT-REQUEST-ID": "mine", "Prefer": None},
    )
    headers = graph.requests[0].headers
    assert headers["X-Trace"] == "42"
    assert headers.get_list("client-request-id") == ["mine"]
    assert "Prefer" not in headers


def test_invite_refuses_a_caller_authorization_header(
    session: bridge.Session, graph: Graph
) -> None:
    with pytest.raises(BodyError) as info:
        session.invite(CALL_ID, body=PARAMS, headers={"authorization": "Bearer x"})
    assert info.value.path == "Headers"
    assert graph.requests == []


def test_invite_forms(session: bridge.Session, graph: Graph) -> None:
    session.invite(CALL_ID, body=json.dumps(PARAMS))
    session.invite(
        CALL_ID,
        participants=PARAMS["Participants"],  # type: ignore[arg-type]
        client_context=WIRE["clientContext"],  # type: ignore[arg-type]
    )
    session.invite(input_object={"callid": CALL_ID}, body=PARAMS)
    session.invite(CALL_ID, body=PARAMS, api_version="v1.0")
    bodies = [json.loads(r.content) for r in graph.requests]
    assert bodies == [WIRE] * 4
    assert graph.requests[3].url.path.startswith("/v1.0/communications/calls/")


def test_call_id_is_one_path_segment(session: bridge.Session, graph: Graph) -> None:
    session.invite("a/b?c#d", body=PARAMS)
    assert graph.requests[0].url.raw_path.startswith(b"/beta/communications/calls/a%2Fb%3Fc%23d/")


def test_body_errors_are_raised_before_sending(session: bridge.Session, graph: Graph) -> None:
    bad = {"Participants": [{"Identity": {"User": {"Id": {"nested": True}}}}]}
    with pytest.raises(BodyError):
        session.invite(CALL_ID, body=bad)
    with pytest.raises(BodyError):
        session.invite(CALL_ID, body="{not json")
    with pytest.raises(BodyError):
        session.invite(CALL_ID, body=PARAMS, api_version="v2")
    assert graph.requests == []


def test_what_if_sends_nothing_and_needs_no_token(session: bridge.Session, graph: Graph) -> None:
    plan = session.invite(CALL_ID, body=PARAMS, headers={"X-Trace": "1"}, what_if=True)
    assert graph.requests == []
    assert session._tokens.calls == 0  # type: ignore[attr-defined]
    assert isinstance(plan, PlannedRequest)
    assert plan.method == "POST"
    assert plan.url == f"{GRAPH}/beta/communications/calls/{CALL_ID}/participants/invite"
    assert plan.body == WIRE
    assert plan.headers["Authorization"] == "Bearer <redacted>"
    assert plan.headers["SdkVersion"] == f"mgbridge/{__version__}"
    assert plan.headers["X-Trace"] == "1"
    assert plan.headers["User-Agent"].startswith("mgbridge/")
    assert plan.headers["Content-Type"] == "application/json"
    assert int(plan.headers["Content-Length"]) == len(json.dumps(WIRE, separators=(",", ":")))
    assert TOKEN not in json.dumps(plan.to_dict())


def test_graph_errors_surface_with_their_envelope(session: bridge.Session, graph: Graph) -> None:
    graph.answer = lambda request: httpx.Response(
        404,
        json={
            "error": {
                "code": "8522",
                "message": "Call not found.",
                "innerError": {"request-id": "rid", "client-request-id": "crid"},
            }
        },
    )
    with pytest.raises(GraphError) as info:
        session.invite(CALL_ID, body=PARAMS)
    assert (info.value.status, info.value.code, info.value.request_id) == (404, "8522", "rid")


def test_a_non_json_success_is_reported(session: bridge.Session, graph: Graph) -> None:
    graph.answer = lambda request: httpx.Response(200, content=b"<html>")
    with pytest.raises(TransportError) as info:
        session.invite(CALL_ID, body=PARAMS)
    assert info.value.may_have_been_processed is True


def test_an_empty_success_is_an_empty_operation(session: bridge.Session, graph: Graph) -> None:
    graph.answer = lambda request: httpx.Response(200)
    op = session.invite(CALL_ID, body=PARAMS)
    assert op.to_dict() == {}
    assert op.id is None


def test_closed_session_refuses_calls(graph: Graph) -> None:
    client = build_client(transport=httpx.MockTransport(graph))
    environment = Environment("Test", GRAPH, "https://login.test")
    s = bridge.Session(environment, client, FakeTokens())  # type: ignore[arg-type]
    assert s.context() == {"ClientId": "app", "TenantId": "tenant"}
    s.close()
    s.close()
    assert "closed" in repr(s)
    with pytest.raises(AuthError):
        s.invite(CALL_ID, body=PARAMS)
    with pytest.raises(AuthError):
        s.context()


# -- unit: operations ---------------------------------------------------------------------------


def test_get_operation(session: bridge.Session, graph: Graph) -> None:
    op = session.get_operation("a/b", OP_ID, api_version="v1.0")
    request = graph.requests[0]
    assert request.method == "GET"
    assert request.url.raw_path == f"/v1.0/communications/calls/a%2Fb/operations/{OP_ID}".encode()
    assert "Content-Type" not in request.headers
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert op.status == "Running"


@pytest.mark.parametrize(("call_id", "op_id"), [("", OP_ID), (CALL_ID, ""), ("..", OP_ID)])
def test_get_operation_checks_ids(session: bridge.Session, call_id: str, op_id: str) -> None:
    with pytest.raises(BodyError):
        session.get_operation(call_id, op_id)


def test_wait_operation_polls_until_done(session: bridge.Session, graph: Graph) -> None:
    slept: list[float] = []
    session._sleep = slept.append
    seen: list[str | None] = []
    op = session.wait_operation(
        CALL_ID, OP_ID, interval=0.5, on_poll=lambda o: seen.append(o.status)
    )
    assert op.status == "Completed"
    assert op.done
    assert seen == ["Running", "Running", "Completed"]
    assert slept == [0.5, 0.5]


def test_wait_operation_follows_location_of_an_invite(
    session: bridge.Session, graph: Graph
) -> None:
    session._sleep = lambda seconds: None
    op = session.invite(CALL_ID, body=PARAMS, api_version="v1.0")
    done = session.wait_operation(op)
    assert done.status == "Completed"
    # The Location header said /beta; it is within the Graph root, so it is followed.
    assert graph.requests[1].url.path == f"/beta/communications/calls/{CALL_ID}/operations/{OP_ID}"
    assert done.api_version == "v1.0"


def test_wait_operation_never_follows_a_foreign_location(
    session: bridge.Session, graph: Graph
) -> None:
    session._sleep = lambda seconds: None
    op = Operation({"id": OP_ID}, call_id=CALL_ID, location="https://evil.test/steal")
    session.wait_operation(op)
    assert {r.url.host for r in graph.requests} == {"graph.test"}


def test_wait_operation_times_out(session: bridge.Session, graph: Graph) -> None:
    graph.statuses = ["Running"]
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    session._sleep = sleep
    session._clock = lambda: now[0]
    with pytest.raises(TransportError) as info:
        session.wait_operation(CALL_ID, OP_ID, timeout=3, interval=1)
    assert info.value.may_have_been_processed is True
    assert "still Running after 3 s" in str(info.value)
    assert len(graph.requests) == 4  # at 0, 1, 2 and 3 s
