"""In-memory state of the sandbox: the calls (a ``_model.Store``), faults, the request log and
its counters. Thread-safe: every method takes the one lock, and ``locked`` hands the store to
the Graph handlers under it, after applying the changes that have come due.
"""

from __future__ import annotations

import contextlib
import copy
import itertools
import json
import threading
import uuid
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from bridge._transcript import transcript_entry
from bridge.sandbox._model import Call, Sink, Store, utc_now_iso

DEFAULT_CALLBACK = "https://bot.contoso.com/api/calls"


@dataclass
class Fault:
    match: str
    status: int | None
    remaining: int
    retry_after: float | None = None
    delay_ms: int = 0
    reset: bool = False


class World:
    """The sandbox's calls, operations, faults and request log, and the settings they follow."""

    def __init__(
        self,
        *,
        operation_delay_ms: int,
        call_setup_delay_ms: int = 200,
        page_size: int = 100,
        tenant_id: str = "",
        completed_operations_gone: bool = False,
        record_file: IO[str] | None = None,
        max_records: int = 100_000,
        notify: Sink | None = None,
    ) -> None:
        self.operation_delay_ms = operation_delay_ms
        self.call_setup_delay_ms = call_setup_delay_ms
        self.page_size = page_size
        self.completed_operations_gone = completed_operations_gone
        self.tenant_id = tenant_id
        self._notify = notify
        self._record_file = record_file
        self._lock = threading.Lock()
        self._records: deque[dict[str, Any]] = deque(maxlen=max_records)
        self._record_seq = itertools.count(1)
        self._clear()

    def _clear(self) -> None:
        self._store = Store(self._notify)
        self._faults: list[Fault] = []
        self._records.clear()
        self._invites: dict[str, dict[str, int]] = {}
        self._totals = {"received": 0, "accepted": 0}
        self._throttled = 0

    def reset(self) -> None:
        with self._lock:
            self._clear()

    @contextlib.contextmanager
    def locked(self, now: float) -> Iterator[Store]:
        """The store, under the lock, with every change due by ``now`` applied."""
        with self._lock:
            self._store.settle(now)
            yield self._store

    def settle(self, now: float) -> None:
        with self.locked(now):
            pass

    # -- calls ----------------------------------------------------------------------------------

    def create_call(
        self,
        *,
        call_id: str | None = None,
        kind: str = "group",
        state: str | None = None,
        participants: list[dict[str, Any]] | None = None,
        direction: str = "outgoing",
        callback_uri: str | None = None,
        source: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Creates a call as if it existed already (outgoing) or had just come in (incoming: state
        "incoming" unless given, announced to its callback URL). Each participant is
        ``{"id"?, "identity": identitySet}`` or a bare identity set; ``source`` (participantInfo)
        defaults to the first one's identity on incoming calls. Raises ValueError when the id is
        taken or an argument is not of its type."""
        if kind not in ("group", "peerToPeer"):
            raise ValueError("kind must be 'group' or 'peerToPeer'")
        if direction not in ("outgoing", "incoming"):
            raise ValueError("direction must be 'outgoing' or 'incoming'")
        if state is None:
            state = "incoming" if direction == "incoming" else "established"
        if callback_uri is not None and not isinstance(callback_uri, str):
            raise ValueError("callbackUri must be a string")
        if source is not None and not isinstance(source, dict):
            raise ValueError("source must be a participantInfo object")
        call = Call(call_id or str(uuid.uuid4()), kind, state, utc_now_iso(), direction)
        for item in participants or []:
            if not isinstance(item, dict):
                raise ValueError("each participant must be an object")
            identity = item.get("identity", item)
            call.add(identity if isinstance(identity, dict) else {}, item.get("id"))
        compact = call.id.replace("-", "")
        call.properties = {
            "callbackUri": callback_uri or DEFAULT_CALLBACK,
            "callChainId": call.id,
            "tenantId": self.tenant_id,
            "requestedModalities": ["audio"],
            "resultInfo": None,
            "chatInfo": {
                "@odata.type": "#microsoft.graph.chatInfo",
                "threadId": f"19:meeting_{compact}@thread.v2",
                "messageId": "0",
                "replyChainMessageId": None,
            }
            if kind == "group"
            else None,
        }
        if direction == "incoming":
            first = next(iter(call.participants.values()), None)
            call.properties["source"] = source or (copy.deepcopy(first["info"]) if first else None)
        with self._lock:
            known = self._store.calls.get(call.id)
            if known is not None and known.state != "terminated":
                raise ValueError(f"call {call.id} exists already")
            self._store.calls[call.id] = call
            if direction == "incoming":
                self._store.notify(call, "created", "", lambda: call.graph(call.version))
            return call.view()

    def call(
        self, call_id: str, *, now: float, live: bool = True, roster: bool = True
    ) -> dict[str, Any] | None:
        """A call's view; with ``live`` a terminated call is gone, as it is for Graph."""
        with self.locked(now) as store:
            call = store.calls.get(call_id)
            if call is None or (live and call.state == "terminated"):
                return None
            return call.view(roster=roster)

    def start_content_sharing(
        self, call_id: str, session_id: str | None = None
    ) -> dict[str, Any] | None:
        """Someone in a live call starts sharing content (people do, not the application); None
        when the call is unknown or ended. Raises ValueError when the session id is taken."""
        with self._lock:
            call = self._store.calls.get(call_id)
            if call is None or call.state == "terminated":
                return None
            session = {"id": session_id or str(uuid.uuid4())}
            if not isinstance(session["id"], str) or session["id"] in call.content_sharing_sessions:
                raise ValueError(f"content sharing session {session['id']} exists already")
            call.content_sharing_sessions[session["id"]] = session
            return dict(session)

    def calls(self, *, now: float) -> list[dict[str, Any]]:
        with self.locked(now) as store:
            return [call.view() for call in store.calls.values()]

    # -- faults ---------------------------------------------------------------------------------

    def add_fault(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def take_fault(self, kinds: frozenset[str]) -> Fault | None:
        """The first pending fault matching one of ``kinds``, counted as served."""
        with self._lock:
            for fault in self._faults:
                if fault.match in kinds:
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self._faults.remove(fault)
                    return fault
            return None

    def faults(self) -> list[dict[str, Any]]:
        with self._lock:
            return [vars(f).copy() for f in self._faults]

    # -- request log ----------------------------------------------------------------------------

    def record(self, entry: dict[str, Any]) -> dict[str, Any]:
        """Appends ``entry`` in arrival order; ``finish`` sets its outcome later."""
        with self._lock:
            entry["seq"] = next(self._record_seq)
            self._records.append(entry)
        return entry

    def finish(
        self,
        entry: dict[str, Any],
        status: int | None,
        client_context: Any,
        *,
        throttled: bool = False,
    ) -> None:
        with self._lock:
            entry["status"] = status
            if throttled:
                entry["throttled"] = True
                self._throttled += 1
            if entry.get("kind") == "invite":
                key = client_context if isinstance(client_context, str) else ""
                counts = self._invites.setdefault(key, {"received": 0, "accepted": 0})
                counts["received"] += 1
                self._totals["received"] += 1
                if status == 200:
                    counts["accepted"] += 1
                    self._totals["accepted"] += 1
            if self._record_file is not None and entry.get("kind") in GRAPH_KINDS:
                self._record_file.write(json.dumps(_transcribed(entry)) + "\n")
                self._record_file.flush()

    def requests(self) -> list[dict[str, Any]]:
        with self._lock:
            return copy.deepcopy(list(self._records))

    def transcript(self) -> list[dict[str, Any]]:
        """The Graph requests of the log as transcript entries (sign-in traffic left out)."""
        with self._lock:
            return [_transcribed(e) for e in self._records if e.get("kind") in GRAPH_KINDS]

    def stats(self) -> dict[str, Any]:
        """Invite counts: in total and per clientContext ("" for invites without one); and the
        Graph requests the throttle answered 429 (throttled invites count as received)."""
        with self._lock:
            return {
                "invites": dict(self._totals),
                "clientContexts": copy.deepcopy(self._invites),
                "throttled": self._throttled,
            }


GRAPH_KINDS = frozenset({"invite", "graph"})


def _transcribed(entry: dict[str, Any]) -> dict[str, Any]:
    return transcript_entry(
        entry["method"],
        entry["path"],
        entry["query"],
        entry["headers"],
        copy.deepcopy(entry["body"]),
        entry["status"],
        source="sandbox",
        at=entry["received_at"],
    )
