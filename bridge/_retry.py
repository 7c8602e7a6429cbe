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
"""

from __future__ import annotations

import email.utils
import logging
import random
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

__all__ = ["RETRY_STATUSES", "RetryPolicy", "RetryTransport", "parse_retry_after"]

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


class RetryTransport(httpx.BaseTransport):
    """Wraps a transport and retries throttled and transient failures under a RetryPolicy.

    ``sleep``, ``clock``, ``wall_clock`` and ``rand`` are injectable so tests never really wait.
    """

    def __init__(
        self,
        transport: httpx.BaseTransport,
        policy: RetryPolicy | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self.transport = transport
        self.policy = policy or RetryPolicy()
        self._sleep = sleep
        self._clock = clock
        self._wall_clock = wall_clock
        self._rand = rand

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        policy = self.policy
        attempt = 0
        started = self._clock()
        while True:
            try:
                response = self.transport.handle_request(request)
            except _NOT_SENT as exc:
                delay = None if _tls_refused(exc) else self._next_delay(attempt, None, started)
                if delay is None:
                    raise
                reason = f"{type(exc).__name__}: {exc}"
            except _MAYBE_SENT as exc:
                if request.method not in _IDEMPOTENT:
                    raise
                delay = self._next_delay(attempt, None, started)
                if delay is None:
                    raise
                reason = f"{type(exc).__name__}: {exc}"
            else:
                status = response.status_code
                if status not in RETRY_STATUSES:
                    return response
                retry_after = parse_retry_after(
                    response.headers.get("Retry-After"), now=self._wall_clock()
                )
                delay = self._next_delay(attempt, retry_after, started)
                if delay is None:
                    return response
                # Read the (small) error body so the connection goes back to the pool.
                response.read()
                response.close()
                reason = f"HTTP {status}"
            attempt += 1
            logger.info(
                "%s %s: %s; retry %d of %d in %.2f s",
                request.method,
                request.url.path,
                reason,
                attempt,
                policy.max_retry,
                delay,
            )
            self._sleep(delay)
            request.headers["Retry-Attempt"] = str(attempt)

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

    def close(self) -> None:
        self.transport.close()
