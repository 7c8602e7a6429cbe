"""Shared fixtures: one sandbox for the whole session, reset before each test that uses it.

sandbox   (session) a running ``bridge.sandbox.Sandbox`` served from this process, its state
          file and key material in a temporary folder; operations complete after 100 ms
sb        (function) the same sandbox, reset, with MGBRIDGE_SANDBOX_STATE naming its state
          file, so ``environment="Sandbox"`` connects to it
sb_http   (function) an httpx client for ``sb``: trusts its CA, base_url = its Graph root,
          the default app's access token
runner    (function) a click CliRunner keeping stdout and stderr apart
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from bridge._auth import _MsalHttp
from bridge.sandbox import STATE_ENV, Sandbox

SANDBOX_OPERATION_DELAY_MS = 100


class MsalHttpxAdapter(_MsalHttp):
    """The product's msal ``http_client`` adapter, keeping each form msal posted (decoded), so
    that tests can read the client assertion it sent."""

    def __init__(self, client: httpx.Client) -> None:
        super().__init__(client)
        self.forms: list[dict[str, Any]] = []

    def post(
        self,
        url: str,
        params: Any = None,
        data: Any = None,
        headers: Any = None,
        **kwargs: Any,
    ) -> httpx.Response:
        if isinstance(data, dict):
            self.forms.append(
                {k: v.decode() if isinstance(v, bytes) else v for k, v in data.items()}
            )
        return super().post(url, params=params, data=data, headers=headers, **kwargs)


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    folder: Path = tmp_path_factory.mktemp("sandbox")
    with Sandbox(
        state_file=folder / "sandbox.json", operation_delay_ms=SANDBOX_OPERATION_DELAY_MS
    ) as running:
        yield running


@pytest.fixture
def sb(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> Sandbox:
    sandbox.reset()
    monkeypatch.setenv(STATE_ENV, str(sandbox.state_file))
    return sandbox


@pytest.fixture
def sb_http(sb: Sandbox) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=sb.graph,
        verify=sb.ssl_context(),
        headers={"Authorization": f"Bearer {sb.issue_token()}"},
    ) as client:
        yield client


@pytest.fixture
def msal_http(sb: Sandbox) -> Iterator[MsalHttpxAdapter]:
    with httpx.Client(verify=sb.ssl_context()) as client:
        yield MsalHttpxAdapter(client)


@pytest.fixture
def runner() -> CliRunner:
    """A click test runner with stdout and stderr apart: click 8.1 needs mix_stderr=False; 8.2
    removed the argument."""
    try:
        return CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    except TypeError:
        return CliRunner()


HELP_EXAMPLES_FILE = Path(__file__).resolve().parent.parent / "data" / "documented_examples.json"


@pytest.fixture(scope="session")
def help_examples() -> dict[str, Any]:
    """The help page's seven examples: each one's `params` (keys as in the PowerShell) and the
    `documented` wire JSON it must produce."""
    return json.loads(HELP_EXAMPLES_FILE.read_text(encoding="utf-8"))  # type: ignore[no-any-return]
