"""The calls family on the sandbox's Graph side: every operation ``bridge._schema.COMMANDS``
describes, under /beta and /v1.0. This module serves the resources (calls, participants,
operations, audioRoutingGroups, contentSharingSessions: list, get, $count, create, update,
delete); ``_actions`` serves the actions.

Checks run in this order: JSON body (400), its schema (400, ``bridge._shape.check_wire_request``),
query options (400), the call (404: code "8522" for an unknown call, "itemNotFound" for one that
has ended), the call's state (400: answer, reject and redirect need an incoming call, everything
else that changes something an answered one), then the addressed item (404 "itemNotFound").
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from bridge._exceptions import BodyError
from bridge._schema import ODATA_TYPES, Command
from bridge._shape import check_wire_request
from bridge.sandbox import _actions, _odata
from bridge.sandbox._http import Request, Response
from bridge.sandbox._model import Call, Operation, Store, for_version, identity_keys
from bridge.sandbox._replies import Fail, graph_error, graph_json, read_json
from bridge.sandbox._routes import Route

if TYPE_CHECKING:
    from bridge.sandbox._service import Context, Service
    from bridge.sandbox._state import World

_NAMESPACE = "microsoft.graph."
_INCOMING_ACTIONS = frozenset({"answer", "reject", "redirect"})


@dataclass(frozen=True)
class Req:
    """One request of the calls family, as its handlers see it."""

    service: Service
    ctx: Context
    version: str
    command: Command
    route: Route
    body: dict[str, Any]  # {} for operations that take none
    query: dict[str, str]

    @property
    def now(self) -> float:
        return self.ctx.clock

    @property
    def world(self) -> World:
        return self.service.world

    def url(self, path: str) -> str:
        return f"{self.service.graph}/{self.version}{path}"

    def context(self, fragment: str) -> str:
        return f"{self.service.graph}/{self.version}/$metadata#{fragment}"

    def due(self, delay_ms: int) -> float:
        return self.now + delay_ms / 1000


def handle(
    service: Service, request: Request, ctx: Context, *, version: str, route: Route, method: str
) -> Response:
    command = route.commands[method]
    try:
        req = Req(service, ctx, version, command, route, _body(command, request), request.query)
        return _serve(req)
    except Fail as failure:
        return graph_error(ctx, failure.status, failure.code, failure.message)


def _body(command: Command, request: Request) -> dict[str, Any]:
    if command.body is None:
        return {}
    body = read_json(request)
    try:
        check_wire_request(command, body)
    except BodyError as exc:
        raise Fail(400, "BadRequest", str(exc)) from None
    assert isinstance(body, dict)  # check_wire_request refuses anything else
    return body


def _serve(req: Req) -> Response:
    segments = req.command.path.strip("/").split("/")
    action = segments[-1].removeprefix(_NAMESPACE) if _NAMESPACE in segments[-1] else None
    collection = segments[3] if len(segments) > 3 and action is None else None
    kind = _KINDS.get(collection or "")
    query = _odata.parse(req.command, req.query, req.version, kind.type if kind else "call")
    call_id = req.route.call_id
    with req.world.locked(req.now) as store:
        if call_id is None:
            if action is not None:
                return _actions.run(req, store, None, action)
            return _calls(req, store, query)
        call = _live_call(store, call_id)
        _check_state(req, call, action)
        if action is not None:
            return _actions.run(req, store, call, action)
        if kind is None:
            return _call(req, store, call, query)
        return _items(req, store, call, kind, query)


def _live_call(store: Store, call_id: str) -> Call:
    call = store.calls.get(call_id)
    if call is None:
        raise Fail(404, "8522", "Call not found.")
    if call.state == "terminated":
        raise Fail(404, "itemNotFound", f"The call {call_id} has ended.")
    return call


def _check_state(req: Req, call: Call, action: str | None) -> None:
    if action in _INCOMING_ACTIONS:
        if call.state != "incoming":
            raise Fail(
                400,
                "BadRequest",
                f"The call is {call.state}: {action} applies to an incoming call only.",
            )
    elif call.state == "incoming" and req.command.method != "GET":
        hang_up = req.command.method == "DELETE" and req.route.ids.keys() == {"call-id"}
        if not hang_up:
            raise Fail(
                400,
                "BadRequest",
                "The call has not been answered: answer, reject or redirect it first.",
            )


# -- /communications/calls and /communications/calls/{call-id} ----------------------------------


def _calls(req: Req, store: Store, query: _odata.Query) -> Response:
    if req.command.method == "POST":
        call = _actions.create_call(req, store)
        return _created(req, call.graph(req.version), f"/communications/calls/{call.id}", "calls")
    calls = [c.graph(req.version) for c in store.calls.values() if c.state != "terminated"]
    if req.command.returns == "count":
        return _count(_odata.count(calls, query))
    return _list(req, calls, query, "communications/calls")


def _call(req: Req, store: Store, call: Call, query: _odata.Query) -> Response:
    method = req.command.method
    if method == "DELETE":
        store.end(call, _actions.HUNG_UP)
        return Response(204)
    if method == "PATCH":
        read_only = sorted(_actions.CALL_READ_ONLY & req.body.keys())
        if read_only:
            raise Fail(400, "BadRequest", f"The property '{read_only[0]}' is read-only.")
        call.properties.update(_without_type(req.body))
        store.notify(call, "updated", "", lambda: call.graph(call.version))
    payload = {
        "@odata.context": req.context("communications/calls/$entity"),
        **_odata.project(call.graph(req.version), query),
    }
    return graph_json(200, payload)


# -- the collections of a call ------------------------------------------------------------------


@dataclass(frozen=True)
class _Kind:
    """How one collection of a call keeps, shows and changes its items."""

    type: str  # the items' Graph type
    noun: str  # for messages
    items: Callable[[Req, Call], dict[str, Any]]
    render: Callable[[Any, str], dict[str, Any]]
    create: Callable[[Req, Store, Call], str]  # returns the new item's id
    update: Callable[[Req, Store, Call, str], None]
    delete: Callable[[Store, Call, str], None]


def _items(req: Req, store: Store, call: Call, kind: _Kind, query: _odata.Query) -> Response:
    collection = req.command.path.strip("/").split("/")[3]
    base = f"/communications/calls/{quote(call.id, safe='')}/{collection}"
    items = kind.items(req, call)
    item_ids = set(req.route.ids) - {"call-id"}
    if not item_ids:
        rendered = [kind.render(item, req.version) for item in items.values()]
        if req.command.returns == "count":
            return _count(_odata.count(rendered, query))
        if req.command.method == "GET":
            return _list(req, rendered, query, f"communications/calls('{call.id}')/{collection}")
        item_id = kind.create(req, store, call)
        entity = kind.render(kind.items(req, call)[item_id], req.version)
        return _created(req, entity, f"{base}/{quote(item_id, safe='')}", collection, call.id)
    item_id = req.route.ids[item_ids.pop()]
    if item_id not in items:
        raise Fail(404, "itemNotFound", f"{kind.noun} {item_id} was not found.")
    if req.command.method == "DELETE":
        kind.delete(store, call, item_id)
        return Response(204)
    if req.command.method == "PATCH":
        if req.body.get("id", item_id) != item_id:
            raise Fail(400, "BadRequest", "The property 'id' is read-only.")
        kind.update(req, store, call, item_id)
    payload = {
        "@odata.context": req.context(f"communications/calls('{call.id}')/{collection}/$entity"),
        **_odata.project(kind.render(items[item_id], req.version), query),
    }
    return graph_json(200, payload)


def _list(req: Req, items: list[dict[str, Any]], query: _odata.Query, fragment: str) -> Response:
    path = req.command.path
    for name, value in req.route.ids.items():
        path = path.replace("{" + name + "}", quote(value, safe=""))
    payload = _odata.page(
        items,
        query,
        page_size=req.world.page_size,
        link=lambda options: f"{req.url(path)}?{_odata.query_string(options)}",
        context=req.context(fragment),
    )
    return graph_json(200, payload)


def _created(
    req: Req, entity: dict[str, Any], path: str, collection: str, call_id: str | None = None
) -> Response:
    fragment = "communications/calls" + (f"('{call_id}')/{collection}" if call_id else "")
    payload = {"@odata.context": req.context(f"{fragment}/$entity"), **entity}
    return graph_json(201, payload, [("Location", req.url(path))])


def _count(number: int) -> Response:
    return Response(200, str(number).encode(), [("Content-Type", "text/plain; charset=utf-8")])


def _without_type(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k != "@odata.type"}


def _new_id(req: Req, taken: dict[str, Any]) -> str:
    item_id = req.body.get("id") or str(uuid.uuid4())
    if not isinstance(item_id, str):
        raise Fail(400, "BadRequest", "The property 'id' must be a string.")
    if item_id in taken:
        raise Fail(409, "Conflict", f"An item with the id {item_id} exists already.")
    return item_id


# participants: the roster


def _create_participant(req: Req, store: Store, call: Call) -> str:
    pid = _new_id(req, call.participants)
    info = req.body.get("info")
    identity = info.get("identity") if isinstance(info, dict) else None
    if not isinstance(identity, dict) or not identity_keys(identity):
        raise Fail(400, "BadRequest", "info.identity must name the participant (an id).")
    if call.holder_of(identity_keys(identity)) is not None:
        raise Fail(409, "Conflict", "The identity is already in the call.")
    extra = {k: v for k, v in _without_type(req.body).items() if k not in ("id", "info")}
    call.add(identity, pid, info=info, extra=extra)
    store.roster_changed(call)
    return pid


def _update_participant(req: Req, store: Store, call: Call, pid: str) -> None:
    call.update(pid, _without_type(req.body))
    store.roster_changed(call)


def _delete_participant(store: Store, call: Call, pid: str) -> None:
    call.remove(pid)
    store.roster_changed(call)


# operations


def _operations(req: Req, call: Call) -> dict[str, Any]:
    if req.world.completed_operations_gone:
        return {k: op for k, op in call.operations.items() if op.status == "running"}
    return dict(call.operations)


def _render_operation(op: Any, version: str) -> dict[str, Any]:
    assert isinstance(op, Operation)
    return op.view(version)


def _create_operation(req: Req, store: Store, call: Call) -> str:
    op_id = _new_id(req, call.operations)
    selected = ODATA_TYPES.get(str(req.body.get("@odata.type")))
    body = _without_type(req.body)
    op = Operation(
        op_id,
        call.id,
        selected.name if selected is not None else "commsOperation",
        body.pop("clientContext", None),
        status=body.pop("status"),
        result_info=body.pop("resultInfo", None),
    )
    body.pop("id", None)
    op.properties = body
    call.operations[op_id] = op
    return op_id


def _update_operation(req: Req, store: Store, call: Call, op_id: str) -> None:
    op = call.operations[op_id]
    changes = _without_type(req.body)
    changes.pop("id", None)
    op.status = changes.pop("status", op.status)
    op.client_context = changes.pop("clientContext", op.client_context)
    op.result_info = changes.pop("resultInfo", op.result_info)
    op.properties.update(changes)


def _delete_operation(store: Store, call: Call, op_id: str) -> None:
    del call.operations[op_id]


# audioRoutingGroups and contentSharingSessions: entities kept as their JSON


def _entities(attribute: str) -> Callable[[Req, Call], dict[str, Any]]:
    def items(req: Req, call: Call) -> dict[str, Any]:
        entities: dict[str, Any] = getattr(call, attribute)
        return entities

    return items


def _render_entity(type_name: str) -> Callable[[Any, str], dict[str, Any]]:
    def render(entity: Any, version: str) -> dict[str, Any]:
        return for_version(
            {"@odata.type": f"#microsoft.graph.{type_name}", **entity}, type_name, version
        )

    return render


def _create_entity(
    attribute: str, check: Callable[[Call, dict[str, Any]], None]
) -> Callable[[Req, Store, Call], str]:
    def create(req: Req, store: Store, call: Call) -> str:
        entities: dict[str, Any] = getattr(call, attribute)
        entity_id = _new_id(req, entities)
        entity = {**_without_type(req.body), "id": entity_id}
        check(call, entity)
        entities[entity_id] = entity
        return entity_id

    return create


def _update_entity(
    attribute: str, check: Callable[[Call, dict[str, Any]], None]
) -> Callable[[Req, Store, Call, str], None]:
    def update(req: Req, store: Store, call: Call, entity_id: str) -> None:
        entities: dict[str, Any] = getattr(call, attribute)
        entity = {**entities[entity_id], **_without_type(req.body)}
        check(call, entity)
        entities[entity_id] = entity

    return update


def _delete_entity(attribute: str) -> Callable[[Store, Call, str], None]:
    def delete(store: Store, call: Call, entity_id: str) -> None:
        del getattr(call, attribute)[entity_id]

    return delete


def _check_audio_routing_group(call: Call, group: dict[str, Any]) -> None:
    """Graph's rules: a routing mode, sources and receivers that are participants of the call,
    and one source for oneToOne."""
    if "routingMode" not in group:
        raise Fail(400, "BadRequest", "routingMode is required.")
    for role in ("sources", "receivers"):
        ids = group.get(role)
        if not ids:
            raise Fail(400, "BadRequest", f"{role} must list at least one participant id.")
        for index, pid in enumerate(ids):
            if pid not in call.participants:
                raise Fail(
                    400, "BadRequest", f"{role}[{index}]: {pid} is not a participant of the call."
                )
    if str(group["routingMode"]).lower() == "onetoone" and len(group["sources"]) != 1:
        raise Fail(400, "BadRequest", "A oneToOne audio routing group has exactly one source.")


def _any_entity(call: Call, entity: dict[str, Any]) -> None:
    """contentSharingSession declares nothing but its id."""


def _entity_kind(
    type_name: str, noun: str, attribute: str, check: Callable[[Call, dict[str, Any]], None]
) -> _Kind:
    return _Kind(
        type_name,
        noun,
        _entities(attribute),
        _render_entity(type_name),
        _create_entity(attribute, check),
        _update_entity(attribute, check),
        _delete_entity(attribute),
    )


def _render_participant(participant: Any, version: str) -> dict[str, Any]:
    return for_version(participant, "participant", version)


def _participants(req: Req, call: Call) -> dict[str, Any]:
    return call.participants


_KINDS = {
    "participants": _Kind(
        "participant",
        "Participant",
        _participants,
        _render_participant,
        _create_participant,
        _update_participant,
        _delete_participant,
    ),
    "operations": _Kind(
        "commsOperation",
        "Operation",
        _operations,
        _render_operation,
        _create_operation,
        _update_operation,
        _delete_operation,
    ),
    "audioRoutingGroups": _entity_kind(
        "audioRoutingGroup",
        "Audio routing group",
        "audio_routing_groups",
        _check_audio_routing_group,
    ),
    "contentSharingSessions": _entity_kind(
        "contentSharingSession", "Content sharing session", "content_sharing_sessions", _any_entity
    ),
}
