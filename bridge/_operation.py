"""The results of an invite: the Graph operation it created, or the request it would send."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["FINAL_STATUSES", "Operation", "PlannedRequest"]

# Graph writes operation statuses in either casing ("Running" in responses, "completed" in
# notifications), so they are compared case-insensitively.
FINAL_STATUSES = frozenset({"completed", "failed"})


class Operation:
    """An inviteParticipantsOperation (a commsOperation) as Graph returned it.

    Usage:
    ```python
    op = session.invite(call_id, body=params)
    op.id, op.status, op.participants
    op = session.wait_operation(call_id, op.id)
    ```

    The attributes read the Graph JSON, which ``to_dict()`` returns whole (unknown keys included).
    ``response_headers`` holds the headers of the response that carried it (case-insensitive).
    """

    __slots__ = ("_data", "api_version", "call_id", "location", "response_headers")

    def __init__(
        self,
        data: dict[str, Any],
        *,
        call_id: str = "",
        api_version: str = "beta",
        location: str = "",
        response_headers: Mapping[str, str] | None = None,
    ) -> None:
        self._data = data  # freshly parsed JSON: owned, not copied
        self.call_id = call_id
        self.api_version = api_version
        self.location = location
        self.response_headers: Mapping[str, str] = response_headers or {}

    @property
    def id(self) -> str | None:
        return self._data.get("id")

    @property
    def status(self) -> str | None:
        """``notStarted``, ``running``, ``completed`` or ``failed``, in the casing Graph used."""
        return self._data.get("status")

    @property
    def done(self) -> bool:
        """True once the status is completed or failed (no further notifications follow)."""
        status = self.status
        return isinstance(status, str) and status.lower() in FINAL_STATUSES

    @property
    def client_context(self) -> str | None:
        return self._data.get("clientContext")

    @property
    def result_info(self) -> dict[str, Any] | None:
        """``{"code", "subcode", "message"}``; Graph fills it once the operation has finished."""
        return self._data.get("resultInfo")

    @property
    def participants(self) -> list[dict[str, Any]]:
        return self._data.get("participants") or []

    def to_dict(self) -> dict[str, Any]:
        """The Graph JSON of the operation (a copy of the top level)."""
        return dict(self._data)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Operation) and other._data == self._data

    __hash__ = None  # type: ignore[assignment]  # mutable content, like a dict

    def __repr__(self) -> str:
        return f"Operation(id={self.id!r}, status={self.status!r})"


@dataclass(frozen=True)
class PlannedRequest:
    """The request an invite would send (``what_if=True``); nothing was sent.

    ``headers`` are those of the real request with the Authorization value redacted (no token is
    acquired for a plan); ``body`` is the exact JSON that would go on the wire.
    """

    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] | None = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"method": self.method, "url": self.url, "headers": self.headers, "body": self.body}
