"""Properties of shaping as seen end to end (hypothesis; the sandbox over HTTPS):

- anything the shaper refuses is a BodyError and sends nothing; anything it accepts is sent
  exactly once, byte for byte the body ``what_if`` planned, and the sandbox accepts it;
- any text call id is refused or reaches exactly its own call's URL;
- a BodyError's text starts with its path and stays short, whatever the input;
- shaping never changes the caller's value.
"""

from __future__ import annotations

import contextlib
import copy
import json
import math
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import bridge
from bridge._shape import build_invite_request
from bridge.sandbox import STATE_ENV, Sandbox

SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

KEYS = st.sampled_from(
    [
        *("Participants", "participants", "ClientContext", "Identity", "identity", "User"),
        *("USER", "Id", "id", "Hidden", "EndpointType", "ReplacesCallId", "ParticipantId"),
        *("@odata.type", "Phone", "DisplayName", "Extra"),
    ]
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(),
    st.text(max_size=12),
    st.sampled_from(["true", "VOICEMAIL", "#microsoft.graph.identitySet", "\ud800", "x" * 300]),
)
JUNK = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=6),
        st.dictionaries(st.one_of(KEYS, st.text(max_size=4), st.integers()), children, max_size=5),
    ),
    max_leaves=25,
)
USER = st.fixed_dictionaries({"Id": st.uuids().map(str)}, optional={"DisplayName": JUNK})
PARTICIPANT = st.fixed_dictionaries(
    {"Identity": st.fixed_dictionaries({"User": USER})},
    optional={"Hidden": JUNK, "EndpointType": JUNK, "Extra": JUNK, "ReplacesCallId": JUNK},
)
BODIES = st.one_of(
    JUNK,
    st.fixed_dictionaries(
        {"Participants": st.lists(PARTICIPANT, min_size=0, max_size=6)},
        optional={"ClientContext": JUNK},
    ),
)


@pytest.fixture(scope="module")
def session(sandbox: Sandbox) -> Iterator[bridge.Session]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(STATE_ENV, str(sandbox.state_file))
        with bridge.connect("Sandbox") as connected:
            yield connected


@pytest.fixture(scope="module")
def call_id(sandbox: Sandbox) -> str:
    # Not reset between examples: each example counts the invites it caused itself.
    return str(sandbox.create_call(f"props-{uuid.uuid4()}")["id"])


def _invites(sandbox: Sandbox) -> list[dict[str, Any]]:
    return [r for r in sandbox.requests() if r["kind"] == "invite"]


def _same_json(a: Any, b: Any) -> bool:
    """Equality that takes NaN-free floats and ints as JSON does."""
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    return bool(json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True))


@SETTINGS
@given(body=BODIES)
def test_refused_sends_nothing_accepted_is_sent_once_as_planned(
    body: Any, sandbox: Sandbox, session: bridge.Session, call_id: str
) -> None:
    before = len(_invites(sandbox))
    try:
        plan = session.invite(call_id, body=body, what_if=True)
    except bridge.BodyError:
        with pytest.raises(bridge.BodyError):
            session.invite(call_id, body=body)
        assert len(_invites(sandbox)) == before
        return
    try:
        op = session.invite(call_id, body=body)
    except bridge.GraphError as exc:
        # Only the wire check may refuse what shaping let through: an extra top-level key.
        assert exc.status == 400
        assert set(plan.body) - {"participants", "clientContext"}
        return
    sent = _invites(sandbox)[before:]
    assert len(sent) == 1
    assert sent[0]["status"] == 200 and op.id
    assert _same_json(sent[0]["body"], plan.body)


@SETTINGS
@given(text=st.text(max_size=40))
def test_a_text_call_id_is_refused_or_reaches_its_own_url(
    text: str, sandbox: Sandbox, session: bridge.Session
) -> None:
    body = {"Participants": [{"Identity": {"User": {"Id": str(uuid.uuid4())}}}]}
    before = len(sandbox.requests())
    try:
        plan = session.invite(text, body=body, what_if=True)
    except bridge.BodyError as exc:
        assert exc.path == "CallId"
        with pytest.raises(bridge.BodyError):
            session.invite(text, body=body)
        assert len(sandbox.requests()) == before
        return
    with pytest.raises(bridge.GraphError):  # no such call: 404 (or 400 for a '/' inside)
        session.invite(text, body=body)
    (sent,) = sandbox.requests()[before:]
    assert plan.url.endswith("/participants/invite")
    # The sandbox decodes the path: the call id comes back whole, in its one segment.
    assert sent["path"] == f"/beta/communications/calls/{text}/participants/invite"


@SETTINGS
@given(body=BODIES, call=st.one_of(st.none(), st.text(max_size=300), JUNK))
def test_body_error_text_names_its_path_and_stays_short(body: Any, call: Any) -> None:
    try:
        build_invite_request(call, body=body)
    except bridge.BodyError as exc:
        text = str(exc)
        if exc.path:
            assert text.startswith(exc.path + ": ")
        # The path grows with nesting (64 levels at most); the rest is bounded.
        assert len(text) - len(exc.path) < 400
        assert len(exc.got) <= 40
        json.dumps(exc.to_dict())


@SETTINGS
@given(body=BODIES)
def test_shaping_leaves_the_callers_value_alone(body: Any) -> None:
    kept = copy.deepcopy(body)
    with contextlib.suppress(bridge.BodyError):
        build_invite_request("c", body=body)
    assert repr(body) == repr(kept)
