"""The admin API under /_sandbox/: no token, loopback clients only, never recorded."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from bridge.sandbox._http import Request, Response, json_response
from bridge.sandbox._tokens import GRAPH_ROLE

if TYPE_CHECKING:
    from bridge.sandbox._service import Context, Service


class _Invalid(Exception):
    pass


def handle(service: Service, request: Request, ctx: Context) -> Response:
    if not request.from_loopback:
        return _error(403, "forbidden", "The admin API answers loopback clients only.")
    parts = tuple(p for p in request.path.split("/")[2:] if p)
    try:
        body = request.json() if request.body.strip() else {}
        if not isinstance(body, dict):
            raise _Invalid("the body must be a JSON object")
        return _dispatch(service, ctx, request.method, parts, body)
    except (_Invalid, ValueError, TypeError) as exc:
        return _error(400, "badRequest", str(exc))


def _dispatch(
    service: Service, ctx: Context, method: str, parts: tuple[str, ...], body: dict[str, Any]
) -> Response:
    world = service.world
    match method, parts:
        case "POST", ("calls",):
            args = _take(
                body,
                id=None,
                kind="group",
                state=None,
                participants=None,
                direction="outgoing",
                callbackUri=None,
                source=None,
            )
            participants = args["participants"]
            if participants is not None and not isinstance(participants, list):
                raise _Invalid("participants must be a list")
            call = world.create_call(
                call_id=args["id"],
                kind=args["kind"],
                state=args["state"],
                participants=participants,
                direction=args["direction"],
                callback_uri=args["callbackUri"],
                source=args["source"],
            )
            return json_response(201, call)
        case "GET", ("calls",):
            return json_response(200, {"value": world.calls(now=ctx.clock)})
        case "GET", ("calls", call_id):
            found = world.call(call_id, now=ctx.clock, live=False)
            if found is None:
                return _error(404, "notFound", f"No call {call_id}.")
            return json_response(200, found)
        case "POST", ("calls", call_id, "contentSharingSessions"):
            session = world.start_content_sharing(call_id, _take(body, id=None)["id"])
            if session is None:
                return _error(404, "notFound", f"No live call {call_id}.")
            return json_response(201, session)
        case "GET", ("requests",):
            return json_response(200, {"value": world.requests()})
        case "GET", ("transcript",):
            lines = "".join(json.dumps(entry) + "\n" for entry in world.transcript())
            return Response(200, lines.encode(), [("Content-Type", "application/x-ndjson")])
        case "GET", ("stats",):
            return json_response(200, service.stats())
        case "GET", ("notifications",):
            return json_response(200, {"value": service.notifier.deliveries()})
        case "POST", ("faults",):
            args = _take(
                body, match="invite", status=None, count=1, retryAfter=None, delayMs=0, reset=False
            )
            fault = service.add_fault(
                match=args["match"],
                status=args["status"],
                count=args["count"],
                retry_after=args["retryAfter"],
                delay_ms=args["delayMs"],
                reset=args["reset"],
            )
            return json_response(201, fault)
        case "GET", ("faults",):
            return json_response(200, {"value": service.faults()})
        case "POST", ("reset",):
            service.reset()
            return Response(204)
        case "GET", ("settings",):
            return json_response(200, service.settings())
        case (("POST" | "PATCH"), ("settings",)):
            args = _take(
                body,
                tokenLifetimeSeconds=None,
                operationDelayMs=None,
                callSetupDelayMs=None,
                pageSize=None,
                completedOperationsGone=None,
                latencyMs=None,
                jitterMs=None,
                tokenLatencyMs=None,
                tokenJitterMs=None,
                throttleRate=None,
            )
            settings = service.configure(
                token_lifetime_s=args["tokenLifetimeSeconds"],
                operation_delay_ms=args["operationDelayMs"],
                call_setup_delay_ms=args["callSetupDelayMs"],
                page_size=args["pageSize"],
                completed_operations_gone=args["completedOperationsGone"],
                latency_ms=args["latencyMs"],
                jitter_ms=args["jitterMs"],
                token_latency_ms=args["tokenLatencyMs"],
                token_jitter_ms=args["tokenJitterMs"],
                throttle_rate=args["throttleRate"],
            )
            return json_response(200, settings)
        case "POST", ("tokens",):
            args = _take(
                body,
                clientId=None,
                lifetimeSeconds=None,
                roles=None,
                audience=None,
                issuer=None,
                tenantId=None,
                foreignKey=False,
            )
            token = service.mint_token(
                client_id=args["clientId"],
                lifetime_s=args["lifetimeSeconds"],
                roles=args["roles"],
                audience=args["audience"],
                issuer=args["issuer"],
                tenant_id=args["tenantId"],
                foreign_key=bool(args["foreignKey"]),
            )
            return json_response(201, token)
        case "POST", ("apps",):
            args = _take(
                body,
                clientId=None,
                clientSecret=None,
                roles=[GRAPH_ROLE],
                certificate=None,
                displayName="sandbox app",
            )
            app = service.directory.add_app(
                client_id=args["clientId"],
                client_secret=args["clientSecret"],
                roles=tuple(args["roles"]),
                certificate_pem=args["certificate"],
                display_name=args["displayName"],
            )
            return json_response(201, app)
        case "POST", ("apps", client_id, "certificates"):
            certificate = _take(body, certificate=None)["certificate"]
            if not isinstance(certificate, str):
                raise _Invalid("certificate (a PEM string) is required")
            if service.directory.app(client_id) is None:
                return _error(404, "notFound", f"No app {client_id}.")
            return json_response(
                201, service.directory.register_certificate(client_id, certificate)
            )
    return _error(404, "notFound", f"No admin endpoint {method} /_sandbox/{'/'.join(parts)}.")


def _take(body: dict[str, Any], **defaults: Any) -> dict[str, Any]:
    """``defaults`` overridden by ``body``; unknown keys are an error, so typos do not pass."""
    unknown = set(body) - set(defaults)
    if unknown:
        raise _Invalid(f"unknown keys: {', '.join(sorted(unknown))}")
    return {**defaults, **body}


def _error(status: int, code: str, message: str) -> Response:
    return json_response(status, {"error": {"code": code, "message": message}})
