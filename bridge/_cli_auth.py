"""`mgbridge connect | disconnect | context` and `mgbridge environment list | add | remove`.

Every CLI call is a new process, so `connect` keeps the connection for later calls in
``<config>/mgbridge/cli_context.json`` (mode 0600): the parameters and the Get-MgContext fields,
never a secret. A later call re-opens it with ``connect_from_cli_context()``.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import click

from bridge._environments import (
    add_environment,
    config_dir,
    list_environments,
    remove_environment,
)
from bridge._exceptions import AuthError

__all__ = [
    "CERTIFICATE_PASSWORD_VAR",
    "CLIENT_SECRET_VAR",
    "TOKEN_VAR",
    "connect_command",
    "connect_from_cli_context",
    "context_command",
    "disconnect_command",
    "environment_group",
]

CLIENT_SECRET_VAR = "MGBRIDGE_CLIENT_SECRET"
CERTIFICATE_PASSWORD_VAR = "MGBRIDGE_CERTIFICATE_PASSWORD"
TOKEN_VAR = "MGBRIDGE_ACCESS_TOKEN"


def _context_file() -> Path:
    return config_dir() / "cli_context.json"


def _load() -> dict[str, Any] | None:
    try:
        stored = json.loads(_context_file().read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise AuthError(
            f"Cannot read the stored connection {_context_file()} ({exc}): run `mgbridge connect`.",
            code="NotConnected",
        ) from exc
    return stored if isinstance(stored, dict) else None


def _save(stored: dict[str, Any]) -> None:
    path = _context_file()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".cli_context-")  # created 0600
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(stored, f, indent=2)
    os.replace(tmp, path)


def connect_from_cli_context() -> dict[str, Any]:
    """The ``bridge.connect(**kwargs)`` arguments of the connection `mgbridge connect` stored.

    Secrets come from the environment again ($MGBRIDGE_CLIENT_SECRET,
    $MGBRIDGE_CERTIFICATE_PASSWORD, $MGBRIDGE_ACCESS_TOKEN). Without them, a CurrentUser-scope
    connection uses its cached token until that expires. Raises AuthError when `mgbridge
    connect` has not been run.
    """
    stored = _load()
    if not stored:
        raise AuthError("Not connected: run `mgbridge connect` first.", code="NotConnected")
    params = stored["connect"]
    kind = params["credential"]
    kwargs: dict[str, Any] = {
        "environment": params["environment"],
        "context_scope": params["context_scope"],
    }
    cached = params["context_scope"] == "CurrentUser"
    if kind in ("ClientSecret", "ClientCertificate"):
        kwargs.update(client_id=params["client_id"], tenant_id=params["tenant_id"])
    if kind == "ClientSecret":
        secret = os.environ.get(CLIENT_SECRET_VAR)
        if secret:
            kwargs["client_secret"] = secret
        elif cached:
            kwargs["cache_only"] = True
        else:
            raise _needs(CLIENT_SECRET_VAR, "the client secret")
    elif kind == "ClientCertificate":
        password = os.environ.get(CERTIFICATE_PASSWORD_VAR)
        if params["certificate_password"] and not password:
            if not cached:
                raise _needs(CERTIFICATE_PASSWORD_VAR, "the certificate password")
            kwargs["cache_only"] = True
        else:
            kwargs.update(
                certificate=params["certificate"],
                certificate_password=password or None,
                send_certificate_chain=params["send_certificate_chain"],
            )
    elif kind == "UserProvidedAccessToken":
        token = os.environ.get(TOKEN_VAR)
        if not token:
            raise _needs(TOKEN_VAR, "the access token")
        kwargs["access_token"] = token
    elif kind == "ManagedIdentity":
        kwargs["managed_identity"] = True
        kwargs["managed_identity_client_id"] = params["managed_identity_client_id"]
    elif kind == "EnvironmentVariable":
        kwargs["environment_variables"] = True
    return kwargs


def _needs(var: str, what: str) -> AuthError:
    return AuthError(
        f"Set {var} to {what} (it is never stored), or run `mgbridge connect` again "
        "with --context-scope CurrentUser.",
        code="MissingCredential",
    )


def _secret(var: str, prompt: str) -> str:
    return os.environ.get(var) or click.prompt(prompt, hide_input=True)


def _echo_json(value: Any) -> None:
    click.echo(json.dumps(value, indent=2))


@click.command("connect")
@click.option(
    "-e",
    "--environment",
    default="Global",
    show_default=True,
    metavar="NAME",
    help="Global, USGov, USGovDoD, China, Sandbox or a user-defined environment.",
)
@click.option("--client-id", metavar="ID", help="The app (client) ID.")
@click.option("--tenant-id", metavar="ID", help="The tenant ID or domain name.")
@click.option(
    "--certificate",
    type=click.Path(exists=True, dir_okay=False, resolve_path=True),
    help="A PEM or PFX file holding the app's certificate and private key.",
)
@click.option(
    "--certificate-password",
    is_flag=True,
    help=f"The certificate file needs a password: read from ${CERTIFICATE_PASSWORD_VAR}, "
    "or asked for.",
)
@click.option(
    "--certificate-thumbprint", metavar="SHA1", help="Check the certificate's thumbprint."
)
@click.option("--send-certificate-chain", is_flag=True, help="Send the chain (x5c) for SNI auth.")
@click.option(
    "--access-token",
    is_flag=True,
    help=f"Use an access token: read from ${TOKEN_VAR}, or asked for.",
)
@click.option("--identity", is_flag=True, help="Use this machine's managed identity.")
@click.option(
    "--managed-identity-client-id", metavar="ID", help="Use a user-assigned managed identity."
)
@click.option(
    "--environment-variable",
    is_flag=True,
    help="Use AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET or "
    "AZURE_CLIENT_CERTIFICATE_PATH (+ AZURE_CLIENT_CERTIFICATE_PASSWORD).",
)
@click.option(
    "--context-scope",
    type=click.Choice(["Process", "CurrentUser"], case_sensitive=False),
    default="CurrentUser",
    show_default=True,
    help="CurrentUser keeps tokens in a 0600 file so later calls need no new sign-in.",
)
def connect_command(
    environment: str,
    client_id: str | None,
    tenant_id: str | None,
    certificate: str | None,
    certificate_password: bool,
    certificate_thumbprint: str | None,
    send_certificate_chain: bool,
    access_token: bool,
    identity: bool,
    managed_identity_client_id: str | None,
    environment_variable: bool,
    context_scope: str,
) -> None:
    """Sign in as an application and keep the connection for later mgbridge calls.

    The invite API takes only the application permission Calls.InitiateGroupCall.All, so the
    sign-in is app-only: with --client-id and --tenant-id, a client secret (read from
    $MGBRIDGE_CLIENT_SECRET, or asked for with hidden input; never a command-line value) or
    --certificate; or --access-token, --identity, --environment-variable. With
    `-e Sandbox` and nothing else, the running sandbox's default app.

    Later calls re-read $MGBRIDGE_CLIENT_SECRET, $MGBRIDGE_CERTIFICATE_PASSWORD or
    $MGBRIDGE_ACCESS_TOKEN; without them, a CurrentUser connection (the default) uses its cached
    token until it expires, then asks you to set the variable or connect again. Secrets are never
    written to disk; the cached tokens are, in a 0600 file. Prints the connection's context.
    """
    from bridge._session import connect

    scope = "CurrentUser" if context_scope.lower() == "currentuser" else "Process"
    kwargs: dict[str, Any] = {"context_scope": scope}
    params: dict[str, Any] = {
        "environment": environment,
        "context_scope": scope,
        "client_id": client_id,
        "tenant_id": tenant_id,
        "certificate": certificate,
        "certificate_password": certificate_password,
        "send_certificate_chain": send_certificate_chain,
        "managed_identity_client_id": managed_identity_client_id,
    }
    if access_token:
        kind = "UserProvidedAccessToken"
        kwargs["access_token"] = _secret(TOKEN_VAR, "Access token")
    elif identity or managed_identity_client_id:
        kind = "ManagedIdentity"
        kwargs.update(managed_identity=True, managed_identity_client_id=managed_identity_client_id)
    elif environment_variable:
        kind = "EnvironmentVariable"
        kwargs["environment_variables"] = True
    elif certificate:
        kind = "ClientCertificate"
        password = os.environ.get(CERTIFICATE_PASSWORD_VAR)
        if certificate_password and not password:
            password = click.prompt("Certificate password", hide_input=True)
        params["certificate_password"] = bool(password)
        kwargs.update(
            client_id=client_id,
            tenant_id=tenant_id,
            certificate=certificate,
            certificate_password=password,
            certificate_thumbprint=certificate_thumbprint,
            send_certificate_chain=send_certificate_chain,
        )
    elif client_id:
        kind = "ClientSecret"
        kwargs.update(
            client_id=client_id,
            tenant_id=tenant_id,
            client_secret=_secret(CLIENT_SECRET_VAR, "Client secret"),
        )
    else:
        kind = "Default"  # the sandbox's default app; sign_in refuses it elsewhere
    params["credential"] = kind

    with connect(environment, **kwargs) as session:
        context = session.context()
        cache_file = session._tokens.cache_file
    _save(
        {
            "connect": params,
            "context": context,
            "token_cache": str(cache_file) if cache_file else None,
        }
    )
    _echo_json(context)


@click.command("disconnect")
def disconnect_command() -> None:
    """Forget the stored connection and delete its cached tokens; print its context."""
    stored = _load()
    if not stored:
        raise AuthError("No application to sign out from.", code="NotConnected")
    if stored.get("token_cache"):
        Path(stored["token_cache"]).unlink(missing_ok=True)
    _context_file().unlink(missing_ok=True)
    _echo_json(stored["context"])


@click.command("context")
def context_command() -> None:
    """Print the stored connection's context (Get-MgContext); nothing when not connected."""
    stored = _load()
    if stored:
        _echo_json(stored["context"])


@click.group("environment")
def environment_group() -> None:
    """List, add and remove environments (clouds), like Get/Add/Remove-MgEnvironment."""


@environment_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def environment_list(as_json: bool) -> None:
    """List the environments: built-in, the running sandbox, and user-defined ones."""
    rows = [env.to_dict() for env in list_environments()]
    if as_json:
        _echo_json(rows)
        return
    columns = ["Name", "AzureADEndpoint", "GraphEndpoint", "Type"]
    widths = [max(len(c), *(len(str(r[c])) for r in rows)) for c in columns]
    for line in (dict(zip(columns, columns, strict=True)), *rows):
        cells = (str(line[c]).ljust(w) for c, w in zip(columns, widths, strict=True))
        click.echo("  ".join(cells).rstrip())


@environment_group.command("add")
@click.argument("name")
@click.option("--graph-endpoint", required=True, metavar="URL", help="e.g. https://graph.example")
@click.option(
    "--azure-ad-endpoint", required=True, metavar="URL", help="e.g. https://login.example"
)
def environment_add(name: str, graph_endpoint: str, azure_ad_endpoint: str) -> None:
    """Add (or replace) a user-defined environment NAME; kept for later calls."""
    _echo_json(add_environment(name, graph_endpoint, azure_ad_endpoint).to_dict())


@environment_group.command("remove")
@click.argument("name")
def environment_remove(name: str) -> None:
    """Remove the user-defined environment NAME."""
    _echo_json(remove_environment(name).to_dict())
