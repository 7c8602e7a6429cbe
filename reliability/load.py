"""The Python load run: threads sharing one session, no faults; and the checks for any load run.

Each thread invites ``per_thread`` times with unique clientContexts, in rounds; the first round
is the warm-up. After each round the process's resident memory is sampled (after a collection).
The run passes when every invite returned an operation the sandbox accepted exactly once, no
thread is left behind, and memory after the warm-up stays flat: the least-squares line through
the samples rises less than MEMORY_SLACK_BYTES over the whole run.
"""

from __future__ import annotations

import gc
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from reliability.common import SandboxProcess, rss_bytes, user_identity
from reliability.faults import invite_outcome

# Growth allowed after the warm-up, whatever the number of invites: allocator noise, caches
# filling up (httpx's connection pool, logging), not a per-invite leak.
MEMORY_SLACK_BYTES = 16 * 1024 * 1024


@dataclass
class LoadResult:
    client: str
    workers: int
    invites: int
    outcomes: Counter[str] = field(default_factory=Counter)
    lost: int = 0
    duplicated: int = 0
    threads_before: int = 0
    threads_after: int = 0
    thread_slack: int = 0  # idle runtime threads (.NET's pool) allowed to stay
    hung: int = 0
    memory_mb: list[float] = field(default_factory=list)  # after each round; [0] = warm-up
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def threads_leaked(self) -> int:
        return max(0, self.threads_after - self.threads_before - self.thread_slack)

    @property
    def memory_growth_mb(self) -> float:
        """Growth from the warm-up's end to the last round, along the least-squares line through
        the samples: resident memory wobbles by several MB between samples (allocator arenas,
        GC heaps), a leak climbs steadily."""
        return round(fitted_growth(self.memory_mb), 1)

    @property
    def memory_flat(self) -> bool:
        return self.memory_growth_mb * 1024 * 1024 <= MEMORY_SLACK_BYTES

    @property
    def ok(self) -> bool:
        return (
            not (self.lost or self.duplicated or self.hung or self.threads_leaked)
            and self.memory_flat
        )

    def to_dict(self) -> dict[str, Any]:
        data = {k: dict(v) if isinstance(v, Counter) else v for k, v in vars(self).items()}
        data.update(
            threads_leaked=self.threads_leaked,
            memory_growth_mb=self.memory_growth_mb,
            memory_flat=self.memory_flat,
            ok=self.ok,
        )
        return data


def fitted_growth(samples: list[float]) -> float:
    """The rise of the least-squares line from the first sample to the last."""
    n = len(samples)
    if n < 2:
        return 0.0
    mean_x, mean_y = (n - 1) / 2, sum(samples) / n
    slope = sum((x - mean_x) * (y - mean_y) for x, y in enumerate(samples)) / sum(
        (x - mean_x) ** 2 for x in range(n)
    )
    return slope * (n - 1)


def check_accepted_once(
    result: LoadResult,
    contexts: list[str],
    outcomes: list[dict[str, Any]],
    stats: dict[str, Any],
) -> None:
    """Every invite an operation, accepted exactly once by the sandbox, nothing extra."""
    counts = stats.get("clientContexts", {})
    seen: set[str] = set()
    for outcome in outcomes:
        context = outcome["context"]
        result.outcomes[outcome.get("kind") or "no outcome"] += 1
        if context in seen:
            result.duplicated += 1
            result.problems.append(f"{context}: two outcomes")
        seen.add(context)
        accepted = counts.get(context, {}).get("accepted", 0)
        if accepted > 1:
            result.duplicated += 1
            result.problems.append(f"{context}: accepted {accepted} times")
        elif outcome.get("kind") != "operation" or accepted != 1:
            result.lost += 1
            result.problems.append(f"{context}: {outcome.get('kind')} accepted {accepted}")
        elif outcome.get("op_context") not in (None, context):
            result.lost += 1
            result.problems.append(f"{context}: got the operation of {outcome.get('op_context')}")
    missing = [c for c in contexts if c not in seen]
    result.lost += len(missing)
    result.problems += [f"{c}: no outcome" for c in missing[:10]]
    extra = sum(1 for c in counts if c not in seen and c.startswith("load-"))
    result.duplicated += extra


def python_load(
    sb: SandboxProcess,
    *,
    workers: int = 8,
    per_worker: int = 250,
    rounds: int = 9,
    deadline_s: float = 300.0,
) -> LoadResult:
    """``workers`` threads x ``per_worker`` invites through one shared session."""
    import bridge

    sb.reset()
    call_id = sb.create_call()
    run = uuid.uuid4().hex[:6]
    result = LoadResult(client="python threads", workers=workers, invites=workers * per_worker)
    contexts = [f"load-{run}-{w}-{i:04d}" for w in range(workers) for i in range(per_worker)]
    outcomes: list[dict[str, Any]] = []
    outcomes_lock = threading.Lock()
    result.threads_before = threading.active_count()
    started = time.monotonic()
    with bridge.connect("Sandbox") as session:

        def worker(mine: list[str]) -> None:
            for context in mine:
                body = {
                    "Participants": [user_identity(str(uuid.uuid4()))],
                    "ClientContext": context,
                }
                outcome = invite_outcome(lambda b=body: session.invite(call_id, body=b), context)
                with outcomes_lock:
                    outcomes.append(outcome)

        per_round = -(-per_worker // rounds)
        mine = [contexts[w * per_worker : (w + 1) * per_worker] for w in range(workers)]
        for start in range(0, per_worker, per_round):
            threads = [
                threading.Thread(
                    target=worker,
                    args=(mine[w][start : start + per_round],),
                    name=f"rel-load-{w}",
                )
                for w in range(workers)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(max(1.0, deadline_s - (time.monotonic() - started)))
            result.hung += sum(thread.is_alive() for thread in threads)
            if result.hung:
                break
            gc.collect()
            result.memory_mb.append(round(rss_bytes() / 1024 / 1024, 1))
    result.seconds = round(time.monotonic() - started, 2)
    sb.settle()
    check_accepted_once(result, contexts, outcomes, sb.stats())
    deadline = time.monotonic() + 2.0
    while threading.active_count() > result.threads_before and time.monotonic() < deadline:
        time.sleep(0.05)
    result.threads_after = threading.active_count()
    return result
