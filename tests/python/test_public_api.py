"""The public surface of `bridge` changes only on purpose (after httpx's test_exported_members)."""

from __future__ import annotations

import inspect
import subprocess
import sys

import bridge

PUBLIC = [
    "AsyncInviteBatch",
    "AsyncSession",
    "AuthError",
    "BodyError",
    "BridgeError",
    "GraphError",
    "InviteBatch",
    "InviteResult",
    "Operation",
    "PlannedRequest",
    "Session",
    "TransportError",
    "__version__",
    "compare_transcripts",
    "connect",
    "connect_async",
    "read_sdk_debug",
]


def test_all_imports_are_exported() -> None:
    included_private_members = ["__version__"]
    # The asyncio and bulk names are imported on first use; the rest when bridge is.
    imported = {
        member
        for member, value in vars(bridge).items()
        # Subpackages (bridge.sandbox) appear here once imported; they are not re-exports.
        if (not member.startswith("_") or member in included_private_members)
        and not inspect.ismodule(value)
    }
    assert bridge.__all__ == sorted(imported | set(bridge._LAZY))


def test_the_public_surface_is_the_documented_one() -> None:
    assert bridge.__all__ == PUBLIC


def test_public_objects_say_they_live_in_bridge() -> None:
    for name in bridge.__all__:
        obj = getattr(bridge, name)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            assert obj.__module__ == "bridge", name


def test_one_exception_tree() -> None:
    for name in ("AuthError", "BodyError", "GraphError", "TransportError"):
        assert issubclass(getattr(bridge, name), bridge.BridgeError)


def test_connect_signature() -> None:
    parameters = inspect.signature(bridge.connect).parameters
    assert next(iter(parameters)) == "environment"
    assert parameters["environment"].default == "Global"
    keyword_only = {name: p.default for name, p in parameters.items() if p.kind is p.KEYWORD_ONLY}
    assert keyword_only == {
        "proxy": None,
        "timeout": 30.0,
        "connect_timeout": 10.0,
        "max_retry": 3,
        "retry_delay": 3.0,
        "retries_time_limit": None,
        "verbatim_undeclared_keys": None,
        "null_as_empty_string": None,
        "record": None,
    }
    assert parameters["credentials"].kind is inspect.Parameter.VAR_KEYWORD


def test_connect_async_takes_what_connect_takes() -> None:
    assert inspect.iscoroutinefunction(bridge.connect_async)
    sync = inspect.signature(bridge.connect).parameters
    asynchronous = inspect.signature(bridge.connect_async).parameters
    assert [(p.name, p.kind, p.default) for p in asynchronous.values()] == [
        (p.name, p.kind, p.default) for p in sync.values()
    ]


def test_async_session_mirrors_the_session() -> None:
    for name in ("invite", "get_operation", "wait_operation", "aclose"):
        assert inspect.iscoroutinefunction(getattr(bridge.AsyncSession, name)), name
    for name in ("invite", "get_operation", "wait_operation"):
        sync = inspect.signature(getattr(bridge.Session, name)).parameters
        asynchronous = inspect.signature(getattr(bridge.AsyncSession, name)).parameters
        assert list(asynchronous) == list(sync), name
    sync_many = inspect.signature(bridge.Session.invite_many).parameters
    async_many = inspect.signature(bridge.AsyncSession.invite_many).parameters
    assert (
        list(async_many)
        == list(sync_many)
        == [
            "self",
            "items",
            "concurrency",
            "ordered",
            "on_send",
        ]
    )


def test_session_methods() -> None:
    for name in ("invite", "get_operation", "wait_operation", "close", "context"):
        assert callable(getattr(bridge.Session, name)), name
    invite = inspect.signature(bridge.Session.invite).parameters
    assert list(invite) == [
        "self",
        "call_id",
        "body",
        "participants",
        "client_context",
        "additional_properties",
        "input_object",
        "api_version",
        "headers",
        "what_if",
    ]
    assert invite["api_version"].default == "beta"


def test_operation_reads_the_graph_json() -> None:
    data = {
        "@odata.type": "#microsoft.graph.inviteParticipantsOperation",
        "id": "eec3812a-fdc3-4fb4-825c-a06c9f35414e",
        "status": "Running",
        "clientContext": "f2fa86af-3c51-4bc2-8fc0-475452d9764f",
        "resultInfo": None,
        "participants": [{"replacesCallId": None}],
    }
    op = bridge.Operation(dict(data), call_id="c1", response_headers={"request-id": "r"})
    assert op.id == data["id"]
    assert op.status == "Running"
    assert op.done is False
    assert op.client_context == data["clientContext"]
    assert op.result_info is None
    assert op.participants == [{"replacesCallId": None}]
    assert op.response_headers["request-id"] == "r"
    assert op.to_dict() == data
    assert repr(op) == f"Operation(id={data['id']!r}, status='Running')"
    assert bridge.Operation({"status": "completed"}).done
    assert bridge.Operation({"status": "Failed"}).done
    assert bridge.Operation({}).participants == []


def test_planned_request_is_plain_data() -> None:
    plan = bridge.PlannedRequest("POST", "https://x/beta/y", {"A": "b"}, {"participants": []})
    assert plan.to_dict() == {
        "method": "POST",
        "url": "https://x/beta/y",
        "headers": {"A": "b"},
        "body": {"participants": []},
    }


def test_import_bridge_does_not_load_msal_or_cryptography() -> None:
    code = (
        "import sys, bridge, bridge._cli; "
        "print(sorted(m for m in ('msal', 'cryptography', 'bridge._auth') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
