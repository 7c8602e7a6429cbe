"""Shared pieces of the reliability runs: a sandbox process and its admin API."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
PWSH = REPO / ".tools" / "pwsh" / "pwsh"
STATE_ENV = "MGBRIDGE_SANDBOX_STATE"


class SandboxProcess:
    """``python -m bridge.sandbox`` in its own process, so that its GIL and memory are not the
    client's; ``admin`` calls its ``/_sandbox/`` API over HTTPS, trusting its CA.

    Usage:
    ```python
    with SandboxProcess(folder) as sb:
        sb.admin("POST", "calls", {})
    ```
    """

    def __init__(self, folder: Path, *, operation_delay_ms: int = 100) -> None:
        self.folder = Path(folder)
        self.state_file = self.folder / "sandbox.json"
        self.log_file = self.folder / "sandbox.log"
        self.operation_delay_ms = operation_delay_ms
        self.state: dict[str, Any] = {}
        self._process: subprocess.Popen[str] | None = None
        self._client: httpx.Client | None = None
        self._lock = threading.Lock()

    def start(self) -> SandboxProcess:
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        command = [
            sys.executable,
            "-m",
            "bridge.sandbox",
            "--state-file",
            str(self.state_file),
            "--operation-delay-ms",
            str(self.operation_delay_ms),
        ]
        with self.log_file.open("ab") as log:
            self._process = subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=log, stdin=subprocess.DEVNULL, text=True
            )
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            self._process.wait(10)
            raise RuntimeError(
                f"the sandbox did not start (exit {self._process.returncode}); see {self.log_file}"
            )
        self.state = json.loads(line)
        import ssl

        context = ssl.create_default_context(cafile=self.state["ca_file"])
        self._client = httpx.Client(
            base_url=self.state["admin"] + "/",
            transport=httpx.HTTPTransport(verify=context),
            timeout=30.0,
            trust_env=False,
        )
        return self

    def stop(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
        process = self._process
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process is not None and process.stdout is not None:
            process.stdout.close()
        self._process = None

    def __enter__(self) -> SandboxProcess:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def pid(self) -> int:
        assert self._process is not None
        return self._process.pid

    def env(self) -> dict[str, str]:
        """The variables that make ``environment="Sandbox"`` find this sandbox."""
        return {STATE_ENV: str(self.state_file)}

    def admin(self, method: str, path: str, body: Any = None) -> Any:
        """One admin call (``path`` below /_sandbox/); raises on an error status."""
        assert self._client is not None, "the sandbox is not running"
        with self._lock:  # one keep-alive connection is plenty for the driver
            response = self._client.request(
                method, path, content=None if body is None else json.dumps(body).encode()
            )
        if response.status_code >= 400:
            raise RuntimeError(
                f"sandbox admin {method} {path}: {response.status_code} {response.text}"
            )
        return response.json() if response.content else None

    def reset(self) -> None:
        self.admin("POST", "reset")

    def create_call(self) -> str:
        return str(self.admin("POST", "calls", {})["id"])

    def stats(self) -> dict[str, Any]:
        return dict(self.admin("GET", "stats"))

    def requests(self) -> list[dict[str, Any]]:
        return list(self.admin("GET", "requests")["value"])

    def invite_records(self) -> list[dict[str, Any]]:
        return [r for r in self.requests() if r.get("kind") == "invite"]

    def settle(self, timeout: float = 30.0) -> None:
        """Waits until every invite the sandbox received has been answered (or reset): slow
        answers keep being processed after the client gave up."""
        deadline = time.monotonic() + timeout
        while True:
            received = self.stats()["invites"]["received"]
            if received == len(self.invite_records()) or time.monotonic() > deadline:
                return
            time.sleep(0.1)


def user_identity(user_id: str) -> dict[str, Any]:
    return {"Identity": {"User": {"Id": user_id}}}


def rss_bytes(pid: int | None = None) -> int:
    """Resident memory of a process (this one by default), from /proc."""
    with open(f"/proc/{pid or os.getpid()}/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE")
