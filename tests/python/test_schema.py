"""The schema tables: the invite constraints, the version difference, and agreement with the
reference model (graph-beta-schema.json, generated from the beta Python SDK) when it is at hand."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bridge._schema import API_VERSIONS, ENUMS, INVITE_BODY, ODATA_TYPES, TYPES, GraphType

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference" / "graph-beta-schema.json"
# The invite's surface, which the reference model describes too.
GRAPH_TYPES = [
    "azureCommunicationServicesUserIdentity",
    "commsOperation",
    "communicationsApplicationIdentity",
    "communicationsApplicationInstanceIdentity",
    "communicationsEncryptedIdentity",
    "communicationsGuestIdentity",
    "communicationsIdentitySet",
    "communicationsPhoneIdentity",
    "communicationsUserIdentity",
    "entity",
    "identity",
    "identitySet",
    "invitationParticipantInfo",
    "inviteParticipantsOperation",
    "resultInfo",
]
# The reference's writer for each kind of property.
WRITERS = {
    "str_value": ("string", False),
    "bool_value": ("boolean", False),
    "int_value": ("int32", False),
    "enum_value": ("enum", False),
    "object_value": ("object", False),
    "collection_of_object_values": ("object", True),
}


@pytest.fixture(scope="module")
def reference() -> dict[str, Any]:
    if not REFERENCE.exists():
        pytest.skip(f"{REFERENCE} is not at hand")
    return json.loads(REFERENCE.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _pascal(name: str) -> str:
    return name[0].upper() + name[1:]


def _camel(name: str) -> str:
    return name[0].lower() + name[1:]


@pytest.mark.parametrize("name", GRAPH_TYPES)
def test_beta_types_match_the_reference_model(reference: dict[str, Any], name: str) -> None:
    gtype = TYPES[name]
    model = reference[_pascal(name)]
    ours = {p.name: (p.kind, p.collection, p.type) for p in gtype.properties.values()}
    theirs = {}
    for prop_name, prop in model["properties"].items():
        if prop_name == "@odata.type":  # the Python SDK models it; Graph declares no such property
            continue
        kind, collection = WRITERS[prop["writer"]]
        # "Optional[IdentitySet]", "Optional[list[InvitationParticipantInfo]]" -> the type's name
        target = prop["annotation"].removeprefix("Optional[").removeprefix("list[").rstrip("]")
        theirs[prop_name] = (kind, collection, _camel(target) if kind in {"object", "enum"} else "")
    assert ours == theirs
    assert [_camel(b) for b in model["bases"][:1]] == ([gtype.base.name] if gtype.base else [])


@pytest.mark.parametrize("name", [n for n in GRAPH_TYPES if TYPES[n].base is not None])
def test_every_subtype_is_one_the_reference_lists(reference: dict[str, Any], name: str) -> None:
    gtype = TYPES[name]
    assert gtype.base is not None
    assert gtype.odata_type in reference[_pascal(gtype.base.name)]["discriminator_subtypes"]


def test_enums_match_the_reference_model(reference: dict[str, Any]) -> None:
    described = [name for name in ENUMS if _pascal(name) in reference]
    assert {"endpointType", "operationStatus", "callState"} <= set(described)
    for name in described:
        assert list(ENUMS[name]) == reference[_pascal(name)]["enum"]


def test_only_invitation_participant_info_endpoint_type_is_beta_only() -> None:
    surface = [TYPES[name] for name in GRAPH_TYPES]
    beta_only = [(t.name, p.name) for t in surface for p in t.properties.values() if p.beta_only]
    assert beta_only == [("invitationParticipantInfo", "endpointType")]
    assert API_VERSIONS == ("beta", "v1.0")


def test_the_request_tree_is_open_and_result_info_is_closed() -> None:
    request_types = [
        "invitePostRequestBody",
        "invitationParticipantInfo",
        "identitySet",
        "communicationsIdentitySet",
        "identity",
        "communicationsUserIdentity",
        "communicationsApplicationIdentity",
        "communicationsApplicationInstanceIdentity",
        "communicationsPhoneIdentity",
        "communicationsGuestIdentity",
        "communicationsEncryptedIdentity",
        "azureCommunicationServicesUserIdentity",
    ]
    assert all(TYPES[name].open for name in request_types)
    assert not TYPES["resultInfo"].open


def test_odata_type_selects_derived_types() -> None:
    identity_set = TYPES["identitySet"]
    communications = ODATA_TYPES["#microsoft.graph.communicationsIdentitySet"]
    assert communications.is_a(identity_set)
    assert not identity_set.is_a(communications)
    assert "phone" in communications.properties
    assert "phone" not in identity_set.properties
    assert communications.properties["user"] is identity_set.properties["user"]
    identity = TYPES["identity"]
    subtypes = [t for t in ODATA_TYPES.values() if t.base is identity]
    assert len(subtypes) == 7
    assert [TYPES[name] for name in identity.derived] == sorted(subtypes, key=lambda t: t.name)
    assert TYPES["inviteParticipantsOperation"].is_a(TYPES["commsOperation"])
    assert INVITE_BODY not in ODATA_TYPES.values()


def test_invite_constraints_are_recorded() -> None:
    participants = INVITE_BODY.properties["participants"]
    assert (participants.required, participants.min_items, participants.max_items) == (True, 1, 5)
    assert INVITE_BODY.properties["clientContext"].max_length == 256
    identity = TYPES["invitationParticipantInfo"].properties["identity"]
    assert identity.required and identity.names_identity
    assert [p.name for p in INVITE_BODY.required] == ["participants"]


def test_case_insensitive_lookup_and_sdk_names() -> None:
    info: GraphType = TYPES["invitationParticipantInfo"]
    assert info.by_lower["removefromdefaultaudioroutinggroup"].name == (
        "removeFromDefaultAudioRoutingGroup"
    )
    assert [p.sdk_name for p in TYPES["resultInfo"].properties.values()] == [
        "Code",
        "Message",
        "Subcode",
    ]
    operation = TYPES["inviteParticipantsOperation"]
    assert list(operation.properties) == [
        "id",
        "clientContext",
        "resultInfo",
        "status",
        "participants",
    ]
