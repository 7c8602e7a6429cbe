"""mgbridge at real network latency: bulk throughput, runspace scaling and throttling.

`python bench/latency.py` (part of `make bench`) runs one sandbox that answers every Graph request
after --latency-ms (150 by default, as Graph does from a nearby region) and measures, side by side:

  bulk        --invites invites (1,000) with --concurrency 32, from Python asyncio
              (AsyncSession.invite_many), Python threads (Session.invite_many), the CLI
              (`mgbridge invite --from FILE`, the whole command) and PowerShell
              (Invoke-MgBridgeInviteBatch -ThrottleLimit 32, both transports):
              target >= 80% of the ideal concurrency / latency (213 invites/s)
  runspaces   1 and 8 runspaces in one pwsh, each inviting one at a time, on both transports:
              target 8 runspaces >= 6x one
  throttled   the sandbox throttles at --throttle-rate (50) requests/s per app; Python asyncio
              invites --invites with concurrency 32: target 429s < 5% of requests, and every
              invite accepted exactly once (the sandbox's per-clientContext counts)

Every run checks the sandbox's counts: each invite's clientContext accepted exactly once, none
missing. Prints a table; `--quick` is a smoke run; `--json FILE` writes the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _util
from _util import SandboxProcess, summarize

import bridge

BENCH = Path(__file__).resolve().parent
USER = {
    "@odata.type": "#microsoft.graph.invitationParticipantInfo",
    "Identity": {
        "@odata.type": "#microsoft.graph.identitySet",
        "User": {
            "@odata.type": "#microsoft.graph.identity",
            "Id": "278405a3-f568-4b3e-b684-009193463064",
            "IdentityProvider": "AAD",
        },
    },
}
CALLS = 10  # invites spread over a few calls, as a real batch would be


class Table:
    def __init__(self) -> None:
        self.rows: list[dict[str, str]] = []
        self.data: dict[str, Any] = {}

    def row(self, figure: str, contender: str, value: str, target: str = "", met: str = "") -> None:
        self.rows.append(
            {"figure": figure, "contender": contender, "value": value, "target": target, "met": met}
        )
        print(f"  {contender:58} {value:>22} {target:>18} {met}", flush=True)

    def markdown(self) -> str:
        lines = ["| figure | contender | value | target | met |", "|---|---|---|---|---|"]
        for row in self.rows:
            lines.append("| " + " | ".join(row.values()) + " |")
        return "\n".join(lines) + "\n"


def bodies(prefix: str, count: int, calls: list[str]) -> list[dict[str, Any]]:
    return [
        {
            "call_id": calls[i % len(calls)],
            "body": {"Participants": [USER], "ClientContext": f"{prefix}-{i}"},
        }
        for i in range(count)
    ]


def configure(sandbox: SandboxProcess, **settings: int) -> None:
    sandbox.reset()
    sandbox.admin("POST", "/settings", settings)


def exactly_once(sandbox: SandboxProcess, prefix: str, count: int) -> tuple[bool, str]:
    """Every clientContext of the run accepted once: (ok, what was wrong)."""
    contexts = sandbox.admin("GET", "/stats")["clientContexts"]
    missing = [i for i in range(count) if f"{prefix}-{i}" not in contexts]
    twice = [k for k, v in contexts.items() if k.startswith(f"{prefix}-") and v["accepted"] > 1]
    lost = [k for k, v in contexts.items() if k.startswith(f"{prefix}-") and v["accepted"] == 0]
    problems = []
    if missing:
        problems.append(f"{len(missing)} never received")
    if lost:
        problems.append(f"{len(lost)} never accepted")
    if twice:
        problems.append(f"{len(twice)} accepted twice")
    return not problems, ", ".join(problems) or "each exactly once"


def verdict(ok: bool) -> str:
    return "yes" if ok else "NO"


# -- contenders of the bulk figure ---------------------------------------------------------------


def python_async(items: list[dict[str, Any]], concurrency: int) -> float:
    async def run() -> float:
        async with await bridge.connect_async("Sandbox") as session:
            started = time.perf_counter()
            async for result in session.invite_many(items, concurrency=concurrency):
                if not result.ok:
                    raise SystemExit(f"invite {result.index} failed: {result.error}")
            return time.perf_counter() - started

    return asyncio.run(run())


def python_threads(items: list[dict[str, Any]], concurrency: int) -> float:
    with bridge.connect("Sandbox") as session:
        started = time.perf_counter()
        for result in session.invite_many(items, concurrency=concurrency):
            if not result.ok:
                raise SystemExit(f"invite {result.index} failed: {result.error}")
        return time.perf_counter() - started


def cli(items: list[dict[str, Any]], concurrency: int, folder: Path, env: dict[str, str]) -> float:
    source = folder / "bodies.jsonl"
    results = folder / "bodies.results.jsonl"
    results.unlink(missing_ok=True)
    source.write_text(
        "".join(json.dumps({"callId": i["call_id"], "body": i["body"]}) + "\n" for i in items)
    )
    command = [
        str(Path(sys.executable).with_name("mgbridge")),
        "invite",
        "--from",
        str(source),
        "--concurrency",
        str(concurrency),
        "--results",
        str(results),
    ]
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"the CLI failed ({done.returncode}): {done.stderr[-2000:]}")
    return elapsed


def powershell_bulk(
    items: list[dict[str, Any]], concurrency: int, transport: str, env: dict[str, str]
) -> float:
    listed = Path(env["MGBRIDGE_BENCH_TMP"]) / "items.json"
    listed.write_text(
        json.dumps(
            [{"CallId": i["call_id"], "ClientContext": i["body"]["ClientContext"]} for i in items]
        )
    )
    result = _util.run_ps_script(
        "bulk.ps1",
        ["-ItemsFile", str(listed), "-ThrottleLimit", str(concurrency), "-Transport", transport],
        env=env,
    )
    if result["ok"] != len(items):
        raise SystemExit(f"PowerShell bulk: {result['ok']} of {len(items)} invites succeeded")
    return float(result["seconds"])


# -- figures ------------------------------------------------------------------------------------


def fig_bulk(
    sandbox: SandboxProcess,
    table: Table,
    args: argparse.Namespace,
    folder: Path,
    env: dict[str, str],
) -> None:
    ideal = args.concurrency / (args.latency_ms / 1000)
    figure = (
        f"bulk: {args.invites} invites, {args.latency_ms} ms latency, concurrency "
        f"{args.concurrency} (ideal {ideal:.0f}/s)"
    )
    print(figure)
    contenders: dict[str, Callable[[list[dict[str, Any]]], float]] = {
        "Python asyncio: AsyncSession.invite_many": lambda i: python_async(i, args.concurrency),
        "Python threads: Session.invite_many": lambda i: python_threads(i, args.concurrency),
        "CLI: mgbridge invite --from (whole command)": lambda i: cli(
            i, args.concurrency, folder, env
        ),
        "PowerShell: Invoke-MgBridgeInviteBatch, in-process": lambda i: powershell_bulk(
            i, args.concurrency, "inprocess", env
        ),
        "PowerShell: Invoke-MgBridgeInviteBatch, process": lambda i: powershell_bulk(
            i, args.concurrency, "process", env
        ),
    }
    figures: dict[str, Any] = {}
    for number, (name, run) in enumerate(contenders.items()):
        rates = []
        for repeat in range(args.repeats):
            configure(sandbox, latencyMs=args.latency_ms)
            calls = [sandbox.new_call() for _ in range(CALLS)]
            prefix = f"bulk{number}r{repeat}"
            seconds = run(bodies(prefix, args.invites, calls))
            ok, what = exactly_once(sandbox, prefix, args.invites)
            if not ok:
                raise SystemExit(f"{name}: {what}")
            rates.append(args.invites / seconds)
        rate = summarize(rates).median
        table.row(
            figure,
            name,
            f"{rate:.0f}/s ({rate / ideal:.0%})",
            ">= 80% of ideal",
            verdict(rate >= 0.8 * ideal),
        )
        figures[name] = {"rates": rates, "median": rate, "ideal": ideal}
    table.data["bulk"] = figures


def fig_runspaces(
    sandbox: SandboxProcess, table: Table, args: argparse.Namespace, env: dict[str, str]
) -> None:
    figure = f"runspaces: 1 and 8 in one pwsh, {args.latency_ms} ms latency"
    print(figure)
    invites = 8 if args.quick else 40
    figures: dict[str, Any] = {}
    for transport in ("inprocess", "process"):
        configure(sandbox, latencyMs=args.latency_ms)
        result = _util.run_ps_script(
            "scale.ps1",
            [
                "-Sizes",
                "1,8",
                "-Invites",
                str(invites),
                "-Repeats",
                str(args.repeats),
                "-Warmup",
                "3",
                "-ClockTicks",
                str(os.sysconf("SC_CLK_TCK")),
                "-Transport",
                transport,
            ],
            env=env,
        )
        if result["sent_accepted"] != result["sent_expected"]:
            accepted, expected = result["sent_accepted"], result["sent_expected"]
            raise SystemExit(f"runspaces, {transport}: {accepted} of {expected} accepted")
        rates: dict[int, list[float]] = {}
        for run in result["runs"]:
            rates.setdefault(run["runspaces"], []).append(run["invites"] / (run["wall_ns"] / 1e9))
        one, eight = summarize(rates[1]).median, summarize(rates[8]).median
        table.row(figure, f"{transport}: 1 runspace", f"{one:.1f}/s")
        table.row(
            figure,
            f"{transport}: 8 runspaces",
            f"{eight:.1f}/s ({eight / one:.2f}x)",
            ">= 6x one",
            verdict(eight >= 6 * one),
        )
        figures[transport] = {"one": rates[1], "eight": rates[8]}
    table.data["runspaces"] = figures


def fig_throttled(sandbox: SandboxProcess, table: Table, args: argparse.Namespace) -> None:
    figure = (
        f"throttled: {args.throttle_rate} requests/s per app, {args.invites} invites, "
        f"concurrency {args.concurrency}"
    )
    print(figure)
    configure(sandbox, latencyMs=args.latency_ms, throttleRate=args.throttle_rate)
    calls = [sandbox.new_call() for _ in range(CALLS)]
    seconds = python_async(bodies("throttled", args.invites, calls), args.concurrency)
    stats = sandbox.admin("GET", "/stats")
    received = stats["invites"]["received"]
    throttled = stats["throttled"]
    share = throttled / received
    ok, what = exactly_once(sandbox, "throttled", args.invites)
    table.row(
        figure,
        "Python asyncio: 429s of all requests",
        f"{throttled} of {received} ({share:.1%})",
        "< 5%",
        verdict(share < 0.05),
    )
    table.row(figure, "every invite", what, "exactly once", verdict(ok))
    table.row(
        figure, "throughput", f"{args.invites / seconds:.1f}/s", f"limit {args.throttle_rate}/s"
    )
    table.data["throttled"] = {
        "received": received,
        "throttled": throttled,
        "share": share,
        "exactly_once": ok,
        "rate": args.invites / seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="a smoke run: seconds, not minutes")
    parser.add_argument("--only", default="bulk,runspaces,throttled")
    parser.add_argument("--invites", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--latency-ms", type=int, default=150)
    parser.add_argument("--throttle-rate", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--json", type=Path, default=BENCH / "results" / "latency.json")
    parser.add_argument("--markdown", type=Path, default=BENCH / "results" / "latency.md")
    args = parser.parse_args()
    if args.quick:
        args.invites, args.repeats = min(args.invites, 200), 1
    wanted = {name.strip() for name in args.only.split(",")}
    table = Table()
    print("mgbridge at real latency" + (" (quick)" if args.quick else ""))
    with tempfile.TemporaryDirectory() as name, SandboxProcess(Path(name)) as sandbox:
        folder = Path(name)
        env = _util.pwsh_env({**sandbox.env, "MGBRIDGE_BENCH_TMP": name})
        os.environ.update(sandbox.env)
        if "bulk" in wanted:
            fig_bulk(sandbox, table, args, folder, env)
        if "runspaces" in wanted:
            fig_runspaces(sandbox, table, args, env)
        if "throttled" in wanted:
            fig_throttled(sandbox, table, args)
    args.markdown.parent.mkdir(parents=True, exist_ok=True)
    args.markdown.write_text(table.markdown())
    args.json.write_text(json.dumps(table.data, indent=2))
    missed = [row for row in table.rows if row["met"] == "NO"]
    print(f"{len(missed)} target(s) missed" if missed else "every target met")


if __name__ == "__main__":
    main()
