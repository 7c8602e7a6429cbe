"""Shaping: the help page's examples put the documented JSON on the wire, and bad input is a
BodyError naming its path before anything is sent."""

from __future__ import annotations

import copy
import json
import random
import re
import string
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bridge._exceptions import BodyError
from bridge._schema import ENUMS, TYPES
from bridge._shape import (
    MAX_DEPTH,
    InviteRequest,
    _Shaper,
    build_invite_request,
    check_wire_body,
    powershell_view,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "documented_examples.json"
EXAMPLES: dict[str, Any] = json.loads(DATA.read_text(encoding="utf-8"))
SPEC = Path(__file__).resolve().parents[3] / "shared" / "reference" / "graph-invite-spec.md"
CALL = "7531d31f-d10d-44de-802f-c569dbca451c"
PARTICIPANT = {"Identity": {"User": {"Id": "u1"}}}


def _invite(body: Any, **kwargs: Any) -> dict[str, Any]:
    return build_invite_request(CALL, body=body, **kwargs).body


# -- the contract: the seven help-page examples ---------------------------------------------------


def test_the_fixture_holds_the_seven_help_page_examples() -> None:
    assert sorted(EXAMPLES) == [f"Example{n}" for n in range(1, 8)]
    for example in EXAMPLES.values():
        assert example["source"].startswith("graph-invite-spec.md §3.4.B beta Example ")


def test_the_fixture_copies_the_documented_requests_exactly() -> None:
    if not SPEC.exists():
        pytest.skip(f"{SPEC} is not at hand")
    spec = SPEC.read_text(encoding="utf-8")
    beta = spec[spec.index("#### 3.4.B beta") :]
    for example in EXAMPLES.values():
        number = example["source"].rsplit(" ", 1)[1]
        section = beta[beta.index(f"##### beta Example {number}:") :]
        request = re.search(r"Request:\n```http\nPOST (\S+)\n.*?```json\n(.*?)\n```", section, re.S)
        assert request is not None
        assert example["documented_url"] == request.group(1)
        assert example["documented"] == json.loads(request.group(2))


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_example_params_shape_to_the_documented_json(name: str) -> None:
    example = EXAMPLES[name]
    request = build_invite_request(CALL, body=example["params"])
    assert request == InviteRequest(
        CALL,
        "beta",
        f"/beta/communications/calls/{CALL}/participants/invite",
        example["documented"],
    )


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_example_in_every_parameter_set_and_version(name: str) -> None:
    params, documented = EXAMPLES[name]["params"], EXAMPLES[name]["documented"]
    expanded = {"participants": params["Participants"], "client_context": params["ClientContext"]}
    assert _invite(json.dumps(params)) == documented
    assert build_invite_request(CALL, **expanded).body == documented
    assert build_invite_request(input_object={"CallId": CALL}, body=params).body == documented
    assert build_invite_request(input_object={"callId": CALL}, **expanded).body == documented
    v1 = build_invite_request(CALL, body=params, api_version="v1.0")
    assert (v1.body, v1.path) == (
        documented,
        f"/v1.0/communications/calls/{CALL}/participants/invite",
    )


def test_shaping_leaves_the_input_alone() -> None:
    params = EXAMPLES["Example7"]["params"]
    before = copy.deepcopy(params)
    _invite(params)
    assert params == before


# -- the call id and the URL ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call_id", "segment"),
    [
        ("a?b#c", "a%3Fb%23c"),
        ("a b", "a%20b"),
        ("caf\u00e9", "caf%C3%A9"),
        ("...", "..."),
    ],
)
def test_the_call_id_is_one_percent_encoded_segment(call_id: str, segment: str) -> None:
    request = build_invite_request(call_id, body={"Participants": PARTICIPANT})
    assert request.call_id == call_id
    assert request.path.split("/") == [
        "",
        "beta",
        "communications",
        "calls",
        segment,
        "participants",
        "invite",
    ]


@pytest.mark.parametrize(
    ("call_id", "fragment"),
    [
        (None, "the call id is required"),
        ("", "the call id is required"),
        (".", "is not a call id"),
        ("..", "is not a call id"),
        ("a/b", "holds a slash"),
        ("../x", "holds a slash"),
        ("a\\b", "holds a backslash"),
        ("%2F", "holds a percent sign"),
        ("a\nb", "control character"),
        ("a\x00b", "control character"),
        ("a\x85b", "control character"),
        ("x" * 257, "longer than 256"),
        (True, "expected string"),
        (["a"], "expected string"),
    ],
)
def test_bad_call_ids(call_id: Any, fragment: str) -> None:
    with pytest.raises(BodyError) as caught:
        build_invite_request(call_id, body={"Participants": PARTICIPANT})
    assert caught.value.path == "CallId"
    assert fragment in str(caught.value)


def test_input_object_names_the_call_ignoring_case() -> None:
    body = {"Participants": PARTICIPANT}
    assert build_invite_request(input_object={"CALLID": "c1"}, body=body).call_id == "c1"
    assert (
        build_invite_request(input_object={"callid": 42, "UserId": "u"}, body=body).call_id == "42"
    )


@pytest.mark.parametrize("input_object", [{}, {"CallId": None}, {"UserId": "u"}])
def test_input_object_without_call_id_fails_as_the_sdk_does(input_object: Any) -> None:
    with pytest.raises(BodyError) as caught:
        build_invite_request(input_object=input_object, body={"Participants": PARTICIPANT})
    assert caught.value.path == "InputObject.CallId"
    assert "InputObject has null value for InputObject.CallId" in str(caught.value)
    assert "the call id is required" in str(caught.value)


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"call_id": "c", "input_object": {"CallId": "c"}}, "InputObject"),
        ({"input_object": "c"}, "InputObject"),
        ({"input_object": {"CallId": "a", "callid": "b"}}, "InputObject.CallId"),
    ],
)
def test_bad_input_objects(kwargs: dict[str, Any], path: str) -> None:
    with pytest.raises(BodyError) as caught:
        build_invite_request(body={"Participants": PARTICIPANT}, **kwargs)
    assert caught.value.path == path


# -- parameter sets, JSON text, versions ----------------------------------------------------------


@pytest.mark.parametrize(
    "extra",
    [
        {"participants": [PARTICIPANT]},
        {"participants": []},
        {"client_context": "c"},
        {"additional_properties": {"x": 1}},
    ],
)
def test_body_parameter_excludes_the_expanded_parameters(extra: dict[str, Any]) -> None:
    with pytest.raises(BodyError, match="cannot be combined") as caught:
        build_invite_request(CALL, body={"Participants": PARTICIPANT}, **extra)
    assert caught.value.path == "BodyParameter"


def test_expanded_parameters_merge_additional_properties() -> None:
    body = build_invite_request(
        CALL,
        participants=PARTICIPANT,
        additional_properties={"CallbackHint": {"Tag": "x"}, "@odata.context": "y"},
    ).body
    assert body == {
        "participants": [{"identity": {"user": {"id": "u1"}}}],
        "callbackHint": {"tag": "x"},
        "@odata.context": "y",
    }
    assert build_invite_request(CALL, participants=PARTICIPANT, additional_properties={}).body == {
        "participants": [{"identity": {"user": {"id": "u1"}}}]
    }


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"client_context": "a", "additional_properties": {"clientContext": "b"}}, "clientContext"),
        ({"additional_properties": {"PARTICIPANTS": []}}, "PARTICIPANTS"),
        ({"additional_properties": ["x"]}, "AdditionalProperties"),
    ],
)
def test_additional_properties_clashes(kwargs: dict[str, Any], path: str) -> None:
    with pytest.raises(BodyError) as caught:
        build_invite_request(CALL, participants=[PARTICIPANT], **kwargs)
    assert caught.value.path == path


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("{", "is not valid JSON"),
        ('{"Participants": [}', "is not valid JSON"),
        ("[" * 100_000 + "]" * 100_000, "is not valid JSON"),
        ('{"a": ' + "1" * 5000 + "}", "is not valid JSON"),
        ('[{"Participants": []}]', "expected JSON object, got array"),
        ('"x"', "expected JSON object, got 'x'"),
    ],
)
def test_body_parameter_json_text(text: str, fragment: str) -> None:
    with pytest.raises(BodyError) as caught:
        _invite(text)
    assert caught.value.path == "BodyParameter"
    assert fragment in str(caught.value)


@pytest.mark.parametrize("version", ["v2", "V1.0", "Beta", "", None])
def test_unknown_api_versions(version: Any) -> None:
    with pytest.raises(BodyError, match="is not a Graph API version"):
        build_invite_request(CALL, body={"Participants": PARTICIPANT}, api_version=version)


def test_v1_shapes_beta_only_properties_by_their_beta_declaration() -> None:
    body = {"Participants": [{**PARTICIPANT, "EndpointType": "VOICEMAIL"}]}
    assert _invite(body)["participants"][0]["endpointType"] == "voicemail"
    assert _invite(body, api_version="v1.0")["participants"][0]["endpointType"] == "voicemail"
    body = {"Participants": [{**PARTICIPANT, "EndpointType": "nowhere"}]}
    with pytest.raises(BodyError, match="expected one of default") as caught:
        _invite(body, api_version="v1.0")
    assert caught.value.path == "Participants[0].EndpointType"


# -- the casing and coercion rules ----------------------------------------------------------------


def test_declared_undeclared_and_annotation_keys() -> None:
    body = {
        "PARTICIPANTS": {
            "@odata.type": "#microsoft.graph.invitationParticipantInfo",
            "replacescallid": "r",
            "Identity": {
                "Phone": {"@OData.Type": "#microsoft.graph.identity", "Id": "+1", "ID2": 1},
                "User": {"ID": "u", "DisplayName": "D", "IdentityProvider": "AAD", "URLPath": "p"},
            },
            "Extra": [{"NestedKey": [{"Deeper": True}]}, 1.5, "s"],
            "x@odata.bind": "verbatim",
        },
        "ClientContext": None,
    }
    assert _invite(body) == {
        "participants": [
            {
                "@odata.type": "#microsoft.graph.invitationParticipantInfo",
                "replacesCallId": "r",
                "identity": {
                    "phone": {"@OData.Type": "#microsoft.graph.identity", "id": "+1", "iD2": 1},
                    "user": {
                        "id": "u",
                        "displayName": "D",
                        "identityProvider": "AAD",
                        "urlPath": "p",
                    },
                },
                "extra": [{"nestedKey": [{"deeper": True}]}, 1.5, "s"],
                "x@odata.bind": "verbatim",
            }
        ]
    }


def test_verbatim_undeclared_keys_sends_them_as_the_sdk_does() -> None:
    params = EXAMPLES["Example4"]["params"]
    body = _invite(params, verbatim_undeclared_keys=True)
    identity = body["participants"][0]["identity"]
    assert identity == {
        "@odata.type": "#microsoft.graph.identitySet",
        "Phone": {"@odata.type": "#microsoft.graph.identity", "Id": "+12345678901"},
    }
    user = _invite(EXAMPLES["Example1"]["params"], verbatim_undeclared_keys=True)["participants"][0]
    assert user["identity"]["user"] == {
        "@odata.type": "#microsoft.graph.identity",
        "id": "278405a3-f568-4b3e-b684-009193463064",
        "IdentityProvider": "AAD",
    }


def test_coercions() -> None:
    participant = {
        "Identity": {"User": {"Id": 12345, "DisplayName": 1.5}},
        "ReplacesCallId": -7,
        "Hidden": "TRUE",
        "RemoveFromDefaultAudioRoutingGroup": "false",
        "EndpointType": "SKYPEFORBUSINESSVOIPPHONE",
    }
    shaped = _invite({"Participants": participant, "ClientContext": 99})
    assert shaped == {
        "participants": [
            {
                "identity": {"user": {"id": "12345", "displayName": "1.5"}},
                "replacesCallId": "-7",
                "hidden": True,
                "removeFromDefaultAudioRoutingGroup": False,
                "endpointType": "skypeForBusinessVoipPhone",
            }
        ],
        "clientContext": "99",
    }


def test_none_values_are_omitted_everywhere() -> None:
    body = {
        "Participants": [None, {**PARTICIPANT, "Hidden": None, "Extra": {"a": None, "b": [None]}}],
        "ClientContext": None,
    }
    assert _invite(body) == {
        "participants": [{"identity": {"user": {"id": "u1"}}, "extra": {"b": []}}]
    }


def test_communications_identity_set_declares_and_types_its_members() -> None:
    identity = {
        "@odata.type": "#microsoft.graph.communicationsIdentitySet",
        "Phone": {"@odata.type": "#microsoft.graph.communicationsPhoneIdentity", "Id": 15551234},
        "Guest": {"@odata.type": "#microsoft.graph.communicationsGuestIdentity", "EMAIL": "g@x"},
        "EndpointType": "VOICEMAIL",
    }
    shaped = _invite({"Participants": {"Identity": identity}})["participants"][0]["identity"]
    assert shaped == {
        "@odata.type": "#microsoft.graph.communicationsIdentitySet",
        "phone": {"@odata.type": "#microsoft.graph.communicationsPhoneIdentity", "id": "15551234"},
        "guest": {"@odata.type": "#microsoft.graph.communicationsGuestIdentity", "email": "g@x"},
        "endpointType": "voicemail",
    }
    # The SDK knows no subtypes: with its casing, a subtype's keys go out as typed.
    verbatim = _invite({"Participants": {"Identity": identity}}, verbatim_undeclared_keys=True)
    assert verbatim["participants"][0]["identity"]["Guest"]["EMAIL"] == "g@x"
    assert verbatim["participants"][0]["identity"]["EndpointType"] == "VOICEMAIL"


def test_unknown_odata_types_shape_as_the_declared_type() -> None:
    user = {"@odata.type": "#microsoft.graph.emailIdentity", "Id": 1, "Email": "e"}
    shaped = _invite({"Participants": {"Identity": {"User": user}}})
    assert shaped["participants"][0]["identity"]["user"] == {
        "@odata.type": "#microsoft.graph.emailIdentity",
        "id": "1",
        "email": "e",
    }


def test_closed_types_and_integers_follow_the_schema() -> None:
    # No type of the request tree is closed or has integers; the rules still follow the schema.
    shaper = _Shaper("beta", verbatim=False)
    result_info = TYPES["resultInfo"]
    assert shaper.object({"CODE": 200, "subcode": 0}, result_info, "", 0) == {
        "code": 200,
        "subcode": 0,
    }
    with pytest.raises(BodyError, match="expected 32-bit integer, got '200'"):
        shaper.object({"Code": "200", "Subcode": 0}, result_info, "", 0)
    with pytest.raises(BodyError, match="is not a property of resultInfo") as caught:
        shaper.object({"Code": 1, "Subcode": 0, "Other": 1}, result_info, "ResultInfo", 0)
    assert caught.value.path == "ResultInfo.Other"


# -- malformed bodies -----------------------------------------------------------------------------

P = PARTICIPANT
COMMS_SET = "#microsoft.graph.communicationsIdentitySet"
MALFORMED = [
    ({"ClientContext": "x"}, "participants", "is required but missing"),
    ({"Participants": []}, "Participants", "must hold 1 to 5 items, not 0"),
    ({"Participants": [None]}, "Participants", "must hold 1 to 5 items, not 0"),
    ({"Participants": [P] * 6}, "Participants", "must hold 1 to 5 items, not 6"),
    ({"Participants": "abc"}, "Participants", "expected array of invitationParticipantInfo"),
    ({"Participants": ["abc"]}, "Participants[0]", "expected invitationParticipantInfo object"),
    ({"Participants": [P, 5]}, "Participants[1]", "got 5"),
    ({"Participants": [{"ReplacesCallId": "x"}]}, "Participants[0].identity", "is required"),
    ({"Participants": [{"Identity": {}}]}, "Participants[0].Identity", "names nobody"),
    (
        {"Participants": [{"Identity": {"@odata.type": "#microsoft.graph.identitySet"}}]},
        "Participants[0].Identity",
        "names nobody",
    ),
    (
        {"Participants": [{"Identity": {"User": "bob"}}]},
        "Participants[0].Identity.User",
        "expected identity object, got 'bob'",
    ),
    (
        {"Participants": [{"Identity": {"User": {"Id": ["x"]}}}]},
        "Participants[0].Identity.User.Id",
        "expected string, got array",
    ),
    (
        {"Participants": [{"Identity": {"User": {"Id": {"a": 1}}}}]},
        "Participants[0].Identity.User.Id",
        "expected string, got object",
    ),
    (
        {"Participants": [{"Identity": {"User": {"Id": True}}}]},
        "Participants[0].Identity.User.Id",
        "expected string, got True",
    ),
    ({"Participants": [{**P, "Hidden": "yes"}]}, "Participants[0].Hidden", "expected boolean"),
    ({"Participants": [{**P, "hidden": 1}]}, "Participants[0].hidden", "expected boolean, got 1"),
    (
        {"Participants": [{**P, "EndpointType": "phone"}]},
        "Participants[0].EndpointType",
        "expected one of " + ", ".join(ENUMS["endpointType"]),
    ),
    ({"Participants": [P], "ClientContext": "x" * 257}, "ClientContext", "longer than 256"),
    ({"Participants": [P], "ClientContext": True}, "ClientContext", "expected string, got True"),
    ({"Participants": [P], "ClientContext": float("inf")}, "ClientContext", "finite number"),
    ({"Participants": [P], "participants": [P]}, "participants", "differ only in case"),
    (
        {"Participants": [{"Identity": {"User": {"Id": "u", 1: "x"}}}]},
        "Participants[0].Identity.User",
        "keys must be strings",
    ),
    ({"Participants": [P], "Extra": {1, 2}}, "Extra", "expected a JSON value, got set"),
    ({"Participants": [P], "Extra": [b"x"]}, "Extra[0]", "got bytes"),
    ({"Participants": [P], "Extra": object()}, "Extra", "got object"),
    ({"Participants": [P], "Extra": float("nan")}, "Extra", "expected a finite number, got nan"),
    ({"Participants": [P], "Extra": 2**70}, "Extra", "expected a 64-bit integer"),
    ({"Participants": [P], "Extra": {"A": 1, "a": 2}}, "Extra.a", "differ only in case"),
    (
        {"Participants": [{"Identity": {"User": {"Id": "\ud800"}}}]},
        "Participants[0].Identity.User.Id",
        "lone surrogate",
    ),
    (
        {"Participants": [{"Identity": {"@odata.type": "#microsoft.graph.identity", "User": {}}}]},
        "Participants[0].Identity.@odata.type",
        "names a type that is not identitySet",
    ),
    (
        {"Participants": [{"Identity": {"@odata.type": 5, "User": {"Id": "u"}}}]},
        "Participants[0].Identity.@odata.type",
        "expected string, got 5",
    ),
    (
        {"Participants": [{"Identity": {"@odata.type": COMMS_SET, "Phone": "+1"}}]},
        "Participants[0].Identity.Phone",
        "expected identity object",
    ),
    (
        {"Participants": [{"Identity": {"@odata.type": COMMS_SET, "Phone": {"Id": 1.0j}}}]},
        "Participants[0].Identity.Phone.Id",
        "expected string, got complex",
    ),
]


@pytest.mark.parametrize(("body", "path", "fragment"), MALFORMED)
def test_malformed_bodies_name_the_path(body: dict[Any, Any], path: str, fragment: str) -> None:
    with pytest.raises(BodyError) as caught:
        _invite(body)
    error = caught.value
    assert error.path == path
    assert str(error).startswith(f"{path}: ")
    assert fragment in str(error)
    assert error.expected and error.got
    assert error.to_dict()["path"] == path


def test_keys_that_reach_the_wire_as_one_are_a_body_error() -> None:
    # Lower-casing "AΣ" alone gives a final sigma, lower-casing "AΣBc" whole does not.
    with pytest.raises(BodyError, match="differ only in case") as caught:
        _invite({"Participants": [P], "Extra": {"A\u03a3Bc": 1, "a\u03c2Bc": 2}})
    assert caught.value.path == "Extra.a\u03c2Bc"


def test_got_is_short_even_for_huge_values() -> None:
    with pytest.raises(BodyError) as caught:
        _invite({"Participants": [{**P, "Hidden": "y" * 1_000_000}]})
    assert len(caught.value.got) <= 40
    assert len(str(caught.value)) < 200


def _nest(depth: int, leaf: Any, *, as_list: bool = False) -> Any:
    value = leaf
    for _ in range(depth):
        value = [value] if as_list else {"Level": value}
    return value


@pytest.mark.parametrize("as_list", [False, True])
def test_deep_nesting_is_a_body_error(as_list: bool) -> None:
    _invite({"Participants": [P], "Extra": _nest(MAX_DEPTH - 5, 1, as_list=as_list)})
    with pytest.raises(BodyError, match=f"nested deeper than {MAX_DEPTH} levels") as caught:
        _invite({"Participants": [P], "Extra": _nest(10_000, 1, as_list=as_list)})
    assert caught.value.path.startswith("Extra")


def test_self_referencing_input_is_a_body_error() -> None:
    loop: dict[str, Any] = {}
    loop["Again"] = loop
    with pytest.raises(BodyError, match="nested deeper"):
        _invite({"Participants": [{"Identity": {"User": loop}}]})


# -- PowerShell view ------------------------------------------------------------------------------

BETA_RESPONSE = {
    "@odata.type": "#microsoft.graph.inviteParticipantsOperation",
    "id": "eec3812a-fdc3-4fb4-825c-a06c9f35414e",
    "status": "Running",
    "clientContext": "f2fa86af-3c51-4bc2-8fc0-475452d9764f",
    "resultInfo": None,
    "participants": [
        {
            "endpointType": None,
            "id": None,
            "replacesCallId": "a7ebfb2d-871e-419c-87af-27290b22e8db",
            "identity": {
                "user": {
                    "id": "278405a3-f568-4b3e-b684-009193463064",
                    "identityProvider": "AAD",
                    "tenantId": "72f988bf-86f1-41af-91ab-2d7cd011db47",
                },
                "application": None,
                "device": None,
                "phone": None,
            },
        }
    ],
}


def test_powershell_view_of_the_documented_response() -> None:
    view = powershell_view("inviteParticipantsOperation", BETA_RESPONSE)
    assert view == {
        "Id": "eec3812a-fdc3-4fb4-825c-a06c9f35414e",
        "ClientContext": "f2fa86af-3c51-4bc2-8fc0-475452d9764f",
        "ResultInfo": None,
        "Status": "Running",
        "Participants": [
            {
                "EndpointType": None,
                "Hidden": None,
                "Identity": {
                    "Application": None,
                    "Device": None,
                    "User": {
                        "DisplayName": None,
                        "Id": "278405a3-f568-4b3e-b684-009193463064",
                        "AdditionalProperties": {
                            "identityProvider": "AAD",
                            "tenantId": "72f988bf-86f1-41af-91ab-2d7cd011db47",
                        },
                    },
                    "AdditionalProperties": {"phone": None},
                },
                "ParticipantId": None,
                "RemoveFromDefaultAudioRoutingGroup": None,
                "ReplacesCallId": "a7ebfb2d-871e-419c-87af-27290b22e8db",
                "AdditionalProperties": {"id": None},
            }
        ],
        "AdditionalProperties": {"@odata.type": "#microsoft.graph.inviteParticipantsOperation"},
    }
    json.dumps(view)


def test_powershell_view_per_version_and_tolerance() -> None:
    participant = powershell_view("inviteParticipantsOperation", BETA_RESPONSE, "v1.0")[
        "Participants"
    ][0]
    assert "EndpointType" not in participant
    assert participant["AdditionalProperties"] == {"endpointType": None, "id": None}
    failed = {"status": "failed", "resultInfo": {"code": 500, "subCode": 7, "message": "m"}}
    view = powershell_view("commsOperation", failed)
    assert view["Status"] == "failed"
    assert view["ResultInfo"] == {
        "Code": 500,
        "Message": "m",
        "Subcode": 7,
        "AdditionalProperties": {},
    }
    assert powershell_view("resultInfo", {"code": 1, "x": [1]})["AdditionalProperties"] == {
        "x": [1]
    }
    odd = powershell_view("inviteParticipantsOperation", {"participants": "?", "resultInfo": 5})
    assert (odd["Participants"], odd["ResultInfo"]) == ("?", 5)
    with pytest.raises(ValueError, match="unknown Graph type"):
        powershell_view("notAGraphType", {})


# -- properties -----------------------------------------------------------------------------------

# Keys whose every spelling is the same property. The others (IdentityProvider, and Phone with all
# its keys: undeclared on the types the examples use) may only change their first letter's case.
DECLARED = {"participants", "clientcontext", "replacescallid", "participantid", "identity"}
DECLARED |= {"user", "id"}


def _recase(value: Any, rnd: random.Random, declared: bool = True) -> Any:
    if isinstance(value, list):
        return [_recase(item, rnd, declared) for item in value]
    if not isinstance(value, dict):
        return value
    recased = {}
    for key, item in value.items():
        is_declared = declared and key.lower() in DECLARED
        if "@" in key:
            new = key
        elif is_declared:
            new = "".join(c.upper() if rnd.random() < 0.5 else c.lower() for c in key)
        else:
            new = rnd.choice([key[0].lower(), key[0].upper()]) + key[1:]
        recased[new] = _recase(item, rnd, is_declared)
    return recased


@settings(max_examples=200, deadline=None)
@given(
    name=st.sampled_from(sorted(EXAMPLES)),
    rnd=st.randoms(use_true_random=False),
    version=st.sampled_from(["beta", "v1.0"]),
)
def test_any_key_casing_shapes_to_the_documented_json(
    name: str, rnd: random.Random, version: str
) -> None:
    params = _recase(EXAMPLES[name]["params"], rnd)
    assert _invite(params, api_version=version) == EXAMPLES[name]["documented"]


KEYS = st.one_of(
    st.sampled_from(
        [
            "Participants",
            "participants",
            "ClientContext",
            "Identity",
            "User",
            "Phone",
            "Id",
            "Hidden",
            "EndpointType",
            "ReplacesCallId",
            "@odata.type",
            "@ODATA.TYPE",
        ]
    ),
    st.text(max_size=6),
    st.integers(),
)
ODATA_TYPE_VALUES = st.sampled_from(
    [
        "#microsoft.graph.identity",
        "#microsoft.graph.identitySet",
        "#microsoft.graph.communicationsIdentitySet",
        "#microsoft.graph.invitationParticipantInfo",
    ]
)
JUNK = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(),
        st.text(max_size=8),
        st.sampled_from(["\ud800", "a\udfff"]),
        st.binary(max_size=3),
        st.complex_numbers(),
        st.sets(st.integers(), max_size=2),
        ODATA_TYPE_VALUES,
        st.sampled_from(["true", "False", "VOICEMAIL", "x" * 300]),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=6),
        st.tuples(children, children),
        st.dictionaries(KEYS, children, max_size=6),
    ),
    max_leaves=30,
)


ASCII_KEYS = st.text(alphabet=string.ascii_letters, min_size=1, max_size=8).map(lambda k: "X" + k)


def _distinct_ignoring_case(mapping: dict[str, Any]) -> bool:
    return len({key.lower() for key in mapping}) == len(mapping)


JSON_VALUES = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(2**63), 2**63 - 1),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=10),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(ASCII_KEYS, children, max_size=3).filter(_distinct_ignoring_case),
    ),
    max_leaves=10,
)
IDENTITY = st.fixed_dictionaries(
    {"Id": st.one_of(st.text(max_size=20), st.integers(0, 10**12))},
    optional={
        "@odata.type": st.just("#microsoft.graph.identity"),
        "DisplayName": st.text(max_size=10),
        "IdentityProvider": st.sampled_from(["AAD", "aad"]),
        "TenantId": st.uuids().map(str),
    },
)
IDENTITY_SET = st.dictionaries(
    st.sampled_from(["User", "Application", "Device", "Phone", "Guest", "OnPremises"]),
    IDENTITY,
    min_size=1,
).map(lambda ids: {"@odata.type": "#microsoft.graph.identitySet", **ids})
ENDPOINT_TYPES = st.sampled_from(ENUMS["endpointType"]).flatmap(
    lambda member: st.sampled_from([member, member.upper(), member.lower()])
)
PARTICIPANT_ST = st.fixed_dictionaries(
    {"Identity": IDENTITY_SET},
    optional={
        "@odata.type": st.just("#microsoft.graph.invitationParticipantInfo"),
        "ReplacesCallId": st.one_of(st.uuids().map(str), st.integers(0, 99)),
        "ParticipantId": st.text(max_size=10),
        "Hidden": st.one_of(st.booleans(), st.sampled_from(["true", "FALSE", "True"])),
        "RemoveFromDefaultAudioRoutingGroup": st.booleans(),
        "EndpointType": ENDPOINT_TYPES,
        "Extra": JSON_VALUES,
        "XKey": JSON_VALUES,
    },
)
VALID_BODIES = st.fixed_dictionaries(
    {"Participants": st.one_of(PARTICIPANT_ST, st.lists(PARTICIPANT_ST, min_size=1, max_size=5))},
    optional={"ClientContext": st.text(max_size=256)},
)


WIRE_PARAMETERS = {"participants", "clientContext"}


def _inject(value: Any, junk: Any, key: Any, rnd: random.Random) -> Any:
    """`value` with junk put somewhere along a random path: replacing a value, or under `key`."""
    if isinstance(value, dict) and value and rnd.random() < 0.8:
        if rnd.random() < 0.2:
            return {**value, key: junk}
        picked = rnd.choice(list(value))
        return {**value, picked: _inject(value[picked], junk, key, rnd)}
    if isinstance(value, list) and value and rnd.random() < 0.8:
        picked = rnd.randrange(len(value))
        return [_inject(v, junk, key, rnd) if i == picked else v for i, v in enumerate(value)]
    return junk


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    junk=JUNK,
    valid=VALID_BODIES,
    key=KEYS,
    rnd=st.randoms(use_true_random=False),
    version=st.sampled_from(["beta", "v1.0"]),
    verbatim=st.booleans(),
)
def test_junk_is_shaped_or_a_body_error(
    junk: Any, valid: dict[str, Any], key: Any, rnd: random.Random, version: str, verbatim: bool
) -> None:
    options = {"api_version": version, "verbatim_undeclared_keys": verbatim}
    for attempt in (
        {"body": junk},
        {"participants": junk},
        {"body": _inject(valid, junk, key, rnd)},
    ):
        try:
            request = build_invite_request(CALL, **attempt, **options)
        except BodyError as error:
            assert len(error.got) <= 40
            continue
        json.dumps(request.body, allow_nan=False).encode("utf-8")
        # With the SDK's casing, a body can be as wrong as the SDK's; top-level extras are 400s.
        if not verbatim and all(k in WIRE_PARAMETERS or "@" in k for k in request.body):
            check_wire_body(request.body, version)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=VALID_BODIES)
def test_what_shaping_accepts_the_wire_accepts_and_reshaping_keeps(body: dict[str, Any]) -> None:
    shaped = _invite(body)
    json.dumps(shaped, allow_nan=False).encode("utf-8")
    check_wire_body(shaped, "beta")
    assert _invite(shaped) == shaped
    assert _invite(json.dumps(body)) == shaped
