"""In-memory state of the sandbox's calls API: calls, rosters, invite operations, faults, the
request log and its counters. Thread-safe: every method takes the one lock.

Invite operations finish lazily: each operation carries the time it is due, and whoever next
touches the state applies the due ones in order. No timer or thread exists per invite.
"""

from __future__ import annotations

import copy
import datetime
import heapq
import itertools
import json
import threading
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import IO, Any

# resultInfo of failed operations; the codes follow the observed Graph ones (HTTP-like code,
# DiagCode-like subcode), the subcodes are the sandbox's own.
_ALREADY_IN_CALL = (409, 9001)
_PARTICIPANT_NOT_FOUND = (404, 9002)
_GROUP_CALLS_ONLY = (400, 9003)
_CALL_NOT_FOUND = (404, 8522)

MEDIA_STREAM = {
    "@odata.type": "#microsoft.graph.mediaStream",
    "mediaType": "audio",
    "direction": "sendReceive",
    "serverMuted": False,
}


def utc_now_iso() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds")[:-6] + "Z"


def identity_keys(identity: Any) -> set[tuple[str, str]]:
    """What makes two identity sets the same party: any shared (slot, id) pair."""
    if not isinstance(identity, dict):
        return set()
    return {
        (slot, str(value["id"]).lower())
        for slot, value in identity.items()
        if isinstance(value, dict) and value.get("id")
    }


def compact_identity(identity: dict[str, Any]) -> dict[str, Any]:
    """An identity set as a roster shows it: typed, without the null slots. The slot values are
    shared, not copied: nothing changes them, and views are deep copies."""
    slots = {k: v for k, v in identity.items() if v is not None and k != "@odata.type"}
    return {"@odata.type": "#microsoft.graph.identitySet", **slots}


@dataclass
class Fault:
    match: str
    status: int | None
    remaining: int
    retry_after: float | None = None
    delay_ms: int = 0
    reset: bool = False


@dataclass
class Call:
    id: str
    kind: str
    state: str
    created: str
    participants: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Who holds each (slot, id) pair, so duplicate checks stay O(1) on large rosters.
    _holders: dict[tuple[str, str], str] = field(default_factory=dict)
    _source_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def add(self, identity: dict[str, Any], participant_id: str | None = None) -> None:
        pid = participant_id or str(uuid.uuid4())
        self.remove(pid)
        self.participants[pid] = {
            "@odata.type": "#microsoft.graph.participant",
            "id": pid,
            "info": {
                "@odata.type": "#microsoft.graph.participantInfo",
                "identity": compact_identity(identity),
                "endpointType": "default",
            },
            "mediaStreams": [{**MEDIA_STREAM, "sourceId": str(next(self._source_ids))}],
            "isMuted": False,
            "isInLobby": False,
        }
        for key in identity_keys(identity):
            self._holders[key] = pid

    def remove(self, pid: str) -> None:
        participant = self.participants.pop(pid, None)
        if participant is not None:
            for key in identity_keys(participant["info"]["identity"]):
                if self._holders.get(key) == pid:
                    del self._holders[key]

    def holder_of(self, keys: set[tuple[str, str]]) -> str | None:
        return next((self._holders[k] for k in keys if k in self._holders), None)

    def end(self) -> None:
        self.state = "terminated"
        self.participants.clear()
        self._holders.clear()

    def view(self, *, roster: bool = True) -> dict[str, Any]:
        view: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind,
            "state": self.state,
            "createdDateTime": self.created,
        }
        if roster:
            view["participants"] = copy.deepcopy(list(self.participants.values()))
        return view


@dataclass
class Operation:
    id: str
    call_id: str
    client_context: str | None
    participants: list[dict[str, Any]]  # as the request sent them
    mode: str  # "invite", "replace" (replacesCallId) or "move" (participantId)
    due: float
    status: str = "running"
    result_info: dict[str, Any] | None = None


class World:
    """The sandbox's calls, operations, faults and request log."""

    def __init__(
        self,
        *,
        operation_delay_ms: int,
        completed_operations_gone: bool = False,
        record_file: IO[str] | None = None,
        max_records: int = 100_000,
    ) -> None:
        self.operation_delay_ms = operation_delay_ms
        self.completed_operations_gone = completed_operations_gone
        self._record_file = record_file
        self._lock = threading.Lock()
        self._records: deque[dict[str, Any]] = deque(maxlen=max_records)
        self._record_seq = itertools.count(1)
        self._due_seq = itertools.count()
        self._clear()

    def _clear(self) -> None:
        self._calls: dict[str, Call] = {}
        self._operations: dict[str, Operation] = {}
        self._due: list[tuple[float, int, Operation]] = []
        self._faults: list[Fault] = []
        self._records.clear()
        self._invites: dict[str, dict[str, int]] = {}
        self._totals = {"received": 0, "accepted": 0}

    def reset(self) -> None:
        with self._lock:
            self._clear()

    # -- calls ----------------------------------------------------------------------------------

    def create_call(
        self,
        *,
        call_id: str | None = None,
        kind: str = "group",
        state: str = "established",
        participants: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """Creates a call. Each participant is ``{"id"?, "identity": identitySet}`` or a bare
        identity set. Raises ValueError when the id is taken or an item is not an object."""
        if kind not in ("group", "peerToPeer"):
            raise ValueError("kind must be 'group' or 'peerToPeer'")
        call = Call(call_id or str(uuid.uuid4()), kind, state, utc_now_iso())
        for item in participants or []:
            if not isinstance(item, dict):
                raise ValueError("each participant must be an object")
            identity = item.get("identity", item)
            call.add(identity if isinstance(identity, dict) else {}, item.get("id"))
        with self._lock:
            if call.id in self._calls and self._calls[call.id].state != "terminated":
                raise ValueError(f"call {call.id} exists already")
            self._calls[call.id] = call
            return call.view()

    def call(
        self, call_id: str, *, now: float, live: bool = True, roster: bool = True
    ) -> dict[str, Any] | None:
        """A call's view; with ``live`` a terminated call is gone, as it is for Graph."""
        with self._lock:
            self._settle(now)
            call = self._calls.get(call_id)
            if call is None or (live and call.state == "terminated"):
                return None
            return call.view(roster=roster)

    def calls(self, *, now: float) -> list[dict[str, Any]]:
        with self._lock:
            self._settle(now)
            return [call.view() for call in self._calls.values()]

    # -- operations -----------------------------------------------------------------------------

    def invite(self, call_id: str, body: dict[str, Any], *, now: float) -> Operation | None:
        """Starts an invite operation on a live call; None when the call does not exist.
        The operation keeps ``body``'s participants: the caller gives the body up."""
        participants = body["participants"]
        first = participants[0]
        if first.get("participantId"):
            mode = "move"
        elif len(participants) == 1 and first.get("replacesCallId"):
            mode = "replace"
        else:
            mode = "invite"
        with self._lock:
            self._settle(now)
            call = self._calls.get(call_id)
            if call is None or call.state == "terminated":
                return None
            op = Operation(
                id=str(uuid.uuid4()),
                call_id=call_id,
                client_context=body.get("clientContext"),
                participants=participants,
                mode=mode,
                due=now + self.operation_delay_ms / 1000,
            )
            self._operations[op.id] = op
            heapq.heappush(self._due, (op.due, next(self._due_seq), op))
            return copy.copy(op)

    def operation(self, call_id: str, op_id: str, *, now: float) -> Operation | None:
        with self._lock:
            self._settle(now)
            op = self._operations.get(op_id)
            if op is None or op.call_id != call_id:
                return None
            if self.completed_operations_gone and op.status != "running":
                return None
            return copy.copy(op)

    def _settle(self, now: float) -> None:
        while self._due and self._due[0][0] <= now:
            self._finish(heapq.heappop(self._due)[2])

    def _finish(self, op: Operation) -> None:
        failure = self._apply(op)
        if failure is None:
            op.status = "completed"
            return
        (code, subcode), message = failure
        op.status = "failed"
        op.result_info = {
            "@odata.type": "#microsoft.graph.resultInfo",
            "code": code,
            "subcode": subcode,
            "message": f"{message} DiagCode: {code}#{subcode}",
        }

    def _apply(self, op: Operation) -> tuple[tuple[int, int], str] | None:
        """Applies a due operation all at once, or returns why it failed (changing nothing)."""
        call = self._calls.get(op.call_id)
        if call is None or call.state == "terminated":
            return _CALL_NOT_FOUND, "Call not found."
        targets = op.participants if op.mode == "invite" else op.participants[:1]
        if len(targets) > 1 and call.kind == "peerToPeer":
            return _GROUP_CALLS_ONLY, "Inviting several participants needs a group call."
        seen: set[tuple[str, str]] = set()
        for target in targets:
            keys = identity_keys(target.get("identity"))
            if keys & seen or call.holder_of(keys) is not None:
                who = ", ".join(f"{slot}:{ident}" for slot, ident in sorted(keys))
                return _ALREADY_IN_CALL, (
                    f"addParticipants failed for participant {who}. "
                    "Underlying reason: the identity is already in the call."
                )
            seen |= keys
        source = self._calls.get(targets[0].get("replacesCallId") or "")
        if op.mode == "move":
            pid = targets[0]["participantId"]
            if source is None or pid not in source.participants:
                return _PARTICIPANT_NOT_FOUND, (
                    f"Participant {pid} was not found in call {targets[0].get('replacesCallId')}."
                )
            source.remove(pid)
        elif op.mode == "replace" and source is not None and source is not call:
            if source.kind == "peerToPeer":
                source.end()
            else:
                source.remove(source.holder_of(identity_keys(targets[0].get("identity"))) or "")
        for target in targets:
            call.add(target.get("identity") or {})
        return None

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

    def finish(self, entry: dict[str, Any], status: int | None, client_context: Any) -> None:
        with self._lock:
            entry["status"] = status
            if entry.get("kind") == "invite":
                key = client_context if isinstance(client_context, str) else ""
                counts = self._invites.setdefault(key, {"received": 0, "accepted": 0})
                counts["received"] += 1
                self._totals["received"] += 1
                if status == 200:
                    counts["accepted"] += 1
                    self._totals["accepted"] += 1
            if self._record_file is not None:
                self._record_file.write(json.dumps(entry) + "\n")
                self._record_file.flush()

    def requests(self) -> list[dict[str, Any]]:
        with self._lock:
            return copy.deepcopy(list(self._records))

    def stats(self) -> dict[str, Any]:
        """Invite counts: in total and per clientContext ("" for invites without one)."""
        with self._lock:
            return {
                "invites": dict(self._totals),
                "clientContexts": copy.deepcopy(self._invites),
            }
