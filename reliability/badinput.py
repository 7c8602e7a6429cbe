"""The bad-input corpus (tests/data/bad_inputs.json) fed through Python: ``session.invite`` and
the boundary the cmdlets call (``bridge._entry.dispatch``).

For each case: the error has the expected type, its message names the problem (the path, and a
pattern), the sandbox recorded no request, and a valid invite right after still works.
"""

from __future__ import annotations

import datetime
import json
import re
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reliability.common import REPO

CORPUS = REPO / "tests" / "data" / "bad_inputs.json"

SIDES = ("python", "boundary", "powershell")


class Unavailable(Exception):
    """The case holds a value this side cannot express (a reason, not a failure)."""


def load_corpus(path: Path = CORPUS) -> dict[str, Any]:
    return dict(json.loads(path.read_text(encoding="utf-8")))


def cases(side: str, corpus: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The cases of one side, each with its expectation resolved (``expect``) and ``skip``."""
    corpus = corpus or load_corpus()
    out = []
    for case in corpus["cases"]:
        override = case.get(side) or {}
        resolved = {
            **case,
            "expect": override.get("expect", case["expect"]),
            "skip": override.get("skip"),
            "known_bug": override.get("known_bug", case.get("known_bug")),
        }
        if side == "powershell" and "script" in override:
            resolved["script"] = override["script"]
        out.append(resolved)
    return out


# -- markers ----------------------------------------------------------------------------------


def resolve(value: Any, call_id: str, *, json_only: bool = False) -> Any:
    """Turns the corpus markers into Python values; ``json_only`` refuses what JSON cannot hold
    (the boundary receives JSON text)."""

    def walk(item: Any) -> Any:
        if item == "$call":
            return call_id
        if isinstance(item, list):
            return [walk(x) for x in item]
        if not isinstance(item, dict):
            return item
        if "$valid" in item:
            return {"Identity": {"User": {"Id": str(uuid.uuid4())}}}
        if "$uuid" in item:
            return str(uuid.uuid4())
        if "$repeat" in item:
            return str(item["$repeat"]) * int(item["times"])
        if "$nest" in item:
            nested: Any = {"Leaf": 1}
            for _ in range(int(item["$nest"])):
                nested = {"Nested": nested}
            return nested
        if "$nestList" in item:
            nested = [1]
            for _ in range(int(item["$nestList"])):
                nested = [nested]
            return nested
        if "$json" in item:
            return json.dumps(walk(item["$json"]))
        if "$pairs" in item:
            if json_only:
                raise Unavailable("JSON text cannot hold non-string keys")
            return {walk(k) if isinstance(k, dict) else k: walk(v) for k, v in item["$pairs"]}
        if "$python" in item:
            if json_only:
                raise Unavailable(f"JSON text cannot hold a Python {item['$python']}")
            return _python_value(item["$python"])
        if "$ps" in item:
            raise Unavailable("a PowerShell value")
        return {k: walk(v) for k, v in item.items()}

    return walk(value)


def _python_value(name: str) -> Any:
    values: dict[str, Callable[[], Any]] = {
        "nan": lambda: float("nan"),
        "inf": lambda: float("inf"),
        "bigint": lambda: 10**30,
        "bytes": lambda: b"278405a3",
        "set": lambda: {1, 2},
        "object": object,
        "datetime": lambda: datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC),
        "tuple": lambda: ("a", "b"),
    }
    return values[name]()


# -- checks -----------------------------------------------------------------------------------


def check_error(expect: dict[str, Any], error: dict[str, Any] | None) -> list[str]:
    """Problems with an error (``{"type", "message", "path"?}``) against an expectation."""
    if error is None:
        return ["no error: the input was accepted"]
    problems = []
    if not re.fullmatch(expect["error"], str(error.get("type"))):
        problems.append(f"error type {error.get('type')}, expected {expect['error']}")
    message = str(error.get("message", ""))
    if "path" in expect:
        # A path within the expected one is fine (too-deep errors name the deepest level).
        if "path" in error and not str(error["path"]).startswith(expect["path"]):
            problems.append(f"path {error['path']!r}, expected {expect['path']!r}")
        if expect["path"] and expect["path"] not in message:
            problems.append(f"the message does not name {expect['path']!r}: {message[:200]!r}")
    if "match" in expect and not re.search(expect["match"], message, re.DOTALL):
        problems.append(f"the message does not match {expect['match']!r}: {message[:200]!r}")
    if len(message) > 2000:
        problems.append(f"the message is {len(message)} characters long")
    return problems


def python_case(session: Any, case: dict[str, Any], call_id: str) -> dict[str, Any] | None:
    """Runs one case through ``session.invite``; returns the error (None if none was raised)."""
    import bridge

    args = resolve(case["args"], call_id)
    try:
        session.invite(**args)
    except bridge.BodyError as exc:
        return {"type": "BodyError", "message": str(exc), "path": exc.path}
    except bridge.BridgeError as exc:
        return {"type": type(exc).__name__, "message": str(exc)}
    except Exception as exc:  # the wrong kind of failure: reported, not raised
        return {"type": type(exc).__name__, "message": str(exc)}
    return None


def boundary_request(case: dict[str, Any], call_id: str) -> str:
    """The JSON request text for ``dispatch`` (raw cases are sent as they are)."""
    if "raw" in case:
        raw = case["raw"]
        return str(resolve(raw, call_id)) if isinstance(raw, dict) else str(raw)
    args = resolve(case["args"], call_id, json_only=True)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10_000))  # json.dumps recurses once per nesting level
    try:
        return json.dumps({"op": "invite", "args": args})
    finally:
        sys.setrecursionlimit(limit)


def boundary_case(case: dict[str, Any], call_id: str) -> dict[str, Any] | None:
    """Runs one case through ``bridge._entry.dispatch``; returns the reply's error."""
    from bridge._entry import dispatch

    reply = json.loads(dispatch(boundary_request(case, call_id)))
    if reply.get("ok"):
        return None
    return dict(reply["error"])


def valid_invite(session: Any, call_id: str) -> bool:
    """True when a valid invite right after a bad one still works."""
    body = {"Participants": [{"Identity": {"User": {"Id": str(uuid.uuid4())}}}]}
    op = session.invite(call_id, body=body)
    return bool(op.id)
