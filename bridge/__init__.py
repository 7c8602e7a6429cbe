"""mgbridge: Microsoft Graph call-participant invites from Python and PowerShell.

Usage:
```python
import bridge

with bridge.connect(environment="Sandbox") as session:
    op = session.invite(call_id, body={"Participants": [...], "ClientContext": "..."})
    op = session.wait_operation(op)
```
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
    from bridge._transcript_diff import TranscriptDiff
from bridge._version import __version__

__all__ = [
    "AuthError",
    "BodyError",
    "BridgeError",
    "GraphError",
    "Operation",
    "PlannedRequest",
    "Session",
    "TransportError",
    "__version__",
    "compare_transcripts",
    "connect",
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

__locals = locals()
for __name in __all__:
    if not __name.startswith("__"):
        setattr(__locals[__name], "__module__", "bridge")  # noqa: B010
