"""Shaping: hashtable-shaped input in, the exact JSON of a Graph invite request out.

The rules (DESIGN.md, "Wire behaviour"), all driven by `bridge._schema`:

- Keys match the schema case-insensitively. Declared properties go out in the schema's camelCase;
  undeclared keys of open types in lower camelCase (``IdentityProvider`` → ``identityProvider``), or
  as typed, like the SDK, with ``verbatim_undeclared_keys``; annotations (``@odata.type``) verbatim.
- A key whose value is None is left out; with ``null_as_empty_string``, a declared string or enum
  property given as None is sent as ``""``, as the SDK's ``Convert.ToString(null)`` does.
- A value that does not fit is a `BodyError` naming its path in the caller's spelling
  (``Participants[0].Identity.User.Id``), raised before anything is sent; the SDK drops such values.

`check_wire_body` is the strict counterpart for a body as received on the wire (the sandbox), and
`powershell_view` gives Graph's replies the shape of the SDK's output objects.
"""

from __future__ import annotations

import functools
import json
import math
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import quote

from bridge._exceptions import BodyError
from bridge._schema import (
    API_VERSIONS,
    COMMANDS,
    ENUMS,
    INVITE_BODY,
    ODATA_TYPES,
    TYPES,
    Command,
    GraphType,
    Property,
)

__all__ = [
    "CommandRequest",
    "InviteRequest",
    "build_command_request",
    "build_invite_request",
    "check_wire_body",
    "check_wire_request",
    "powershell_view",
]

MAX_DEPTH: Final = 64
MAX_CALL_ID_LENGTH: Final = 256
# Graph refuses request bodies over 4 MB (413); a body that big is a mistake, reported up front.
MAX_BODY_BYTES: Final = 4 * 1024 * 1024

_ODATA_TYPE: Final = "@odata.type"
_CONTROL_CHARS: Final = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_INT64: Final = 1 << 63  # Graph's widest integer (Edm.Int64); also keeps str(int) within limits
_INT32: Final = 1 << 31
_BOOLEANS: Final = {"true": True, "false": False}
# `MGBRIDGE_ABSENT_OBJECTS=empty`: views give an absent object property an empty object, as the
# SDK's models do when it is read (see powershell_view).
ABSENT_OBJECTS_ENV: Final = "MGBRIDGE_ABSENT_OBJECTS"


@dataclass(frozen=True, slots=True)
class InviteRequest:
    """An invite ready to send: where it goes and the exact JSON body."""

    call_id: str
    api_version: str  # "beta" | "v1.0"
    path: str  # "/beta/communications/calls/<quoted id>/participants/invite"
    body: dict[str, Any]


def build_invite_request(
    call_id: str | None = None,
    *,
    body: Mapping[str, Any] | str | None = None,
    participants: Sequence[Any] | Mapping[str, Any] | None = None,
    client_context: str | None = None,
    additional_properties: Mapping[str, Any] | None = None,
    input_object: Mapping[str, Any] | None = None,
    api_version: str = "beta",
    verbatim_undeclared_keys: bool = False,
    null_as_empty_string: bool = False,
) -> InviteRequest:
    """Shape and check an invite given as the cmdlet takes it; raise `BodyError` if it is wrong.

    `body` is the Invite set's -BodyParameter (a mapping or JSON text); `participants`,
    `client_context` and `additional_properties` are the InviteExpanded set's parameters. `call_id`
    or `input_object` (a mapping holding CallId) names the call.
    """
    _check_version(api_version)
    call_id = _call_id(call_id, input_object)
    if body is None:
        body = _expanded_body(participants, client_context, additional_properties)
    elif participants is not None or client_context is not None or additional_properties:
        raise BodyError(
            "cannot be combined with Participants, ClientContext or AdditionalProperties",
            path="BodyParameter",
            expected="BodyParameter or the expanded parameters",
            got="both",
        )
    shaped = _shaped_body(
        body, INVITE_BODY, api_version, verbatim_undeclared_keys, null_as_empty_string
    )
    path = f"/{api_version}/communications/calls/{quote(call_id, safe='')}/participants/invite"
    return InviteRequest(call_id, api_version, path, shaped)


@dataclass(frozen=True, slots=True)
class CommandRequest:
    """A request of the calls family ready to send: the operation, where it goes, the query and
    the exact JSON body (None when the operation takes none)."""

    command: Command
    path: str  # "/beta/communications/calls/<quoted id>/participants"
    query: dict[str, str]
    body: dict[str, Any] | None


# OData query options by every name a caller may use for them (the SDK's parameter names, the
# option's own name with or without "$", Python's keyword spellings).
_QUERY_OPTIONS: Final = {
    "top": "$top",
    "skip": "$skip",
    "search": "$search",
    "filter": "$filter",
    "count": "$count",
    "sort": "$orderby",
    "orderby": "$orderby",
    "property": "$select",
    "select": "$select",
    "expandproperty": "$expand",
    "expand_property": "$expand",
    "expand": "$expand",
}


def build_command_request(
    name: str,
    *,
    ids: Mapping[str, Any] | None = None,
    input_object: Mapping[str, Any] | None = None,
    body: Mapping[str, Any] | str | None = None,
    expanded: Mapping[str, Any] | None = None,
    query: Mapping[str, Any] | None = None,
    verbatim_undeclared_keys: bool = False,
    null_as_empty_string: bool = False,
) -> CommandRequest:
    """Shape and check a request of the calls family given as its SDK command takes it; raise
    `BodyError` (naming the parameter or body path) if anything is wrong.

    `name` is the SDK's command name (``Get-MgBetaCommunicationCallParticipant``), which also
    fixes the API version. `ids` gives the path's ids by the SDK's parameter names (``CallId``,
    any casing) and chooses among the command's operations (list or get); `input_object` holds
    them instead (ViaIdentity). `body` is -BodyParameter (a mapping or JSON text); `expanded`
    the body's properties as parameters (``Participants``, ``AdditionalProperties``, ...).
    `query` takes OData options (``top``, ``filter``, ``select``, ...) the operation allows.
    """
    operations = COMMANDS.get(name)
    if operations is None:
        raise BodyError("is not a command of the calls family", path="command", got=_describe(name))
    command, values = _choose_operation(operations, ids, input_object)
    segments = [f"/{command.api_version}{command.wire_path}"]
    path = segments[0]
    for wire, ps_name in command.ids:
        noun = _words(ps_name)
        path = path.replace("{" + wire + "}", quote(check_id(values[wire], ps_name, noun), safe=""))
    shaped = None
    if command.body is not None:
        shaped = _command_body(
            command, body, expanded, verbatim_undeclared_keys, null_as_empty_string
        )
    elif body is not None or expanded:
        raise BodyError(
            f"{command.name} takes no request body",
            path="BodyParameter" if body is not None else next(iter(expanded or {}), ""),
            expected="no body",
            got="a body",
        )
    return CommandRequest(command, path, _query(command, query or {}), shaped)


def _choose_operation(
    operations: Sequence[Command], ids: Mapping[str, Any] | None, input_object: Any
) -> tuple[Command, dict[str, Any]]:
    """The operation the given ids select (List without the item's id, Get with it), and the
    ids' values by their wire names."""
    if input_object is not None:
        if ids:
            raise BodyError("cannot be combined with ids", path="InputObject", got="both")
        if isinstance(input_object, str):
            input_object = _parse_json(input_object, "InputObject")
        if not isinstance(input_object, Mapping):
            raise _mismatch("InputObject", "object holding the ids", input_object)
        command = max(operations, key=lambda c: len(c.ids))
        given = {k.lower(): v for k, v in input_object.items() if isinstance(k, str)}
        values = {}
        for wire, ps_name in command.ids:
            value = given.get(ps_name.lower())
            if value is None:
                # The SDK's words for it, so that scripts matching on them keep working.
                raise BodyError(
                    f"InputObject has null value for InputObject.{ps_name}",
                    path=f"InputObject.{ps_name}",
                    expected="string",
                    got="None",
                )
            values[wire] = value
        return command, values
    given = {}
    for key, value in (ids or {}).items():
        if value is not None:
            given[str(key).lower().replace("-", "")] = (key, value)
    for command in operations:
        wanted = {ps_name.lower() for _, ps_name in command.ids}
        if wanted == set(given):
            return command, {wire: given[ps.lower()][1] for wire, ps in command.ids}
    command = min(operations, key=lambda c: len(c.ids))
    known = {ps.lower() for c in operations for _, ps in c.ids}
    for key, (given_key, _) in given.items():
        if key not in known:
            raise BodyError(
                f"is not an id of {command.name}", path=str(given_key), got=_describe(given_key)
            )
    # Name the first id missing from the operation that needs the fewest more.
    for _, ps_name in sorted(
        ((w, p) for c in operations for w, p in c.ids), key=lambda item: len(item[1])
    ):
        if ps_name.lower() not in given:
            raise BodyError(
                f"the {_words(ps_name)} is required", path=ps_name, expected="string", got="None"
            )
    raise AssertionError("unreachable: every id is known and none is missing")


def _command_body(
    command: Command,
    body: Mapping[str, Any] | str | None,
    expanded: Mapping[str, Any] | None,
    verbatim: bool,
    null_strings: bool = False,
) -> dict[str, Any]:
    assert command.body is not None
    if body is None:
        body = dict(_expanded_properties(expanded or {}))
    elif expanded:
        raise BodyError(
            "cannot be combined with the body's properties as parameters",
            path="BodyParameter",
            expected="BodyParameter or the expanded parameters",
            got="both",
        )
    return _shaped_body(body, TYPES[command.body], command.api_version, verbatim, null_strings)


def _shaped_body(
    body: Any, declared: GraphType, version: str, verbatim: bool, null_strings: bool = False
) -> dict[str, Any]:
    """A -BodyParameter (a mapping or JSON text) shaped as `declared`, within Graph's limit."""
    if isinstance(body, str):
        body = _parse_json(body)
    if not isinstance(body, Mapping):
        raise _mismatch("BodyParameter", "JSON object", body)
    shaped = _Shaper(version, verbatim, null_strings).object(body, declared, "", 0)
    _check_body_size(shaped)
    return shaped


def _expanded_properties(expanded: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    """The expanded parameters as body keys; AdditionalProperties' entries join them."""
    given = {
        str(name).lower(): name for name in expanded if str(name).lower() != "additionalproperties"
    }
    for name, value in expanded.items():
        if str(name).lower() != "additionalproperties":
            yield name, value
            continue
        if not isinstance(value, Mapping):
            raise _mismatch("AdditionalProperties", "object", value)
        for key, item in value.items():
            if isinstance(key, str) and key.lower() in given:
                raise BodyError(
                    f"is given both as -{given[key.lower()]} and in AdditionalProperties",
                    path=key,
                    expected="one of the two",
                    got="both",
                )
            yield key, item


def _query(command: Command, options: Mapping[str, Any]) -> dict[str, str]:
    query: dict[str, str] = {}
    for key, value in options.items():
        if value is None or value is False:
            continue
        option = _QUERY_OPTIONS.get(str(key).lower().lstrip("$"))
        if option is None or option not in command.query:
            allowed = ", ".join(command.query) or "none"
            raise BodyError(
                f"is not a query option of {command.name} ({command.variant}); it takes {allowed}",
                path=str(key),
                got=_describe(key),
            )
        if isinstance(value, bool):
            text = "true"
        elif isinstance(value, (list, tuple)):
            text = ",".join(_as_string(v, str(key)) for v in value)
        elif option in {"$top", "$skip"}:
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise _mismatch(str(key), "a whole number, 0 or more", value)
            text = str(value)
        else:
            text = _as_string(value, str(key))
        query[option] = text
    return query


def _words(ps_name: str) -> str:
    """CallId -> "call id", CommsOperationId -> "comms operation id"."""
    return re.sub(r"(?<!^)(?=[A-Z])", " ", ps_name).lower()


def check_wire_body(body: Any, api_version: str) -> None:
    """Check a body as parsed from the wire, strictly: exact names, exact JSON types, no coercion.

    Raises `BodyError` with the path in wire camelCase (``participants[0].identity``).
    """
    version = _check_version(api_version)
    if not isinstance(body, dict):
        raise _mismatch("", "JSON object", body)
    # The SDK's body model is open, but on the wire these are the parameters of an OData action,
    # not an open type's properties: the CSDL declares no others (spec §2.2), the service's answer
    # is undocumented and §6 advises a strict simulator, and OData readers reject a parameter the
    # action does not declare. So an unknown or mis-cased parameter is a 400.
    for key in body:
        if "@" not in key and key not in INVITE_BODY.properties:
            raise BodyError(
                "is not a parameter of the invite action",
                path=key,
                expected="participants or clientContext",
                got=_describe(key),
            )
    _check_object(body, INVITE_BODY, "", version)


def check_wire_request(command: Command, body: Any) -> None:
    """`check_wire_body` for any operation of the calls family: the body is checked as its type.
    Only the invite's parameters are closed (see check_wire_body): Graph's own examples send
    other actions parameters their description does not declare (languageId on a transfer)."""
    if command.body is None:
        return
    if command.body == INVITE_BODY.name:
        check_wire_body(body, command.api_version)
        return
    if not isinstance(body, dict):
        raise _mismatch("", "JSON object", body)
    _check_object(body, TYPES[command.body], "", command.api_version)


def powershell_view(
    type_name: str,
    graph_json: Mapping[str, Any],
    api_version: str = "beta",
    *,
    empty_objects: bool | None = None,
) -> dict[str, Any]:
    """Give a Graph JSON object of a schema type (e.g. "inviteParticipantsOperation") the shape of
    the SDK's output model: declared properties under PascalCase names, recursively, and the rest
    in "AdditionalProperties" under their own names.

    An object property the reply does not hold (resultInfo, mostly) is None; with
    `empty_objects` (by default: when the environment variable MGBRIDGE_ABSENT_OBJECTS is
    `empty`) it is an empty object of its type instead, recursively, as the SDK's models create
    one when such a property is read (a type already being filled in is not repeated).
    """
    gtype = TYPES.get(type_name)
    if gtype is None:
        raise ValueError(f"unknown Graph type {type_name!r}")
    if empty_objects is None:
        empty_objects = os.environ.get(ABSENT_OBJECTS_ENV, "").lower() == "empty"
    return _view(graph_json, gtype, _check_version(api_version), empty_objects)


# -- shaping --------------------------------------------------------------------------------------


class _Shaper:
    """One shaping walk: the API version and the casing and null options, shared by the
    recursion."""

    __slots__ = ("null_strings", "verbatim", "version")

    def __init__(self, version: str, verbatim: bool, null_strings: bool = False) -> None:
        self.version = version
        self.verbatim = verbatim
        self.null_strings = null_strings

    def object(self, value: Any, declared: GraphType, path: str, depth: int) -> dict[str, Any]:
        if not isinstance(value, Mapping):
            raise _mismatch(path, f"{declared.name} object", value)
        if depth > MAX_DEPTH:
            raise _too_deep(path)
        gtype = declared
        for key, item in value.items():
            if isinstance(key, str) and key.lower() == _ODATA_TYPE and item is not None:
                gtype = _subtype(declared, item, _join(path, key))
                break
        if self.verbatim:
            # The SDK's models for this cmdlet know no subtypes: it sends the keys only a subtype
            # declares as typed, and so must a migration comparison.
            gtype = declared
        out: dict[str, Any] = {}
        for key, lower, item, where in _entries(value, path):
            if "@" in key:
                name, shaped = key, self.json(item, where, depth + 1)
            elif (prop := gtype.by_lower.get(lower)) is None:
                # A key that a derived type declares is shaped by that declaration (`phone` of an
                # identitySet, communicationsIdentitySet's); the SDK's models know no subtypes.
                derived = None if self.verbatim else gtype.declared_by_derived(lower)
                if derived is not None:
                    name, shaped = derived.name, self.value(item, derived, where, depth + 1)
                elif not gtype.open:
                    raise _undeclared(gtype, key, where)
                else:
                    name = key if self.verbatim else _lower_camel(key)
                    shaped = self.json(item, where, depth + 1)
            else:
                # Also a property only the other version declares: v1.0's types are open, and
                # Graph's own v1.0 examples send beta's (endpointType on a transfer target).
                name, shaped = prop.name, self.value(item, prop, where, depth + 1)
            if name in out:  # Unicode oddities (final sigma) only; _entries catches the rest
                raise _case_clash(key, where)
            out[name] = shaped
        if self.null_strings:
            self.null_as_empty(value, gtype, out)
        _check_required(out, gtype, path)
        return out

    def null_as_empty(
        self, value: Mapping[Any, Any], gtype: GraphType, out: dict[str, Any]
    ) -> None:
        """The SDK's models convert a None given for a declared string property (enums are
        strings there) with Convert.ToString, so it goes out as ""; None for any other property
        is dropped (a failed conversion, or a null additional property)."""
        for key, item in value.items():
            if item is None and isinstance(key, str) and "@" not in key:
                prop = gtype.by_lower.get(key.lower())
                if (
                    prop is not None
                    and prop.kind in {"string", "enum"}
                    and not prop.collection
                    and self.version in prop.versions
                ):
                    out.setdefault(prop.name, "")

    def value(self, item: Any, prop: Property, path: str, depth: int) -> Any:
        if not prop.collection:
            return self.single(item, prop, path, depth)
        if isinstance(item, Mapping):
            item = (item,)  # one object where the schema wants an array: the SDK wraps it too
        elif not isinstance(item, (list, tuple)):
            raise _mismatch(path, _expected(prop), item)
        shaped = [
            self.single(element, prop, f"{path}[{i}]", depth + 1)
            for i, element in enumerate(item)
            if element is not None
        ]
        _check_count(len(shaped), prop, path)
        return shaped

    def single(self, item: Any, prop: Property, path: str, depth: int) -> Any:
        kind = prop.kind
        if kind == "object":
            shaped = self.object(item, TYPES[prop.type], path, depth)
            if prop.names_identity:
                _check_names_identity(shaped, path)
            return shaped
        if kind == "string":
            text = _as_string(item, path)
            _check_length(text, prop, path)
            return text
        if kind == "boolean":
            if isinstance(item, bool):
                return item
            if isinstance(item, str) and (flag := _BOOLEANS.get(item.lower())) is not None:
                return flag
            raise _mismatch(path, "boolean", item)
        if kind == "enum":
            member = _enum_members(prop.type).get(item.lower()) if isinstance(item, str) else None
            if member is None:
                raise _mismatch(path, _expected(prop), item)
            return member
        if kind == "int32":
            return _int32(item, path)
        if kind == "formatted":
            if not isinstance(item, str):
                raise _mismatch(path, _expected(prop), item)
            return _text(item, path)
        if kind == "json":
            return self.json(item, path, depth)
        return _wide_number(item, kind, path)

    def json(self, item: Any, path: str, depth: int) -> Any:
        """An undeclared value: any JSON, its object keys cased like undeclared keys."""
        if isinstance(item, str):
            return _text(item, path)
        if isinstance(item, bool):
            return item
        if isinstance(item, (int, float)):
            return _number(item, path)
        if depth > MAX_DEPTH:
            raise _too_deep(path)
        if isinstance(item, Mapping):
            out: dict[str, Any] = {}
            for key, _, value, where in _entries(item, path):
                name = key if self.verbatim or "@" in key else _lower_camel(key)
                if name in out:
                    raise _case_clash(key, where)
                out[name] = self.json(value, where, depth + 1)
            return out
        if isinstance(item, (list, tuple)):
            return [
                self.json(value, f"{path}[{i}]", depth + 1)
                for i, value in enumerate(item)
                if value is not None
            ]
        raise _mismatch(path, "a JSON value", item)


def _entries(value: Mapping[Any, Any], path: str) -> Iterator[tuple[str, str, Any, str]]:
    """(key, lower-cased key, value, value's path) for each non-None value; keys must be strings
    that stay distinct ignoring case, as in a PowerShell hashtable."""
    seen: dict[str, str] = {}
    for key, item in value.items():
        if not isinstance(key, str):
            raise BodyError(
                "keys must be strings", path=path, expected="string", got=_describe(key)
            )
        lower = _text(key, path).lower()
        if seen.setdefault(lower, key) != key:
            raise _case_clash(key, _join(path, key))
        if item is not None:
            yield key, lower, item, _join(path, key)


def _lower_camel(key: str) -> str:
    """``Phone`` → ``phone``, ``IdentityProvider`` → ``identityProvider``; like .NET's camelCase
    policy, a leading acronym goes as a whole: ``ID`` → ``id``, ``URLPath`` → ``urlPath``."""
    upper = 0
    for char in key:
        if not char.isupper():
            break
        upper += 1
    if upper == 0:
        return key
    if 1 < upper < len(key):
        upper -= 1  # keep the capital that starts the next word
    return key[:upper].lower() + key[upper:]


def _expanded_body(
    participants: Any, client_context: Any, additional_properties: Any
) -> dict[str, Any]:
    """The body of the InviteExpanded set, keyed by parameter name so that paths read as such."""
    given: dict[str, Any] = {}
    if participants is not None:
        given["Participants"] = participants
    if client_context is not None:
        given["ClientContext"] = client_context
    if additional_properties:
        given["AdditionalProperties"] = additional_properties
    return dict(_expanded_properties(given))


def _call_id(call_id: Any, input_object: Any) -> str:
    if input_object is None:
        path = "CallId"
        if call_id is None:
            raise BodyError("the call id is required", path=path, expected="string", got="None")
    else:
        path = "InputObject.CallId"
        if call_id is not None:
            raise BodyError(
                "cannot be combined with CallId",
                path="InputObject",
                expected="CallId or InputObject",
                got="both",
            )
        if not isinstance(input_object, Mapping):
            raise _mismatch("InputObject", "object with a CallId", input_object)
        found = [v for k, v in input_object.items() if isinstance(k, str) and k.lower() == "callid"]
        if len(found) > 1:
            raise _case_clash("CallId", path)
        call_id = found[0] if found else None
        if call_id is None:
            # The SDK's words for it, so that scripts matching on them keep working.
            raise BodyError(
                "InputObject has null value for InputObject.CallId; the call id is required",
                path=path,
                expected="string",
                got="None",
            )
    return check_id(call_id, path)


# Graph ids (GUIDs, base64-like call ids) never hold these; in an id they could only change which
# URL is called, even percent-encoded (a proxy or server may decode %2F).
_PATH_CHARACTERS = {"/": "a slash", "\\": "a backslash", "%": "a percent sign"}


def check_id(value: Any, path: str, noun: str = "call id") -> str:
    """An id that goes into the URL as one path segment (call id, operation id), checked."""
    text = _as_string(value, path)
    if not text:
        raise BodyError(f"the {noun} is required", path=path, expected="string", got="''")
    if len(text) > MAX_CALL_ID_LENGTH:
        raise BodyError(
            f"is longer than {MAX_CALL_ID_LENGTH} characters",
            path=path,
            expected=f"at most {MAX_CALL_ID_LENGTH} characters",
            got=f"{len(text)} characters",
        )
    if _CONTROL_CHARS.search(text):
        raise BodyError(
            "holds a control character", path=path, expected="printable text", got=_describe(text)
        )
    if not text.strip():
        raise BodyError("is blank", path=path, expected=f"a {noun}", got=_describe(text))
    if text in {".", ".."}:
        # quote() leaves dots alone, and a dot segment would move the request to another URL.
        raise BodyError(f"is not a {noun}", path=path, expected=f"a {noun}", got=_describe(text))
    for character, name in _PATH_CHARACTERS.items():
        if character in text:
            raise BodyError(
                f"holds {name} ('{character}'), which no Graph id does",
                path=path,
                expected=f"a {noun}",
                got=_describe(text),
            )
    return text


def _parse_json(text: str, path: str = "BodyParameter") -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError is a ValueError
        raise BodyError(
            f"is not valid JSON: {exc}",
            path=path,
            expected="JSON object",
            got="invalid JSON",
        ) from None


def _check_body_size(body: dict[str, Any]) -> None:
    # Encoded as the session sends it. Small bodies cost microseconds; only huge ones matter.
    size = len(json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode())
    if size > MAX_BODY_BYTES:
        raise BodyError(
            f"the request body is {size:,} bytes of JSON; Graph accepts at most 4 MB "
            f"({MAX_BODY_BYTES:,} bytes)",
            path="BodyParameter",
            expected=f"at most {MAX_BODY_BYTES:,} bytes",
            got=f"{size:,} bytes",
        )


# -- wire checks ----------------------------------------------------------------------------------


def _check_object(value: Any, declared: GraphType, path: str, version: str) -> None:
    if not isinstance(value, dict):
        raise _mismatch(path, f"{declared.name} object", value)
    odata_type = value.get(_ODATA_TYPE)
    if odata_type is None:
        gtype = declared
    else:
        gtype = _subtype(declared, odata_type, _join(path, _ODATA_TYPE))
    for key, item in value.items():
        prop = gtype.properties.get(key)
        if prop is None or (version not in prop.versions):
            if not gtype.open and "@" not in key:
                raise _undeclared(gtype, key, _join(path, key))
            continue  # a dynamic property or an annotation: any JSON
        where = _join(path, key)
        if item is None:
            if prop.required:
                raise BodyError(
                    "must not be null", path=where, expected=_expected(prop), got="null"
                )
        elif prop.collection:
            if not isinstance(item, list):
                raise _mismatch(where, _expected(prop), item)
            _check_count(len(item), prop, where)
            for i, element in enumerate(item):
                _check_single(element, prop, f"{where}[{i}]", version)
        else:
            _check_single(item, prop, where, version)
    _check_required(value, gtype, path)


def _check_single(item: Any, prop: Property, path: str, version: str) -> None:
    kind = prop.kind
    if kind == "object":
        _check_object(item, TYPES[prop.type], path, version)
        if prop.names_identity:
            _check_names_identity(item, path)
    elif kind == "string":
        if not isinstance(item, str):
            raise _mismatch(path, "string", item)
        _check_length(item, prop, path)
    elif kind == "boolean":
        if not isinstance(item, bool):
            raise _mismatch(path, "boolean", item)
    elif kind == "enum":
        # Enum members are matched ignoring case (spec §6: the service's own casing varies).
        if not (isinstance(item, str) and item.lower() in _enum_members(prop.type)):
            raise _mismatch(path, _expected(prop), item)
    elif kind == "int32":
        _int32(item, path)
    elif kind == "formatted":
        if not isinstance(item, str):
            raise _mismatch(path, _expected(prop), item)
    elif kind != "json":
        _wide_number(item, kind, path)


# -- PowerShell view ------------------------------------------------------------------------------


def _view(
    obj: Mapping[str, Any],
    gtype: GraphType,
    version: str,
    empty_objects: bool = False,
    filling: tuple[str, ...] = (),
) -> dict[str, Any]:
    # As the SDK's models: every declared property (None when absent), then AdditionalProperties
    # with the rest, @odata.type included (ps-sdk-behavior.md §2.1, §3). Those models know no
    # subtypes, so @odata.type selects none: a PSTN number stays at
    # Identity.AdditionalProperties.phone, where SDK scripts read it. Names match ignoring case, as
    # replies are not consistent (resultInfo's subcode is also seen as subCode).
    view: dict[str, Any] = {
        p.sdk_name: None for p in gtype.properties.values() if version in p.versions
    }
    extra: dict[str, Any] = {}
    for key, item in obj.items():
        prop = gtype.by_lower.get(key.lower())
        if prop is None or prop.sdk_name not in view:
            extra[key] = item
        elif prop.kind == "object" and item is not None:
            target = TYPES[prop.type]
            if isinstance(item, Mapping):
                item = _view(item, target, version, empty_objects)
            elif prop.collection and isinstance(item, list):
                item = [
                    _view(e, target, version, empty_objects) if isinstance(e, Mapping) else e
                    for e in item
                ]
            view[prop.sdk_name] = item
        else:
            view[prop.sdk_name] = item
    if empty_objects:
        filling = (*filling, gtype.name)
        for prop in gtype.properties.values():
            if (
                prop.kind == "object"
                and not prop.collection
                and view.get(prop.sdk_name, False) is None
                and prop.type not in filling
            ):
                view[prop.sdk_name] = _view({}, TYPES[prop.type], version, True, filling)
    view["AdditionalProperties"] = extra
    return view


# -- shared rules ---------------------------------------------------------------------------------


def _check_version(api_version: str) -> str:
    if api_version not in API_VERSIONS:
        raise BodyError(
            "is not a Graph API version",
            path="api_version",
            expected="beta or v1.0",
            got=_describe(api_version),
        )
    return api_version


def _subtype(declared: GraphType, odata_type: Any, path: str) -> GraphType:
    """The type an @odata.type value selects: `declared` itself, a type derived from it, or, for a
    type this schema does not describe, `declared` (Graph decides). So does a sibling type that
    describes the same thing, as Graph's own examples send (a participantInfo among a call's
    targets, which are invitationParticipantInfo); a type sharing no property with it is refused.
    """
    if not isinstance(odata_type, str):
        raise _mismatch(path, "string", odata_type)
    selected = ODATA_TYPES.get(odata_type)
    if selected is None:
        return declared
    if not selected.is_a(declared):
        if set(selected.properties) & set(declared.properties) - {"id"}:
            return declared
        raise BodyError(
            f"names a type that is not {declared.name} or derived from it",
            path=path,
            expected=declared.odata_type,
            got=_describe(odata_type),
        )
    return selected


def _check_required(present: Mapping[str, Any], gtype: GraphType, path: str) -> None:
    for prop in gtype.required:
        if prop.name not in present:
            raise BodyError(
                "is required but missing",
                path=_join(path, prop.name),
                expected=_expected(prop),
                got="nothing",
            )


def _check_count(count: int, prop: Property, path: str) -> None:
    if count < prop.min_items or (prop.max_items is not None and count > prop.max_items):
        expected = (
            f"at least {prop.min_items} items"
            if prop.max_items is None
            else f"{prop.min_items} to {prop.max_items} items"
        )
        raise BodyError(
            f"must hold {expected}, not {count}", path=path, expected=expected, got=f"{count} items"
        )


def _check_length(text: str, prop: Property, path: str) -> None:
    if prop.max_length is not None and len(text) > prop.max_length:
        raise BodyError(
            f"is longer than {prop.max_length} characters",
            path=path,
            expected=f"at most {prop.max_length} characters",
            got=f"{len(text)} characters",
        )


def _check_names_identity(identity_set: Mapping[str, Any], path: str) -> None:
    if not any(isinstance(v, Mapping) for k, v in identity_set.items() if "@" not in k):
        raise BodyError(
            "names nobody: it needs an identity such as user, application or phone",
            path=path,
            expected="at least one identity object",
            got="none",
        )


def _as_string(item: Any, path: str) -> str:
    if isinstance(item, str):
        return _text(item, path)
    if isinstance(item, (int, float)) and not isinstance(item, bool):
        return str(_number(item, path))  # as the SDK's Convert.ToString does
    raise _mismatch(path, "string", item)


def _text(text: str, path: str) -> str:
    # A lone surrogate (possible in .NET strings) would only fail later, when encoding to UTF-8.
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise BodyError(
                "holds a lone surrogate, which is not Unicode text",
                path=path,
                expected="Unicode text",
                got=_describe(text),
            ) from None
    return text


def _number(number: int | float, path: str) -> int | float:
    if isinstance(number, float):
        if not math.isfinite(number):
            raise _mismatch(path, "a finite number", number)
        return float(number)
    if not -_INT64 <= number < _INT64:
        raise _mismatch(path, "a 64-bit integer", number)
    return int(number)


def _int32(item: Any, path: str) -> int:
    if isinstance(item, int) and not isinstance(item, bool) and -_INT32 <= item < _INT32:
        return int(item)
    raise _mismatch(path, "32-bit integer", item)


def _wide_number(item: Any, kind: str, path: str) -> int | float:
    """An Edm.Int64 (an integer) or Edm.Double (any finite number)."""
    if isinstance(item, bool) or not isinstance(item, (int, float)):
        raise _mismatch(path, "64-bit integer" if kind == "int64" else "number", item)
    if kind == "int64" and not isinstance(item, int):
        raise _mismatch(path, "64-bit integer", item)
    return _number(item, path)


@functools.cache
def _enum_members(name: str) -> dict[str, str]:
    return {m.lower(): m for m in ENUMS[name]}


def _expected(prop: Property) -> str:
    if prop.collection:
        return f"array of {prop.type}"
    if prop.kind == "object":
        return f"{prop.type} object"
    if prop.kind == "enum":
        return "one of " + ", ".join(ENUMS[prop.type])
    if prop.kind == "formatted":
        return f"{prop.type} text"
    return prop.kind


def _describe(value: Any) -> str:
    """A short account of a value for an error: a type name, or a truncated repr."""
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, (list, tuple)):
        return "array"
    if isinstance(value, int) and not isinstance(value, bool) and not -_INT64 <= value < _INT64:
        return "a very large integer"
    if value is None or isinstance(value, (str, int, float)):
        text = repr(value[:41] if isinstance(value, str) else value)
        return text if len(text) <= 40 else text[:37] + "..."
    return type(value).__name__


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _mismatch(path: str, expected: str, value: Any) -> BodyError:
    got = _describe(value)
    return BodyError(f"expected {expected}, got {got}", path=path, expected=expected, got=got)


def _undeclared(gtype: GraphType, key: str, path: str) -> BodyError:
    return BodyError(
        f"is not a property of {gtype.name}",
        path=path,
        expected=f"a property of {gtype.name}",
        got=_describe(key),
    )


def _case_clash(key: str, path: str) -> BodyError:
    return BodyError(
        "is given twice, in spellings that differ only in case",
        path=path,
        expected="each key once",
        got=_describe(key),
    )


def _too_deep(path: str) -> BodyError:
    return BodyError(
        f"is nested deeper than {MAX_DEPTH} levels",
        path=path,
        expected=f"at most {MAX_DEPTH} levels",
        got="deeper nesting",
    )
