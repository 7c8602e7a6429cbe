"""Sign-in against the sandbox over real TLS on loopback, with the real msal of this venv.

Every flow ends with an invite through bridge.connect, so the token is one Graph accepts.
"""

from __future__ import annotations

import datetime
import json
import logging
import os
import re
import stat
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import msal
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

import bridge
from bridge import AuthError, GraphError
from bridge._auth import sign_in
from bridge._environments import add_environment, get_environment, list_environments
from bridge._http import build_client
from bridge.sandbox import Sandbox

REPO = Path(__file__).resolve().parents[2]
MSAL_HAS_MI = hasattr(msal, "ManagedIdentityClient")  # msal 1.29+
JWT = re.compile(r"eyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*")
ENV_VARS = (
    "AZURE_CLIENT_ID",
    "AZURE_TENANT_ID",
    "AZURE_CLIENT_SECRET",
    "AZURE_CLIENT_CERTIFICATE_PATH",
    "AZURE_CLIENT_CERTIFICATE_PASSWORD",
    "AZURE_USERNAME",
    "IDENTITY_ENDPOINT",
    "IDENTITY_HEADER",
    "MSI_ENDPOINT",
    "MSI_SECRET",
)


@pytest.fixture(autouse=True)
def clean(sb: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shared sandbox (conftest's ``sb``: reset, named by MGBRIDGE_SANDBOX_STATE) and an
    empty config folder (token caches, the CLI's kept connection) for every test."""
    for var in ENV_VARS:
        monkeypatch.delenv(var, raising=False)
    config = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    return config


@pytest.fixture
def app(sb: Sandbox) -> dict[str, Any]:
    """The default app's identifiers."""
    return {"client_id": sb.client_id, "tenant_id": sb.tenant_id}


def token_requests(sb: Sandbox) -> int:
    return sum(r["kind"] in ("token", "managed_identity") for r in sb.requests())


def invite(sb: Sandbox, session: bridge.Session) -> bridge.Operation:
    call = sb.create_call()
    body = {"Participants": [{"Identity": {"User": {"Id": str(uuid.uuid4())}}}]}
    op = session.invite(call["id"], body=body)
    assert op.status == "Running"
    return op


def pem_bundle(sb: Sandbox) -> str:
    key = Path(sb.state["certificate_key_file"]).read_text()
    return key + Path(sb.state["certificate_file"]).read_text()


def self_signed() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "not registered")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    return key_pem.decode() + cert.public_bytes(serialization.Encoding.PEM).decode()


def ec_bundle() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ec")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return key_pem.decode() + cert.public_bytes(serialization.Encoding.PEM).decode()


# -- every credential signs in and invites ---------------------------------------------------------


def test_sandbox_with_no_credentials_is_the_default_app(sb: Sandbox) -> None:
    with bridge.connect("sandbox") as session:
        invite(sb, session)
        ctx = session.context()
    assert ctx["ClientId"] == sb.client_id
    assert ctx["TenantId"] == sb.tenant_id
    assert ctx["AuthType"] == "AppOnly"
    assert ctx["TokenCredentialType"] == "ClientSecret"
    assert ctx["Scopes"] == ["Calls.InitiateGroupCall.All"]
    assert ctx["Environment"] == "Sandbox"
    assert ctx["ContextScope"] == "Process"
    assert "Sandbox" in [env.name for env in list_environments()]


def test_client_secret(sb: Sandbox, app: dict[str, Any]) -> None:
    with bridge.connect("Sandbox", **app, client_secret=sb.client_secret) as session:
        invite(sb, session)
        invite(sb, session)
        assert session.context()["AppName"] == "mgbridge sandbox app"
    assert token_requests(sb) == 1  # one token serves both invites


@pytest.mark.parametrize("form", ["pem file", "pem text", "pfx", "pfx with chain"])
def test_certificate(sb: Sandbox, app: dict[str, Any], tmp_path: Path, form: str) -> None:
    if form == "pem file":
        bundle = tmp_path / "app.pem"
        bundle.write_text(pem_bundle(sb))
        cred: dict[str, Any] = {"certificate": str(bundle)}
    elif form == "pem text":
        cred = {"certificate": pem_bundle(sb)}
    else:
        cred = {
            "certificate": Path(sb.state["certificate_pfx_file"]),
            "certificate_password": sb.state["certificate_password"],
            "send_certificate_chain": form == "pfx with chain",
        }
    with bridge.connect("Sandbox", **app, **cred) as session:
        invite(sb, session)
        ctx = session.context()
    assert ctx["TokenCredentialType"] == "ClientCertificate"
    assert ctx["CertificateThumbprint"] == sb.state["certificate_thumbprint"]
    token_form = next(r for r in sb.requests() if r["kind"] == "token")["body"]
    assert token_form["client_assertion_type"].endswith("jwt-bearer")
    assert "client_secret" not in token_form


def test_certificate_thumbprint_is_checked(sb: Sandbox, app: dict[str, Any]) -> None:
    thumb = sb.state["certificate_thumbprint"]
    with bridge.connect(
        "Sandbox", **app, certificate=pem_bundle(sb), certificate_thumbprint=thumb.lower()
    ) as session:
        invite(sb, session)
    with pytest.raises(AuthError, match="thumbprint is") as info:
        bridge.connect(
            "Sandbox", **app, certificate=pem_bundle(sb), certificate_thumbprint="AB" * 20
        )
    assert info.value.code == "CertificateThumbprintMismatch"
    with pytest.raises(AuthError, match="no certificate store"):
        bridge.connect("Sandbox", **app, certificate_thumbprint=thumb)


def test_certificate_password_problems(sb: Sandbox, app: dict[str, Any]) -> None:
    pfx = sb.state["certificate_pfx_file"]
    with pytest.raises(AuthError, match="needs certificate_password"):
        bridge.connect("Sandbox", **app, certificate=pfx)
    with pytest.raises(AuthError, match="password is wrong"):
        bridge.connect("Sandbox", **app, certificate=pfx, certificate_password="not-it")
    with pytest.raises(AuthError, match="Cannot read the certificate file") as info:
        bridge.connect("Sandbox", **app, certificate="/nonexistent/app.pem")
    assert info.value.code == "CertificateNotFound"
    assert token_requests(sb) == 0


def test_encrypted_pem_key(sb: Sandbox, app: dict[str, Any]) -> None:
    key = serialization.load_pem_private_key(
        Path(sb.state["certificate_key_file"]).read_bytes(), None
    )
    locked = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"pem-password"),
    ).decode()
    bundle = locked + Path(sb.state["certificate_file"]).read_text()
    with bridge.connect(
        "Sandbox", **app, certificate=bundle, certificate_password="pem-password"
    ) as session:
        invite(sb, session)
    with pytest.raises(AuthError, match="is encrypted: give certificate_password"):
        bridge.connect("Sandbox", **app, certificate=bundle)


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda sb: self_signed().split("-----BEGIN CERTIFICATE")[0], "CertificateNoMatch"),
        (lambda sb: Path(sb.state["certificate_file"]).read_text(), "CertificateNoPrivateKey"),
        (
            lambda sb: (
                Path(sb.state["certificate_key_file"]).read_text()
                + self_signed().split("-----END RSA PRIVATE KEY-----")[1]
            ),
            "CertificateNoMatch",
        ),
        (lambda sb: ec_bundle(), "CertificateKey"),
        (lambda sb: b"\x00not a certificate", "CertificateUnreadable"),
    ],
    ids=["key only", "certificate only", "key of another", "EC key", "garbage"],
)
def test_unusable_certificates(sb: Sandbox, app: dict[str, Any], make: Any, code: str) -> None:
    with pytest.raises(AuthError) as info:
        bridge.connect("Sandbox", **app, certificate=make(sb))
    assert info.value.code == code
    assert token_requests(sb) == 0


def test_access_token_is_used_as_given(sb: Sandbox) -> None:
    token = sb.issue_token()
    with bridge.connect("Sandbox", access_token=token) as session:
        invite(sb, session)
        ctx = session.context()
    assert ctx["AuthType"] == ctx["TokenCredentialType"] == "UserProvidedAccessToken"
    assert ctx["ClientId"] == sb.client_id
    assert ctx["Scopes"] == ["Calls.InitiateGroupCall.All"]
    assert token_requests(sb) == 0


def test_expired_access_token_asks_for_a_new_one(sb: Sandbox) -> None:
    with pytest.raises(AuthError, match=r"expired\. Get a new access token") as info:
        bridge.connect("Sandbox", access_token=sb.issue_token(lifetime_s=-60))
    assert info.value.code == "TokenExpired"

    with bridge.connect("Sandbox", access_token=sb.issue_token(lifetime_s=2)) as session:
        invite(sb, session)
        time.sleep(2.2)
        with pytest.raises(AuthError, match="Get a new access token"):
            invite(sb, session)


def test_environment_variables_with_secret(
    sb: Sandbox, app: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AZURE_CLIENT_ID", app["client_id"])
    monkeypatch.setenv("AZURE_TENANT_ID", app["tenant_id"])
    monkeypatch.setenv("AZURE_CLIENT_SECRET", sb.client_secret)
    with bridge.connect("Sandbox", environment_variables=True) as session:
        invite(sb, session)
        ctx = session.context()
    assert ctx["AuthType"] == ctx["TokenCredentialType"] == "EnvironmentVariable"
    assert ctx["ClientId"] == app["client_id"]


def test_environment_variables_with_certificate(
    sb: Sandbox, app: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    variables = {
        "AZURE_CLIENT_ID": app["client_id"],
        "AZURE_TENANT_ID": app["tenant_id"],
        "AZURE_CLIENT_CERTIFICATE_PATH": sb.state["certificate_pfx_file"],
        "AZURE_CLIENT_CERTIFICATE_PASSWORD": sb.state["certificate_password"],
    }
    # A mapping stands in for os.environ (PowerShell's $env: is invisible to Python on Linux).
    with bridge.connect("Sandbox", environment_variables=variables) as session:
        invite(sb, session)
        assert session.context()["CertificateThumbprint"] == sb.state["certificate_thumbprint"]


def test_environment_variables_missing_are_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AZURE_CLIENT_ID", "x")
    with pytest.raises(AuthError) as info:
        bridge.connect("Sandbox", environment_variables=True)
    assert "AZURE_TENANT_ID" in str(info.value)
    assert "AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH" in str(info.value)
    assert "AZURE_CLIENT_ID" not in str(info.value)
    assert info.value.code == "MissingVariable"


@pytest.mark.skipif(not MSAL_HAS_MI, reason="ManagedIdentityClient needs msal 1.29+")
def test_managed_identity(sb: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IDENTITY_ENDPOINT", sb.state["managed_identity_endpoint"])
    monkeypatch.setenv("IDENTITY_HEADER", sb.state["managed_identity_header"])
    mi = sb.state["managed_identity_client_id"]
    with bridge.connect("Sandbox", managed_identity=True) as session:
        invite(sb, session)
        ctx = session.context()
    assert ctx["AuthType"] == ctx["TokenCredentialType"] == "ManagedIdentity"
    assert ctx["ManagedIdentityId"] == "SystemAssigned"
    assert ctx["ClientId"] == mi
    with bridge.connect("Sandbox", managed_identity_client_id=mi) as session:
        invite(sb, session)
        assert session.context()["ManagedIdentityId"] == mi
    with bridge.connect("Sandbox", managed_identity=True, client_id=mi) as session:
        assert session.context()["ManagedIdentityId"] == mi
    assert token_requests(sb) == 3


@pytest.mark.skipif(MSAL_HAS_MI, reason="checks the error of msal < 1.29")
def test_managed_identity_needs_msal_1_29(sb: Sandbox) -> None:
    with pytest.raises(AuthError, match=r"needs msal 1\.29\.0 or newer") as info:
        bridge.connect("Sandbox", managed_identity=True)
    assert info.value.code == "MsalTooOld"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"scopes": ["Calls.InitiateGroupCall.All"]},
        {"use_device_code": True},
        {"environment": "Global"},  # Connect-MgGraph with nothing: interactive sign-in
    ],
)
def test_delegated_sign_in_is_refused(kwargs: dict[str, Any]) -> None:
    kwargs = {"environment": "Sandbox", **kwargs}
    with pytest.raises(AuthError, match="no delegated permission") as info:
        bridge.connect(**kwargs)
    assert info.value.code == "DelegatedNotSupported"


def test_one_credential_at_a_time(sb: Sandbox, app: dict[str, Any]) -> None:
    with pytest.raises(AuthError, match="not client_secret and access_token"):
        bridge.connect("Sandbox", **app, client_secret="x" * 10, access_token="y" * 10)
    with pytest.raises(AuthError, match="cannot be used for app-only sign-in"):
        bridge.connect("Sandbox", client_id=sb.client_id, tenant_id="common", client_secret="x")
    with pytest.raises(AuthError, match="Process or CurrentUser"):
        bridge.connect("Sandbox", context_scope="Machine")


# -- refresh, threads, the CurrentUser cache ---------------------------------------------------


def test_short_lived_token_is_refreshed_without_the_caller_noticing(sb: Sandbox) -> None:
    sb.configure(token_lifetime_s=2)  # refreshed at half-life when shorter than 10 minutes
    with bridge.connect("Sandbox") as session:
        invite(sb, session)
        first = session._tokens.token()
        time.sleep(1.2)
        invite(sb, session)
        assert session._tokens.token() != first
        invite(sb, session)
    assert token_requests(sb) == 2


def test_token_is_thread_safe(sb: Sandbox) -> None:
    sb.configure(token_lifetime_s=2)
    env = get_environment("Sandbox")
    with build_client(ca_file=env.ca_file) as client:
        tokens = sign_in(env, client)
        time.sleep(1.1)  # due for refresh: every thread wants a new token at once
        barrier = threading.Barrier(8)
        seen: list[str] = []

        def worker() -> None:
            barrier.wait()
            seen.append(tokens.token())

        threads = [threading.Thread(target=worker) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert len(seen) == 8 and len(set(seen)) == 1
    assert token_requests(sb) == 2


def test_current_user_scope_survives_a_new_process(
    sb: Sandbox, app: dict[str, Any], clean: Path
) -> None:
    with bridge.connect(
        "Sandbox", **app, client_secret=sb.client_secret, context_scope="CurrentUser"
    ) as session:
        invite(sb, session)
        assert session.context()["ContextScope"] == "CurrentUser"
    assert token_requests(sb) == 1

    folder = clean / "mgbridge" / "token_cache"
    (cache,) = folder.iterdir()
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert sb.client_secret not in cache.read_text()

    script = (
        "import json, os, uuid, bridge\n"
        "s = bridge.connect('Sandbox', client_id=os.environ['CID'], tenant_id=os.environ['TID'],"
        " client_secret=os.environ['SECRET'], context_scope='CurrentUser')\n"
        f"s.invite({sb.create_call()['id']!r},"
        " body={'Participants': [{'Identity': {'User': {'Id': str(uuid.uuid4())}}}]})\n"
        "print(json.dumps(s.context()))\n"
    )
    env = {
        **os.environ,
        "CID": app["client_id"],
        "TID": app["tenant_id"],
        "SECRET": sb.client_secret,
    }
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["ContextScope"] == "CurrentUser"
    assert token_requests(sb) == 1  # the new process used the cached token
    assert sb.stats()["invites"]["accepted"] == 2


def test_cached_token_does_not_hide_a_wrong_secret(sb: Sandbox, app: dict[str, Any]) -> None:
    scope = {"context_scope": "CurrentUser"}
    bridge.connect("Sandbox", **app, client_secret=sb.client_secret, **scope).close()
    with pytest.raises(AuthError, match="client secret is wrong"):
        bridge.connect("Sandbox", **app, client_secret="a-rotated-or-mistyped-secret", **scope)
    bridge.connect("Sandbox", **app, client_secret=sb.client_secret, **scope).close()
    assert token_requests(sb) == 2  # the right secret still finds its cached token


def test_process_scope_writes_nothing(sb: Sandbox, clean: Path) -> None:
    with bridge.connect("Sandbox") as session:
        invite(sb, session)
    assert not (clean / "mgbridge" / "token_cache").exists()


def test_cache_only_and_sign_out(sb: Sandbox, app: dict[str, Any]) -> None:
    env = get_environment("Sandbox")
    with build_client(ca_file=env.ca_file) as client:
        with pytest.raises(AuthError, match="No usable cached token") as info:
            sign_in(env, client, **app, cache_only=True, context_scope="CurrentUser")
        assert info.value.code == "NoCachedToken"

        first = sign_in(env, client, **app, certificate=pem_bundle(sb), context_scope="CurrentUser")
        again = sign_in(env, client, **app, cache_only=True, context_scope="CurrentUser")
        assert again.token() == first.token()
        assert again.context()["TokenCredentialType"] == "ClientCertificate"
        assert again.context()["CertificateThumbprint"] == sb.state["certificate_thumbprint"]
        assert token_requests(sb) == 1

        assert first.cache_file is not None and first.cache_file.exists()
        first.sign_out()
        assert not first.cache_file.exists()
        with pytest.raises(AuthError, match="Signed out"):
            first.token()
        with pytest.raises(AuthError, match="No usable cached token"):
            sign_in(env, client, **app, cache_only=True, context_scope="CurrentUser")


# -- errors say what to fix ----------------------------------------------------------------------


def test_wrong_secret(sb: Sandbox, app: dict[str, Any]) -> None:
    with pytest.raises(AuthError, match="client secret is wrong") as info:
        bridge.connect("Sandbox", **app, client_secret="not-the-secret")
    assert info.value.code == "AADSTS7000215"


def test_unknown_app(sb: Sandbox) -> None:
    with pytest.raises(AuthError, match="No application with this client ID") as info:
        bridge.connect(
            "Sandbox", client_id=str(uuid.uuid4()), tenant_id=sb.tenant_id, client_secret="x" * 9
        )
    assert info.value.code == "AADSTS700016"


def test_wrong_tenant(sb: Sandbox) -> None:
    with pytest.raises(AuthError, match=r"[Cc]heck tenant_id") as info:
        bridge.connect(
            "Sandbox",
            client_id=sb.client_id,
            tenant_id=str(uuid.uuid4()),
            client_secret=sb.client_secret,
        )
    assert info.value.code in ("InvalidTenant", "AADSTS90002")


def test_unregistered_certificate(sb: Sandbox, app: dict[str, Any]) -> None:
    with pytest.raises(AuthError, match="certificate is not registered") as info:
        bridge.connect("Sandbox", **app, certificate=self_signed())
    assert info.value.code == "AADSTS700027"


def test_app_without_the_role_gets_403_on_invite(
    sb: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bridge")
    with bridge.connect(
        "Sandbox",
        client_id=sb.state["no_role_client_id"],
        tenant_id=sb.tenant_id,
        client_secret=sb.state["no_role_client_secret"],
    ) as session:
        assert "no Calls.InitiateGroupCall.All role" in caplog.text
        assert session.context()["Scopes"] == []
        with pytest.raises(GraphError, match=r"Calls\.InitiateGroupCall\.All") as info:
            invite(sb, session)
    assert info.value.status == 403


def test_token_graph_refuses_is_a_401(sb: Sandbox) -> None:
    token = sb.issue_token(audience="https://other")
    with bridge.connect("Sandbox", access_token=token) as s, pytest.raises(GraphError) as info:
        invite(sb, s)
    assert "audience" in str(info.value)
    assert info.value.status == 401


def test_unreachable_sign_in_endpoint() -> None:
    add_environment("Nowhere", "https://127.0.0.1:1", "https://127.0.0.1:1")
    with pytest.raises(
        AuthError, match=r"Cannot obtain a token from https://127\.0\.0\.1:1"
    ) as info:
        bridge.connect("Nowhere", client_id="a", tenant_id="b", client_secret="c", max_retry=0)
    assert info.value.code == "NetworkError"


# -- nothing secret is printed or logged ---------------------------------------------------------


def test_no_secret_or_token_in_output_or_logs(
    sb: Sandbox,
    app: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("msal", "bridge", "httpx", "httpcore"):
        caplog.set_level(logging.DEBUG, logger=name)
    secrets = [sb.client_secret, sb.state["certificate_password"]]
    key_body = "".join(Path(sb.state["certificate_key_file"]).read_text().splitlines()[1:-1])
    secrets.append(key_body[:64])
    shown: list[str] = []  # reprs, messages and contexts the flows produced
    tokens: list[str] = []
    sb.configure(token_lifetime_s=2)

    def flow(**kwargs: Any) -> None:
        with bridge.connect("Sandbox", **kwargs) as session:
            invite(sb, session)
            time.sleep(1.1)  # the next invite refreshes the token
            invite(sb, session)
            tokens.append(session._tokens.token())
            shown.extend([repr(session), repr(session._tokens), json.dumps(session.context())])

    flow(**app, client_secret=sb.client_secret, context_scope="CurrentUser")
    flow(
        **app,
        certificate=sb.state["certificate_pfx_file"],
        certificate_password=sb.state["certificate_password"],
        send_certificate_chain=True,
    )
    flow(**app, certificate=pem_bundle(sb))
    monkeypatch.setenv("AZURE_CLIENT_ID", app["client_id"])
    monkeypatch.setenv("AZURE_TENANT_ID", app["tenant_id"])
    monkeypatch.setenv("AZURE_CLIENT_SECRET", sb.client_secret)
    flow(environment_variables=True)
    if MSAL_HAS_MI:
        monkeypatch.setenv("IDENTITY_ENDPOINT", sb.state["managed_identity_endpoint"])
        monkeypatch.setenv("IDENTITY_HEADER", sb.state["managed_identity_header"])
        secrets.append(sb.state["managed_identity_header"])
        flow(managed_identity=True)
    given = sb.issue_token(lifetime_s=600)
    tokens.append(given)
    with bridge.connect("Sandbox", access_token=given) as session:
        invite(sb, session)
        shown.append(repr(session._tokens))
    wrong: list[dict[str, Any]] = [
        {"client_secret": sb.client_secret + "x"},
        {"certificate": self_signed()},
    ]
    for bad in wrong:
        with pytest.raises(AuthError) as info:
            bridge.connect("Sandbox", **app, **bad)
        shown.extend([str(info.value), repr(info.value), json.dumps(info.value.to_dict())])
        secrets.append(bad.get("client_secret", ""))
    shown.append(repr(get_environment("Sandbox")))

    out, err = capfd.readouterr()
    records = [r.getMessage() for r in caplog.records]
    assert any(r.name.startswith("msal") for r in caplog.records)  # msal did log at DEBUG
    assert len(tokens) >= 5
    everything = "\n".join([caplog.text, *records, out, err, *shown])
    for secret in [s for s in secrets if s] + tokens:
        assert secret not in everything
    assert JWT.search(everything) is None  # nor any client assertion or other JWT


def test_msal_log_records_are_redacted(sb: Sandbox, caplog: pytest.LogCaptureFixture) -> None:
    """msal logs raw endpoint replies on some paths (managed identity, WS-Trust): scrubbed."""
    caplog.set_level(logging.DEBUG, logger="msal")
    with bridge.connect("Sandbox") as session:
        token = session._tokens.token()
    logging.getLogger("msal.application").debug(
        "unexpected payload: %s", json.dumps({"access_token": token, "s": sb.client_secret})
    )
    (record,) = [r for r in caplog.records if "unexpected payload" in r.getMessage()]
    assert token not in record.getMessage()
    assert sb.client_secret not in record.getMessage()
    assert "<redacted" in record.getMessage()
