"""Shared pieces of the benchmarks: the sandbox process, CPU pinning, statistics, the machine."""

from __future__ import annotations

import contextlib
import json
import os
import platform
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PWSH_PATH_FILE = ROOT / ".tools" / "pwsh.path"
# The folder holding MgBridge/, put first on PSModulePath so that `Import-Module MgBridge` finds
# it; $MGBRIDGE_BENCH_MODULES names another (a patched copy, for before/after figures).
MODULE_ROOT = Path(os.environ.get("MGBRIDGE_BENCH_MODULES") or ROOT / "psmodule")
PS_SCRIPTS = Path(__file__).resolve().parent / "ps"

# The one request body of every contender: the help page's first example (one participant,
# replacesCallId left out so that it is a plain invite), as the wire JSON the bridge sends.
BODY: dict[str, Any] = {
    "participants": [
        {
            "@odata.type": "#microsoft.graph.invitationParticipantInfo",
            "identity": {
                "@odata.type": "#microsoft.graph.identitySet",
                "user": {
                    "@odata.type": "#microsoft.graph.identity",
                    "id": "278405a3-f568-4b3e-b684-009193463064",
                    "identityProvider": "AAD",
                },
            },
        }
    ],
    "clientContext": "f2fa86af-3c51-4bc2-8fc0-475452d9764f",
}
BODY_JSON = json.dumps(BODY, separators=(",", ":"))

# Operations never finish during a run: the roster stays empty, so every invite is a 200
# "Running" and the sandbox's work per invite stays the same from the first to the last.
OPERATION_DELAY_MS = 3_600_000


# -- CPU placement --------------------------------------------------------------------------


def cpus() -> list[int]:
    return sorted(os.sched_getaffinity(0))


def sandbox_cpus() -> list[int]:
    """The sandbox gets the last CPU to itself (when there are two or more)."""
    mine = cpus()
    return mine[-1:] if len(mine) >= 2 else mine


def client_cpus() -> list[int]:
    """Single-threaded clients (latency figures) get the other CPUs."""
    mine = cpus()
    return mine[:-1] if len(mine) >= 2 else mine


def pinned(command: Sequence[str], cpu_list: Sequence[int] | None) -> list[str]:
    """``command`` under taskset, when taskset exists and a CPU list is given."""
    taskset = shutil.which("taskset")
    if not cpu_list or taskset is None:
        return list(command)
    return [taskset, "-c", ",".join(map(str, cpu_list)), *command]


# -- the sandbox ----------------------------------------------------------------------------


class SandboxProcess:
    """``python -m bridge.sandbox`` in its own process, on its own CPU; a context manager."""

    def __init__(self, folder: Path) -> None:
        self.state_file = folder / "sandbox.json"
        self.process: subprocess.Popen[str] | None = None
        self.state: dict[str, Any] = {}
        self._ssl: ssl.SSLContext | None = None

    def __enter__(self) -> SandboxProcess:
        command = [
            sys.executable,
            "-m",
            "bridge.sandbox",
            "--state-file",
            str(self.state_file),
            "--operation-delay-ms",
            str(OPERATION_DELAY_MS),
        ]
        self.process = subprocess.Popen(
            pinned(command, sandbox_cpus()), stdout=subprocess.PIPE, text=True
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise SystemExit("the sandbox did not start")
        self.state = json.loads(line)
        self._ssl = ssl.create_default_context(cafile=self.state["ca_file"])
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            if self.process.stdout is not None:
                self.process.stdout.close()

    @property
    def env(self) -> dict[str, str]:
        """What a client process needs to connect with environment "Sandbox"."""
        return {"MGBRIDGE_SANDBOX_STATE": str(self.state_file)}

    def admin(self, method: str, path: str, body: Any = None) -> Any:
        import httpx

        with httpx.Client(verify=self._ssl, timeout=60) as client:
            response = client.request(method, f"{self.state['admin']}{path}", json=body)
            response.raise_for_status()
            return response.json() if response.content else None

    def reset(self) -> None:
        """Forgets calls, operations and recorded requests: each phase starts from nothing."""
        self.admin("POST", "/reset", {})

    def new_call(self) -> str:
        return str(self.admin("POST", "/calls", {})["id"])

    def accepted_invites(self) -> int:
        return int(self.admin("GET", "/stats")["invites"]["accepted"])

    def token(self) -> str:
        import httpx

        with httpx.Client(verify=self._ssl) as client:
            response = client.post(
                self.state["token_endpoint"],
                data={
                    "grant_type": "client_credentials",
                    "client_id": self.state["client_id"],
                    "client_secret": self.state["client_secret"],
                    "scope": self.state["scope"],
                },
            )
            response.raise_for_status()
            return str(response.json()["access_token"])

    def cpu_seconds(self) -> float:
        assert self.process is not None
        return process_cpu_seconds(self.process.pid)


def process_cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


# -- PowerShell -----------------------------------------------------------------------------


def pwsh() -> str:
    if PWSH_PATH_FILE.is_file():
        path = PWSH_PATH_FILE.read_text().strip()
        if path and Path(path).is_file():
            return path
    found = shutil.which("pwsh")
    if found is None:
        raise SystemExit("pwsh not found: run `make setup`")
    return found


def pwsh_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for a pwsh child: the module on PSModulePath, no update checks."""
    env = dict(os.environ)
    env.pop("MGBRIDGE_TRANSPORT", None)
    env["PSModulePath"] = os.pathsep.join(
        [str(MODULE_ROOT), *filter(None, [env.get("PSModulePath")])]
    )
    env["POWERSHELL_TELEMETRY_OPTOUT"] = "1"
    env["POWERSHELL_UPDATECHECK"] = "Off"
    env["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1"
    env["NO_COLOR"] = "1"  # plain error text in the reports
    env.update(extra or {})
    return env


def run_ps_script(
    script: str,
    arguments: Sequence[str],
    *,
    env: dict[str, str],
    cpu_list: Sequence[int] | None = None,
    timeout: float = 600,
) -> dict[str, Any]:
    """Runs bench/ps/SCRIPT with ``-OutFile``, and returns the JSON it wrote there."""
    out_file = Path(env.get("MGBRIDGE_BENCH_TMP", "/tmp")) / f"{Path(script).stem}.json"
    out_file.unlink(missing_ok=True)
    command = [
        pwsh(),
        "-NoProfile",
        "-NonInteractive",
        "-File",
        str(PS_SCRIPTS / script),
        *arguments,
        "-OutFile",
        str(out_file),
    ]
    done = subprocess.run(
        pinned(command, cpu_list), env=env, capture_output=True, text=True, timeout=timeout
    )
    if done.returncode != 0 or not out_file.is_file():
        raise SystemExit(
            f"{script} failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )
    return json.loads(out_file.read_text(encoding="utf-8-sig"))


class PsServer:
    """bench/ps/serve.ps1 in its own pwsh: one contender kept running while another process
    takes turns with it (``run(n)``: n timed rounds), so that contenders which cannot share a
    process still alternate within one run. A context manager; ``ready`` holds its first reply."""

    MARK = "@@ "

    def __init__(self, arguments: Sequence[str], env: dict[str, str], name: str) -> None:
        self.name = name
        self._stderr = tempfile.TemporaryFile(mode="w+", encoding="utf-8")  # noqa: SIM115 (closed by __exit__)
        self.process = subprocess.Popen(
            [
                pwsh(),
                "-NoProfile",
                "-NonInteractive",
                "-File",
                str(PS_SCRIPTS / "serve.ps1"),
                *arguments,
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            env=env,
            text=True,
            encoding="utf-8",
        )
        self.ready = self._read()
        self.cpu_ns = 0
        self.rounds = 0

    def _read(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        lines = []
        for line in self.process.stdout:
            if line.startswith(self.MARK):
                return dict(json.loads(line[len(self.MARK) :]))
            lines.append(line)
        self.process.wait()
        self._stderr.seek(0)
        raise SystemExit(
            f"{self.name} (bench/ps/serve.ps1) ended ({self.process.returncode}):\n"
            + "".join(lines)[-2000:]
            + self._stderr.read()[-3000:]
        )

    def command(self, text: str) -> dict[str, Any]:
        assert self.process.stdin is not None
        self.process.stdin.write(text + "\n")
        self.process.stdin.flush()
        return self._read()

    def run(self, rounds: int) -> dict[str, list[int]]:
        """Runs ``rounds`` timed rounds; their CPU time (the whole pwsh process, so the hosted
        Python too) adds to ``cpu_ns`` and the rounds to ``rounds``."""
        reply = self.command(f"run {rounds}")
        self.cpu_ns += int(reply["cpu_ns"])
        self.rounds += rounds
        return dict(reply["samples"])

    def quit(self) -> int:
        sent = int(self.command("quit")["sent"])
        self.process.wait(timeout=60)
        return sent

    def __enter__(self) -> PsServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._stderr.close()


def genuine_sdk() -> tuple[Path | None, Path | None, str]:
    """The SDK's own Microsoft.Graph.Beta.CloudCommunications, built from source (`make
    genuine-sdk`), as the parity tests find it: the modules folder ($MGBRIDGE_GENUINE_SDK, else
    .tools/genuine-sdk/modules) and setup-genuine.ps1, which loads it into a pwsh and points it at
    a sandbox ($MGBRIDGE_GENUINE_SETUP, else beside that folder, else ../shared/genuine-sdk).
    Returns (modules, setup, "") or (None, None, why not)."""
    given = os.environ.get("MGBRIDGE_GENUINE_SDK")
    modules = Path(given) if given else ROOT / ".tools" / "genuine-sdk" / "modules"
    name = "Microsoft.Graph.Beta.CloudCommunications"
    if not (modules / name / f"{name}.psd1").is_file():
        return (
            None,
            None,
            (
                f"the SDK's own module is not built in {modules} (run `make genuine-sdk`, or set "
                "MGBRIDGE_GENUINE_SDK to its modules folder)"
            ),
        )
    candidates = [
        os.environ.get("MGBRIDGE_GENUINE_SETUP"),
        modules.parent / "setup-genuine.ps1",
        ROOT.parent / "shared" / "genuine-sdk" / "setup-genuine.ps1",
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return modules, Path(candidate), ""
    return (
        None,
        None,
        (
            "setup-genuine.ps1 (../shared/genuine-sdk) was not found; "
            "set MGBRIDGE_GENUINE_SETUP to it"
        ),
    )


# -- statistics -----------------------------------------------------------------------------


@dataclass
class Summary:
    n: int
    median: float
    p99: float
    mean: float

    def to_dict(self) -> dict[str, float]:
        return {"n": self.n, "median": self.median, "p99": self.p99, "mean": self.mean}


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    if not sorted_values:
        return float("nan")
    position = (len(sorted_values) - 1) * q
    low = int(position)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


def summarize(values: Sequence[float]) -> Summary:
    ordered = sorted(values)
    return Summary(
        n=len(ordered),
        median=percentile(ordered, 0.5),
        p99=percentile(ordered, 0.99),
        mean=sum(ordered) / len(ordered) if ordered else float("nan"),
    )


# -- the machine ----------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    model, guest = "", False
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name") and not model:
                model = line.split(":", 1)[1].strip()
            elif line.startswith("flags"):
                guest = guest or "hypervisor" in line.split()
    memory_kb = 0
    with open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal:"):
                memory_kb = int(line.split()[1])
    distro = platform.system()
    os_release = Path("/etc/os-release")
    if os_release.is_file():
        for line in os_release.read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                distro = line.split("=", 1)[1].strip('"')
    virtual = ""
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        virtual = subprocess.run(
            ["systemd-detect-virt"], capture_output=True, text=True, timeout=5
        ).stdout.strip()
    import httpx

    try:
        ps_version = subprocess.run(
            [
                pwsh(),
                "-NoProfile",
                "-c",
                "'{0} on {1}' -f $PSVersionTable.PSVersion, "
                "[Runtime.InteropServices.RuntimeInformation]::FrameworkDescription",
            ],
            capture_output=True,
            text=True,
            timeout=60,
            env=pwsh_env(),
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError, SystemExit):
        ps_version = "not found"
    from bridge import __version__

    return {
        "cpu": model,
        "cpus": os.cpu_count(),
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "os": f"{distro}, Linux {platform.release()}",
        "virtualization": ", ".join(
            filter(None, [virtual, "virtual machine (hypervisor flag)" if guest else ""])
        )
        or "none detected",
        "python": platform.python_version(),
        "httpx": httpx.__version__,
        "powershell": ps_version,
        "mgbridge": __version__,
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
