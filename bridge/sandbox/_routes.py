"""The Graph side's routing table, built once from the calls family's description
(``bridge._schema.COMMANDS``): a request path is matched against every operation's path template.

Actions match in both spellings, namespace-qualified (``.../microsoft.graph.mute``) and not
(``.../mute``). Where templates overlap, a literal segment wins over an id: ``calls/$count`` is the
count, not the call "$count". Beta also answers under the deprecated ``/app/calls`` alias.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from bridge._schema import COMMANDS, Command

_NAMESPACE = "microsoft.graph."


@dataclass(frozen=True)
class Route:
    """What a path addresses: its operations by method, and the ids in it."""

    commands: dict[str, Command]  # by HTTP method
    ids: dict[str, str]  # path parameter ("call-id") -> value

    @property
    def call_id(self) -> str | None:
        return self.ids.get("call-id")


@dataclass(frozen=True)
class _Template:
    # Per segment: the spellings a literal accepts, or the name of the id it holds.
    segments: tuple[frozenset[str] | str, ...]
    commands: dict[str, Command]

    def matches(self, segments: list[str], length: int) -> bool:
        return all(
            isinstance(want, str) or got in want
            for want, got in zip(self.segments[:length], segments[:length], strict=True)
        )

    @property
    def specificity(self) -> tuple[bool, ...]:
        return tuple(not isinstance(s, str) for s in self.segments)


def find(version: str, path: str) -> Route | str:
    """The route of ``path`` (after the version) or, when no operation has that path, the first
    segment that no template knows (Graph names it in its 400)."""
    segments = [s for s in path.split("/") if s]
    if version == "beta" and segments[:2] == ["app", "calls"]:
        segments[0] = "communications"
    templates = _table().get(version, [])
    matching = [
        t
        for t in templates
        if len(t.segments) == len(segments) and t.matches(segments, len(t.segments))
    ]
    if matching:
        best = max(matching, key=lambda t: t.specificity)
        ids = {
            want: got
            for want, got in zip(best.segments, segments, strict=True)
            if isinstance(want, str)
        }
        return Route(best.commands, ids)
    for index, segment in enumerate(segments):
        if not any(len(t.segments) > index and t.matches(segments, index + 1) for t in templates):
            return segment
    return segments[-1] if segments else ""


@functools.cache
def _table() -> dict[str, list[_Template]]:
    grouped: dict[tuple[str, str], dict[str, Command]] = {}
    for operations in COMMANDS.values():
        for command in operations:
            by_method = grouped.setdefault((command.api_version, command.path), {})
            by_method[command.method] = command
    table: dict[str, list[_Template]] = {}
    for (version, path), commands in grouped.items():
        template = _Template(tuple(_segment(s) for s in path.strip("/").split("/")), commands)
        table.setdefault(version, []).append(template)
    return table


def _segment(segment: str) -> frozenset[str] | str:
    if segment.startswith("{") and segment.endswith("}"):
        return segment[1:-1]
    if segment.startswith(_NAMESPACE):
        return frozenset({segment, segment.removeprefix(_NAMESPACE)})
    return frozenset({segment})
