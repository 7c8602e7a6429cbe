"""The help page's seven invite examples from Python, with the same dicts as the PowerShell ones.

Run against a running sandbox (`mgbridge sandbox`, or Start-MgBridgeSandbox; the state file is
found as usual, through MGBRIDGE_SANDBOX_STATE), or with none: then one is started in this
process for the run. Each example invites into a fresh call of the sandbox; the call that the
examples replace (a7ebfb2d-...) holds the participant that example 6 moves. As the PowerShell demo
(examples/Invoke-Demo.ps1) does, all seven invite first, then each operation is read until it
has finished, so the two runs send the same requests: with MGBRIDGE_RECORD set to a file, the
core records them there, and `mgbridge transcript diff` compares that transcript with the demo's
(`Invoke-Demo.ps1 -Transcript FILE`).

    python examples/python/invite_examples.py
    MGBRIDGE_RECORD=python.jsonl python examples/python/invite_examples.py
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from typing import Any

import httpx

import bridge
from bridge.sandbox import Sandbox, load_state

REPLACED_CALL = "a7ebfb2d-871e-419c-87af-27290b22e8db"
MOVED_PARTICIPANT = "7d501bf1-5ee4-4605-ba92-0ae4513c611c"
MOVED_USER = "682b6c37-0729-4fab-ace6-d730d5d9137e"
CLIENT_CONTEXT = "f2fa86af-3c51-4bc2-8fc0-475452d9764f"


def user_participant(user_id: str, **extra: Any) -> dict[str, Any]:
    """One participant as the examples write it: a user (Entra ID) replacing REPLACED_CALL."""
    return {
        "@odata.type": "#microsoft.graph.invitationParticipantInfo",
        "ReplacesCallId": REPLACED_CALL,
        **extra,
        "Identity": {
            "@odata.type": "#microsoft.graph.identitySet",
            "User": {
                "@odata.type": "#microsoft.graph.identity",
                "Id": user_id,
                "IdentityProvider": "AAD",
            },
        },
    }


# Examples 1 to 3 of the help page are the same invitation.
EXAMPLE_1 = {
    "Participants": [user_participant("278405a3-f568-4b3e-b684-009193463064")],
    "ClientContext": CLIENT_CONTEXT,
}
EXAMPLES: dict[int, dict[str, Any]] = {
    1: EXAMPLE_1,
    2: EXAMPLE_1,
    3: EXAMPLE_1,
    4: {
        "Participants": [
            {
                "@odata.type": "#microsoft.graph.invitationParticipantInfo",
                "Identity": {
                    "@odata.type": "#microsoft.graph.identitySet",
                    "Phone": {"@odata.type": "#microsoft.graph.identity", "Id": "+12345678901"},
                },
            }
        ],
        "ClientContext": CLIENT_CONTEXT,
    },
    5: {
        "Participants": [user_participant("7e1b4346-85a6-4bdd-abe3-d11c5d420efe")],
        "ClientContext": CLIENT_CONTEXT,
    },
    6: {
        "Participants": [user_participant(MOVED_USER, ParticipantId=MOVED_PARTICIPANT)],
        "ClientContext": CLIENT_CONTEXT,
    },
    7: {
        "Participants": [
            user_participant("7e1b4346-85a6-4bdd-abe3-d11c5d420efe"),
            user_participant("1e126418-44a0-4a94-a6f8-0efe1ad71acb"),
        ],
        "ClientContext": CLIENT_CONTEXT,
    },
}


@contextlib.contextmanager
def running_sandbox() -> Iterator[dict[str, Any]]:
    """The running sandbox's state, or that of one started here for the run."""
    try:
        yield load_state()
        return
    except bridge.AuthError:
        pass
    with tempfile.TemporaryDirectory() as folder:
        state_file = os.path.join(folder, "sandbox.json")
        os.environ["MGBRIDGE_SANDBOX_STATE"] = state_file
        with Sandbox(state_file=state_file) as sandbox:
            yield sandbox.state


def main() -> None:
    with running_sandbox() as state, httpx.Client(verify=state["ca_file"]) as admin:
        # The admin API (no token, loopback only) sets the scene.
        moved = {"id": MOVED_PARTICIPANT, "identity": {"user": {"id": MOVED_USER}}}
        replaced = {"id": REPLACED_CALL, "participants": [moved]}
        admin.post(state["admin"] + "/calls", json=replaced).raise_for_status()
        with bridge.connect(environment="Sandbox") as session:
            operations = {}
            for number, params in EXAMPLES.items():
                call = admin.post(state["admin"] + "/calls", json={}).raise_for_status().json()
                operations[number] = session.invite(call["id"], body=params)
            for number, operation in operations.items():
                final = session.wait_operation(operation, timeout=10, interval=0.2)
                print(f"Example {number}: {operation.id} {operation.status} -> {final.status}")


if __name__ == "__main__":
    main()
