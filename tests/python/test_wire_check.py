"""The sandbox's strict check of a body as received: documented bodies pass, malformed ones are a
BodyError naming the path in wire camelCase."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bridge._exceptions import BodyError
from bridge._shape import check_wire_body

DATA = Path(__file__).resolve().parents[1] / "data" / "documented_examples.json"
EXAMPLES: dict[str, Any] = json.loads(DATA.read_text(encoding="utf-8"))
SPEC = Path(__file__).resolve().parents[3] / "shared" / "reference" / "graph-invite-spec.md"
P = {"identity": {"user": {"id": "u1"}}}
COMMS_SET = "#microsoft.graph.communicationsIdentitySet"


def _spec_requests() -> list[tuple[str, dict[str, Any]]]:
    """Every documented request body of the spec, v1.0 and beta, with its version."""
    if not SPEC.exists():
        return []
    text = SPEC.read_text(encoding="utf-8")
    found = re.findall(
        r"POST https://graph\.microsoft\.com/(v1\.0|beta)/\S+\n.*?```json\n(.*?)\n```", text, re.S
    )
    return [(version, json.loads(body)) for version, body in found]


@pytest.mark.parametrize("name", sorted(EXAMPLES))
@pytest.mark.parametrize("version", ["beta", "v1.0"])
def test_documented_bodies_pass(name: str, version: str) -> None:
    check_wire_body(EXAMPLES[name]["documented"], version)


def test_every_documented_request_of_the_spec_passes() -> None:
    requests = _spec_requests()
    if not requests:
        pytest.skip(f"{SPEC} is not at hand")
    assert len(requests) == 10
    for version, body in requests:
        check_wire_body(body, version)


@pytest.mark.parametrize(
    "body",
    [
        {"participants": [P], "@odata.context": "x", "x@odata.y": 1},
        {"participants": [P], "clientContext": None},
        {"participants": [P], "clientContext": "x" * 256},
        {"participants": [P] * 5},
        {"participants": [{**P, "endpointType": "VoiceMail", "hidden": False}]},
        {"participants": [{**P, "participantId": None, "Identity": 5, "extra": {"a": [1]}}]},
        {"participants": [{"identity": {"phone": {"id": "+1"}, "user": None}}]},
        {"participants": [{"identity": {"@odata.type": COMMS_SET, "phone": {"id": "+1"}}}]},
        {
            "participants": [
                {"identity": {"user": {"@odata.type": "#microsoft.graph.x", "id": "u"}}}
            ]
        },
    ],
)
def test_valid_wire_bodies(body: dict[str, Any]) -> None:
    check_wire_body(body, "beta")


def test_v1_takes_endpoint_type_as_a_dynamic_property() -> None:
    # v1.0 does not declare it, but invitationParticipantInfo is open: a dynamic property.
    check_wire_body({"participants": [{**P, "endpointType": 5}]}, "v1.0")
    with pytest.raises(BodyError, match="expected one of default"):
        check_wire_body({"participants": [{**P, "endpointType": 5}]}, "beta")


MALFORMED = [
    ([], "", "expected JSON object, got array"),
    ("x", "", "expected JSON object, got 'x'"),
    (None, "", "expected JSON object, got None"),
    ({}, "participants", "is required but missing"),
    ({"clientContext": "c"}, "participants", "is required but missing"),
    ({"participants": None}, "participants", "must not be null"),
    ({"participants": []}, "participants", "must hold 1 to 5 items, not 0"),
    ({"participants": [P] * 6}, "participants", "must hold 1 to 5 items, not 6"),
    (
        {"participants": P},
        "participants",
        "expected array of invitationParticipantInfo, got object",
    ),
    ({"participants": [None]}, "participants[0]", "got None"),
    ({"participants": [P, "x"]}, "participants[1]", "expected invitationParticipantInfo object"),
    ({"participants": [{}]}, "participants[0].identity", "is required but missing"),
    ({"participants": [{"identity": None}]}, "participants[0].identity", "must not be null"),
    ({"participants": [{"Identity": P["identity"]}]}, "participants[0].identity", "is required"),
    ({"participants": [{"identity": {}}]}, "participants[0].identity", "names nobody"),
    ({"participants": [{"identity": {"user": None}}]}, "participants[0].identity", "names nobody"),
    (
        {"participants": [{"identity": {"user": "x"}}]},
        "participants[0].identity.user",
        "expected identity object",
    ),
    (
        {"participants": [{"identity": {"user": {"id": 5}}}]},
        "participants[0].identity.user.id",
        "expected string, got 5",
    ),
    (
        {"participants": [{**P, "hidden": "true"}]},
        "participants[0].hidden",
        "expected boolean, got 'true'",
    ),
    ({"participants": [{**P, "hidden": 0}]}, "participants[0].hidden", "expected boolean, got 0"),
    (
        {"participants": [{**P, "endpointType": "phone"}]},
        "participants[0].endpointType",
        "expected one of",
    ),
    (
        {"participants": [{**P, "replacesCallId": 1}]},
        "participants[0].replacesCallId",
        "expected string, got 1",
    ),
    ({"participants": [P], "foo": 1}, "foo", "is not a parameter of the invite action"),
    ({"Participants": [P]}, "Participants", "is not a parameter of the invite action"),
    ({"participants": [P], "ClientContext": "c"}, "ClientContext", "is not a parameter"),
    (
        {"participants": [P], "clientContext": "x" * 257},
        "clientContext",
        "longer than 256 characters",
    ),
    ({"participants": [P], "clientContext": 5}, "clientContext", "expected string, got 5"),
    (
        {"participants": [{**P, "@odata.type": "#microsoft.graph.identity"}]},
        "participants[0].@odata.type",
        "names a type that is not invitationParticipantInfo",
    ),
    (
        {"participants": [{"identity": {"@odata.type": 5, "user": {}}}]},
        "participants[0].identity.@odata.type",
        "expected string, got 5",
    ),
    (
        {"participants": [{"identity": {"@odata.type": COMMS_SET, "phone": "+1"}}]},
        "participants[0].identity.phone",
        "expected identity object, got '+1'",
    ),
    (
        {
            "participants": [
                {"identity": {"@odata.type": COMMS_SET, "phone": {}, "endpointType": "x"}}
            ]
        },
        "participants[0].identity.endpointType",
        "expected one of",
    ),
]


@pytest.mark.parametrize(("body", "path", "fragment"), MALFORMED)
def test_malformed_wire_bodies(body: Any, path: str, fragment: str) -> None:
    with pytest.raises(BodyError) as caught:
        check_wire_body(body, "beta")
    assert caught.value.path == path
    assert fragment in str(caught.value)
    assert caught.value.expected and caught.value.got


def test_unknown_api_version() -> None:
    with pytest.raises(BodyError, match="is not a Graph API version"):
        check_wire_body({"participants": [P]}, "v2.0")


JSON = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False),
        st.text(max_size=5),
        st.sampled_from(["#microsoft.graph.identity", COMMS_SET, "default"]),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=6),
        st.dictionaries(
            st.one_of(
                st.sampled_from(
                    ["participants", "clientContext", "identity", "user", "phone", "id", "hidden"]
                ),
                st.sampled_from(["endpointType", "@odata.type", "replacesCallId"]),
                st.text(max_size=4),
            ),
            children,
            max_size=6,
        ),
    ),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(body=JSON, version=st.sampled_from(["beta", "v1.0"]))
def test_any_json_passes_or_is_a_body_error(body: Any, version: str) -> None:
    try:
        check_wire_body(body, version)
    except BodyError as error:
        assert str(error).startswith(f"{error.path}: ") or not error.path
