"""The Entra ID side of the sandbox: OIDC discovery, signing keys, the client-credentials token
endpoint and an App Service style managed-identity endpoint."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

from bridge.sandbox._http import Request, Response, json_response
from bridge.sandbox._tokens import AadError

if TYPE_CHECKING:
    from bridge.sandbox._service import Context, Service

Handler = Callable[["Service", Request, "Context"], Response]

MANAGED_IDENTITY_PATH = "/msi/token"
_TENANT_PATHS = {
    ("GET", "v2.0/.well-known/openid-configuration"): "discovery",
    ("GET", ".well-known/openid-configuration"): "discovery",
    ("GET", "discovery/v2.0/keys"): "keys",
    ("POST", "oauth2/v2.0/token"): "token",
}
_TENANT_PATH = re.compile(r"^/([^/]+)/(.+)$")


def route(method: str, path: str) -> tuple[str, Handler] | None:
    """The kind of an identity request and its handler; None for other paths."""
    if path == MANAGED_IDENTITY_PATH and method == "GET":
        return "managed_identity", _managed_identity
    match = _TENANT_PATH.match(path)
    kind = match and _TENANT_PATHS.get((method, match[2]))
    if match is None or kind is None:
        return None
    handler = {"discovery": _discovery, "keys": _keys, "token": _token}[kind]
    return kind, functools.partial(_in_tenant, handler, tenant=match[1])


def aad_error(ctx: Context, error: AadError) -> Response:
    """Entra's error body: ``error``, ``error_description`` with AADSTS code and trace ids."""
    description = (
        f"AADSTS{error.code}: {error}\r\nTrace ID: {ctx.request_id}\r\n"
        f"Correlation ID: {ctx.client_request_id}\r\nTimestamp: {ctx.aad_timestamp}"
    )
    return json_response(
        error.status,
        {
            "error": error.error,
            "error_description": description,
            "error_codes": [error.code],
            "timestamp": ctx.aad_timestamp,
            "trace_id": ctx.request_id,
            "correlation_id": ctx.client_request_id,
            "error_uri": f"{ctx.origin}/error?code={error.code}",
        },
        [("x-ms-request-id", ctx.request_id)],
    )


def _in_tenant(
    handler: Handler, service: Service, request: Request, ctx: Context, *, tenant: str
) -> Response:
    if tenant != service.tenant_id:
        return aad_error(
            ctx,
            AadError(
                400,
                "invalid_request",
                90002,
                f"Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID "
                "and are signing into the correct cloud.",
            ),
        )
    return handler(service, request, ctx)


def _discovery(service: Service, request: Request, ctx: Context) -> Response:
    return json_response(200, service.directory.discovery())


def _keys(service: Service, request: Request, ctx: Context) -> Response:
    return json_response(200, service.directory.jwks())


def _token(service: Service, request: Request, ctx: Context) -> Response:
    form = dict(parse_qsl(request.body.decode("utf-8", "replace"), keep_blank_values=True))
    try:
        answer = service.directory.client_credentials(form, now=ctx.now)
    except AadError as exc:
        return aad_error(ctx, exc)
    return json_response(200, answer, [("x-ms-request-id", ctx.request_id)])


def _managed_identity(service: Service, request: Request, ctx: Context) -> Response:
    status, payload = service.directory.managed_identity(
        request.query,
        request.headers.get("x-identity-header"),
        expected_header=service.managed_identity_header,
        mi=service.managed_identity_client_id,
        now=ctx.now,
    )
    return json_response(status, payload)
