"""The sandbox as a background process, for Start-MgBridgeSandbox / Stop-MgBridgeSandbox.

The sandbox outlives the call that starts it, so it runs as its own process (`python -m
bridge.sandbox`), in a new session so that Ctrl+C in the PowerShell window does not stop it.
It is ready when it has written its state file.
"""

from __future__ import annotations

import json
import os
import signal
import ssl
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bridge._exceptions import AuthError, BridgeError

_STARTED: dict[int, subprocess.Popen[bytes]] = {}  # reaped on stop, so no zombie looks alive

# What users see of the state: the secrets stay in the state file.
_SHOWN = ("graph", "authority", "tenant_id", "client_id", "ca_file", "pid")


def _public(state: dict[str, Any], state_file: Path) -> dict[str, Any]:
    return {**{key: state.get(key) for key in _SHOWN}, "state_file": str(state_file)}


def start_sandbox_process(
    *,
    state_file: str | None = None,
    operation_delay_ms: int | None = None,
    port: int | None = None,
    latency_ms: int | None = None,
    jitter_ms: int | None = None,
    token_latency_ms: int | None = None,
    token_jitter_ms: int | None = None,
    throttle_rate: int | None = None,
    timeout: float = 30.0,
) -> dict[str, Any]:
    """Starts a sandbox and waits until it is ready; returns its state without secrets. The
    options not given keep the sandbox's defaults (see ``mgbridge sandbox --help``)."""
    from bridge.sandbox import load_state
    from bridge.sandbox._statefile import state_path

    path = state_path(state_file)
    try:
        running = load_state(path)
    except AuthError:
        running = None
    if running is not None:
        raise BridgeError(
            f"A sandbox already runs (process {running.get('pid')}, state file {path}). Stop it "
            "first, or give another state file."
        )
    command = [sys.executable, "-m", "bridge.sandbox", "--state-file", str(path)]
    options = {
        "--operation-delay-ms": operation_delay_ms,
        "--port": port,
        "--latency": latency_ms,  # a bare number of milliseconds
        "--jitter": jitter_ms,
        "--token-latency": token_latency_ms,
        "--token-jitter": token_jitter_ms,
        "--throttle-rate": throttle_rate,
    }
    for option, value in options.items():
        if value is not None:
            command += [option, str(value)]
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    log_file = path.with_suffix(".log")
    with open(log_file, "ab") as log:
        child = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=log,
            start_new_session=True,
        )
    _STARTED[child.pid] = child
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if child.poll() is not None:
            _STARTED.pop(child.pid, None)
            raise BridgeError(
                f"The sandbox exited with code {child.returncode} while starting; see {log_file}."
            )
        try:
            state = load_state(path)
        except AuthError:
            time.sleep(0.05)
            continue
        if state.get("pid") == child.pid:
            return _public(state, path)
        time.sleep(0.05)
    child.kill()
    child.wait()
    _STARTED.pop(child.pid, None)
    raise BridgeError(f"The sandbox did not become ready within {timeout:g} s; see {log_file}.")


def stop_sandbox_process(state_file: str | None = None, timeout: float = 15.0) -> dict[str, Any]:
    """Stops the sandbox that the state file names (SIGTERM, then SIGKILL); returns its pid."""
    from bridge.sandbox import load_state
    from bridge.sandbox._statefile import state_path

    path = state_path(state_file)
    pid = int(load_state(path)["pid"])
    os.kill(pid, signal.SIGTERM)
    child = _STARTED.pop(pid, None)
    if child is not None:
        try:
            child.wait(timeout)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
    else:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and _alive(pid):
            time.sleep(0.05)
    return {"stopped": pid, "state_file": str(path)}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def admin_request(method: str, path: str, body: Any = None, state_file: str | None = None) -> Any:
    """Calls the sandbox's admin API (`/_sandbox/...`), trusting the sandbox's own CA."""
    import httpx

    from bridge.sandbox import load_state

    if not path.startswith("/_sandbox/"):
        raise BridgeError(f"{path!r} is not a sandbox admin path (/_sandbox/...).")
    state = load_state(state_file)
    context = ssl.create_default_context(cafile=state["ca_file"])
    with httpx.Client(transport=httpx.HTTPTransport(verify=context), trust_env=False) as client:
        response = client.request(
            method.upper(),
            state["graph"].rstrip("/") + path,
            content=None if body is None else json.dumps(body),
            headers={"Content-Type": "application/json"},
        )
    if response.status_code >= 400:
        raise BridgeError(f"The sandbox answered {response.status_code}: {response.text[:500]}")
    return response.json() if response.content else None
