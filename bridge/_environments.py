"""Clouds (Get-MgEnvironment): the built-in ones, the running sandbox, and user-defined ones.

User-defined environments (``add_environment``, ``mgbridge environment add``) are persisted in
``<config>/mgbridge/environments.json`` (``<config>`` is ``$XDG_CONFIG_HOME`` or ``~/.config``), as
the SDK keeps its own in a file, so that later processes (CLI calls, PowerShell sessions) see them.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bridge._exceptions import AuthError, BodyError

__all__ = [
    "BUILT_IN",
    "SANDBOX",
    "Environment",
    "add_environment",
    "config_dir",
    "get_environment",
    "list_environments",
    "remove_environment",
]

SANDBOX = "Sandbox"


@dataclass(frozen=True)
class Environment:
    """A cloud: where to sign in and where Graph is.

    ``kind`` is the Get-MgEnvironment Type column: "Built-in", "User-defined" or "Sandbox".
    For the sandbox, ``ca_file`` is its CA and ``tenant_id``/``client_id``/``client_secret`` name
    its default app (the secret is left out of ``repr``, equality and ``to_dict``).
    """

    name: str
    graph_endpoint: str
    login_endpoint: str
    ca_file: str | None = None
    kind: str = "Built-in"
    tenant_id: str | None = None
    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """The Get-MgEnvironment columns (no secret)."""
        return {
            "Name": self.name,
            "AzureADEndpoint": self.login_endpoint,
            "GraphEndpoint": self.graph_endpoint,
            "Type": self.kind,
        }


BUILT_IN: tuple[Environment, ...] = (
    Environment("Global", "https://graph.microsoft.com", "https://login.microsoftonline.com"),
    Environment("USGov", "https://graph.microsoft.us", "https://login.microsoftonline.us"),
    Environment("USGovDoD", "https://dod-graph.microsoft.us", "https://login.microsoftonline.us"),
    Environment(
        "China", "https://microsoftgraph.chinacloudapi.cn", "https://login.chinacloudapi.cn"
    ),
    Environment("BleuCloud", "https://graph.svc.sovcloud.fr", "https://login.sovcloud-identity.fr"),
    Environment(
        "DelosCloud", "https://graph.svc.sovcloud.de", "https://login.sovcloud-identity.de"
    ),
    Environment(
        "GovSGCloud", "https://graph.svc.sovcloud.sg", "https://login.sovcloud-identity.sg"
    ),
)
_RESERVED = {env.name.lower() for env in BUILT_IN} | {SANDBOX.lower()}


def config_dir() -> Path:
    """The user's mgbridge folder: ``$XDG_CONFIG_HOME/mgbridge``, else ``~/.config/mgbridge``."""
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "mgbridge"


def get_environment(name: str | Environment | None = None) -> Environment:
    """The environment called ``name`` (any casing); ``None`` means Global.

    Sandbox is read from the running sandbox's state file each time, so a restarted sandbox (new
    port, new CA) is picked up.
    """
    if isinstance(name, Environment):
        return name
    wanted = (name or "Global").strip().lower()
    if wanted == SANDBOX.lower():
        return _sandbox()
    for env in (*BUILT_IN, *_load_custom()):
        if env.name.lower() == wanted:
            return env
    known = ", ".join(env.name for env in list_environments(include_sandbox=False))
    raise AuthError(
        f"Unknown environment {name!r}. Known: {known}, {SANDBOX}; "
        "add one with add_environment (mgbridge environment add).",
        code="UnknownEnvironment",
    )


def list_environments(*, include_sandbox: bool = True) -> list[Environment]:
    """Built-ins, then the sandbox (only while one runs), then user-defined environments."""
    envs = list(BUILT_IN)
    if include_sandbox:
        with contextlib.suppress(AuthError):  # no sandbox running: nothing to list for it
            envs.append(_sandbox())
    return envs + _load_custom()


def add_environment(name: str, graph_endpoint: str, login_endpoint: str) -> Environment:
    """Adds (or replaces) a user-defined environment and persists it for later processes."""
    name = name.strip()
    if not name or name.lower() in _RESERVED:
        raise BodyError(
            f"{name!r} is a built-in environment name; choose another name.", path="Name"
        )
    env = Environment(
        name,
        _https_root(graph_endpoint, "GraphEndpoint"),
        _https_root(login_endpoint, "AzureADEndpoint"),
        kind="User-defined",
    )
    custom = [e for e in _load_custom() if e.name.lower() != name.lower()]
    _save_custom([*custom, env])
    return env


def remove_environment(name: str) -> Environment:
    """Removes a user-defined environment and returns it; built-ins cannot be removed."""
    if name.strip().lower() in _RESERVED:
        raise BodyError(f"{name!r} is a built-in environment; it cannot be removed.", path="Name")
    custom = _load_custom()
    gone = [e for e in custom if e.name.lower() == name.strip().lower()]
    if not gone:
        raise BodyError(f"No user-defined environment is called {name!r}.", path="Name")
    _save_custom([e for e in custom if e not in gone])
    return gone[0]


def _https_root(url: str, what: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme.lower() != "https" or not parts.hostname:
        raise BodyError(f"must be an https:// URL, got {url!r}.", path=what)
    if parts.query or parts.fragment or parts.path.strip("/"):
        raise BodyError(f"must be a root URL without path or query, got {url!r}.", path=what)
    return f"https://{parts.netloc}"


def _custom_file() -> Path:
    return config_dir() / "environments.json"


def _load_custom() -> list[Environment]:
    try:
        entries = json.loads(_custom_file().read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as exc:
        raise AuthError(
            f"Cannot read the user-defined environments in {_custom_file()}: {exc}. "
            "Fix or delete that file.",
            code="EnvironmentFile",
        ) from exc
    return [
        Environment(e["Name"], e["GraphEndpoint"], e["AzureADEndpoint"], kind="User-defined")
        for e in entries
    ]


def _save_custom(envs: list[Environment]) -> None:
    path = _custom_file()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    text = json.dumps([{k: v for k, v in e.to_dict().items() if k != "Type"} for e in envs])
    # Write then rename, so a concurrent reader never sees half a file.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".environments-")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text + "\n")
    os.replace(tmp, path)


def _sandbox() -> Environment:
    from bridge.sandbox import load_state  # late: only the Sandbox environment needs it

    state = load_state()  # AuthError "SandboxNotRunning" when none runs
    tenant = state["tenant_id"]
    # The state's authority is msal's (LOGIN/TENANT); the environment keeps the login root.
    login = state["authority"].rstrip("/").removesuffix(f"/{tenant}")
    return Environment(
        SANDBOX,
        state["graph"].rstrip("/"),
        login,
        ca_file=state["ca_file"],
        kind="Sandbox",
        tenant_id=tenant,
        client_id=state["client_id"],
        client_secret=state["client_secret"],
    )
