"""Looking for secrets where they must not be: every form a secret may take in text.

A client secret, a certificate password or a token can leak as itself (or a piece of it),
JSON-escaped, percent-encoded (a form post), or base64-encoded (a Basic header, a PFX blob, a
log of bytes) at any offset inside a longer base64 text. ``forms`` lists all of them; ``scan``
reports each (place, secret name, form) found. ``python_flows`` produces the texts of the Python
side; ``trust_checks`` checks file modes, TLS trust, token checks and loopback binding.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import logging
import os
import re
import socket
import ssl
import stat
import traceback
import uuid
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

# Any JWT (an access token, a client assertion): header and payload are base64url JSON objects.
JWT = re.compile(r"eyJ[\w-]{6,}\.eyJ[\w-]{6,}\.[\w-]*")

MIN_SECRET = 8  # shorter values (a test's "x") would match by chance
WINDOW = 24  # a leaked piece this long of a secret (or token) counts: 32+ characters are caught


def forms(secret: str) -> dict[str, str]:
    """The texts that betray ``secret``: name of the encoding -> the text to look for."""
    found = {
        "plain": secret,
        "json": json.dumps(secret)[1:-1],
        "url": quote(secret, safe=""),
        "form": quote_plus(secret),
    }
    raw = secret.encode()
    for offset in range(3):
        # base64 of the secret at each alignment inside a longer text: drop the characters
        # that depend on the neighbours, keep the ones only the secret decides.
        encoded = base64.b64encode(b"\0" * offset + raw).decode()
        start = -(-offset * 4 // 3) + (1 if offset else 0)
        tail = (len(raw) + offset) % 3
        end = len(encoded) - (4 if tail else 0)
        core = encoded[start:end]
        if len(core) >= MIN_SECRET:
            found[f"base64@{offset}"] = core
            found[f"base64url@{offset}"] = core.replace("+", "-").replace("/", "_")
    return found


def scan(
    places: Mapping[str, str], secrets: Mapping[str, str], *, jwt: bool = True
) -> list[tuple[str, str, str]]:
    """(place, secret name, form) for every secret form found in the places' texts; with
    ``jwt`` also any JWT-shaped text (secret name "a JWT")."""
    hits = []
    usable = {name: value for name, value in secrets.items() if value and len(value) >= MIN_SECRET}
    needles = {name: list(forms(value).items()) + _pieces(value) for name, value in usable.items()}
    for place, text in places.items():
        for name, found in needles.items():
            for form, needle in found:
                if needle in text:
                    hits.append((place, name, form))
                    break
        if jwt and JWT.search(text):
            hits.append((place, "a JWT", JWT.search(text).group(0)[:12] + "..."))  # type: ignore[union-attr]
    return hits


def _pieces(secret: str) -> list[tuple[str, str]]:
    """Windows of a long secret, so that a truncated or split one is found too."""
    if len(secret) <= WINDOW + 8:
        return []
    starts = [*range(0, len(secret) - WINDOW + 1, 8), len(secret) - WINDOW]
    return [(f"piece@{i}", secret[i : i + WINDOW]) for i in starts]


def join(texts: Iterable[str]) -> str:
    return "\n".join(texts)


# -- the Python flows the run scans ---------------------------------------------------------------


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.name} {record.levelname} {record.getMessage()}")
        if record.exc_info:
            self.lines.append("".join(traceback.format_exception(*record.exc_info)))


@contextlib.contextmanager
def _environ(**values: str | None) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    for key, value in values.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _error_text(exc: BaseException) -> str:
    parts = [str(exc), repr(exc), "".join(traceback.format_exception(exc))]
    to_dict = getattr(exc, "to_dict", None)
    if callable(to_dict):
        parts.append(json.dumps(to_dict()))
    return "\n".join(parts)


def python_flows(
    state: Mapping[str, Any], secrets: Mapping[str, str], tokens: dict[str, str], config: Path
) -> tuple[dict[str, str], dict[str, str]]:
    """Sign-ins and invites through the Python API (every logger at DEBUG), the boundary (its
    debug log) and the CLI (--debug), good and failing; returns (texts, token cache files).
    Tokens the flows obtain are added to ``tokens``."""
    from click.testing import CliRunner

    import bridge
    from bridge._cli import cli
    from bridge._entry import dispatch

    texts: dict[str, str] = {}
    collect = _Collect()
    root = logging.getLogger()
    levels = {
        name: logging.getLogger(name).level for name in ("", "bridge", "msal", "httpx", "httpcore")
    }
    root.addHandler(collect)
    for name in levels:
        logging.getLogger(name).setLevel(logging.DEBUG)
    out, err = io.StringIO(), io.StringIO()
    app = {"client_id": state["client_id"], "tenant_id": state["tenant_id"]}
    pfx, password = state["certificate_pfx_file"], state["certificate_password"]
    body = lambda: {"Participants": [{"Identity": {"User": {"Id": str(uuid.uuid4())}}}]}  # noqa: E731
    try:
        with (
            _environ(XDG_CONFIG_HOME=str(config), AZURE_CLIENT_SECRET=None),
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(err),
        ):
            call = _admin(state, "POST", "calls", {})["id"]
            flows: dict[str, dict[str, Any]] = {
                "secret": {
                    **app,
                    "client_secret": state["client_secret"],
                    "context_scope": "CurrentUser",
                },
                "certificate with password": {
                    **app,
                    "certificate": pfx,
                    "certificate_password": password,
                },
                "access token": {"access_token": tokens["given token"]},
                "app without the role": {
                    "client_id": state["no_role_client_id"],
                    "tenant_id": state["tenant_id"],
                    "client_secret": state["no_role_client_secret"],
                },
                "wrong secret": {**app, "client_secret": secrets["wrong secret"]},
                "wrong password": {
                    **app,
                    "certificate": pfx,
                    "certificate_password": secrets["wrong password"],
                },
                "expired token": {"access_token": tokens["expired token"]},
                "foreign token": {"access_token": tokens["foreign token"]},
            }
            for name, options in flows.items():
                try:
                    with bridge.connect("Sandbox", **options) as session:
                        tokens[f"python {name}"] = session._tokens.token()
                        texts[f"python {name} session"] = "\n".join(
                            [repr(session), repr(session._tokens), json.dumps(session.context())]
                        )
                        session.invite(call, body=body())
                except bridge.BridgeError as exc:
                    texts[f"python {name} error"] = _error_text(exc)
            with (
                _environ(
                    AZURE_CLIENT_ID=state["client_id"],
                    AZURE_TENANT_ID=state["tenant_id"],
                    AZURE_CLIENT_SECRET=state["client_secret"],
                ),
                bridge.connect("Sandbox", environment_variables=True) as session,
            ):
                session.invite(call, body=body())
                tokens["python variables"] = session._tokens.token()

            for name, args in [
                ("secret", {**app, "client_secret": state["client_secret"]}),
                ("certificate", {**app, "certificate": pfx, "certificate_password": password}),
                ("access token", {"access_token": tokens["given token"]}),
                ("wrong secret", {**app, "client_secret": secrets["wrong secret"]}),
                (
                    "wrong password",
                    {**app, "certificate": pfx, "certificate_password": secrets["wrong password"]},
                ),
            ]:
                request = {
                    "op": "connect",
                    "args": {"environment": "Sandbox", **args, "log": "debug"},
                }
                texts[f"boundary connect {name}"] = dispatch(json.dumps(request))
                invite = {"op": "invite", "args": {"call_id": call, "body": body(), "log": "debug"}}
                texts[f"boundary invite after {name}"] = dispatch(json.dumps(invite))
                texts[f"boundary context after {name}"] = dispatch(
                    json.dumps({"op": "context", "args": {}})
                )
            dispatch(json.dumps({"op": "disconnect", "args": {}}))

            runner = CliRunner()
            cli_app = [
                "-e",
                "Sandbox",
                "--client-id",
                state["client_id"],
                "--tenant-id",
                state["tenant_id"],
            ]
            participant = json.dumps(body()["Participants"][0])
            for index, (env, args) in enumerate(
                [
                    ({"MGBRIDGE_CLIENT_SECRET": state["client_secret"]}, ["connect", *cli_app]),
                    ({}, ["context"]),
                    ({}, ["invite", "--call-id", call, "--participant", participant]),
                    (
                        {"MGBRIDGE_CERTIFICATE_PASSWORD": password},
                        ["connect", *cli_app, "--certificate", pfx, "--certificate-password"],
                    ),
                    (
                        {"MGBRIDGE_ACCESS_TOKEN": tokens["given token"]},
                        ["connect", "-e", "Sandbox", "--access-token"],
                    ),
                    ({"MGBRIDGE_CLIENT_SECRET": secrets["wrong secret"]}, ["connect", *cli_app]),
                    (
                        {"MGBRIDGE_CERTIFICATE_PASSWORD": secrets["wrong password"]},
                        ["connect", *cli_app, "--certificate", pfx, "--certificate-password"],
                    ),
                    (
                        {"MGBRIDGE_ACCESS_TOKEN": tokens["expired token"]},
                        ["connect", "-e", "Sandbox", "--access-token"],
                    ),
                    ({}, ["disconnect"]),
                ]
            ):
                result = runner.invoke(cli, ["--debug", *args], env=env)
                texts[f"cli {index} {args[0]}"] = result.output + (
                    _error_text(result.exception)
                    if result.exception and not isinstance(result.exception, SystemExit)
                    else ""
                )
    finally:
        root.removeHandler(collect)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
    texts["python log records"] = "\n".join(collect.lines)
    texts["python stdout"] = out.getvalue()
    texts["python stderr"] = err.getvalue()
    files = {
        str(p): p.read_text(errors="replace") for p in sorted(config.rglob("*")) if p.is_file()
    }
    cache = {f"file {k}": v for k, v in files.items() if "token_cache" in k}
    texts.update({f"file {k}": v for k, v in files.items() if "token_cache" not in k})
    return texts, cache


def _admin(state: Mapping[str, Any], method: str, path: str, body: Any = None) -> Any:
    import httpx

    context = ssl.create_default_context(cafile=state["ca_file"])
    with httpx.Client(transport=httpx.HTTPTransport(verify=context), trust_env=False) as client:
        response = client.request(method, f"{state['admin']}/{path}", json=body)
    response.raise_for_status()
    return response.json() if response.content else None


# -- trust ----------------------------------------------------------------------------------------


def _handshake(context: ssl.SSLContext, port: int) -> None:
    with (
        socket.create_connection(("127.0.0.1", port), timeout=5) as raw,
        context.wrap_socket(raw, server_hostname="127.0.0.1") as tls,
    ):
        tls.do_handshake()


def non_loopback_addresses() -> list[str]:
    """This machine's non-loopback IPv4 addresses (the source address of a route out)."""
    found = set()
    for target in ("192.0.2.1", "10.255.255.255", "198.51.100.1"):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            try:
                probe.connect((target, 9))  # UDP: picks a route, sends nothing
            except OSError:
                continue
            address = probe.getsockname()[0]
        if not address.startswith("127.") and address != "0.0.0.0":
            found.add(address)
    return sorted(found)


BAD_TOKENS = {
    "foreign signing key": {"foreignKey": True},
    "wrong audience": {"audience": "https://graph.microsoft.com"},
    "wrong issuer": {"issuer": "https://sts.windows.net/evil/"},
    "wrong tenant": {"tenantId": "00000000-0000-0000-0000-000000000bad"},
    "expired": {"lifetimeSeconds": -60},
    "without the role": {"roles": []},
}


def trust_checks(sb: Any, config: Path) -> list[tuple[str, bool, str]]:
    """(check, passed, detail) for the token cache, TLS trust, token checks and loopback."""
    import certifi
    import httpx

    import bridge
    from bridge._environments import add_environment, get_environment
    from bridge._http import ssl_context

    state = sb.state
    port = int(httpx.URL(state["graph"]).port or 443)
    checks: list[tuple[str, bool, str]] = []

    def check(name: str, test: Any) -> None:
        try:
            detail = test()
            checks.append((name, True, detail or ""))
        except Exception as exc:
            checks.append((name, False, f"{type(exc).__name__}: {exc}"[:300]))

    def cache_modes() -> str:
        with _environ(XDG_CONFIG_HOME=str(config)):
            old = os.umask(0)
            try:
                with bridge.connect(
                    "Sandbox",
                    client_id=state["client_id"],
                    tenant_id=state["tenant_id"],
                    client_secret=state["client_secret"],
                    context_scope="CurrentUser",
                ):
                    pass
            finally:
                os.umask(old)
        folder = config / "mgbridge" / "token_cache"
        modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()}
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, oct(folder.stat().st_mode)
        assert modes and set(modes.values()) == {0o600}, modes
        return f"{len(modes)} file(s), umask 0"

    def real_clouds() -> str:
        for name in ("Global", "USGov", "USGovDoD", "China"):
            context = ssl_context(get_environment(name).ca_file)
            assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname, name
            try:
                _handshake(context, port)
            except ssl.SSLCertVerificationError:
                continue
            raise AssertionError(f"{name}'s TLS context accepted the sandbox's certificate")
        return "the sandbox's certificate is refused"

    def default_trust() -> str:
        ca = Path(state["ca_file"]).read_text().strip()
        assert ca not in Path(certifi.where()).read_text()
        try:
            _handshake(ssl.create_default_context(), port)
        except ssl.SSLCertVerificationError:
            return "not in certifi nor the system roots"
        raise AssertionError("the system roots trust the sandbox")

    def sandbox_only() -> str:
        context = ssl_context(get_environment("Sandbox").ca_file)
        _handshake(context, port)
        assert len(context.get_ca_certs()) == 1
        with _environ(XDG_CONFIG_HOME=str(config)):
            login = state["authority"].removesuffix("/" + state["tenant_id"])
            add_environment("LooksLikeSandbox", state["graph"], login)
            before = len(sb.requests())
            try:
                bridge.connect(
                    "LooksLikeSandbox",
                    client_id=state["client_id"],
                    tenant_id=state["tenant_id"],
                    client_secret=state["client_secret"],
                )
            except bridge.BridgeError as exc:
                assert "certificate" in str(exc).lower(), str(exc)
            else:
                raise AssertionError("a user-defined cloud trusted the sandbox CA")
            assert len(sb.requests()) == before, "the sign-in reached the sandbox"
        return "a user-defined cloud at its address is refused"

    def bad_tokens() -> str:
        context = ssl.create_default_context(cafile=state["ca_file"])
        call = sb.create_call()
        accepted = sb.stats()["invites"]["accepted"]
        with httpx.Client(transport=httpx.HTTPTransport(verify=context), trust_env=False) as client:
            for kind, options in BAD_TOKENS.items():
                token = sb.admin("POST", "tokens", options)["access_token"]
                response = client.post(
                    f"{state['graph']}/beta/communications/calls/{call}/participants/invite",
                    json={"participants": [{"identity": {"user": {"id": "u"}}}]},
                    headers={"Authorization": f"Bearer {token}"},
                )
                expected = 403 if kind == "without the role" else 401
                assert response.status_code == expected, f"{kind}: {response.status_code}"
        assert sb.stats()["invites"]["accepted"] == accepted
        return ", ".join(BAD_TOKENS)

    def loopback() -> str:
        assert state["graph"].startswith("https://127.0.0.1:")
        others = non_loopback_addresses()
        for address in others:
            try:
                socket.create_connection((address, port), timeout=2).close()
            except OSError:
                continue
            raise AssertionError(f"reachable on {address}")
        return f"not reachable on {', '.join(others) or '(no other address)'}"

    check("token cache 0600 in a 0700 folder", cache_modes)
    check("real clouds verify TLS", real_clouds)
    check("sandbox CA not in the default trust", default_trust)
    check("sandbox CA trusted for Sandbox only", sandbox_only)
    check("sandbox refuses bad tokens", bad_tokens)
    check("sandbox listens on loopback only", loopback)
    return checks


def main(argv: list[str] | None = None) -> int:
    """``python -m reliability.leaks TEXTS.json SECRETS.json``: prints the leaks found as JSON
    (the texts and the secrets are JSON objects of name -> text); exit 1 when there are any."""
    import sys

    texts_file, secrets_file = (sys.argv[1:] if argv is None else argv)[:2]
    texts = json.loads(Path(texts_file).read_text(encoding="utf-8-sig"))
    secrets = json.loads(Path(secrets_file).read_text(encoding="utf-8-sig"))
    found = scan({k: v or "" for k, v in texts.items()}, secrets)
    print(json.dumps(found))
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
