"""The fault run: many invites against a sandbox that throttles, fails, resets and stalls.

Design (exact accounting with concurrent clients):

- Every invite carries a unique clientContext, so the sandbox's per-clientContext counts and its
  request log tell, for each invite, how many requests reached it and how many it accepted.
- The faults are a seeded, shuffled schedule over *requests* (first tries and retries alike):
  each slot is a 429 (Retry-After 0-2 s), a 503, a 504, a connection reset before the answer, an
  answer slower than the client timeout, or a normal answer (a 1 ms "delay" fault, so that the
  sandbox's "next n matching requests" queue stays in step). The whole schedule is queued before
  the run; concurrent clients take slots in arrival order. The sandbox's log then shows which
  request got what, and the served slots must be exactly the schedule's first ones.
- Each invite ends as one client outcome (an Operation or a surfaced error). Comparing it with
  the sandbox's records of its clientContext classifies it; anything that does not add up is
  "lost" (or "duplicated" when the sandbox accepted it more than once).
- Then a few sequential probes pin the retry limits: max_retry 503s in a row, and Retry-After
  chains longer than the time limit.

Client outcomes are plain dicts, so the PowerShell driver (runspaces) reports the same shape:
``{"context", "kind": "operation"|"GraphError"|"TransportError"|..., "status",
"may_have_been_processed", "seconds", "op_context", "message"}``.
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from reliability.common import SandboxProcess, user_identity

RETRYABLE = (429, 503, 504)


@dataclass(frozen=True)
class FaultPlan:
    """What to inject and how the client is configured (the retry policy under test)."""

    invites: int = 1000
    concurrency: int = 32
    seed: int = 1729
    throttle: float = 0.20  # 429 with Retry-After drawn from retry_after_range
    retry_after_range: tuple[float, float] = (0.0, 2.0)
    unavailable: float = 0.05  # 503, no Retry-After: the client backs off exponentially
    gateway_timeout: float = 0.02  # 504
    reset: float = 0.02  # connection closed (TCP reset) before any answer; not processed
    slow: float = 0.02  # answered (and processed) after the client timeout
    timeout: float = 2.0  # the client's read timeout, seconds
    slow_margin_ms: int = 1000  # how much later than the timeout a slow answer comes
    max_retry: int = 3
    retry_delay: float = 0.2
    time_limit: float = 2.5  # retries_time_limit
    slots_per_invite: float = 2.0  # schedule length; later requests get no fault

    def connect_options(self) -> dict[str, Any]:
        return {
            "timeout": self.timeout,
            "max_retry": self.max_retry,
            "retry_delay": self.retry_delay,
            "retries_time_limit": self.time_limit,
        }

    @property
    def slow_ms(self) -> int:
        return int(self.timeout * 1000) + self.slow_margin_ms


# -- the schedule ---------------------------------------------------------------------------------


def schedule(plan: FaultPlan) -> list[dict[str, Any]]:
    """One fate per request slot: {"fate": "429"|"503"|"504"|"reset"|"slow"|"ok", ...}."""
    rng = random.Random(plan.seed)
    slots = []
    low, high = plan.retry_after_range
    cuts = [
        ("429", plan.throttle),
        ("503", plan.unavailable),
        ("504", plan.gateway_timeout),
        ("reset", plan.reset),
        ("slow", plan.slow),
    ]
    for _ in range(int(plan.invites * plan.slots_per_invite)):
        draw = rng.random()
        fate = "ok"
        for name, share in cuts:
            if draw < share:
                fate = name
                break
            draw -= share
        slot: dict[str, Any] = {"fate": fate}
        if fate == "429":
            slot["retryAfter"] = round(rng.uniform(low, high), 1)
        slots.append(slot)
    return slots


def _fault_body(slot: dict[str, Any], plan: FaultPlan) -> dict[str, Any]:
    fate = slot["fate"]
    if fate == "429":
        return {"match": "invite", "status": 429, "retryAfter": slot["retryAfter"]}
    if fate in ("503", "504"):
        return {"match": "invite", "status": int(fate)}
    if fate == "reset":
        return {"match": "invite", "reset": True}
    if fate == "slow":
        return {"match": "invite", "delayMs": plan.slow_ms}
    return {"match": "invite", "delayMs": 1}  # a normal answer that still takes its slot


def inject(sb: SandboxProcess, plan: FaultPlan, slots: list[dict[str, Any]]) -> None:
    """Queues the schedule in the sandbox, runs of equal slots as one fault with a count."""
    runs: list[tuple[dict[str, Any], int]] = []
    for slot in slots:
        body = _fault_body(slot, plan)
        if runs and runs[-1][0] == body:
            runs[-1] = (body, runs[-1][1] + 1)
        else:
            runs.append((body, 1))
    for body, count in runs:
        sb.admin("POST", "faults", {**body, "count": count})


# -- the Python client --------------------------------------------------------------------------


def invite_outcome(invite: Callable[[], Any], context: str) -> dict[str, Any]:
    """Runs one invite and reports how it ended; never raises."""
    import bridge

    started = time.monotonic()
    outcome: dict[str, Any] = {"context": context}
    try:
        op = invite()
    except bridge.GraphError as exc:
        outcome.update(kind="GraphError", status=exc.status, message=str(exc))
    except bridge.TransportError as exc:
        outcome.update(
            kind="TransportError",
            may_have_been_processed=exc.may_have_been_processed,
            message=str(exc),
        )
    except bridge.BridgeError as exc:
        outcome.update(kind=type(exc).__name__, message=str(exc))
    except Exception as exc:  # a bug: reported as such, never hidden
        outcome.update(kind="unexpected", message=f"{type(exc).__name__}: {exc}")
    else:
        outcome.update(kind="operation", op_context=op.client_context, op_id=op.id)
    outcome["seconds"] = round(time.monotonic() - started, 3)
    return outcome


def run_python_clients(
    session: Any, call_id: str, contexts: list[str], concurrency: int, deadline_s: float
) -> list[dict[str, Any]]:
    """Invites, one per context, from ``concurrency`` threads sharing ``session``."""

    def one(context: str) -> dict[str, Any]:
        body = {"Participants": [user_identity(str(uuid.uuid4()))], "ClientContext": context}
        return invite_outcome(lambda: session.invite(call_id, body=body), context)

    pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="rel-fault")
    futures = {pool.submit(one, context): context for context in contexts}
    done, not_done = wait(futures, timeout=deadline_s)
    pool.shutdown(wait=not not_done, cancel_futures=True)
    outcomes = [f.result() for f in done]
    # A future still running past the deadline is a hang: its invite has no outcome (lost).
    outcomes += [{"context": futures[f], "kind": None, "message": "hung"} for f in not_done]
    return outcomes


# -- accounting -----------------------------------------------------------------------------------


@dataclass
class Tally:
    """The outcome of a fault run, with the checks that must all be zero."""

    client: str
    invites: int = 0
    requests: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    injected: Counter[str] = field(default_factory=Counter)  # served by the sandbox
    lost: int = 0
    duplicated: int = 0
    problems: list[str] = field(default_factory=list)  # why something counts as lost/duplicated
    over_max_retry: int = 0
    over_time_limit: int = 0
    schedule_mismatch: int = 0
    threads_leaked: int = 0
    max_seconds: float = 0.0
    wall_seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not (
            self.lost
            or self.duplicated
            or self.over_max_retry
            or self.over_time_limit
            or self.schedule_mismatch
            or self.threads_leaked
        )

    def to_dict(self) -> dict[str, Any]:
        data = {k: dict(v) if isinstance(v, Counter) else v for k, v in vars(self).items()}
        data["ok"] = self.ok
        return data


def account(
    plan: FaultPlan,
    contexts: Iterable[str],
    outcomes: list[dict[str, Any]],
    records: list[dict[str, Any]],
    stats: dict[str, Any],
    slots: list[dict[str, Any]] | None,
    *,
    client: str = "python",
) -> Tally:
    """Classifies every invite by its client outcome and the sandbox's records of it."""
    contexts = list(contexts)
    wanted = set(contexts)
    tally = Tally(client=client, invites=len(contexts))
    by_context: dict[str, list[dict[str, Any]]] = {c: [] for c in contexts}
    for record in sorted(records, key=lambda r: r["seq"]):
        body = record.get("body")
        context = body.get("clientContext") if isinstance(body, dict) else None
        if context in by_context:
            by_context[context].append(record)
    tally.requests = sum(len(v) for v in by_context.values())
    counts = stats.get("clientContexts", {})
    # The sandbox must have accepted nothing that no client of this run sent.
    for context, count in counts.items():
        if context.startswith(_prefix(contexts)) and context not in wanted and count["accepted"]:
            tally.duplicated += 1
            tally.problems.append(f"{context}: accepted but never sent by this run")

    seen: dict[str, dict[str, Any]] = {}
    for outcome in outcomes:
        context = outcome.get("context")
        if context in seen:
            tally.duplicated += 1
            tally.problems.append(f"{context}: two client outcomes")
        seen[str(context)] = outcome

    limit = plan.time_limit + plan.timeout + 1.0  # the last try may take the whole timeout
    for context in contexts:
        outcome = seen.get(context, {"kind": None})
        attempts = by_context[context]
        statuses = [r["status"] for r in attempts]
        accepted = int(counts.get(context, {}).get("accepted", 0))
        label, problem = _classify(plan, outcome, statuses, accepted)
        tally.outcomes[label] += 1
        if accepted > 1 or statuses.count(200) > 1:
            tally.duplicated += 1
            tally.problems.append(f"{context}: accepted {accepted} times")
        elif problem:
            tally.lost += 1
            tally.problems.append(f"{context}: {problem}")
        if len(attempts) > plan.max_retry + 1:
            tally.over_max_retry += 1
            tally.problems.append(f"{context}: {len(attempts)} requests")
        for index, record in enumerate(attempts):
            expected = str(index) if index else None
            if record["headers"].get("retry-attempt") != expected:
                tally.problems.append(
                    f"{context}: request {index + 1} has Retry-Attempt "
                    f"{record['headers'].get('retry-attempt')!r}"
                )
                tally.over_max_retry += 1
        seconds = float(outcome.get("seconds") or 0.0)
        tally.max_seconds = max(tally.max_seconds, seconds)
        if seconds > limit:
            tally.over_time_limit += 1
            tally.problems.append(f"{context}: took {seconds:.2f} s (limit {limit:.2f} s)")
        for record in attempts:
            if record.get("fault"):
                tally.injected[_fate(record, outcome, record is attempts[-1])] += 1

    if slots is not None:
        # The served faults are the schedule's first slots, in order, whoever took them.
        served = sum(tally.injected.values())
        expected = Counter(s["fate"] for s in slots[:served])
        if expected != tally.injected:
            tally.schedule_mismatch = 1
            tally.problems.append(f"served {dict(tally.injected)}, scheduled {dict(expected)}")
    return tally


def _prefix(contexts: list[str]) -> str:
    return contexts[0].rsplit("-", 1)[0] + "-" if contexts else "\0"


def _fate(record: dict[str, Any], outcome: dict[str, Any], last: bool) -> str:
    status = record["status"]
    if status is None:
        return "reset"
    if status in RETRYABLE:
        return str(status)
    if last and outcome.get("kind") == "TransportError":
        return "slow"
    return "ok"


def _classify(
    plan: FaultPlan, outcome: dict[str, Any], statuses: list[int | None], accepted: int
) -> tuple[str, str]:
    """(label, problem): the label is the tally row; a problem makes the invite "lost"."""
    kind = outcome.get("kind")
    if kind is None:
        return "no outcome (hung or dropped)", "the client reported nothing"
    if not statuses:
        return f"{kind} before sending", "" if kind != "operation" else "operation never sent"
    if any(s not in RETRYABLE for s in statuses[:-1]):
        return "retried after a final answer", f"requests answered {statuses}"
    last = statuses[-1]
    retried = len(statuses) > 1
    if kind == "operation":
        if last != 200 or accepted != 1:
            return "operation without acceptance", f"answered {statuses}, accepted {accepted}"
        if outcome.get("op_context") not in (None, outcome.get("context")):
            return "operation of another invite", f"got {outcome.get('op_context')!r}"
        return ("operation after retries" if retried else "operation"), ""
    if kind == "GraphError" and last in RETRYABLE and outcome.get("status") == last:
        if accepted:
            return "GraphError but processed", f"accepted {accepted}"
        if len(statuses) == plan.max_retry + 1:
            return f"GraphError {last}: stopped at max_retry", ""
        return f"GraphError {last}: stopped by Retry-After/time limit", ""
    if kind == "TransportError" and outcome.get("may_have_been_processed"):
        if last is None and accepted == 0:
            return "TransportError: reset, not processed", ""
        if last == 200 and accepted == 1:
            return "TransportError: timeout, processed", ""
    return f"{kind} (unexplained)", f"{outcome.get('message', '')!r} for {statuses}"


# -- the whole Python run -------------------------------------------------------------------------


def python_run(sb: SandboxProcess, plan: FaultPlan, *, label: str = "python") -> Tally:
    """Injects the schedule, runs the invites from threads sharing one session, accounts."""
    import bridge

    sb.reset()
    call_id = sb.create_call()
    run = uuid.uuid4().hex[:6]
    contexts = [f"rel-{run}-{i:05d}" for i in range(plan.invites)]
    slots = schedule(plan)
    inject(sb, plan, slots)
    threads_before = threading.active_count()
    started = time.monotonic()
    with bridge.connect("Sandbox", **plan.connect_options()) as session:
        outcomes = run_python_clients(
            session, call_id, contexts, plan.concurrency, deadline_s=_deadline(plan)
        )
        wall = time.monotonic() - started
        sb.settle()
        tally = account(
            plan, contexts, outcomes, sb.invite_records(), sb.stats(), slots, client=label
        )
        tally.wall_seconds = round(wall, 2)
        probe_limits(sb, session, plan, tally)
    tally.threads_leaked = _threads_left(threads_before)
    return tally


def _threads_left(before: int, grace: float = 2.0) -> int:
    """Threads still running beyond ``before``, after a grace period for exiting ones."""
    deadline = time.monotonic() + grace
    while threading.active_count() > before and time.monotonic() < deadline:
        time.sleep(0.05)
    return max(0, threading.active_count() - before)


def _deadline(plan: FaultPlan) -> float:
    """Generous: the run is bounded by design, so a run past this is a hang."""
    per_invite = plan.time_limit + plan.timeout + 1.0
    return 60.0 + per_invite * plan.invites / max(1, plan.concurrency) * 4


def probe_limits(sb: SandboxProcess, session: Any, plan: FaultPlan, tally: Tally) -> None:
    """Sequential probes of the retry limits, each with its own faults and clientContext:
    (name, fault, expected status, expected requests, (min, max) seconds)."""
    limit = plan.time_limit
    probes = [
        # Only retryable answers: the client stops after max_retry retries.
        (
            "max_retry",
            {"status": 503, "count": plan.max_retry + 1},
            503,
            plan.max_retry + 1,
            (0.0, limit + plan.timeout),
        ),
        # Retry-After 0.8 x the time limit: one wait fits, a second would not.
        (
            "time limit",
            {"status": 429, "retryAfter": round(limit * 0.8, 2), "count": 4},
            429,
            2,
            (limit * 0.8 - 0.05, limit + 1.0),
        ),
        # A Retry-After past the time limit is not waited for at all.
        (
            "long Retry-After",
            {"status": 429, "retryAfter": limit + 5, "count": 1},
            429,
            1,
            (0.0, 1.0),
        ),
    ]
    for name, fault, status, requests, (low, high) in probes:
        sb.reset()
        call_id = sb.create_call()
        context = f"probe-{name.replace(' ', '-')}-{uuid.uuid4().hex[:6]}"
        sb.admin("POST", "faults", {"match": "invite", **fault})
        body = {"Participants": [user_identity(str(uuid.uuid4()))], "ClientContext": context}
        outcome = invite_outcome(lambda c=call_id, b=body: session.invite(c, body=b), context)
        sent = [
            r for r in sb.invite_records() if (r.get("body") or {}).get("clientContext") == context
        ]
        seconds = float(outcome["seconds"])
        good = (
            outcome.get("kind") == "GraphError"
            and outcome.get("status") == status
            and len(sent) == requests
            and low <= seconds <= high
        )
        label = f"probe {name}: GraphError {status} after {requests} request(s)"
        tally.outcomes[label if good else f"probe {name}: FAILED"] += 1
        if not good:
            tally.lost += 1
            tally.problems.append(
                f"probe {name}: {outcome.get('kind')} {outcome.get('status')} after "
                f"{len(sent)} requests in {seconds:.2f} s"
            )
    sb.reset()
