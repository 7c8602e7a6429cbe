"""``make reliability``: faults, load, bad input and secrets, end to end; prints the table.

Runs against one sandbox process (HTTPS on loopback, real msal) from Python (threads sharing
one session) and from pwsh hosting Python in-process (runspaces), and exits non-zero unless
nothing was lost, duplicated or leaked and every check held.

    python reliability/run.py            # the full run: 1,000 faulty invites per client, ...
    python reliability/run.py --quick    # the bounded form CI runs (well under a minute)
    python reliability/run.py --parts faults,load --no-powershell --json result.json
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
import textwrap
import time
import uuid
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reliability import badinput, faults, leaks, load
from reliability.common import PWSH, REPO, SandboxProcess

PARTS = ("faults", "load", "badinput", "secrets", "trust")


# -- PowerShell -----------------------------------------------------------------------------------


def powershell_available() -> str:
    """Why pwsh cannot host the core here, or "" when it can."""
    if not PWSH.exists():
        return f"no pwsh at {PWSH} (make setup)"
    if not (REPO / "psmodule" / "MgBridge" / "python-path.txt").exists():
        return "the module has no recorded Python (make setup)"
    try:
        import pythonnet  # noqa: F401
    except ImportError:
        return "pythonnet is not installed in this Python"
    return ""


def run_pwsh(request: dict[str, Any], folder: Path, env: dict[str, str], timeout: float) -> Any:
    """Runs one part of reliability/Invoke-PwshRun.ps1 in a fresh pwsh; returns its JSON."""
    name = f"{request['part']}-{uuid.uuid4().hex[:6]}"
    request_file, output_file = folder / f"{name}.request.json", folder / f"{name}.json"
    request_file.write_text(json.dumps(request))
    command = [
        str(PWSH),
        "-NoProfile",
        "-NonInteractive",
        "-File",
        str(REPO / "reliability" / "Invoke-PwshRun.ps1"),
        "-RequestFile",
        str(request_file),
        "-OutputFile",
        str(output_file),
    ]
    done = subprocess.run(
        command,
        cwd=REPO,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0 or not output_file.exists():
        raise RuntimeError(
            f"pwsh part {request['part']} failed ({done.returncode}):\n{done.stdout[-3000:]}\n"
            f"{done.stderr[-3000:]}"
        )
    result = json.loads(output_file.read_text(encoding="utf-8-sig"))
    result["_stdout"], result["_stderr"] = done.stdout, done.stderr
    return result


# -- the parts ------------------------------------------------------------------------------------


class Report:
    """Sections of (label, {column: value}) rows, and the failures that decide the exit code."""

    def __init__(self) -> None:
        self.sections: list[tuple[str, str, list[str], list[tuple[str, dict[str, Any]]]]] = []
        self.failures: list[str] = []
        self.totals = Counter({"lost": 0, "duplicated": 0, "leaked secrets": 0})
        self.totals["leaked threads"] = 0
        self.data: dict[str, Any] = {}

    def section(
        self, title: str, columns: list[str], note: str = ""
    ) -> list[tuple[str, dict[str, Any]]]:
        rows: list[tuple[str, dict[str, Any]]] = []
        self.sections.append((title, note, columns, rows))
        return rows

    def fail(self, why: str) -> None:
        self.failures.append(why)

    def render(self) -> str:
        lines = []
        for title, note, columns, rows in self.sections:
            width = max([len(label) for label, _ in rows] + [len(title)]) + 2
            lines.append("")
            lines += textwrap.wrap(note, 100)
            lines.append(title.ljust(width) + "".join(f"{c:>14}" for c in columns))
            lines.append("-" * (width + 14 * len(columns)))
            for label, values in rows:
                cells = "".join(f"{_cell(values.get(c, '')):>14}" for c in columns)
                lines.append(f"  {label}".ljust(width) + cells)
        lines.append("")
        totals = ", ".join(f"{value} {name}" for name, value in self.totals.items())
        lines.append(f"TOTAL: {totals}")
        if self.failures:
            lines.append("FAILED:")
            lines += [f"  - {why}" for why in self.failures]
        else:
            lines.append("OK: nothing lost, duplicated or leaked; every check held.")
        return "\n".join(lines)


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def part_faults(report: Report, sb: SandboxProcess, args: argparse.Namespace, work: Path) -> None:
    plan = faults.FaultPlan(invites=args.invites, concurrency=args.concurrency, seed=args.seed)
    tallies: dict[str, faults.Tally] = {"python": faults.python_run(sb, plan)}
    if args.powershell:
        tallies["powershell"] = powershell_faults(sb, plan, args, work)
    columns = list(tallies)
    rows = report.section(
        "FAULTS",
        columns,
        f"Faults per request (first tries and retries alike): 429 {plan.throttle:.0%} with "
        f"Retry-After 0-2 s, 503 {plan.unavailable:.0%}, 504 {plan.gateway_timeout:.0%}, "
        f"connection reset {plan.reset:.0%}, answer after the timeout {plan.slow:.0%}. Client: "
        f"max_retry {plan.max_retry}, retry time limit {plan.time_limit:g} s, timeout "
        f"{plan.timeout:g} s; {plan.concurrency} Python threads sharing one session, "
        f"{args.fault_runspaces} pwsh runspaces sharing one in-process connection.",
    )
    rows.append(("invites", {c: t.invites for c, t in tallies.items()}))
    rows.append(("requests the sandbox received", {c: t.requests for c, t in tallies.items()}))
    for fate in ("429", "503", "504", "reset", "slow", "ok"):
        rows.append((f"served: {fate}", {c: t.injected.get(fate, 0) for c, t in tallies.items()}))
    labels = sorted({label for t in tallies.values() for label in t.outcomes}, key=_outcome_order)
    for label in labels:
        rows.append((label, {c: t.outcomes.get(label, 0) for c, t in tallies.items()}))
    rows.append(("LOST", {c: t.lost for c, t in tallies.items()}))
    rows.append(("DUPLICATED", {c: t.duplicated for c, t in tallies.items()}))
    rows.append(("over max_retry", {c: t.over_max_retry for c, t in tallies.items()}))
    rows.append(("over the time limit", {c: t.over_time_limit for c, t in tallies.items()}))
    rows.append(("schedule mismatch", {c: t.schedule_mismatch for c, t in tallies.items()}))
    rows.append(("threads left", {c: t.threads_leaked for c, t in tallies.items()}))
    rows.append(("slowest invite (s)", {c: t.max_seconds for c, t in tallies.items()}))
    rows.append(("wall time (s)", {c: t.wall_seconds for c, t in tallies.items()}))
    for client, tally in tallies.items():
        report.totals["lost"] += tally.lost
        report.totals["duplicated"] += tally.duplicated
        report.totals["leaked threads"] += tally.threads_leaked
        if not tally.ok:
            report.fail(f"faults/{client}: " + "; ".join(tally.problems[:5]))
    report.data["faults"] = {c: t.to_dict() for c, t in tallies.items()}


def _outcome_order(label: str) -> tuple[int, str]:
    order = ("operation", "GraphError", "TransportError", "probe")
    return next((i for i, p in enumerate(order) if label.startswith(p)), len(order)), label


def powershell_faults(
    sb: SandboxProcess, plan: faults.FaultPlan, args: argparse.Namespace, work: Path
) -> faults.Tally:
    sb.reset()
    call_id = sb.create_call()
    run = uuid.uuid4().hex[:6]
    contexts = [f"relps-{run}-{i:05d}" for i in range(plan.invites)]
    slots = faults.schedule(replace(plan, seed=plan.seed + 1))
    faults.inject(sb, plan, slots)
    request = {
        "part": "faults",
        "call_id": call_id,
        "contexts": contexts,
        "runspaces": args.fault_runspaces,
        "deadline_s": 600,
        "connect": plan.connect_options(),
    }
    result = run_pwsh(request, work, sb.env(), timeout=900)
    sb.settle()
    tally = faults.account(
        plan, contexts, result["outcomes"], sb.invite_records(), sb.stats(), slots, client="pwsh"
    )
    tally.wall_seconds = float(result["seconds"])
    # The runspace pool's threads must be gone once it is closed; idle .NET thread-pool workers
    # (which carried the calls into Python) retire by themselves later, so they are not counted.
    before, after = _steady_threads(result["before"]), _steady_threads(result["after"])
    tally.threads_leaked = max(0, after - before - PWSH_THREAD_SLACK)
    report_detail = {"before": result["before"], "after": result["after"]}
    tally.problems += [] if not tally.threads_leaked else [f"threads: {report_detail}"]
    sb.reset()
    return tally


def part_load(report: Report, sb: SandboxProcess, args: argparse.Namespace, work: Path) -> None:
    results: dict[str, load.LoadResult] = {
        "python": load.python_load(sb, workers=args.runspaces, per_worker=args.per_worker)
    }
    if args.powershell:
        results["powershell"] = powershell_load(sb, args, work)
    rows = report.section(
        "LOAD",
        list(results),
        f"{args.runspaces} threads (Python, one session) / runspaces (pwsh, in-process) x "
        f"{args.per_worker} invites each, no faults: a warm-up round, then 8 rounds; resident "
        "memory is sampled after each, growth is read off the least-squares line through them.",
    )
    rows.append(("invites", {c: r.invites for c, r in results.items()}))
    rows.append(("operations", {c: r.outcomes.get("operation", 0) for c, r in results.items()}))
    rows.append(("LOST", {c: r.lost for c, r in results.items()}))
    rows.append(("DUPLICATED", {c: r.duplicated for c, r in results.items()}))
    rows.append(("hung", {c: r.hung for c, r in results.items()}))
    rows.append(
        (
            "threads before -> after",
            {c: f"{r.threads_before}->{r.threads_after}" for c, r in results.items()},
        )
    )
    rows.append(("threads left", {c: r.threads_leaked for c, r in results.items()}))
    rows.append(
        (
            "memory after warm-up (MB)",
            {c: r.memory_mb[0] for c, r in results.items() if r.memory_mb},
        )
    )
    rows.append(
        ("memory at the end (MB)", {c: r.memory_mb[-1] for c, r in results.items() if r.memory_mb})
    )
    rows.append(
        ("fitted growth after warm-up (MB)", {c: r.memory_growth_mb for c, r in results.items()})
    )
    rows.append(("wall time (s)", {c: r.seconds for c, r in results.items()}))
    rows.append(
        (
            "invites per second",
            {c: round(r.invites / r.seconds) for c, r in results.items() if r.seconds},
        )
    )
    for client, result in results.items():
        report.totals["lost"] += result.lost
        report.totals["duplicated"] += result.duplicated
        report.totals["leaked threads"] += result.threads_leaked
        if not result.ok:
            report.fail(f"load/{client}: {result.to_dict()}"[:600])
    report.data["load"] = {c: r.to_dict() for c, r in results.items()}


# Threads the runtime may start lazily during a run and keep (a timer, a socket poller...).
PWSH_THREAD_SLACK = 2


def _steady_threads(snapshot: dict[str, Any]) -> int:
    """Threads that are not idle .NET thread-pool workers."""
    return int(snapshot["threads"]) - int(snapshot.get("tp_workers") or 0)


def powershell_load(sb: SandboxProcess, args: argparse.Namespace, work: Path) -> load.LoadResult:
    sb.reset()
    call_id = sb.create_call()
    run = uuid.uuid4().hex[:6]
    contexts = [f"load-{run}-{i:05d}" for i in range(args.runspaces * args.per_worker)]
    rounds = load_rounds(contexts, args.runspaces, args.per_worker)
    request = {
        "part": "load",
        "call_id": call_id,
        "rounds": rounds,
        "runspaces": args.runspaces,
        "deadline_s": 600,
    }
    result = run_pwsh(request, work, sb.env(), timeout=900)
    sb.settle()
    outcome = load.LoadResult(
        client="pwsh runspaces", workers=args.runspaces, invites=len(contexts)
    )
    outcome.seconds = float(result["seconds"])
    rounds = result["rounds"]
    outcome.memory_mb = [float(r["working_mb"]) for r in rounds]
    # Threads with the pool open, after the warm-up round and after the last: no growth per
    # invite. (Closing the pool is checked by the fault run.)
    outcome.threads_before = _steady_threads(rounds[0])
    outcome.threads_after = _steady_threads(rounds[-1])
    outcome.thread_slack = PWSH_THREAD_SLACK
    outcome.hung = sum(1 for o in result["outcomes"] if o.get("kind") is None)
    load.check_accepted_once(outcome, contexts, result["outcomes"], sb.stats())
    outcome.detail = {
        "threads": {
            "start": result["start"]["threads"],
            "rounds": [r["threads"] for r in rounds],
            "pool closed": result["closed"]["threads"],
        },
        "thread names at the end": result["closed"].get("names"),
        "managed_mb": [r["managed_mb"] for r in rounds],
    }
    return outcome


def load_rounds(contexts: list[str], workers: int, per_worker: int) -> list[list[str]]:
    """A warm-up round (10 invites per runspace: .NET compiles its hot paths again at a higher
    tier after the first calls), then eight equal rounds, memory sampled after each."""
    warm = workers * min(10, per_worker // 2)
    rest = contexts[warm:]
    size = -(-len(rest) // 8)
    return [contexts[:warm]] + [rest[i : i + size] for i in range(0, len(rest), size)]


def part_badinput(report: Report, sb: SandboxProcess, args: argparse.Namespace, work: Path) -> None:
    import bridge

    corpus = badinput.load_corpus()
    columns = ["cases", "as expected", "known bug", "skipped", "reached", "survived", "WRONG"]
    rows = report.section(
        "BAD INPUT",
        columns,
        f"tests/data/bad_inputs.json: {len(corpus['cases'])} cases (+ {len(corpus['boundary_raw'])}"
        " raw requests for the boundary). Expected: the error type and a message naming the "
        "problem; 'reached' counts requests the sandbox recorded; 'survived': a valid invite "
        "worked right after. Known bugs are reported product bugs.",
    )
    sb.reset()
    summary: dict[str, Any] = {}
    with bridge.connect("Sandbox") as session:
        for side in ("python", "boundary"):
            counts, wrong = Counter(), []
            if side == "boundary":
                from bridge._entry import dispatch

                connected = json.loads(
                    dispatch(json.dumps({"op": "connect", "args": {"environment": "Sandbox"}}))
                )
                assert connected["ok"], connected
            for case in badinput.cases(side, corpus) + (
                corpus["boundary_raw"] if side == "boundary" else []
            ):
                case.setdefault("skip", None)
                case.setdefault("known_bug", None)
                _bad_case(sb, session, side, case, counts, wrong)
            if side == "boundary":
                dispatch(json.dumps({"op": "disconnect", "args": {}}))
            rows.append(
                (
                    f"python {'session.invite' if side == 'python' else 'dispatch'}",
                    {**counts, "WRONG": len(wrong)},
                )
            )
            summary[side] = {"counts": dict(counts), "wrong": wrong}
            for why in wrong:
                report.fail(f"badinput/{side}: {why}")
    if args.powershell:
        sb.reset()
        result = run_pwsh({"part": "badinput"}, work, sb.env(), timeout=600)
        counts, wrong = Counter(), []
        for case in result["cases"]:
            counts["cases"] += 1
            if case.get("skip"):
                counts["skipped"] += 1
                continue
            problems = list(case.get("problems") or [])
            if case.get("sent"):
                problems.append(f"{case['sent']} request(s) reached the sandbox")
            counts["reached"] += int(case.get("sent") or 0)
            counts["survived"] += bool(case.get("survived"))
            if not case.get("survived"):
                problems.append("the valid invite after it failed")
            if case.get("known_bug") and problems:
                counts["known bug"] += 1
            elif problems:
                shown = f"{case.get('kind')}: {str(case.get('message'))[:160]!r}"
                wrong.append(f"{case['id']}: {'; '.join(problems)} ({shown})")
            else:
                counts["as expected"] += 1
        rows.append((f"pwsh cmdlet ({result['transport']})", {**counts, "WRONG": len(wrong)}))
        summary["powershell"] = {"counts": dict(counts), "wrong": wrong}
        for why in wrong:
            report.fail(f"badinput/powershell: {why}")
    report.data["badinput"] = summary


def _bad_case(
    sb: SandboxProcess,
    session: Any,
    side: str,
    case: dict[str, Any],
    counts: Counter[str],
    wrong: list[str],
) -> None:
    counts["cases"] += 1
    if case["skip"]:
        counts["skipped"] += 1
        return
    call_id = sb.create_call()
    before = len(sb.requests())
    try:
        error = (
            badinput.python_case(session, case, call_id)
            if side == "python"
            else badinput.boundary_case(case, call_id)
        )
    except badinput.Unavailable:
        counts["skipped"] += 1
        return
    reached = len(sb.requests()) - before
    problems = badinput.check_error(case["expect"], error)
    if reached:
        problems.append(f"{reached} request(s) reached the sandbox")
    counts["reached"] += reached
    survived = badinput.valid_invite(session, call_id)
    counts["survived"] += survived
    if not survived:
        problems.append("the valid invite after it failed")
    if problems and case["known_bug"]:
        counts["known bug"] += 1
    elif problems:
        wrong.append(f"{case['id']}: {'; '.join(problems)}")
    else:
        counts["as expected"] += 1


def part_secrets(report: Report, sb: SandboxProcess, args: argparse.Namespace, work: Path) -> None:
    sb.reset()
    state = sb.state
    minted = {
        "given token": sb.admin("POST", "tokens", {"lifetimeSeconds": 600})["access_token"],
        "expired token": sb.admin("POST", "tokens", {"lifetimeSeconds": -600})["access_token"],
        "foreign token": sb.admin("POST", "tokens", {"foreignKey": True})["access_token"],
    }
    secrets = {
        "client secret": state["client_secret"],
        "certificate password": state["certificate_password"],
        "no-role secret": state["no_role_client_secret"],
        "private key": "".join(Path(state["certificate_key_file"]).read_text().splitlines()[1:-1])[
            :64
        ],
        "wrong secret": "Wr0ng~secret.value-" + uuid.uuid4().hex,
        "wrong password": "wr0ng-pfx-password-" + uuid.uuid4().hex[:8],
    }
    places: dict[str, dict[str, str]] = {}
    tokens = dict(minted)
    places["python"], cache = leaks.python_flows(state, secrets, tokens, work / "python-config")
    if args.powershell:
        request = {
            "part": "secrets",
            "token": minted["given token"],
            "expired_token": minted["expired token"],
            "foreign_token": minted["foreign token"],
            "wrong_secret": secrets["wrong secret"],
            "wrong_password": secrets["wrong password"],
        }
        env = {**sb.env(), "XDG_CONFIG_HOME": str(work / "pwsh-config")}
        result = run_pwsh(request, work, env, timeout=300)
        places["powershell"] = {
            **{f"pwsh {k}": v or "" for k, v in result["texts"].items()},
            "pwsh stdout": result["_stdout"],
            "pwsh stderr": result["_stderr"],
        }
    places["sandbox"] = {
        "sandbox request log": json.dumps(sb.requests()),
        "sandbox log file": sb.log_file.read_text(errors="replace"),
    }
    rows = report.section(
        "SECRETS",
        ["places", "characters", "LEAKS"],
        f"{len(secrets)} secrets and passwords and every token seen, looked for plain, in "
        "pieces, JSON-, URL- and base64-encoded (and any JWT) in logs at DEBUG, stdout/stderr, "
        "exception chains, boundary replies, CLI --debug, pwsh streams (-Verbose -Debug *>&1), "
        "$Error, a transcript, files written and the sandbox's request log and stderr.",
    )
    found_all = []
    for group, texts in places.items():
        found = leaks.scan(texts, {**secrets, **tokens})
        found_all += found
        rows.append(
            (
                group,
                {
                    "places": len(texts),
                    "characters": sum(map(len, texts.values())),
                    "LEAKS": len(found),
                },
            )
        )
    # The token cache holds tokens (that is its job), never a secret or a password.
    found = leaks.scan(cache, secrets, jwt=False)
    found_all += found
    rows.append(
        (
            "token cache (secrets only)",
            {
                "places": len(cache),
                "characters": sum(map(len, cache.values())),
                "LEAKS": len(found),
            },
        )
    )
    report.totals["leaked secrets"] += len(found_all)
    for place, name, form in found_all:
        report.fail(f"secrets: {name} ({form}) in {place}")
    report.data["secrets"] = {
        "places": {g: sorted(t) for g, t in places.items()},
        "leaks": found_all,
    }


def part_trust(report: Report, sb: SandboxProcess, args: argparse.Namespace, work: Path) -> None:
    rows = report.section("TRUST", ["result"])
    for name, ok, detail in leaks.trust_checks(sb, work / "trust-config"):
        rows.append(
            (f"{name}{': ' + detail if detail else ''}", {"result": "ok" if ok else "FAILED"})
        )
        if not ok:
            report.fail(f"trust: {name}: {detail}")


# -- main -----------------------------------------------------------------------------------------


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the bounded form CI runs")
    parser.add_argument("--invites", type=int, help="invites per client in the fault run")
    parser.add_argument("--concurrency", type=int, default=32, help="Python threads (faults)")
    parser.add_argument("--runspaces", type=int, default=8, help="runspaces / load threads")
    parser.add_argument(
        "--fault-runspaces", type=int, default=16, help="pwsh runspaces in the fault run"
    )
    parser.add_argument("--per-worker", type=int, help="invites per runspace/thread (load)")
    parser.add_argument("--seed", type=int, default=1729)
    parser.add_argument("--parts", default=",".join(PARTS), help=f"any of {', '.join(PARTS)}")
    parser.add_argument("--no-powershell", dest="powershell", action="store_false")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    args = parser.parse_args(argv)
    args.invites = args.invites or (150 if args.quick else 1000)
    args.per_worker = args.per_worker or (25 if args.quick else 250)
    args.fault_runspaces = args.fault_runspaces or 16
    if args.quick:
        args.concurrency = min(args.concurrency, 16)
    args.parts = [p.strip() for p in args.parts.split(",") if p.strip()]
    unknown = set(args.parts) - set(PARTS)
    if unknown:
        parser.error(f"unknown parts: {', '.join(sorted(unknown))}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    why_not = powershell_available() if args.powershell else "--no-powershell"
    args.powershell = not why_not
    started = time.monotonic()
    report = Report()
    work = Path(tempfile.mkdtemp(prefix="mgbridge-reliability-"))
    saved = {k: os.environ.get(k) for k in ("XDG_CONFIG_HOME", "MGBRIDGE_SANDBOX_STATE")}
    try:
        os.environ["XDG_CONFIG_HOME"] = str(work / "config")
        with SandboxProcess(work / "sandbox") as sb:
            os.environ.update(sb.env())
            print(
                f"mgbridge reliability run ({'quick' if args.quick else 'full'}): sandbox pid "
                f"{sb.pid} at {sb.state['graph']}, seed {args.seed}, PowerShell "
                f"{'in-process (runspaces)' if args.powershell else 'skipped: ' + why_not}",
                flush=True,
            )
            parts = {
                "faults": part_faults,
                "load": part_load,
                "badinput": part_badinput,
                "secrets": part_secrets,
                "trust": part_trust,
            }
            for name in args.parts:
                part_started = time.monotonic()
                try:
                    parts[name](report, sb, args, work)
                except Exception as exc:  # one broken part still reports the others
                    report.fail(f"{name}: the part crashed: {type(exc).__name__}: {exc}"[:2000])
                print(f"  {name}: {time.monotonic() - part_started:.1f} s", flush=True)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        shutil.rmtree(work, ignore_errors=True)
    print(report.render())
    print(f"({time.monotonic() - started:.0f} s)")
    if args.json:
        report.data.update(failures=report.failures, totals=dict(report.totals))
        args.json.write_text(json.dumps(report.data, indent=1, default=str))
    return 1 if report.failures else 0


if __name__ == "__main__":
    with contextlib.suppress(BrokenPipeError):
        sys.exit(main())
