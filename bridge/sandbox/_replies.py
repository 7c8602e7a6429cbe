"""Graph's answers, shared by the handlers of the Graph side: the error envelope, JSON replies and
reading a request's JSON body."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bridge.sandbox._http import Request, Response, json_response

if TYPE_CHECKING:
    from bridge.sandbox._service import Context

GRAPH_CONTENT_TYPE = (
    "application/json;odata.metadata=minimal;odata.streaming=true;"
    "IEEE754Compatible=false;charset=utf-8"
)
BAD_JSON = (
    "Unable to read JSON request payload. Please ensure Content-Type header is set and payload "
    "is of valid JSON format."
)


class Fail(Exception):
    """Raised by a handler to answer with Graph's error envelope."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


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


def too_many_requests(ctx: Context, headers: list[tuple[str, str]]) -> Response:
    """Graph's throttling answer (graph-invite-spec §5.3); ``headers`` carry any Retry-After."""
    inner = {"code": "429", "message": "Please retry after", "status": "429"}
    return graph_error(
        ctx, 429, "TooManyRequests", "Please retry again later.", headers=headers, inner=inner
    )


def graph_json(status: int, payload: Any, headers: list[tuple[str, str]] | None = None) -> Response:
    return json_response(status, payload, headers, GRAPH_CONTENT_TYPE)


def read_json(request: Request) -> Any:
    """The request's JSON body; raises Fail (400) when it is not declared or not valid JSON."""
    if "json" not in request.headers.get("content-type", "").lower():
        raise Fail(400, "BadRequest", BAD_JSON)
    try:
        return request.json()
    except ValueError:
        raise Fail(400, "BadRequest", BAD_JSON) from None
