"""The sandbox at real network latency and under Graph's throttling: delays per kind of request,
jitter, the throttle's 429s and what they leave behind, the settings and options that set them.

Timing assertions are lower bounds, or upper bounds with a margin of a second or more."""

from __future__ import annotations

import concurrent.futures
import signal
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from bridge._sandbox_process import admin_request, start_sandbox_process, stop_sandbox_process
from bridge.sandbox import Sandbox, SandboxError, _sandbox
from bridge.sandbox._command import sandbox as sandbox_command

CALL = "ab6233a5-20b7-4c5e-bea2-ce56c9776429"
CALL_URL = f"/v1.0/communications/calls/{CALL}"
INVITE = f"{CALL_URL}/participants/invite"
NOT_DELAYED_S = 1.0  # far above a local round trip, far below the latencies set here
START_VALUES = {
    "latencyMs": 0,
    "jitterMs": 0,
    "tokenLatencyMs": 0,
    "tokenJitterMs": 0,
    "throttleRate": 0,
}
OPTIONS = ("latency_ms", "jitter_ms", "token_latency_ms", "token_jitter_ms", "throttle_rate")


def invite_body(user: str, context: str | None = None) -> dict[str, Any]:
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


def timed(
    send: Callable[..., httpx.Response], *args: Any, **kwargs: Any
) -> tuple[httpx.Response, float]:
    """``send(*args, **kwargs)`` and the seconds it took."""
    start = time.monotonic()
    response = send(*args, **kwargs)
    return response, time.monotonic() - start


def sign_in_requests(sb: Sandbox) -> dict[str, Callable[[httpx.Client], httpx.Response]]:
    """One request to each identity endpoint, each answered 200."""
    form = {
        "grant_type": "client_credentials",
        "client_id": sb.client_id,
        "client_secret": sb.client_secret,
        "scope": sb.state["scope"],
    }
    return {
        "token": lambda c: c.post(sb.state["token_endpoint"], data=form),
        "managed_identity": lambda c: c.get(
            sb.state["managed_identity_endpoint"],
            params={"api-version": "2019-08-01", "resource": sb.graph},
            headers={"X-IDENTITY-HEADER": sb.state["managed_identity_header"]},
        ),
        "discovery": lambda c: c.get(f"{sb.authority}/v2.0/.well-known/openid-configuration"),
        "keys": lambda c: c.get(f"{sb.authority}/discovery/v2.0/keys"),
    }


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# -- latency --------------------------------------------------------------------------------------


def test_a_graph_request_takes_at_least_the_latency(sb: Sandbox, sb_http: httpx.Client) -> None:
    sb.create_call(CALL)
    assert sb.configure(latency_ms=400)["latencyMs"] == 400
    response, took = timed(sb_http.get, CALL_URL)
    assert response.status_code == 200
    assert took >= 0.4
    invited, took = timed(sb_http.post, INVITE, json=invite_body("u1"))
    assert invited.status_code == 200
    assert took >= 0.4


def test_jitter_spreads_the_delays_over_its_range(sb: Sandbox, sb_http: httpx.Client) -> None:
    sb.create_call(CALL)
    sb.configure(latency_ms=200, jitter_ms=100)
    took = [timed(sb_http.get, CALL_URL)[1] for _ in range(8)]
    assert min(took) >= 0.1
    assert max(took) < 0.3 + NOT_DELAYED_S
    # Eight draws from a 200 ms range all within 20 ms of each other: odds below one in a million.
    assert max(took) - min(took) > 0.02


def test_jitter_beyond_the_latency_never_makes_a_negative_delay(
    sb: Sandbox, sb_http: httpx.Client
) -> None:
    sb.create_call(CALL)
    sb.configure(latency_ms=0, jitter_ms=300)
    assert all(sb_http.get(CALL_URL).status_code == 200 for _ in range(5))


def test_token_latency_delays_sign_in_and_not_graph(sb: Sandbox, sb_http: httpx.Client) -> None:
    sb.create_call(CALL)
    sb.configure(token_latency_ms=1500, token_jitter_ms=100)
    requests = sign_in_requests(sb)
    with (
        httpx.Client(verify=sb.ssl_context()) as client,
        concurrent.futures.ThreadPoolExecutor(len(requests)) as pool,
    ):
        # Side by side: the delays hold no lock, so they overlap.
        signing_in = {kind: pool.submit(timed, send, client) for kind, send in requests.items()}
        graph, graph_took = timed(sb_http.get, CALL_URL)
        signed_in = {kind: future.result() for kind, future in signing_in.items()}
    assert graph.status_code == 200
    assert graph_took < NOT_DELAYED_S
    for kind, (response, took) in signed_in.items():
        assert response.status_code == 200, kind
        assert took >= 1.4, kind


def test_graph_latency_does_not_delay_sign_in(sb: Sandbox, sb_http: httpx.Client) -> None:
    sb.create_call(CALL)
    sb.configure(latency_ms=1500)
    with httpx.Client(verify=sb.ssl_context()) as client:
        for kind, send in sign_in_requests(sb).items():
            response, took = timed(send, client)
            assert response.status_code == 200, kind
            assert took < NOT_DELAYED_S, kind
    assert timed(sb_http.get, CALL_URL)[1] >= 1.5


def test_the_admin_api_is_never_delayed(sb: Sandbox) -> None:
    sb.configure(latency_ms=2000, token_latency_ms=2000)
    with httpx.Client(verify=sb.ssl_context()) as client:
        for method, path in [
            ("GET", "settings"),
            ("POST", "calls"),
            ("GET", "calls"),
            ("GET", "requests"),
            ("GET", "stats"),
        ]:
            url = f"{sb.state['admin']}/{path}"
            response, took = timed(client.request, method, url, json={})
            assert response.status_code < 300, path
            assert took < NOT_DELAYED_S, path


# -- throttling -----------------------------------------------------------------------------------


def test_beyond_the_rate_an_app_gets_429_with_retry_after(
    sb: Sandbox, sb_http: httpx.Client
) -> None:
    sb.create_call(CALL)
    sb.configure(throttle_rate=3)
    answers = [sb_http.get(CALL_URL) for _ in range(5)]
    assert [r.status_code for r in answers] == [200, 200, 200, 429, 429]
    throttled = answers[3]
    # The window is one second, so room comes within it: Retry-After rounds up to 1.
    assert throttled.headers["retry-after"] == "1"
    error = throttled.json()["error"]
    assert (error["code"], error["message"]) == ("TooManyRequests", "Please retry again later.")
    inner = error["innerError"]
    assert (inner["code"], inner["status"], inner["message"]) == (
        "429",
        "429",
        "Please retry after",
    )
    assert inner["request-id"] == throttled.headers["request-id"]
    logged = [r for r in sb.requests() if r["kind"] == "graph"]
    assert [(r["status"], r.get("throttled", False)) for r in logged] == [
        (200, False),
        (200, False),
        (200, False),
        (429, True),
        (429, True),
    ]
    assert sb.stats()["throttled"] == 2


def test_each_app_has_its_own_window(sb: Sandbox, sb_http: httpx.Client) -> None:
    sb.create_call(CALL)
    sb.configure(throttle_rate=2)
    assert [sb_http.get(CALL_URL).status_code for _ in range(3)] == [200, 200, 429]
    other = sb.add_app()["clientId"]
    other_token = bearer(sb.issue_token(other))
    assert [sb_http.get(CALL_URL, headers=other_token).status_code for _ in range(2)] == [200, 200]
    # The built-in app without the role is an app too: its token is valid, Graph refuses it 403.
    no_role = bearer(sb.issue_token(sb.no_role_client_id, roles=[]))
    assert [sb_http.get(CALL_URL, headers=no_role).status_code for _ in range(3)] == [403, 403, 429]


def test_requests_without_a_valid_token_are_not_throttled(
    sb: Sandbox, sb_http: httpx.Client
) -> None:
    sb.create_call(CALL)
    sb.configure(throttle_rate=1)
    expired = bearer(sb.issue_token(lifetime_s=-600))
    assert [sb_http.get(CALL_URL, headers=expired).status_code for _ in range(3)] == [401] * 3
    assert [sb_http.get(CALL_URL, headers={"Authorization": ""}).status_code for _ in range(3)] == [
        401
    ] * 3
    assert sb_http.get(CALL_URL).status_code == 200
    assert sb.stats()["throttled"] == 0


def test_once_the_window_has_room_requests_are_accepted_again(
    sb: Sandbox, sb_http: httpx.Client
) -> None:
    sb.create_call(CALL)
    sb.configure(throttle_rate=2)
    assert [sb_http.get(CALL_URL).status_code for _ in range(3)] == [200, 200, 429]
    time.sleep(1.05)
    # Throttled requests did not count: after the wait, the full rate again.
    assert [sb_http.get(CALL_URL).status_code for _ in range(3)] == [200, 200, 429]


def test_throttled_invites_are_not_processed_and_each_invite_ends_once(
    sb: Sandbox, sb_http: httpx.Client
) -> None:
    sb.create_call(CALL)
    sb.configure(throttle_rate=2, operation_delay_ms=0)
    contexts = {f"user-{n}": f"context-{n}" for n in range(4)}
    first = [sb_http.post(INVITE, json=invite_body(u, c)) for u, c in contexts.items()]
    assert [r.status_code for r in first] == [200, 200, 429, 429]
    call = sb.call(CALL)
    assert call is not None
    joined = {p["info"]["identity"]["user"]["id"] for p in call["participants"]}
    assert joined == {"user-0", "user-1"}
    # Graph does the invites that were throttled once they are sent again.
    time.sleep(1.05)
    for user in ("user-2", "user-3"):
        assert sb_http.post(INVITE, json=invite_body(user, contexts[user])).status_code == 200
    stats = sb.stats()
    assert stats["throttled"] == 2
    assert stats["invites"] == {"received": 6, "accepted": 4}
    assert all(counts["accepted"] == 1 for counts in stats["clientContexts"].values())
    received = sum(counts["received"] for counts in stats["clientContexts"].values())
    assert received == stats["invites"]["accepted"] + stats["throttled"]


def test_a_429_comes_after_the_latency_too(sb: Sandbox, sb_http: httpx.Client) -> None:
    sb.create_call(CALL)
    sb.configure(throttle_rate=1, latency_ms=300)
    assert sb_http.get(CALL_URL).status_code == 200
    throttled, took = timed(sb_http.get, CALL_URL)
    assert throttled.status_code == 429
    assert took >= 0.3


# -- settings -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("latencyMs", -1, "latencyMs must be a whole number >= 0"),
        ("jitterMs", 1.5, "jitterMs must be a whole number >= 0"),
        ("tokenLatencyMs", "150ms", "tokenLatencyMs must be a whole number >= 0"),
        ("tokenJitterMs", None, None),
        ("throttleRate", True, "throttleRate must be a whole number >= 0"),
        ("throttleRate", -3, "throttleRate must be a whole number >= 0"),
    ],
)
def test_settings_are_validated(sb: Sandbox, setting: str, value: Any, message: str | None) -> None:
    with httpx.Client(verify=sb.ssl_context()) as client:
        answer = client.post(f"{sb.state['admin']}/settings", json={setting: value})
        settings = client.get(f"{sb.state['admin']}/settings").json()
    if message is None:  # null leaves a setting as it is
        assert answer.status_code == 200
    else:
        assert answer.status_code == 400
        assert answer.json()["error"]["message"] == message
    assert {name: settings[name] for name in START_VALUES} == START_VALUES


def test_settings_change_through_the_admin_api_and_reset_restores_them(sb: Sandbox) -> None:
    changed = {
        "latencyMs": 150,
        "jitterMs": 50,
        "tokenLatencyMs": 100,
        "tokenJitterMs": 10,
        "throttleRate": 50,
    }
    with httpx.Client(verify=sb.ssl_context()) as client:
        answer = client.post(f"{sb.state['admin']}/settings", json=changed)
        assert answer.status_code == 200
        assert {name: answer.json()[name] for name in changed} == changed
        assert client.post(f"{sb.state['admin']}/reset").status_code == 204
        settings = client.get(f"{sb.state['admin']}/settings").json()
    assert {name: settings[name] for name in START_VALUES} == START_VALUES
    with pytest.raises(ValueError, match="jitterMs must be a whole number >= 0"):
        sb.configure(jitter_ms=-1)


def test_a_sandbox_starts_with_its_own_values_and_stopping_cuts_a_delay_short(
    tmp_path: Path,
) -> None:
    with pytest.raises(ValueError, match="throttleRate"):
        Sandbox(state_file=tmp_path / "bad.json", throttle_rate=-1).start()
    start_values = {
        "latencyMs": 20000,
        "jitterMs": 5,
        "tokenLatencyMs": 7,
        "tokenJitterMs": 3,
        "throttleRate": 9,
    }
    slow = Sandbox(
        state_file=tmp_path / "sandbox.json",
        latency_ms=20000,
        jitter_ms=5,
        token_latency_ms=7,
        token_jitter_ms=3,
        throttle_rate=9,
    ).start()
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        try:
            slow.configure(latency_ms=0, throttle_rate=0)
            slow.reset()
            settings = slow.service.settings()
            assert {name: settings[name] for name in start_values} == start_values
            with httpx.Client(verify=slow.ssl_context()) as client:
                waiting = pool.submit(client.get, f"{slow.graph}/v1.0/communications/calls")
                deadline = time.monotonic() + 5
                while not slow.requests() and time.monotonic() < deadline:
                    time.sleep(0.01)
                assert slow.requests(), "the request did not arrive"
                stopping_at = time.monotonic()
                slow.stop()
                assert time.monotonic() - stopping_at < 5  # not the 20 s of latency
                # The client has its answer or a closed connection, whichever came first.
                assert concurrent.futures.wait([waiting], timeout=5).done
        finally:
            slow.stop()


# -- options --------------------------------------------------------------------------------------


@pytest.fixture
def started_with(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The options ``mgbridge sandbox`` passes to Sandbox, which then fails to start; the
    command's signal handlers are not installed in the test process."""
    options: dict[str, Any] = {}

    class Recorder:
        def __init__(self, **given: Any) -> None:
            options.update(given)

        def start(self) -> None:
            raise SandboxError("recorded")

    monkeypatch.setattr(_sandbox, "Sandbox", Recorder)
    monkeypatch.setattr(signal, "signal", lambda *_: None)
    return options


@pytest.mark.parametrize(
    ("given", "ms"),
    [("150ms", 150), ("0.15s", 150), ("2s", 2000), ("150", 150), ("0", 0), ("1.5S", 1500)],
)
def test_the_command_reads_durations(
    runner: CliRunner, started_with: dict[str, Any], given: str, ms: int
) -> None:
    result = runner.invoke(sandbox_command, ["--latency", given, "--token-jitter", given])
    assert "recorded" in result.stderr
    assert (started_with["latency_ms"], started_with["token_jitter_ms"]) == (ms, ms)


def test_the_command_passes_every_option(runner: CliRunner, started_with: dict[str, Any]) -> None:
    runner.invoke(sandbox_command, [])
    assert {name: started_with[name] for name in OPTIONS} == dict.fromkeys(OPTIONS, 0)
    arguments = "--latency 150ms --jitter 50ms --token-latency 100ms --token-jitter 0ms"
    runner.invoke(sandbox_command, [*arguments.split(), "--throttle-rate", "50"])
    assert {name: started_with[name] for name in OPTIONS} == {
        "latency_ms": 150,
        "jitter_ms": 50,
        "token_latency_ms": 100,
        "token_jitter_ms": 0,
        "throttle_rate": 50,
    }


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--latency", "-5ms"),
        ("--jitter", "fast"),
        ("--token-latency", "0.0001s"),
        ("--token-jitter", "1.5ms"),
        ("--throttle-rate", "-1"),
        ("--throttle-rate", "2.5"),
    ],
)
def test_a_bad_option_value_is_a_usage_error_naming_the_option(
    runner: CliRunner, option: str, value: str
) -> None:
    result = runner.invoke(sandbox_command, [option, value])
    assert result.exit_code == 2
    assert f"Invalid value for '{option}'" in result.stderr


def test_a_sandbox_process_starts_with_the_options(tmp_path: Path) -> None:
    state_file = str(tmp_path / "sandbox.json")
    start_sandbox_process(
        state_file=state_file,
        latency_ms=150,
        jitter_ms=50,
        token_latency_ms=100,
        token_jitter_ms=0,
        throttle_rate=50,
    )
    try:
        settings = admin_request("GET", "/_sandbox/settings", state_file=state_file)
    finally:
        stop_sandbox_process(state_file)
    assert {name: settings[name] for name in START_VALUES} == {
        "latencyMs": 150,
        "jitterMs": 50,
        "tokenLatencyMs": 100,
        "tokenJitterMs": 0,
        "throttleRate": 50,
    }
