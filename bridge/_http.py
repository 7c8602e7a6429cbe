"""HTTP for one session: the httpx client, the Graph headers, sending, and the error envelope.

Portable between httpx 0.23 and 0.28: the client is built with ``transport=`` only, TLS trust is
an ``ssl.SSLContext`` we build, and a proxy is given to the transport (no ``proxies=``/``proxy=``
client arguments, no ``verify=<path>``, no ``cert=``).
"""

from __future__ import annotations

import contextlib
import inspect
import json
import logging
import os
import re
import socket
import ssl
import sys
import threading
import time
from collections.abc import Mapping
from typing import Any

import httpx

from bridge._exceptions import GraphError, TransportError
from bridge._interrupt import StoppableBackend
from bridge._retry import (
    AsyncRetryTransport,
    RetryPolicy,
    RetryTransport,
    Throttle,
    parse_retry_after,
)
from bridge._transcript import AsyncRecordingTransport, Recorder, RecordingTransport
from bridge._version import __version__

__all__ = [
    "DEFAULT_CONNECT_TIMEOUT",
    "DEFAULT_TIMEOUT",
    "SDK_VERSION",
    "USER_AGENT",
    "build_async_client",
    "build_client",
    "graph_error",
    "redact_headers",
    "send",
    "send_async",
    "ssl_context",
]

logger = logging.getLogger("bridge")

DEFAULT_TIMEOUT = 30.0
DEFAULT_CONNECT_TIMEOUT = 10.0
SDK_VERSION = f"mgbridge/{__version__}"
USER_AGENT = (
    f"mgbridge/{__version__} python/{sys.version_info[0]}.{sys.version_info[1]} "
    f"httpx/{httpx.__version__}"
)

_SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})
_SECRET_JSON = re.compile(
    r'("(?:access_token|refresh_token|id_token|client_secret|client_assertion|assertion|password)"'
    r'\s*:\s*)"[^"]*"',
    re.IGNORECASE,
)
_EXCERPT = 200
# Every connection is kept for reuse: many concurrent calls (runspaces, a bulk invite) would
# otherwise pay a TLS handshake for each request beyond httpx's default of 20 kept.
_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=100)


def ssl_context(ca_file: str | None) -> ssl.SSLContext:
    """Verification always on: only ``ca_file`` when given (the sandbox CA), else the usual roots.

    The usual roots are SSL_CERT_FILE/SSL_CERT_DIR when set (as httpx honours them), else certifi.
    """
    if ca_file:
        return ssl.create_default_context(cafile=ca_file)
    cafile = os.environ.get("SSL_CERT_FILE") or None
    capath = os.environ.get("SSL_CERT_DIR") or None
    if cafile is None and capath is None:
        import certifi  # a dependency of httpx in every supported version

        cafile = certifi.where()
    return ssl.create_default_context(cafile=cafile, capath=capath)


def build_client(
    *,
    ca_file: str | None = None,
    proxy: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
    retry: RetryPolicy | None = None,
    transport: httpx.BaseTransport | None = None,
    recorder: Recorder | None = None,
    throttle: Throttle | None = None,
) -> httpx.Client:
    """One keep-alive client per session, retrying through a RetryTransport.

    ``transport`` replaces the network transport (tests pass an ``httpx.MockTransport``);
    ``recorder`` transcribes every attempt that reaches it; ``throttle`` is shared by every
    client of one session.
    """
    if transport is None:
        verify = ssl_context(ca_file)

        def pool() -> httpx.HTTPTransport:
            shard = httpx.HTTPTransport(
                verify=verify,
                proxy=httpx.Proxy(proxy) if proxy else None,
                trust_env=False,
                limits=_LIMITS,
                retries=0,  # connect retries are RetryTransport's job, with backoff and logging
            )
            _wrap_network_backend(shard)
            return shard

        transport = _PoolShards(pool)
    if recorder is not None:
        transport = RecordingTransport(transport, recorder)
    return httpx.Client(
        transport=RetryTransport(transport, retry, throttle=throttle),
        **_client_options(timeout, connect_timeout),
    )


def _remember_missing_sniffio() -> None:
    """httpcore asks ``import sniffio`` on every lock it takes, a dozen times per request; newer
    anyio no longer brings sniffio, and each failed import searches sys.path again (about a
    third of a millisecond). Recording the absence once makes it an instant ImportError, which
    httpcore already reads as "asyncio"."""
    import importlib.util

    if "sniffio" not in sys.modules and importlib.util.find_spec("sniffio") is None:
        sys.modules["sniffio"] = None  # type: ignore[assignment]


def build_async_client(
    *,
    ca_file: str | None = None,
    proxy: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
    retry: RetryPolicy | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    recorder: Recorder | None = None,
    throttle: Throttle | None = None,
) -> httpx.AsyncClient:
    """`build_client` for asyncio: the same TLS, proxy, timeouts, retries and recording."""
    _remember_missing_sniffio()
    if transport is None:
        verify = ssl_context(ca_file)

        def pool() -> httpx.AsyncHTTPTransport:
            return httpx.AsyncHTTPTransport(
                verify=verify,
                proxy=httpx.Proxy(proxy) if proxy else None,
                trust_env=False,
                limits=_LIMITS,
                retries=0,
            )

        transport = _AsyncPoolShards(pool)
    if recorder is not None:
        transport = AsyncRecordingTransport(transport, recorder)
    return httpx.AsyncClient(
        transport=AsyncRetryTransport(transport, retry, throttle=throttle),
        **_client_options(timeout, connect_timeout),
    )


# httpcore's pool looks at every one of its connections (a poll() on each idle one) several times
# for each request, so its cost per request grows with the connections open: at 32 concurrent
# requests the pool cost more than the rest of the client. Requests go to the least busy of a few
# small pools instead; one request at a time always uses the first, as a single pool would.
_SHARDS = 8


class _PoolShards(httpx.BaseTransport):
    def __init__(self, pool: Any) -> None:
        self._pools: list[httpx.BaseTransport] = [pool() for _ in range(_SHARDS)]
        self._busy = [0] * _SHARDS
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            index = self._busy.index(min(self._busy))
            self._busy[index] += 1
        try:
            return self._pools[index].handle_request(request)
        finally:
            with self._lock:
                self._busy[index] -= 1

    def close(self) -> None:
        for pool in self._pools:
            pool.close()


class _AsyncPoolShards(httpx.AsyncBaseTransport):
    def __init__(self, pool: Any) -> None:
        self._pools: list[httpx.AsyncBaseTransport] = [pool() for _ in range(_SHARDS)]
        self._busy = [0] * _SHARDS  # only the event loop's thread touches it

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        index = self._busy.index(min(self._busy))
        self._busy[index] += 1
        try:
            return await self._pools[index].handle_async_request(request)
        finally:
            self._busy[index] -= 1

    async def aclose(self) -> None:
        for pool in self._pools:
            await pool.aclose()


def _client_options(timeout: float, connect_timeout: float) -> dict[str, Any]:
    return {
        "timeout": httpx.Timeout(timeout, connect=min(connect_timeout, timeout)),
        "headers": {"User-Agent": USER_AGENT},
        "follow_redirects": False,
        "trust_env": False,  # proxies and CA roots are explicit; no netrc
    }


# httpcore before 1.0 (httpx 0.23/0.24, without `socket_options`) leaves Nagle's algorithm on and
# writes a request's headers and body separately: with the server's delayed ACK, every POST then
# waits ~40 ms. httpcore 1.x sets TCP_NODELAY itself.
_NAGLE_ON = "socket_options" not in inspect.signature(httpx.HTTPTransport.__init__).parameters


class _NoDelayBackend:
    """Wraps httpcore's network backend so that new connections set TCP_NODELAY."""

    def __init__(self, backend: Any) -> None:
        self._backend = backend

    def connect_tcp(self, *args: Any, **kwargs: Any) -> Any:
        stream = self._backend.connect_tcp(*args, **kwargs)
        sock = stream.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return stream

    def __getattr__(self, name: str) -> Any:
        return getattr(self._backend, name)


def _wrap_network_backend(transport: httpx.HTTPTransport) -> None:
    """A stopped call's socket can be shut down from another thread (bridge._interrupt), and
    on old httpcore, connections set TCP_NODELAY."""
    pool = getattr(transport, "_pool", None)  # httpcore's pool; private, hence the guards
    backend = getattr(pool, "_network_backend", None)
    if backend is not None:
        backend = StoppableBackend(backend)
        pool._network_backend = _NoDelayBackend(backend) if _NAGLE_ON else backend  # type: ignore[union-attr]


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """A copy for display: credentials and cookies replaced, the auth scheme kept."""
    shown = {}
    for name, value in headers.items():
        if name.lower() in _SECRET_HEADERS:
            scheme = value.split(" ", 1)[0] if " " in value else ""
            value = f"{scheme} <redacted>".lstrip()
        shown[name] = value
    return shown


def _redact_text(text: str) -> str:
    return _SECRET_JSON.sub(r'\1"<redacted>"', text)


def send(
    client: httpx.Client,
    method: str,
    url: str,
    *,
    headers: Mapping[str, str],
    content: bytes | None = None,
) -> httpx.Response:
    """Sends one request (retries included) and returns a 2xx response.

    Raises GraphError for an error status and TransportError when no response arrived.
    """
    request = _build_request(client, method, url, headers, content)
    debug = logger.isEnabledFor(logging.DEBUG)
    if debug:
        started = time.perf_counter()
        _log_request(request)
    try:
        # Straight to the client's transport (retries, recording, the connection pool): the
        # client's send() adds the auth, redirect, cookie and event-hook handling that a session
        # never uses, and it cost more than the rest of the client side of a request.
        response = client._transport.handle_request(request)
        response.request = request
        try:
            response.read()
        except BaseException:
            response.close()
            raise
    except httpx.HTTPError as exc:
        raise _transport_error(exc, method, url, client.timeout) from exc
    if debug:
        _log_response(response, time.perf_counter() - started)
    if response.status_code >= 300:
        raise graph_error(response)
    return response


# Parsed URLs by their text: a session sends to the same few URLs again and again, and parsing
# one (httpx checks every character) cost more than the rest of building the request.
_parsed_urls: dict[str, httpx.URL] = {}


def _build_request(
    client: httpx.Client | httpx.AsyncClient,
    method: str,
    url: str,
    headers: Mapping[str, str],
    content: bytes | None,
) -> httpx.Request:
    """``client.build_request`` for an absolute URL, without cookies or query parameters (a
    session sends neither): the same headers, body and timeout."""
    parsed = _parsed_urls.get(url)
    if parsed is None:
        if len(_parsed_urls) >= 512:
            _parsed_urls.clear()
        parsed = _parsed_urls[url] = httpx.URL(url)
    merged = httpx.Headers(client.headers)
    merged.update(headers)
    return httpx.Request(
        method,
        parsed,
        headers=merged,
        content=content,
        extensions={"timeout": client.timeout.as_dict()},
    )


async def send_async(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    *,
    headers: Mapping[str, str],
    content: bytes | None = None,
) -> httpx.Response:
    """`send` for an httpx.AsyncClient, with the same errors."""
    request = _build_request(client, method, url, headers, content)
    debug = logger.isEnabledFor(logging.DEBUG)
    if debug:
        started = time.perf_counter()
        _log_request(request)
    try:
        response = await client._transport.handle_async_request(request)
        response.request = request
        try:
            await response.aread()
        except BaseException:
            await response.aclose()
            raise
    except httpx.HTTPError as exc:
        raise _transport_error(exc, method, url, client.timeout) from exc
    if debug:
        _log_response(response, time.perf_counter() - started)
    if response.status_code >= 300:
        raise graph_error(response)
    return response


def _transport_error(
    exc: httpx.HTTPError, method: str, url: str, timeout: httpx.Timeout
) -> TransportError:
    where = f"{method} {httpx.URL(url).copy_with(query=None)}"
    if isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout):
        return TransportError(f"{where}: could not connect within {timeout.connect:g} s.")
    if isinstance(exc, httpx.ConnectError | httpx.ProxyError):
        return TransportError(f"{where}: could not connect: {exc}")
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.LocalProtocolError | httpx.InvalidURL):
        return TransportError(f"{where}: {exc}")
    sent = method not in ("GET", "HEAD", "OPTIONS")
    if isinstance(exc, httpx.TimeoutException):
        what = f"no response within {timeout.read:g} s"
    else:
        what = f"the connection failed after the request was sent ({type(exc).__name__}: {exc})"
    if not sent:
        return TransportError(f"{where}: {what}.")
    return TransportError(
        f"{where}: {what}. The request was sent and Graph may have processed it, so it was "
        "not retried; check the call's state before sending it again.",
        may_have_been_processed=True,
    )


def graph_error(response: httpx.Response) -> GraphError:
    """A GraphError from an error response: the OData envelope if present, else status + excerpt."""
    status = response.status_code
    headers = response.headers
    error: Any = None
    with contextlib.suppress(ValueError, AttributeError):  # not JSON, or not an object
        error = json.loads(response.content).get("error")
    code = message = ""
    inner: Any = None
    if isinstance(error, dict):
        code = _text(error.get("code"))
        message = _text(error.get("message"))
        inner = error.get("innerError", error.get("innererror"))
    if not isinstance(inner, dict):
        inner = {}
    reason = response.reason_phrase or httpx.codes.get_reason_phrase(status)
    if not message:
        # Without an envelope the body itself is the only clue; keep a short, one-line excerpt.
        raw = response.text if response.content and not isinstance(error, dict) else ""
        excerpt = " ".join(raw.split())[:_EXCERPT]
        message = f"{status} {reason}" + (f": {excerpt}" if excerpt else "")
    return GraphError(
        message,
        status=status,
        # As the SDK does when the body has no code: the status name ("TooManyRequests").
        code=code or reason.replace(" ", "").replace("-", ""),
        request_id=_text(inner.get("request-id") or inner.get("requestId"))
        or headers.get("request-id", ""),
        client_request_id=_text(inner.get("client-request-id"))
        or headers.get("client-request-id", ""),
        date=_text(inner.get("date") or inner.get("Date")) or headers.get("date", ""),
        retry_after=parse_retry_after(headers.get("Retry-After")),
        headers={k: v for k, v in headers.items() if k.lower() not in _SECRET_HEADERS},
    )


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _log_request(request: httpx.Request) -> None:
    logger.debug(
        "request: %s %s\n%s%s",
        request.method,
        request.url,
        _format_headers(redact_headers(request.headers)),
        _format_body(request.content),
    )


def _log_response(response: httpx.Response, elapsed: float) -> None:
    logger.debug(
        "response: %d %s (%.1f ms)\n%s%s",
        response.status_code,
        response.reason_phrase,
        elapsed * 1000,
        _format_headers(redact_headers(response.headers)),
        _format_body(response.content),
    )


def _format_headers(headers: Mapping[str, str]) -> str:
    return "".join(f"  {name}: {value}\n" for name, value in headers.items())


def _format_body(content: bytes | None) -> str:
    if not content:
        return ""
    return _redact_text(content.decode("utf-8", "replace"))
