"""The sandbox as a process: `python -m bridge.sandbox` (what `mgbridge sandbox` runs), its
state file, signals, load_state, key material reuse, and the benchmark script."""

from __future__ import annotations

import json
import os
import signal
import socket
import stat
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from bridge import AuthError
from bridge.sandbox import STATE_ENV, Sandbox, SandboxError, load_state

ROOT = Path(__file__).resolve().parents[2]
STATE_KEYS = {
    "graph",
    "authority",
    "tenant_id",
    "client_id",
    "client_secret",
    "ca_file",
    "pid",
    "no_role_client_id",
    "no_role_client_secret",
    "managed_identity_endpoint",
    "managed_identity_header",
}


@contextmanager
def sandbox_process(
    *args: str, env: dict[str, str] | None = None
) -> Iterator[tuple[subprocess.Popen[str], dict[str, Any]]]:
    command = [sys.executable, "-m", "bridge.sandbox", *args]
    with subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    ) as process:
        try:
            assert process.stdout is not None
            line = process.stdout.readline()
            assert line, process.communicate()[1]
            yield process, json.loads(line)
        finally:
            if process.poll() is None:
                process.kill()


def mode(path: str | Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_it_runs_in_the_foreground_and_stops_cleanly(tmp_path: Path, signum: int) -> None:
    state_file = tmp_path / "state" / "sandbox.json"
    with sandbox_process("--state-file", str(state_file), "--port", "0") as (process, printed):
        assert set(printed) >= STATE_KEYS
        assert printed["pid"] == process.pid
        assert printed["graph"].startswith("https://127.0.0.1:")
        assert printed["authority"] == f"{printed['graph']}/{printed['tenant_id']}"
        assert load_state(state_file) == printed
        assert mode(state_file) == 0o600 and mode(state_file.parent) == 0o700
        for name in ("ca_file", "certificate_key_file", "certificate_pfx_file"):
            assert mode(printed[name]) == 0o600
        assert mode(state_file.parent / "sandbox-ca-key.pem") == 0o600
        with httpx.Client(verify=_trust(printed)) as client:
            assert client.get(f"{printed['authority']}/v2.0/.well-known/openid-configuration")
        process.send_signal(signum)
        assert process.wait(timeout=30) == 0
    assert not state_file.exists()
    with pytest.raises(AuthError) as info:
        load_state(state_file)
    assert info.value.code == "SandboxNotRunning"


def test_the_state_file_follows_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    named = tmp_path / "named.json"
    with sandbox_process(env={STATE_ENV: str(named)}) as (process, printed):
        monkeypatch.setenv(STATE_ENV, str(named))
        assert load_state() == printed
        process.terminate()
    monkeypatch.delenv(STATE_ENV)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    with sandbox_process(env={"XDG_CONFIG_HOME": str(tmp_path / "config"), STATE_ENV: ""}) as (
        process,
        printed,
    ):
        assert (tmp_path / "config" / "mgbridge" / "sandbox.json").exists()
        assert load_state() == printed
        process.terminate()


def test_one_state_file_one_sandbox(tmp_path: Path) -> None:
    state_file = tmp_path / "sandbox.json"
    with sandbox_process("--state-file", str(state_file)) as (process, printed):
        with pytest.raises(SandboxError, match="already runs"):
            Sandbox(state_file=state_file).start()
        second = subprocess.run(
            [sys.executable, "-m", "bridge.sandbox", "--state-file", str(state_file)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert second.returncode == 1 and "already runs" in second.stderr
        assert load_state(state_file) == printed
        process.terminate()


@pytest.mark.parametrize(
    "content", ["", "{broken", json.dumps({"pid": 0}), json.dumps({"pid": 2**22 + 12345})]
)
def test_load_state_says_when_no_sandbox_runs(tmp_path: Path, content: str) -> None:
    state_file = tmp_path / "sandbox.json"
    state_file.write_text(content)
    with pytest.raises(AuthError, match="mgbridge sandbox") as info:
        load_state(state_file)
    assert info.value.code == "SandboxNotRunning"


def test_key_material_is_created_once_per_folder(tmp_path: Path) -> None:
    with Sandbox(state_file=tmp_path / "one.json") as first:
        ca = Path(first.ca_file).read_bytes()
        with Sandbox(state_file=tmp_path / "two.json") as second:
            assert Path(second.ca_file).read_bytes() == ca
            assert second.graph != first.graph
    with Sandbox(state_file=tmp_path / "one.json") as again:
        assert Path(again.ca_file).read_bytes() == ca
        assert (again.client_id, again.client_secret) == (first.client_id, first.client_secret)


def test_ipv6_loopback(tmp_path: Path) -> None:
    if not socket.has_ipv6:
        pytest.skip("no IPv6")
    try:
        sandbox = Sandbox(host="::1", state_file=tmp_path / "v6.json").start()
    except SandboxError:
        pytest.skip("no IPv6 loopback here")
    with sandbox:
        assert sandbox.graph.startswith("https://[::1]:")
        with httpx.Client(verify=sandbox.ssl_context()) as client:
            response = client.get(f"{sandbox.authority}/v2.0/.well-known/openid-configuration")
        assert response.json()["issuer"] == f"{sandbox.authority}/v2.0"


def test_a_taken_port_is_reported(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(SandboxError, match="Cannot listen"):
            Sandbox(port=port, state_file=tmp_path / "s.json").start()
    assert not (tmp_path / "s.json").exists()


def test_clients_reading_the_state_do_not_load_the_server() -> None:
    code = (
        "import sys, bridge.sandbox, bridge.sandbox._command;"
        "print(sorted(m for m in sys.modules if m.startswith('bridge.sandbox.')))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert json.loads(loaded.replace("'", '"')) == [
        "bridge.sandbox._command",
        "bridge.sandbox._statefile",
    ]


def test_the_benchmark_script_runs() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "sandbox_rate.py"), "--invites", "200"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    report = json.loads(result.stdout)
    assert report["invites"] == 200 and report["invites_per_second"] > 0


def _trust(state: dict[str, Any]) -> Any:
    import ssl

    return ssl.create_default_context(cafile=state["ca_file"])
