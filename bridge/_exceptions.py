"""The one exception tree of mgbridge.

    BridgeError
    ├── BodyError         the body or a parameter does not fit the Graph schema; nothing was sent
    ├── AuthError         sign-in failed, or there is no usable connection
    ├── GraphError        Graph (or the sandbox) answered with an error status
    └── TransportError    the request could not be completed (connection, timeout)

Every error carries its context as attributes; none carries a secret or a token in its text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class BridgeError(Exception):
    """Base class: raised for every failure mgbridge reports."""

    def to_dict(self) -> dict[str, Any]:
        """The structured form sent across the PowerShell boundary and printed by the CLI."""
        return {"type": type(self).__name__, "message": str(self)}


class BodyError(BridgeError, ValueError):
    """Raised when a body or parameter breaks the schema; raised before anything is sent."""

    def __init__(self, message: str, *, path: str = "", expected: str = "", got: str = "") -> None:
        self.path = path
        self.expected = expected
        self.got = got
        super().__init__(f"{path}: {message}" if path else message)

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "path": self.path, "expected": self.expected, "got": self.got}


class AuthError(BridgeError):
    """Raised when sign-in fails or when a call needs a connection that does not exist."""

    def __init__(self, message: str, *, code: str = "") -> None:
        self.code = code
        super().__init__(message)

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "code": self.code}


class GraphError(BridgeError):
    """Raised when Graph answers with a 4xx or 5xx status (after any retries)."""

    def __init__(
        self,
        message: str,
        *,
        status: int,
        code: str = "",
        request_id: str = "",
        client_request_id: str = "",
        date: str = "",
        retry_after: float | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.status = status
        self.code = code
        self.message = message
        self.request_id = request_id
        self.client_request_id = client_request_id
        self.date = date
        self.retry_after = retry_after
        self.headers = dict(headers or {})
        super().__init__(f"[{code or status}] {message}")

    def to_dict(self) -> dict[str, Any]:
        return {
            **super().to_dict(),
            "status": self.status,
            "code": self.code,
            "graph_message": self.message,
            "request_id": self.request_id,
            "client_request_id": self.client_request_id,
            "date": self.date,
            "retry_after": self.retry_after,
            "headers": self.headers,
        }


class TransportError(BridgeError):
    """Raised when a request could not be completed: connection refused or lost, or a timeout.

    ``may_have_been_processed`` is true when the request had been sent before the failure, so
    Graph may have acted on it; such a request is never retried automatically.
    """

    def __init__(self, message: str, *, may_have_been_processed: bool = False) -> None:
        self.may_have_been_processed = may_have_been_processed
        super().__init__(message)

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "may_have_been_processed": self.may_have_been_processed}
