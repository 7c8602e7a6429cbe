"""mgbridge: Microsoft Graph call-participant invites from Python and PowerShell.

Usage:
```python
import bridge

with bridge.connect(environment="Sandbox") as session:
    op = session.invite(call_id, body={"Participants": [...], "ClientContext": "..."})
    op = session.wait_operation(op)
    for result in session.invite_many(items, concurrency=32):
        ...
```

From asyncio, ``await bridge.connect_async(...)`` gives an AsyncSession with the same methods,
awaited.
"""

import logging as _logging
from collections.abc import Iterable as _Iterable
from pathlib import Path as _Path
from typing import TYPE_CHECKING as _TYPE_CHECKING
from typing import Any as _Any

from bridge._exceptions import AuthError, BodyError, BridgeError, GraphError, TransportError
from bridge._operation import Operation, PlannedRequest
from bridge._session import Session, connect

if _TYPE_CHECKING:
    from bridge._async_session import AsyncSession, connect_async
    from bridge._bulk import AsyncInviteBatch, InviteBatch, InviteResult
    from bridge._transcript_diff import TranscriptDiff
from bridge._version import __version__

__all__ = [
    "AsyncInviteBatch",
    "AsyncSession",
    "AuthError",
    "BodyError",
    "BridgeError",
    "GraphError",
    "InviteBatch",
    "InviteResult",
    "Operation",
    "PlannedRequest",
    "Session",
    "TransportError",
    "__version__",
    "compare_transcripts",
    "connect",
    "connect_async",
    "read_sdk_debug",
]


def compare_transcripts(
    reference: "str | _Path",
    difference: "str | _Path",
    *,
    ignore: _Iterable[str] = (),
    headers: _Iterable[str] = (),
) -> "TranscriptDiff":
    """Compares two transcripts (JSON Lines of requests, as `connect(record=...)`, the
    sandbox's --record and `read_sdk_debug` write them) request by request.

    Ids in paths, request ids, timestamps and headers that do not change what Graph does are
    ignored by rule; ``ignore`` adds dotted patterns (``body.clientContext``,
    ``body.participants[*].replacesCallId``, ``header.prefer``), ``headers`` adds header names
    to compare. The result's ``equal`` says whether the runs sent the same requests; ``text()``
    and ``to_dict()`` report each difference with its path. Raises BodyError for a file that is
    not a transcript.
    """
    from bridge._transcript_diff import compare

    return compare(reference, difference, ignore=ignore, headers=headers)


def read_sdk_debug(text: str) -> "list[dict[str, _Any]]":
    """The Graph requests in the Microsoft Graph PowerShell SDK's ``-Debug`` output, as
    transcript entries (write each as one JSON line to make a transcript)."""
    from bridge._sdk_debug import read_sdk_debug as read

    return read(text)


# A library does not configure logging; this keeps Python's last-resort handler quiet.
_logging.getLogger("bridge").addHandler(_logging.NullHandler())

# Imported on first use: asyncio and the thread pool are not needed by most callers.
_LAZY = {
    "AsyncInviteBatch": "bridge._bulk",
    "AsyncSession": "bridge._async_session",
    "InviteBatch": "bridge._bulk",
    "InviteResult": "bridge._bulk",
    "connect_async": "bridge._async_session",
}


def __getattr__(name: str) -> _Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'bridge' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(_LAZY[name]), name)
    value.__module__ = "bridge"
    globals()[name] = value
    return value


__locals = locals()
for __name in __all__:
    if not __name.startswith("__") and __name not in _LAZY:
        setattr(__locals[__name], "__module__", "bridge")  # noqa: B010
