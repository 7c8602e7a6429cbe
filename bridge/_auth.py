"""Sign-in: app-only tokens for Graph through msal, over the session's own httpx client.

The invite API has only an application permission (Calls.InitiateGroupCall.All), so the flows
are the app-only ones of Connect-MgGraph: client secret, certificate, a token you bring, managed
identity and the AZURE_* environment variables. Delegated sign-in is refused with a clear error.

Token cache (``context_scope``):
- "Process": tokens live in memory for this connection.
- "CurrentUser": msal's SerializableTokenCache is written, after every change, to
  ``<config>/mgbridge/token_cache/<connection>.json`` (mode 0600, folder 0700), because atexit
  handlers never run when PowerShell hosts Python. A later process signing in with the same
  environment, tenant, app and credential reuses a cached token without asking the token
  endpoint. The file holds a salted digest of the credential, never the secret itself.

Failures become AuthError, network failures included (code "NetworkError"): whatever stops a
token from being obtained is a sign-in failure for the caller. No secret or token is ever put in a
message, a repr or a log record (msal's loggers get a redacting filter).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import msal
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12

from bridge._environments import Environment, config_dir, get_environment
from bridge._exceptions import AuthError

__all__ = ["GRAPH_PERMISSION", "TokenProvider", "sign_in"]

GRAPH_PERMISSION = "Calls.InitiateGroupCall.All"

logger = logging.getLogger("bridge.auth")

# Refresh this long before expiry; tokens shorter than twice this are refreshed at half-life.
_MARGIN = 300.0
_MSAL_MI_VERSION = "1.29.0"
_JWT = re.compile(r"eyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*")


# --- redaction -------------------------------------------------------------------------------

# Values to scrub from msal's log records: secrets and given tokens. Tokens msal obtains are JWTs,
# which the pattern catches, so they are not collected (a long-lived process would pile them up).
_known_secrets: set[str] = set()
_secrets_lock = threading.Lock()


def _remember_secret(value: str | None) -> None:
    if value and len(value) >= 8:  # shorter ones would scrub ordinary words
        with _secrets_lock:
            _known_secrets.add(value)


def _redact(text: str) -> str:
    """``text`` with every known secret and anything shaped like a JWT replaced."""
    with _secrets_lock:
        known = sorted(_known_secrets, key=len, reverse=True)
    for secret in known:
        text = text.replace(secret, "<redacted>")
    return _JWT.sub("<redacted-jwt>", text)


class _RedactingFilter(logging.Filter):
    """msal logs raw endpoint replies at DEBUG on some paths (managed identity, WS-Trust)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = _redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


_FILTER = _RedactingFilter()


def _guard_msal_loggers() -> None:
    # A filter on a logger sees only that logger's own records, so every msal module's logger
    # gets one; loggers of modules msal imports late are covered at the next sign-in.
    for name in list(logging.root.manager.loggerDict):
        if name == "msal" or name.startswith("msal."):
            log = logging.getLogger(name)
            if _FILTER not in log.filters:
                log.addFilter(_FILTER)


_guard_msal_loggers()


# --- JWT claims --------------------------------------------------------------------------------


def _claims(token: str) -> dict[str, Any]:
    """The payload of a JWT, unverified (only for expiry and display); {} for other tokens."""
    parts = token.split(".")
    if len(parts) != 3:
        return {}
    try:
        payload = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except ValueError:
        return {}
    return payload if isinstance(payload, dict) else {}


# --- msal over the session's httpx client -----------------------------------------------------


class _MsalHttp:
    """msal's http_client contract on top of the session's httpx client (bridge-tech.md §3.2).

    msal puts the signed client assertion in the form as bytes, which httpx would send as
    ``b'...'``; values are decoded here. ``close`` is a no-op: the session owns the client.
    """

    def __init__(self, client: httpx.Client) -> None:
        self._client = client

    def post(
        self,
        url: str,
        params: Any = None,
        data: Any = None,
        headers: Any = None,
        **_: Any,
    ) -> httpx.Response:
        if isinstance(data, dict):
            form = {k: v.decode() if isinstance(v, bytes) else v for k, v in data.items()}
            return self._client.post(url, params=params, data=form, headers=headers)
        return self._client.post(url, params=params, content=data, headers=headers)

    def get(self, url: str, params: Any = None, headers: Any = None, **_: Any) -> httpx.Response:
        return self._client.get(url, params=params, headers=headers)

    def close(self) -> None:
        pass


# --- certificates ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Certificate:
    private_key: str = ""  # unencrypted PKCS#8 PEM, only ever handed to msal
    thumbprint: str = ""  # SHA-1, upper-case hex, as Get-MgContext shows it
    chain: str = ""  # PEM, leaf first
    subject: str = ""

    def __repr__(self) -> str:
        return f"_Certificate(thumbprint={self.thumbprint!r}, subject={self.subject!r})"

    def credential(self, send_chain: bool) -> dict[str, str]:
        # {"private_key", "thumbprint"} signs RS256 with x5t in every msal from 1.21 to 1.39.
        cred = {"private_key": self.private_key, "thumbprint": self.thumbprint}
        if send_chain:
            cred["public_certificate"] = self.chain  # sent as x5c (subject name/issuer auth)
        return cred


_PEM_CERT = re.compile(rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.S)
_PEM_KEY = re.compile(rb"-----BEGIN ([A-Z ]*)PRIVATE KEY-----.+?-----END \1PRIVATE KEY-----", re.S)


def _load_certificate(
    certificate: str | os.PathLike[str] | bytes, password: str | bytes | None
) -> _Certificate:
    """A PEM file, a PFX/PKCS#12 file or PEM text (str or bytes) → key, thumbprint and chain."""
    if isinstance(certificate, bytes):
        data, where = certificate, "the certificate"
    elif isinstance(certificate, str) and "-----BEGIN" in certificate:
        data, where = certificate.encode(), "the certificate text"
    else:
        where = f"the certificate file {os.fspath(certificate)!r}"
        try:
            data = Path(certificate).read_bytes()
        except OSError as exc:
            raise _error(f"Cannot read {where}: {exc.strerror}.", "CertificateNotFound") from exc
    pwd = password.encode() if isinstance(password, str) else password
    if b"-----BEGIN" in data:
        key, certs = _read_pem(data, pwd, where)
    else:
        try:
            key, leaf, extra = pkcs12.load_key_and_certificates(data, pwd or None)
        except (ValueError, TypeError) as exc:
            hint = "the password is wrong" if pwd else "it needs certificate_password"
            raise _error(
                f"Cannot open {where} as PFX: {hint}, or it is not a PEM or PFX file.",
                "CertificateUnreadable",
            ) from exc
        certs = ([leaf] if leaf else []) + list(extra)
    if key is None:
        raise _error(f"{where} holds no private key.", "CertificateNoPrivateKey")
    if not isinstance(key, rsa.RSAPrivateKey):
        raise _error(f"{where} must hold an RSA key (Entra ID signs with RS256).", "CertificateKey")
    mine = key.public_key().public_numbers()
    leaves = [c for c in certs if _public_numbers(c) == mine]
    if not leaves:
        raise _error(f"{where} holds no certificate for its private key.", "CertificateNoMatch")
    chain = leaves[:1] + [c for c in certs if c is not leaves[0]]
    return _Certificate(
        private_key=key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode(),
        thumbprint=leaves[0].fingerprint(hashes.SHA1()).hex().upper(),  # x5t is SHA-1
        chain="".join(c.public_bytes(serialization.Encoding.PEM).decode() for c in chain),
        subject=leaves[0].subject.rfc4514_string(),
    )


def _public_numbers(cert: x509.Certificate) -> Any:
    public = cert.public_key()
    return public.public_numbers() if isinstance(public, rsa.RSAPublicKey) else None


def _read_pem(
    data: bytes, password: bytes | None, where: str
) -> tuple[Any, list[x509.Certificate]]:
    try:
        certs = [x509.load_pem_x509_certificate(block) for block in _PEM_CERT.findall(data)]
    except ValueError as exc:
        raise _error(f"{where} holds a damaged certificate.", "CertificateUnreadable") from exc
    match = _PEM_KEY.search(data)
    if match is None:
        return None, certs
    try:
        key = serialization.load_pem_private_key(match.group(0), password or None)
    except TypeError as exc:  # encrypted without a password, or a password for a plain key
        raise _error(
            f"The private key in {where} is encrypted: give certificate_password."
            if not password
            else f"The private key in {where} is not encrypted: leave certificate_password out.",
            "CertificatePassword",
        ) from exc
    except ValueError as exc:
        raise _error(
            f"Cannot read the private key in {where}: wrong password, or a damaged key.",
            "CertificatePassword",
        ) from exc
    return key, certs


# --- the persisted cache ------------------------------------------------------------------------


class _CacheFile:
    """One connection's msal cache on disk, plus the non-secret context it was signed in with."""

    def __init__(self, key: str) -> None:
        self.path = config_dir() / "token_cache" / f"{key}.json"
        self.cache = msal.SerializableTokenCache()
        self.saved: dict[str, Any] = {}
        self.text = ""
        self.credential: dict[str, str] = {}
        try:
            stored = json.loads(self.path.read_text(encoding="utf-8"))
            self.text = stored["msal"]
            self.saved = stored.get("context", {})
            self.cache.deserialize(self.text)
        except FileNotFoundError:
            pass
        except (OSError, ValueError, KeyError, TypeError):
            logger.warning("Ignoring the unreadable token cache %s.", self.path)

    def bind(self, material: str) -> None:
        """Ties the cache to the credential (a salted digest of it; the secret is not stored).

        Tokens obtained with another secret or certificate are dropped, so that a changed (or
        mistyped) credential is checked by the token endpoint instead of hidden by the cache.
        """
        stored = self.saved.get("Credential") or {}
        salt = stored.get("salt") or secrets.token_hex(16)
        digest = hmac.new(bytes.fromhex(salt), material.encode(), hashlib.sha256).hexdigest()
        if stored and not hmac.compare_digest(str(stored.get("digest")), digest):
            self.cache, self.text = msal.SerializableTokenCache(), ""
        self.credential = {"salt": salt, "digest": digest}

    def save(self, context: Mapping[str, Any]) -> None:
        if not self.cache.has_state_changed:
            return
        context = {**context, "Credential": self.credential}
        text = json.dumps({"context": context, "msal": self.cache.serialize()})
        for folder in (self.path.parent.parent, self.path.parent):
            folder.mkdir(mode=0o700, exist_ok=True, parents=True)
        os.chmod(self.path.parent, 0o700)  # mkdir's mode is masked by umask, and may be older
        # mkstemp creates the file 0600; the rename makes the new cache appear whole.
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".tmp-")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, self.path)

    def remove(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()

    def cached_token(self, client_id: str, tenant_id: str, scope: str) -> tuple[str, float] | None:
        """(token, expires_at) of a usable access token another process cached.

        Read from the standard MSAL cache schema, because msal < 1.23 does not look in the cache
        for client-credential tokens and because a cache-only connection has no msal app.
        """
        try:
            entries = json.loads(self.text or "{}").get("AccessToken", {}).values()
        except ValueError:
            return None
        now = time.time()
        for e in entries:
            if (
                e.get("client_id") == client_id
                and str(e.get("realm", "")).lower() == tenant_id.lower()
                and scope.lower() in str(e.get("target", "")).lower().split()
            ):
                expires_at = float(e.get("expires_on", 0))
                lifetime = expires_at - float(e.get("cached_at", now))
                if expires_at - _margin(lifetime) > now:
                    return e["secret"], expires_at
        return None


def _margin(lifetime: float) -> float:
    return min(_MARGIN, max(lifetime, 0.0) / 2)


# --- the token provider --------------------------------------------------------------------------


class TokenProvider:
    """Gives a valid bearer token for Graph, refreshing it silently before it expires.

    Thread-safe: several PowerShell runspaces may share one connection.
    """

    def __init__(
        self,
        *,
        context: dict[str, Any],
        acquire: Callable[[], Mapping[str, Any]] | None,
        cache: _CacheFile | None = None,
        token: str | None = None,
        expires_at: float | None = None,
        renew_hint: str = "",
    ) -> None:
        self._context = context
        self._acquire = acquire
        self._cache = cache
        self._token = token
        self._expires_at = expires_at
        self._lifetime = (expires_at - time.time()) if expires_at else 0.0
        self._renew_hint = renew_hint
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return (
            f"<TokenProvider {self._context['AuthType']}/{self._context['TokenCredentialType']} "
            f"client={self._context['ClientId']} environment={self._context['Environment']}>"
        )

    def token(self) -> str:
        """The current access token; a new one is obtained when it is within the margin."""
        with self._lock:
            if self._token is None or self._needs_refresh():
                try:
                    self._refresh()
                except AuthError:
                    if not self._usable():
                        raise
                    # Refreshing early failed (endpoint down?); the old token still works.
                    logger.warning(
                        "Token refresh failed; using the current token until it expires."
                    )
            assert self._token is not None
            return self._token

    def current_token(self) -> str | None:
        """The token when it needs no refresh, without waiting: None while another thread
        refreshes it or when it is due (then `token()`, off the event loop, gets a new one)."""
        if not self._lock.acquire(blocking=False):
            return None
        try:
            return None if self._token is None or self._needs_refresh() else self._token
        finally:
            self._lock.release()

    def context(self) -> dict[str, Any]:
        """The Get-MgContext fields of this connection (never a secret)."""
        with self._lock:
            claims = _claims(self._token) if self._token else {}
        ctx = dict(self._context)
        roles = claims.get("roles")
        if isinstance(roles, list):
            ctx["Scopes"] = [str(r) for r in roles]
        ctx["ClientId"] = ctx["ClientId"] or claims.get("appid") or claims.get("azp")
        ctx["TenantId"] = ctx["TenantId"] or claims.get("tid")
        ctx["AppName"] = ctx["AppName"] or claims.get("app_displayname")
        return ctx

    @property
    def cache_file(self) -> Path | None:
        """This connection's token cache file in CurrentUser scope, else None."""
        return self._cache.path if self._cache is not None else None

    def sign_out(self) -> None:
        """Disconnects: forgets the token and the credential, and in CurrentUser scope deletes
        this connection's cache file. Later ``token()`` calls raise AuthError."""
        with self._lock:
            self._token = None
            self._expires_at = None
            self._acquire = None
            self._renew_hint = "Connect again."
            if self._cache is not None:
                self._cache.remove()

    def _usable(self) -> bool:
        return self._token is not None and (
            self._expires_at is None or time.time() < self._expires_at - 10
        )

    def _needs_refresh(self) -> bool:
        if self._expires_at is None:
            return False
        return time.time() >= self._expires_at - _margin(self._lifetime)

    def _refresh(self) -> None:
        if self._acquire is None:
            if self._expires_at is not None and time.time() >= self._expires_at:
                raise _error(f"The access token has expired. {self._renew_hint}", "TokenExpired")
            if self._token is None:
                raise _error(f"Signed out. {self._renew_hint}", "NotConnected")
            return  # a token we cannot renew is used until it actually expires
        started = time.time()
        result = self._acquire()
        if "access_token" not in result:
            raise _msal_error(result, self._context)
        self._token = str(result["access_token"])
        claims = _claims(self._token)
        if self._expires_at is None and claims and GRAPH_PERMISSION not in claims.get("roles", []):
            logger.warning(
                "The token has no %s role, so Graph will refuse invites (403): grant the app "
                "that application permission, with admin consent.",
                GRAPH_PERMISSION,
            )
        lifetime = float(result.get("expires_in") or 3600)
        self._lifetime = lifetime
        self._expires_at = started + lifetime
        if self._cache is not None:
            self._cache.save(
                {k: self._context[k] for k in ("TokenCredentialType", "CertificateThumbprint")}
            )


# --- sign_in -------------------------------------------------------------------------------------


def sign_in(
    environment: Environment | str | None,
    http_client: httpx.Client,
    *,
    client_id: str | None = None,
    tenant_id: str | None = None,
    client_secret: str | None = None,
    certificate: str | os.PathLike[str] | bytes | None = None,
    certificate_password: str | None = None,
    certificate_thumbprint: str | None = None,
    send_certificate_chain: bool = False,
    access_token: str | None = None,
    managed_identity: bool = False,
    managed_identity_client_id: str | None = None,
    environment_variables: bool | Mapping[str, str] = False,
    context_scope: str = "Process",
    cache_only: bool = False,
    scopes: Any = None,
    use_device_code: bool = False,
) -> TokenProvider:
    """Signs in as an application and returns the connection's TokenProvider.

    Give one credential:
    - ``client_secret`` (with ``client_id``, ``tenant_id``);
    - ``certificate``: a PEM file, a PFX file (``certificate_password`` if it has one) or PEM
      text; ``certificate_thumbprint``, if given, must match it; ``send_certificate_chain``
      sends the chain (x5c) for subject-name/issuer authentication;
    - ``access_token``: used as given until it expires;
    - ``managed_identity=True`` (system-assigned), or ``managed_identity_client_id`` (or
      ``managed_identity=True`` with ``client_id``, as Connect-MgGraph -Identity -ClientId) for a
      user-assigned one; msal 1.29+;
    - ``environment_variables=True``: AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET
      or AZURE_CLIENT_CERTIFICATE_PATH (+ AZURE_CLIENT_CERTIFICATE_PASSWORD); a mapping is read
      instead of ``os.environ`` (PowerShell's ``$env:`` is not visible to Python on Linux);
    - ``cache_only=True`` (CurrentUser scope): only the token an earlier sign-in of the same app
      cached; an AuthError asks for the credential when there is none or it expires;
    - nothing, in the Sandbox environment: the sandbox's default app.

    The first token is obtained here, so wrong credentials fail now. ``scopes`` and
    ``use_device_code`` (delegated sign-in) are refused: the invite API has no delegated permission.
    """
    if scopes or use_device_code:
        raise _delegated_error()
    env = get_environment(environment)
    scope_name = _context_scope(context_scope)
    _remember_secret(client_secret)
    _remember_secret(certificate_password)
    _remember_secret(access_token)
    _guard_msal_loggers()

    given = [
        name
        for name, value in (
            ("client_secret", client_secret),
            ("certificate", certificate),
            ("access_token", access_token),
            ("managed_identity", managed_identity or managed_identity_client_id),
            ("environment_variables", environment_variables),
            ("cache_only", cache_only),
        )
        if value
    ]
    if len(given) > 1:
        raise _error(f"Give one credential, not {' and '.join(given)}.", "AmbiguousCredential")
    if certificate_thumbprint and not certificate:
        raise _error(
            "certificate_thumbprint needs certificate= (a PEM or PFX file, or PEM text): there is "
            "no certificate store to look the thumbprint up in.",
            "CertificateNotFound",
        )
    base: dict[str, Any] = {
        "ClientId": client_id,
        "TenantId": tenant_id,
        "Scopes": [],
        "AuthType": "AppOnly",
        "TokenCredentialType": "ClientSecret",
        "CertificateThumbprint": None,
        "CertificateSubjectName": None,
        "ContextScope": scope_name,
        "Environment": env.name,
        "ManagedIdentityId": None,
        "AppName": None,
        "Account": None,
    }

    if access_token:
        return _from_access_token(access_token, base)
    if managed_identity or managed_identity_client_id:
        # Connect-MgGraph -Identity -ClientId X names a user-assigned identity by its client id.
        mi_client_id = managed_identity_client_id or client_id
        return _from_managed_identity(env, http_client, mi_client_id, base)
    if environment_variables:
        source = os.environ if environment_variables is True else environment_variables
        client_id, tenant_id, client_secret, certificate, certificate_password = _from_variables(
            source
        )
        _remember_secret(client_secret)
        _remember_secret(certificate_password)
        base.update(AuthType="EnvironmentVariable", TokenCredentialType="EnvironmentVariable")
    elif not given and env.kind == "Sandbox" and not client_id:
        client_id, client_secret = env.client_id, env.client_secret
        _remember_secret(client_secret)
    elif not given:
        raise (
            _delegated_error()
            if not client_id
            else _error(
                "Give client_secret or certificate with client_id, or another app-only credential.",
                "MissingCredential",
            )
        )

    tenant_id = tenant_id or env.tenant_id
    missing = [n for n, v in (("client_id", client_id), ("tenant_id", tenant_id)) if not v]
    if missing:
        raise _error(
            f"Sign-in as an application needs {' and '.join(missing)}.", "MissingParameter"
        )
    assert client_id is not None and tenant_id is not None
    if tenant_id.lower() in ("common", "organizations", "consumers"):
        raise _error(
            f"tenant_id {tenant_id!r} cannot be used for app-only sign-in: give the tenant's ID "
            "or domain name.",
            "InvalidTenant",
        )
    base.update(ClientId=client_id, TenantId=tenant_id)
    scope = f"{env.graph_endpoint}/.default"
    cache = (
        _CacheFile(_key(env.login_endpoint, tenant_id, client_id, env.graph_endpoint))
        if scope_name == "CurrentUser"
        else None
    )

    if cache_only:
        hit = cache.cached_token(client_id, tenant_id, scope) if cache else None
        if cache is None or hit is None:
            raise _error(
                "No usable cached token for this app: cache_only needs an earlier sign-in with "
                "context_scope='CurrentUser'. Give the client secret or certificate again.",
                "NoCachedToken",
            )
        base.update(
            TokenCredentialType=cache.saved.get("TokenCredentialType", "ClientSecret"),
            CertificateThumbprint=cache.saved.get("CertificateThumbprint"),
        )
        return TokenProvider(
            context=base,
            acquire=None,
            cache=cache,
            token=hit[0],
            expires_at=hit[1],
            renew_hint="Sign in again with the client secret or certificate.",
        )

    credential: str | dict[str, str]
    if certificate:
        cert = _load_certificate(certificate, certificate_password)
        if certificate_thumbprint and _hex(certificate_thumbprint) != cert.thumbprint:
            raise _error(
                f"The certificate's thumbprint is {cert.thumbprint}, not "
                f"{certificate_thumbprint}: check which certificate you gave.",
                "CertificateThumbprintMismatch",
            )
        credential = cert.credential(send_certificate_chain)
        base.update(CertificateThumbprint=cert.thumbprint, CertificateSubjectName=cert.subject)
        if base["AuthType"] == "AppOnly":
            base["TokenCredentialType"] = "ClientCertificate"
    else:
        assert client_secret is not None
        credential = client_secret
    if cache is not None:
        cache.bind(client_secret or base["CertificateThumbprint"])

    app: list[msal.ConfidentialClientApplication] = []  # built on first use: no I/O on a hit

    def acquire() -> Mapping[str, Any]:
        with _msal_errors(env, base):
            if not app:
                app.append(
                    msal.ConfidentialClientApplication(
                        client_id,
                        client_credential=credential,
                        authority=f"{env.login_endpoint}/{tenant_id}",
                        http_client=_MsalHttp(http_client),
                        token_cache=cache.cache if cache else None,
                        **_discovery(env.login_endpoint),
                    )
                )
            result: Mapping[str, Any] = app[0].acquire_token_for_client([scope])
            return result

    hit = cache.cached_token(client_id, tenant_id, scope) if cache else None
    provider = TokenProvider(
        context=base,
        acquire=acquire,
        cache=cache,
        token=hit[0] if hit else None,
        expires_at=hit[1] if hit else None,
    )
    provider.token()
    return provider


def _from_access_token(access_token: str, base: dict[str, Any]) -> TokenProvider:
    token = access_token.strip()
    if token.lower().startswith("bearer "):
        token = token[7:].strip()
    _remember_secret(token)
    claims = _claims(token)
    exp = claims.get("exp")
    expires_at = float(exp) if isinstance(exp, int | float) else None
    hint = "Get a new access token and connect again."
    if expires_at is not None and expires_at <= time.time():
        raise _error(f"The access token has expired. {hint}", "TokenExpired")
    base.update(
        AuthType="UserProvidedAccessToken",
        TokenCredentialType="UserProvidedAccessToken",
        ClientId=claims.get("appid") or claims.get("azp"),
        TenantId=claims.get("tid"),
    )
    return TokenProvider(
        context=base, acquire=None, token=token, expires_at=expires_at, renew_hint=hint
    )


def _from_managed_identity(
    env: Environment, http_client: httpx.Client, mi_client_id: str | None, base: dict[str, Any]
) -> TokenProvider:
    if not hasattr(msal, "ManagedIdentityClient"):
        raise _error(
            f"Managed identity sign-in needs msal {_MSAL_MI_VERSION} or newer; this Python has "
            f"msal {msal.__version__}. Upgrade msal, or sign in with a secret or certificate.",
            "MsalTooOld",
        )
    identity = (
        msal.UserAssignedManagedIdentity(client_id=mi_client_id)
        if mi_client_id
        else msal.SystemAssignedManagedIdentity()
    )
    base.update(
        AuthType="ManagedIdentity",
        TokenCredentialType="ManagedIdentity",
        ManagedIdentityId=mi_client_id or "SystemAssigned",
        ClientId=mi_client_id,
    )
    cache = (
        _CacheFile(_key("managed-identity", mi_client_id or "system", env.graph_endpoint))
        if base["ContextScope"] == "CurrentUser"
        else None
    )
    client = msal.ManagedIdentityClient(
        identity,
        http_client=_MsalHttp(http_client),
        token_cache=cache.cache if cache else None,
    )

    def acquire() -> Mapping[str, Any]:
        with _msal_errors(env, base):
            result: Mapping[str, Any] = client.acquire_token_for_client(resource=env.graph_endpoint)
            return result

    provider = TokenProvider(context=base, acquire=acquire, cache=cache)
    provider.token()
    return provider


def _from_variables(
    source: Mapping[str, str],
) -> tuple[str, str, str | None, str | None, str | None]:
    get = {k: (v or "").strip() for k, v in source.items() if k.startswith("AZURE_")}.get
    secret, cert_path = get("AZURE_CLIENT_SECRET"), get("AZURE_CLIENT_CERTIFICATE_PATH")
    if not secret and not cert_path and get("AZURE_USERNAME"):
        raise _delegated_error()
    missing = [n for n in ("AZURE_CLIENT_ID", "AZURE_TENANT_ID") if not get(n)]
    if not secret and not cert_path:
        missing.append("AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH")
    if missing:
        raise _error(
            f"environment_variables sign-in is missing {', '.join(missing)}.", "MissingVariable"
        )
    return (
        get("AZURE_CLIENT_ID") or "",
        get("AZURE_TENANT_ID") or "",
        secret or None,
        None if secret else cert_path,
        get("AZURE_CLIENT_CERTIFICATE_PASSWORD") or None,
    )


# --- helpers -------------------------------------------------------------------------------------


def _context_scope(value: str) -> str:
    for name in ("Process", "CurrentUser"):
        if str(value).strip().lower() == name.lower():
            return name
    raise _error(f"context_scope must be Process or CurrentUser, not {value!r}.", "InvalidScope")


def _key(*parts: str) -> str:
    return hashlib.sha256("\n".join(p.lower() for p in parts).encode()).hexdigest()[:24]


def _hex(thumbprint: str) -> str:
    return re.sub(r"[^0-9A-Fa-f]", "", thumbprint).upper()


def _discovery(login_endpoint: str) -> dict[str, bool]:
    # msal validates authorities it does not know through login.microsoftonline.com, which
    # cannot vouch for the sandbox or a custom cloud; then the tenant's own OIDC document is used.
    host = urlsplit(login_endpoint).netloc.lower()
    known = getattr(msal.authority, "WELL_KNOWN_AUTHORITY_HOSTS", ())
    return {} if host in known else {"instance_discovery": False}


def _error(message: str, code: str) -> AuthError:
    # Messages are built without secrets; texts quoted from msal or httpx could hold a JWT.
    return AuthError(_JWT.sub("<redacted-jwt>", message), code=code)


def _delegated_error() -> AuthError:
    return _error(
        "The participants/invite API has no delegated permission, so interactive and device-code "
        "sign-in cannot be used. Sign in as an application holding the application permission "
        f"{GRAPH_PERMISSION}: a client secret, a certificate, a managed identity, "
        "environment variables, or an access token obtained for the app.",
        "DelegatedNotSupported",
    )


@contextlib.contextmanager
def _msal_errors(env: Environment, ctx: Mapping[str, Any]) -> Iterator[None]:
    """Network and msal failures → AuthError, with what to check."""
    try:
        yield
    except httpx.HTTPError as exc:
        raise _error(
            f"Cannot obtain a token from {env.login_endpoint} ({type(exc).__name__}: {exc}). "
            f"Check the network, proxy and TLS settings, and the environment ({env.name}).",
            "NetworkError",
        ) from exc
    except (ValueError, RuntimeError, msal.exceptions.MsalError) as exc:
        # msal raises these when the authority's discovery document cannot be had, which is
        # what an unknown tenant looks like, and for managed-identity endpoint failures.
        if ctx["AuthType"] == "ManagedIdentity":
            raise _error(
                f"Managed identity sign-in failed: {exc}. Check that this machine has a managed "
                "identity (IDENTITY_ENDPOINT/IDENTITY_HEADER, or IMDS).",
                "ManagedIdentityError",
            ) from exc
        if "authority configuration" in str(exc):  # msal's text when discovery is refused
            raise _error(
                f"Sign-in failed: tenant {ctx['TenantId']!r} was not found at "
                f"{env.login_endpoint}. Check tenant_id and the environment ({env.name}).",
                "InvalidTenant",
            ) from exc
        raise _error(
            f"Sign-in failed for tenant {ctx['TenantId']!r} at {env.login_endpoint}: {exc}",
            "SignInFailed",
        ) from exc


# AADSTS code → what to fix.
_AADSTS_HINTS = {
    7000215: "The client secret is wrong: use the secret's Value (not its ID) from the app "
    "registration.",
    7000222: "The client secret has expired: create a new one in the app registration.",
    700016: "No application with this client ID exists in the tenant: check client_id and "
    "tenant_id, and that the app is registered or consented there.",
    90002: "The tenant was not found: check tenant_id and the environment (cloud).",
    900023: "The tenant ID is not valid: check tenant_id.",
    700027: "The certificate is not registered on the app (or the assertion signature is "
    "wrong): upload its public part to the app registration.",
    700024: "The client assertion is not within its valid time range: check this machine's clock.",
    7000112: "The application is disabled in the tenant.",
    500011: "Graph is not known in this tenant at this address: check the environment (cloud).",
    1002012: "The requested scope is not valid: check the environment's Graph endpoint.",
    70011: "The requested scope is not valid: check the environment's Graph endpoint.",
    53003: "A conditional access policy blocked the sign-in.",
}
_ERROR_HINTS = {
    "invalid_client": "Client authentication failed: check the client secret or certificate.",
    "unauthorized_client": "The application is not known or not allowed in this tenant: check "
    "client_id and tenant_id.",
    "invalid_request": "The sign-in request was refused: check tenant_id and client_id.",
    "invalid_scope": "The scope was refused: check the environment's Graph endpoint.",
}


def _msal_error(result: Mapping[str, Any], ctx: Mapping[str, Any]) -> AuthError:
    error = str(result.get("error") or "sign_in_failed")
    description = str(result.get("error_description") or "").strip()
    codes = [c for c in result.get("error_codes") or [] if isinstance(c, int)]
    match = re.match(r"AADSTS(\d+)", description)
    if not codes and match:
        codes = [int(match.group(1))]
    hint = next((_AADSTS_HINTS[c] for c in codes if c in _AADSTS_HINTS), None)
    hint = hint or _ERROR_HINTS.get(error, "Check the credential, client_id and tenant_id.")
    detail = description.splitlines()[0] if description else error
    who = (
        "the managed identity"
        if ctx.get("AuthType") == "ManagedIdentity"
        else f"app {ctx.get('ClientId')} in tenant {ctx.get('TenantId')}"
    )
    return _error(
        f"Sign-in failed for {who}: {hint} ({detail})",
        f"AADSTS{codes[0]}" if codes else error,
    )
