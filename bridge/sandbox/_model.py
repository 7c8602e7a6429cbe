"""The sandbox's calls as data: calls with their rosters and contained collections, their
operations, and the store that holds them with its scheduler and notification hook.

Nothing here locks: ``World`` (``_state``) holds its one lock around every use of a ``Store``.

Changes that Graph makes over time (an operation completing, a call becoming established) are
events due at a time; whoever next touches the store applies the due ones in order (``settle``).
No timer or thread exists per call or operation.
"""

from __future__ import annotations

import copy
import datetime
import heapq
import itertools
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bridge._schema import TYPES
from bridge.sandbox._notify import is_loopback

MEDIA_STREAM = {
    "@odata.type": "#microsoft.graph.mediaStream",
    "mediaType": "audio",
    "direction": "sendReceive",
    "serverMuted": False,
}
# resultInfo code and subcode of a failure (HTTP-like code, DiagCode-like subcode) and its message.
Failure = tuple[tuple[int, int], str]
CALL_GONE: Failure = ((404, 8522), "Call not found.")
# The identity-set slots echoed in invite responses: the documented examples show these, nulls
# included.
_ECHO_SLOTS = ("user", "application", "device", "phone")
_ECHO_SLOTS_PSTN = (
    "user",
    "guest",
    "encrypted",
    "onPremises",
    "applicationInstance",
    "application",
    "device",
    "phone",
)


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


def result_info(code: int, subcode: int, message: str) -> dict[str, Any]:
    return {
        "@odata.type": "#microsoft.graph.resultInfo",
        "code": code,
        "subcode": subcode,
        "message": message,
    }


def for_version(item: dict[str, Any], type_name: str, version: str) -> dict[str, Any]:
    """``item`` without the top-level properties its type declares in the other version only (a
    call created on beta, read on v1.0)."""
    declared = TYPES[type_name].properties
    return {
        k: v for k, v in item.items() if (p := declared.get(k)) is None or version in p.versions
    }


def echo_participant(participant: dict[str, Any], *, multi: bool) -> dict[str, Any]:
    """An invited participant as the documented responses echo it (graph-invite-spec §3.3)."""
    echo: dict[str, Any] = {
        "endpointType": participant.get("endpointType"),
        "id": None,
        # Multi-participant responses null replacesCallId (v1.0 and beta Example 2).
        "replacesCallId": None if multi else participant.get("replacesCallId"),
    }
    for key, value in participant.items():
        if key not in echo and key not in ("@odata.type", "identity"):
            echo[key] = value
    identity = participant.get("identity") or {}
    slots = _ECHO_SLOTS_PSTN if identity.get("phone") else _ECHO_SLOTS
    echoed = {slot: identity.get(slot) for slot in slots}
    echoed.update({k: v for k, v in identity.items() if k not in echoed and k != "@odata.type"})
    echo["identity"] = echoed
    return copy.deepcopy(echo)


@dataclass
class Operation:
    """A commsOperation of a call: one an action started, or one created through the API."""

    id: str
    call_id: str
    type: str  # the commsOperation type: "muteParticipantOperation", ...
    client_context: str | None
    status: str = "running"
    result_info: dict[str, Any] | None = None
    properties: dict[str, Any] = field(default_factory=dict)  # those of the subtype
    # An invite's participants as the request sent them (echoed); None for other operations.
    participants: list[dict[str, Any]] | None = None
    multi: bool = False  # an invite of several participants: its echo nulls replacesCallId

    def view(self, version: str) -> dict[str, Any]:
        view: dict[str, Any] = {
            "@odata.type": f"#microsoft.graph.{self.type}",
            "id": self.id,
            "status": self.status,
            "clientContext": self.client_context,
            "resultInfo": copy.deepcopy(self.result_info),
            **copy.deepcopy(self.properties),
        }
        if self.participants is not None:
            view["participants"] = [
                echo_participant(p, multi=self.multi) for p in self.participants
            ]
        return for_version(view, self.type, version)


@dataclass
class Call:
    id: str
    kind: str  # "group" or "peerToPeer"
    state: str
    created: str
    direction: str = "outgoing"
    version: str = "beta"  # the API version its notifications are shown in
    properties: dict[str, Any] = field(default_factory=dict)  # its other Graph properties
    participants: dict[str, dict[str, Any]] = field(default_factory=dict)
    operations: dict[str, Operation] = field(default_factory=dict)
    audio_routing_groups: dict[str, dict[str, Any]] = field(default_factory=dict)
    content_sharing_sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Who holds each (slot, id) pair, so duplicate checks stay O(1) on large rosters.
    _holders: dict[tuple[str, str], str] = field(default_factory=dict)
    _source_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def add(
        self,
        identity: dict[str, Any],
        participant_id: str | None = None,
        *,
        info: dict[str, Any] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> str:
        """Puts a participant on the roster; ``info`` and ``extra`` are given participantInfo and
        participant properties (POST participants). Returns its id."""
        pid = participant_id or str(uuid.uuid4())
        self.remove(pid)
        given = {k: v for k, v in (info or {}).items() if k not in ("@odata.type", "identity")}
        self.participants[pid] = {
            "@odata.type": "#microsoft.graph.participant",
            "id": pid,
            "info": {
                "@odata.type": "#microsoft.graph.participantInfo",
                "identity": compact_identity(identity),
                "endpointType": "default",
                **given,
            },
            "mediaStreams": [{**MEDIA_STREAM, "sourceId": str(next(self._source_ids))}],
            "isMuted": False,
            "isInLobby": False,
            # Not a Graph property: the sandbox shows hold music (startHoldMusic) here.
            "isOnHold": False,
            **(extra or {}),
        }
        self._hold(identity, pid)
        return pid

    def update(self, pid: str, changes: dict[str, Any]) -> None:
        """Changes a participant's properties (PATCH); a new identity takes the old one's place."""
        participant = self.participants[pid]
        if "info" in changes:
            self._release(pid)
        participant.update(changes)
        if "info" in changes:
            info = participant["info"] if isinstance(participant["info"], dict) else {}
            self._hold(info.get("identity"), pid)

    def remove(self, pid: str) -> None:
        if pid in self.participants:
            self._release(pid)
            del self.participants[pid]

    def _hold(self, identity: Any, pid: str) -> None:
        for key in identity_keys(identity):
            self._holders[key] = pid

    def _release(self, pid: str) -> None:
        info = self.participants[pid].get("info")
        for key in identity_keys(info.get("identity") if isinstance(info, dict) else None):
            if self._holders.get(key) == pid:
                del self._holders[key]

    def holder_of(self, keys: set[tuple[str, str]]) -> str | None:
        return next((self._holders[k] for k in keys if k in self._holders), None)

    @property
    def own(self) -> dict[str, Any] | None:
        """The application's own participant, once it is in the call."""
        return self.participants.get(self.properties.get("myParticipantId") or "")

    def end(self, result: dict[str, Any] | None = None) -> None:
        self.state = "terminated"
        if result is not None:
            self.properties["resultInfo"] = result
        self.participants.clear()
        self._holders.clear()

    def view(self, *, roster: bool = True) -> dict[str, Any]:
        """The admin API's view."""
        view: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind,
            "state": self.state,
            "direction": self.direction,
            "createdDateTime": self.created,
            "myParticipantId": self.properties.get("myParticipantId"),
        }
        if roster:
            view["participants"] = self.roster()
        return view

    def graph(self, version: str) -> dict[str, Any]:
        """The call as Graph shows it."""
        call = {
            "@odata.type": "#microsoft.graph.call",
            "id": self.id,
            "state": self.state,
            "direction": self.direction,
            **copy.deepcopy(self.properties),
        }
        return for_version(call, "call", version)

    def roster(self) -> list[dict[str, Any]]:
        return copy.deepcopy(list(self.participants.values()))


Effect = Callable[["Store", Call, Operation], Failure | None]
Sink = Callable[[str, dict[str, Any]], None]


class Store:
    """The calls, the events due later, and the notifications they cause. ``sink(url, payload)``
    takes each notification for a loopback callback URL; it must not block."""

    def __init__(self, sink: Sink | None = None) -> None:
        self.calls: dict[str, Call] = {}
        self._due: list[tuple[float, int, Callable[[], None]]] = []
        self._due_seq = itertools.count()
        self._sink = sink

    def settle(self, now: float) -> None:
        while self._due and self._due[0][0] <= now:
            heapq.heappop(self._due)[2]()

    def later(self, due: float, event: Callable[[], None]) -> None:
        heapq.heappush(self._due, (due, next(self._due_seq), event))

    def start(self, call: Call, op: Operation, due: float, effect: Effect) -> None:
        """Adds a running operation to ``call``; at ``due`` its effect applies, all at once or,
        when it returns a failure, not at all."""
        call.operations[op.id] = op
        self.later(due, lambda: self._finish(call, op, effect))

    def _finish(self, call: Call, op: Operation, effect: Effect) -> None:
        if op.status != "running":  # cancelled (cancelMediaProcessing) or changed by a PATCH
            return
        failure = CALL_GONE if call.state == "terminated" else effect(self, call, op)
        if failure is None:
            op.status = "completed"
        else:
            (code, subcode), message = failure
            op.status = "failed"
            op.result_info = result_info(code, subcode, f"{message} DiagCode: {code}#{subcode}")
        self.operation_ended(call, op)

    def operation_ended(self, call: Call, op: Operation) -> None:
        # Graph reports a finished operation as deleted: the resource goes away.
        self.notify(call, "deleted", f"/operations/{op.id}", lambda: op.view(call.version))

    def set_state(self, call: Call, state: str) -> None:
        call.state = state
        self.notify(call, "updated", "", lambda: call.graph(call.version))

    def end(self, call: Call, result: dict[str, Any] | None = None) -> None:
        call.end(result)
        self.notify(call, "deleted", "", lambda: call.graph(call.version))

    def roster_changed(self, call: Call) -> None:
        self.notify(call, "updated", "/participants", call.roster)

    def notify(self, call: Call, change: str, suffix: str, data: Callable[[], Any]) -> None:
        """Sends a commsNotification about ``call`` (``suffix`` names a resource in it) to its
        callback URL when that is on this machine; ``data`` makes the resourceData."""
        url = call.properties.get("callbackUri")
        if self._sink is None or not isinstance(url, str) or not is_loopback(url):
            return
        if call.state == "terminated" and suffix:
            return  # an ended call reports its end, nothing more
        path = f"/calls/{call.id}{suffix}"
        notification = {
            "@odata.type": "#microsoft.graph.commsNotification",
            "changeType": change,
            "resource": f"/app{path}",
            "resourceUrl": f"/communications{path}",
            "resourceData": data(),
        }
        self._sink(
            url, {"@odata.type": "#microsoft.graph.commsNotifications", "value": [notification]}
        )
