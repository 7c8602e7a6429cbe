"""The sandbox's identity side: msal itself signs in with a secret and with certificates, the
token endpoint answers in Entra's error shape, and Graph rejects tokens it must not accept."""

from __future__ import annotations

import base64
import datetime
import json
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import jwt
import msal
import pytest
from conftest import MsalHttpxAdapter
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from jwt.algorithms import RSAAlgorithm

from bridge.sandbox import Sandbox

MSAL_VERSION = tuple(int(part) for part in msal.__version__.split(".")[:2])
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


def msal_app(
    sb: Sandbox, http: MsalHttpxAdapter, credential: Any, client_id: str | None = None
) -> msal.ConfidentialClientApplication:
    return msal.ConfidentialClientApplication(
        client_id or sb.client_id,
        client_credential=credential,
        authority=sb.authority,
        http_client=http,
        instance_discovery=False,
    )


def acquire(app: msal.ConfidentialClientApplication, sb: Sandbox) -> dict[str, Any]:
    result: dict[str, Any] = app.acquire_token_for_client(scopes=[sb.state["scope"]])
    return result


def ensure_call(sb: Sandbox) -> None:
    if sb.call("c1") is None:
        sb.create_call("c1")


def graph_accepts(sb: Sandbox, token: str) -> bool:
    ensure_call(sb)
    with httpx.Client(verify=sb.ssl_context()) as client:
        response = client.get(
            f"{sb.graph}/v1.0/communications/calls/c1",
            headers={"Authorization": f"Bearer {token}"},
        )
    return response.status_code == 200


def assertion_header(http: MsalHttpxAdapter) -> dict[str, Any]:
    header: dict[str, Any] = jwt.get_unverified_header(http.forms[-1]["client_assertion"])
    return header


def key_pem(sb: Sandbox) -> str:
    return Path(sb.state["certificate_key_file"]).read_text()


def new_certificate() -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test app")])
    now = datetime.datetime.now(datetime.timezone.utc)  # noqa: UP017 - cryptography 38
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    return key, cert


def pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


# -- msal signs in --------------------------------------------------------------------------------


def test_msal_signs_in_with_the_secret(sb: Sandbox, msal_http: MsalHttpxAdapter) -> None:
    result = acquire(msal_app(sb, msal_http, sb.client_secret), sb)
    assert result["token_type"] == "Bearer"
    assert graph_accepts(sb, result["access_token"])
    discovery, token = [r for r in sb.requests() if r["kind"] in ("discovery", "token")]
    assert discovery["path"] == f"/{sb.tenant_id}/v2.0/.well-known/openid-configuration"
    assert token["body"]["client_secret"] == "<redacted>"
    assert sb.client_secret not in json.dumps(sb.requests())


def test_msal_signs_in_with_a_certificate_rs256_x5t(
    sb: Sandbox, msal_http: MsalHttpxAdapter
) -> None:
    credential = {"private_key": key_pem(sb), "thumbprint": sb.state["certificate_thumbprint"]}
    result = acquire(msal_app(sb, msal_http, credential), sb)
    assert graph_accepts(sb, result["access_token"])
    header = assertion_header(msal_http)
    assert header["alg"] == "RS256" and "x5t" in header
    [token] = [r for r in sb.requests() if r["kind"] == "token"]
    assert token["body"]["client_assertion"] == "<redacted>"


@pytest.mark.skipif(MSAL_VERSION < (1, 35), reason="msal signs PS256 from 1.35")
def test_msal_signs_in_with_a_certificate_ps256_x5t_s256(
    sb: Sandbox, msal_http: MsalHttpxAdapter
) -> None:
    credential = {
        "private_key": key_pem(sb),
        "public_certificate": Path(sb.state["certificate_file"]).read_text(),
    }
    result = acquire(msal_app(sb, msal_http, credential), sb)
    assert graph_accepts(sb, result["access_token"])
    header = assertion_header(msal_http)
    assert header["alg"] == "PS256" and "x5t#S256" in header


@pytest.mark.skipif(MSAL_VERSION < (1, 29), reason="msal reads PFX files from 1.29")
def test_msal_signs_in_with_the_pfx(sb: Sandbox, msal_http: MsalHttpxAdapter) -> None:
    credential = {
        "private_key_pfx_path": sb.state["certificate_pfx_file"],
        "passphrase": sb.state["certificate_password"],
    }
    result = acquire(msal_app(sb, msal_http, credential), sb)
    assert graph_accepts(sb, result["access_token"])


@pytest.mark.skipif(MSAL_VERSION < (1, 28), reason="msal has oidc_authority from 1.28")
def test_msal_accepts_the_issuer_as_an_oidc_authority(
    sb: Sandbox, msal_http: MsalHttpxAdapter
) -> None:
    app = msal.ConfidentialClientApplication(
        sb.client_id,
        client_credential=sb.client_secret,
        oidc_authority=f"{sb.authority}/v2.0",
        http_client=msal_http,
    )
    assert graph_accepts(sb, acquire(app, sb)["access_token"])


def test_a_registered_certificate_signs_in(sb: Sandbox, msal_http: MsalHttpxAdapter) -> None:
    key, cert = new_certificate()
    cert_pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    sha1 = cert.fingerprint(hashes.SHA1()).hex()
    credential = {"private_key": pem(key), "thumbprint": sha1}
    failed = acquire(msal_app(sb, msal_http, credential), sb)
    assert failed["error"] == "invalid_client" and failed["error_codes"] == [700027]

    with httpx.Client(verify=sb.ssl_context()) as admin:
        response = admin.post(
            f"{sb.state['admin']}/apps/{sb.client_id}/certificates",
            json={"certificate": cert_pem},
        )
    assert response.status_code == 201
    assert response.json()["thumbprint"] == sha1.upper()
    result = acquire(msal_app(sb, msal_http, credential), sb)
    assert graph_accepts(sb, result["access_token"])


def test_the_token_has_the_claims_graph_needs(sb: Sandbox, msal_http: MsalHttpxAdapter) -> None:
    result = acquire(msal_app(sb, msal_http, sb.client_secret), sb)
    with httpx.Client(verify=sb.ssl_context()) as client:
        discovery = client.get(f"{sb.authority}/v2.0/.well-known/openid-configuration").json()
        jwks = client.get(discovery["jwks_uri"]).json()
    assert discovery["issuer"] == f"{sb.authority}/v2.0"
    assert discovery["token_endpoint"] == sb.state["token_endpoint"]
    [jwk] = jwks["keys"]
    assert jwt.get_unverified_header(result["access_token"])["kid"] == jwk["kid"]
    claims = jwt.decode(
        result["access_token"],
        RSAAlgorithm.from_jwk(json.dumps(jwk)),  # type: ignore[arg-type]
        algorithms=["RS256"],
        audience=sb.graph,
        issuer=discovery["issuer"],
    )
    assert (claims["tid"], claims["appid"]) == (sb.tenant_id, sb.client_id)
    assert claims["roles"] == ["Calls.InitiateGroupCall.All"]
    assert claims["exp"] - claims["iat"] == result["expires_in"] == 3600
    assert claims["nbf"] <= time.time()


# -- the token endpoint refuses ---------------------------------------------------------------


def post_token(sb: Sandbox, form: dict[str, str]) -> httpx.Response:
    with httpx.Client(verify=sb.ssl_context()) as client:
        return client.post(sb.state["token_endpoint"], data=form)


def assert_aad_error(response: httpx.Response, status: int, error: str, code: int) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] == error
    assert body["error_codes"] == [code]
    assert body["error_description"].startswith(f"AADSTS{code}: ")
    assert body["trace_id"] == response.headers["request-id"]
    assert {"timestamp", "correlation_id", "error_uri"} <= set(body)


def test_msal_reports_a_wrong_secret(sb: Sandbox, msal_http: MsalHttpxAdapter) -> None:
    result = acquire(msal_app(sb, msal_http, "not-the-secret"), sb)
    assert result["error"] == "invalid_client"
    assert result["error_codes"] == [7000215]
    assert "not-the-secret" not in json.dumps(sb.requests())


@pytest.mark.parametrize(
    ("change", "status", "error", "code"),
    [
        ({"client_secret": "wrong"}, 401, "invalid_client", 7000215),
        ({"client_secret": None}, 401, "invalid_client", 7000218),
        ({"client_id": str(uuid.uuid4())}, 400, "unauthorized_client", 700016),
        ({"client_id": None}, 400, "invalid_request", 900144),
        ({"grant_type": "password"}, 400, "unsupported_grant_type", 70003),
        ({"scope": "https://graph.microsoft.com/.default"}, 400, "invalid_resource", 500011),
        ({"scope": "Calls.InitiateGroupCall.All"}, 400, "invalid_scope", 1002012),
        ({"scope": None}, 400, "invalid_request", 900144),
    ],
    ids=[
        "wrong-secret",
        "no-credential",
        "unknown-app",
        "no-client-id",
        "grant",
        "other-resource",
        "not-default",
        "no-scope",
    ],
)
def test_token_endpoint_errors_have_the_aad_shape(
    sb: Sandbox, change: dict[str, str | None], status: int, error: str, code: int
) -> None:
    form: dict[str, str | None] = {
        "grant_type": "client_credentials",
        "client_id": sb.client_id,
        "client_secret": sb.client_secret,
        "scope": sb.state["scope"],
        **change,
    }
    sent = {k: v for k, v in form.items() if v is not None}
    assert_aad_error(post_token(sb, sent), status, error, code)


def test_an_unknown_tenant_is_refused(sb: Sandbox) -> None:
    with httpx.Client(verify=sb.ssl_context()) as client:
        response = client.get(f"{sb.graph}/other-tenant/v2.0/.well-known/openid-configuration")
    assert_aad_error(response, 400, "invalid_request", 90002)


def assertion(sb: Sandbox, **changes: Any) -> str:
    """A client assertion for the default app; ``changes`` override claims, or give
    ``key``/``alg``/``headers``."""
    now = int(time.time())
    key = changes.pop("key", key_pem(sb))
    alg = changes.pop("alg", "RS256")
    thumbprint = bytes.fromhex(sb.state["certificate_thumbprint"])
    headers = changes.pop("headers", {"x5t": b64url(thumbprint)})
    claims = {
        "aud": sb.state["token_endpoint"],
        "iss": sb.client_id,
        "sub": sb.client_id,
        "jti": str(uuid.uuid4()),
        "iat": now,
        "nbf": now,
        "exp": now + 600,
        **changes,
    }
    return jwt.encode(claims, key, algorithm=alg, headers=headers)


def post_assertion(sb: Sandbox, signed: str) -> httpx.Response:
    return post_token(
        sb,
        {
            "grant_type": "client_credentials",
            "client_id": sb.client_id,
            "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": signed,
            "scope": sb.state["scope"],
        },
    )


def test_a_ps256_assertion_with_x5t_s256_is_accepted(sb: Sandbox) -> None:
    thumbprint = bytes.fromhex(sb.state["certificate_thumbprint_sha256"])
    signed = assertion(sb, alg="PS256", headers={"x5t#S256": b64url(thumbprint)})
    response = post_assertion(sb, signed)
    assert response.status_code == 200, response.text
    assert graph_accepts(sb, response.json()["access_token"])


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"exp": int(time.time()) - 60}, 700024),
        ({"nbf": int(time.time()) + 600}, 700024),
        ({"aud": "https://login.microsoftonline.com/common/oauth2/v2.0/token"}, 700023),
        ({"iss": "someone-else", "sub": "someone-else"}, 700021),
        ({"headers": {"x5t": b64url(b"unknown certificate!")}}, 700027),
        ({"key": "other"}, 700027),
        ({"alg": "HS256", "key": "a shared secret that is long enough"}, 5002738),
        ({"headers": {}}, 700027),
    ],
    ids=[
        "expired",
        "not-yet-valid",
        "other-audience",
        "other-app",
        "unknown-key",
        "wrong-signature",
        "hs256",
        "no-thumbprint",
    ],
)
def test_bad_assertions_are_refused(sb: Sandbox, changes: dict[str, Any], code: int) -> None:
    if changes.get("key") == "other":
        changes["key"] = pem(new_certificate()[0])
    assert_aad_error(post_assertion(sb, assertion(sb, **changes)), 401, "invalid_client", code)


# -- Graph refuses tokens -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"lifetime_s": -10}, "expired"),
        ({"audience": "https://graph.microsoft.com"}, "Invalid audience"),
        ({"issuer": "https://login.microsoftonline.com/x/v2.0"}, "Invalid issuer"),
        ({"tenant_id": str(uuid.uuid4())}, "Invalid tenant"),
        ({"foreign_key": True}, "Invalid signature"),
    ],
    ids=["expired", "other-audience", "other-issuer", "other-tenant", "signed-by-another-key"],
)
def test_graph_refuses_tokens_it_must_not_accept(
    sb: Sandbox, options: dict[str, Any], message: str
) -> None:
    token = sb.issue_token(**options)
    response = get_call(sb, f"Bearer {token}")
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["code"] == "InvalidAuthenticationToken" and message in error["message"]
    challenge = response.headers["www-authenticate"]
    assert challenge.startswith("Bearer ") and 'error="invalid_token"' in challenge


@pytest.mark.parametrize("authorization", [None, "Bearer", "Basic dXNlcjpwYXNz", "Bearer x.y"])
def test_graph_refuses_missing_and_malformed_tokens(sb: Sandbox, authorization: str | None) -> None:
    response = get_call(sb, authorization)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "InvalidAuthenticationToken"
    assert "authorization_uri=" in response.headers["www-authenticate"]


def get_call(sb: Sandbox, authorization: str | None) -> httpx.Response:
    ensure_call(sb)
    headers = {"Authorization": authorization} if authorization is not None else {}
    with httpx.Client(verify=sb.ssl_context()) as client:
        return client.get(f"{sb.graph}/v1.0/communications/calls/c1", headers=headers)


def test_an_app_without_the_role_gets_403(sb: Sandbox, msal_http: MsalHttpxAdapter) -> None:
    app = msal_app(sb, msal_http, sb.no_role_client_secret, client_id=sb.no_role_client_id)
    token = acquire(app, sb)["access_token"]
    ensure_call(sb)
    with httpx.Client(verify=sb.ssl_context()) as client:
        response = client.post(
            f"{sb.graph}/beta/communications/calls/c1/participants/invite",
            json={"participants": []},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "accessDenied"


def test_short_lived_tokens_for_refresh_tests(sb: Sandbox, msal_http: MsalHttpxAdapter) -> None:
    with httpx.Client(verify=sb.ssl_context()) as admin:
        settings = admin.post(f"{sb.state['admin']}/settings", json={"tokenLifetimeSeconds": 1})
    assert settings.json()["tokenLifetimeSeconds"] == 1
    result = acquire(msal_app(sb, msal_http, sb.client_secret), sb)
    assert result["expires_in"] == 1
    assert graph_accepts(sb, result["access_token"])
    time.sleep(1.1)
    response = get_call(sb, f"Bearer {result['access_token']}")
    assert response.status_code == 401
    assert "expired" in response.json()["error"]["message"]


# -- managed identity -----------------------------------------------------------------------------


def test_the_managed_identity_endpoint_speaks_app_service(sb: Sandbox) -> None:
    params = {"api-version": "2019-08-01", "resource": sb.graph}
    with httpx.Client(verify=sb.ssl_context()) as client:
        endpoint = sb.state["managed_identity_endpoint"]
        header = {"X-IDENTITY-HEADER": sb.state["managed_identity_header"]}
        ok = client.get(endpoint, params=params, headers=header)
        wrong_header = client.get(endpoint, params=params, headers={"X-IDENTITY-HEADER": "x"})
        wrong_resource = client.get(
            endpoint, params={**params, "resource": "https://graph.microsoft.com"}, headers=header
        )
    assert ok.status_code == 200
    answer = ok.json()
    assert answer["client_id"] == sb.state["managed_identity_client_id"]
    assert (answer["resource"], answer["token_type"]) == (sb.graph, "Bearer")
    assert int(answer["expires_on"]) > time.time()
    assert graph_accepts(sb, answer["access_token"])
    assert wrong_header.status_code == 401 and wrong_resource.status_code == 400
    [recorded, *_] = [r for r in sb.requests() if r["kind"] == "managed_identity"]
    assert recorded["headers"]["x-identity-header"] == "<redacted>"


@pytest.mark.skipif(
    not hasattr(msal, "ManagedIdentityClient"), reason="msal has ManagedIdentityClient from 1.29"
)
def test_msal_managed_identity_client_gets_a_token(
    sb: Sandbox, msal_http: MsalHttpxAdapter, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("IDENTITY_SERVER_THUMBPRINT", "MSI_ENDPOINT", "MSI_SECRET", "IMDS_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("IDENTITY_ENDPOINT", sb.state["managed_identity_endpoint"])
    monkeypatch.setenv("IDENTITY_HEADER", sb.state["managed_identity_header"])
    client = msal.ManagedIdentityClient(msal.SystemAssignedManagedIdentity(), http_client=msal_http)
    result = client.acquire_token_for_client(resource=sb.graph)
    assert graph_accepts(sb, result["access_token"])
