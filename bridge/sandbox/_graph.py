"""The Graph side of the sandbox: routes /v1.0 and /beta requests to the calls family's handlers
(``_calls``, ``_actions``) after checking the token and its role."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from bridge.sandbox import _calls, _routes
from bridge.sandbox._http import Request, Response
from bridge.sandbox._replies import graph_error, too_many_requests
from bridge.sandbox._tokens import GRAPH_ROLE, TokenRejected

if TYPE_CHECKING:
    from bridge.sandbox._service import Context, Service

Handler = Callable[["Service", Request, "Context"], Response]

GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"
_VERSIONED = re.compile(r"^/(v1\.0|beta)(/.*)?$")


def route(method: str, path: str) -> tuple[str, Handler]:
    """The kind of a Graph request ("invite" or "graph") and its handler."""
    match = _VERSIONED.match(path)
    if match is None:
        segment = path.strip("/").split("/", 1)[0]
        return "graph", functools.partial(_bad_request, message=f"Invalid version: {segment}")
    version = match[1]
    found = _routes.find(version, match[2] or "")
    if isinstance(found, str):
        message = f"Resource not found for the segment '{found or version}'."
        return "graph", _authorized(functools.partial(_bad_request, message=message))
    command = found.commands.get(method)
    if command is None:
        return "graph", _authorized(_method_not_allowed)
    kind = "invite" if command.variant == "Invite" else "graph"
    handler = functools.partial(_calls.handle, version=version, route=found, method=method)
    return kind, _authorized(handler)


def _authorized(handler: Handler) -> Handler:
    """Checks the bearer token, the app's request rate and the role before ``handler`` runs."""

    def check(service: Service, request: Request, ctx: Context) -> Response:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            return _unauthorized(service, ctx, "Access token is empty.", token_sent=False)
        try:
            claims = service.directory.check_access_token(token, now=ctx.now)
        except TokenRejected as exc:
            return _unauthorized(service, ctx, str(exc), token_sent=True)
        ctx.app_id = str(claims.get("appid") or claims.get("azp") or "")
        retry_after = service.throttle.admit(ctx.app_id)
        if retry_after is not None:
            ctx.throttled = True
            return too_many_requests(ctx, [("Retry-After", str(retry_after))])
        if GRAPH_ROLE not in claims.get("roles", ()):
            return graph_error(
                ctx,
                403,
                "accessDenied",
                f"The application does not have the application permission {GRAPH_ROLE}.",
            )
        return handler(service, request, ctx)

    return check


def _unauthorized(service: Service, ctx: Context, message: str, *, token_sent: bool) -> Response:
    challenge = (
        f'Bearer realm="", authorization_uri="{service.authority}/oauth2/v2.0/authorize", '
        f'client_id="{GRAPH_APP_ID}"'
    )
    if token_sent:
        challenge += f', error="invalid_token", error_description="{message}"'
    return graph_error(
        ctx, 401, "InvalidAuthenticationToken", message, headers=[("WWW-Authenticate", challenge)]
    )


def _bad_request(service: Service, request: Request, ctx: Context, *, message: str) -> Response:
    return graph_error(ctx, 400, "BadRequest", message)


def _method_not_allowed(service: Service, request: Request, ctx: Context) -> Response:
    return graph_error(
        ctx, 405, "BadRequest", f"The HTTP method '{request.method}' is not allowed here."
    )
