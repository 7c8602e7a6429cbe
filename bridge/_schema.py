"""The Graph types and commands of the calls family, for both API versions.

One description, read by shaping, by the sandbox's validation and by the PowerShell output objects.
It comes from Graph's own OpenAPI description (the one the SDK is generated from), reduced by
`tools/generate_calls.py` to `_calls.json`; this module only adds what Graph documents in prose
rather than in that description (`_CONSTRAINTS`, `_CLOSED`): the invite's limits, which
properties must be given, and which types are not open.

Types are built on first use. Each holds the properties both versions declare, each property
knowing the versions that declare it (`invitationParticipantInfo.endpointType` is beta's only).
Every type of a request tree is open (CSDL ``OpenType="true"``): it accepts undeclared, dynamic
properties. An ``@odata.type`` annotation naming a derived type selects that type, e.g.
``#microsoft.graph.communicationsIdentitySet`` on `invitationParticipantInfo.identity` declares
`phone`, `guest`, ... besides `identitySet`'s `application`, `device` and `user`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final, Literal

__all__ = [
    "API_VERSIONS",
    "COMMANDS",
    "ENUMS",
    "INVITE_BODY",
    "ODATA_TYPES",
    "TYPES",
    "Command",
    "GraphType",
    "Kind",
    "Property",
]

API_VERSIONS: Final = ("beta", "v1.0")

Kind = Literal[
    "string", "boolean", "int32", "int64", "double", "enum", "object", "json", "formatted"
]
# Strings with a format in the description: sent as text, never converted from numbers.
_FORMATS: Final = frozenset({"date-time", "date", "time", "duration", "uuid", "base64"})
_SCALARS: Final[Mapping[str, Kind]] = MappingProxyType(
    {
        "string": "string",
        "boolean": "boolean",
        "int32": "int32",
        "int64": "int64",
        "double": "double",
        "json": "json",
        **{f: "formatted" for f in _FORMATS},
    }
)


@dataclass(frozen=True, slots=True)
class Property:
    """A declared property, under its wire (camelCase) name."""

    name: str
    kind: Kind
    type: str = ""  # the enum or complex type, for kinds "enum" and "object"; the format
    collection: bool = False
    required: bool = False  # must be given (Graph's documentation)
    versions: frozenset[str] = frozenset(API_VERSIONS)
    description: str = ""
    max_length: int | None = None
    min_items: int = 0
    max_items: int | None = None
    # The identitySet of an invited participant must name someone: at least one member that is an
    # object (`user`, `phone`, ...), not only annotations.
    names_identity: bool = False
    sdk_name: str = field(init=False)  # the SDK model's PascalCase property name

    def __post_init__(self) -> None:
        object.__setattr__(self, "sdk_name", self.name[:1].upper() + self.name[1:])

    @property
    def beta_only(self) -> bool:
        return "v1.0" not in self.versions


@dataclass(frozen=True, slots=True)
class GraphType:
    """A complex or entity type: its declared properties, inherited ones included."""

    name: str
    properties: Mapping[str, Property]  # by wire name, in the description's order
    base: GraphType | None = None
    open: bool = True
    derived: tuple[str, ...] = ()  # the names of the types directly derived from this one
    by_lower: Mapping[str, Property] = field(init=False)  # by lower-cased name, for input matching
    required: tuple[Property, ...] = field(init=False)

    def __post_init__(self) -> None:
        lowered = {name.lower(): prop for name, prop in self.properties.items()}
        object.__setattr__(self, "by_lower", MappingProxyType(lowered))
        required = tuple(p for p in self.properties.values() if p.required)
        object.__setattr__(self, "required", required)

    @property
    def odata_type(self) -> str:
        return f"#microsoft.graph.{self.name}"

    def is_a(self, other: GraphType) -> bool:
        """True when this type is `other` or derives from it."""
        t: GraphType | None = self
        while t is not None:
            if t is other:
                return True
            t = t.base
        return False

    def declared_by_derived(self, lower: str) -> Property | None:
        """The property that a type derived from this one declares under `lower` (any casing),
        when all the derived types that declare it agree on it: `phone` for identitySet, which
        communicationsIdentitySet declares."""
        return _declared_by_derived(self.name, lower)


@dataclass(frozen=True, slots=True)
class Command:
    """One operation of the calls family, as the SDK names it (a command and parameter set)."""

    name: str  # New-MgBetaCommunicationCall
    api_version: str
    variant: str  # the SDK's parameter-set base name: Create, List, Get, Invite, ...
    method: str
    path: str  # as described: /communications/calls/{call-id}/participants/microsoft.graph.invite
    ids: tuple[tuple[str, str], ...]  # (path parameter, PowerShell name): ("call-id", "CallId")
    body: str | None  # the request body's type
    body_required: bool
    response: str | None  # the response's type (or its items' type)
    returns: Literal["object", "collection", "count", "nothing"]
    pageable: bool
    query: tuple[str, ...]  # OData query options: $top, $filter, ...
    summary: str  # the description's short form, often generic ("Invoke action mute")
    description: str

    @property
    def synopsis(self) -> str:
        """One sentence saying what the operation does: the description's first, if any."""
        first = self.description.split(". ", 1)[0].rstrip(".")
        return f"{first}." if first else self.summary

    @property
    def wire_path(self) -> str:
        """The path sent: actions in their documented, unqualified form (`.../invite`), as Graph's
        HTTP examples write them."""
        return self.path.replace("/microsoft.graph.", "/")


# Graph's documentation, not its description, says these: (type, property) -> settings.
_CONSTRAINTS: Final[Mapping[tuple[str, str], Mapping[str, Any]]] = MappingProxyType(
    {
        # "Inviting up to 5 participants is supported."
        ("invitePostRequestBody", "participants"): {
            "required": True,
            "min_items": 1,
            "max_items": 5,
        },
        # "Max limit is 256 chars."
        ("invitePostRequestBody", "clientContext"): {"max_length": 256},
        ("commsOperation", "clientContext"): {"max_length": 256},
        ("invitationParticipantInfo", "identity"): {"required": True, "names_identity": True},
        # CSDL Nullable="false" (an entity's id is too, but Graph assigns it: bodies omit it)
        ("commsOperation", "status"): {"required": True},
        ("resultInfo", "code"): {"required": True},
        ("resultInfo", "subcode"): {"required": True},
        ("inviteParticipantsOperation", "participants"): {"required": True},
    }
)
# Types the CSDL does not mark OpenType (the OpenAPI conversion marks every type open).
_CLOSED: Final = frozenset({"resultInfo"})
_TABLE_FILE: Final = Path(__file__).with_name("_calls.json")


@cache
def _table() -> dict[str, Any]:
    with _TABLE_FILE.open(encoding="utf-8") as file:
        return json.load(file)  # type: ignore[no-any-return]


def _described(name: str) -> list[tuple[str, dict[str, Any]]]:
    """(version, description) of a type in each version that describes it, beta first."""
    types = _table()["types"]
    return [(v, types[v][name]) for v in API_VERSIONS if name in types[v]]


@cache
def _graph_type(name: str) -> GraphType | None:
    described = _described(name)
    if not described or "enum" in described[0][1]:
        return None
    base_name = described[0][1].get("base")
    base = _graph_type(base_name) if base_name else None
    own: dict[str, Property] = {}
    for version, description in described:
        for prop_name, (expression, text) in description["properties"].items():
            known = own.get(prop_name)
            if known is not None:
                own[prop_name] = _with_version(known, version)
                continue
            own[prop_name] = _property(name, prop_name, expression, text, version)
    properties = {**(base.properties if base else {}), **own}
    derived = sorted({d for _, description in described for d in description.get("derived", ())})
    return GraphType(
        name,
        MappingProxyType(properties),
        base=base,
        open=name not in _CLOSED,
        derived=tuple(derived),
    )


def _with_version(prop: Property, version: str) -> Property:
    fields = {f: getattr(prop, f) for f in Property.__dataclass_fields__ if f != "sdk_name"}
    fields["versions"] = prop.versions | {version}
    return Property(**fields)


def _property(owner: str, name: str, expression: str, text: str, version: str) -> Property:
    collection = expression.startswith("[")
    target = expression.strip("[]")
    kind = _SCALARS.get(target)
    settings = dict(_CONSTRAINTS.get((owner, name), {}))
    if kind is None:
        described = _described(target)
        kind = "enum" if described and "enum" in described[0][1] else "object"
        if not described:
            kind, target = "json", ""  # a type the subset does not carry: any JSON
    elif kind == "formatted":
        pass
    else:
        target = ""
    return Property(
        name,
        kind,
        target if kind in {"enum", "object", "formatted"} else "",
        collection=collection,
        versions=frozenset({version}),
        description=text,
        **settings,
    )


@cache
def _declared_by_derived(type_name: str, lower: str) -> Property | None:
    found: list[Property] = []
    pending = list(TYPES[type_name].derived)
    while pending:
        derived = _graph_type(pending.pop())
        if derived is None:
            continue
        prop = derived.by_lower.get(lower)
        if prop is not None:
            found.append(prop)
        pending.extend(derived.derived)
    if found and all(
        (p.name, p.kind, p.type, p.collection)
        == (found[0].name, found[0].kind, found[0].type, found[0].collection)
        for p in found
    ):
        return found[0]
    return None


class _Types(Mapping[str, GraphType]):
    """The complex types by name, built on first use."""

    def __getitem__(self, name: str) -> GraphType:
        gtype = _graph_type(name)
        if gtype is None:
            raise KeyError(name)
        return gtype

    def __iter__(self) -> Iterator[str]:
        names = {
            n for v in API_VERSIONS for n, d in _table()["types"][v].items() if "enum" not in d
        }
        return iter(sorted(names))

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and _graph_type(name) is not None


class _ODataTypes(Mapping[str, GraphType]):
    """The types an ``@odata.type`` value names: ``#microsoft.graph.<name>``."""

    _PREFIX = "#microsoft.graph."

    def __getitem__(self, odata_type: str) -> GraphType:
        if not odata_type.startswith(self._PREFIX) or odata_type.endswith("PostRequestBody"):
            raise KeyError(odata_type)
        return TYPES[odata_type.removeprefix(self._PREFIX)]

    def __iter__(self) -> Iterator[str]:
        return (self._PREFIX + n for n in TYPES if not n.endswith(("PostRequestBody", "Response")))

    def __len__(self) -> int:
        return sum(1 for _ in self)


class _Enums(Mapping[str, tuple[str, ...]]):
    """Enum members by enum name; beta's members where the versions differ."""

    def __getitem__(self, name: str) -> tuple[str, ...]:
        return _enum(name)

    def __iter__(self) -> Iterator[str]:
        names = {n for v in API_VERSIONS for n, d in _table()["types"][v].items() if "enum" in d}
        return iter(sorted(names))

    def __len__(self) -> int:
        return sum(1 for _ in self)


@cache
def _enum(name: str) -> tuple[str, ...]:
    described = _described(name)
    if not described or "enum" not in described[0][1]:
        raise KeyError(name)
    return tuple(described[0][1]["enum"])


class _Commands(Mapping[str, tuple[Command, ...]]):
    """The operations of each command name (a command with its parameter sets)."""

    def __getitem__(self, name: str) -> tuple[Command, ...]:
        found = _commands().get(name.lower())
        if found is None:
            raise KeyError(name)
        return found

    def __iter__(self) -> Iterator[str]:
        return (commands[0].name for commands in _commands().values())

    def __len__(self) -> int:
        return len(_commands())


@cache
def _commands() -> dict[str, tuple[Command, ...]]:
    grouped: dict[str, list[Command]] = {}
    for entry in _table()["commands"]:
        command = Command(
            name=entry["name"],
            api_version=entry["api_version"],
            variant=entry["variant"],
            method=entry["method"],
            path=entry["path"],
            ids=tuple((wire, ps) for wire, ps in entry["ids"]),
            body=entry.get("body"),
            body_required=entry.get("body_required", False),
            response=entry.get("response"),
            returns=entry["returns"],
            pageable=entry.get("pageable", False),
            query=tuple(entry.get("query", ())),
            summary=entry["summary"],
            description=entry.get("description", ""),
        )
        grouped.setdefault(command.name.lower(), []).append(command)
    return {name: tuple(commands) for name, commands in grouped.items()}


TYPES: Final[Mapping[str, GraphType]] = _Types()
ODATA_TYPES: Final[Mapping[str, GraphType]] = _ODataTypes()
ENUMS: Final[Mapping[str, tuple[str, ...]]] = _Enums()
COMMANDS: Final[Mapping[str, tuple[Command, ...]]] = _Commands()

# The body of POST .../participants/invite: the action's parameters. Not a Graph type, so no
# @odata.type selects it. Open, as the SDK's body model takes any key (the wire: check_wire_body).
INVITE_BODY: Final = TYPES["invitePostRequestBody"]
