"""Retries for throttling and transient failures, as an httpx transport wrapper.

The policy follows the Graph SDK's RetryHandler: retry 429, 503 and 504 only, honour Retry-After
(seconds or an HTTP date), otherwise back off exponentially; 3 retries and a 3 s base delay by
default, at most 10 retries and 180 s per delay; a ``Retry-Attempt: n`` header on each retry.

Two deliberate differences from the SDK:
- the exponential delay carries jitter ("equal jitter": between half and all of the nominal delay),
  so that clients throttled together do not come back together;
- a Retry-After longer than ``max_delay`` (or past the time limit) is not shortened: the last
  response is returned at once, and the caller sees a GraphError with ``retry_after`` set.

A request that may have reached the server (a read timeout, a connection lost after sending) is
retried only if its method is idempotent; a POST is never sent twice. Failures to connect happen
before anything is sent and are retried for every method, except a failed certificate check.

Throttling is shared: every request of a session goes through one Throttle, so a 429 pauses all
of the session's requests (threads, runspaces, asyncio tasks) for its Retry-After instead of each
one finding the limit for itself, and then paces them below the rate Graph accepted.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import random
import ssl
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from bridge import _interrupt

__all__ = [
    "RETRY_STATUSES",
    "AsyncRetryTransport",
    "RetryPolicy",
    "RetryTransport",
    "Throttle",
    "parse_retry_after",
]

logger = logging.getLogger("bridge")

RETRY_STATUSES = frozenset({429, 503, 504})
MAX_RETRY_LIMIT = 10
MAX_DELAY_LIMIT = 180.0

# Raised before the request left this machine: safe to retry whatever the method.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.ProxyError)
# Raised after (part of) the request may have been sent: retried for idempotent methods only.
_MAYBE_SENT = (httpx.ReadTimeout, httpx.WriteTimeout, httpx.NetworkError, httpx.RemoteProtocolError)
_IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry. ``time_limit`` None (or 0) means no overall limit."""

    max_retry: int = 3
    delay: float = 3.0
    max_delay: float = MAX_DELAY_LIMIT
    time_limit: float | None = None

    def __post_init__(self) -> None:
        if not 0 <= self.max_retry <= MAX_RETRY_LIMIT:
            raise ValueError(f"max_retry must be between 0 and {MAX_RETRY_LIMIT}")
        if not 0 <= self.delay <= MAX_DELAY_LIMIT:
            raise ValueError(f"retry_delay must be between 0 and {MAX_DELAY_LIMIT:g} seconds")
        if not 0 <= self.max_delay <= MAX_DELAY_LIMIT:
            raise ValueError(f"max_delay must be between 0 and {MAX_DELAY_LIMIT:g} seconds")
        if self.time_limit is not None and self.time_limit < 0:
            raise ValueError("retries_time_limit must not be negative")

    def backoff(self, attempt: int, rand: float) -> float:
        """The delay before retry ``attempt`` (1-based) when the server gave no Retry-After."""
        nominal = min(self.max_delay, self.delay * 2.0 ** (attempt - 1))
        return nominal * (0.5 + 0.5 * rand)


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from Retry-After (decimal seconds or an HTTP date); None if unusable."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:  # RFC 7231 dates are GMT; a naive parse means no zone was given
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
    if seconds != seconds or seconds in (float("inf"), float("-inf")):  # NaN or infinite
        return None
    return max(0.0, seconds)


def _tls_refused(exc: BaseException) -> bool:
    """True when TLS verification failed: trying again would fail again."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


class Throttle:
    """What a session's requests have learnt from Graph's 429s, shared by all of them.

    A 429 that is retried pauses every request until its Retry-After has passed, and caps the
    request rate at 90% of the responses of the second before it (what Graph accepted) when there
    were a few; the cap rises by a tenth every 5 s without a 429 and is lifted after a minute
    without one. Until the first 429 it costs one uncontended lock per request.
    """

    _MIN_PACED = 10
    _RAISE_EVERY = 5.0
    _LIFT_AFTER = 60.0

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._resume_at = 0.0
        self._rate: float | None = None  # requests per second, None: not capped
        self._next_slot = 0.0
        self._changed_at = 0.0
        self._throttled_at = 0.0
        self._answered: deque[float] = deque()  # when responses other than 429 arrived

    @property
    def rate(self) -> float | None:
        """The current cap in requests per second, or None."""
        return self._rate

    def reserve(self) -> float:
        """Takes the next send slot: the seconds to wait before sending."""
        with self._lock:
            now = self._clock()
            start = max(now, self._resume_at)
            rate = self._rate
            if rate is not None:
                if now - self._throttled_at >= self._LIFT_AFTER:
                    self._rate = None
                    self._answered.clear()
                    return start - now
                if now - self._changed_at >= self._RAISE_EVERY:
                    rate = self._rate = rate * 1.1
                    self._changed_at = now
                start = max(start, self._next_slot)
                self._next_slot = start + 1.0 / rate
            return start - now

    def pause_left(self) -> float:
        """Seconds until the current pause ends (0 when none)."""
        return max(0.0, self._resume_at - self._clock())

    def answered(self) -> None:
        """Counts a response that was not a 429 (only while a cap may be needed soon)."""
        with self._lock:
            now = self._clock()
            self._answered.append(now)
            while self._answered and self._answered[0] < now - 1.0:
                self._answered.popleft()

    def throttled(self, pause: float) -> None:
        """A 429 arrived: pause everything for ``pause`` seconds, and cap the rate once per pause
        (the other 429s of the same burst tell nothing new)."""
        with self._lock:
            now = self._clock()
            self._throttled_at = now
            if now >= self._resume_at:
                while self._answered and self._answered[0] < now - 1.0:
                    self._answered.popleft()
                # Below a few requests a second the pause alone is enough (and the count
                # says too little to pace by).
                if len(self._answered) >= self._MIN_PACED:
                    cap = 0.9 * len(self._answered)
                    self._rate = cap if self._rate is None else min(self._rate, cap)
                    self._changed_at = now
            self._resume_at = max(self._resume_at, now + pause)


class _Retrying:
    """The decisions shared by the sync and async transports: what an attempt's outcome means."""

    def __init__(
        self,
        policy: RetryPolicy | None,
        throttle: Throttle | None,
        clock: Callable[[], float],
        wall_clock: Callable[[], float],
        rand: Callable[[], float],
    ) -> None:
        self.policy = policy or RetryPolicy()
        self.throttle = throttle or Throttle(clock)
        self._clock = clock
        self._wall_clock = wall_clock
        self._rand = rand

    def after_error(
        self, request: httpx.Request, exc: Exception, attempt: int, started: float
    ) -> float | None:
        """The delay before retrying after ``exc``, or None to raise it."""
        if isinstance(exc, _NOT_SENT):
            return None if _tls_refused(exc) else self._next_delay(attempt, None, started)
        if isinstance(exc, _MAYBE_SENT) and request.method in _IDEMPOTENT:
            return self._next_delay(attempt, None, started)
        return None

    def after_response(
        self, response: httpx.Response, attempt: int, started: float
    ) -> float | None:
        """The delay before retrying after ``response``, or None to return it. A 429 pauses the
        whole session through the throttle, so its own delay is the throttle's."""
        status = response.status_code
        if status not in RETRY_STATUSES:
            self.throttle.answered()
            return None
        retry_after = parse_retry_after(response.headers.get("Retry-After"), now=self._wall_clock())
        delay = self._next_delay(attempt, retry_after, started)
        if status == 429 and delay is not None:
            # Retried: everyone waits with it. A request that gives up (past its limits) does
            # not hold back the others; its caller gets the Retry-After with the error.
            self.throttle.throttled(delay)
            return 0.0
        return delay

    def log(self, request: httpx.Request, reason: str, attempt: int, delay: float) -> None:
        logger.info(
            "%s %s: %s; retry %d of %d in %.2f s",
            request.method,
            request.url.path,
            reason,
            attempt,
            self.policy.max_retry,
            delay + self.throttle.pause_left(),
        )

    def _next_delay(self, attempt: int, retry_after: float | None, started: float) -> float | None:
        """The delay before the next retry, or None when the policy says stop."""
        policy = self.policy
        if attempt >= policy.max_retry:
            return None
        if retry_after is None:
            delay = policy.backoff(attempt + 1, self._rand())
        elif retry_after > policy.max_delay:
            return None
        else:
            delay = retry_after
        if policy.time_limit and self._clock() - started + delay > policy.time_limit:
            return None
        return delay


class RetryTransport(httpx.BaseTransport):
    """Wraps a transport and retries throttled and transient failures under a RetryPolicy,
    pacing every request through the session's Throttle.

    ``sleep``, ``clock``, ``wall_clock`` and ``rand`` are injectable so tests never really wait.
    """

    def __init__(
        self,
        transport: httpx.BaseTransport,
        policy: RetryPolicy | None = None,
        *,
        throttle: Throttle | None = None,
        sleep: Callable[[float], None] = _interrupt.sleep,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self.transport = transport
        self._retrying = _Retrying(policy, throttle, clock, wall_clock, rand)
        self._sleep = sleep
        self._clock = clock

    @property
    def policy(self) -> RetryPolicy:
        return self._retrying.policy

    @property
    def throttle(self) -> Throttle:
        return self._retrying.throttle

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        retrying = self._retrying
        attempt = 0
        started = self._clock()
        while True:
            wait = retrying.throttle.reserve()
            if wait > 0:
                self._sleep(wait)
            try:
                response = self.transport.handle_request(request)
            except Exception as exc:
                delay = retrying.after_error(request, exc, attempt, started)
                if delay is None:
                    raise
                reason = f"{type(exc).__name__}: {exc}"
            else:
                delay = retrying.after_response(response, attempt, started)
                if delay is None:
                    return response
                # Read the (small) error body so the connection goes back to the pool.
                response.read()
                response.close()
                reason = f"HTTP {response.status_code}"
            attempt += 1
            retrying.log(request, reason, attempt, delay)
            if delay > 0:
                self._sleep(delay)
            request.headers["Retry-Attempt"] = str(attempt)

    def close(self) -> None:
        self.transport.close()


class AsyncRetryTransport(httpx.AsyncBaseTransport):
    """RetryTransport for an httpx.AsyncClient: the same policy and decisions, waiting with
    ``asyncio.sleep``."""

    def __init__(
        self,
        transport: httpx.AsyncBaseTransport,
        policy: RetryPolicy | None = None,
        *,
        throttle: Throttle | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self.transport = transport
        self._retrying = _Retrying(policy, throttle, clock, wall_clock, rand)
        self._clock = clock

    @property
    def throttle(self) -> Throttle:
        return self._retrying.throttle

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        retrying = self._retrying
        attempt = 0
        started = self._clock()
        while True:
            wait = retrying.throttle.reserve()
            if wait > 0:
                await asyncio.sleep(wait)
            try:
                response = await self.transport.handle_async_request(request)
            except Exception as exc:
                delay = retrying.after_error(request, exc, attempt, started)
                if delay is None:
                    raise
                reason = f"{type(exc).__name__}: {exc}"
            else:
                delay = retrying.after_response(response, attempt, started)
                if delay is None:
                    return response
                await response.aread()
                await response.aclose()
                reason = f"HTTP {response.status_code}"
            attempt += 1
            retrying.log(request, reason, attempt, delay)
            if delay > 0:
                await asyncio.sleep(delay)
            request.headers["Retry-Attempt"] = str(attempt)

    async def aclose(self) -> None:
        await self.transport.aclose()
