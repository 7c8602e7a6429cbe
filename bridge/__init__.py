"""mgbridge: Microsoft Graph call-participant invites from Python and PowerShell."""

from __future__ import annotations

from bridge._exceptions import AuthError, BodyError, BridgeError, GraphError, TransportError
from bridge._version import __version__

__all__ = [
    "AuthError",
    "BodyError",
    "BridgeError",
    "GraphError",
    "TransportError",
    "__version__",
]
