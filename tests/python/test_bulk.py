"""Many invites at once: the session's shared throttle, `invite_many` (threads) and the asyncio
session, against the real sandbox. Nothing may be lost or sent twice."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from typing import Any

import pytest

import bridge
from bridge._retry import Throttle
from bridge.sandbox import Sandbox

USER = {"Identity": {"User": {"Id": "278405a3-f568-4b3e-b684-009193463064", "DisplayName": "x"}}}


def items(call_id: str, count: int, prefix: str = "bulk") -> list[dict[str, Any]]:
    return [
        {"call_id": call_id, "body": {"Participants": [USER], "ClientContext": f"{prefix}-{i}"}}
        for i in range(count)
    ]


def accepted_once(sb: Sandbox, prefix: str, count: int) -> None:
    """Every clientContext of the batch reached Graph's processing exactly once."""
    contexts = sb.stats()["clientContexts"]
    for i in range(count):
        assert contexts[f"{prefix}-{i}"]["accepted"] == 1, (
            f"{prefix}-{i}: {contexts[f'{prefix}-{i}']}"
        )


def invite_records(sb: Sandbox) -> list[dict[str, Any]]:
    return [r for r in sb.requests() if r["kind"] == "invite"]


@pytest.fixture
def live(sb: Sandbox) -> Iterator[bridge.Session]:
    with bridge.connect("Sandbox") as session:
        yield session


# -- the throttle, on a fake clock ---------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_throttle_costs_nothing_until_a_429() -> None:
    throttle = Throttle(Clock())
    assert [throttle.reserve() for _ in range(100)] == [0.0] * 100
    assert throttle.rate is None


def test_a_429_pauses_every_request_of_the_session() -> None:
    clock = Clock()
    throttle = Throttle(clock)
    throttle.throttled(2.0)
    assert [throttle.reserve() for _ in range(3)] == [2.0, 2.0, 2.0]
    assert throttle.pause_left() == 2.0
    clock.now += 2.0
    assert throttle.reserve() == 0.0


def test_a_429_caps_the_rate_below_what_was_accepted() -> None:
    clock = Clock()
    throttle = Throttle(clock)
    for _ in range(20):  # 20 answers within the last second
        clock.now += 0.04
        throttle.answered()
    throttle.throttled(1.0)
    assert throttle.rate == pytest.approx(18.0)
    # The other 429s of the same burst tell nothing new: the cap stays.
    throttle.throttled(1.0)
    assert throttle.rate == pytest.approx(18.0)
    clock.now += 1.0
    waits = [throttle.reserve() for _ in range(4)]
    assert waits == pytest.approx([0.0, 1 / 18, 2 / 18, 3 / 18])


def test_the_cap_rises_without_429s_and_is_lifted_after_a_minute() -> None:
    clock = Clock()
    throttle = Throttle(clock)
    for _ in range(20):
        throttle.answered()
    throttle.throttled(0.0)
    clock.now += 5.0
    throttle.reserve()
    assert throttle.rate == pytest.approx(18.0 * 1.1)
    clock.now += 60.0
    assert throttle.reserve() == 0.0
    assert throttle.rate is None


def test_a_few_requests_a_second_are_paused_not_paced() -> None:
    throttle = Throttle(Clock())
    for _ in range(3):
        throttle.answered()
    throttle.throttled(1.0)
    assert throttle.rate is None


# -- invite_many ------------------------------------------------------------------------------


def test_invite_many_gives_every_result_in_order_and_each_invite_once(
    sb: Sandbox, live: bridge.Session
) -> None:
    call_id = sb.create_call()["id"]
    batch = live.invite_many(items(call_id, 30, "ordered"), concurrency=8)
    results = list(batch)
    assert [r.index for r in results] == list(range(30))
    assert all(r.ok and r.operation is not None for r in results)
    assert [r.operation.client_context for r in results if r.operation] == [
        f"ordered-{i}" for i in range(30)
    ]
    assert batch.started == batch.completed == 30
    accepted_once(sb, "ordered", 30)


def test_invites_run_concurrently_and_can_come_as_completed(
    sb: Sandbox, live: bridge.Session
) -> None:
    call_id = sb.create_call()["id"]
    sb.inject_fault("invite", None, delay_ms=1500)  # the first invite to arrive is slow
    results = list(live.invite_many(items(call_id, 6, "completed"), concurrency=3, ordered=False))
    # The slow invite did not hold back the others: they were sent beside it. Which one the
    # sandbox held is the one that arrived first of the three sent at once.
    (held,) = [r["body"]["clientContext"] for r in invite_records(sb) if r.get("fault")]
    assert held in {"completed-0", "completed-1", "completed-2"}
    assert f"completed-{results[-1].index}" == held
    assert sorted(r.index for r in results) == list(range(6))
    accepted_once(sb, "completed", 6)


def test_items_that_fail_are_results_and_the_rest_go_on(sb: Sandbox, live: bridge.Session) -> None:
    call_id = sb.create_call()["id"]
    batch = [
        *items(call_id, 2, "mixed"),
        {"call_id": call_id, "bodyy": {}},
        "not a mapping",
        {"call_id": call_id, "body": {"Participants": "nobody"}},
        {"call_id": "no-such-call", "body": {"Participants": [USER]}},
    ]
    results = list(live.invite_many(batch, concurrency=4))
    assert [r.ok for r in results] == [True, True, False, False, False, False]
    assert isinstance(results[2].error, bridge.BodyError)
    assert "unknown key 'bodyy'" in str(results[2].error)
    assert "items[3]" in str(results[3].error)
    assert isinstance(results[4].error, bridge.BodyError)
    assert isinstance(results[5].error, bridge.GraphError)
    assert results[5].error.status == 404
    assert results[5].to_dict()["error"]["status"] == 404
    assert len(invite_records(sb)) == 3  # the shaping errors sent nothing


def test_an_invite_throttled_past_its_retries_is_sent_again_not_dropped(sb: Sandbox) -> None:
    call_id = sb.create_call()["id"]
    sb.inject_fault("invite", 429, retry_after=0.1, count=4)
    with bridge.connect("Sandbox", max_retry=0) as session:
        results = list(session.invite_many(items(call_id, 3, "requeued"), concurrency=1))
    assert all(r.ok for r in results)
    statuses = [r["status"] for r in invite_records(sb)]
    assert statuses.count(429) == 4
    assert statuses.count(200) == 3
    accepted_once(sb, "requeued", 3)


def test_a_429_pauses_the_whole_batch_for_its_retry_after(
    sb: Sandbox, live: bridge.Session
) -> None:
    call_id = sb.create_call()["id"]
    sb.inject_fault("invite", 429, retry_after=1)
    results = list(live.invite_many(items(call_id, 12, "paused"), concurrency=4))
    assert all(r.ok for r in results)
    records = invite_records(sb)
    arrived = [datetime.fromisoformat(r["received_at"].replace("Z", "+00:00")) for r in records]
    throttled_at = arrived[[r["status"] for r in records].index(429)]
    within_pause = [
        t for t in arrived if 0.05 < (t - throttled_at).total_seconds() < 0.9
    ]  # only those already on their way when the 429 came back
    assert len(within_pause) <= 3
    assert max(arrived) > throttled_at
    accepted_once(sb, "paused", 12)


def test_stop_ends_the_batch_after_the_invites_in_flight(sb: Sandbox, live: bridge.Session) -> None:
    call_id = sb.create_call()["id"]
    sb.inject_fault("invite", None, delay_ms=200, count=100)
    batch = live.invite_many(items(call_id, 40, "stopped"), concurrency=4)
    seen = [next(batch)]
    batch.stop()
    seen.extend(batch)
    assert 1 <= len(seen) < 40
    assert [r.index for r in seen] == list(range(len(seen)))
    assert batch.started == len(seen)  # whatever started has its result
    assert sb.stats()["invites"]["received"] == len(seen)


def test_a_failing_item_source_is_raised_after_what_started(
    sb: Sandbox, live: bridge.Session
) -> None:
    call_id = sb.create_call()["id"]

    def source() -> Iterator[dict[str, Any]]:
        yield from items(call_id, 2, "source")
        raise OSError("the file went away")

    batch = live.invite_many(source(), concurrency=2)
    got = []
    with pytest.raises(OSError, match="went away"):
        for result in batch:
            got.append(result)
    assert [r.index for r in got] == [0, 1]


def test_concurrency_is_checked(live: bridge.Session) -> None:
    for bad in (0, 257, 2.5, True):
        with pytest.raises(bridge.BodyError, match="concurrency"):
            live.invite_many([], concurrency=bad)  # type: ignore[arg-type]


# -- asyncio ----------------------------------------------------------------------------------


def test_async_session_invites_and_waits_as_the_session_does(sb: Sandbox) -> None:
    call_id = sb.create_call()["id"]
    body = items(call_id, 1, "async")[0]["body"]

    async def run() -> None:
        async with await bridge.connect_async("Sandbox") as session:
            op = await session.invite(call_id, body=body)
            assert isinstance(op, bridge.Operation)
            assert op.client_context == "async-0"
            done = await session.wait_operation(op, interval=0.05)
            assert done.done
            again = await session.get_operation(call_id, op.id or "")
            assert again.id == op.id
            plan = await session.invite(call_id, body=body, what_if=True)
            assert isinstance(plan, bridge.PlannedRequest)
            assert plan.headers["Authorization"] == "Bearer <redacted>"
            with pytest.raises(bridge.BodyError, match="Participants"):
                await session.invite(call_id, body={"Participants": "x"})
            with pytest.raises(bridge.GraphError) as info:
                await session.invite("no-such-call", body=body)
            assert info.value.status == 404

    asyncio.run(run())
    sent = [r for r in invite_records(sb) if call_id in r["path"]]
    assert len(sent) == 1  # the plan and the bad body sent nothing


def test_async_and_sync_sessions_send_the_same_request(sb: Sandbox) -> None:
    call_id = sb.create_call()["id"]
    body = items(call_id, 1, "same")[0]["body"]
    with bridge.connect("Sandbox") as session:
        session.invite(call_id, body=body)

    async def run() -> None:
        async with await bridge.connect_async("Sandbox") as session:
            await session.invite(call_id, body=body)

    asyncio.run(run())
    first, second = invite_records(sb)
    assert first["body"] == second["body"]
    assert first["path"] == second["path"]
    ignored = {"client-request-id", "authorization"}
    assert {k: v for k, v in first["headers"].items() if k not in ignored} == {
        k: v for k, v in second["headers"].items() if k not in ignored
    }


def test_async_invite_many_from_an_async_source(sb: Sandbox) -> None:
    call_id = sb.create_call()["id"]

    async def source() -> AsyncIterator[dict[str, Any]]:
        for item in items(call_id, 20, "asource"):
            await asyncio.sleep(0)
            yield item

    async def run() -> list[bridge.InviteResult]:
        async with await bridge.connect_async("Sandbox") as session:
            return [r async for r in session.invite_many(source(), concurrency=8)]

    results = asyncio.run(run())
    assert [r.index for r in results] == list(range(20))
    assert all(r.ok for r in results)
    accepted_once(sb, "asource", 20)


def test_concurrent_async_calls_share_one_token_refresh(sb: Sandbox) -> None:
    call_id = sb.create_call()["id"]

    async def run() -> list[bridge.InviteResult]:
        async with await bridge.connect_async("Sandbox") as session:
            tokens = session.session._tokens
            acquire = tokens._acquire
            assert acquire is not None
            acquired: list[float] = []

            def counted() -> Any:
                acquired.append(time.time())
                return acquire()

            tokens._acquire = counted
            tokens._expires_at = time.time()  # due for refresh now
            batch = session.invite_many(items(call_id, 16, "tok"), concurrency=16)
            results = [r async for r in batch]
            assert len(acquired) == 1
            return results

    assert all(r.ok for r in asyncio.run(run()))
    accepted_once(sb, "tok", 16)


def test_stopping_an_async_batch_leaves_no_invite_unaccounted(sb: Sandbox) -> None:
    call_id = sb.create_call()["id"]
    sb.inject_fault("invite", None, delay_ms=200, count=100)

    async def run() -> tuple[int, int]:
        async with await bridge.connect_async("Sandbox") as session:
            batch = session.invite_many(items(call_id, 40, "astop"), concurrency=4)
            seen = 0
            async for _ in batch:
                seen += 1
                batch.stop()
            return seen, batch.started

    seen, started = asyncio.run(run())
    assert 1 <= seen < 40
    assert seen == started
    assert sb.stats()["invites"]["received"] == started


def test_results_not_taken_hold_the_batch_back(sb: Sandbox, live: bridge.Session) -> None:
    call_id = sb.create_call()["id"]
    sb.inject_fault("invite", None, delay_ms=1500)  # the first invite is slow
    batch = live.invite_many(items(call_id, 50, "window"), concurrency=2)
    first = next(batch)
    # In order, the others wait behind the first: at most 4 x concurrency results ahead of it.
    assert first.index == 0
    assert batch.started <= 4 * 2 + 1
    assert len(list(batch)) == 49
    accepted_once(sb, "window", 50)


def test_on_send_sees_each_item_before_it_is_sent(sb: Sandbox, live: bridge.Session) -> None:
    call_id = sb.create_call()["id"]
    seen: list[tuple[int, int]] = []

    def on_send(index: int, item: Any) -> None:
        seen.append((index, len(invite_records(sb))))
        assert item["body"]["ClientContext"] == f"marked-{index}"

    results = list(live.invite_many(items(call_id, 6, "marked"), concurrency=1, on_send=on_send))
    assert all(r.ok for r in results)
    # One at a time: when item i is announced, the sandbox has received exactly the i before it.
    assert seen == [(i, i) for i in range(6)]
