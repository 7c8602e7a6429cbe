"""The sandbox tenant: its apps, the tokens it issues, and how it checks credentials and tokens."""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import secrets
import threading
import uuid
from dataclasses import dataclass, field, replace
from typing import Any

import jwt
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from bridge.sandbox._tls import thumbprints

GRAPH_ROLE = "Calls.InitiateGroupCall.All"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
MANAGED_IDENTITY_API_VERSION = "2019-08-01"
_ASSERTION_ALGORITHMS = ("RS256", "PS256")
_RESERVED_SCOPES = {"openid", "profile", "offline_access"}
_TOKEN_CACHE_LIMIT = 50_000


class AadError(Exception):
    """A token-endpoint failure, answered in Entra's shape (``error``, ``AADSTSnnn``, ...)."""

    def __init__(self, status: int, error: str, code: int, message: str) -> None:
        self.status = status
        self.error = error
        self.code = code
        super().__init__(message)


class TokenRejected(Exception):
    """An access token Graph does not accept; the text is Graph's 401 message."""


@dataclass
class App:
    """An app registration with its service principal, its secret and its certificates."""

    client_id: str
    display_name: str
    roles: tuple[str, ...]
    secret: str | None = None
    object_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    # Public keys by certificate thumbprint: SHA-1 hex (x5t) and SHA-256 hex (x5t#S256).
    keys: dict[str, Any] = field(default_factory=dict)

    def add_certificate(self, cert: x509.Certificate) -> tuple[str, str]:
        sha1, sha256 = thumbprints(cert)
        self.keys[sha1] = self.keys[sha256] = cert.public_key()
        return sha1, sha256


class Directory:
    """Issues and checks the tokens of one sandbox tenant. Thread-safe."""

    def __init__(
        self,
        *,
        tenant_id: str,
        graph: str,
        authority: str,
        signing_key: rsa.RSAPrivateKey,
        token_lifetime_s: int,
    ) -> None:
        self.tenant_id = tenant_id
        self.graph = graph
        self.authority = authority
        self.issuer = f"{authority}/v2.0"
        self.token_endpoint = f"{authority}/oauth2/v2.0/token"
        self.token_lifetime_s = token_lifetime_s
        self._signing_key = signing_key
        self._kid = base64.urlsafe_b64encode(
            uuid.uuid5(uuid.NAMESPACE_URL, str(signing_key.public_key().public_numbers().n)).bytes
        ).decode()
        self._apps: dict[str, App] = {}
        self._builtin: list[App] = []
        self._lock = threading.Lock()
        # Valid tokens' claims by token text: RSA verification once per token, not per request.
        self._verified: dict[str, dict[str, Any]] = {}

    # -- apps ---------------------------------------------------------------------------------

    def set_builtin_apps(self, apps: list[App]) -> None:
        """Registers ``apps`` as the ones that survive ``reset``."""
        self._builtin = apps
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._apps = {app.client_id: replace(app, keys=dict(app.keys)) for app in self._builtin}

    def app(self, client_id: str) -> App | None:
        return self._apps.get(client_id)

    def add_app(
        self,
        *,
        client_id: str | None = None,
        client_secret: str | None = None,
        roles: tuple[str, ...] = (GRAPH_ROLE,),
        certificate_pem: str | None = None,
        display_name: str = "sandbox app",
    ) -> dict[str, Any]:
        app = App(
            client_id or str(uuid.uuid4()),
            display_name,
            tuple(roles),
            client_secret if client_secret is not None else secrets.token_urlsafe(30),
        )
        with self._lock:
            if app.client_id in self._apps:
                raise ValueError(f"an app with client id {app.client_id} exists already")
            self._apps[app.client_id] = app
        result: dict[str, Any] = {
            "clientId": app.client_id,
            "clientSecret": app.secret,
            "roles": list(app.roles),
        }
        if certificate_pem:
            result.update(self.register_certificate(app.client_id, certificate_pem))
        return result

    def register_certificate(self, client_id: str, certificate_pem: str) -> dict[str, str]:
        """Adds a certificate to an app; raises KeyError for an unknown app."""
        cert = x509.load_pem_x509_certificate(certificate_pem.encode())
        with self._lock:
            sha1, sha256 = self._apps[client_id].add_certificate(cert)
        return {"clientId": client_id, "thumbprint": sha1, "thumbprintSha256": sha256}

    # -- documents ------------------------------------------------------------------------------

    def discovery(self) -> dict[str, Any]:
        """The OpenID configuration document, with the fields msal reads."""
        origin = self.graph
        return {
            "token_endpoint": self.token_endpoint,
            "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt"],
            "jwks_uri": f"{self.authority}/discovery/v2.0/keys",
            "response_modes_supported": ["query", "fragment", "form_post"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "issuer": self.issuer,
            "request_uri_parameter_supported": False,
            "authorization_endpoint": f"{self.authority}/oauth2/v2.0/authorize",
            "device_authorization_endpoint": f"{self.authority}/oauth2/v2.0/devicecode",
            "end_session_endpoint": f"{self.authority}/oauth2/v2.0/logout",
            "tenant_region_scope": "sandbox",
            "cloud_instance_name": "mgbridge.sandbox",
            "cloud_graph_host_name": origin.split("//", 1)[1],
            "msgraph_host": origin.split("//", 1)[1],
        }

    def jwks(self) -> dict[str, Any]:
        jwk = json.loads(RSAAlgorithm.to_jwk(self._signing_key.public_key()))
        jwk.update({"kid": self._kid, "use": "sig", "alg": "RS256"})
        return {"keys": [jwk]}

    # -- issuing ------------------------------------------------------------------------------

    def issue(
        self,
        client_id: str,
        *,
        now: float,
        lifetime_s: int | None = None,
        roles: tuple[str, ...] | None = None,
        audience: str | None = None,
        issuer: str | None = None,
        tenant_id: str | None = None,
        key: rsa.RSAPrivateKey | None = None,
        appidacr: str = "1",
    ) -> tuple[str, int]:
        """An access token for Graph and its expiry (epoch seconds); overrides make bad tokens."""
        app = self._apps.get(client_id)
        issued = int(now)
        expires = issued + (self.token_lifetime_s if lifetime_s is None else lifetime_s)
        claims: dict[str, Any] = {
            "aud": audience or self.graph,
            "iss": issuer or self.issuer,
            "iat": issued,
            "nbf": issued,
            "exp": expires,
            "tid": tenant_id or self.tenant_id,
            "appid": client_id,
            "azp": client_id,
            "appidacr": appidacr,
            "idtyp": "app",
            "oid": app.object_id if app else str(uuid.uuid4()),
            "sub": app.object_id if app else str(uuid.uuid4()),
            "app_displayname": app.display_name if app else "unknown",
            "uti": secrets.token_urlsafe(16),
            "ver": "1.0",
        }
        granted = (app.roles if app else ()) if roles is None else roles
        if granted:
            claims["roles"] = list(granted)
        token = jwt.encode(
            claims, key or self._signing_key, algorithm="RS256", headers={"kid": self._kid}
        )
        return token, expires

    def client_credentials(self, form: dict[str, str], *, now: float) -> dict[str, Any]:
        """The token response for a client-credentials request; raises AadError."""
        if form.get("grant_type") != "client_credentials":
            raise AadError(
                400,
                "unsupported_grant_type",
                70003,
                f"The app requested an unsupported grant type '{form.get('grant_type', '')}'.",
            )
        client_id = form.get("client_id", "")
        if not client_id:
            raise _missing("client_id")
        app = self._apps.get(client_id)
        if app is None:
            raise AadError(
                400,
                "unauthorized_client",
                700016,
                f"Application with identifier '{client_id}' was not found in the directory "
                f"'{self.tenant_id}'. This can happen if the application has not been installed "
                "by the administrator of the tenant or consented to by any user in the tenant.",
            )
        self._check_scope(form.get("scope"))
        if "client_assertion" in form:
            self._check_assertion(app, form, now)
            appidacr = "2"
        elif "client_secret" in form:
            if app.secret is None or not hmac.compare_digest(
                form["client_secret"].encode(), app.secret.encode()
            ):
                raise AadError(
                    401,
                    "invalid_client",
                    7000215,
                    "Invalid client secret provided. Ensure the secret being sent in the request "
                    "is the client secret value, not the client secret ID, for a secret added to "
                    f"app '{client_id}'.",
                )
            appidacr = "1"
        else:
            raise AadError(
                401,
                "invalid_client",
                7000218,
                "The request body must contain the following parameter: 'client_assertion' "
                "or 'client_secret'.",
            )
        token, expires = self.issue(client_id, now=now, appidacr=appidacr)
        lifetime = expires - int(now)
        return {
            "token_type": "Bearer",
            "expires_in": lifetime,
            "ext_expires_in": lifetime,
            "access_token": token,
        }

    def managed_identity(
        self,
        params: dict[str, str],
        identity_header: str | None,
        *,
        expected_header: str,
        mi: str,
        now: float,
    ) -> tuple[int, dict[str, Any]]:
        """The App Service managed-identity answer (status, body) for identity ``mi``."""
        if identity_header is None or not hmac.compare_digest(
            identity_header.encode(), expected_header.encode()
        ):
            return 401, {"statusCode": 401, "message": "X-IDENTITY-HEADER is missing or wrong."}
        if params.get("api-version") != MANAGED_IDENTITY_API_VERSION:
            return 400, {
                "statusCode": 400,
                "message": f"api-version must be {MANAGED_IDENTITY_API_VERSION}.",
            }
        resource = params.get("resource", "")
        if resource.removesuffix("/.default").rstrip("/") != self.graph:
            return 400, {
                "statusCode": 400,
                "message": f"AADSTS500011: The resource principal named {resource} was not "
                f"found in the tenant named {self.tenant_id}.",
            }
        wanted = {k: params[k] for k in ("client_id", "object_id", "mi_res_id") if k in params}
        if wanted and wanted != {"client_id": mi}:
            return 400, {
                "statusCode": 400,
                "message": f"No managed identity matches {json.dumps(wanted)}.",
            }
        token, expires = self.issue(mi, now=now)
        return 200, {
            "access_token": token,
            "expires_on": str(expires),
            "resource": resource,
            "token_type": "Bearer",
            "client_id": mi,
        }

    # -- checking -------------------------------------------------------------------------------

    def check_access_token(self, token: str, *, now: float) -> dict[str, Any]:
        """The claims of a token Graph accepts; raises TokenRejected with Graph's message."""
        claims = self._verified.get(token)
        if claims is None:
            claims = self._verify(token)
            if len(self._verified) >= _TOKEN_CACHE_LIMIT:
                self._verified.clear()
            self._verified[token] = claims
        if not claims["nbf"] <= now < claims["exp"]:
            raise TokenRejected("Access token has expired or is not yet valid.")
        return claims

    def _verify(self, token: str) -> dict[str, Any]:
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                self._signing_key.public_key(),
                algorithms=["RS256"],
                audience=[self.graph, self.graph + "/"],
                issuer=self.issuer,
                options={
                    "require": ["exp", "nbf", "aud", "iss", "tid"],
                    # Time is checked on every use, cached or not, by check_access_token.
                    "verify_exp": False,
                    "verify_nbf": False,
                    "verify_iat": False,
                },
            )
        except jwt.InvalidAudienceError:
            raise TokenRejected("Access token validation failure. Invalid audience.") from None
        except jwt.InvalidIssuerError:
            raise TokenRejected("Access token validation failure. Invalid issuer.") from None
        except jwt.InvalidSignatureError:
            raise TokenRejected("Access token validation failure. Invalid signature.") from None
        except jwt.InvalidTokenError:
            raise TokenRejected("Access token validation failure. Invalid token.") from None
        if claims["tid"] != self.tenant_id:
            raise TokenRejected("Access token validation failure. Invalid tenant.")
        return claims

    def _check_scope(self, scope: str | None) -> None:
        if not scope:
            raise _missing("scope")
        resources = [s for s in scope.split() if s not in _RESERVED_SCOPES]
        expected = f"{self.graph}/.default"
        if resources == [expected]:
            return
        if len(resources) == 1 and resources[0].endswith("/.default"):
            raise AadError(
                400,
                "invalid_resource",
                500011,
                f"The resource principal named {resources[0].removesuffix('/.default')} was not "
                f"found in the tenant named {self.tenant_id}. This can happen if the application "
                "has not been installed by the administrator of the tenant.",
            )
        raise AadError(
            400,
            "invalid_scope",
            1002012,
            f"The provided value for scope {scope} is not valid. Client credential flows must "
            f"have a scope value with /.default suffixed to the resource identifier "
            f"(application ID URI): use {expected}.",
        )

    def _check_assertion(self, app: App, form: dict[str, str], now: float) -> None:
        if form.get("client_assertion_type") != ASSERTION_TYPE:
            raise _missing("client_assertion_type")
        assertion = form["client_assertion"]
        try:
            header = jwt.get_unverified_header(assertion)
        except jwt.InvalidTokenError:
            raise _invalid_client(50027, "JWT token is invalid or malformed.") from None
        alg = header.get("alg")
        if alg not in _ASSERTION_ALGORITHMS:
            raise _invalid_client(
                5002738, f"Invalid JWT token. '{alg}' is not a supported algorithm."
            )
        thumbprint = _thumbprint_hex(header.get("x5t#S256") or header.get("x5t"))
        key = app.keys.get(thumbprint) if thumbprint else None
        if key is None:
            raise _invalid_client(
                700027,
                "Client assertion failed signature validation. [Reason - The key was not found., "
                f"Thumbprint of key used by client: '{thumbprint or ''}']",
            )
        try:
            claims = jwt.decode(
                assertion,
                key,
                algorithms=[alg],
                audience=[self.token_endpoint, self.issuer, self.authority],
                options={"require": ["exp", "aud", "iss", "sub"], "verify_iat": False},
            )
        except jwt.InvalidSignatureError:
            raise _invalid_client(
                700027,
                "Client assertion failed signature validation. [Reason - The provided signature "
                "value did not match the expected signature value.]",
            ) from None
        except (jwt.ExpiredSignatureError, jwt.ImmatureSignatureError):
            raise _invalid_client(
                700024, f"Client assertion is not within its valid time range. Current time: {now}."
            ) from None
        except jwt.InvalidAudienceError:
            raise _invalid_client(
                700023, f"Client assertion audience claim does not match {self.token_endpoint}."
            ) from None
        except jwt.InvalidTokenError as exc:
            raise _invalid_client(50027, f"JWT token is invalid or malformed: {exc}.") from None
        if claims["iss"] != app.client_id or claims["sub"] != app.client_id:
            raise _invalid_client(
                700021, "Client assertion application identifier doesn't match 'client_id'."
            )


def _thumbprint_hex(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).hex().upper()
    except (ValueError, binascii.Error):
        return None


def _missing(parameter: str) -> AadError:
    return AadError(
        400,
        "invalid_request",
        900144,
        f"The request body must contain the following parameter: '{parameter}'.",
    )


def _invalid_client(code: int, message: str) -> AadError:
    return AadError(401, "invalid_client", code, message)
