"""The HTTP layer: client construction, the error envelope, transport failures, debug logging."""

from __future__ import annotations

import json
import logging
import socket
import ssl

import httpx
import pytest

from bridge import GraphError, TransportError
from bridge._http import (
    _NAGLE_ON,
    SDK_VERSION,
    USER_AGENT,
    _build_request,
    _NoDelayBackend,
    build_client,
    graph_error,
    redact_headers,
    send,
    ssl_context,
)
from bridge._retry import RetryPolicy, RetryTransport
from bridge._version import __version__

URL = "https://graph.example/beta/communications/calls/c1/participants/invite"
TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.secret-token-value"


def response(status: int, body: object = None, **kwargs: object) -> httpx.Response:
    request = httpx.Request("POST", URL)
    if isinstance(body, bytes | str):
        return httpx.Response(status, content=body, request=request, **kwargs)  # type: ignore[arg-type]
    return httpx.Response(status, json=body, request=request, **kwargs)  # type: ignore[arg-type]


def mock_client(handler: object, policy: RetryPolicy | None = None) -> httpx.Client:
    return build_client(
        transport=httpx.MockTransport(handler),  # type: ignore[arg-type]
        retry=policy or RetryPolicy(max_retry=0),
        timeout=2.5,
        connect_timeout=1.5,
    )


# -- the error envelope ------------------------------------------------------------------------


def test_graph_error_reads_the_odata_envelope() -> None:
    body = {
        "error": {
            "code": "8522",
            "message": "Call not found.",
            "innerError": {
                "date": "2021-07-02T01:40:19",
                "request-id": "1a0ffbc0-086f-4e8f-93f9-bf99881c65f6",
                "client-request-id": "225aed2b-cf4a-d456-b313-16ab196c2364",
            },
        }
    }
    error = graph_error(response(404, body, headers={"request-id": "header-id"}))
    assert isinstance(error, GraphError)
    assert error.status == 404
    assert error.code == "8522"
    assert error.message == "Call not found."
    assert error.request_id == "1a0ffbc0-086f-4e8f-93f9-bf99881c65f6"
    assert error.client_request_id == "225aed2b-cf4a-d456-b313-16ab196c2364"
    assert error.date == "2021-07-02T01:40:19"
    assert error.retry_after is None
    assert str(error) == "[8522] Call not found."


def test_graph_error_accepts_lowercase_innererror_and_capital_date() -> None:
    body = {"error": {"code": "x", "message": "m", "innererror": {"Date": "d", "requestId": "r"}}}
    error = graph_error(response(400, body))
    assert (error.date, error.request_id) == ("d", "r")


def test_graph_error_falls_back_to_response_headers() -> None:
    headers = {
        "request-id": "rid",
        "client-request-id": "crid",
        "Date": "Wed, 21 Oct 2015 07:28:00 GMT",
        "Retry-After": "2.128",
    }
    error = graph_error(response(429, {"error": {"code": "TooManyRequests"}}, headers=headers))
    assert error.code == "TooManyRequests"
    assert error.request_id == "rid"
    assert error.client_request_id == "crid"
    assert error.date == "Wed, 21 Oct 2015 07:28:00 GMT"
    assert error.retry_after == 2.128
    assert error.message == "429 Too Many Requests"
    assert error.headers["request-id"] == "rid"


@pytest.mark.parametrize(
    ("status", "body", "code", "message"),
    [
        (502, b"<html><body>Bad   gateway\n</body></html>", "BadGateway", "502 Bad Gateway: "),
        (500, b"", "InternalServerError", "500 Internal Server Error"),
        (503, b'["not", "an", "envelope"]', "ServiceUnavailable", "503 Service Unavailable: "),
        (404, b'{"error": "nope"}', "NotFound", '404 Not Found: {"error": "nope"}'),
    ],
)
def test_graph_error_without_an_envelope(status: int, body: bytes, code: str, message: str) -> None:
    error = graph_error(response(status, body))
    assert error.status == status
    assert error.code == code
    assert error.message.startswith(message)


def test_graph_error_excerpt_is_short_and_on_one_line() -> None:
    error = graph_error(response(500, b"x\n" * 5000))
    assert len(error.message) < 260
    assert "\n" not in error.message


def test_graph_error_drops_cookies_from_headers() -> None:
    error = graph_error(response(400, b"", headers={"Set-Cookie": "session=abc"}))
    assert "set-cookie" not in {k.lower() for k in error.headers}


# -- sending ------------------------------------------------------------------------------------


def test_send_returns_success_and_raises_graph_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/ok"):
            return httpx.Response(200, json={"id": "op"})
        return httpx.Response(403, json={"error": {"code": "Forbidden", "message": "no"}})

    with mock_client(handler) as client:
        ok = send(client, "GET", "https://graph.example/ok", headers={})
        assert ok.json() == {"id": "op"}
        with pytest.raises(GraphError) as info:
            send(client, "POST", URL, headers={}, content=b"{}")
    assert (info.value.status, info.value.code) == (403, "Forbidden")


def test_client_sends_user_agent_and_request_headers() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200)

    with mock_client(handler) as client:
        send(client, "POST", URL, headers={"SdkVersion": SDK_VERSION}, content=b"{}")
    assert seen[0].headers["User-Agent"] == USER_AGENT
    assert USER_AGENT.startswith(f"mgbridge/{__version__} ")
    assert seen[0].headers["SdkVersion"] == f"mgbridge/{__version__}"


def raising(exc: Exception) -> object:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc

    return handler


@pytest.mark.parametrize(
    "exc", [httpx.ReadTimeout("timed out"), httpx.WriteTimeout("timed out")], ids=repr
)
def test_post_timeout_may_have_been_processed(exc: Exception) -> None:
    with mock_client(raising(exc)) as client, pytest.raises(TransportError) as info:
        send(client, "POST", URL, headers={}, content=b"{}")
    error = info.value
    assert error.may_have_been_processed is True
    assert "no response within 2.5 s" in str(error)
    assert "may have processed it" in str(error)
    assert "not retried" in str(error)
    assert isinstance(error.__cause__, httpx.TimeoutException)


def test_post_connection_lost_may_have_been_processed() -> None:
    exc = httpx.RemoteProtocolError("Server disconnected without sending a response.")
    with mock_client(raising(exc)) as client, pytest.raises(TransportError) as info:
        send(client, "POST", URL, headers={}, content=b"{}")
    assert info.value.may_have_been_processed is True
    assert "connection failed after the request was sent" in str(info.value)


@pytest.mark.parametrize(
    ("exc", "text"),
    [
        (httpx.ConnectError("[Errno 111] Connection refused"), "could not connect"),
        (httpx.ConnectTimeout("timed out"), "could not connect within 1.5 s"),
    ],
)
def test_connect_failures_were_not_processed(exc: Exception, text: str) -> None:
    with mock_client(raising(exc)) as client, pytest.raises(TransportError) as info:
        send(client, "POST", URL, headers={}, content=b"{}")
    assert info.value.may_have_been_processed is False
    assert text in str(info.value)


def test_get_timeout_is_not_flagged_as_processed() -> None:
    with mock_client(raising(httpx.ReadTimeout("t"))) as client, pytest.raises(TransportError) as e:
        send(client, "GET", URL, headers={})
    assert e.value.may_have_been_processed is False


def test_transport_error_text_has_no_query_string() -> None:
    with (
        mock_client(raising(httpx.ConnectError("no"))) as client,
        pytest.raises(TransportError) as e,
    ):
        send(client, "GET", URL + "?sig=secret", headers={})
    assert "secret" not in str(e.value)


# -- construction -------------------------------------------------------------------------------


def test_build_client_wraps_a_real_transport_in_retries() -> None:
    with build_client(timeout=30, connect_timeout=10) as client:
        transport = client._transport
        assert isinstance(transport, RetryTransport)
        assert all(isinstance(p, httpx.HTTPTransport) for p in transport.transport._pools)  # type: ignore[attr-defined]
        assert client.timeout.read == 30
        assert client.timeout.connect == 10
        assert client.follow_redirects is False


@pytest.mark.parametrize("content", [None, b'{"clientContext": "caf\\u00e9"}'])
def test_requests_are_built_as_the_client_builds_them(content: bytes | None) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    with build_client(timeout=12, connect_timeout=3) as client:
        for _ in range(2):  # the second time from the parsed-URL cache
            ours = _build_request(client, "POST", URL, headers, content)
            theirs = client.build_request("POST", URL, headers=headers, content=content)
            assert (ours.method, ours.url) == (theirs.method, theirs.url)
            assert list(ours.headers.raw) == list(theirs.headers.raw)
            assert ours.read() == theirs.read()
            assert (
                ours.extensions
                == theirs.extensions
                == {"timeout": {"connect": 3, "read": 12, "write": 12, "pool": 12}}
            )


def test_build_client_with_a_proxy_is_portable() -> None:
    with build_client(proxy="http://proxy.example:3128") as client:
        assert isinstance(client._transport, RetryTransport)


def test_ssl_context_always_verifies(tmp_path: pytest.TempPathFactory) -> None:
    context = ssl_context(None)
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname is True
    assert context.cert_store_stats()["x509_ca"] > 0


def test_ssl_context_honours_ssl_cert_file(monkeypatch: pytest.MonkeyPatch) -> None:
    import certifi

    monkeypatch.setenv("SSL_CERT_FILE", certifi.where())
    assert ssl_context(None).cert_store_stats()["x509_ca"] > 0


# -- redaction and debug logging ---------------------------------------------------------------


def test_redact_headers_keeps_the_scheme_only() -> None:
    shown = redact_headers({"Authorization": f"Bearer {TOKEN}", "Accept": "application/json"})
    assert shown == {"Authorization": "Bearer <redacted>", "Accept": "application/json"}


def test_debug_log_shows_request_and_response_without_secrets(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        body = {"id": "op", "access_token": TOKEN}
        return httpx.Response(200, json=body, headers={"Set-Cookie": f"x={TOKEN}"})

    body = json.dumps({"clientContext": "ctx", "client_secret": "hunter2"}).encode()
    with mock_client(handler) as client, caplog.at_level(logging.DEBUG, logger="bridge"):
        send(client, "POST", URL, headers={"Authorization": f"Bearer {TOKEN}"}, content=body)
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert f"request: POST {URL}" in text
    assert "response: 200 OK" in text
    assert '"clientContext": "ctx"' in text
    assert "Bearer <redacted>" in text
    assert TOKEN not in text
    assert "secret-token-value" not in text
    assert "hunter2" not in text


def test_nothing_is_formatted_when_debug_is_off(monkeypatch: pytest.MonkeyPatch) -> None:
    import bridge._http as http

    def boom(*args: object) -> None:
        raise AssertionError("formatted a log record nobody asked for")

    monkeypatch.setattr(http, "_log_request", boom)
    monkeypatch.setattr(http, "_log_response", boom)
    logging.getLogger("bridge").setLevel(logging.INFO)
    try:
        with mock_client(lambda request: httpx.Response(200)) as client:
            send(client, "POST", URL, headers={}, content=b"{}")
    finally:
        logging.getLogger("bridge").setLevel(logging.NOTSET)


def test_connections_disable_nagle_on_every_httpx() -> None:
    # httpcore 1.x sets TCP_NODELAY itself; before it (httpx 0.23) the backend is wrapped.
    with build_client() as client:
        for pool in client._transport.transport._pools:  # type: ignore[attr-defined]
            assert isinstance(pool._pool._network_backend, _NoDelayBackend) == _NAGLE_ON


def test_no_delay_backend_sets_tcp_nodelay() -> None:
    class Stream:
        def __init__(self) -> None:
            self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)

        def get_extra_info(self, info: str) -> object:
            return self.sock if info == "socket" else None

    class Backend:
        def connect_tcp(self, host: str, port: int) -> Stream:
            return Stream()

        def sleep(self, seconds: float) -> None:
            pass

    backend = _NoDelayBackend(Backend())
    stream = backend.connect_tcp("127.0.0.1", 443)
    with stream.sock:
        assert stream.sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
    assert backend.sleep is not None  # everything else passes through
