"""Where a running sandbox says how to reach it, and how clients read that."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from bridge._exceptions import AuthError

STATE_ENV = "MGBRIDGE_SANDBOX_STATE"


def state_path(path: str | os.PathLike[str] | None = None) -> Path:
    """``path``, else $MGBRIDGE_SANDBOX_STATE, else $XDG_CONFIG_HOME/mgbridge/sandbox.json."""
    if path:
        return Path(path).expanduser().absolute()
    if os.environ.get(STATE_ENV):
        return Path(os.environ[STATE_ENV]).expanduser().absolute()
    config = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(config) / "mgbridge" / "sandbox.json"


def load_state(path: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """The state of the running sandbox (see ``bridge.sandbox``) to connect to it.

    Raises ``AuthError`` (code ``SandboxNotRunning``) when no sandbox runs: the state file is
    missing or unreadable, or the process that wrote it has exited.
    """
    file = state_path(path)
    start = (
        f"Start one with `mgbridge sandbox` (state file: {file}; set {STATE_ENV} to use another)."
    )
    try:
        state = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AuthError(f"No sandbox is running. {start}", code="SandboxNotRunning") from None
    except (OSError, ValueError) as exc:
        raise AuthError(
            f"The sandbox state file cannot be read ({exc}). {start}", code="SandboxNotRunning"
        ) from None
    if not isinstance(state, dict) or not pid_alive(state.get("pid")):
        raise AuthError(
            f"No sandbox is running: the one that wrote the state file has exited. {start}",
            code="SandboxNotRunning",
        )
    return state


def pid_alive(pid: Any) -> bool:
    if isinstance(pid, bool) or not isinstance(pid, int) or pid <= 0:
        return False
    if os.name == "nt":  # os.kill would end the process there, not probe it
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by someone else
        return True
    return True


def write_state(file: Path, state: dict[str, Any]) -> None:
    """Writes ``file`` atomically with mode 0600 (its folder 0700 when created here)."""
    file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=file.parent, prefix=".sandbox-state-")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(state, f, indent=2)
        f.write("\n")
    os.replace(tmp, file)


def remove_state(file: Path, state: dict[str, Any]) -> None:
    """Removes ``file`` if it still describes ``state``: a newer sandbox may own it now."""
    try:
        current = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    if current == state:
        file.unlink(missing_ok=True)
