"""OData query options of the sandbox's lists and gets: ``$top`` (the page size, as Graph treats
it), ``$skip``, ``$count``, ``$select``, a simple ``$filter`` (``<property> eq '<value>'`` on a
top-level string property) and server-driven paging with ``@odata.nextLink`` and
``$skiptoken``. Anything else an operation allows is refused with 400 rather than ignored, so a
test never passes on an option the sandbox did not apply."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from bridge._schema import TYPES, Command
from bridge.sandbox._replies import Fail

_FILTER = re.compile(r"^\s*([A-Za-z_]\w*)\s+eq\s+'((?:[^']|'')*)'\s*$")
_FILTERABLE = ("string", "enum", "formatted")
_SKIPTOKEN = "$skiptoken"


@dataclass(frozen=True)
class Query:
    top: int | None = None
    skip: int = 0
    count: bool = False
    select: tuple[str, ...] = ()
    filter: tuple[str, str] | None = None  # (property, value)
    offset: int | None = None  # from $skiptoken: where the next page starts


def parse(command: Command, options: dict[str, str], version: str, type_name: str) -> Query:
    """The OData options of a request for ``command`` on items of ``type_name``; raises Fail
    (400)."""
    allowed = set(command.query) | ({_SKIPTOKEN} if command.pageable else set())
    for name in options:
        if name.startswith("$") and name not in allowed:
            raise Fail(400, "BadRequest", f"Query option '{name}' is not allowed here.")
    for name in ("$search", "$orderby", "$expand"):
        if name in options:
            raise Fail(400, "BadRequest", f"Query option '{name}' is not supported by the sandbox.")
    top = options.get("$top")
    skip = options.get("$skip")
    token = options.get(_SKIPTOKEN)
    count = options.get("$count", "false").lower()
    if count not in ("true", "false"):
        raise Fail(400, "BadRequest", f"'{options['$count']}' is not a valid count option.")
    return Query(
        top=None if top is None else _whole(top, "$top"),
        skip=0 if skip is None else _whole(skip, "$skip"),
        count=count == "true",
        select=_select(options.get("$select"), type_name, version),
        filter=_filter(options.get("$filter"), type_name, version),
        offset=None if token is None else _token(token),
    )


def project(item: dict[str, Any], query: Query) -> dict[str, Any]:
    """``item`` with only the ``$select``ed properties, its id and its annotations."""
    if not query.select:
        return item
    keep = {*query.select, "id"}
    return {k: v for k, v in item.items() if k in keep or k.startswith("@")}


def count(items: list[dict[str, Any]], query: Query) -> int:
    return len(_filtered(items, query))


def page(
    items: list[dict[str, Any]],
    query: Query,
    *,
    page_size: int,
    link: Callable[[dict[str, str]], str],
    context: str,
) -> dict[str, Any]:
    """One page of a list as Graph answers it; ``link(options)`` makes the next page's URL."""
    kept = _filtered(items, query)
    size = page_size if query.top is None else query.top
    start = query.skip if query.offset is None else query.offset
    end = start + size
    payload: dict[str, Any] = {"@odata.context": context}
    if query.count:
        payload["@odata.count"] = len(kept)
    value = [project(item, query) for item in kept[start:end]]
    if size and end < len(kept):
        options = {"$top": str(size)} if query.top is not None else {}
        if query.count:
            options["$count"] = "true"
        if query.select:
            options["$select"] = ",".join(query.select)
        if query.filter is not None:
            name, wanted = query.filter
            options["$filter"] = f"{name} eq '{wanted.replace(chr(39), chr(39) * 2)}'"
        options[_SKIPTOKEN] = str(end)
        payload["@odata.nextLink"] = link(options)
    payload["value"] = value
    return payload


def query_string(options: dict[str, str]) -> str:
    return urlencode(options, quote_via=quote, safe="$,")


def _filtered(items: list[dict[str, Any]], query: Query) -> list[dict[str, Any]]:
    if query.filter is None:
        return items
    name, value = query.filter
    return [item for item in items if item.get(name) == value]


def _whole(text: str, option: str) -> int:
    if not text.isdigit():
        raise Fail(
            400,
            "BadRequest",
            f"Invalid value '{text}' for {option} query option found. "
            f"The {option} query option requires a non-negative integer value.",
        )
    return int(text)


def _token(text: str) -> int:
    if not text.isdigit():
        raise Fail(400, "BadRequest", f"The $skiptoken '{text}' is not valid.")
    return int(text)


def _declared(type_name: str, name: str, version: str) -> bool:
    prop = TYPES[type_name].properties.get(name) if type_name in TYPES else None
    return prop is not None and version in prop.versions


def _select(text: str | None, type_name: str, version: str) -> tuple[str, ...]:
    if text is None:
        return ()
    names = tuple(n.strip() for n in text.split(","))
    for name in names:
        if not _declared(type_name, name, version):
            raise Fail(
                400,
                "BadRequest",
                f"Parsing OData Select and Expand failed: Could not find a property named "
                f"'{name}' on type 'microsoft.graph.{type_name}'.",
            )
    return names


def _filter(text: str | None, type_name: str, version: str) -> tuple[str, str] | None:
    if text is None:
        return None
    match = _FILTER.match(text)
    if match is None:
        raise Fail(
            400,
            "BadRequest",
            f"Invalid filter clause: '{text}' is not of the form <property> eq '<value>', "
            "the only filter the sandbox supports.",
        )
    name, value = match[1], match[2].replace("''", "'")
    if not _declared(type_name, name, version):
        raise Fail(
            400,
            "BadRequest",
            f"Invalid filter clause: Could not find a property named '{name}' on type "
            f"'microsoft.graph.{type_name}'.",
        )
    prop = TYPES[type_name].properties[name]
    if prop.collection or prop.kind not in _FILTERABLE:
        raise Fail(
            400,
            "BadRequest",
            f"Invalid filter clause: '{name}' is not a string property; the sandbox filters "
            "string properties only.",
        )
    return name, value
