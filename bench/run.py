"""mgbridge benchmarks: the bridge against what a user would otherwise pick, side by side.

`python bench/run.py` (what `make bench` runs) measures, against one local sandbox process:

  python       per-invite time: session.invite vs a plain keep-alive httpx POST of the same JSON
  powershell   per-invite time: the cmdlet (in-process and process transports) vs
               Invoke-RestMethod (new connection per call, and -WebSession keep-alive); and the
               no-op boundary round trip of each transport
  sdk          per-invite time and Import-Module time: mgbridge against the SDK's own cmdlet
               (the AutoRest-built Microsoft.Graph.Beta.CloudCommunications, when built), each in
               its own pwsh, alternating in blocks against the same sandbox
  layers       where the in-process cmdlet's time goes (Stopwatch slices, and the Python side
               timed inside Python), with the SDK cmdlet's whole time from the same run
  start        cold start (pwsh, pwsh + Import-Module MgBridge with every command of the calls
               family), first result (+ Connect-MgGraph
               + first invite), the same for Python; and the first call in slices
  scale        1, 4 and 8 runspaces x N invites in one pwsh: throughput, p50, p99
  memory       pwsh working set after import (the whole calls family), first call, warm-up,
               and 5,000 invites
  footprint    the wheel's unpacked size, and installed with bytecode; the generated MAML help
               apart
  sandbox      the sandbox's own rate (bench/sandbox_rate.py), for scale

Contenders of one figure alternate within one run (A,B,A,B..., rotating who goes first). The
sandbox runs on the last CPU (taskset); single-threaded latency clients run on the others. Prints
a table; `--markdown FILE` also writes it as Markdown, `--json FILE` the summaries. `--quick` is
a smoke run of a few seconds per figure; `--only` picks figures; `--baseline DIR` adds another
copy of the module to the start figure, alternating (before/after figures).
$MGBRIDGE_BENCH_MODULES replaces the module under test (a folder holding MgBridge/);
$MGBRIDGE_GENUINE_SDK names the folder holding the SDK's own module built from source (default
.tools/genuine-sdk/modules, `make genuine-sdk`), $MGBRIDGE_GENUINE_SETUP its loader (default: beside
it, else ../shared/genuine-sdk): without them the SDK rows are reported as skipped, with the reason.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _util
from _util import ROOT, SandboxProcess, summarize

BENCH = Path(__file__).resolve().parent
FIGURES = (
    "python",
    "powershell",
    "sdk",
    "layers",
    "start",
    "scale",
    "memory",
    "footprint",
    "sandbox",
)

MS = 1e6  # ns per millisecond


class Report:
    """Rows of the results table, grouped by figure."""

    def __init__(self) -> None:
        self.rows: list[dict[str, str]] = []
        self.notes: list[str] = []
        self.data: dict[str, Any] = {}
        self.failed: list[str] = []

    def row(
        self,
        figure: str,
        contender: str,
        median: str = "",
        p99: str = "",
        ratio: str = "",
        target: str = "",
        verdict: str = "",
    ) -> None:
        self.rows.append(
            {
                "figure": figure,
                "contender": contender,
                "median": median,
                "p99": p99,
                "ratio": ratio,
                "target": target,
                "met": verdict,
            }
        )
        print(f"  {contender:<52} {median:>12} {p99:>12} {ratio:>10} {verdict}", flush=True)

    def note(self, text: str) -> None:
        self.notes.append(text)
        print(f"  note: {text}", flush=True)

    def table(self, markdown: bool) -> str:
        headers = ["figure", "contender", "median", "p99", "ratio", "target", "met"]
        if markdown:
            lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
            last = None
            for row in self.rows:
                cells = [row[h] for h in headers]
                if row["figure"] == last:
                    cells[0] = ""
                last = row["figure"]
                lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
            return "\n".join(lines)
        widths = {h: max(len(h), *(len(r[h]) for r in self.rows)) for h in headers}
        out = ["  ".join(h.ljust(widths[h]) for h in headers)]
        out.append("  ".join("-" * widths[h] for h in headers))
        last = None
        for row in self.rows:
            cells = dict(row)
            if row["figure"] == last:
                cells["figure"] = ""
            last = row["figure"]
            out.append("  ".join(cells[h].ljust(widths[h]) for h in headers).rstrip())
        return "\n".join(out)


def ms(ns: float, digits: int = 3) -> str:
    return f"{ns / MS:.{digits}f} ms"


def seconds(ns: float) -> str:
    return f"{ns / 1e9:.3f} s"


def verdict(ok: bool) -> str:
    return "yes" if ok else "NO"


def check_same_body(name: str, sandbox: SandboxProcess) -> None:
    """Every invite the sandbox recorded in this phase carried the same JSON (BODY)."""
    bodies = {
        json.dumps(record["body"], sort_keys=True)
        for record in sandbox.admin("GET", "/requests")["value"]
        if record["path"].endswith("/participants/invite")
    }
    if bodies != {json.dumps(_util.BODY, sort_keys=True)}:
        raise SystemExit(f"{name}: the contenders did not all send the same body: {bodies}")


def check_sent(name: str, result: dict[str, Any]) -> None:
    """Every invite a script counted reached the sandbox and was accepted (200)."""
    if result["sent_expected"] != result["sent_accepted"]:
        raise SystemExit(
            f"{name}: {result['sent_expected']} invites sent, but the sandbox accepted "
            f"{result['sent_accepted']}: a contender did not do the work being timed"
        )


# -- figures --------------------------------------------------------------------------------


def fig_python(sandbox: SandboxProcess, report: Report, quick: bool) -> None:
    rounds, warmup = (300, 50) if quick else (3000, 300)
    sandbox.reset()
    before = sandbox.accepted_invites()
    done = subprocess.run(
        _util.pinned(
            [
                sys.executable,
                str(BENCH / "python_invite.py"),
                "--rounds",
                str(rounds),
                "--warmup",
                str(warmup),
            ],
            _util.client_cpus(),
        ),
        env={**os.environ, **sandbox.env},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"python_invite.py failed:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout)
    check_sent(
        "python",
        {
            "sent_expected": result["invites"],
            "sent_accepted": sandbox.accepted_invites() - before,
        },
    )
    check_same_body("python", sandbox)
    bridge_s = summarize(result["samples_ns"]["bridge"])
    httpx_s = summarize(result["samples_ns"]["httpx"])
    ratio = bridge_s.median / httpx_s.median
    figure = "per-invite time, Python"
    report.row(
        figure,
        "bridge: session.invite(call_id, body=...)",
        ms(bridge_s.median),
        ms(bridge_s.p99),
        f"{ratio:.2f}x",
        "<= 1.25x",
        verdict(ratio <= 1.25),
    )
    report.row(
        figure,
        "plain httpx.Client.post (keep-alive, same JSON)",
        ms(httpx_s.median),
        ms(httpx_s.p99),
        "1.00x",
    )
    report.data["python"] = {"bridge": bridge_s.to_dict(), "httpx": httpx_s.to_dict()}


def fig_powershell(
    sandbox: SandboxProcess, report: Report, quick: bool, env: dict[str, str]
) -> None:
    rounds, warmup = (60, 30) if quick else (1500, 300)
    sandbox.reset()
    result = _util.run_ps_script(
        "invite.ps1",
        ["-Rounds", str(rounds), "-Warmup", str(warmup), "-BodyJson", _util.BODY_JSON],
        env=env,
    )
    check_sent("powershell", result)
    check_same_body("powershell", sandbox)
    if result["inprocess_pid"] != result["pwsh_pid"] or result["process_pid"] == result["pwsh_pid"]:
        raise SystemExit(f"powershell: the transports did not run as asked: {result}")
    s = {name: summarize(v) for name, v in result["invites"].items()}
    base = s["irm"].median
    figure = "per-invite time, PowerShell"
    labels = {
        "cmdlet_inprocess": "Invoke-MgBeta...Participant, in-process",
        "cmdlet_process": "Invoke-MgBeta...Participant, process transport",
        "irm": "Invoke-RestMethod (new connection per call)",
        "irm_websession": "Invoke-RestMethod -WebSession (keep-alive)",
    }
    for name, label in labels.items():
        ratio = s[name].median / base
        target, met = "", ""
        if name == "cmdlet_inprocess":
            target, met = "<= 1.0x IRM", verdict(ratio <= 1.0)
        report.row(figure, label, ms(s[name].median), ms(s[name].p99), f"{ratio:.2f}x", target, met)
    b = {name: summarize(v) for name, v in result["boundary"].items()}
    figure = "no-op boundary call (hosting_info via InvokeBridge)"
    for name, label in (("inprocess", "in-process (pythonnet)"), ("process", "process (stdio)")):
        ratio = b[name].median / b["inprocess"].median
        report.row(figure, label, ms(b[name].median), ms(b[name].p99), f"{ratio:.2f}x")
    report.data["powershell"] = {
        "invites": {k: v.to_dict() for k, v in s.items()},
        "boundary": {k: v.to_dict() for k, v in b.items()},
    }


def _genuine_env(sandbox: SandboxProcess, env: dict[str, str]) -> dict[str, str]:
    """The SDK cmdlet's pwsh: .NET on Linux trusts the sandbox's CA through SSL_CERT_FILE."""
    return {**env, "SSL_CERT_FILE": sandbox.state["ca_file"]}


def _genuine_arguments(modules: Path, setup: Path) -> list[str]:
    return ["-Contender", "genuine", "-GenuineModules", str(modules), "-GenuineSetup", str(setup)]


def _alternate(
    servers: list[_util.PsServer], rounds: int, block: int, warmup: int
) -> list[dict[str, list[int]]]:
    """Runs the servers in turns of ``block`` rounds (rotating who goes first) until each has
    done ``rounds``, after ``warmup`` rounds each; returns each server's samples."""
    for server in servers:
        server.run(warmup)
        server.cpu_ns = server.rounds = 0
    samples: list[dict[str, list[int]]] = [{} for _ in servers]
    turn = 0
    while len(next(iter(samples[0].values()), [])) < rounds:
        for k in range(len(servers)):
            index = (turn + k) % len(servers)
            for name, values in servers[index].run(block).items():
                samples[index].setdefault(name, []).extend(values)
        turn += 1
    return samples


def fig_sdk(sandbox: SandboxProcess, report: Report, quick: bool, env: dict[str, str]) -> None:
    figure = "per-invite time, PowerShell: mgbridge vs the SDK's own cmdlet (one pwsh each)"
    modules, setup, why = _util.genuine_sdk()
    if modules is None or setup is None:
        report.row(figure, "the SDK's own Invoke-MgBeta...Participant", verdict=f"skipped: {why}")
        report.note(f"sdk figure skipped: {why}")
        return
    rounds, block, warmup = (60, 20, 30) if quick else (1500, 50, 300)
    sandbox.reset()
    before = sandbox.accepted_invites()
    with (
        _util.PsServer(["-Contender", "mgbridge"], env, "mgbridge") as bridge,
        _util.PsServer(
            _genuine_arguments(modules, setup), _genuine_env(sandbox, env), "genuine"
        ) as sdk,
    ):
        mine, theirs = _alternate([bridge, sdk], rounds, block, warmup)
        cpu = {"mgbridge": bridge.cpu_ns / bridge.rounds, "genuine": sdk.cpu_ns / sdk.rounds}
        sent = bridge.quit() + sdk.quit()
    check_sent("sdk", {"sent_expected": sent, "sent_accepted": sandbox.accepted_invites() - before})
    s = {"mgbridge": summarize(mine["invite"]), "genuine": summarize(theirs["invite"])}
    base = s["genuine"].median
    ratio = s["mgbridge"].median / base
    report.row(
        figure,
        "mgbridge Invoke-MgBeta...Participant, in-process",
        ms(s["mgbridge"].median),
        ms(s["mgbridge"].p99),
        f"{ratio:.2f}x",
        "<= 1.0x the SDK's",
        verdict(ratio <= 1.0),
    )
    report.row(
        figure,
        "the SDK's own Invoke-MgBeta...Participant (AutoRest build)",
        ms(base),
        ms(s["genuine"].p99),
        "1.00x",
    )
    # CPU time of each whole pwsh process over its timed invites (mgbridge's includes Python's).
    report.row(
        figure,
        "CPU per invite, the pwsh process: mgbridge (Python included) / the SDK's",
        f"{cpu['mgbridge'] / MS:.3f} ms",
        f"{cpu['genuine'] / MS:.3f} ms",
        f"{cpu['mgbridge'] / cpu['genuine']:.2f}x",
    )

    # Import-Module of each in fresh processes, alternating: in-process Stopwatch and wall time.
    import_rounds = 2 if quick else 8
    stopwatch = (
        "$s = [Diagnostics.Stopwatch]::StartNew(); Import-Module {0}; "
        "[Console]::Out.WriteLine($s.Elapsed.Ticks * 100)"
    )
    pwsh = [_util.pwsh(), "-NoProfile", "-NonInteractive", "-Command"]
    genuine_env = {
        **env,
        "PSModulePath": os.pathsep.join([str(modules), env.get("PSModulePath", "")]),
    }
    commands = {
        "mgbridge": [*pwsh, stopwatch.format("MgBridge")],
        "genuine": [*pwsh, stopwatch.format("Microsoft.Graph.Beta.CloudCommunications")],
        "pwsh": [*pwsh, "exit"],
    }
    walls: dict[str, list[int]] = {name: [] for name in commands}
    inside: dict[str, list[int]] = {name: [] for name in commands}
    for index in range(import_rounds):
        for k in range(len(commands)):
            name = list(commands)[(index + k) % len(commands)]
            started = time.perf_counter_ns()
            done = subprocess.run(
                commands[name],
                env=genuine_env if name == "genuine" else env,
                capture_output=True,
                text=True,
            )
            walls[name].append(time.perf_counter_ns() - started)
            if done.returncode != 0:
                raise SystemExit(f"Import-Module ({name}) failed: {done.stderr[-2000:]}")
            if name != "pwsh":
                inside[name].append(int(done.stdout.strip().splitlines()[-1]))
    figure = "Import-Module in a fresh pwsh: mgbridge (whole calls family) vs the SDK's module"
    bare = summarize(walls["pwsh"]).median
    imports = {name: summarize(inside[name]) for name in ("mgbridge", "genuine")}
    for name, label in (
        ("mgbridge", "Import-Module MgBridge"),
        ("genuine", "Import-Module Microsoft.Graph.Beta.CloudCommunications (the SDK's)"),
    ):
        wall = summarize(walls[name]).median
        report.row(
            figure,
            f"{label}: Stopwatch (whole process +{(wall - bare) / 1e9:.3f} s over bare pwsh)",
            ms(imports[name].median, 1),
            ms(imports[name].p99, 1),
            f"{imports[name].median / imports['genuine'].median:.2f}x",
        )
    report.data["sdk"] = {
        "invites": {k: v.to_dict() for k, v in s.items()},
        "cpu_ns_per_invite": cpu,
        "import_stopwatch": {k: v.to_dict() for k, v in imports.items()},
        "import_wall": {k: summarize(v).to_dict() for k, v in walls.items()},
        "import_in_server_ns": {
            "mgbridge": bridge.ready["import_ns"],
            "genuine": sdk.ready["import_ns"],
        },
    }


def fig_layers(sandbox: SandboxProcess, report: Report, quick: bool, env: dict[str, str]) -> None:
    rounds, block, warmup = (30, 10, 20) if quick else (400, 25, 100)
    sandbox.reset()
    before = sandbox.accepted_invites()
    modules, setup, why = _util.genuine_sdk()
    with contextlib.ExitStack() as stack:
        servers = [
            stack.enter_context(
                _util.PsServer(["-Contender", "mgbridge", "-Mode", "layers"], env, "layers")
            )
        ]
        if modules is not None and setup is not None:
            servers.append(
                stack.enter_context(
                    _util.PsServer(
                        _genuine_arguments(modules, setup), _genuine_env(sandbox, env), "genuine"
                    )
                )
            )
        results = _alternate(servers, rounds, block, warmup)
        skipped = servers[0].ready.get("skipped") or {}
        sent = sum(server.quit() for server in servers)
    check_sent(
        "layers", {"sent_expected": sent, "sent_accepted": sandbox.accepted_invites() - before}
    )
    figure = "in-process cmdlet, by layer (Stopwatch; Python rows timed inside Python)"
    for name, message in skipped.items():
        report.note(f"layer {name!r} not measured: {message}")
    s = {name: summarize(samples) for name, samples in results[0].items()}
    whole = s["cmdlet (whole)"].median
    layers = {}
    for name, summary in s.items():
        layers[name] = summary.to_dict()
        report.row(
            figure, name, ms(summary.median), ms(summary.p99), f"{summary.median / whole:.2f}"
        )

    def median(name: str) -> float:
        return s[name].median if name in s else 0.0

    # What the slices leave out, from the medians (an estimate: medians do not add up exactly).
    derived = {
        "= the host's boundary: GIL, arguments, reply text (raw invite round trip - dispatch)": (
            median("- host round trip, invite (raw)")
            - median("Python: _entry.dispatch(invite), same thread")
        ),
        "= the rest: InvokeCallsCommand, ShouldProcess, InvokeGraphCommand"
        " (whole - binding - body to data - InvokeBridge - output object)": whole
        - median("binding of the public cmdlet (empty body)")
        - median("body to data ([MgBridge.Host.Values]::ToData)")
        - median("InvokeBridge invite -AsHashtable (whole boundary)")
        - median("output object ([MgBridge.Host.Views]::Present)"),
    }
    for name, value in derived.items():
        layers[name] = {"median": value}
        report.row(figure, name, ms(value), "", f"{value / whole:.2f}")
    if len(results) < 2:
        report.row(figure, "the SDK's own cmdlet (whole)", verdict=f"skipped: {why}")
    else:
        sdk = summarize(results[1]["invite"])
        layers["the SDK's own cmdlet (whole)"] = sdk.to_dict()
        report.row(
            figure,
            "the SDK's own cmdlet (whole), same run, its own pwsh",
            ms(sdk.median),
            ms(sdk.p99),
            f"{sdk.median / whole:.2f}",
        )
    report.data["layers"] = layers


def _time_commands(
    commands: dict[str, list[str]],
    rounds: int,
    env: dict[str, str],
    check: Callable[[], None],
    envs: dict[str, dict[str, str]] | None = None,
) -> dict[str, list[int]]:
    """Runs each command ``rounds`` times, alternating (rotating who goes first); wall ns.
    ``envs`` gives some commands their own environment."""
    names = list(commands)
    samples: dict[str, list[int]] = {name: [] for name in names}
    for index in range(rounds):
        for k in range(len(names)):
            name = names[(index + k) % len(names)]
            start = time.perf_counter_ns()
            done = subprocess.run(
                commands[name], env=(envs or {}).get(name, env), capture_output=True, text=True
            )
            elapsed = time.perf_counter_ns() - start
            if done.returncode != 0:
                raise SystemExit(f"{name} failed: {done.stdout[-2000:]}{done.stderr[-2000:]}")
            samples[name].append(elapsed)
    check()
    return samples


def fig_start(
    sandbox: SandboxProcess,
    report: Report,
    quick: bool,
    env: dict[str, str],
    baseline: Path | None = None,
) -> None:
    rounds = 2 if quick else 12
    sandbox.reset()
    call = sandbox.new_call()
    pwsh = [_util.pwsh(), "-NoProfile", "-NonInteractive", "-Command"]
    first = (
        "$ErrorActionPreference = 'Stop'; Import-Module MgBridge; "
        "Connect-MgGraph -Environment Sandbox -NoWelcome; "
        f". '{BENCH / 'ps' / 'BenchCommon.ps1'}'; "
        f"$op = Invoke-MgBetaInviteCommunicationCallParticipant -CallId '{call}' "
        "-BodyParameter (New-BenchParams); if ($op.Status -ne 'Running') { exit 1 }"
    )
    python_first = (
        "import bridge, json, sys; "
        "s = bridge.connect(environment='Sandbox'); "
        f"s.invite('{call}', body=json.loads(sys.argv[1]))"
    )
    # A user's very first run: an empty cache, so the module compiles its in-process host.
    first_use_cache = Path(tempfile.mkdtemp(prefix="mgbridge-bench-cache-"))
    commands = {
        "pwsh": [*pwsh, "exit"],
        "pwsh_import": [*pwsh, "Import-Module MgBridge"],
        "pwsh_first": [*pwsh, first],
        "pwsh_first_use": [
            *pwsh,
            "Remove-Item -Recurse -Force -ErrorAction Ignore "
            f"-LiteralPath '{first_use_cache / 'mgbridge'}'; {first}",
        ],
        "python": [sys.executable, "-c", "pass"],
        "python_import": [sys.executable, "-c", "import bridge"],
        "python_first": [sys.executable, "-c", python_first, _util.BODY_JSON],
    }
    envs = {"pwsh_first_use": {**env, "XDG_CACHE_HOME": str(first_use_cache)}}
    if baseline is not None:
        # The same commands with another copy of the module first on PSModulePath.
        base_env = {**env, "PSModulePath": os.pathsep.join([str(baseline), env["PSModulePath"]])}
        for name in ("pwsh_import", "pwsh_first"):
            commands[f"{name}_baseline"] = commands[name]
            envs[f"{name}_baseline"] = base_env
    before = sandbox.accepted_invites()

    def check() -> None:
        check_sent(
            "start",
            {
                "sent_expected": (4 if baseline else 3) * rounds,
                "sent_accepted": sandbox.accepted_invites() - before,
            },
        )

    try:
        samples = _time_commands(commands, rounds, env, check, envs)
    finally:
        shutil.rmtree(first_use_cache, ignore_errors=True)
    s = {name: summarize(v) for name, v in samples.items()}
    figure = "cold start, pwsh (whole process, wall)"
    report.row(figure, "pwsh -NoProfile -c exit", seconds(s["pwsh"].median), seconds(s["pwsh"].p99))
    delta = s["pwsh_import"].median - s["pwsh"].median
    report.row(
        figure,
        "pwsh -NoProfile -c 'Import-Module MgBridge' (the whole calls family)",
        seconds(s["pwsh_import"].median),
        seconds(s["pwsh_import"].p99),
        f"+{delta / 1e9:.3f} s",
        "<= +0.3 s",
        verdict(delta <= 0.3e9),
    )
    figure = "first result, pwsh (whole process, wall)"
    delta = s["pwsh_first"].median - s["pwsh"].median
    report.row(
        figure,
        "Import + Connect-MgGraph (sandbox) + first invite",
        seconds(s["pwsh_first"].median),
        seconds(s["pwsh_first"].p99),
        f"+{delta / 1e9:.3f} s",
        "<= +1.0 s",
        verdict(delta <= 1.0e9),
    )
    delta = s["pwsh_first_use"].median - s["pwsh"].median
    report.row(
        figure,
        "the same on first use (empty cache: compiles the in-process host once)",
        seconds(s["pwsh_first_use"].median),
        seconds(s["pwsh_first_use"].p99),
        f"+{delta / 1e9:.3f} s",
    )
    if baseline is not None:
        figure = f"the same with the baseline module ({baseline})"
        for name, label in (
            ("pwsh_import_baseline", "pwsh -NoProfile -c 'Import-Module MgBridge'"),
            ("pwsh_first_baseline", "Import + Connect-MgGraph (sandbox) + first invite"),
        ):
            delta = s[name].median - s["pwsh"].median
            report.row(
                figure,
                label,
                seconds(s[name].median),
                seconds(s[name].p99),
                f"+{delta / 1e9:.3f} s",
            )
    figure = "cold start and first result, Python (wall)"
    report.row(figure, "python -c pass", seconds(s["python"].median), seconds(s["python"].p99))
    for name, label in (
        ("python_import", "python -c 'import bridge'"),
        ("python_first", "import + bridge.connect + first invite"),
    ):
        delta = s[name].median - s["python"].median
        report.row(
            figure, label, seconds(s[name].median), seconds(s[name].p99), f"+{delta / 1e9:.3f} s"
        )
    report.data["start"] = {k: v.to_dict() for k, v in s.items()}

    # The first call in slices, for each transport (and Python's), alternating.
    slices: dict[str, dict[str, list[int]]] = {"inprocess": {}, "process": {}, "python": {}}
    for _ in range(1 if quick else 5):
        for transport in ("inprocess", "process"):
            result = _util.run_ps_script(
                "first.ps1", ["-Transport", transport, "-CallId", call], env=env
            )
            for key, value in result.items():
                slices[transport].setdefault(key, []).append(value)
        done = subprocess.run(
            [sys.executable, str(BENCH / "python_first.py"), call],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        for key, value in json.loads(done.stdout).items():
            slices["python"].setdefault(key, []).append(value)
    titles = {
        "inprocess": "first call in slices, pwsh in-process",
        "process": "first call in slices, pwsh process transport",
        "python": "first call in slices, Python",
    }
    for transport, parts in slices.items():
        for key, values in parts.items():
            summary = summarize(values)
            label = "process start -> first result" if key == "since_start" else key
            report.row(titles[transport], label, ms(summary.median, 1), ms(summary.p99, 1))
    report.data["first_call_slices"] = {
        t: {k: summarize(v).to_dict() for k, v in parts.items()} for t, parts in slices.items()
    }


def fig_scale(sandbox: SandboxProcess, report: Report, quick: bool, env: dict[str, str]) -> None:
    invites, repeats, warmup = (50, 1, 10) if quick else (500, 5, 50)
    sandbox.reset()
    # Runspaces need both CPUs: this figure's client is not pinned (the sandbox still is).
    result = _util.run_ps_script(
        "scale.ps1",
        [
            "-Invites",
            str(invites),
            "-Repeats",
            str(repeats),
            "-Warmup",
            str(warmup),
            "-ClockTicks",
            str(os.sysconf("SC_CLK_TCK")),
        ],
        env=env,
        cpu_list=None,
    )
    check_sent("scale", result)
    by_size: dict[int, dict[str, Any]] = {}
    for run in result["runs"]:
        entry = by_size.setdefault(
            run["runspaces"], {"rates": [], "latency": [], "cpu_ms": [], "sandbox_cpu_ms": []}
        )
        entry["rates"].append(run["invites"] / (run["wall_ns"] / 1e9))
        entry["latency"].extend(run["latency_ns"])
        entry["cpu_ms"].append(1e3 * (run["pwsh_cpu_s"] + run["sandbox_cpu_s"]) / run["invites"])
        entry["sandbox_cpu_ms"].append(1e3 * run["sandbox_cpu_s"] / run["invites"])
    figure = f"scale: runspaces x {invites} invites, in-process"
    one = summarize(by_size[1]["rates"]).median
    data = {}
    for size, entry in sorted(by_size.items()):
        rate = summarize(entry["rates"]).median
        latency = summarize(entry["latency"])
        target, met = "", ""
        if size == 8:
            target, met = ">= 2x one runspace", verdict(rate >= 2 * one)
        report.row(
            figure,
            f"{size} runspace{'s' if size > 1 else ''}: {rate:.0f} invites/s",
            f"p50 {ms(latency.median, 2)}",
            ms(latency.p99, 2),
            f"{rate / one:.2f}x",
            target,
            met,
        )
        data[size] = {
            "rate": rate,
            "rates": entry["rates"],
            "latency": latency.to_dict(),
            "cpu_ms_per_invite": summarize(entry["cpu_ms"]).median,
            "sandbox_cpu_ms_per_invite": summarize(entry["sandbox_cpu_ms"]).median,
        }
    # The ceiling: every CPU busy with this work (pwsh + sandbox CPU time per invite, measured
    # with one runspace; more runspaces only add contention).
    cpu_ms = data[1]["cpu_ms_per_invite"]
    ceiling = len(_util.cpus()) * 1e3 / cpu_ms
    report.row(
        figure,
        f"CPU per invite, 1 runspace: {cpu_ms:.2f} ms "
        f"(sandbox {data[1]['sandbox_cpu_ms_per_invite']:.2f} ms)",
        f"{ceiling:.0f}/s max",
        "",
        f"{ceiling / one:.2f}x",
        "ceiling on these CPUs",
    )
    report.data["scale"] = data


def fig_memory(sandbox: SandboxProcess, report: Report, quick: bool, env: dict[str, str]) -> None:
    warmup, invites, step = (50, 200, 100) if quick else (500, 5000, 1000)
    sandbox.reset()
    result = _util.run_ps_script(
        "memory.ps1",
        ["-Warmup", str(warmup), "-Invites", str(invites), "-Step", str(step)],
        env=env,
        cpu_list=_util.client_cpus(),
    )
    check_sent("memory", result)
    points = result["points"]
    figure = "memory: pwsh working set (after GC)"
    warm = next(p for p in points if p["label"] == "after warm-up")
    for point in points:
        growth = ""
        if point["invites"] > warm["invites"]:
            growth = f"{(point['working_set'] - warm['working_set']) / 2**20:+.1f} MB"
        report.row(
            figure,
            f"{point['label']} ({point['invites']} invites)",
            f"{point['working_set'] / 2**20:.1f} MB",
            f"heap {point['managed_heap'] / 2**20:.1f} MB",
            growth,
        )
    last = points[-1]
    growth = (last["working_set"] - warm["working_set"]) / 2**20
    report.row(
        figure,
        f"growth after warm-up ({last['invites'] - warm['invites']} invites)",
        f"{growth:+.1f} MB",
        "",
        "",
        "< 20 MB",
        verdict(growth < 20),
    )
    started = next(p for p in points if p["label"] == "pwsh started")
    imported = next(p for p in points if p["label"] == "after Import-Module")
    report.row(
        "memory: the whole calls family loaded",
        f"Import-Module MgBridge: {result['commands']} commands",
        f"{(imported['working_set'] - started['working_set']) / 2**20:+.1f} MB",
        f"heap {(imported['managed_heap'] - started['managed_heap']) / 2**20:+.1f} MB",
    )
    report.data["memory"] = points
    report.data["commands_loaded"] = result["commands"]


def fig_footprint(report: Report, quick: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "PIP_NO_INDEX": "1"}
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "wheel",
                "--quiet",
                "--no-deps",
                "--no-build-isolation",
                "--disable-pip-version-check",
                "-w",
                folder,
                str(ROOT),
            ],
            env=env,
            check=True,
        )
        wheel = next(Path(folder).glob("mgbridge-*.whl"))
        with zipfile.ZipFile(wheel) as archive:
            members = archive.infolist()
        # The generated commands' MAML help is documentation, reported apart from the code and
        # data the target is about.
        help_files = [m for m in members if m.filename.endswith("-help.xml")]
        help_size = sum(m.file_size for m in help_files)
        unpacked = sum(m.file_size for m in members) - help_size
        build_output = [
            m for m in members if "/bin/" in m.filename or m.filename.endswith("python-path.txt")
        ]
        target = Path(folder) / "installed"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "install",
                "--quiet",
                "--no-deps",
                "--no-index",
                "--disable-pip-version-check",
                "--target",
                str(target),
                str(wheel),
            ],
            env=env,
            check=True,
        )
        installed = sum(
            p.stat().st_size
            for p in target.rglob("*")
            if p.is_file() and not p.name.endswith("-help.xml")
        )
        figure = "footprint: mgbridge itself (no dependencies)"
        report.row(
            figure,
            f"wheel file ({len(members)} files)",
            f"{wheel.stat().st_size / 1e6:.3f} MB",
        )
        report.row(
            figure,
            f"MAML help of the generated commands ({len(help_files)} file)",
            f"{help_size / 1e6:.3f} MB",
        )
        report.row(
            figure,
            "unpacked wheel contents, help apart",
            f"{unpacked / 1e6:.3f} MB",
            "",
            "",
            "<= 2 MB",
            verdict(unpacked <= 2e6),
        )
        report.row(
            figure,
            "installed (pip --target, with .pyc), help apart",
            f"{installed / 1e6:.3f} MB",
            "",
            "",
            "<= 2 MB",
            verdict(installed <= 2e6),
        )
        if build_output:
            size = sum(m.file_size for m in build_output)
            report.note(
                f"the wheel carries {len(build_output)} build-output files ({size / 1e3:.0f} kB: "
                "psmodule/MgBridge/bin, python-path.txt) from this checkout"
            )
        report.data["footprint"] = {
            "wheel": wheel.stat().st_size,
            "help": help_size,
            "unpacked": unpacked,
            "installed": installed,
            "build_output_files": [m.filename for m in build_output],
        }


def fig_sandbox(report: Report, quick: bool) -> None:
    invites = 300 if quick else 3000
    done = subprocess.run(
        [sys.executable, str(BENCH / "sandbox_rate.py"), "--invites", str(invites)],
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    report.row(
        "the sandbox itself (bench/sandbox_rate.py, 1 client)",
        f"{result['invites_per_second']} invites/s",
        f"{1000 / result['invites_per_second']:.3f} ms",
        "",
        f"{result['sandbox_cpu_us_per_invite']} us CPU",
    )
    report.data["sandbox"] = result


# -- main -----------------------------------------------------------------------------------


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def run_figure(report: Report, name: str, step: Callable[[], None]) -> None:
    """Runs one figure; a failure is reported in the table and the other figures still run."""
    print(f"\n[{name}]", flush=True)
    started = time.perf_counter()
    try:
        step()
    except (Exception, SystemExit) as exc:
        message = " ".join(str(exc).split())[:300]
        report.failed.append(name)
        report.row(name, "FAILED", verdict=message)
    print(f"  ({time.perf_counter() - started:.1f} s)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="a smoke run: seconds, not minutes")
    parser.add_argument(
        "--only", default=",".join(FIGURES), help=f"comma-separated, of: {', '.join(FIGURES)}"
    )
    parser.add_argument(
        "--markdown",
        type=Path,
        default=BENCH / "results" / "latest.md",
        help="where to write the table as Markdown [bench/results/latest.md]",
    )
    parser.add_argument(
        "--json",
        type=Path,
        default=BENCH / "results" / "latest.json",
        help="where to write the summaries as JSON [bench/results/latest.json]",
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        help="a folder holding another MgBridge/ (e.g. an earlier commit's, with its host "
        "built): the start figure times it too, alternating, for before/after figures",
    )
    args = parser.parse_args()
    wanted = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = set(wanted) - set(FIGURES)
    if unknown:
        parser.error(f"unknown figures: {', '.join(sorted(unknown))}")

    started = time.perf_counter()
    report = Report()
    machine = _util.machine()
    machine["load_before"] = load_average()
    print("mgbridge benchmarks" + (" (quick)" if args.quick else ""))
    for key, value in machine.items():
        print(f"  {key}: {value}")
    print(
        f"  placement: sandbox on CPU {_util.sandbox_cpus()}, latency clients on CPU "
        f"{_util.client_cpus()}"
    )

    with tempfile.TemporaryDirectory() as folder, SandboxProcess(Path(folder)) as sandbox:
        env = _util.pwsh_env({**sandbox.env, "MGBRIDGE_BENCH_TMP": folder})
        ps_env = dict(env)
        steps: dict[str, Callable[[], None]] = {
            "python": lambda: fig_python(sandbox, report, args.quick),
            "powershell": lambda: fig_powershell(sandbox, report, args.quick, ps_env),
            "sdk": lambda: fig_sdk(sandbox, report, args.quick, ps_env),
            "layers": lambda: fig_layers(sandbox, report, args.quick, ps_env),
            "start": lambda: fig_start(sandbox, report, args.quick, env, args.baseline),
            "scale": lambda: fig_scale(sandbox, report, args.quick, env),
            "memory": lambda: fig_memory(sandbox, report, args.quick, env),
        }
        for name, step in steps.items():
            if name in wanted:
                run_figure(report, name, step)
    if "footprint" in wanted:
        run_figure(report, "footprint", lambda: fig_footprint(report, args.quick))
    if "sandbox" in wanted:
        run_figure(report, "sandbox", lambda: fig_sandbox(report, args.quick))

    machine["load_after"] = load_average()
    elapsed = time.perf_counter() - started
    machine["bench_seconds"] = round(elapsed)
    print("\n" + report.table(markdown=False))
    print(f"\nload average before {machine['load_before']}, after {machine['load_after']}")
    print(f"total {elapsed:.0f} s")
    if args.markdown:
        lines = ["| machine | |", "|---|---|"]
        lines += [f"| {key} | {value} |" for key, value in machine.items()]
        text = "\n".join(lines) + "\n\n" + report.table(markdown=True) + "\n"
        if report.notes:
            text += "\n" + "\n".join(f"- {n}" for n in report.notes) + "\n"
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(text)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"machine": machine, "figures": report.data}, indent=1))
    if report.failed:
        raise SystemExit(f"failed: {', '.join(report.failed)}")


if __name__ == "__main__":
    main()
