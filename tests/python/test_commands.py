"""Shaping the requests of the calls family: which operation the ids select, ids, bodies, query
options, and the errors for bad input (nothing is sent: these build requests only)."""

from __future__ import annotations

from typing import Any

import pytest

from bridge import BodyError
from bridge._schema import COMMANDS
from bridge._shape import build_command_request, check_wire_request

CALL = {
    "@odata.type": "#microsoft.graph.call",
    "CallbackUri": "https://bot.contoso.com/callback",
    "Targets": [
        {
            "@odata.type": "#microsoft.graph.invitationParticipantInfo",
            "Identity": {"User": {"DisplayName": "John", "Id": "112f7296"}},
        }
    ],
    "RequestedModalities": ["AUDIO"],
    "MediaConfig": {"@odata.type": "#microsoft.graph.serviceHostedMediaConfig"},
}


def test_the_ids_choose_between_list_and_get() -> None:
    listed = build_command_request("Get-MgCommunicationCallParticipant", ids={"CallId": "c1"})
    got = build_command_request(
        "Get-MgCommunicationCallParticipant", ids={"callid": "c1", "PARTICIPANTID": "p 1"}
    )
    assert (listed.command.variant, listed.path) == (
        "List",
        "/v1.0/communications/calls/c1/participants",
    )
    assert (got.command.variant, got.path) == (
        "Get",
        "/v1.0/communications/calls/c1/participants/p%201",
    )
    assert listed.body is None and got.query == {}


def test_input_object_holds_the_ids_in_any_casing() -> None:
    request = build_command_request(
        "Invoke-MgBetaMuteCommunicationCallParticipant",
        input_object={"callID": "c1", "ParticipantId": "p1", "Other": 1},
        expanded={"ClientContext": "ctx"},
    )
    assert request.path == "/beta/communications/calls/c1/participants/p1/mute"
    assert request.body == {"clientContext": "ctx"}
    with pytest.raises(BodyError, match=r"null value for InputObject\.ParticipantId"):
        build_command_request(
            "Invoke-MgBetaMuteCommunicationCallParticipant", input_object={"CallId": "c1"}
        )


@pytest.mark.parametrize(
    ("ids", "path", "message"),
    [
        ({}, "CallId", "the call id is required"),
        ({"CallId": "c", "Foo": "x"}, "Foo", "is not an id of"),
        ({"CallId": "a/b"}, "CallId", "holds a slash"),
        ({"CallId": ".."}, "CallId", "is not a call id"),
        ({"CallId": "  "}, "CallId", "is blank"),
    ],
)
def test_bad_ids_are_named(ids: dict[str, Any], path: str, message: str) -> None:
    with pytest.raises(BodyError, match=message) as caught:
        build_command_request("Get-MgBetaCommunicationCallParticipant", ids=ids)
    assert caught.value.path == path


def test_a_body_goes_out_in_graph_casing_with_enum_members_as_declared() -> None:
    request = build_command_request("New-MgBetaCommunicationCall", body=CALL)
    assert request.path == "/beta/communications/calls"
    assert request.body == {
        "@odata.type": "#microsoft.graph.call",
        "callbackUri": "https://bot.contoso.com/callback",
        "targets": [
            {
                "@odata.type": "#microsoft.graph.invitationParticipantInfo",
                "identity": {"user": {"displayName": "John", "id": "112f7296"}},
            }
        ],
        "requestedModalities": ["audio"],
        "mediaConfig": {"@odata.type": "#microsoft.graph.serviceHostedMediaConfig"},
    }


def test_keys_a_derived_type_declares_are_shaped_by_that_declaration() -> None:
    # identitySet does not declare phone; communicationsIdentitySet, derived from it, does.
    body = {"Targets": [{"Identity": {"Phone": {"Id": 12345678901}}}]}
    shaped = build_command_request("New-MgCommunicationCall", body=body).body
    assert shaped == {"targets": [{"identity": {"phone": {"id": "12345678901"}}}]}
    with pytest.raises(BodyError, match="expected string, got object") as caught:
        build_command_request(
            "New-MgCommunicationCall", body={"Targets": [{"Identity": {"Phone": {"Id": {"x": 1}}}}]}
        )
    assert caught.value.path == "Targets[0].Identity.Phone.Id"


def test_verbatim_keys_keep_the_sdk_casing_and_types() -> None:
    body = {"Targets": [{"Identity": {"Phone": {"Id": 12345678901}}}]}
    shaped = build_command_request(
        "New-MgCommunicationCall", body=body, verbatim_undeclared_keys=True
    ).body
    assert shaped == {"targets": [{"identity": {"Phone": {"Id": 12345678901}}}]}


@pytest.mark.parametrize(
    ("name", "ids", "body", "path", "expected"),
    [
        ("New-MgBetaCommunicationCall", {}, {"RequestedModalities": ["audio", 5]},
         "RequestedModalities[1]", "expected array of modality"),
        ("New-MgBetaCommunicationCall", {}, {"MediaConfig": "x"},
         "MediaConfig", "mediaConfig object"),
        ("Invoke-MgAnswerCommunicationCall", {"CallId": "c"},
         {"CallOptions": {"@odata.type": "#microsoft.graph.incomingCallOptions",
                          "IsContentSharingNotificationEnabled": "maybe"}},
         "CallOptions.IsContentSharingNotificationEnabled", "expected boolean"),
        ("Move-MgCommunicationCall", {"CallId": "c"},
         {"TransferTarget": {"Identity": {"User": {"Id": 7, "DisplayName": ["x"]}}}},
         "TransferTarget.Identity.User.DisplayName", "expected string"),
        ("Invoke-MgBetaRecordCommunicationCallResponse", {"CallId": "c"},
         {"MaxRecordDurationInSeconds": "ten"},
         "MaxRecordDurationInSeconds", "32-bit integer"),
        ("Invoke-MgRejectCommunicationCall", {"CallId": "c"}, {"Reason": "bored"},
         "Reason", "one of"),
        ("Update-MgCommunicationCallAudioRoutingGroup", {"CallId": "c", "AudioRoutingGroupId": "a"},
         {"Receivers": "p1"}, "Receivers", "array"),
        ("Invoke-MgMuteCommunicationCallParticipant", {"CallId": "c", "ParticipantId": "p"},
         {"ClientContext": ["x"]}, "ClientContext", "expected string"),
    ],
)  # fmt: skip
def test_wrong_typed_values_anywhere_are_named_before_sending(
    name: str, ids: dict[str, str], body: dict[str, Any], path: str, expected: str | None
) -> None:
    with pytest.raises(BodyError, match=expected or "expected") as caught:
        build_command_request(name, ids=ids, body=body)
    assert caught.value.path == path


def test_the_version_of_the_command_decides_the_path_and_both_declare_the_properties() -> None:
    participant = {"Identity": {"User": {"Id": "u"}}, "EndpointType": "voicemail"}
    beta = build_command_request(
        "Invoke-MgBetaInviteCommunicationCallParticipant",
        ids={"CallId": "c"},
        body={"Participants": [participant]},
    )
    assert beta.body == {
        "participants": [{"identity": {"user": {"id": "u"}}, "endpointType": "voicemail"}]
    }
    v1 = build_command_request(
        "Invoke-MgInviteCommunicationCallParticipant",
        ids={"CallId": "c"},
        body={"Participants": [participant]},
    )
    assert v1.path.startswith("/v1.0/") and v1.body == beta.body


def test_the_expanded_form_and_its_additional_properties() -> None:
    request = build_command_request(
        "Invoke-MgBetaPlayCommunicationCallPrompt",
        ids={"CallId": "c"},
        expanded={"ClientContext": "x", "AdditionalProperties": {"LoopCount": 2}},
    )
    assert request.body == {"clientContext": "x", "loopCount": 2}
    with pytest.raises(BodyError, match="both as -ClientContext and in AdditionalProperties"):
        build_command_request(
            "Invoke-MgBetaPlayCommunicationCallPrompt",
            ids={"CallId": "c"},
            expanded={"ClientContext": "x", "AdditionalProperties": {"clientcontext": "y"}},
        )
    with pytest.raises(BodyError, match="cannot be combined"):
        build_command_request(
            "Invoke-MgBetaPlayCommunicationCallPrompt",
            ids={"CallId": "c"},
            body={},
            expanded={"ClientContext": "x"},
        )


def test_bodies_of_commands_without_one_are_refused() -> None:
    request = build_command_request("Invoke-MgKeepCommunicationCallAlive", ids={"CallId": "c"})
    assert (request.command.method, request.path, request.body) == (
        "POST",
        "/v1.0/communications/calls/c/keepAlive",
        None,
    )
    with pytest.raises(BodyError, match="takes no request body"):
        build_command_request("Invoke-MgKeepCommunicationCallAlive", ids={"CallId": "c"}, body={})


def test_query_options_by_any_of_their_names() -> None:
    request = build_command_request(
        "Get-MgCommunicationCall",
        query={"Top": 5, "$skip": 2, "filter": "state eq 'established'", "Select": ["id", "state"],
               "count": True, "sort": "id"},
    )  # fmt: skip
    assert request.query == {
        "$top": "5",
        "$skip": "2",
        "$filter": "state eq 'established'",
        "$select": "id,state",
        "$count": "true",
        "$orderby": "id",
    }
    with pytest.raises(BodyError, match="is not a query option") as caught:
        build_command_request("Get-MgCommunicationCall", ids={"CallId": "c"}, query={"top": 1})
    assert caught.value.path == "top"
    with pytest.raises(BodyError, match="a whole number"):
        build_command_request("Get-MgCommunicationCall", query={"top": -1})


def test_unknown_commands_are_named() -> None:
    with pytest.raises(BodyError, match="is not a command of the calls family"):
        build_command_request("Get-MgUser")


def test_the_wire_check_types_every_body_and_closes_only_the_invite() -> None:
    mute = COMMANDS["Invoke-MgMuteCommunicationCallParticipant"][0]
    check_wire_request(mute, {"clientContext": "c", "languageId": "x"})
    with pytest.raises(BodyError, match="expected string"):
        check_wire_request(mute, {"clientContext": 5})
    invite = COMMANDS["Invoke-MgInviteCommunicationCallParticipant"][0]
    with pytest.raises(BodyError, match="is not a parameter of the invite action"):
        check_wire_request(invite, {"participants": [], "ClientContext": "c"})
    create = COMMANDS["New-MgCommunicationCall"][0]
    check_wire_request(create, {"callbackUri": "https://x", "anything": {"open": True}})
    with pytest.raises(BodyError, match="expected string"):
        check_wire_request(create, {"callbackUri": 5})
