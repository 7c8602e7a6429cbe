"""The sandbox's admin API: injected faults, the request witness, counts, reset, settings, apps
and tokens; recording to a file; and many clients at once."""

from __future__ import annotations

import concurrent.futures
import json
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from bridge.sandbox import Sandbox
from bridge.sandbox._http import Request

CALL = "ab6233a5-20b7-4c5e-bea2-ce56c9776429"


def invite_body(user: str = "u1", context: str | None = None) -> dict[str, Any]:
    return {
        "participants": [
            {
                "@odata.type": "#microsoft.graph.invitationParticipantInfo",
                "identity": {
                    "@odata.type": "#microsoft.graph.identitySet",
                    "user": {"@odata.type": "#microsoft.graph.identity", "id": user},
                },
            }
        ],
        "clientContext": context or str(uuid.uuid4()),
    }


INVITE = f"/v1.0/communications/calls/{CALL}/participants/invite"


def admin(sb: Sandbox, method: str, path: str, payload: Any = None) -> httpx.Response:
    with httpx.Client(verify=sb.ssl_context()) as client:
        return client.request(method, f"{sb.state['admin']}/{path}", json=payload)


# -- faults ---------------------------------------------------------------------------------------


def test_a_429_is_served_exactly_count_times(sb: Sandbox, sb_http: httpx.Client) -> None:
    sb.create_call(CALL)
    sb.inject_fault("invite", 429, retry_after=2.128, count=2)
    sent = invite_body(context="retry-me")
    statuses = [sb_http.post(INVITE, json=sent) for _ in range(3)]

    assert [r.status_code for r in statuses] == [429, 429, 200]
    throttled = statuses[0]
    assert throttled.headers["retry-after"] == "2.128"
    error = throttled.json()["error"]
    assert error["code"] == "TooManyRequests"
    assert (error["innerError"]["code"], error["innerError"]["status"]) == ("429", "429")
    assert error["innerError"]["request-id"] == throttled.headers["request-id"]
    assert sb_http.post(INVITE, json=invite_body("u2")).status_code == 200
    # The witness that a retry did not invite twice: one accepted invite for this context.
    assert sb.stats()["clientContexts"]["retry-me"] == {"received": 3, "accepted": 1}
    invites = [r for r in sb.requests() if r["kind"] == "invite"]
    assert [r.get("fault", False) for r in invites] == [True, True, False, False]


@pytest.mark.parametrize(
    ("status", "code"),
    [(500, "generalException"), (503, "serviceNotAvailable"), (504, "gatewayTimeout")],
)
def test_server_errors_through_the_admin_api(
    sb: Sandbox, sb_http: httpx.Client, status: int, code: str
) -> None:
    sb.create_call(CALL)
    fault = {"match": "graph", "status": status, "retryAfter": 3, "count": 1}
    assert admin(sb, "POST", "faults", fault).status_code == 201
    failed = sb_http.get(f"/beta/communications/calls/{CALL}")
    assert failed.status_code == status
    assert failed.headers["retry-after"] == "3"
    assert failed.json()["error"]["code"] == code
    assert sb_http.get(f"/beta/communications/calls/{CALL}").status_code == 200


def test_token_faults_hit_the_token_endpoint_only(sb: Sandbox, sb_http: httpx.Client) -> None:
    sb.create_call(CALL)
    sb.inject_fault("token", 503, count=1)
    assert sb_http.post(INVITE, json=invite_body()).status_code == 200
    form = {
        "grant_type": "client_credentials",
        "client_id": sb.client_id,
        "client_secret": sb.client_secret,
        "scope": sb.state["scope"],
    }
    with httpx.Client(verify=sb.ssl_context()) as client:
        first = client.post(sb.state["token_endpoint"], data=form)
        second = client.post(sb.state["token_endpoint"], data=form)
    assert first.status_code == 503
    assert first.json()["error"] == "temporarily_unavailable"
    assert second.status_code == 200


def test_any_matches_discovery_too(sb: Sandbox) -> None:
    sb.inject_fault("any", 500)
    with httpx.Client(verify=sb.ssl_context()) as client:
        url = f"{sb.authority}/v2.0/.well-known/openid-configuration"
        assert [client.get(url).status_code for _ in range(2)] == [500, 200]


def test_a_reset_fault_closes_the_connection_without_an_answer(
    sb: Sandbox, sb_http: httpx.Client
) -> None:
    sb.create_call(CALL)
    sb.inject_fault("invite", reset=True)
    with pytest.raises(httpx.TransportError):
        sb_http.post(INVITE, json=invite_body(context="lost"))
    assert sb_http.post(INVITE, json=invite_body(context="lost")).status_code == 200
    first = next(r for r in sb.requests() if r["kind"] == "invite")
    assert (first["status"], first["fault"]) == (None, True)
    assert sb.stats()["clientContexts"]["lost"] == {"received": 2, "accepted": 1}


def test_a_delay_makes_a_client_time_out_and_the_invite_still_happens(
    sb: Sandbox, sb_http: httpx.Client
) -> None:
    sb.create_call(CALL)
    sb.inject_fault("invite", delay_ms=500)
    with pytest.raises(httpx.ReadTimeout):
        sb_http.post(INVITE, json=invite_body(context="slow"), timeout=0.1)
    deadline = time.monotonic() + 5
    while sb.stats()["invites"]["accepted"] < 1 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert sb.stats()["clientContexts"]["slow"] == {"received": 1, "accepted": 1}


def test_a_delayed_fault_answers_late(sb: Sandbox, sb_http: httpx.Client) -> None:
    sb.create_call(CALL)
    sb.inject_fault("invite", 503, delay_ms=300)
    start = time.monotonic()
    assert sb_http.post(INVITE, json=invite_body()).status_code == 503
    assert time.monotonic() - start >= 0.3


def test_pending_faults_are_listed_and_reset_clears_everything(
    sb: Sandbox, sb_http: httpx.Client
) -> None:
    sb.create_call(CALL)
    sb_http.post(INVITE, json=invite_body())
    sb.inject_fault("token", 429, count=5)
    assert admin(sb, "GET", "faults").json()["value"][0]["remaining"] == 5
    assert admin(sb, "POST", "reset").status_code == 204
    assert admin(sb, "GET", "faults").json() == {"value": []}
    assert admin(sb, "GET", "requests").json() == {"value": []}
    assert admin(sb, "GET", "calls").json() == {"value": []}
    assert admin(sb, "GET", "stats").json()["invites"] == {"received": 0, "accepted": 0}


@pytest.mark.parametrize(
    "fault",
    [
        {"match": "invite", "status": 404},
        {"match": "everything", "status": 429},
        {"match": "invite"},
        {"match": "invite", "status": 429, "count": 0},
        {"match": "invite", "status": 429, "retry_after": 1},
        {"match": "invite", "status": 429, "retryAfter": "soon"},
    ],
    ids=["status", "match", "nothing", "count", "unknown-key", "retry-after"],
)
def test_bad_faults_are_refused(sb: Sandbox, fault: dict[str, Any]) -> None:
    response = admin(sb, "POST", "faults", fault)
    assert response.status_code == 400
    assert response.json()["error"]["message"]


# -- the witness ----------------------------------------------------------------------------------


def test_requests_are_recorded_in_arrival_order_without_secrets(
    sb: Sandbox, sb_http: httpx.Client
) -> None:
    admin(sb, "POST", "calls", {"id": CALL})
    sent = invite_body(context="c-1")
    sb_http.post(INVITE, json=sent, headers={"client-request-id": "mine"})
    sb_http.get(f"/v1.0/communications/calls/{CALL}", params={"$select": "id"})
    sb_http.post(INVITE, content=b"not json", headers={"Content-Type": "application/json"})

    recorded = admin(sb, "GET", "requests").json()["value"]
    assert [(r["method"], r["status"]) for r in recorded] == [
        ("POST", 200),
        ("GET", 200),
        ("POST", 400),
    ]
    invite, get, broken = recorded
    assert invite["path"] == INVITE and invite["body"] == sent
    assert invite["headers"]["authorization"] == "Bearer <redacted>"
    assert invite["headers"]["client-request-id"] == "mine"
    assert invite["headers"]["content-type"] == "application/json"
    assert invite["seq"] < get["seq"] < broken["seq"]
    assert get["query"] == {"$select": "id"} and get["body"] is None
    assert broken["body"] is None
    assert time.strptime(invite["received_at"][:19], "%Y-%m-%dT%H:%M:%S")
    assert sb_http.headers["authorization"].split()[1] not in json.dumps(recorded)


def test_recording_to_a_file_and_two_sandboxes_side_by_side(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    record = tmp_path / "record.jsonl"
    with Sandbox(state_file=tmp_path / "second.json", record=record) as second:
        assert second.graph != sandbox.graph
        second.create_call(CALL)
        token = second.issue_token()
        with httpx.Client(verify=second.ssl_context()) as client:
            for user in ("a", "b"):
                client.post(
                    f"{second.graph}{INVITE}",
                    json=invite_body(user),
                    headers={"Authorization": f"Bearer {token}"},
                )
        exported = second.transcript()
    lines = [json.loads(line) for line in record.read_text().splitlines()]
    assert lines == exported  # the file is the transcript the admin API exports
    assert [line["body"]["participants"][0]["identity"]["user"]["id"] for line in lines] == [
        "a",
        "b",
    ]
    assert not (tmp_path / "second.json").exists()


def test_the_transcript_export_holds_graph_requests_only(
    sb: Sandbox, sb_http: httpx.Client
) -> None:
    sb.create_call(CALL)
    body = invite_body("a")
    sb_http.post(INVITE, json=body)
    sb_http.get(f"/v1.0/communications/calls/{CALL}")
    exported = admin(sb, "GET", "transcript")
    assert exported.headers["content-type"] == "application/x-ndjson"
    lines = [json.loads(line) for line in exported.text.splitlines()]
    assert [(e["method"], e["status"], e["source"]) for e in lines] == [
        ("POST", 200, "sandbox"),
        ("GET", 200, "sandbox"),
    ]
    assert lines[0]["body"] == body and "authorization" not in lines[0]["headers"]
    assert [r["kind"] for r in sb.requests()] == ["invite", "graph"]  # the token came from the API


# -- calls, settings, tokens, apps ------------------------------------------------------------


def test_calls_are_created_and_shown_with_their_rosters(sb: Sandbox) -> None:
    created = admin(
        sb,
        "POST",
        "calls",
        {
            "id": CALL,
            "kind": "peerToPeer",
            "participants": [
                {"id": "p1", "identity": {"user": {"id": "u1"}}},
                {"application": {"id": "bot"}},
            ],
        },
    )
    assert created.status_code == 201
    call = admin(sb, "GET", f"calls/{CALL}").json()
    assert (call["id"], call["kind"], call["state"]) == (CALL, "peerToPeer", "established")
    assert call["participants"][0]["id"] == "p1"
    assert call["participants"][1]["info"]["identity"]["application"] == {"id": "bot"}
    assert admin(sb, "POST", "calls", {"id": CALL}).status_code == 400
    assert admin(sb, "POST", "calls", {"kind": "conference"}).status_code == 400
    assert admin(sb, "GET", "calls/unknown").status_code == 404
    assert admin(sb, "GET", "nothing-here").status_code == 404


def test_minted_tokens(sb: Sandbox, sb_http: httpx.Client) -> None:
    sb.create_call(CALL)
    good = admin(sb, "POST", "tokens", {}).json()["access_token"]
    bad = admin(sb, "POST", "tokens", {"foreignKey": True}).json()["access_token"]
    roleless = admin(sb, "POST", "tokens", {"roles": []}).json()["access_token"]
    url = f"/v1.0/communications/calls/{CALL}"
    assert sb_http.get(url, headers={"Authorization": f"Bearer {good}"}).status_code == 200
    assert sb_http.get(url, headers={"Authorization": f"Bearer {bad}"}).status_code == 401
    assert sb_http.get(url, headers={"Authorization": f"Bearer {roleless}"}).status_code == 403


def test_added_apps_sign_in_until_reset(sb: Sandbox) -> None:
    app = admin(sb, "POST", "apps", {"roles": []}).json()
    form = {
        "grant_type": "client_credentials",
        "client_id": app["clientId"],
        "client_secret": app["clientSecret"],
        "scope": sb.state["scope"],
    }
    with httpx.Client(verify=sb.ssl_context()) as client:
        assert client.post(sb.state["token_endpoint"], data=form).status_code == 200
        sb.reset()
        assert client.post(sb.state["token_endpoint"], data=form).status_code == 400


def test_settings_are_validated_and_reset(sb: Sandbox) -> None:
    assert admin(sb, "GET", "settings").json() == {
        "tokenLifetimeSeconds": 3600,
        "operationDelayMs": 100,
        "callSetupDelayMs": 200,
        "pageSize": 100,
        "completedOperationsGone": False,
        "latencyMs": 0,
        "jitterMs": 0,
        "tokenLatencyMs": 0,
        "tokenJitterMs": 0,
        "throttleRate": 0,
    }
    assert admin(sb, "POST", "settings", {"operationDelayMs": -1}).status_code == 400
    assert admin(sb, "POST", "settings", {"pageSize": 0}).status_code == 400
    assert admin(sb, "POST", "settings", {"tokenLifetime": 5}).status_code == 400
    assert admin(sb, "POST", "settings", {"operationDelayMs": 5}).json()["operationDelayMs"] == 5
    assert admin(sb, "POST", "settings", {"pageSize": 2}).json()["pageSize"] == 2
    sb.reset()
    assert sb.configure()["operationDelayMs"] == 100
    assert sb.configure()["pageSize"] == 100


def test_the_admin_api_answers_loopback_clients_only(sb: Sandbox) -> None:
    request = Request("GET", "/_sandbox/requests", {}, {}, b"", "192.0.2.10")
    assert sb.service(request).status == 403
    assert sb.service(Request("GET", "/_sandbox/stats", {}, {}, b"", "::1")).status == 200


# -- load -----------------------------------------------------------------------------------------


def test_keep_alive_requests_are_not_held_by_delayed_acks(
    sb: Sandbox, sb_http: httpx.Client
) -> None:
    # httpx 0.23 writes headers and body apart, without TCP_NODELAY: each request would wait
    # for a delayed ACK (40 ms) if the sandbox did not acknowledge at once.
    sb.create_call(CALL)
    start = time.monotonic()
    for n in range(100):
        assert sb_http.post(INVITE, json=invite_body(f"u{n}")).status_code == 200
    assert time.monotonic() - start < 2


def test_many_clients_at_once(sb: Sandbox) -> None:
    sb.create_call(CALL)
    token = sb.issue_token()

    def send(worker: int) -> list[int]:
        with httpx.Client(
            base_url=sb.graph,
            verify=sb.ssl_context(),
            headers={"Authorization": f"Bearer {token}"},
        ) as client:
            return [
                client.post(INVITE, json=invite_body(f"w{worker}-{n}")).status_code
                for n in range(40)
            ]

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        statuses = [s for batch in pool.map(send, range(8)) for s in batch]
    assert statuses == [200] * 320
    assert sb.stats()["invites"] == {"received": 320, "accepted": 320}
    sb.configure(operation_delay_ms=0)
    time.sleep(0.15)
    call = sb.call(CALL)
    assert call is not None and len(call["participants"]) == 320
