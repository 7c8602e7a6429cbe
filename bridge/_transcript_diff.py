"""Comparing two transcripts request by request, ignoring by rule what always differs.

The rules, applied to both sides before comparing:
- only Graph requests count (paths under ``/beta/`` and ``/v1.0/``); their order is kept;
- ids in paths (GUID segments) are paired between the runs as they first meet, so the call one
  run created compares with the call the other run created; a difference is an id used where
  the pairing says another one belongs;
- a namespace-qualified action (``.../participants/microsoft.graph.invite``) is the same
  request as its short form (``.../participants/invite``): Graph accepts both;
- only the headers that change what Graph does are compared (`COMPARED_HEADERS`, plus any
  asked for), content-type by its media type; request ids, user agents, dates and the like are
  not;
- ``status`` is compared when both sides have one (a planned request has none); ``at`` and
  ``source`` never are;
- consecutive identical GETs count once: polling repeats a read as often as timing wants.
Requests are paired by a longest-common-subsequence alignment of (method, path, body), so one
missing request is reported as missing instead of shifting every pair after it.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bridge._exceptions import BodyError
from bridge._transcript import is_graph_path

__all__ = ["COMPARED_HEADERS", "Difference", "TranscriptDiff", "compare", "read_transcript"]

COMPARED_HEADERS = ("content-type", "if-match", "if-none-match", "prefer", "consistencylevel")

_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_QUALIFIED = re.compile(r"^microsoft\.graph\.", re.IGNORECASE)
# Past this many unmatched requests in the middle, pair them in order instead of aligning
# (the alignment is quadratic in the worst case).
_ALIGN_LIMIT = 2000


@dataclass(frozen=True)
class Difference:
    """One difference. ``line``/``other_line`` are 1-based lines in each file (None when the
    request is only on the other side); ``where`` is a dotted path such as
    ``body.participants[0].identity.user.id``, ``path``, ``header.prefer`` or ``request``."""

    kind: str  # missing | extra | value | type | key-casing | method | path | id | status
    where: str
    line: int | None
    other_line: int | None
    reference: Any = None
    difference: Any = None
    request: str = ""

    def message(self) -> str:
        def show(value: Any) -> str:
            return json.dumps(value, ensure_ascii=False)

        if self.where == "request":
            side = "reference" if self.kind == "missing" else "difference"
            return f"request only in the {side}: {self.request}"
        if self.kind == "missing":
            return f"{self.where}: only in the reference ({show(self.reference)})"
        if self.kind == "extra":
            return f"{self.where}: only in the difference ({show(self.difference)})"
        if self.kind == "id":
            return f"path: id {self.reference} meets {self.difference} here, but another id earlier"
        if self.kind == "key-casing":
            return f"{self.where}: key casing {show(self.reference)} vs {show(self.difference)}"
        if self.kind == "type":
            return (
                f"{self.where}: type {_json_type(self.reference)} vs "
                f"{_json_type(self.difference)} ({show(self.reference)} vs {show(self.difference)})"
            )
        return f"{self.where}: {show(self.reference)} vs {show(self.difference)}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "where": self.where,
            "line": self.line,
            "otherLine": self.other_line,
            "request": self.request,
            "reference": self.reference,
            "difference": self.difference,
            "message": self.message(),
        }


@dataclass
class TranscriptDiff:
    """The outcome of `compare`: empty ``differences`` means the runs sent the same requests."""

    reference: str
    difference: str
    reference_requests: int
    difference_requests: int
    differences: list[Difference] = field(default_factory=list)

    @property
    def equal(self) -> bool:
        return not self.differences

    def to_dict(self) -> dict[str, Any]:
        return {
            "equal": self.equal,
            "reference": {"file": self.reference, "requests": self.reference_requests},
            "difference": {"file": self.difference, "requests": self.difference_requests},
            "differences": [d.to_dict() for d in self.differences],
        }

    def text(self) -> str:
        head = (
            f"reference:  {self.reference} ({self.reference_requests} requests)\n"
            f"difference: {self.difference} ({self.difference_requests} requests)\n"
        )
        if self.equal:
            return head + "The same requests.\n"
        lines = [head]
        last: tuple[int | None, int | None] | None = None
        for d in self.differences:
            if d.where == "request":
                lines.append(f"- {d.message()} (line {d.line or d.other_line})\n")
                last = None
                continue
            if (d.line, d.other_line) != last:
                lines.append(f"{d.request} (line {d.line} vs line {d.other_line}):\n")
                last = (d.line, d.other_line)
            lines.append(f"  {d.message()}\n")
        lines.append(_summary(self.differences))
        return "".join(lines)


def _summary(differences: Sequence[Difference]) -> str:
    missing = sum(1 for d in differences if d.where == "request" and d.kind == "missing")
    extra = sum(1 for d in differences if d.where == "request" and d.kind == "extra")
    changed = len({(d.line, d.other_line) for d in differences if d.where != "request"})
    return f"{changed} requests differ, {missing} missing, {extra} extra.\n"


@dataclass
class _Request:
    line: int
    method: str
    path: str  # with each id as {id}
    ids: list[str]
    raw_path: str
    query: dict[str, Any]
    headers: dict[str, str]
    body: Any
    status: int | None

    def same_as(self, other: _Request) -> bool:
        """The same request, ids and all (values compared as Python does: true == 1)."""
        return (self.method, self.path, self.ids, self.query, self.body) == (
            other.method,
            other.path,
            other.ids,
            other.query,
            other.body,
        )

    # What aligns requests: method, path, query and body, ids and ignored paths left out.
    matched: tuple[Any, ...] = ()

    def key(self) -> str:
        return json.dumps(self.matched, sort_keys=True)

    @property
    def label(self) -> str:
        return f"{self.method} {self.raw_path}"


def read_transcript(path: str | Path) -> list[dict[str, Any]]:
    """The entries of a JSON Lines transcript; BodyError names a line that is not an entry."""
    entries = []
    try:
        with open(path, encoding="utf-8") as stream:
            for number, line in enumerate(stream, 1):
                if not line.strip():
                    continue
                try:
                    entry = json.loads(line)
                except ValueError as exc:
                    raise BodyError(f"{path}, line {number}: not JSON ({exc})") from None
                if not (isinstance(entry, dict) and "method" in entry and "path" in entry):
                    raise BodyError(f"{path}, line {number}: not a request (no method and path)")
                entry["_line"] = number
                entries.append(entry)
    except OSError as exc:
        raise BodyError(f"cannot read the transcript {path}: {exc.strerror or exc}") from None
    return entries


def compare(
    reference: str | Path,
    difference: str | Path,
    *,
    ignore: Iterable[str] = (),
    headers: Iterable[str] = (),
) -> TranscriptDiff:
    """Compares two transcript files. ``ignore`` takes dotted patterns where ``*`` stands for
    one key or index (``body.clientContext``, ``body.participants[*].replacesCallId``,
    ``header.prefer``, ``query.*``); ``headers`` adds header names to those compared."""
    ignore = list(ignore)
    compared = frozenset(h.lower() for h in (*COMPARED_HEADERS, *headers))
    skip = _ignore_pattern(ignore)
    a = _normalized(read_transcript(reference), compared)
    b = _normalized(read_transcript(difference), compared)
    for request in (*a, *b):
        query, body = request.query, request.body
        if ignore:
            query, body = _kept(query, ("query",), skip), _kept(body, ("body",), skip)
        request.matched = (request.method, request.path, query, body)
    found: list[Difference] = []
    pairing: tuple[dict[str, str], dict[str, str]] = ({}, {})
    for pair_a, pair_b in _aligned(a, b):
        if pair_b is None:
            assert pair_a is not None
            found.append(Difference("missing", "request", pair_a.line, None, request=pair_a.label))
        elif pair_a is None:
            found.append(Difference("extra", "request", None, pair_b.line, request=pair_b.label))
        else:
            differences = _request_differences(pair_a, pair_b, pairing)
            found.extend(d for d in differences if not skip(d.where))
    return TranscriptDiff(str(reference), str(difference), len(a), len(b), found)


def _ignore_pattern(patterns: Iterable[str]) -> Any:
    parts = []
    for pattern in patterns:
        regex = re.escape(pattern).replace(r"\[\*\]", r"\[\d+\]").replace(r"\*", r"[^.\[]+")
        parts.append(f"(?:{regex})")
    if not parts:
        return lambda where: False
    # A pattern also covers what lies below it (body.x covers body.x.y and body.x[0]).
    matcher = re.compile(r"^(?:" + "|".join(parts) + r")(?:$|[.\[])", re.IGNORECASE)
    return lambda where: matcher.match(where) is not None


def _normalized(entries: list[dict[str, Any]], compared: frozenset[str]) -> list[_Request]:
    requests: list[_Request] = []
    for entry in entries:
        path = str(entry["path"])
        if not is_graph_path(path):
            continue
        segments = path.split("/")
        ids = []
        for i, segment in enumerate(segments):
            if _GUID.match(segment):
                ids.append(segment.lower())
                segments[i] = "{id}"
        segments[-1] = _QUALIFIED.sub("", segments[-1])
        headers = {}
        for name, value in (entry.get("headers") or {}).items():
            name = name.lower()
            if name in compared:
                if name == "content-type":
                    value = str(value).split(";")[0].strip().lower()
                headers[name] = value
        request = _Request(
            line=entry["_line"],
            method=str(entry["method"]).upper(),
            path="/".join(segments),
            ids=ids,
            raw_path=path,
            query=dict(entry.get("query") or {}),
            headers=headers,
            body=entry.get("body"),
            status=entry.get("status"),
        )
        previous = requests[-1] if requests else None
        if request.method == "GET" and previous and previous.same_as(request):
            requests[-1].status = request.status  # the poll's last answer stands for all
            continue
        requests.append(request)
    return requests


def _aligned(
    a: list[_Request], b: list[_Request]
) -> Iterable[tuple[_Request | None, _Request | None]]:
    start = 0
    while start < min(len(a), len(b)) and _alike(a[start], b[start]):
        start += 1
    end_a, end_b = len(a), len(b)
    while end_a > start and end_b > start and _alike(a[end_a - 1], b[end_b - 1]):
        end_a, end_b = end_a - 1, end_b - 1
    yield from zip(a[:start], b[:start], strict=True)
    middle_a, middle_b = a[start:end_a], b[start:end_b]
    if max(len(middle_a), len(middle_b)) > _ALIGN_LIMIT:
        yield from _in_order(middle_a, middle_b)
    else:
        matcher = difflib.SequenceMatcher(
            None, [r.key() for r in middle_a], [r.key() for r in middle_b], autojunk=False
        )
        for _tag, i1, i2, j1, j2 in matcher.get_opcodes():
            yield from _in_order(middle_a[i1:i2], middle_b[j1:j2])
    yield from zip(a[end_a:], b[end_b:], strict=True)


def _alike(a: _Request, b: _Request) -> bool:
    return a.matched == b.matched


def _in_order(
    a: Sequence[_Request], b: Sequence[_Request]
) -> Iterable[tuple[_Request | None, _Request | None]]:
    for i in range(max(len(a), len(b))):
        yield (a[i] if i < len(a) else None), (b[i] if i < len(b) else None)


def _request_differences(
    a: _Request, b: _Request, pairing: tuple[dict[str, str], dict[str, str]]
) -> Iterable[Difference]:
    def diff(kind: str, where: str, x: Any, y: Any) -> Difference:
        return Difference(kind, where, a.line, b.line, x, y, request=a.label)

    if a.method != b.method:
        yield diff("method", "method", a.method, b.method)
    if a.path != b.path:
        yield diff("path", "path", a.raw_path, b.raw_path)
    else:
        a_to_b, b_to_a = pairing
        for x, y in zip(a.ids, b.ids, strict=True):
            if a_to_b.setdefault(x, y) != y or b_to_a.setdefault(y, x) != x:
                yield diff("id", "path", x, y)
    if a.status is not None and b.status is not None and a.status != b.status:
        yield diff("status", "status", a.status, b.status)
    found: list[tuple[str, tuple[Any, ...], Any, Any]] = []
    _walk(a.query, b.query, ("query",), found, exact_keys=True)
    _walk(a.headers, b.headers, ("header",), found, exact_keys=True)
    _walk(a.body, b.body, ("body",), found)
    for kind, where, x, y in found:
        yield diff(kind, _rendered(where), x, y)


def _walk(
    x: Any,
    y: Any,
    where: tuple[Any, ...],
    found: list[tuple[str, tuple[Any, ...], Any, Any]],
    exact_keys: bool = False,
) -> None:
    """Appends each difference below ``where``; paths stay tuples until one is reported."""
    if type(x) is type(y) and not isinstance(x, dict | list):
        if x != y:
            found.append(("value", where, x, y))
    elif isinstance(x, dict) and isinstance(y, dict):
        unmatched = [k for k in y if k not in x]
        folded = {k.lower(): k for k in unmatched} if unmatched and not exact_keys else {}
        for key, value in x.items():
            if key in y:
                _walk(value, y[key], (*where, key), found)
            elif key.lower() in folded:
                other = folded.pop(key.lower())
                unmatched.remove(other)
                found.append(("key-casing", (*where, key), key, other))
                _walk(value, y[other], (*where, key), found)
            else:
                found.append(("missing", (*where, key), value, None))
        for key in unmatched:
            found.append(("extra", (*where, key), None, y[key]))
    elif isinstance(x, list) and isinstance(y, list):
        for i in range(max(len(x), len(y))):
            if i >= len(y):
                found.append(("missing", (*where, i), x[i], None))
            elif i >= len(x):
                found.append(("extra", (*where, i), None, y[i]))
            else:
                _walk(x[i], y[i], (*where, i), found)
    elif _json_type(x) != _json_type(y):
        found.append(("type", where, x, y))
    elif x != y:
        found.append(("value", where, x, y))


def _kept(value: Any, where: tuple[Any, ...], skip: Any) -> Any:
    """``value`` without what the ignore patterns cover."""
    if isinstance(value, dict):
        kept = {}
        for key, item in value.items():
            if not skip(_rendered((*where, key))):
                kept[key] = _kept(item, (*where, key), skip)
        return kept
    if isinstance(value, list):
        return [_kept(item, (*where, i), skip) for i, item in enumerate(value)]
    return value


def _rendered(where: tuple[Any, ...]) -> str:
    head: str = where[0]
    return head + "".join(
        f"[{part}]" if isinstance(part, int) else f".{part}" for part in where[1:]
    )


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"
