"""The retry loop's arithmetic over httpx.MockTransport, with a fake clock: nothing sleeps."""

from __future__ import annotations

import email.utils
import random
import ssl
from collections.abc import Callable, Iterable

import httpx
import pytest

from bridge._retry import RetryPolicy, RetryTransport, parse_retry_after

URL = "https://graph.example/beta/communications/calls/c1/participants/invite"
NOW = 1_700_000_000.0

Step = int | tuple[int, dict[str, str]] | Exception


class FakeTime:
    """A monotonic clock that only moves when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now


class Server:
    """Answers each attempt with the next scripted step; records what it received."""

    def __init__(self, steps: Iterable[Step]) -> None:
        self.steps = list(steps)
        self.requests: list[httpx.Request] = []
        self.attempt_headers: list[str | None] = []  # the same Request object is re-sent

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        self.attempt_headers.append(request.headers.get("Retry-Attempt"))
        step = self.steps.pop(0) if self.steps else 200
        if isinstance(step, Exception):
            raise step
        status, headers = step if isinstance(step, tuple) else (step, {})
        return httpx.Response(status, headers=headers, json={"status": status})


def make_client(
    steps: Iterable[Step],
    policy: RetryPolicy | None = None,
    rand: Callable[[], float] = lambda: 1.0,
) -> tuple[httpx.Client, Server, FakeTime]:
    server = Server(steps)
    fake = FakeTime()
    transport = RetryTransport(
        httpx.MockTransport(server),
        policy,
        sleep=fake.sleep,
        clock=fake.clock,
        wall_clock=lambda: NOW + fake.now,
        rand=rand,
    )
    return httpx.Client(transport=transport), server, fake


def test_success_is_not_retried() -> None:
    client, server, fake = make_client([200])
    assert client.post(URL, content=b"{}").status_code == 200
    assert len(server.requests) == 1
    assert fake.sleeps == []
    assert server.attempt_headers == [None]


@pytest.mark.parametrize("status", [429, 503, 504])
def test_retryable_statuses_are_retried_then_succeed(status: int) -> None:
    client, server, fake = make_client([status, status, 200])
    response = client.post(URL, content=b'{"a":1}')
    assert response.status_code == 200
    assert len(server.requests) == 3
    assert server.attempt_headers == [None, "1", "2"]
    assert all(r.content == b'{"a":1}' for r in server.requests)
    assert fake.sleeps == [3.0, 6.0]  # rand 1.0: the nominal exponential delays


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 500, 502])
def test_other_statuses_are_not_retried(status: int) -> None:
    client, server, fake = make_client([status, 200])
    assert client.post(URL, content=b"{}").status_code == status
    assert len(server.requests) == 1
    assert fake.sleeps == []


def test_retries_exhausted_returns_the_last_response() -> None:
    client, server, fake = make_client([(429, {"Retry-After": "1"})] * 10)
    response = client.post(URL, content=b"{}")
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "1"
    assert len(server.requests) == 4  # the first try and 3 retries
    assert fake.sleeps == [1.0, 1.0, 1.0]


def test_max_retry_is_configurable() -> None:
    client, server, _ = make_client([503] * 10, RetryPolicy(max_retry=5))
    assert client.get(URL).status_code == 503
    assert len(server.requests) == 6
    client, server, _ = make_client([503] * 10, RetryPolicy(max_retry=0))
    assert client.get(URL).status_code == 503
    assert len(server.requests) == 1


def test_retry_after_seconds_is_honoured_including_fractions() -> None:
    client, server, fake = make_client(
        [(429, {"Retry-After": "2.128"}), (503, {"Retry-After": "7"})]
    )
    assert client.post(URL, content=b"{}").status_code == 200
    assert len(server.requests) == 3
    assert fake.sleeps == [2.128, 7.0]


def test_retry_after_http_date_is_honoured() -> None:
    when = email.utils.formatdate(NOW + 12, usegmt=True)
    client, server, fake = make_client([(429, {"Retry-After": when})])
    assert client.post(URL, content=b"{}").status_code == 200
    assert len(server.requests) == 2
    assert fake.sleeps == [pytest.approx(12.0)]


def test_retry_after_in_the_past_means_now() -> None:
    when = email.utils.formatdate(NOW - 60, usegmt=True)
    client, server, fake = make_client([(503, {"Retry-After": when})])
    assert client.get(URL).status_code == 200
    assert len(server.requests) == 2
    assert sum(fake.sleeps) == 0.0


def test_unusable_retry_after_falls_back_to_backoff() -> None:
    client, _, fake = make_client([(429, {"Retry-After": "soon"})])
    assert client.get(URL).status_code == 200
    assert fake.sleeps == [3.0]


def test_retry_after_beyond_max_delay_gives_up_at_once() -> None:
    client, server, fake = make_client([(429, {"Retry-After": "600"}), 200])
    response = client.post(URL, content=b"{}")
    assert response.status_code == 429
    assert len(server.requests) == 1
    assert fake.sleeps == []


def test_backoff_is_exponential_and_capped() -> None:
    policy = RetryPolicy(max_retry=10, delay=3.0, max_delay=20.0)
    client, _, fake = make_client([504] * 11, policy)
    assert client.get(URL).status_code == 504
    assert fake.sleeps == [3.0, 6.0, 12.0] + [20.0] * 7


@pytest.mark.parametrize("rand", [0.0, 0.25, 0.5, 0.999999])
def test_jitter_stays_between_half_and_all_of_the_nominal_delay(rand: float) -> None:
    client, _, fake = make_client([503] * 4, rand=lambda: rand)
    client.get(URL)
    for nominal, slept in zip([3.0, 6.0, 12.0], fake.sleeps, strict=True):
        assert nominal / 2 <= slept <= nominal
        assert slept == pytest.approx(nominal * (0.5 + 0.5 * rand))


def test_jitter_with_the_real_random_source_stays_in_bounds() -> None:
    policy = RetryPolicy()
    for attempt in (1, 2, 3):
        nominal = 3.0 * 2 ** (attempt - 1)
        for _ in range(200):
            assert nominal / 2 <= policy.backoff(attempt, random.random()) <= nominal


def test_total_time_limit_stops_retrying() -> None:
    # Delays 3, 6, 12: the third retry would end at 21 s, past the 10 s limit.
    client, server, fake = make_client([503] * 10, RetryPolicy(time_limit=10.0))
    assert client.post(URL, content=b"{}").status_code == 503
    assert fake.sleeps == [3.0, 6.0]
    assert len(server.requests) == 3


def test_time_limit_applies_to_retry_after_too() -> None:
    client, server, fake = make_client([(429, {"Retry-After": "30"})], RetryPolicy(time_limit=20))
    assert client.post(URL, content=b"{}").status_code == 429
    assert len(server.requests) == 1
    assert fake.sleeps == []


def test_connect_errors_are_retried_for_a_post() -> None:
    steps: list[Step] = [httpx.ConnectError("refused"), httpx.ConnectTimeout("slow"), 200]
    client, server, fake = make_client(steps)
    assert client.post(URL, content=b"{}").status_code == 200
    assert len(server.requests) == 3
    assert fake.sleeps == [3.0, 6.0]


def test_certificate_failures_are_not_retried() -> None:
    error = httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed")
    error.__cause__ = ssl.SSLCertVerificationError("certificate verify failed")
    client, server, fake = make_client([error, 200])
    with pytest.raises(httpx.ConnectError):
        client.post(URL, content=b"{}")
    assert len(server.requests) == 1
    assert fake.sleeps == []


def test_connect_errors_exhausted_raise_the_last_one() -> None:
    client, server, _ = make_client([httpx.ConnectError("refused")] * 10)
    with pytest.raises(httpx.ConnectError):
        client.post(URL, content=b"{}")
    assert len(server.requests) == 4


@pytest.mark.parametrize(
    "exc",
    [
        httpx.ReadTimeout("slow"),
        httpx.WriteTimeout("slow"),
        httpx.ReadError("reset"),
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
    ],
)
def test_a_post_that_may_have_been_sent_is_not_retried(exc: Exception) -> None:
    client, server, fake = make_client([exc, 200])
    with pytest.raises(type(exc)):
        client.post(URL, content=b"{}")
    assert len(server.requests) == 1
    assert fake.sleeps == []


def test_a_get_that_timed_out_is_retried() -> None:
    client, server, _ = make_client([httpx.ReadTimeout("slow"), 200])
    assert client.get(URL).status_code == 200
    assert len(server.requests) == 2


def test_retries_are_logged(caplog: pytest.LogCaptureFixture) -> None:
    client, _, _ = make_client([(429, {"Retry-After": "1"}), 200])
    with caplog.at_level("INFO", logger="bridge"):
        client.post(URL, content=b"{}")
    [record] = [r for r in caplog.records if r.name == "bridge"]
    assert "HTTP 429" in record.getMessage()
    assert "retry 1 of 3 in 1.00 s" in record.getMessage()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("", None),
        ("0", 0.0),
        ("5", 5.0),
        (" 2.5 ", 2.5),
        ("-3", 0.0),
        ("nan", None),
        ("inf", None),
        ("tomorrow", None),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),
    ],
)
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value, now=NOW) == expected


def test_parse_retry_after_date_relative_to_now() -> None:
    assert parse_retry_after(email.utils.formatdate(NOW + 90, usegmt=True), now=NOW) == 90.0


@pytest.mark.parametrize(
    "kwargs",
    [{"max_retry": 11}, {"max_retry": -1}, {"delay": 181}, {"delay": -1}, {"time_limit": -5}],
)
def test_policy_limits_match_the_sdk(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]
