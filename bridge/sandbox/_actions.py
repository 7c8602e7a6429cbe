"""What the calls family's actions do: creating a call, answering, rejecting, redirecting,
transferring, muting, hold music, media operations and the invite.

Actions that return a commsOperation answer 200 with it running and a Location to it. After the
operation delay it completes: its effect on the call applies all at once, or it fails changing
nothing (resultInfo says why). Actions that return nothing answer as Graph documents: answer,
reject, redirect, transfer and changeScreenSharingRole 202, keepAlive and
logTeleconferenceDeviceQuality 200. A new or answered call is "establishing" and becomes
"established" after the call setup delay; the targets of a new call join it then.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bridge.sandbox._http import Response
from bridge.sandbox._model import (
    Call,
    Effect,
    Failure,
    Operation,
    Store,
    identity_keys,
    result_info,
    utc_now_iso,
)
from bridge.sandbox._replies import Fail, graph_json

if TYPE_CHECKING:
    from bridge.sandbox._calls import Req

# Properties Graph sets on a call, never a request: ignored when creating, refused by PATCH.
CALL_READ_ONLY = frozenset({"id", "state", "direction", "myParticipantId"})
# Call end reasons (call-delete.md, call-transfer.md).
HUNG_UP = result_info(200, 7000, "The conversation has ended by bot.")
_TRANSFERRED = result_info(0, 7015, "GracefulTransferCompleted")
_SUCCESS = result_info(200, 0, "Action completed successfully.")
# What a new call shows until told otherwise, as Graph's create response does.
_CALL_DEFAULTS: dict[str, Any] = {
    "callRoutes": [],
    "routingPolicies": [],
    "toneInfo": None,
    "resultInfo": None,
    "answeredBy": None,
    "chatInfo": None,
    "meetingInfo": None,
    "transcription": None,
    "meetingCapability": None,
}
# resultInfo of failed operations (the subcodes are the sandbox's own).
_ALREADY_IN_CALL = (409, 9001)
_PARTICIPANT_NOT_FOUND = (404, 9002)
_GROUP_CALLS_ONLY = (400, 9003)
# playPrompt and recordResponse queue as media operations; cancelMediaProcessing ends them.
_MEDIA = {"playPromptOperation": "mediaOperationCanceled", "recordOperation": "operationCanceled"}
_CANCELLED = result_info(400, 8508, "Action failed, the operation was cancelled.")


def run(req: Req, store: Store, call: Call | None, name: str) -> Response:
    if call is None:  # logTeleconferenceDeviceQuality: of the application, not of a call
        _require(req.body, "quality")
        return Response(200)
    answers = _ANSWERS.get(name)
    if answers is not None:
        return answers(req, store, call)
    if name == "invite":
        return _invite(req, store, call)
    started = _EFFECTS.get(name)
    if started is None:  # an action a newer description added
        raise Fail(501, "notImplemented", f"The sandbox does not simulate {name}.")
    effect, properties = started(req, store, call)
    op_type = req.command.response
    assert op_type is not None  # every action without an _ANSWERS entry returns an operation
    op = Operation(str(uuid.uuid4()), call.id, op_type, req.body.get("clientContext"))
    op.properties = properties
    return _start(req, store, call, op, effect)


def _start(
    req: Req, store: Store, call: Call, op: Operation, effect: Effect, *, shown: str = "running"
) -> Response:
    store.start(call, op, req.due(req.world.operation_delay_ms), effect)
    payload = {
        "@odata.context": req.context(f"microsoft.graph.{op.type}"),
        **op.view(req.version),
        "status": shown,
    }
    location = req.url(f"/communications/calls/{call.id}/operations/{op.id}")
    return graph_json(200, payload, [("Location", location)])


def _require(body: dict[str, Any], name: str) -> Any:
    value = body.get(name)
    if value is None or value == []:
        raise Fail(400, "BadRequest", f"{name} is required.")
    return value


def _app_identity(req: Req) -> dict[str, Any]:
    return {
        "@odata.type": "#microsoft.graph.identitySet",
        "application": {"@odata.type": "#microsoft.graph.identity", "id": req.ctx.app_id},
    }


def _establish(store: Store, call: Call, targets: list[Any]) -> None:
    if call.state != "establishing":
        return  # hung up, or answered then rejected, meanwhile
    joined = False
    for target in targets:
        identity = target.get("identity") if isinstance(target, dict) else None
        if isinstance(identity, dict) and call.holder_of(identity_keys(identity)) is None:
            call.add(identity)
            joined = True
    store.set_state(call, "established")
    if joined:
        store.roster_changed(call)


# -- POST /communications/calls -------------------------------------------------------------------


def create_call(req: Req, store: Store) -> Call:
    """A new outgoing call: peer-to-peer with one target, a group call with several, or joining
    a meeting (meetingInfo, chatInfo). The application is its first participant."""
    body = req.body
    for name in ("callbackUri", "requestedModalities", "mediaConfig"):
        _require(body, name)
    targets = body.get("targets") or []
    meeting = body.get("meetingInfo") is not None or body.get("chatInfo") is not None
    if not targets and not meeting:
        raise Fail(400, "BadRequest", "A call needs targets, or meetingInfo to join a meeting.")
    kind = "group" if meeting or len(targets) > 1 else "peerToPeer"
    call = Call(str(uuid.uuid4()), kind, "establishing", utc_now_iso(), "outgoing", req.version)
    source = body.get("source")
    identity = source.get("identity") if isinstance(source, dict) else None
    if not identity_keys(identity):
        identity = _app_identity(req)
    assert isinstance(identity, dict)
    properties = {k: v for k, v in body.items() if k not in CALL_READ_ONLY and k != "@odata.type"}
    for name, value in _CALL_DEFAULTS.items():
        properties.setdefault(name, copy.deepcopy(value))
    # Graph names the application as the source when the request does not.
    properties.setdefault(
        "source", {"@odata.type": "#microsoft.graph.participantInfo", "identity": identity}
    )
    properties.setdefault("callChainId", str(uuid.uuid4()))
    properties.setdefault("tenantId", req.world.tenant_id)
    properties["myParticipantId"] = call.add(identity)
    call.properties = properties
    store.calls[call.id] = call
    store.later(req.due(req.world.call_setup_delay_ms), lambda: _establish(store, call, targets))
    return call


# -- actions that return nothing ----------------------------------------------------------------


def _answer(req: Req, store: Store, call: Call) -> Response:
    body = req.body
    call.properties["requestedModalities"] = _require(body, "acceptedModalities")
    call.properties["mediaConfig"] = _require(body, "mediaConfig")
    for name in ("callbackUri", "callOptions"):
        if body.get(name) is not None:
            call.properties[name] = body[name]
    call.version = req.version
    call.properties["myParticipantId"] = call.add(_app_identity(req))
    store.set_state(call, "establishing")
    store.roster_changed(call)
    store.later(req.due(req.world.call_setup_delay_ms), lambda: _establish(store, call, []))
    return Response(202)


def _reject(req: Req, store: Store, call: Call) -> Response:
    store.end(call)
    return Response(202)


def _redirect(req: Req, store: Store, call: Call) -> Response:
    _require(req.body, "targets")
    store.end(call)
    return Response(202)


def _transfer(req: Req, store: Store, call: Call) -> Response:
    _require(req.body, "transferTarget")
    store.set_state(call, "transferring")

    def transferred() -> None:
        if call.state == "transferring":
            store.end(call, _TRANSFERRED)

    store.later(req.due(req.world.operation_delay_ms), transferred)
    return Response(202)


def _change_screen_sharing_role(req: Req, store: Store, call: Call) -> Response:
    _require(req.body, "role")
    return Response(202)


def _keep_alive(req: Req, store: Store, call: Call) -> Response:
    return Response(200)


_ANSWERS: dict[str, Callable[[Req, Store, Call], Response]] = {
    "answer": _answer,
    "reject": _reject,
    "redirect": _redirect,
    "transfer": _transfer,
    "changeScreenSharingRole": _change_screen_sharing_role,
    "keepAlive": _keep_alive,
}


# -- actions that start an operation ------------------------------------------------------------

Started = tuple[Effect, dict[str, Any]]  # the effect at completion, the operation's properties


def _succeed(op: Operation, **properties: Any) -> None:
    op.result_info = copy.deepcopy(_SUCCESS)
    op.properties.update(properties)


def _completes(**properties: Any) -> Effect:
    def effect(store: Store, call: Call, op: Operation) -> Failure | None:
        _succeed(op, **properties)
        return None

    return effect


def _participant_id(req: Req, call: Call) -> str:
    pid = req.route.ids["participant-id"]
    if pid not in call.participants:
        raise Fail(404, "itemNotFound", f"Participant {pid} was not found.")
    return pid


def _on_participants(pids: list[str], change: Callable[[dict[str, Any]], None]) -> Effect:
    def effect(store: Store, call: Call, op: Operation) -> Failure | None:
        missing = [pid for pid in pids if pid not in call.participants]
        if missing:
            return _PARTICIPANT_NOT_FOUND, f"Participant {missing[0]} was not found."
        for pid in pids:
            change(call.participants[pid])
        store.roster_changed(call)
        _succeed(op)
        return None

    return effect


def _on_own(change: Callable[[dict[str, Any]], None]) -> Effect:
    """An effect on the application's own participant (none in calls the admin API made)."""

    def effect(store: Store, call: Call, op: Operation) -> Failure | None:
        own = call.own
        if own is not None:
            change(own)
            store.roster_changed(call)
        _succeed(op)
        return None

    return effect


def _server_mute(participant: dict[str, Any]) -> None:
    participant["isMuted"] = True
    for stream in participant.get("mediaStreams") or []:
        if isinstance(stream, dict) and stream.get("mediaType") == "audio":
            stream["serverMuted"] = True


def _setter(name: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(participant: dict[str, Any]) -> None:
        participant[name] = value

    return change


def _mute(req: Req, store: Store, call: Call) -> Started:
    if "participant-id" in req.route.ids:  # a server mute of someone in the call
        return _on_participants([_participant_id(req, call)], _server_mute), {}
    return _on_own(_setter("isMuted", True)), {}  # the application mutes itself


def _unmute(req: Req, store: Store, call: Call) -> Started:
    return _on_own(_setter("isMuted", False)), {}


def _mute_all(req: Req, store: Store, call: Call) -> Started:
    listed = req.body.get("participants")
    named = [pid for pid in listed or [] if isinstance(pid, str) and pid.strip()]
    for pid in named:
        if pid not in call.participants:
            raise Fail(404, "itemNotFound", f"Participant {pid} was not found.")
    own = call.properties.get("myParticipantId")
    pids = named or [pid for pid in call.participants if pid != own]
    return _on_participants(pids, _server_mute), (
        {} if listed is None else {"participants": listed}
    )


def _hold_music(on: bool) -> Callable[[Req, Store, Call], Started]:
    def started(req: Req, store: Store, call: Call) -> Started:
        return _on_participants([_participant_id(req, call)], _setter("isOnHold", on)), {}

    return started


def _update_recording_status(req: Req, store: Store, call: Call) -> Started:
    info = {
        "@odata.type": "#microsoft.graph.recordingInfo",
        "recordingStatus": _require(req.body, "status"),
    }
    return _on_own(_setter("recordingInfo", info)), {}


def _record(req: Req, store: Store, call: Call) -> Started:
    def effect(store: Store, call: Call, op: Operation) -> Failure | None:
        _succeed(
            op,
            completionReason="maxRecordDurationReached",
            recordingLocation=f"https://recordings.sandbox.invalid/{op.id}.wav",
            recordingAccessToken=uuid.uuid4().hex,
        )
        return None

    return effect, {}


def _cancel_media_processing(req: Req, store: Store, call: Call) -> Started:
    # Running and queued media operations end at once; the cancel operation itself completes
    # after the delay, like the others.
    for op in call.operations.values():
        if op.type in _MEDIA and op.status == "running":
            op.status = "failed"
            op.result_info = copy.deepcopy(_CANCELLED)
            op.properties["completionReason"] = _MEDIA[op.type]
            store.operation_ended(call, op)
    return _completes(), {}


def _plain(**properties: Any) -> Callable[[Req, Store, Call], Started]:
    def started(req: Req, store: Store, call: Call) -> Started:
        return _completes(**properties), {}

    return started


_EFFECTS: dict[str, Callable[[Req, Store, Call], Started]] = {
    "mute": _mute,
    "unmute": _unmute,
    "muteAll": _mute_all,
    "startHoldMusic": _hold_music(True),
    "stopHoldMusic": _hold_music(False),
    "updateRecordingStatus": _update_recording_status,
    "playPrompt": _plain(completionReason="completedSuccessfully"),
    "record": _record,
    "recordResponse": _record,
    "sendDtmfTones": _plain(completionReason="completedSuccessfully"),
    "subscribeToTone": _plain(),
    "addLargeGalleryView": _plain(),
    "cancelMediaProcessing": _cancel_media_processing,
}


# -- invite -------------------------------------------------------------------------------------


def _invite(req: Req, store: Store, call: Call) -> Response:
    """Invites answer 200, status "Running" as documented. At completion the invited identities
    join the roster; with one participant and ``replacesCallId`` the replaced peer-to-peer call
    ends (a replaced group call loses that identity); with ``participantId`` the first
    participant moves out of the ``replacesCallId`` call."""
    participants = req.body["participants"]
    first = participants[0]
    if first.get("participantId"):
        mode = "move"
    elif len(participants) == 1 and first.get("replacesCallId"):
        mode = "replace"
    else:
        mode = "invite"
    op = Operation(
        str(uuid.uuid4()),
        call.id,
        "inviteParticipantsOperation",
        req.body.get("clientContext"),
        participants=participants,
        multi=mode == "invite" and len(participants) > 1,
    )

    def effect(store: Store, call: Call, op: Operation) -> Failure | None:
        return _apply_invite(store, call, participants, mode)

    # The documented POST answer spells the status "Running"; reads show "running".
    return _start(req, store, call, op, effect, shown="Running")


def _apply_invite(
    store: Store, call: Call, participants: list[dict[str, Any]], mode: str
) -> Failure | None:
    targets = participants if mode == "invite" else participants[:1]
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
    source = store.calls.get(targets[0].get("replacesCallId") or "")
    if mode == "move":
        pid = targets[0]["participantId"]
        if source is None or pid not in source.participants:
            return _PARTICIPANT_NOT_FOUND, (
                f"Participant {pid} was not found in call {targets[0].get('replacesCallId')}."
            )
        source.remove(pid)
        store.roster_changed(source)
    elif (
        mode == "replace"
        and source is not None
        and source is not call
        and source.state != "terminated"
    ):
        if source.kind == "peerToPeer":
            store.end(source)
        else:
            source.remove(source.holder_of(identity_keys(targets[0].get("identity"))) or "")
            store.roster_changed(source)
    for target in targets:
        call.add(target.get("identity") or {})
    store.roster_changed(call)
    return None
