"""Two input limits found by the reliability corpus: a blank call id, and a body over Graph's
4 MB request limit, are BodyErrors raised before anything is sent."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bridge import BodyError
from bridge._shape import MAX_BODY_BYTES, build_invite_request

PARTICIPANTS = [{"Identity": {"User": {"Id": "278405a3-f568-4b3e-b684-009193463064"}}}]


@pytest.mark.parametrize("blank", [" ", "   ", "\u00a0", "\u2003 \u3000"])
def test_a_blank_call_id_is_refused(blank: str) -> None:
    with pytest.raises(BodyError, match="is blank") as caught:
        build_invite_request(blank, body={"Participants": PARTICIPANTS})
    assert caught.value.path == "CallId"
    with pytest.raises(BodyError, match="is blank") as caught:
        build_invite_request(input_object={"CallId": blank}, body={"Participants": PARTICIPANTS})
    assert caught.value.path == "InputObject.CallId"


def test_spaces_inside_a_call_id_are_still_encoded() -> None:
    assert build_invite_request(" a b ", body={"Participants": PARTICIPANTS}).path.startswith(
        "/beta/communications/calls/%20a%20b%20/"
    )


@settings(max_examples=12, deadline=None)
@given(extra=st.integers(min_value=-3, max_value=3), wide=st.booleans())
def test_the_body_limit_is_4_mb_of_json_as_sent(extra: int, wide: bool) -> None:
    def body(note: str) -> dict[str, Any]:
        return {"Participants": [{"Identity": {"User": {"Id": "u", "Note": note}}}]}

    overhead = len(json.dumps(body(""), separators=(",", ":")))
    room = MAX_BODY_BYTES - overhead + extra
    # UTF-8 bytes count, not characters: "é" is two bytes on the wire (ensure_ascii=False).
    note = "\u00e9" * (room // 2) + "n" * (room % 2) if wide else "n" * room
    if extra > 0:
        with pytest.raises(BodyError, match="4 MB") as caught:
            build_invite_request("c", body=body(note))
        assert caught.value.path == "BodyParameter"
        assert f"{MAX_BODY_BYTES + extra:,} bytes" in str(caught.value)
    else:
        request = build_invite_request("c", body=body(note))
        sent = json.dumps(request.body, ensure_ascii=False, separators=(",", ":")).encode()
        assert len(sent) == MAX_BODY_BYTES + extra


def test_the_limit_applies_to_every_parameter_set() -> None:
    huge = "x" * MAX_BODY_BYTES
    with pytest.raises(BodyError, match="4 MB"):
        build_invite_request("c", body=json.dumps({"Participants": PARTICIPANTS, "Note": huge}))
    with pytest.raises(BodyError, match="4 MB"):
        build_invite_request("c", participants=PARTICIPANTS, additional_properties={"Note": huge})
