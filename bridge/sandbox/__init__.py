"""A local HTTPS sandbox of Entra ID and the Microsoft Graph calls API.

Run it with ``mgbridge sandbox`` (foreground; SIGINT/SIGTERM stop it) or, in-process, with
``Sandbox()`` as a context manager. When ready it writes its state file: by default
``$XDG_CONFIG_HOME/mgbridge/sandbox.json`` (``~/.config/mgbridge/sandbox.json``), or the file
``$MGBRIDGE_SANDBOX_STATE`` names (one per sandbox, so several can run side by side). The file is
mode 0600 and is removed when the sandbox stops. ``load_state()`` reads it; it is how clients
connect with ``environment="Sandbox"`` and nothing else. The state JSON (also printed as one line
by ``mgbridge sandbox``):

    graph                          https://127.0.0.1:PORT, the Graph root (/v1.0 and /beta)
    authority                      https://127.0.0.1:PORT/TENANT_ID, for msal (with
                                   instance_discovery=False or validate_authority=False)
    tenant_id, client_id, client_secret
                                   the default app; it has the role Calls.InitiateGroupCall.All
    no_role_client_id, no_role_client_secret
                                   a second app without that role (Graph answers it 403)
    ca_file                        the CA certificate to trust (PEM)
    pid                            the sandbox's process
    scope                          GRAPH/.default, the only scope the token endpoint grants
    token_endpoint                 AUTHORITY/oauth2/v2.0/token (also in the discovery document)
    admin                          GRAPH/_sandbox, the admin API
    certificate_file, certificate_key_file
                                   the default app's client certificate and its unencrypted key
                                   (PEM); msal: {"private_key": KEY, "thumbprint": SHA-1}, or on
                                   msal 1.35+ {"private_key": KEY, "public_certificate": CERT}
    certificate_pfx_file, certificate_password
                                   the same as PKCS#12 (msal 1.29+: private_key_pfx_path)
    certificate_thumbprint, certificate_thumbprint_sha256
                                   upper-case hex thumbprints of that certificate
    managed_identity_endpoint, managed_identity_header
                                   IDENTITY_ENDPOINT and IDENTITY_HEADER for msal's
                                   ManagedIdentityClient (App Service style, served over the same
                                   HTTPS, so clients trust ca_file for it too)
    managed_identity_client_id     the managed identity's client id (it has the role)

The state folder also holds the key material, created once and reused (see ``_tls``).

Identity side: ``GET /TENANT/v2.0/.well-known/openid-configuration``,
``GET /TENANT/discovery/v2.0/keys``, ``POST /TENANT/oauth2/v2.0/token`` (client credentials with
``client_secret``, or ``client_assertion`` signed RS256 with ``x5t`` or PS256 with ``x5t#S256``
by a registered certificate; aud = the token endpoint), ``GET /msi/token``. Errors have Entra's
shape (``error``, ``error_description`` "AADSTSnnn: ...", ``error_codes``, ...). Access tokens are
RS256 JWTs with aud = GRAPH, iss = AUTHORITY/v2.0, tid, appid, roles, iat, nbf, exp.

Graph side, under /v1.0 and /beta: ``POST /communications/calls/{id}/participants/invite`` (and
``.../participants/microsoft.graph.invite``; on beta also ``/app/calls/...``),
``GET /communications/calls/{id}``, ``.../participants``, ``.../operations/{opId}``. Checks run in
this order: token (401 with WWW-Authenticate), role (403), JSON body (400), schema (400, through
``bridge._shape.check_wire_body``), call (404, code "8522"). Invites answer 200 with a Location
to the operation, status "Running". After the operation delay the operation completes: the
invited identities join the roster; with one participant and ``replacesCallId`` the replaced
peer-to-peer call ends (a replaced group call loses that identity); with ``participantId`` the
first participant moves out of the ``replacesCallId`` call. It fails, changing nothing, when an
invited identity is already in the call (resultInfo code 409), the moved participant is not
found (404), or several participants are invited to a peer-to-peer call (400). Operations read
by GET show lower-case status ("running", "completed", "failed"), as the documented GET example
does. Every response carries ``request-id``, ``client-request-id`` (echoed, else the request-id)
and ``Date``; errors use Graph's envelope with ``innerError`` date, request-id, client-request-id.

Admin API (no token; loopback clients only; these requests are not recorded):

    POST /_sandbox/calls      {"id"?, "kind"?: "group"|"peerToPeer", "state"?, "participants"?}
    GET  /_sandbox/calls, /_sandbox/calls/{id}   calls with rosters (terminated ones too)
    GET  /_sandbox/requests   {"value": [{"seq", "method", "path", "query", "headers",
                              "body", "status", "received_at", "request_id", "kind",
                              "fault"?}]} in arrival order, the last 100,000; header names in
                              lower case, Authorization, X-IDENTITY-HEADER, client_secret and
                              client_assertion redacted; status null while in flight and
                              for a reset connection
    GET  /_sandbox/stats      {"invites": {"received", "accepted"}, "clientContexts":
                              {CONTEXT: {"received", "accepted"}}}: accepted = answered 200
    POST /_sandbox/faults     {"match": "invite"|"graph"|"token"|"any", "status"?: 429|500|503|504,
                              "retryAfter"?: seconds, "count"?: n, "delayMs"?: n, "reset"?: bool}
                              the next n matching requests get it ("token" also covers the
                              managed-identity endpoint); with delayMs alone the normal answer
                              comes late; faults are served before any other check
    GET  /_sandbox/faults     the pending faults
    POST /_sandbox/reset      clears calls, operations, requests, counts, faults, added apps and
                              certificates; settings back to their start values
    GET|POST /_sandbox/settings {"tokenLifetimeSeconds", "operationDelayMs",
                              "completedOperationsGone" (GET of a finished operation is 404)}
    POST /_sandbox/tokens     {"clientId"?, "lifetimeSeconds"?, "roles"?, "audience"?, "issuer"?,
                              "tenantId"?, "foreignKey"?} -> {"access_token", "expires_on"}
    POST /_sandbox/apps       {"clientId"?, "clientSecret"?, "roles"?, "certificate"? (PEM)}
    POST /_sandbox/apps/{clientId}/certificates   {"certificate": PEM} -> thumbprints

``--record FILE.jsonl`` appends each recorded request, once answered, as one JSON line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bridge.sandbox._statefile import STATE_ENV, load_state

if TYPE_CHECKING:
    from bridge.sandbox._sandbox import Sandbox, SandboxError

__all__ = ["STATE_ENV", "Sandbox", "SandboxError", "load_state"]


def __getattr__(name: str) -> Any:
    # The server side imports cryptography and PyJWT; clients that only call load_state don't.
    if name in ("Sandbox", "SandboxError"):
        from bridge.sandbox import _sandbox

        return getattr(_sandbox, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
