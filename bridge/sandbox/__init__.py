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

Graph side, under /v1.0 and /beta (beta also under the deprecated ``/app/calls`` alias): every
operation of the calls family that ``bridge._schema.COMMANDS`` describes, routed by its path
template; actions answer both namespace-qualified (``.../microsoft.graph.mute``) and not
(``.../mute``). Checks run in this order: token (401 with WWW-Authenticate), the app's request
rate when throttling is on (429 with Retry-After), role (403), JSON
body (400), schema (400, through ``bridge._shape.check_wire_request``), query options (400), call
(404: code "8522" for an unknown call, "itemNotFound" once it has ended), the call's state (400:
answer, reject and redirect need an incoming call, every other change an answered one), the
addressed participant, operation or other item (404 "itemNotFound").

- ``POST /communications/calls`` (peer-to-peer with one target, a group call with several, or
  joining a meeting with meetingInfo/chatInfo) answers 201 with the call "establishing", its posted
  properties echoed and ``myParticipantId``, the application's own participant (its ``source``,
  else the signed-in app). After the call setup delay it is "established" and its targets join.
  DELETE hangs up (204).
- Actions returning an operation answer 200 with its subtype running and a Location; after the
  operation delay it completes (resultInfo 200) and its effect applies: mute/unmute of the call
  (the app's own participant, ``isMuted``), mute of a participant and muteAll (``isMuted`` and
  the audio stream's ``serverMuted``), start/stopHoldMusic (``isOnHold``, the sandbox's own
  property), updateRecordingStatus (the own participant's ``recordingInfo``);
  cancelMediaProcessing fails the running playPrompt and record operations at once. Answer,
  reject, redirect, transfer and changeScreenSharingRole answer 202, keepAlive and
  logTeleconferenceDeviceQuality 200. Answering makes the call establishing, then established
  with the app in it; reject and redirect end it; transfer makes it "transferring", then ends it.
- Invites answer 200, status "Running". At completion the invited identities join the roster;
  with one participant and ``replacesCallId`` the replaced peer-to-peer call ends (a replaced
  group call loses that identity); with ``participantId`` the first participant moves out of the
  ``replacesCallId`` call. It fails, changing nothing, when an invited identity is already in the
  call (resultInfo code 409), the moved participant is not found (404), or several participants
  are invited to a peer-to-peer call (400).
- participants, operations, audioRoutingGroups (sources and receivers must be participants) and
  contentSharingSessions: list, get, ``$count`` (text/plain), create (201), update, delete (204).
  Lists take ``$top`` (the page size), ``$skip``, ``$count=true``, ``$select`` and ``$filter``
  of the form ``<property> eq '<value>'`` on a string property; other options are 400. They page
  with ``@odata.nextLink`` (``$skiptoken``) beyond ``$top`` or the ``pageSize`` setting.
- Operations read by GET show lower-case status ("running", "completed", "failed"), as the
  documented GET example does.
- Notifications: when a call's ``callbackUri`` is on loopback (127.0.0.0/8, ::1, localhost; http,
  or https trusting the sandbox CA), the sandbox POSTs commsNotifications to it from one
  background thread: the call created (incoming), updated (state) or deleted (ended), its
  participants updated (the roster), and an operation deleted (finished). Never elsewhere.

Every response carries ``request-id``, ``client-request-id`` (echoed, else the request-id) and
``Date``; errors use Graph's envelope with ``innerError`` date, request-id, client-request-id.

Network and load, as a real service (settings below; ``mgbridge sandbox --latency 150ms
--jitter 50ms --token-latency 100ms --token-jitter 0ms --throttle-rate 50``):

- Latency: each Graph answer is written after a delay drawn uniformly from latencyMs +/- jitterMs
  (clamped at 0), each identity answer (token, managed identity, discovery, keys) after
  tokenLatencyMs +/- tokenJitterMs; faults and 429s too. The request is handled, recorded and
  counted first; stopping the sandbox cuts the delay short. The admin API is never delayed.
- Throttling: with throttleRate n > 0, an app (the appid/azp of a valid token; requests without
  one get their 401) may send n Graph requests in any sliding second. Beyond that it gets
  Graph's 429 "TooManyRequests" with Retry-After (whole seconds until its window has room, at
  least 1), and the request is not handled: a throttled invite adds no operation and no one.
  Throttled requests do not count toward the window; they are logged with "throttled": true.

Admin API (no token; loopback clients only; these requests are not recorded):

    POST /_sandbox/calls      {"id"?, "kind"?: "group"|"peerToPeer", "state"?, "participants"?,
                              "direction"?: "outgoing"|"incoming", "callbackUri"?, "source"?}
                              an outgoing call is "established"; an incoming one is "incoming"
                              (to answer, reject or redirect), its source the first participant
                              unless given, and is announced to a loopback callbackUri
    GET  /_sandbox/calls, /_sandbox/calls/{id}   calls with rosters (terminated ones too)
    POST /_sandbox/calls/{id}/contentSharingSessions   {"id"?}: someone in the call starts
                              sharing content (Graph's create exists too, but people share)
    GET  /_sandbox/requests   {"value": [{"seq", "method", "path", "query", "headers",
                              "body", "status", "received_at", "request_id", "kind",
                              "fault"?, "throttled"?}]} in arrival order, the last 100,000;
                              header names in lower case, Authorization, X-IDENTITY-HEADER,
                              client_secret and client_assertion redacted; status null while in
                              flight and for a reset connection
    GET  /_sandbox/transcript the Graph requests of that log as a transcript (JSON Lines, as
                              bridge.compare_transcripts reads them; sign-in traffic left out)
    GET  /_sandbox/stats      {"invites": {"received", "accepted"}, "clientContexts":
                              {CONTEXT: {"received", "accepted"}}, "throttled", "notifications":
                              {"sent", "failed", "pending"}}: accepted = answered 200, throttled =
                              Graph requests the throttle answered 429 (throttled invites are
                              received, never accepted), sent = answered 2xx
    GET  /_sandbox/notifications {"value": [{"url", "body", "status", "error"?}]}: the last
                              1,000 notifications delivered or attempted, oldest first
    POST /_sandbox/faults     {"match": "invite"|"graph"|"token"|"any", "status"?: 429|500|503|504,
                              "retryAfter"?: seconds, "count"?: n, "delayMs"?: n, "reset"?: bool}
                              the next n matching requests get it ("token" also covers the
                              managed-identity endpoint); with delayMs alone the normal answer
                              comes late; faults are served before any other check
    GET  /_sandbox/faults     the pending faults
    POST /_sandbox/reset      clears calls, operations, requests, counts, notifications, faults,
                              added apps and certificates; settings back to their start values
    GET|POST /_sandbox/settings {"tokenLifetimeSeconds", "operationDelayMs", "callSetupDelayMs"
                              (establishing -> established), "pageSize" (list pages without
                              $top), "completedOperationsGone" (GET of a finished operation is 404),
                              "latencyMs", "jitterMs", "tokenLatencyMs", "tokenJitterMs",
                              "throttleRate" (Graph requests per second per app; 0: off)}
    POST /_sandbox/tokens     {"clientId"?, "lifetimeSeconds"?, "roles"?, "audience"?, "issuer"?,
                              "tenantId"?, "foreignKey"?} -> {"access_token", "expires_on"}
    POST /_sandbox/apps       {"clientId"?, "clientSecret"?, "roles"?, "certificate"? (PEM)}
    POST /_sandbox/apps/{clientId}/certificates   {"certificate": PEM} -> thumbprints

``--record FILE.jsonl`` appends each Graph request, once answered, to that transcript file.
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
