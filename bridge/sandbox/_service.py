"""One sandbox's service: dispatches requests to the identity, Graph and admin sides, applies
injected faults, latency and throttling, records what clients send, and offers the admin
operations to Python."""

from __future__ import annotations

import datetime
import email.utils
import json
import sys
import threading
import time
import traceback
import uuid
from dataclasses import dataclass
from typing import IO, Any
from urllib.parse import parse_qsl

from cryptography.hazmat.primitives.asymmetric import rsa

from bridge.sandbox import _admin, _graph, _identity
from bridge.sandbox._http import Request, Response, json_response
from bridge.sandbox._model import utc_now_iso
from bridge.sandbox._notify import Notifier
from bridge.sandbox._replies import graph_error, too_many_requests
from bridge.sandbox._state import GRAPH_KINDS, Fault, World
from bridge.sandbox._tls import Material
from bridge.sandbox._tokens import GRAPH_ROLE, AadError, App, Directory
from bridge.sandbox._traffic import Latency, Throttle

FAULT_MATCHES = ("invite", "graph", "token", "any")
FAULT_STATUSES = (429, 500, 503, 504)
# Which fault matches apply to each kind of request.
_FAULT_KINDS = {
    "invite": frozenset({"invite", "graph", "any"}),
    "graph": frozenset({"graph", "any"}),
    "token": frozenset({"token", "any"}),
    "managed_identity": frozenset({"token", "any"}),
    "discovery": frozenset({"any"}),
    "keys": frozenset({"any"}),
}
_GRAPH_FAULTS = {
    500: ("generalException", "General exception while processing."),
    503: ("serviceNotAvailable", "The service is temporarily unavailable. Please retry later."),
    504: ("gatewayTimeout", "The gateway timed out. Please retry later."),
}
_REDACTED = "<redacted>"
_SECRET_FORM_FIELDS = ("client_secret", "client_assertion")


@dataclass
class Context:
    """Per-request facts shared by the handlers."""

    request_id: str
    client_request_id: str
    now: float  # wall clock, for tokens
    clock: float  # monotonic, for operation timing
    origin: str
    app_id: str = ""  # the signed-in application, once its token is checked
    throttled: bool = False  # answered 429 by the throttle

    @property
    def http_date(self) -> str:
        return email.utils.formatdate(self.now, usegmt=True)

    @property
    def iso_date(self) -> str:
        return datetime.datetime.fromtimestamp(self.now, datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S")

    @property
    def aad_timestamp(self) -> str:
        return datetime.datetime.fromtimestamp(self.now, datetime.UTC).strftime(
            "%Y-%m-%d %H:%M:%SZ"
        )


class Service:
    """The request handler of one sandbox and the admin operations behind ``/_sandbox/``."""

    def __init__(
        self,
        *,
        graph: str,
        material: Material,
        operation_delay_ms: int,
        token_lifetime_s: int,
        record_file: IO[str] | None,
        stopping: threading.Event,
        call_setup_delay_ms: int = 200,
        latency_ms: int = 0,
        jitter_ms: int = 0,
        token_latency_ms: int = 0,
        token_jitter_ms: int = 0,
        throttle_rate: int = 0,
    ) -> None:
        tenant = material.tenant
        self.graph = graph
        self.tenant_id = tenant["tenant_id"]
        self.client_id = tenant["client_id"]
        self.authority = f"{graph}/{self.tenant_id}"
        self.managed_identity_client_id = tenant["managed_identity_client_id"]
        self.managed_identity_header = tenant["managed_identity_header"]
        self._stopping = stopping
        self._defaults: dict[str, Any] = {
            "token_lifetime_s": token_lifetime_s,
            "operation_delay_ms": operation_delay_ms,
            "call_setup_delay_ms": call_setup_delay_ms,
            "page_size": 100,
            "completed_operations_gone": False,
            "latency_ms": latency_ms,
            "jitter_ms": jitter_ms,
            "token_latency_ms": token_latency_ms,
            "token_jitter_ms": token_jitter_ms,
            "throttle_rate": throttle_rate,
        }
        self.graph_latency = Latency()
        self.identity_latency = Latency()
        self.throttle = Throttle()
        self.directory = Directory(
            tenant_id=self.tenant_id,
            graph=graph,
            authority=self.authority,
            signing_key=material.signing_key,
            token_lifetime_s=token_lifetime_s,
        )
        default_app = App(
            tenant["client_id"], "mgbridge sandbox app", (GRAPH_ROLE,), tenant["client_secret"]
        )
        default_app.add_certificate(material.app_certificate.certificate)
        self.directory.set_builtin_apps(
            [
                default_app,
                App(
                    tenant["no_role_client_id"],
                    "mgbridge sandbox app without roles",
                    (),
                    tenant["no_role_client_secret"],
                ),
                App(self.managed_identity_client_id, "mgbridge sandbox identity", (GRAPH_ROLE,)),
            ]
        )
        self.notifier = Notifier(ca_file=str(material.ca_file))
        self.world = World(
            operation_delay_ms=operation_delay_ms,
            call_setup_delay_ms=call_setup_delay_ms,
            tenant_id=self.tenant_id,
            record_file=record_file,
            notify=self.notifier.submit,
        )
        self.configure(**self._defaults)  # validates the start values too

    def start(self) -> None:
        """Starts the notification sender, which also applies due changes when idle."""
        self.notifier.start(lambda: self.world.settle(time.monotonic()))

    def close(self) -> None:
        self.notifier.close()

    # -- admin operations -----------------------------------------------------------------------

    def reset(self) -> None:
        """Back to the just-started state: no calls, operations, requests, counts, faults, added
        apps or certificates; settings at their start values."""
        self.world.reset()
        self.notifier.reset()
        self.directory.reset()
        self.throttle.reset()
        self.configure(**self._defaults)

    def settings(self) -> dict[str, Any]:
        """The settings, as the admin API shows them."""
        return {
            "tokenLifetimeSeconds": self.directory.token_lifetime_s,
            "operationDelayMs": self.world.operation_delay_ms,
            "callSetupDelayMs": self.world.call_setup_delay_ms,
            "pageSize": self.world.page_size,
            "completedOperationsGone": self.world.completed_operations_gone,
            "latencyMs": self.graph_latency.ms,
            "jitterMs": self.graph_latency.jitter_ms,
            "tokenLatencyMs": self.identity_latency.ms,
            "tokenJitterMs": self.identity_latency.jitter_ms,
            "throttleRate": self.throttle.rate,
        }

    def stats(self) -> dict[str, Any]:
        """Invite and throttling counts (see ``World.stats``) and the notifications sent, failed
        and pending."""
        return {**self.world.stats(), "notifications": self.notifier.stats()}

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
        """Changes settings; each applies to what happens next. Raises ValueError."""
        if token_lifetime_s is not None:
            self.directory.token_lifetime_s = _whole(token_lifetime_s, "tokenLifetimeSeconds", 1)
        if operation_delay_ms is not None:
            self.world.operation_delay_ms = _whole(operation_delay_ms, "operationDelayMs", 0)
        if call_setup_delay_ms is not None:
            self.world.call_setup_delay_ms = _whole(call_setup_delay_ms, "callSetupDelayMs", 0)
        if page_size is not None:
            self.world.page_size = _whole(page_size, "pageSize", 1)
        if completed_operations_gone is not None:
            if not isinstance(completed_operations_gone, bool):
                raise ValueError("completedOperationsGone must be true or false")
            self.world.completed_operations_gone = completed_operations_gone
        self.graph_latency = _latency(
            self.graph_latency, latency_ms, jitter_ms, ("latencyMs", "jitterMs")
        )
        self.identity_latency = _latency(
            self.identity_latency,
            token_latency_ms,
            token_jitter_ms,
            ("tokenLatencyMs", "tokenJitterMs"),
        )
        if throttle_rate is not None:
            self.throttle.rate = _whole(throttle_rate, "throttleRate", 0)
        return self.settings()

    def add_fault(
        self,
        *,
        match: str = "invite",
        status: int | None = None,
        count: int = 1,
        retry_after: float | None = None,
        delay_ms: int = 0,
        reset: bool = False,
    ) -> dict[str, Any]:
        """Queues a fault for the next ``count`` matching requests. Raises ValueError."""
        if match not in FAULT_MATCHES:
            raise ValueError(f"match must be one of {', '.join(FAULT_MATCHES)}")
        if status is not None and status not in FAULT_STATUSES:
            raise ValueError(f"status must be one of {FAULT_STATUSES}")
        if status is None and not reset and not delay_ms:
            raise ValueError("give a status, reset or delayMs")
        if retry_after is not None and (
            isinstance(retry_after, bool)
            or not isinstance(retry_after, int | float)
            or retry_after < 0
        ):
            raise ValueError("retryAfter must be a number of seconds")
        fault = Fault(
            match=match,
            status=status,
            remaining=_whole(count, "count", 1),
            retry_after=retry_after,
            delay_ms=_whole(delay_ms, "delayMs", 0),
            reset=bool(reset),
        )
        self.world.add_fault(fault)
        return _fault_view(fault)

    def faults(self) -> list[dict[str, Any]]:
        return [_fault_view(Fault(**f)) for f in self.world.faults()]

    def mint_token(
        self,
        *,
        client_id: str | None = None,
        lifetime_s: int | None = None,
        roles: list[str] | None = None,
        audience: str | None = None,
        issuer: str | None = None,
        tenant_id: str | None = None,
        foreign_key: bool = False,
    ) -> dict[str, Any]:
        """A token as the token endpoint would issue it, or a bad one for tests: expired
        (negative lifetime), for another audience, issuer or tenant, or signed by another key."""
        key = (
            rsa.generate_private_key(public_exponent=65537, key_size=2048) if foreign_key else None
        )
        token, expires = self.directory.issue(
            client_id or self.client_id,
            now=time.time(),
            lifetime_s=lifetime_s,
            roles=None if roles is None else tuple(roles),
            audience=audience,
            issuer=issuer,
            tenant_id=tenant_id,
            key=key,
        )
        return {"access_token": token, "expires_on": expires}

    # -- requests -------------------------------------------------------------------------------

    def __call__(self, request: Request) -> Response:
        now = time.time()
        request_id = str(uuid.uuid4())
        ctx = Context(
            request_id=request_id,
            client_request_id=request.headers.get("client-request-id") or request_id,
            now=now,
            clock=time.monotonic(),
            origin=self.graph,
        )
        if request.path == "/_sandbox" or request.path.startswith("/_sandbox/"):
            response = self._guarded(_admin.handle, request, ctx)
        else:
            response = self._serve_recorded(request, ctx)
        response.headers += [
            ("request-id", ctx.request_id),
            ("client-request-id", ctx.client_request_id),
            ("Date", ctx.http_date),
        ]
        return response

    def _serve_recorded(self, request: Request, ctx: Context) -> Response:
        routed = _identity.route(request.method, request.path)
        kind, handler = routed or _graph.route(request.method, request.path)
        latency = self.graph_latency if kind in GRAPH_KINDS else self.identity_latency
        entry = self.world.record(_record(request, kind, ctx))
        fault = self.world.take_fault(_FAULT_KINDS[kind])
        response = None
        if fault is not None:
            entry["fault"] = True
            if fault.delay_ms:
                self._stopping.wait(fault.delay_ms / 1000)
            if fault.reset:
                response = Response(0, reset=True)
            elif fault.status is not None:
                response = _fault_response(kind, fault, ctx)
        if response is None:
            response = self._guarded(handler, request, ctx)
        body = entry["body"]
        client_context = body.get("clientContext") if isinstance(body, dict) else None
        status = None if response.reset else response.status
        self.world.finish(entry, status, client_context, throttled=ctx.throttled)
        if latency:
            # In this connection's thread and holding no lock, so other requests go on meanwhile.
            self._stopping.wait(latency.draw_s())
        return response

    def _guarded(self, handler: Any, request: Request, ctx: Context) -> Response:
        try:
            response: Response = handler(self, request, ctx)
        except Exception:
            # A sandbox bug: answer as Graph would, and show the traceback to whoever runs it.
            traceback.print_exc(file=sys.stderr)
            return graph_error(ctx, 500, "generalException", "Unexpected sandbox error.")
        return response


def _whole(value: Any, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be a whole number >= {minimum}")
    return value


def _latency(
    current: Latency, ms: int | None, jitter_ms: int | None, names: tuple[str, str]
) -> Latency:
    """``current`` with the values given, checked, replaced."""
    return Latency(
        current.ms if ms is None else _whole(ms, names[0], 0),
        current.jitter_ms if jitter_ms is None else _whole(jitter_ms, names[1], 0),
    )


def _fault_view(fault: Fault) -> dict[str, Any]:
    return {
        "match": fault.match,
        "status": fault.status,
        "remaining": fault.remaining,
        "retryAfter": fault.retry_after,
        "delayMs": fault.delay_ms,
        "reset": fault.reset,
    }


def _fault_response(kind: str, fault: Fault, ctx: Context) -> Response:
    status = fault.status
    assert status is not None
    headers = []
    if fault.retry_after is not None:
        value = fault.retry_after
        headers.append(("Retry-After", str(int(value)) if value == int(value) else str(value)))
    if kind in ("token", "managed_identity"):
        if kind == "managed_identity":
            response = json_response(status, {"statusCode": status, "message": "Try again later."})
        else:
            error = "temporarily_unavailable" if status in (429, 503, 504) else "server_error"
            response = _identity.aad_error(
                ctx, AadError(status, error, 90033, "A transient error has occurred. Try again.")
            )
        response.headers += headers
        return response
    if status == 429:
        return too_many_requests(ctx, headers)
    code, message = _GRAPH_FAULTS[status]
    return graph_error(ctx, status, code, message, headers=headers)


def _record(request: Request, kind: str, ctx: Context) -> dict[str, Any]:
    headers = dict(request.headers)
    if "authorization" in headers:
        scheme = headers["authorization"].partition(" ")[0]
        headers["authorization"] = f"{scheme} {_REDACTED}"
    if "x-identity-header" in headers:
        headers["x-identity-header"] = _REDACTED
    return {
        "method": request.method,
        "path": request.path,
        "query": request.query,
        "headers": headers,
        "body": _recorded_body(request),
        "status": None,
        "received_at": utc_now_iso(),
        "request_id": ctx.request_id,
        "kind": kind,
    }


def _recorded_body(request: Request) -> Any:
    if not request.body:
        return None
    if "x-www-form-urlencoded" in request.headers.get("content-type", ""):
        form = dict(parse_qsl(request.body.decode("utf-8", "replace"), keep_blank_values=True))
        return {k: _REDACTED if k in _SECRET_FORM_FIELDS else v for k, v in form.items()}
    try:
        return json.loads(request.body)
    except ValueError:
        return None
