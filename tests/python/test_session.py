"""Session: invite, what-if, operations; over MockTransport, then over HTTPS to the sandbox."""

from __future__ import annotations

import json
import socket
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
from bridge.sandbox import Sandbox

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
    session.invite("a b?c#d", body=PARAMS)
    assert graph.requests[0].url.raw_path.startswith(b"/beta/communications/calls/a%20b%3Fc%23d/")


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
    op = session.get_operation("a?b", OP_ID, api_version="v1.0")
    request = graph.requests[0]
    assert request.method == "GET"
    assert request.url.raw_path == f"/v1.0/communications/calls/a%3Fb/operations/{OP_ID}".encode()
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


# -- integration: the sandbox over real HTTPS on loopback ---------------------------------------

SANDBOX_BODY = {
    "Participants": [
        {"Identity": {"User": {"Id": "278405a3-f568-4b3e-b684-009193463064", "DisplayName": "x"}}}
    ],
    "ClientContext": "ctx-sandbox",
}


def invites(sb: Sandbox) -> list[dict[str, Any]]:
    return [r for r in sb.requests() if r["kind"] == "invite"]


def record_sleeps(session: bridge.Session) -> list[float]:
    """The retry transport's sleeps, recorded instead of slept."""
    slept: list[float] = []
    session._client._transport._sleep = slept.append  # type: ignore[attr-defined]
    return slept


@pytest.fixture
def live(sb: Sandbox) -> Iterator[bridge.Session]:
    with bridge.connect("Sandbox") as session:
        yield session


def test_sandbox_invite_succeeds(sb: Sandbox, live: bridge.Session) -> None:
    call_id = sb.create_call()["id"]
    op = live.invite(call_id, body=SANDBOX_BODY)
    assert op.status == "Running"
    assert op.client_context == "ctx-sandbox"
    assert op.participants[0]["identity"]["user"]["id"] == "278405a3-f568-4b3e-b684-009193463064"
    assert op.response_headers["request-id"]
    assert op.location.endswith(f"/beta/communications/calls/{call_id}/operations/{op.id}")
    [request] = invites(sb)
    assert request["path"] == f"/beta/communications/calls/{call_id}/participants/invite"
    assert request["status"] == 200
    assert request["body"] == {
        "participants": [
            {
                "identity": {
                    "user": {"id": "278405a3-f568-4b3e-b684-009193463064", "displayName": "x"}
                }
            }
        ],
        "clientContext": "ctx-sandbox",
    }
    done = live.wait_operation(op, timeout=10, interval=0.05)
    assert done.status == "completed"
    assert done.done


def test_sandbox_v1_hits_v1(sb: Sandbox, live: bridge.Session) -> None:
    call_id = sb.create_call()["id"]
    op = live.invite(call_id, body=SANDBOX_BODY, api_version="v1.0")
    assert invites(sb)[0]["path"].startswith("/v1.0/communications/calls/")
    assert live.get_operation(call_id, op.id or "", api_version="v1.0").id == op.id


def test_sandbox_sees_our_headers(sb: Sandbox, live: bridge.Session) -> None:
    call_id = sb.create_call()["id"]
    live.invite(call_id, body=SANDBOX_BODY, headers={"X-Trace": "t-1"})
    live.invite(call_id, body=SANDBOX_BODY)
    first, second = (r["headers"] for r in invites(sb))
    assert first["sdkversion"] == f"mgbridge/{__version__}"
    assert first["user-agent"].startswith(f"mgbridge/{__version__}")
    assert first["content-type"] == "application/json"
    assert first["x-trace"] == "t-1"
    assert "x-trace" not in second
    assert uuid.UUID(first["client-request-id"]) != uuid.UUID(second["client-request-id"])


def test_sandbox_what_if_sends_nothing(sb: Sandbox, live: bridge.Session) -> None:
    call_id = sb.create_call()["id"]
    before = len(sb.requests())
    plan = live.invite(call_id, body=SANDBOX_BODY, what_if=True)
    assert len(sb.requests()) == before
    assert plan.url == f"{sb.graph}/beta/communications/calls/{call_id}/participants/invite"


def test_sandbox_404_unknown_call(sb: Sandbox, live: bridge.Session) -> None:
    with pytest.raises(GraphError) as info:
        live.invite("no-such-call", body=SANDBOX_BODY)
    error = info.value
    assert (error.status, error.code) == (404, "8522")
    assert error.request_id
    assert error.client_request_id == invites(sb)[0]["headers"]["client-request-id"]
    assert len(invites(sb)) == 1


def test_sandbox_400_bad_request(sb: Sandbox, live: bridge.Session) -> None:
    call_id = sb.create_call()["id"]
    # Shaping refuses every malformed body before sending, so the 400 comes from a bad header.
    with pytest.raises(GraphError) as info:
        live.invite(call_id, body=SANDBOX_BODY, headers={"content-type": "text/plain"})
    assert (info.value.status, info.value.code) == (400, "BadRequest")
    assert "Unable to read JSON request payload" in info.value.message
    assert info.value.request_id
    assert invites(sb)[0]["headers"]["content-type"] == "text/plain"


def test_sandbox_401_rejected_token(sb: Sandbox) -> None:
    call_id = sb.create_call()["id"]
    token = sb.issue_token(foreign_key=True)
    with (
        bridge.connect("Sandbox", access_token=token) as session,
        pytest.raises(GraphError) as info,
    ):
        session.invite(call_id, body=SANDBOX_BODY)
    assert info.value.status == 401
    assert info.value.code
    assert info.value.request_id


def test_sandbox_403_without_the_role(sb: Sandbox) -> None:
    call_id = sb.create_call()["id"]
    token = sb.issue_token(roles=[])
    with (
        bridge.connect("Sandbox", access_token=token) as session,
        pytest.raises(GraphError) as info,
    ):
        session.invite(call_id, body=SANDBOX_BODY)
    assert info.value.status == 403
    assert info.value.code
    assert info.value.request_id


def test_sandbox_429_retry_after_is_retried(sb: Sandbox, live: bridge.Session) -> None:
    call_id = sb.create_call()["id"]
    slept = record_sleeps(live)
    sb.inject_fault("invite", 429, retry_after=0.25, count=2)
    op = live.invite(call_id, body=SANDBOX_BODY)
    assert op.status == "Running"
    seen = invites(sb)
    assert [r["status"] for r in seen] == [429, 429, 200]
    assert [r["headers"].get("retry-attempt") for r in seen] == [None, "1", "2"]
    assert len({r["headers"]["client-request-id"] for r in seen}) == 1  # one logical request
    # Waited through the session's throttle: what is left of each Retry-After.
    assert slept == pytest.approx([0.25, 0.25], abs=0.05)


def test_sandbox_429_exhausted_raises_with_retry_after(sb: Sandbox, live: bridge.Session) -> None:
    call_id = sb.create_call()["id"]
    record_sleeps(live)
    sb.inject_fault("invite", 429, retry_after=2, count=10)
    with pytest.raises(GraphError) as info:
        live.invite(call_id, body=SANDBOX_BODY)
    assert info.value.status == 429
    assert info.value.retry_after == 2.0
    assert len(invites(sb)) == 4


@pytest.mark.parametrize("status", [503, 504])
def test_sandbox_503_and_504_are_retried(sb: Sandbox, live: bridge.Session, status: int) -> None:
    call_id = sb.create_call()["id"]
    slept = record_sleeps(live)
    sb.inject_fault("invite", status, count=1)
    live.invite(call_id, body=SANDBOX_BODY)
    assert [r["status"] for r in invites(sb)] == [status, 200]
    assert 1.5 <= slept[0] <= 3.0  # the first backoff: 3 s with jitter


def test_sandbox_500_is_not_retried(sb: Sandbox, live: bridge.Session) -> None:
    call_id = sb.create_call()["id"]
    sb.inject_fault("invite", 500, count=1)
    with pytest.raises(GraphError) as info:
        live.invite(call_id, body=SANDBOX_BODY)
    assert info.value.status == 500
    assert len(invites(sb)) == 1


def test_sandbox_post_timeout_is_not_retried(sb: Sandbox) -> None:
    call_id = sb.create_call()["id"]
    sb.inject_fault("invite", delay_ms=1500, count=1)
    with bridge.connect("Sandbox", timeout=0.3) as session, pytest.raises(TransportError) as info:
        session.invite(call_id, body=SANDBOX_BODY)
    assert info.value.may_have_been_processed is True
    assert "may have processed it" in str(info.value)
    assert len(invites(sb)) == 1


def test_sandbox_connection_reset_after_sending_is_not_retried(
    sb: Sandbox, live: bridge.Session
) -> None:
    call_id = sb.create_call()["id"]
    sb.inject_fault("invite", reset=True, count=1)
    with pytest.raises(TransportError) as info:
        live.invite(call_id, body=SANDBOX_BODY)
    assert info.value.may_have_been_processed is True
    assert len(invites(sb)) == 1


def test_connect_errors_are_retried_then_reported(sb: Sandbox) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    dead = Environment("Dead", f"https://127.0.0.1:{port}", sb.authority, ca_file=sb.ca_file)
    with bridge.connect(dead, access_token=sb.issue_token()) as session:
        slept = record_sleeps(session)
        with pytest.raises(TransportError) as info:
            session.invite("c1", body=SANDBOX_BODY)
    assert info.value.may_have_been_processed is False
    assert "could not connect" in str(info.value)
    assert len(slept) == 3


def test_sandbox_tls_is_verified_against_the_sandbox_ca_only(sb: Sandbox) -> None:
    # Global trust roots do not include the sandbox CA: the handshake must fail.
    foreign = Environment("NoCA", sb.graph, sb.authority)
    with bridge.connect(foreign, access_token=sb.issue_token()) as session:
        slept = record_sleeps(session)
        with pytest.raises(TransportError) as info:
            session.invite(sb.create_call()["id"], body=SANDBOX_BODY)
    assert "CERTIFICATE_VERIFY_FAILED" in str(info.value)
    assert slept == []  # a refused certificate is not retried
    assert invites(sb) == []


def test_sandbox_unknown_operation_is_404(sb: Sandbox, live: bridge.Session) -> None:
    call_id = sb.create_call()["id"]
    with pytest.raises(GraphError) as info:
        live.get_operation(call_id, "no-such-operation")
    assert info.value.status == 404
