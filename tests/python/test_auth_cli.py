"""`mgbridge connect | context | disconnect` against the sandbox: the kept connection, secrets."""

from __future__ import annotations

import json
import re
import stat
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bridge._cli import cli
from bridge.sandbox import Sandbox


@pytest.fixture(autouse=True)
def clean(sb: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for var in (
        "MGBRIDGE_CLIENT_SECRET",
        "MGBRIDGE_CERTIFICATE_PASSWORD",
        "MGBRIDGE_ACCESS_TOKEN",
        "MGBRIDGE_ENVIRONMENT",
    ):
        monkeypatch.delenv(var, raising=False)
    config = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    return config


def run(runner: CliRunner, *args: str, input: str | None = None) -> Result:
    return runner.invoke(cli, list(args), input=input)


def invite(runner: CliRunner, sb: Sandbox) -> Result:
    call = sb.create_call()["id"]
    who = json.dumps({"identity": {"user": {"id": str(uuid.uuid4())}}})
    return run(runner, "invite", "--call-id", call, "--participant", who)


def token_requests(sb: Sandbox) -> int:
    return sum(r["kind"] == "token" for r in sb.requests())


def test_connect_keeps_the_connection_for_later_calls(
    runner: CliRunner, sb: Sandbox, clean: Path
) -> None:
    result = run(runner, "connect", "-e", "sandbox")
    assert result.exit_code == 0, result.stderr
    context = json.loads(result.stdout)
    assert context["ClientId"] == sb.client_id
    assert context["Scopes"] == ["Calls.InitiateGroupCall.All"]
    assert context["ContextScope"] == "CurrentUser"

    stored = clean / "mgbridge" / "cli_context.json"
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert sb.client_secret not in stored.read_text()

    result = run(runner, "context")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == context

    result = invite(runner, sb)
    assert result.exit_code == 0, result.stderr
    assert token_requests(sb) == 1  # the invite used the token cached by connect

    result = run(runner, "disconnect")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == context
    assert not stored.exists()
    assert list((clean / "mgbridge" / "token_cache").iterdir()) == []

    result = run(runner, "context")
    assert result.exit_code == 0 and result.stdout == ""
    result = run(runner, "disconnect")
    assert result.exit_code == 3
    assert "No application to sign out from." in result.stderr


def test_secret_from_the_environment_is_never_stored(
    runner: CliRunner, sb: Sandbox, clean: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MGBRIDGE_CLIENT_SECRET", sb.client_secret)
    args = ("--client-id", sb.client_id, "--tenant-id", sb.tenant_id)
    result = run(runner, "connect", "-e", "Sandbox", *args)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["TokenCredentialType"] == "ClientSecret"
    for file in (clean / "mgbridge").rglob("*.json"):
        assert sb.client_secret not in file.read_text()

    # With the variable: a later call signs in again if needed; without: the cached token.
    assert invite(runner, sb).exit_code == 0
    monkeypatch.delenv("MGBRIDGE_CLIENT_SECRET")
    result = invite(runner, sb)
    assert result.exit_code == 0, result.stderr
    assert token_requests(sb) == 1


def test_process_scope_later_calls_need_the_variable(
    runner: CliRunner, sb: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MGBRIDGE_CLIENT_SECRET", sb.client_secret)
    args = ("--client-id", sb.client_id, "--tenant-id", sb.tenant_id)
    result = run(runner, "connect", "-e", "Sandbox", *args, "--context-scope", "process")
    assert result.exit_code == 0, result.stderr
    monkeypatch.delenv("MGBRIDGE_CLIENT_SECRET")
    result = invite(runner, sb)
    assert result.exit_code == 3
    assert "Set MGBRIDGE_CLIENT_SECRET" in result.stderr


def test_secret_is_asked_for_with_hidden_input(runner: CliRunner, sb: Sandbox) -> None:
    args = ("--client-id", sb.client_id, "--tenant-id", sb.tenant_id)
    result = run(runner, "connect", "-e", "Sandbox", *args, input=sb.client_secret + "\n")
    assert result.exit_code == 0, result.stderr
    assert "Client secret" in result.stdout
    assert sb.client_secret not in result.stdout + result.stderr


def test_secret_on_the_command_line_is_refused(runner: CliRunner, sb: Sandbox) -> None:
    result = run(runner, "connect", "--client-id", "a", "--client-secret", sb.client_secret)
    assert result.exit_code == 2
    assert "--client-secret" in result.stderr


def test_wrong_secret_exits_3_and_says_what_to_fix(
    runner: CliRunner, sb: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MGBRIDGE_CLIENT_SECRET", "not-the-secret-value")
    args = ("--client-id", sb.client_id, "--tenant-id", sb.tenant_id)
    result = run(runner, "connect", "-e", "Sandbox", *args)
    assert result.exit_code == 3
    assert "AuthError: " in result.stderr
    assert "client secret is wrong" in result.stderr
    assert "not-the-secret-value" not in result.stdout + result.stderr
    assert run(runner, "context").stdout == ""  # a failed connect keeps nothing


def test_certificate_with_password_from_the_environment(
    runner: CliRunner, sb: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MGBRIDGE_CERTIFICATE_PASSWORD", sb.state["certificate_password"])
    result = run(
        runner,
        "connect",
        "-e",
        "Sandbox",
        "--client-id",
        sb.client_id,
        "--tenant-id",
        sb.tenant_id,
        "--certificate",
        sb.state["certificate_pfx_file"],
    )
    assert result.exit_code == 0, result.stderr
    context = json.loads(result.stdout)
    assert context["CertificateThumbprint"] == sb.state["certificate_thumbprint"]
    monkeypatch.delenv("MGBRIDGE_CERTIFICATE_PASSWORD")
    assert invite(runner, sb).exit_code == 0  # the cached token, no password needed
    assert token_requests(sb) == 1


def test_access_token(runner: CliRunner, sb: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    token = sb.issue_token()
    monkeypatch.setenv("MGBRIDGE_ACCESS_TOKEN", token)
    result = run(runner, "connect", "-e", "Sandbox", "--access-token")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["AuthType"] == "UserProvidedAccessToken"
    assert token not in result.stdout
    assert invite(runner, sb).exit_code == 0
    monkeypatch.delenv("MGBRIDGE_ACCESS_TOKEN")
    result = invite(runner, sb)
    assert result.exit_code == 3
    assert "Set MGBRIDGE_ACCESS_TOKEN" in result.stderr


def test_delegated_sign_in_is_refused(runner: CliRunner) -> None:
    result = run(runner, "connect")
    assert result.exit_code == 3
    assert "no delegated permission" in result.stderr


def test_debug_output_holds_no_secret_or_token(
    runner: CliRunner, sb: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MGBRIDGE_CLIENT_SECRET", sb.client_secret)
    args = ("--client-id", sb.client_id, "--tenant-id", sb.tenant_id)
    results = [
        run(runner, "--debug", "connect", "-e", "Sandbox", *args),
        run(runner, "--debug", "context"),
        invite(runner, sb),
    ]
    call = sb.create_call()["id"]
    results.append(run(runner, "--debug", "invite", "--call-id", call, "--participant", "{}"))
    monkeypatch.setenv("MGBRIDGE_CLIENT_SECRET", "wrong-secret-value")
    results.append(run(runner, "--debug", "connect", "-e", "Sandbox", *args))
    assert [r.exit_code for r in results] == [0, 0, 0, 2, 3]
    shown = "\n".join(r.stdout + r.stderr for r in results)
    assert sb.client_secret not in shown
    assert "wrong-secret-value" not in shown
    assert re.search(r"eyJ[\w-]{4,}\.[\w-]{4,}\.", shown) is None
