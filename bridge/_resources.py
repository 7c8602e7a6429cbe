"""The calls family as a navigable Python API, built from the same table as the SDK's commands.

```python
call = session.calls.create({"CallbackUri": "...", "Targets": [...], ...})
session.calls[call["id"]].participants.invite(participants=[...])
for participant in session.calls[call_id].participants.list():
    ...
session.calls[call_id].participants[participant_id].mute(client_context="c1")
session.calls[call_id].delete()
session.v1.calls.list()          # v1.0
```

Paths follow Graph's: a collection (`calls`, `participants`, `operations`, ...) is indexed by id;
`list`, `create`, `count`, `get`, `update` and `delete` are the operations Graph describes for it;
any other attribute is an action (`mute`, `keep_alive`, `play_prompt`, `invite`, `mute_all`) or a
child collection, in snake_case. Bodies are dicts in any key casing, as for `Session.invite`, or
keyword arguments; every request goes through `Session.command`.
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Callable, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

from bridge._exceptions import BodyError
from bridge._operation import Operation
from bridge._schema import COMMANDS, TYPES, Command

if TYPE_CHECKING:
    from bridge._session import CommandResult, Session

__all__ = ["ApiVersion", "Calls", "Resource"]

_ACTION = "/microsoft.graph."


class Resource:
    """A collection or an item of the calls family at one path (ids filled in)."""

    __slots__ = ("_ids", "_session", "_template", "_version")

    def __init__(
        self, session: Session, version: str, template: str, ids: Mapping[str, str]
    ) -> None:
        self._session = session
        self._version = version
        self._template = template
        self._ids = dict(ids)

    # -- navigation --

    def __getitem__(self, item_id: str) -> Resource:
        for template in _templates(self._version):
            prefix, _, last = template.rpartition("/")
            if prefix == self._template and last.startswith("{"):
                ids = {**self._ids, last.strip("{}"): item_id}
                return Resource(self._session, self._version, template, ids)
        raise TypeError(f"{self._template} is not a collection")

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        segment = _camel(name)
        templates = _templates(self._version)
        action = self._template + _ACTION + segment
        if action in templates:
            return self._action(templates[action]["POST"])
        child = f"{self._template}/{segment}"
        if child in templates:
            return Resource(self._session, self._version, child, self._ids)
        raise AttributeError(f"{self._template} has no action or collection {name!r}")

    def __dir__(self) -> list[str]:
        prefix = self._template + "/"
        names = {
            _snake(t[len(prefix) :].removeprefix("microsoft.graph."))
            for t in _templates(self._version)
            if t.startswith(prefix) and "/" not in t[len(prefix) :] and "{" not in t[len(prefix) :]
        }
        return sorted(names - {"$count"} | {*self._operations()})

    def __repr__(self) -> str:
        path = self._template
        for wire, value in self._ids.items():
            path = path.replace("{" + wire + "}", value)
        return f"<Resource {self._version} {path}>"

    # -- operations --

    def list(
        self, *, all_pages: bool = True, page_size: int | None = None, **query: Any
    ) -> builtins.list[Any]:
        """The items (every page unless ``all_pages=False``); ``query``: top, skip, filter,
        search, orderby, select, expand."""
        return self._run("GET", all_pages=all_pages, page_size=page_size, query=query).value  # type: ignore[no-any-return]

    def count(self, **query: Any) -> int:
        """GET .../$count: how many items there are."""
        result = Resource(self._session, self._version, self._template + "/$count", self._ids)
        return result._run("GET", query=query).value  # type: ignore[no-any-return]

    def create(self, body: Mapping[str, Any] | str | None = None, **properties: Any) -> Any:
        """POST: creates an item from a body (any key casing) or keyword properties."""
        return self._returned(self._run("POST", **_body(body, properties)))

    def get(self, **query: Any) -> Any:
        """GET the item; ``query``: select, expand."""
        return self._returned(self._run("GET", query=query))

    def update(self, body: Mapping[str, Any] | str | None = None, **properties: Any) -> Any:
        """PATCH the item with the properties given."""
        return self._returned(self._run("PATCH", **_body(body, properties)))

    def delete(self) -> None:
        """DELETE the item (for a call: hangs up)."""
        self._run("DELETE")

    def _action(self, command: Command) -> Callable[..., Any]:
        def action(body: Mapping[str, Any] | str | None = None, **properties: Any) -> Any:
            arguments = _body(body, properties) if command.body else {}
            if not command.body and (body is not None or properties):
                raise BodyError(f"{command.name} takes no request body", path="body")
            return self._returned(self._command(command, **arguments))

        action.__name__ = _snake(command.path.rsplit(".", 1)[1])
        action.__doc__ = command.synopsis
        return action

    def _operations(self) -> builtins.list[str]:
        names = {"GET": "get", "PATCH": "update", "DELETE": "delete", "POST": "create"}
        methods = _templates(self._version).get(self._template, {})
        found = [names[m] for m in methods]
        if "GET" in methods and methods["GET"].returns == "collection":
            found = [n if n != "get" else "list" for n in found] + ["count"]
        return found

    def _run(self, method: str, **arguments: Any) -> CommandResult:
        command = _templates(self._version).get(self._template, {}).get(method)
        if command is None:
            raise AttributeError(f"Graph describes no {method} for {self._template}")
        return self._command(command, **arguments)

    def _command(self, command: Command, **arguments: Any) -> CommandResult:
        ids = {ps: self._ids[wire] for wire, ps in command.ids}
        query = {k: v for k, v in (arguments.pop("query", None) or {}).items() if v is not None}
        result = self._session.command(command.name, ids=ids, query=query, **arguments)
        return result  # type: ignore[return-value]

    def _returned(self, result: CommandResult) -> Any:
        value = result.value
        command = result.command
        if isinstance(value, dict) and _is_operation(command.response):
            call_id = self._ids.get("call-id", "")
            return Operation(
                value,
                call_id=call_id,
                api_version=command.api_version,
                location=result.response_headers.get("Location", ""),
                response_headers=result.response_headers,
            )
        return value


class Calls(Resource):
    """``/communications/calls`` of one API version."""

    __slots__ = ()

    def __init__(self, session: Session, version: str) -> None:
        super().__init__(session, version, "/communications/calls", {})


class ApiVersion:
    """One API version's resources: ``session.v1.calls``."""

    __slots__ = ("_session", "_version")

    def __init__(self, session: Session, version: str) -> None:
        self._session = session
        self._version = version

    @property
    def calls(self) -> Calls:
        return Calls(self._session, self._version)


@cache
def _templates(version: str) -> dict[str, dict[str, Command]]:
    """Path template -> method -> operation, for one version."""
    found: dict[str, dict[str, Command]] = {}
    for operations in COMMANDS.values():
        for command in operations:
            if command.api_version == version:
                found.setdefault(command.path, {})[command.method] = command
    return found


def _is_operation(type_name: str | None) -> bool:
    if type_name is None or type_name not in TYPES:
        return False
    return TYPES[type_name].is_a(TYPES["commsOperation"])


def _body(body: Mapping[str, Any] | str | None, properties: Mapping[str, Any]) -> dict[str, Any]:
    if body is not None:
        if properties:
            raise BodyError(
                "give the body or its properties as keywords, not both",
                path="body",
                got="both",
            )
        return {"body": body}
    return {"expanded": {_camel(k): v for k, v in properties.items()}}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(word[:1].upper() + word[1:] for word in rest)


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
