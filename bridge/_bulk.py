"""Many invites at once: bounded concurrency over one session, results in order or as completed.

The pacing is not here: every request of a session already goes through its one Throttle (see
_retry), so a 429 pauses the whole batch for its Retry-After. What a batch adds is the guarantee
that nothing is lost or sent twice: an invite that is still throttled after the session's retries
waits its turn again (a 429 means Graph did nothing), and every item ends as exactly one result,
its error included; an invite that may have reached Graph is reported, never resent.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import (
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Iterable,
    Iterator,
    Mapping,
)
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from bridge._exceptions import BodyError, BridgeError, GraphError
from bridge._operation import Operation

__all__ = ["ITEM_KEYS", "MAX_CONCURRENCY", "AsyncInviteBatch", "InviteBatch", "InviteResult"]

MAX_CONCURRENCY = 256
# The keyword arguments of Session.invite that an item may hold.
ITEM_KEYS = frozenset(
    {
        "call_id",
        "body",
        "participants",
        "client_context",
        "additional_properties",
        "input_object",
        "api_version",
        "headers",
    }
)
# Results not yet taken by the caller, at most (per unit of concurrency): in order, one slow invite
# must not let the others run ahead without bound, and a caller that reads slowly slows the batch.
_WINDOW_PER_SLOT = 4
# How often one invite may be throttled past the session's own retries before it is given up.
_THROTTLED_ROUNDS = 10


class InviteResult:
    """What one item of a batch came to: its ``index`` in the items, the ``item`` itself, and
    either the ``operation`` Graph created or the ``error`` (a BridgeError)."""

    __slots__ = ("error", "index", "item", "operation")

    def __init__(
        self,
        index: int,
        item: Any,
        operation: Operation | None = None,
        error: BridgeError | None = None,
    ) -> None:
        self.index = index
        self.item = item
        self.operation = operation
        self.error = error

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_dict(self) -> dict[str, Any]:
        """``{"index", "ok", "operation" | "error"}``: the operation's Graph JSON, or the error as
        BridgeError.to_dict gives it."""
        if self.error is not None:
            return {"index": self.index, "ok": False, "error": self.error.to_dict()}
        assert self.operation is not None
        return {"index": self.index, "ok": True, "operation": self.operation.to_dict()}

    def __repr__(self) -> str:
        outcome = self.operation if self.error is None else f"{type(self.error).__name__}"
        return f"InviteResult(index={self.index}, {outcome})"


def check_concurrency(concurrency: int) -> int:
    if isinstance(concurrency, bool) or not isinstance(concurrency, int):
        raise BodyError("must be a whole number", path="concurrency", got=repr(concurrency))
    if not 1 <= concurrency <= MAX_CONCURRENCY:
        raise BodyError(
            f"must be between 1 and {MAX_CONCURRENCY}", path="concurrency", got=str(concurrency)
        )
    return concurrency


def _arguments(index: int, item: Any) -> dict[str, Any]:
    """The invite's keyword arguments from an item; BodyError names the item and the key."""
    if not isinstance(item, Mapping):
        raise BodyError(
            "must be a mapping of invite arguments (call_id, body, ...)",
            path=f"items[{index}]",
            got=type(item).__name__,
        )
    unknown = sorted(str(k) for k in item if k not in ITEM_KEYS)
    if unknown:
        raise BodyError(
            f"unknown key {unknown[0]!r}; an item holds {', '.join(sorted(ITEM_KEYS))}",
            path=f"items[{index}]",
        )
    return dict(item)


def _throttled(error: GraphError, rounds: int) -> bool:
    return error.status == 429 and rounds < _THROTTLED_ROUNDS


class _Ordering:
    """Releases results in index order, holding those that complete early."""

    def __init__(self) -> None:
        self._held: dict[int, InviteResult] = {}
        self._next = 0

    def release(self, result: InviteResult) -> list[InviteResult]:
        self._held[result.index] = result
        released = []
        while self._next in self._held:
            released.append(self._held.pop(self._next))
            self._next += 1
        return released


class InviteBatch:
    """A running `Session.invite_many`: iterate it for the results.

    A feeder thread reads the items and starts each invite on a pool of ``concurrency`` threads
    as soon as one is free; results arrive through a queue, so a slow item source never holds
    back results that are ready.
    """

    def __init__(
        self,
        invite: Callable[..., Operation],
        items: Iterable[Any],
        *,
        concurrency: int,
        ordered: bool,
        on_send: Callable[[int, Any], None] | None = None,
    ) -> None:
        self._invite = invite
        self._on_send = on_send
        self._slots = threading.Semaphore(check_concurrency(concurrency))
        self._window = threading.Semaphore(_WINDOW_PER_SLOT * concurrency)
        self._ordering = _Ordering() if ordered else None
        self._results: queue.SimpleQueue[InviteResult | BaseException | None] = queue.SimpleQueue()
        self._stopped = threading.Event()
        self._pool = ThreadPoolExecutor(concurrency, thread_name_prefix="mgbridge-invite")
        self._pending: list[InviteResult] = []
        self._finished = False
        self.started = 0
        self.completed = 0
        threading.Thread(
            target=self._feed, args=(iter(items),), name="mgbridge-invite-feed", daemon=True
        ).start()

    def stop(self) -> None:
        """Starts no further invite; iteration ends once those in flight have their results."""
        self._stopped.set()

    def __iter__(self) -> Iterator[InviteResult]:
        return self

    def __next__(self) -> InviteResult:
        while not self._pending:
            if self._finished:
                raise StopIteration
            got = self._results.get()
            if got is None:
                self._finished = True
                self._pool.shutdown(wait=False)
            elif isinstance(got, BaseException):
                self._finished = True
                self._pool.shutdown(wait=False)
                raise got
            else:
                self.completed += 1
                self._pending.extend(self._ordering.release(got) if self._ordering else [got])
        self._window.release()
        return self._pending.pop(0)

    def _feed(self, items: Iterator[Any]) -> None:
        in_flight = threading.Semaphore(0)  # released once per finished invite
        try:
            for index, item in enumerate(items):
                self._window.acquire()
                self._slots.acquire()
                if self._stopped.is_set():
                    self._slots.release()
                    break
                self.started += 1
                self._pool.submit(self._run, index, item, in_flight)
        except BaseException as exc:  # the item source failed: report it after what ran
            failure: BaseException | None = exc
        else:
            failure = None
        for _ in range(self.started):
            in_flight.acquire()
        self._results.put(failure)

    def _run(self, index: int, item: Any, done: threading.Semaphore) -> None:
        try:
            result = InviteResult(index, item)
            if self._on_send is not None:
                self._on_send(index, item)
            rounds = 0
            while True:
                try:
                    result.operation = self._invite(**_arguments(index, item))
                except GraphError as exc:
                    rounds += 1
                    if _throttled(exc, rounds):
                        continue
                    result.error = exc
                except BridgeError as exc:
                    result.error = exc
                break
            self._results.put(result)
        except Exception as exc:  # a bug, not an outcome: the iteration raises it
            self._results.put(exc)
        finally:
            self._slots.release()
            done.release()


class AsyncInviteBatch:
    """A running `AsyncSession.invite_many`: ``async for result in batch``.

    The same contract as InviteBatch, on the event loop: one task feeds the items (an iterable or
    an async iterable) and starts a task per invite while fewer than ``concurrency`` run.
    """

    def __init__(
        self,
        invite: Callable[..., Awaitable[Operation]],
        items: Iterable[Any] | AsyncIterable[Any],
        *,
        concurrency: int,
        ordered: bool,
        on_send: Callable[[int, Any], None] | None = None,
    ) -> None:
        self._invite = invite
        self._on_send = on_send
        self._items = items
        self._concurrency = check_concurrency(concurrency)
        self._ordering = _Ordering() if ordered else None
        self._stopped = False
        self.started = 0
        self.completed = 0

    def stop(self) -> None:
        """Starts no further invite; iteration ends once those in flight have their results."""
        self._stopped = True

    def __aiter__(self) -> AsyncIterator[InviteResult]:
        return self._results()

    async def _results(self) -> AsyncIterator[InviteResult]:
        results: asyncio.Queue[InviteResult | BaseException | None] = asyncio.Queue()
        window = asyncio.Semaphore(_WINDOW_PER_SLOT * self._concurrency)
        feeder = asyncio.ensure_future(self._feed(results, window))
        try:
            while True:
                got = await results.get()
                if got is None:
                    return
                if isinstance(got, BaseException):
                    raise got
                self.completed += 1
                for result in self._ordering.release(got) if self._ordering else [got]:
                    window.release()
                    yield result
        finally:
            if not feeder.done():  # the consumer left early: nothing further starts
                self._stopped = True
                window.release()  # it may wait for room in the window, which nobody makes now
                await feeder

    async def _feed(
        self,
        results: asyncio.Queue[InviteResult | BaseException | None],
        window: asyncio.Semaphore,
    ) -> None:
        slots = asyncio.Semaphore(self._concurrency)
        running: set[asyncio.Task[None]] = set()
        failure: BaseException | None = None
        try:
            async for index, item in _enumerate(self._items):
                await window.acquire()
                await slots.acquire()
                if self._stopped:
                    slots.release()
                    break
                self.started += 1
                task = asyncio.ensure_future(self._run(index, item, slots, results))
                running.add(task)
                task.add_done_callback(running.discard)
        except Exception as exc:  # the item source failed: report it after what ran
            failure = exc
        if running:
            await asyncio.gather(*running)
        await results.put(failure)

    async def _run(
        self,
        index: int,
        item: Any,
        slots: asyncio.Semaphore,
        results: asyncio.Queue[InviteResult | BaseException | None],
    ) -> None:
        try:
            result = InviteResult(index, item)
            if self._on_send is not None:
                self._on_send(index, item)
            rounds = 0
            while True:
                try:
                    result.operation = await self._invite(**_arguments(index, item))
                except GraphError as exc:
                    rounds += 1
                    if _throttled(exc, rounds):
                        continue
                    result.error = exc
                except BridgeError as exc:
                    result.error = exc
                break
            await results.put(result)
        except Exception as exc:  # a bug, not an outcome: the iteration raises it
            await results.put(exc)
        finally:
            slots.release()


async def _enumerate(items: Iterable[Any] | AsyncIterable[Any]) -> AsyncIterator[tuple[int, Any]]:
    index = 0
    if isinstance(items, AsyncIterable):
        async for item in items:
            yield index, item
            index += 1
    else:
        for item in items:
            yield index, item
            index += 1
