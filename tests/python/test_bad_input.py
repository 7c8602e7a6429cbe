"""The bad-input corpus (tests/data/bad_inputs.json) through session.invite and through the
boundary the cmdlets call (bridge._entry.dispatch), against the sandbox over HTTPS.

Each case: the error type and a message naming the problem (its path and a pattern), nothing
reaches the sandbox, and a valid invite right after works (the process survives). Cases the
corpus marks ``known_bug`` are strict xfails: they fail today for a reported product bug, and
the test starts failing when the bug is fixed, so the mark gets removed.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import bridge
from bridge.sandbox import STATE_ENV, Sandbox

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from reliability import badinput

CORPUS = badinput.load_corpus()


def _params(side: str) -> list[Any]:
    params = []
    for case in badinput.cases(side, CORPUS):
        marks = []
        if case["skip"]:
            marks.append(pytest.mark.skip(reason=case["skip"]))
        elif case["known_bug"]:
            marks.append(pytest.mark.xfail(reason=case["known_bug"], strict=True))
        params.append(pytest.param(case, id=case["id"], marks=marks))
    return params


@pytest.fixture(scope="module")
def session(sandbox: Sandbox) -> Iterator[bridge.Session]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(STATE_ENV, str(sandbox.state_file))
        with bridge.connect("Sandbox") as connected:
            yield connected


@pytest.fixture(scope="module")
def boundary(sandbox: Sandbox) -> Iterator[None]:
    """The boundary's one connection (as the cmdlets' Connect-MgGraph makes it)."""
    from bridge._entry import dispatch

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(STATE_ENV, str(sandbox.state_file))
        reply = json.loads(
            dispatch(json.dumps({"op": "connect", "args": {"environment": "Sandbox"}}))
        )
        assert reply["ok"], reply
        yield
        dispatch(json.dumps({"op": "disconnect", "args": {}}))


def _graph_requests(sb: Sandbox) -> int:
    return sum(r["kind"] not in ("token", "discovery", "keys") for r in sb.requests())


def test_the_corpus_is_big_and_well_formed() -> None:
    cases = CORPUS["cases"]
    ids = [case["id"] for case in cases] + [case["id"] for case in CORPUS["boundary_raw"]]
    assert len(ids) == len(set(ids))
    assert len(cases) >= 50
    for side in badinput.SIDES:
        assert len([c for c in badinput.cases(side, CORPUS) if not c["skip"]]) >= 50
    for case in cases:
        assert case["what"] and "error" in case["expect"]


@pytest.mark.parametrize("case", _params("python"))
def test_session_invite(case: dict[str, Any], sb: Sandbox, session: bridge.Session) -> None:
    call_id = sb.create_call()["id"]
    before = _graph_requests(sb)
    error = badinput.python_case(session, case, call_id)
    assert _graph_requests(sb) == before, "a request reached the sandbox"
    assert badinput.check_error(case["expect"], error) == []
    assert badinput.valid_invite(session, call_id)


@pytest.mark.parametrize("case", _params("boundary"))
def test_boundary(
    case: dict[str, Any], sb: Sandbox, session: bridge.Session, boundary: None
) -> None:
    call_id = sb.create_call()["id"]
    before = _graph_requests(sb)
    try:
        error = badinput.boundary_case(case, call_id)
    except badinput.Unavailable as reason:
        pytest.skip(str(reason))
    assert _graph_requests(sb) == before, "a request reached the sandbox"
    assert badinput.check_error(case["expect"], error) == []
    assert badinput.valid_invite(session, call_id)


@pytest.mark.parametrize("case", CORPUS["boundary_raw"], ids=lambda case: case["id"])
def test_boundary_raw_requests(case: dict[str, Any], sb: Sandbox, boundary: None) -> None:
    """Request texts the cmdlets never send: the boundary still answers, never raises."""
    before = _graph_requests(sb)
    error = badinput.boundary_case(case, "unused")
    assert _graph_requests(sb) == before
    assert badinput.check_error(case["expect"], error) == []
    from bridge._entry import dispatch

    reply = json.loads(dispatch(json.dumps({"op": "context", "args": {}})))
    assert reply["ok"] and reply["result"]["Environment"] == "Sandbox"
