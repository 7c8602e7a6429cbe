"""The Graph side of the sandbox: calls, rosters and invite operations under /v1.0 and /beta."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bridge._exceptions import BodyError
from bridge._shape import check_wire_body
from bridge.sandbox._http import Request, Response, json_response
from bridge.sandbox._tokens import GRAPH_ROLE, TokenRejected

if TYPE_CHECKING:
    from bridge.sandbox._service import Context, Service

Handler = Callable[["Service", Request, "Context"], Response]

GRAPH_CONTENT_TYPE = (
    "application/json;odata.metadata=minimal;odata.streaming=true;"
    "IEEE754Compatible=false;charset=utf-8"
)
GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"
_BAD_JSON = (
    "Unable to read JSON request payload. Please ensure Content-Type header is set and payload "
    "is of valid JSON format."
)
_VERSIONED = re.compile(r"^/(v1\.0|beta)(/.*)?$")
_CALLS = re.compile(
    r"^/(communications|app)/calls/([^/]+)"
    r"(?:/(participants|operations)(?:/([^/]+))?)?$"
)
_INVITE_SEGMENTS = ("invite", "microsoft.graph.invite")
# The identity-set slots echoed in responses: the documented examples show these, nulls included.
_ECHO_SLOTS = ("user", "application", "device", "phone")
_ECHO_SLOTS_PSTN = (
    "user",
    "guest",
    "encrypted",
    "onPremises",
    "applicationInstance",
    "application",
    "device",
    "phone",
)


def route(method: str, path: str) -> tuple[str, Handler]:
    """The kind of a Graph request ("invite" or "graph") and its handler."""
    match = _VERSIONED.match(path)
    if match is None:
        segment = path.strip("/").split("/", 1)[0]
        return "graph", functools.partial(_bad_request, message=f"Invalid version: {segment}")
    version, rest = match[1], match[2] or ""
    calls = _CALLS.match(rest)
    if calls is None or (calls[1] == "app" and version != "beta"):
        return "graph", _no_segment(rest.strip("/").split("/", 1)[0] or version)
    _, call_id, collection, item = calls.groups()
    if collection == "participants" and item in _INVITE_SEGMENTS:
        if method != "POST":
            return "graph", _authorized(_method_not_allowed)
        return "invite", _authorized(functools.partial(_invite, version=version, call_id=call_id))
    handler: Handler
    if collection is None:
        handler = functools.partial(_get_call, version=version, call_id=call_id)
    elif collection == "participants" and item is None:
        handler = functools.partial(_get_participants, version=version, call_id=call_id)
    elif collection == "operations" and item is not None:
        handler = functools.partial(_get_operation, version=version, call_id=call_id, op_id=item)
    else:  # a real Graph route the sandbox does not serve
        return "graph", _no_segment(item or collection)
    return "graph", _authorized(handler if method == "GET" else _method_not_allowed)


def _no_segment(segment: str) -> Handler:
    message = f"Resource not found for the segment '{segment}'."
    return _authorized(functools.partial(_bad_request, message=message))


def graph_error(
    ctx: Context,
    status: int,
    code: str,
    message: str,
    *,
    headers: list[tuple[str, str]] | None = None,
    inner: dict[str, str] | None = None,
) -> Response:
    """Graph's error envelope (graph-invite-spec §5.1)."""
    inner_error = {
        **(inner or {}),
        "date": ctx.iso_date,
        "request-id": ctx.request_id,
        "client-request-id": ctx.client_request_id,
    }
    return json_response(
        status, {"error": {"code": code, "message": message, "innerError": inner_error}}, headers
    )


def _authorized(handler: Handler) -> Handler:
    """Checks the bearer token and the role before ``handler`` runs."""

    def check(service: Service, request: Request, ctx: Context) -> Response:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            return _unauthorized(service, ctx, "Access token is empty.", token_sent=False)
        try:
            claims = service.directory.check_access_token(token, now=ctx.now)
        except TokenRejected as exc:
            return _unauthorized(service, ctx, str(exc), token_sent=True)
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


def _call_not_found(ctx: Context) -> Response:
    return graph_error(ctx, 404, "8522", "Call not found.")


def _invite(
    service: Service, request: Request, ctx: Context, *, version: str, call_id: str
) -> Response:
    if "json" not in request.headers.get("content-type", "").lower():
        return graph_error(ctx, 400, "BadRequest", _BAD_JSON)
    try:
        body = request.json()
    except ValueError:
        return graph_error(ctx, 400, "BadRequest", _BAD_JSON)
    try:
        if not isinstance(body, dict):
            raise BodyError("the body must be a JSON object", expected="object")
        check_wire_body(body, version)
    except BodyError as exc:
        return graph_error(ctx, 400, "BadRequest", str(exc))
    op = service.world.invite(call_id, body, now=ctx.clock)
    if op is None:
        return _call_not_found(ctx)
    multi = op.mode == "invite" and len(op.participants) > 1
    payload = {
        "@odata.context": f"{service.graph}/{version}/$metadata"
        "#microsoft.graph.inviteParticipantsOperation",
        **_operation(op.id, "Running", op.client_context, None),
        "participants": [_echo_participant(p, multi=multi) for p in op.participants],
    }
    location = f"{service.graph}/{version}/communications/calls/{call_id}/operations/{op.id}"
    return json_response(200, payload, [("Location", location)], GRAPH_CONTENT_TYPE)


def _get_call(
    service: Service, request: Request, ctx: Context, *, version: str, call_id: str
) -> Response:
    call = service.world.call(call_id, now=ctx.clock, roster=False)
    if call is None:
        return _call_not_found(ctx)
    group = call["kind"] == "group"
    compact = call_id.replace("-", "")
    payload = {
        "@odata.context": f"{service.graph}/{version}/$metadata#communications/calls/$entity",
        "@odata.type": "#microsoft.graph.call",
        "id": call_id,
        "state": call["state"],
        "direction": "outgoing",
        "callbackUri": "https://bot.contoso.com/api/calls",
        "callChainId": call_id,
        "tenantId": service.tenant_id,
        "requestedModalities": ["audio"],
        "resultInfo": None,
        "chatInfo": {
            "@odata.type": "#microsoft.graph.chatInfo",
            "threadId": f"19:meeting_{compact}@thread.v2",
            "messageId": "0",
            "replyChainMessageId": None,
        }
        if group
        else None,
    }
    return json_response(200, payload, content_type=GRAPH_CONTENT_TYPE)


def _get_participants(
    service: Service, request: Request, ctx: Context, *, version: str, call_id: str
) -> Response:
    call = service.world.call(call_id, now=ctx.clock)
    if call is None:
        return _call_not_found(ctx)
    payload = {
        "@odata.context": f"{service.graph}/{version}/$metadata"
        f"#communications/calls('{call_id}')/participants",
        "value": call["participants"],
    }
    return json_response(200, payload, content_type=GRAPH_CONTENT_TYPE)


def _get_operation(
    service: Service, request: Request, ctx: Context, *, version: str, call_id: str, op_id: str
) -> Response:
    if service.world.call(call_id, now=ctx.clock, roster=False) is None:
        return _call_not_found(ctx)
    op = service.world.operation(call_id, op_id, now=ctx.clock)
    if op is None:
        return graph_error(ctx, 404, "itemNotFound", f"Operation {op_id} was not found.")
    payload = {
        "@odata.context": f"{service.graph}/{version}/$metadata"
        f"#communications/calls('{call_id}')/operations/$entity",
        **_operation(op.id, op.status, op.client_context, op.result_info),
        "participants": [
            _echo_participant(p, multi=op.mode == "invite" and len(op.participants) > 1)
            for p in op.participants
        ],
    }
    return json_response(200, payload, content_type=GRAPH_CONTENT_TYPE)


def _operation(
    op_id: str, status: str, client_context: Any, result_info: dict[str, Any] | None
) -> dict[str, Any]:
    return {
        "@odata.type": "#microsoft.graph.inviteParticipantsOperation",
        "id": op_id,
        "status": status,
        "clientContext": client_context,
        "resultInfo": result_info,
    }


def _echo_participant(participant: dict[str, Any], *, multi: bool) -> dict[str, Any]:
    """A participant as the documented responses echo it (graph-invite-spec §3.3)."""
    echo: dict[str, Any] = {
        "endpointType": participant.get("endpointType"),
        "id": None,
        # Multi-participant responses null replacesCallId (v1.0 and beta Example 2).
        "replacesCallId": None if multi else participant.get("replacesCallId"),
    }
    for key, value in participant.items():
        if key not in echo and key not in ("@odata.type", "identity"):
            echo[key] = value
    identity = participant.get("identity") or {}
    slots = _ECHO_SLOTS_PSTN if identity.get("phone") else _ECHO_SLOTS
    echoed = {slot: identity.get(slot) for slot in slots}
    echoed.update({k: v for k, v in identity.items() if k not in echoed and k != "@odata.type"})
    echo["identity"] = echoed
    return echo
