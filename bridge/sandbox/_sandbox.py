"""``Sandbox``: runs the sandbox server in a background thread of the current process."""

from __future__ import annotations

import ipaddress
import os
import ssl
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from bridge._exceptions import AuthError
from bridge.sandbox._http import Request, Response, Server
from bridge.sandbox._service import Service
from bridge.sandbox._statefile import load_state, remove_state, state_path, write_state
from bridge.sandbox._tls import load_material, thumbprints
from bridge.sandbox._tokens import GRAPH_ROLE

_WILDCARDS = ("", "0.0.0.0", "::")
_active_state_files: set[Path] = set()  # state files of the sandboxes running in this process
_active_lock = threading.Lock()


class SandboxError(RuntimeError):
    """Raised when a sandbox cannot start: its state file is in use, or its port is taken."""


class Sandbox:
    """A local HTTPS sandbox of Entra ID and the Graph calls API, served from a thread.

    Usage:

        with Sandbox(state_file=tmp / "sandbox.json") as sb:
            sb.create_call("ab6233a5-20b7-4c5e-bea2-ce56c9776429")
            ...  # connect with sb.authority, sb.client_id, sb.client_secret, sb.ca_file

    The options mirror ``mgbridge sandbox`` and the settings (see ``configure``), whose start
    values they are; ``start`` raises ValueError for a bad one. ``state_file`` defaults to
    ``$MGBRIDGE_SANDBOX_STATE``, else ``$XDG_CONFIG_HOME/mgbridge/sandbox.json``; its folder holds
    the CA and the other key material, created once and reused.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        state_file: str | os.PathLike[str] | None = None,
        record: str | os.PathLike[str] | None = None,
        operation_delay_ms: int = 200,
        token_lifetime_s: int = 3600,
        call_setup_delay_ms: int = 200,
        latency_ms: int = 0,
        jitter_ms: int = 0,
        token_latency_ms: int = 0,
        token_jitter_ms: int = 0,
        throttle_rate: int = 0,
    ) -> None:
        self.host = host
        self.state_file = state_path(state_file)
        self._requested_port = port
        self._record_path = Path(record) if record else None
        self._operation_delay_ms = operation_delay_ms
        self._call_setup_delay_ms = call_setup_delay_ms
        self._token_lifetime_s = token_lifetime_s
        self._traffic = {
            "latency_ms": latency_ms,
            "jitter_ms": jitter_ms,
            "token_latency_ms": token_latency_ms,
            "token_jitter_ms": token_jitter_ms,
            "throttle_rate": throttle_rate,
        }
        self._stopping = threading.Event()
        self._server: Server | None = None
        self._thread: threading.Thread | None = None
        self._record_file: IO[str] | None = None
        self._service: Service | None = None
        self._registered = False  # holds its state file in _active_state_files
        self.state: dict[str, Any] = {}

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self) -> Sandbox:
        """Serves until ``stop``; writes the state file once ready."""
        with _active_lock:
            if self.state_file in _active_state_files or _owned_by_live_process(self.state_file):
                raise SandboxError(
                    f"A sandbox already runs with state file {self.state_file}; stop it or choose "
                    "another state file (MGBRIDGE_SANDBOX_STATE)."
                )
            _active_state_files.add(self.state_file)
            self._registered = True
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self) -> None:
        self._stopping.clear()
        url_host = "127.0.0.1" if self.host in _WILDCARDS else self.host
        material = load_material(self.state_file.parent, url_host)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(material.server_file)
        try:
            self._server = Server(self.host, self._requested_port, context, self._dispatch)
        except OSError as exc:
            raise SandboxError(
                f"Cannot listen on {self.host}:{self._requested_port}: {exc}"
            ) from exc
        netloc = f"[{url_host}]" if _is_ipv6(url_host) else url_host
        graph = f"https://{netloc}:{self._server.port}"
        if self._record_path is not None:
            self._record_file = self._record_path.open("a", encoding="utf-8")
        self._service = Service(
            graph=graph,
            material=material,
            operation_delay_ms=self._operation_delay_ms,
            token_lifetime_s=self._token_lifetime_s,
            record_file=self._record_file,
            stopping=self._stopping,
            call_setup_delay_ms=self._call_setup_delay_ms,
            **self._traffic,
        )
        self._service.start()
        tenant = material.tenant
        cert = material.app_certificate
        sha1, sha256 = thumbprints(cert.certificate)
        self.state = {
            "graph": graph,
            "authority": self._service.authority,
            "tenant_id": tenant["tenant_id"],
            "client_id": tenant["client_id"],
            "client_secret": tenant["client_secret"],
            "ca_file": str(material.ca_file),
            "pid": os.getpid(),
            "scope": f"{graph}/.default",
            "token_endpoint": self._service.directory.token_endpoint,
            "admin": f"{graph}/_sandbox",
            "no_role_client_id": tenant["no_role_client_id"],
            "no_role_client_secret": tenant["no_role_client_secret"],
            "certificate_file": str(cert.cert_file),
            "certificate_key_file": str(cert.key_file),
            "certificate_pfx_file": str(cert.pfx_file),
            "certificate_password": cert.password,
            "certificate_thumbprint": sha1,
            "certificate_thumbprint_sha256": sha256,
            "managed_identity_endpoint": f"{graph}/msi/token",
            "managed_identity_header": tenant["managed_identity_header"],
            "managed_identity_client_id": tenant["managed_identity_client_id"],
        }
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"mgbridge-sandbox-{self._server.port}",
            daemon=True,
        )
        self._thread.start()
        write_state(self.state_file, self.state)

    def stop(self) -> None:
        """Stops serving, closes every connection and removes the state file. Idempotent."""
        self._stopping.set()
        if self._server is not None:
            if self._thread is not None:
                self._server.stop()
                self._thread.join()
            else:
                self._server.server_close()
            self._server = self._thread = None
        if self._service is not None:
            self._service.close()
        if self.state:
            remove_state(self.state_file, self.state)
        if self._record_file is not None:
            self._record_file.close()
            self._record_file = None
        if self._registered:
            with _active_lock:
                _active_state_files.discard(self.state_file)
            self._registered = False

    def __enter__(self) -> Sandbox:
        """Starts the sandbox unless ``start`` already did."""
        return self if self._server is not None else self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- what clients need ----------------------------------------------------------------------

    @property
    def graph(self) -> str:
        return str(self.state["graph"])

    @property
    def authority(self) -> str:
        return str(self.state["authority"])

    @property
    def tenant_id(self) -> str:
        return str(self.state["tenant_id"])

    @property
    def client_id(self) -> str:
        return str(self.state["client_id"])

    @property
    def client_secret(self) -> str:
        return str(self.state["client_secret"])

    @property
    def no_role_client_id(self) -> str:
        return str(self.state["no_role_client_id"])

    @property
    def no_role_client_secret(self) -> str:
        return str(self.state["no_role_client_secret"])

    @property
    def ca_file(self) -> str:
        return str(self.state["ca_file"])

    def ssl_context(self) -> ssl.SSLContext:
        """A client context that trusts the sandbox CA."""
        return ssl.create_default_context(cafile=self.ca_file)

    # -- admin ----------------------------------------------------------------------------------

    @property
    def service(self) -> Service:
        if self._service is None:
            raise SandboxError("the sandbox is not running")
        return self._service

    def create_call(
        self,
        call_id: str | None = None,
        *,
        kind: str = "group",
        state: str | None = None,
        participants: list[dict[str, Any]] | None = None,
        direction: str = "outgoing",
        callback_uri: str | None = None,
        source: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Creates a call (``kind`` "group" or "peerToPeer"); each participant is
        ``{"id"?, "identity": identitySet}`` or a bare identity set. An outgoing call is
        "established"; an incoming one (``direction="incoming"``) is "incoming", to answer, reject
        or redirect, and is announced to ``callback_uri`` when that is on this machine. Returns
        the call."""
        return self.service.world.create_call(
            call_id=call_id,
            kind=kind,
            state=state,
            participants=participants,
            direction=direction,
            callback_uri=callback_uri,
            source=source,
        )

    def call(self, call_id: str) -> dict[str, Any] | None:
        """A call with its roster, terminated ones included; None if unknown."""
        return self.service.world.call(call_id, now=time.monotonic(), live=False)

    def requests(self) -> list[dict[str, Any]]:
        """The recorded requests in arrival order (see ``GET /_sandbox/requests``)."""
        return self.service.world.requests()

    def transcript(self) -> list[dict[str, Any]]:
        """The Graph requests received, as transcript entries (see ``GET /_sandbox/transcript``)."""
        return self.service.world.transcript()

    def stats(self) -> dict[str, Any]:
        """Invite counts, in total and per clientContext, the throttled requests and notification
        counts (see ``GET /_sandbox/stats``)."""
        return self.service.stats()

    def notifications(self) -> list[dict[str, Any]]:
        """The notifications delivered or attempted, oldest first (see
        ``GET /_sandbox/notifications``)."""
        return self.service.notifier.deliveries()

    def inject_fault(
        self,
        match: str = "invite",
        status: int | None = None,
        *,
        count: int = 1,
        retry_after: float | None = None,
        delay_ms: int = 0,
        reset: bool = False,
    ) -> dict[str, Any]:
        """The next ``count`` requests matching ``match`` ("invite", "graph", "token", "any") get
        ``status`` (429, 500, 503, 504), a closed connection (``reset``), or, with ``delay_ms``
        alone, their normal answer late."""
        return self.service.add_fault(
            match=match,
            status=status,
            count=count,
            retry_after=retry_after,
            delay_ms=delay_ms,
            reset=reset,
        )

    def reset(self) -> None:
        """Clears calls, operations, requests, faults and added apps; restores the settings."""
        self.service.reset()

    def configure(
        self,
        *,
        token_lifetime_s: int | None = None,
        operation_delay_ms: int | None = None,
        call_setup_delay_ms: int | None = None,
        page_size: int | None = None,
        completed_operations_gone: bool | None = None,
        latency_ms: int | None = None,
        jitter_ms: int | None = None,
        token_latency_ms: int | None = None,
        token_jitter_ms: int | None = None,
        throttle_rate: int | None = None,
    ) -> dict[str, Any]:
        """Changes settings (see ``POST /_sandbox/settings``); returns them all. Graph requests
        are answered after ``latency_ms`` +/- ``jitter_ms``, sign-in requests after
        ``token_latency_ms`` +/- ``token_jitter_ms``; with ``throttle_rate`` above 0, an app
        sending more Graph requests than that in one second gets 429 with Retry-After."""
        return self.service.configure(
            token_lifetime_s=token_lifetime_s,
            operation_delay_ms=operation_delay_ms,
            call_setup_delay_ms=call_setup_delay_ms,
            page_size=page_size,
            completed_operations_gone=completed_operations_gone,
            latency_ms=latency_ms,
            jitter_ms=jitter_ms,
            token_latency_ms=token_latency_ms,
            token_jitter_ms=token_jitter_ms,
            throttle_rate=throttle_rate,
        )

    def issue_token(
        self,
        client_id: str | None = None,
        *,
        lifetime_s: int | None = None,
        roles: list[str] | None = None,
        audience: str | None = None,
        issuer: str | None = None,
        tenant_id: str | None = None,
        foreign_key: bool = False,
    ) -> str:
        """An access token without the token endpoint (default: the default app's); the
        options make bad ones: expired (negative lifetime), for another audience, issuer or
        tenant, without roles, or signed by a key the sandbox does not know."""
        minted = self.service.mint_token(
            client_id=client_id,
            lifetime_s=lifetime_s,
            roles=roles,
            audience=audience,
            issuer=issuer,
            tenant_id=tenant_id,
            foreign_key=foreign_key,
        )
        return str(minted["access_token"])

    def register_certificate(
        self, certificate_pem: str, client_id: str | None = None
    ) -> dict[str, str]:
        """Lets an app (default: the default app) sign in with this certificate; returns its
        thumbprints."""
        return self.service.directory.register_certificate(
            client_id or self.client_id, certificate_pem
        )

    def add_app(
        self,
        *,
        client_id: str | None = None,
        client_secret: str | None = None,
        roles: tuple[str, ...] | None = None,
        certificate_pem: str | None = None,
    ) -> dict[str, Any]:
        """Registers another app (default: a new id and secret, the role
        Calls.InitiateGroupCall.All); returns ``clientId``, ``clientSecret``, ``roles``."""
        return self.service.directory.add_app(
            client_id=client_id,
            client_secret=client_secret,
            roles=(GRAPH_ROLE,) if roles is None else roles,
            certificate_pem=certificate_pem,
        )

    def _dispatch(self, request: Request) -> Response:
        return self.service(request)


def _owned_by_live_process(file: Path) -> bool:
    """True when another running process wrote ``file``."""
    try:
        return bool(load_state(file)["pid"] != os.getpid())
    except AuthError:
        return False


def _is_ipv6(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).version == 6
    except ValueError:
        return False
