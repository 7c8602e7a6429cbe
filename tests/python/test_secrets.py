"""Secrets and trust, end to end against the sandbox over HTTPS with the real msal.

Secrets: sign-ins with a client secret, a certificate with a password, an access token and the
AZURE_* variables, and failing ones (wrong secret, wrong password, expired, foreign and role-less
tokens), through the Python API with every logger at DEBUG, through the cmdlets' boundary with
its debug log, and through the CLI with --debug. No secret, password or token (nor any JWT),
in any form (plain, JSON, percent- or base64-encoded), may appear in log records, stdout,
stderr, exception text with its chained causes, boundary replies, CLI output, the files written
(token cache, kept connection) or the sandbox's request log.

Trust: the token cache is 0600 in a 0700 folder; a real cloud's TLS is always verified (the
sandbox's certificate is refused outside the Sandbox environment); the sandbox refuses tokens
with a wrong signature, audience, issuer or tenant, expired or role-less ones, and listens on
loopback only by default.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import socket
import ssl
import stat
import sys
import traceback
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

import bridge
from bridge._cli import cli
from bridge._entry import dispatch
from bridge._environments import add_environment, get_environment
from bridge._http import build_client, ssl_context
from bridge.sandbox import Sandbox

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from reliability.leaks import non_loopback_addresses, scan

ENV_VARS = (
    "AZURE_CLIENT_ID",
    "AZURE_TENANT_ID",
    "AZURE_CLIENT_SECRET",
    "AZURE_CLIENT_CERTIFICATE_PATH",
    "AZURE_CLIENT_CERTIFICATE_PASSWORD",
    "MGBRIDGE_CLIENT_SECRET",
    "MGBRIDGE_CERTIFICATE_PASSWORD",
    "MGBRIDGE_ACCESS_TOKEN",
    "MGBRIDGE_ENVIRONMENT",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
)


@pytest.fixture(autouse=True)
def clean(sb: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for var in ENV_VARS:
        monkeypatch.delenv(var, raising=False)
    config = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    return config


def _runner() -> CliRunner:
    try:
        return CliRunner(mix_stderr=False)  # type: ignore[call-arg]  # click 8.1
    except TypeError:
        return CliRunner()


def _body() -> dict[str, Any]:
    return {"Participants": [{"Identity": {"User": {"Id": str(uuid.uuid4())}}}]}


def _error_text(exc: BaseException) -> str:
    """Everything an exception can show: text, repr, the structured form, the whole chain."""
    parts = [str(exc), repr(exc), "".join(traceback.format_exception(exc))]
    if isinstance(exc, bridge.BridgeError):
        parts.append(json.dumps(exc.to_dict()))
    return "\n".join(parts)


def _files(folder: Path) -> dict[str, str]:
    return {
        f"file {path.relative_to(folder)}": path.read_text(errors="replace")
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


# -- no secret anywhere -------------------------------------------------------------------------


def test_no_secret_or_token_in_any_output(
    sb: Sandbox,
    clean: Path,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caplog.set_level(logging.DEBUG)  # the root logger: every library's records
    for name in ("bridge", "msal", "httpx", "httpcore", "urllib3"):
        caplog.set_level(logging.DEBUG, logger=name)
    app = {"client_id": sb.client_id, "tenant_id": sb.tenant_id}
    pfx, password = sb.state["certificate_pfx_file"], sb.state["certificate_password"]
    key_lines = Path(sb.state["certificate_key_file"]).read_text().splitlines()[1:-1]
    secrets = {
        "client secret": sb.client_secret,
        "certificate password": password,
        "private key": "".join(key_lines)[:64],
        "no-role secret": sb.no_role_client_secret,
        "wrong secret": "Wr0ng~secret.value-" + uuid.uuid4().hex,
        "wrong password": "wr0ng-pfx-password-" + uuid.uuid4().hex[:8],
    }
    tokens: dict[str, str] = {}
    shown: dict[str, str] = {}
    call = sb.create_call()["id"]

    # The Python API.
    flows: dict[str, dict[str, Any]] = {
        "secret": {**app, "client_secret": sb.client_secret, "context_scope": "CurrentUser"},
        "pfx": {**app, "certificate": pfx, "certificate_password": password},
        "no-role app": {
            "client_id": sb.no_role_client_id,
            "tenant_id": sb.tenant_id,
            "client_secret": sb.no_role_client_secret,
        },
    }
    tokens["given token"] = sb.issue_token(lifetime_s=600)
    flows["access token"] = {"access_token": tokens["given token"]}
    for name, options in flows.items():
        with bridge.connect("Sandbox", **options) as session:
            try:
                session.invite(call, body=_body())
            except bridge.GraphError as exc:  # the no-role app: 403
                shown[f"{name} error"] = _error_text(exc)
            tokens[f"{name} token"] = session._tokens.token()
            shown[f"{name} session"] = "\n".join(
                [repr(session), repr(session._tokens), json.dumps(session.context())]
            )
    monkeypatch.setenv("AZURE_CLIENT_ID", sb.client_id)
    monkeypatch.setenv("AZURE_TENANT_ID", sb.tenant_id)
    monkeypatch.setenv("AZURE_CLIENT_SECRET", sb.client_secret)
    with bridge.connect("Sandbox", environment_variables=True) as session:
        session.invite(call, body=_body())
        tokens["variables token"] = session._tokens.token()
    for name in ("AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_CLIENT_SECRET"):
        monkeypatch.delenv(name)

    tokens["expired token"] = sb.issue_token(lifetime_s=-600)
    tokens["foreign token"] = sb.issue_token(foreign_key=True)
    failing: dict[str, dict[str, Any]] = {
        "wrong secret": {**app, "client_secret": secrets["wrong secret"]},
        "wrong password": {
            **app,
            "certificate": pfx,
            "certificate_password": secrets["wrong password"],
        },
        "expired token": {"access_token": tokens["expired token"]},
        "foreign token": {"access_token": tokens["foreign token"]},
    }
    for name, options in failing.items():
        with (
            pytest.raises(bridge.BridgeError) as caught,
            bridge.connect("Sandbox", **options) as session,
        ):
            session.invite(call, body=_body())
        shown[f"{name} error"] = _error_text(caught.value)

    # The boundary, as the cmdlets call it (-Debug asks for its log).
    def boundary(op: str, **args: Any) -> dict[str, Any]:
        reply = dispatch(json.dumps({"op": op, "args": {**args, "log": "debug"}}))
        shown[f"boundary {op} {len(shown)}"] = reply
        return dict(json.loads(reply))

    assert boundary("connect", environment="Sandbox", **app, client_secret=sb.client_secret)["ok"]
    assert boundary("invite", call_id=call, body=_body())["ok"]
    assert boundary(
        "connect", environment="Sandbox", **app, certificate=pfx, certificate_password=password
    )["ok"]
    assert boundary("connect", environment="Sandbox", access_token=tokens["given token"])["ok"]
    assert boundary("invite", call_id=call, body=_body())["ok"]
    assert not boundary(
        "connect", environment="Sandbox", **app, client_secret=secrets["wrong secret"]
    )["ok"]
    assert not boundary(
        "connect",
        environment="Sandbox",
        **app,
        certificate=pfx,
        certificate_password=secrets["wrong password"],
    )["ok"]
    boundary("disconnect")

    # The CLI with --debug; secrets come from the environment, never the command line.
    runner = _runner()
    cli_app = ["-e", "Sandbox", "--client-id", sb.client_id, "--tenant-id", sb.tenant_id]
    runs = [
        ({"MGBRIDGE_CLIENT_SECRET": sb.client_secret}, ["connect", *cli_app], 0),
        ({}, ["context"], 0),
        (
            {},
            ["invite", "--call-id", call, "--participant", json.dumps(_body()["Participants"][0])],
            0,
        ),
        (
            {"MGBRIDGE_CERTIFICATE_PASSWORD": password},
            ["connect", *cli_app, "--certificate", pfx, "--certificate-password"],
            0,
        ),
        (
            {"MGBRIDGE_ACCESS_TOKEN": tokens["given token"]},
            ["connect", "-e", "Sandbox", "--access-token"],
            0,
        ),
        ({"MGBRIDGE_CLIENT_SECRET": secrets["wrong secret"]}, ["connect", *cli_app], 3),
        (
            {"MGBRIDGE_CERTIFICATE_PASSWORD": secrets["wrong password"]},
            ["connect", *cli_app, "--certificate", pfx, "--certificate-password"],
            3,
        ),
        (
            {"MGBRIDGE_ACCESS_TOKEN": tokens["expired token"]},
            ["connect", "-e", "Sandbox", "--access-token"],
            3,
        ),
        ({}, ["disconnect"], 0),
    ]
    for index, (env, args, code) in enumerate(runs):
        result = runner.invoke(cli, ["--debug", *args], env=env)
        assert result.exit_code == code, (args, result.output)
        shown[f"cli {index} {args[0]}"] = result.stdout + result.stderr

    out, err = capfd.readouterr()
    places = {
        "log records": "\n".join(f"{r.name} {r.getMessage()}" for r in caplog.records),
        "log text": caplog.text,
        "stdout": out,
        "stderr": err,
        "sandbox request log": json.dumps(sb.requests()),
        **shown,
    }
    assert any(r.name.startswith("msal") for r in caplog.records), "msal logged nothing"
    assert "Bearer <redacted>" in places["log text"]
    assert scan(places, {**secrets, **tokens}) == []
    # Files: the token cache may hold tokens (that is its job), never a secret or password.
    files = _files(clean)
    assert any("token_cache" in name for name in files)
    assert scan(files, secrets, jwt=False) == []
    assert scan({k: v for k, v in files.items() if "token_cache" not in k}, tokens) == []


def test_the_boundary_context_and_errors_hold_no_secret(sb: Sandbox) -> None:
    """Get-MgContext's fields and a failed connect's error, as the cmdlets receive them."""
    args = {"environment": "Sandbox", "client_id": sb.client_id, "tenant_id": sb.tenant_id}
    replies = [
        dispatch(json.dumps({"op": "connect", "args": {**args, "client_secret": sb.client_secret}}))
    ]
    replies.append(dispatch(json.dumps({"op": "context", "args": {}})))
    replies.append(
        dispatch(json.dumps({"op": "connect", "args": {**args, "client_secret": "x" * 40}}))
    )
    replies.append(dispatch(json.dumps({"op": "disconnect", "args": {}})))
    assert (
        scan(
            {str(i): r for i, r in enumerate(replies)},
            {"secret": sb.client_secret, "wrong": "x" * 40},
        )
        == []
    )


# -- files -----------------------------------------------------------------------------------------


def test_token_cache_is_0600_in_a_0700_folder_whatever_the_umask(sb: Sandbox, clean: Path) -> None:
    folder = clean / "mgbridge" / "token_cache"
    folder.mkdir(parents=True)
    folder.chmod(0o755)  # left open by something else
    old = os.umask(0)
    try:
        with bridge.connect(
            "Sandbox",
            client_id=sb.client_id,
            tenant_id=sb.tenant_id,
            client_secret=sb.client_secret,
            context_scope="CurrentUser",
        ) as session:
            session.invite(sb.create_call()["id"], body=_body())
    finally:
        os.umask(old)
    (cache,) = [p for p in folder.iterdir() if not p.name.startswith(".")]
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600
    assert [p for p in folder.iterdir() if p.name.startswith(".tmp")] == []


def test_the_sandbox_state_file_with_its_secrets_is_0600(sb: Sandbox) -> None:
    assert stat.S_IMODE(sb.state_file.stat().st_mode) == 0o600
    assert sb.client_secret in sb.state_file.read_text()  # it is the secret's one home


# -- TLS trust ----------------------------------------------------------------------------------


def _handshake(context: ssl.SSLContext, sb: Sandbox) -> None:
    port = httpx.URL(sb.graph).port
    with (
        socket.create_connection(("127.0.0.1", port), timeout=5) as raw,
        context.wrap_socket(raw, server_hostname="127.0.0.1") as tls,
    ):
        tls.do_handshake()


@pytest.mark.parametrize(
    "variables",
    [{}, {"PYTHONHTTPSVERIFY": "0", "CURL_CA_BUNDLE": "", "REQUESTS_CA_BUNDLE": ""}],
    ids=["plain", "verify-off-variables"],
)
def test_real_clouds_always_verify_tls(
    sb: Sandbox, monkeypatch: pytest.MonkeyPatch, variables: dict[str, str]
) -> None:
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    for name in ("Global", "USGov", "USGovDoD", "China"):
        environment = get_environment(name)
        assert environment.ca_file is None
        context = ssl_context(environment.ca_file)
        assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
        with pytest.raises(ssl.SSLCertVerificationError):
            _handshake(context, sb)
    # The client a Global session uses, sent to the sandbox's address: refused, not sent.
    before = len(sb.requests())
    with (
        build_client(ca_file=None) as client,
        pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"),
    ):
        client.get(sb.graph + "/beta/communications/calls")
    assert len(sb.requests()) == before


def test_the_sandbox_ca_is_trusted_for_the_sandbox_environment_only(
    sb: Sandbox, clean: Path
) -> None:
    ca = Path(sb.ca_file).read_text()
    import certifi

    assert ca.strip() not in Path(certifi.where()).read_text()
    with pytest.raises(ssl.SSLCertVerificationError):
        _handshake(ssl.create_default_context(), sb)  # the system's roots
    sandbox = ssl_context(get_environment("Sandbox").ca_file)
    _handshake(sandbox, sb)
    assert len(sandbox.get_ca_certs()) == 1  # the sandbox CA and nothing else
    # A user-defined cloud at the sandbox's address gets no special trust.
    login = sb.authority.removesuffix("/" + sb.tenant_id)
    add_environment("LooksLikeSandbox", sb.graph, login)
    before = len(sb.requests())
    with pytest.raises(bridge.BridgeError, match=r"(?i)certificate"):
        bridge.connect(
            "LooksLikeSandbox",
            client_id=sb.client_id,
            tenant_id=sb.tenant_id,
            client_secret=sb.client_secret,
        )
    assert len(sb.requests()) == before  # the secret never left


# -- the sandbox refuses bad tokens -------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _forged(sb: Sandbox, how: str) -> str:
    header, payload, signature = sb.issue_token().split(".")
    if how == "tampered payload":
        claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
        claims["roles"] = [*claims.get("roles", []), "Calls.AccessMedia.All"]
        return f"{header}.{_b64(json.dumps(claims).encode())}.{signature}"
    if how == "alg none":
        return f"{_b64(json.dumps({'alg': 'none', 'typ': 'JWT'}).encode())}.{payload}."
    if how == "no signature":
        return f"{header}.{payload}."
    raise AssertionError(how)


BAD_TOKENS: dict[str, Any] = {
    "foreign signing key": lambda sb: sb.issue_token(foreign_key=True),
    "wrong audience": lambda sb: sb.issue_token(audience="https://graph.microsoft.com"),
    "wrong issuer": lambda sb: sb.issue_token(issuer="https://sts.windows.net/evil/"),
    "wrong tenant": lambda sb: sb.issue_token(tenant_id=str(uuid.uuid4())),
    "expired": lambda sb: sb.issue_token(lifetime_s=-60),
    "tampered payload": lambda sb: _forged(sb, "tampered payload"),
    "alg none": lambda sb: _forged(sb, "alg none"),
    "no signature": lambda sb: _forged(sb, "no signature"),
    "not a JWT": lambda sb: "not-a-token",
    "without the role": lambda sb: sb.issue_token(roles=[]),
}


@pytest.fixture
def raw_graph(sb: Sandbox) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sb.graph, verify=sb.ssl_context()) as client:
        yield client


@pytest.mark.parametrize("kind", list(BAD_TOKENS))
def test_the_sandbox_refuses_bad_tokens(kind: str, sb: Sandbox, raw_graph: httpx.Client) -> None:
    call = sb.create_call()["id"]
    token = BAD_TOKENS[kind](sb)
    response = raw_graph.post(
        f"/beta/communications/calls/{call}/participants/invite",
        json={"participants": [{"identity": {"user": {"id": "u"}}}], "clientContext": kind},
        headers={"Authorization": f"Bearer {token}"},
    )
    expected = 403 if kind == "without the role" else 401
    assert response.status_code == expected, response.text
    if expected == 401:
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert sb.stats()["invites"]["accepted"] == 0
    assert token not in json.dumps(sb.requests())


def test_the_sandbox_refuses_a_missing_or_non_bearer_authorization(
    sb: Sandbox, raw_graph: httpx.Client
) -> None:
    call = sb.create_call()["id"]
    url = f"/beta/communications/calls/{call}/participants/invite"
    body = {"participants": [{"identity": {"user": {"id": "u"}}}]}
    basic = "Basic " + base64.b64encode(f"{sb.client_id}:{sb.client_secret}".encode()).decode()
    for headers in ({}, {"Authorization": basic}, {"Authorization": "Bearer"}):
        assert raw_graph.post(url, json=body, headers=headers).status_code == 401
    assert sb.stats()["invites"]["accepted"] == 0
    assert scan({"request log": json.dumps(sb.requests())}, {"secret": sb.client_secret}) == []


# -- loopback only --------------------------------------------------------------------------------


def test_the_sandbox_listens_on_loopback_by_default(sb: Sandbox) -> None:
    from bridge.sandbox._command import sandbox as command

    assert Sandbox().host == "127.0.0.1"
    assert next(p for p in command.params if p.name == "host").default == "127.0.0.1"
    assert sb.graph.startswith("https://127.0.0.1:")
    port = httpx.URL(sb.graph).port
    for address in non_loopback_addresses():
        with pytest.raises(OSError):
            socket.create_connection((address, port), timeout=2).close()


def test_the_admin_api_answers_loopback_clients_only(tmp_path: Path) -> None:
    addresses = non_loopback_addresses()
    if not addresses:
        pytest.skip("this machine has no non-loopback address")
    with Sandbox(host="0.0.0.0", state_file=tmp_path / "open.json") as wide:
        port = httpx.URL(wide.graph).port
        context = ssl.create_default_context(cafile=wide.ca_file)
        context.check_hostname = False  # the certificate names 127.0.0.1; this is about the peer
        with httpx.Client(verify=context) as client:
            remote = client.get(f"https://{addresses[0]}:{port}/_sandbox/stats")
            local = client.get(f"https://127.0.0.1:{port}/_sandbox/stats")
    assert remote.status_code == 403
    assert local.status_code == 200
