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

from bridge._exceptions import AuthError, BodyError, BridgeError, GraphError, TransportError
from bridge._operation import Operation, PlannedRequest
from bridge._session import Session, connect
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
    "connect",
]

# A library does not configure logging; this keeps Python's last-resort handler quiet.
_logging.getLogger("bridge").addHandler(_logging.NullHandler())

__locals = locals()
for __name in __all__:
    if not __name.startswith("__"):
        setattr(__locals[__name], "__module__", "bridge")  # noqa: B010
