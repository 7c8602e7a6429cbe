"""Reliability under faults and load (the bounded forms of ``make reliability``), against a
sandbox process over HTTPS with the real msal and httpx of this venv.

- faults: 150 invites from 16 threads sharing one session, with a seeded schedule of 429
  (Retry-After 0-2 s), 503, 504, resets and answers slower than the client timeout; every
  invite is one operation or one surfaced error, none lost, none accepted twice, retries within
  max_retry and the time limit;
- load: 8 threads x 25 invites through one session: all accepted once, no thread left, memory
  flat after the warm-up;
- the accounting itself: it does catch losses, duplicates and extra retries.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from reliability import faults, load
from reliability.common import SandboxProcess

QUICK = faults.FaultPlan(invites=150, concurrency=16)


@pytest.fixture(scope="module")
def sandbox_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    folder = tmp_path_factory.mktemp("reliability")
    with pytest.MonkeyPatch.context() as patch, SandboxProcess(folder / "sandbox") as sb:
        for name, value in sb.env().items():
            patch.setenv(name, value)
        patch.setenv("XDG_CONFIG_HOME", str(folder / "config"))
        yield sb


def _report(tally: Any) -> str:
    return "\n".join(tally.problems[:20])


def test_the_quick_schedule_holds_every_fault() -> None:
    slots = faults.schedule(QUICK)[: QUICK.invites]
    assert {slot["fate"] for slot in slots} == {"ok", "429", "503", "504", "reset", "slow"}
    waits = [slot["retryAfter"] for slot in slots if slot["fate"] == "429"]
    assert min(waits) >= 0 and max(waits) <= 2
    assert faults.schedule(QUICK) == faults.schedule(QUICK)  # seeded


def test_faults_lose_and_duplicate_nothing(sandbox_process: SandboxProcess) -> None:
    tally = faults.python_run(sandbox_process, QUICK)
    assert tally.ok, _report(tally)
    assert tally.lost == tally.duplicated == 0
    assert sum(n for label, n in tally.outcomes.items() if not label.startswith("probe")) == 150
    # Each kind of fault was served and ended as designed.
    assert set(tally.injected) == {"ok", "429", "503", "504", "reset", "slow"}
    outcomes = tally.outcomes
    assert outcomes["operation after retries"] > 0
    assert outcomes["TransportError: reset, not processed"] == tally.injected["reset"]
    assert outcomes["TransportError: timeout, processed"] == tally.injected["slow"]
    assert tally.max_seconds <= QUICK.time_limit + QUICK.timeout + 1.0
    probes = {label for label in outcomes if label.startswith("probe")}
    assert len(probes) == 3 and not any("FAILED" in label for label in probes)
    assert tally.threads_leaked == 0


def test_threads_sharing_a_session_under_load(sandbox_process: SandboxProcess) -> None:
    result = load.python_load(sandbox_process, workers=8, per_worker=25)
    assert result.ok, result.problems[:10]
    assert result.outcomes == Counter({"operation": 200})
    assert result.threads_leaked == 0 and result.hung == 0
    assert result.memory_flat, result.memory_mb


# -- the accounting catches what it must ----------------------------------------------------------


def _record(seq: int, context: str, status: int | None, attempt: int = 0) -> dict[str, Any]:
    headers = {"retry-attempt": str(attempt)} if attempt else {}
    return {
        "seq": seq,
        "status": status,
        "body": {"clientContext": context},
        "headers": headers,
        "fault": status != 200,
    }


def _stats(**accepted: int) -> dict[str, Any]:
    return {"clientContexts": {c: {"received": 1, "accepted": n} for c, n in accepted.items()}}


def test_accounting_of_a_clean_run() -> None:
    plan = faults.FaultPlan(invites=2)
    outcomes = [
        {"context": "r-1", "kind": "operation", "op_context": "r-1", "seconds": 0.1},
        {"context": "r-2", "kind": "GraphError", "status": 503, "seconds": 1.0},
    ]
    records = [_record(1, "r-1", 429), _record(2, "r-1", 200, 1)]
    records += [_record(3 + i, "r-2", 503, i) for i in range(4)]
    tally = faults.account(plan, ["r-1", "r-2"], outcomes, records, _stats(**{"r-1": 1}), None)
    assert tally.ok, tally.problems
    assert tally.outcomes == Counter(
        {"operation after retries": 1, "GraphError 503: stopped at max_retry": 1}
    )


@pytest.mark.parametrize(
    ("outcomes", "records", "accepted", "field"),
    [
        # The client saw an operation the sandbox never accepted.
        ([{"context": "r-1", "kind": "operation"}], [_record(1, "r-1", 503)], 0, "lost"),
        # No client outcome at all.
        ([], [_record(1, "r-1", 200)], 1, "lost"),
        # A POST retried after a reset: sent twice.
        (
            [{"context": "r-1", "kind": "operation"}],
            [_record(1, "r-1", None), _record(2, "r-1", 200, 1)],
            1,
            "lost",
        ),
        # Accepted twice.
        (
            [{"context": "r-1", "kind": "operation"}],
            [_record(1, "r-1", 200), _record(2, "r-1", 200, 1)],
            2,
            "duplicated",
        ),
        # An error reported for an invite the sandbox did process.
        (
            [{"context": "r-1", "kind": "GraphError", "status": 429}],
            [_record(1, "r-1", 429)],
            1,
            "lost",
        ),
        # Five requests with max_retry 3.
        (
            [{"context": "r-1", "kind": "GraphError", "status": 429}],
            [_record(i + 1, "r-1", 429, i) for i in range(5)],
            0,
            "over_max_retry",
        ),
        # Too slow for the time limit.
        (
            [{"context": "r-1", "kind": "operation", "seconds": 60}],
            [_record(1, "r-1", 200)],
            1,
            "over_time_limit",
        ),
    ],
)
def test_accounting_catches(
    outcomes: list[dict[str, Any]], records: list[dict[str, Any]], accepted: int, field: str
) -> None:
    plan = faults.FaultPlan(invites=1)
    tally = faults.account(plan, ["r-1"], outcomes, records, _stats(**{"r-1": accepted}), None)
    assert not tally.ok
    assert getattr(tally, field) >= 1, tally.to_dict()


def test_accounting_checks_the_served_faults_against_the_schedule() -> None:
    plan = faults.FaultPlan(invites=1)
    outcomes = [{"context": "r-1", "kind": "operation", "op_context": "r-1"}]
    records = [_record(1, "r-1", 429), _record(2, "r-1", 200, 1)]
    schedule = [{"fate": "503"}, {"fate": "ok"}]
    tally = faults.account(plan, ["r-1"], outcomes, records, _stats(**{"r-1": 1}), schedule)
    assert tally.schedule_mismatch == 1
