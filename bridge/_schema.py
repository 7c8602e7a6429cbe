"""The Graph types of the participants/invite surface, for both API versions.

One description, read by shaping, by the sandbox's validation and by the PowerShell output objects.
Transcribed from the v1.0 and beta CSDL (graph-invite-spec.md §2, §3.2); tests/python/test_schema.py
checks it against graph-beta-schema.json. The versions differ only in
`invitationParticipantInfo.endpointType`, which beta declares and v1.0 does not. (The US Gov
clouds' older v1.0 model, with fewer participant properties, is not described.)

Every type of the request tree is open (CSDL ``OpenType="true"``): it accepts undeclared, dynamic
properties. An ``@odata.type`` annotation naming a derived type (`ODATA_TYPES`) selects that type,
e.g. ``#microsoft.graph.communicationsIdentitySet`` on `invitationParticipantInfo.identity` declares
`phone`, `guest`, ... besides `identitySet`'s `application`, `device` and `user`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final, Literal

__all__ = [
    "API_VERSIONS",
    "ENUMS",
    "INVITE_BODY",
    "ODATA_TYPES",
    "TYPES",
    "GraphType",
    "Kind",
    "Property",
]

API_VERSIONS: Final = ("beta", "v1.0")

Kind = Literal["string", "boolean", "int32", "enum", "object"]


@dataclass(frozen=True, slots=True)
class Property:
    """A declared property, under its wire (camelCase) name."""

    name: str
    kind: Kind
    type: str = ""  # the enum or complex type, for kinds "enum" and "object"
    collection: bool = False
    required: bool = False  # CSDL Nullable="false"
    beta_only: bool = False
    max_length: int | None = None
    min_items: int = 0
    max_items: int | None = None
    # The identitySet of an invited participant must name someone: at least one member that is an
    # object (`user`, `phone`, ...), not only annotations.
    names_identity: bool = False
    sdk_name: str = field(init=False)  # the SDK model's PascalCase property name

    def __post_init__(self) -> None:
        object.__setattr__(self, "sdk_name", self.name[:1].upper() + self.name[1:])


@dataclass(frozen=True, slots=True)
class GraphType:
    """A complex or entity type: its declared properties, inherited ones included."""

    name: str
    properties: Mapping[str, Property]  # by wire name, in CSDL order
    base: GraphType | None = None
    open: bool = True
    by_lower: Mapping[str, Property] = field(init=False)  # by lower-cased name, for input matching
    required: tuple[Property, ...] = field(init=False)

    def __post_init__(self) -> None:
        lowered = {name.lower(): prop for name, prop in self.properties.items()}
        object.__setattr__(self, "by_lower", MappingProxyType(lowered))
        required = tuple(p for p in self.properties.values() if p.required)
        object.__setattr__(self, "required", required)

    @property
    def odata_type(self) -> str:
        return f"#microsoft.graph.{self.name}"

    def is_a(self, other: GraphType) -> bool:
        """True when this type is `other` or derives from it."""
        t: GraphType | None = self
        while t is not None:
            if t is other:
                return True
            t = t.base
        return False

    def derive(self, name: str, *props: Property, open: bool = True) -> GraphType:
        inherited = {**self.properties, **{p.name: p for p in props}}
        return GraphType(name, MappingProxyType(inherited), base=self, open=open)


def _type(name: str, *props: Property, open: bool = True) -> GraphType:
    return GraphType(name, MappingProxyType({p.name: p for p in props}), open=open)


def _string(name: str, *, required: bool = False, max_length: int | None = None) -> Property:
    return Property(name, "string", required=required, max_length=max_length)


def _boolean(name: str) -> Property:
    return Property(name, "boolean")


def _int32(name: str, *, required: bool = False) -> Property:
    return Property(name, "int32", required=required)


def _identity(name: str) -> Property:
    return Property(name, "object", "identity")


ENUMS: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        "endpointType": (
            "default",
            "voicemail",
            "skypeForBusiness",
            "skypeForBusinessVoipPhone",
            "unknownFutureValue",
        ),
        # PascalCase members in the CSDL; responses say "Running", notifications "completed".
        "operationStatus": ("NotStarted", "Running", "Completed", "Failed"),
    }
)

_IDENTITY = _type("identity", _string("displayName"), _string("id"))
_IDENTITY_SET = _type(
    "identitySet", _identity("application"), _identity("device"), _identity("user")
)
_INVITATION_PARTICIPANT_INFO = _type(
    "invitationParticipantInfo",
    Property("endpointType", "enum", "endpointType", beta_only=True),
    _boolean("hidden"),
    Property("identity", "object", "identitySet", required=True, names_identity=True),
    _string("participantId"),
    _boolean("removeFromDefaultAudioRoutingGroup"),
    _string("replacesCallId"),
)
_PARTICIPANTS = Property(
    "participants",
    "object",
    "invitationParticipantInfo",
    collection=True,
    required=True,
    min_items=1,
    max_items=5,  # "Inviting up to 5 participants is supported."
)
_CLIENT_CONTEXT = _string("clientContext", max_length=256)  # "Max limit is 256 chars."
_ENTITY = _type("entity", _string("id", required=True))
_COMMS_OPERATION = _ENTITY.derive(
    "commsOperation",
    _CLIENT_CONTEXT,
    Property("resultInfo", "object", "resultInfo"),
    Property("status", "enum", "operationStatus", required=True),
)

# The body of POST .../participants/invite: the action's parameters. Not a Graph type, so no
# @odata.type selects it. Open, as the SDK's body model takes any key (the wire: check_wire_body).
INVITE_BODY: Final = _type("invitePostRequestBody", _PARTICIPANTS, _CLIENT_CONTEXT)

_GRAPH_TYPES = (
    _IDENTITY,
    _IDENTITY.derive("communicationsUserIdentity", _string("tenantId")),
    _IDENTITY.derive(
        "communicationsApplicationIdentity", _string("applicationType"), _boolean("hidden")
    ),
    _IDENTITY.derive(
        "communicationsApplicationInstanceIdentity", _boolean("hidden"), _string("tenantId")
    ),
    _IDENTITY.derive("communicationsPhoneIdentity"),
    _IDENTITY.derive("communicationsGuestIdentity", _string("email")),
    _IDENTITY.derive("communicationsEncryptedIdentity"),
    _IDENTITY.derive(
        "azureCommunicationServicesUserIdentity", _string("azureCommunicationServicesResourceId")
    ),
    _IDENTITY_SET,
    _IDENTITY_SET.derive(
        "communicationsIdentitySet",
        _identity("applicationInstance"),
        _identity("assertedIdentity"),
        _identity("azureCommunicationServicesUser"),
        _identity("encrypted"),
        Property("endpointType", "enum", "endpointType"),
        _identity("guest"),
        _identity("onPremises"),
        _identity("phone"),
    ),
    _INVITATION_PARTICIPANT_INFO,
    _type(
        "resultInfo",
        _int32("code", required=True),
        _string("message"),
        _int32("subcode", required=True),
        open=False,
    ),
    _ENTITY,
    _COMMS_OPERATION,
    _COMMS_OPERATION.derive(
        "inviteParticipantsOperation",
        Property(
            "participants", "object", "invitationParticipantInfo", collection=True, required=True
        ),
    ),
)

TYPES: Final[Mapping[str, GraphType]] = MappingProxyType(
    {t.name: t for t in (*_GRAPH_TYPES, INVITE_BODY)}
)
ODATA_TYPES: Final[Mapping[str, GraphType]] = MappingProxyType(
    {t.odata_type: t for t in _GRAPH_TYPES}
)
