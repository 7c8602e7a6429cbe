"""A small HTTP/1.1 server over TLS: a thread per connection, keep-alive, clean shutdown.

The stdlib's ``BaseHTTPRequestHandler`` parses headers with the email package; this reads them
directly, which roughly doubles the request rate a sandbox can serve.
"""

from __future__ import annotations

import contextlib
import http
import ipaddress
import json
import socket
import socketserver
import ssl
import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any, cast
from urllib.parse import parse_qsl, unquote, urlsplit

_MAX_LINE = 65536
_MAX_HEADERS = 100
_MAX_BODY = 4 * 1024 * 1024
_HANDSHAKE_TIMEOUT_S = 10
_TCP_QUICKACK: int | None = getattr(socket, "TCP_QUICKACK", None)  # Linux only


@dataclass
class Request:
    method: str
    path: str  # percent-decoded, without the query
    query: dict[str, str]
    headers: dict[str, str]  # names in lower case
    body: bytes
    client: str  # the peer's address

    def json(self) -> Any:
        """The body as JSON; raises ValueError."""
        return json.loads(self.body)

    @property
    def from_loopback(self) -> bool:
        try:
            return ipaddress.ip_address(self.client.split("%", 1)[0]).is_loopback
        except ValueError:
            return False


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)
    reset: bool = False  # close the connection abruptly instead of answering


def json_response(
    status: int,
    payload: Any,
    headers: list[tuple[str, str]] | None = None,
    content_type: str = "application/json",
) -> Response:
    return Response(
        status,
        json.dumps(payload).encode(),
        [("Content-Type", content_type), *(headers or [])],
    )


class _BadRequest(Exception):
    def __init__(self, status: int) -> None:
        self.status = status
        super().__init__(status)


class Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    """Serves ``app`` (a Request -> Response function) on ``host``:``port`` over TLS."""

    allow_reuse_address = True
    # socketserver's default backlog of 5 drops the SYNs of a client opening many connections at
    # once (a bulk invite), which then wait a whole second for the retransmission.
    request_queue_size = socket.SOMAXCONN
    daemon_threads = False
    block_on_close = True  # server_close joins the connection threads

    def __init__(
        self,
        host: str,
        port: int,
        context: ssl.SSLContext,
        app: Callable[[Request], Response],
    ) -> None:
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._context = context
        self._app = app
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        self._stopping = False
        super().__init__((host, port), _NoHandler)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def stop(self) -> None:
        """Stops accepting, ends open connections and joins every thread."""
        self._stopping = True
        self.shutdown()
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            # The socket-level shutdown wakes a thread blocked reading, TLS or not.
            with contextlib.suppress(OSError):
                socket.socket.shutdown(connection, socket.SHUT_RDWR)
        self.server_close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Broken connections are the client's business; nothing to report."""

    def finish_request(self, request: Any, client_address: Any) -> None:
        self._track(request, None)
        try:
            request.settimeout(_HANDSHAKE_TIMEOUT_S)
            connection = self._context.wrap_socket(request, server_side=True)
        except (OSError, ssl.SSLError):
            self._track(None, request)
            return  # failed handshake: e.g. a client that does not trust the sandbox CA
        self._track(connection, request)
        try:
            connection.settimeout(None)
            connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if not self._stopping:
                self._serve(connection, str(client_address[0]))
        except (OSError, ssl.SSLError):
            pass
        finally:
            self._track(None, connection)
            connection.close()

    def _track(self, add: socket.socket | None, remove: socket.socket | None) -> None:
        with self._connections_lock:
            if remove is not None:
                self._connections.discard(remove)
            if add is not None:
                self._connections.add(add)

    def _serve(self, connection: ssl.SSLSocket, client: str) -> None:
        rfile = cast("IO[bytes]", connection.makefile("rb", buffering=_MAX_LINE))
        try:
            while not self._stopping:
                if _TCP_QUICKACK is not None:
                    # Clients that send headers and body in two writes without TCP_NODELAY
                    # (httpx 0.23) wait for the ACK of the first; a delayed ACK costs 40 ms.
                    connection.setsockopt(socket.IPPROTO_TCP, _TCP_QUICKACK, 1)
                try:
                    parsed = _read_request(rfile, client)
                except _BadRequest as exc:
                    connection.sendall(_render(Response(exc.status), keep_alive=False))
                    return
                if parsed is None:
                    return
                request, keep_alive = parsed
                response = self._app(request)
                if response.reset:
                    # SO_LINGER 0: close sends a TCP reset, as a dropped connection would.
                    connection.setsockopt(
                        socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                    )
                    return
                connection.sendall(_render(response, keep_alive))
                if not keep_alive:
                    return
        finally:
            rfile.close()


class _NoHandler(socketserver.BaseRequestHandler):
    """Unused: Server.finish_request serves connections itself."""


def _read_request(rfile: IO[bytes], client: str) -> tuple[Request, bool] | None:
    line = rfile.readline(_MAX_LINE + 1)
    while line in (b"\r\n", b"\n"):
        line = rfile.readline(_MAX_LINE + 1)
    if not line:
        return None
    parts = line.decode("latin-1").split()
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        raise _BadRequest(400)
    method, target, version = parts
    headers: dict[str, str] = {}
    while True:
        raw = rfile.readline(_MAX_LINE + 1)
        if raw in (b"\r\n", b"\n", b""):
            break
        name, sep, value = raw.decode("latin-1").partition(":")
        if not sep or len(headers) >= _MAX_HEADERS:
            raise _BadRequest(400)
        name = name.strip().lower()
        value = value.strip()
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    if "chunked" in headers.get("transfer-encoding", "").lower():
        body = _read_chunked(rfile)
    else:
        try:
            length = int(headers.get("content-length", "0"))
        except ValueError:
            raise _BadRequest(400) from None
        if length > _MAX_BODY:
            raise _BadRequest(413)
        body = rfile.read(length)
        if len(body) < length:
            return None
    connection = headers.get("connection", "").lower()
    keep_alive = "close" not in connection and (version == "HTTP/1.1" or "keep-alive" in connection)
    url = urlsplit(target)
    query = dict(parse_qsl(url.query, keep_blank_values=True))
    return Request(method, unquote(url.path), query, headers, body, client), keep_alive


def _read_chunked(rfile: IO[bytes]) -> bytes:
    chunks: list[bytes] = []
    total = 0
    while True:
        try:
            size = int(rfile.readline(_MAX_LINE + 1).split(b";", 1)[0], 16)
        except ValueError:
            raise _BadRequest(400) from None
        if size == 0:
            while rfile.readline(_MAX_LINE + 1) not in (b"\r\n", b"\n", b""):
                pass  # trailers
            return b"".join(chunks)
        total += size
        if total > _MAX_BODY:
            raise _BadRequest(413)
        chunks.append(rfile.read(size))
        rfile.readline(_MAX_LINE + 1)


def _render(response: Response, keep_alive: bool) -> bytes:
    status = response.status
    lines = [f"HTTP/1.1 {status} {http.HTTPStatus(status).phrase}"]
    lines += [f"{name}: {value}" for name, value in response.headers]
    lines.append(f"Content-Length: {len(response.body)}")
    if not keep_alive:
        lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + response.body
