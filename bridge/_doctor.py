"""`mgbridge doctor`: everything that decides how the bridge runs, with a fix for each problem.

``diagnose(facts)`` checks this interpreter (Python, pythonnet, libpython), what the PowerShell
module reports of itself (``Get-MgBridgeRuntime -Facts``: version, transport, in-process host),
the sandbox and the default cloud. ``doctor()`` is the CLI's: it asks pwsh for those facts first.
The PowerShell module calls ``diagnose`` through the ``doctor`` entry operation.

Every warning and problem names its row of README.md's Troubleshooting table (``PROBLEMS``), so
the report and the documentation can not drift apart unnoticed (tests/python/test_doctor.py).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from platform import python_version
from typing import Any

from bridge._cli_auth import CERTIFICATE_PASSWORD_VAR, CLIENT_SECRET_VAR, TOKEN_VAR
from bridge._exceptions import AuthError, BridgeError
from bridge._hostinfo import find_libpython, find_pythonnet_runtime

# Problem id -> the first cell of its row in README.md's "## Troubleshooting" table.
PROBLEMS: dict[str, str] = {
    "pythonnet-missing": "`mgbridge doctor`: pythonnet is not installed",
    "libpython-missing": "`mgbridge doctor`: no shared libpython",
    "pwsh-missing": "`mgbridge doctor`: PowerShell 7.4 or newer not found",
    "pwsh-too-old": "`mgbridge doctor`: PowerShell is older than 7.4",
    "module-not-importable": "`mgbridge doctor`: the MgBridge module does not import",
    "host-not-compiled": "`mgbridge doctor`: the in-process host could not be compiled",
    "process-transport": "`mgbridge doctor`: the process transport is used",
    "sandbox-unreachable": (
        "`mgbridge doctor`: the sandbox's state file names a sandbox that does not answer"
    ),
    "python-not-found": "No Python with mgbridge installed was found",
    "drop-ins-missing": "`mgbridge doctor`: the drop-in modules are not installed",
    "sdk-module-first": "`mgbridge doctor`: the SDK's own module comes first on PSModulePath",
}

STATUSES = ("ok", "info", "warning", "problem")
MIN_PWSH = (7, 4)
PWSH_TIMEOUT = 120.0
SANDBOX_TIMEOUT = 2.0
INSTALL_PWSH = "install PowerShell 7.4 or newer: https://aka.ms/powershell"


@dataclass(frozen=True)
class Check:
    """One line of the report. Warnings and problems carry a fix and their README symptom."""

    name: str
    status: str
    detail: str
    fix: str | None = None
    symptom: str | None = None

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"status {self.status!r} is not one of {STATUSES}")
        if self.status in ("warning", "problem") and self.symptom not in PROBLEMS.values():
            raise ValueError(f"a {self.status} needs a symptom of PROBLEMS: use _problem()")

    def to_dict(self) -> dict[str, str | None]:
        return asdict(self)


def _problem(problem: str, name: str, detail: str, fix: str, *, status: str = "problem") -> Check:
    return Check(name, status, detail, fix, PROBLEMS[problem])


# -- this interpreter ---------------------------------------------------------------------------


def _shell_word(path: str) -> str:
    """``path`` as the first word of a command in this platform's usual shell."""
    if sys.platform == "win32":
        return f"& '{_ps_escape(path)}'" if re.search(r"[\s'&;`$()]", path) else path
    return shlex.quote(path)


def _python_check() -> Check:
    venv = "venv" if sys.prefix != sys.base_prefix else "no venv"
    return Check("Python", "ok", f"{python_version()} at {sys.executable} ({venv})")


def _pythonnet_check() -> Check:
    runtime, version = find_pythonnet_runtime()
    fix = f'{_shell_word(sys.executable)} -m pip install "pythonnet>=3.1"'
    if version is None:
        return _problem("pythonnet-missing", "pythonnet", f"not installed in {sys.executable}", fix)
    if runtime is None:
        return _problem(
            "pythonnet-missing",
            "pythonnet",
            f"pythonnet {version} is installed but its pythonnet/runtime/Python.Runtime.dll is not",
            fix.replace(" install ", " install --force-reinstall "),
        )
    return Check("pythonnet", "ok", f"{version}, runtime {runtime}")


def libpython_fix(
    *, platform: str, base_prefix: str, version: str, debian: bool, pyenv_root: str | None
) -> str:
    """How to get a shared libpython for the interpreter that these arguments describe."""
    minor = ".".join(version.split(".")[:2])
    versions = os.path.join(pyenv_root or os.path.join("~", ".pyenv"), "versions")
    if os.path.join(".pyenv", "versions", "") in base_prefix or base_prefix.startswith(
        os.path.join(os.path.expanduser(versions), "")
    ):
        return f"env PYTHON_CONFIGURE_OPTS=--enable-shared pyenv install --force {version}"
    if platform == "linux" and debian and base_prefix == "/usr":  # not /usr/local: built there
        return f"sudo apt-get install libpython{minor}"
    if platform in ("win32", "darwin"):
        return f"install Python {minor} with the python.org installer: https://www.python.org/downloads/"
    return (
        f"use a Python {minor} built with --enable-shared (your distribution's python3 and its "
        f"libpython{minor} package, or ./configure --enable-shared)"
    )


def _libpython_check() -> Check:
    found = find_libpython()
    if found is not None:
        return Check("libpython", "ok", found)
    fix = libpython_fix(
        platform=sys.platform,
        base_prefix=sys.base_prefix,
        version=python_version(),
        debian=os.path.isfile("/etc/debian_version"),
        pyenv_root=os.environ.get("PYENV_ROOT"),
    )
    return _problem(
        "libpython-missing",
        "libpython",
        f"none for {sys.base_prefix} (Python {python_version()}): pythonnet cannot host it, so "
        "PowerShell uses the process transport",
        fix,
    )


# -- what the PowerShell module reports ---------------------------------------------------------


def _version_tuple(text: str) -> tuple[int, int] | None:
    match = re.match(r"\s*(\d+)\.(\d+)", text)
    return (int(match[1]), int(match[2])) if match else None


def _pwsh_version_check(version: str, where: str) -> Check:
    parsed = _version_tuple(version)
    if parsed is None or parsed < MIN_PWSH:
        return _problem(
            "pwsh-too-old", "PowerShell", f"{version or 'unknown version'}{where}", INSTALL_PWSH
        )
    return Check("PowerShell", "ok", f"{version}{where}")


def _forced(facts: Mapping[str, Any]) -> bool:
    return "MGBRIDGE_TRANSPORT" in str(facts.get("transport_reason") or "")


def _powershell_checks(facts: Mapping[str, Any], executable: str | None = None) -> list[Check]:
    where = f" ({facts.get('edition') or 'unknown edition'}"
    where += f", {executable})" if executable else ")"
    checks = [_pwsh_version_check(str(facts.get("version") or ""), where)]
    module = str(facts.get("module_path") or "unknown path")
    source = facts.get("python_source")
    checks.append(
        Check("PowerShell module", "ok", module + (f"; Python: {source}" if source else ""))
    )

    drop_ins = facts.get("drop_ins")
    if drop_ins is not None:
        checks.append(_drop_ins_check(drop_ins))

    transport = str(facts.get("transport") or "")
    reason = str(facts.get("transport_reason") or "no reason given")
    assembly = facts.get("host_assembly")
    host_problem = facts.get("host_problem")
    if transport == "inprocess":
        checks.append(Check("In-process host", "ok", str(assembly or "loaded")))
    elif host_problem and not _forced(facts):
        checks.append(
            _problem(
                "host-not-compiled",
                "In-process host",
                str(host_problem),
                "set $env:MGBRIDGE_TRANSPORT = 'process' to accept the process transport, or "
                "reinstall PowerShell from its official package (so that $PSHOME/ref exists) and "
                "start a new session",
            )
        )
    else:
        checks.append(Check("In-process host", "info", f"not used; {assembly or 'not built'}"))

    if transport == "inprocess":
        checks.append(Check("Transport", "ok", f"in-process (pythonnet): {reason}"))
    elif _forced(facts):
        checks.append(Check("Transport", "info", f"process: {reason}"))
    else:
        checks.append(
            _problem(
                "process-transport",
                "Transport",
                f"{transport or 'unknown'}: {reason}",
                "fix the problems above and start a new PowerShell session, or choose the process "
                "transport with $env:MGBRIDGE_TRANSPORT = 'process'",
                status="warning",
            )
        )
    return checks


def _drop_ins_check(drop_ins: list[Mapping[str, Any]]) -> Check:
    """What `Import-Module Microsoft.Graph...` loads: mgbridge's drop-ins, the SDK's, or none."""
    sdk = [d for d in drop_ins if d.get("path") and not d.get("mgbridge")]
    if sdk:
        found = "; ".join(f"{d['name']} {d.get('version')} at {d['path']}" for d in sdk)
        return _problem(
            "sdk-module-first",
            "Drop-in modules",
            f"the SDK's own module would load: {found}",
            "uninstall the SDK's module from this PSModulePath (Uninstall-PSResource <name>) or "
            "put mgbridge's drop-ins first; the two cannot share a session",
        )
    missing = [str(d.get("name")) for d in drop_ins if not d.get("path")]
    installed = [d for d in drop_ins if d.get("path")]
    # Sign-in and one of the calls modules (beta or v1.0) is what a script needs.
    usable = any(d.get("name") == "Microsoft.Graph.Authentication" for d in installed) and any(
        "CloudCommunications" in str(d.get("name")) for d in installed
    )
    if not usable:
        return _problem(
            "drop-ins-missing",
            "Drop-in modules",
            "not on PSModulePath: " + ", ".join(missing),
            "Install-PSResource Microsoft.Graph.Beta.CloudCommunications -Repository <yours> "
            "(brings the others), or put the compat folder of `mgbridge psmodule-path` first on "
            "PSModulePath",
            status="warning",
        )
    detail = "; ".join(f"{d['name']} {d.get('version')}" for d in installed)
    if missing:
        detail += " (not installed: " + ", ".join(missing) + ")"
    return Check("Drop-in modules", "ok", detail)


# -- the sandbox and the cloud ------------------------------------------------------------------


def _sandbox_check() -> Check:
    from bridge.sandbox._statefile import load_state, state_path

    file = state_path()
    if not file.exists():
        return Check(
            "Sandbox",
            "info",
            f"not running (start one with `mgbridge sandbox` or Start-MgBridgeSandbox); no {file}",
        )
    try:
        state = load_state(file)  # unreadable, or the process that wrote it has exited
        silent = _probe_sandbox(state)
    except AuthError as exc:
        silent = str(exc)
    if silent is None:
        return Check("Sandbox", "ok", f"{state['graph']} (process {state.get('pid')}, {file})")
    return _problem(
        "sandbox-unreachable",
        "Sandbox",
        f"{file}: {silent}",
        f"remove {file}, or start the sandbox again (`mgbridge sandbox` or Start-MgBridgeSandbox)",
        status="warning",
    )


def _probe_sandbox(state: Mapping[str, Any]) -> str | None:
    """Why the sandbox of ``state`` does not answer, or None when it does. Asks the admin API,
    trusting the sandbox's own CA as admin_request (bridge/_sandbox_process.py) does, with a
    short timeout: a port that nobody serves any more may swallow packets."""
    import ssl

    import httpx

    graph = state.get("graph")
    try:
        admin = str(state.get("admin") or f"{graph}/_sandbox").rstrip("/")
        context = ssl.create_default_context(cafile=state["ca_file"])
        with httpx.Client(
            transport=httpx.HTTPTransport(verify=context), trust_env=False, timeout=SANDBOX_TIMEOUT
        ) as client:
            client.get(f"{admin}/settings").raise_for_status()
    except (httpx.HTTPError, OSError, KeyError, TypeError, ValueError) as exc:
        return f"{graph} does not answer ({type(exc).__name__}: {exc})"
    return None


def _cloud_check() -> Check:
    from bridge._environments import get_environment

    name = os.environ.get("MGBRIDGE_ENVIRONMENT") or "Global"
    try:
        where = get_environment(name).graph_endpoint
    except BridgeError as exc:
        where = str(exc)
    # Names only: their values are secrets.
    variables = (CLIENT_SECRET_VAR, CERTIFICATE_PASSWORD_VAR, TOKEN_VAR)
    names = [variable for variable in variables if os.environ.get(variable)]
    credentials = ", ".join(names) + " set" if names else "no credential variable set"
    return Check("Cloud", "info", f"default environment {name} ({where}); {credentials}")


def _checks(powershell: list[Check]) -> list[Check]:
    return [
        _python_check(),
        _pythonnet_check(),
        _libpython_check(),
        *powershell,
        _sandbox_check(),
        _cloud_check(),
    ]


def diagnose(powershell: Mapping[str, Any] | None) -> list[Check]:
    """The checks, in report order; ``powershell`` is ``Get-MgBridgeRuntime -Facts``, if any."""
    return _checks([] if powershell is None else _powershell_checks(powershell))


# -- the CLI's side: asking pwsh ----------------------------------------------------------------


def _ps_escape(text: str) -> str:
    # PowerShell also ends a single-quoted string at the typographic single quotes.
    return re.sub("(['\u2018\u2019\u201a\u201b])", r"\1\1", text)


def pwsh_command(module: str, python: str = sys.executable) -> str:
    """The -Command text that prints the module's facts as the last line of stdout."""
    return (
        f"$env:MGBRIDGE_PYTHON = '{_ps_escape(python)}'; "
        f"Import-Module '{_ps_escape(module)}' -ErrorAction Stop; "
        "Get-MgBridgeRuntime -Facts | ConvertTo-Json -Compress"
    )


def _run_pwsh(pwsh: str, command: str, timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [pwsh, "-NoProfile", "-NonInteractive", "-Command", command],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        stdin=subprocess.DEVNULL,
        timeout=timeout,
        check=False,
    )


def _ask_pwsh(pwsh: str) -> dict[str, Any] | str:
    """The facts that pwsh prints, or why there are none (the end of its stderr)."""
    from bridge._psmodule import psmodule_root

    module = str(psmodule_root() / "MgBridge" / "MgBridge.psd1")
    try:
        done = _run_pwsh(pwsh, pwsh_command(module), PWSH_TIMEOUT)
    except subprocess.TimeoutExpired:
        return f"{pwsh} did not answer within {PWSH_TIMEOUT:g} s"
    except OSError as exc:
        return f"{pwsh} did not start: {exc}"
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    if done.returncode == 0 and lines:
        try:
            facts = json.loads(lines[-1])
        except ValueError:
            facts = None
        if isinstance(facts, dict):
            return facts
    said = [line for line in done.stderr.splitlines() if line.strip()][-10:]
    ended = f"exit code {done.returncode}" if done.returncode else "no facts on stdout"
    return f"{pwsh} ({ended}): " + ("\n".join(said) if said else "nothing on stderr")


def _pwsh_version(pwsh: str) -> str | None:
    """$PSVersionTable's version, to tell a PowerShell too old for the module from a module
    that does not import (the manifest refuses PowerShell before 7.4)."""
    try:
        done = _run_pwsh(pwsh, "$PSVersionTable.PSVersion.ToString()", 30.0)
    except (OSError, subprocess.TimeoutExpired):
        return None
    lines = done.stdout.split()
    return lines[-1] if done.returncode == 0 and lines else None


def _pwsh_missing(wanted: str | None, platform: str = sys.platform) -> Check:
    detail = f"{wanted} is not an executable" if wanted else "pwsh is not on PATH"
    if platform == "win32" and shutil.which("powershell.exe"):
        detail += "; powershell.exe is Windows PowerShell 5.1, which does not count"
    return _problem("pwsh-missing", "PowerShell", detail, INSTALL_PWSH)


def doctor(pwsh: str | None = None) -> list[Check]:
    """The report of `mgbridge doctor`: ``pwsh`` (default: pwsh on PATH) loads the module and
    reports its facts."""
    found = shutil.which(pwsh or "pwsh")
    if found is None:
        return _checks([_pwsh_missing(pwsh)])
    found = os.path.abspath(found)
    answer = _ask_pwsh(found)
    if isinstance(answer, dict):
        return _checks(_powershell_checks(answer, executable=found))
    version = _pwsh_version(found)
    powershell = (
        _pwsh_version_check(version, f" ({found})")
        if version
        else Check("PowerShell", "info", f"{found}, version unknown")
    )
    if PROBLEMS["python-not-found"] in answer:  # the module imported, found no Python
        module = _problem(
            "python-not-found",
            "PowerShell module",
            answer,
            f"set $env:MGBRIDGE_PYTHON to {sys.executable}, or run "
            "`mgbridge psmodule-path --install` with this Python",
        )
    else:
        module = _problem(
            "module-not-importable",
            "PowerShell module",
            answer,
            f"run `Import-Module MgBridge` in {found} to see the error; reinstall the module "
            "with `Install-PSResource MgBridge -Reinstall` (or `mgbridge psmodule-path --install`)",
        )
    return _checks([powershell, module])


# -- output -------------------------------------------------------------------------------------


def format_checks(checks: list[Check]) -> str:
    """One line per check; a warning or problem adds its fix and where the README says more."""
    width = max((len(check.name) for check in checks), default=0) + 2
    indent = " " * (9 + width)
    lines = []
    for check in checks:
        detail = check.detail.replace("\n", "\n" + indent)
        lines.append(f"{check.status:<9}{check.name:<{width}}{detail}".rstrip())
        if check.fix:
            lines.append(f"{indent}fix: {check.fix}")
        if check.symptom:
            lines.append(f'{indent}see: README Troubleshooting, "{check.symptom}"')
    return "\n".join(lines)


def has_problem(checks: list[Check]) -> bool:
    return any(check.status == "problem" for check in checks)
