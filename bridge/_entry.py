"""The narrow boundary the PowerShell module calls: one JSON request in, one JSON reply out.

Both transports use it: in-process (pythonnet calls `dispatch` with the GIL held) and the
process transport (`mgbridge shim --stdio` feeds it one line at a time). A request is
`{"op": NAME, "args": {...}, "env": {...}}`; the reply is `{"ok": true, "result": ...}` or
`{"ok": false, "error": {"type", "message", ...}}`. Nothing raised inside escapes as an exception.

`env` carries the variables of the PowerShell session that Python must see: on Linux, `$env:`
changes made inside pwsh never reach CPython's environment.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import threading
import traceback
from collections.abc import Callable
from typing import Any

from bridge._exceptions import BridgeError
from bridge._version import __version__

Operation = Callable[..., Any]


def _hosting_info() -> dict[str, Any]:
    return {
        "bridge_version": __version__,
        "pid": os.getpid(),
        "executable": sys.executable,
        "python_version": platform.python_version(),
        "thread": threading.get_ident(),
    }


OPERATIONS: dict[str, Operation] = {
    "hosting_info": _hosting_info,
}


def _apply_environment(env: dict[str, str | None]) -> None:
    for name, value in env.items():
        if value is None:
            os.environ.pop(name, None)
        elif os.environ.get(name) != value:
            os.environ[name] = value


def dispatch(request_json: str) -> str:
    """Runs one request and returns its JSON reply; never raises."""
    try:
        request = json.loads(request_json)
        _apply_environment(request.get("env") or {})
        operation = OPERATIONS.get(request["op"])
        if operation is None:
            raise BridgeError(f"Unknown operation {request['op']!r}.")
        result = operation(**(request.get("args") or {}))
        return json.dumps({"ok": True, "result": result})
    except BridgeError as exc:
        return json.dumps({"ok": False, "error": exc.to_dict()})
    except BaseException as exc:  # KeyboardInterrupt from a cancelled call included
        error = {
            "type": type(exc).__name__,
            "message": str(exc) or type(exc).__name__,
            "traceback": traceback.format_exc(),
        }
        return json.dumps({"ok": False, "error": error})
