"""The PowerShell call flow (examples/powershell/CallFlow.ps1) ported to Python: place a group call,
invite two people, list the roster, mute one, remove the other, read the operations, hang up.

Run against a sandbox (`mgbridge sandbox &`) or any environment `bridge.connect` reaches:
    python examples/python/call_flow.py [ENVIRONMENT]
"""

from __future__ import annotations

import sys
import time

import bridge

CALL = {
    "@odata.type": "#microsoft.graph.call",
    "subject": "Weekly sync",
    "callbackUri": "https://bot.contoso.com/callback",
    "targets": [
        {
            "@odata.type": "#microsoft.graph.invitationParticipantInfo",
            "identity": {
                "@odata.type": "#microsoft.graph.identitySet",
                "user": {
                    "@odata.type": "#microsoft.graph.identity",
                    "displayName": "John",
                    "id": "112f7296-5fa4-42ca-bae8-6a692b15d4b8",
                },
            },
        },
        {
            "@odata.type": "#microsoft.graph.invitationParticipantInfo",
            "identity": {
                "@odata.type": "#microsoft.graph.identitySet",
                "user": {
                    "@odata.type": "#microsoft.graph.identity",
                    "displayName": "Jane",
                    "id": "98da8a1a-1b87-452c-a713-65d3f10b5555",
                },
            },
        },
    ],
    "requestedModalities": ["audio"],
    "mediaConfig": {"@odata.type": "#microsoft.graph.serviceHostedMediaConfig"},
}
ADELE = "278405a3-f568-4b3e-b684-009193463064"
BIANCA = "1e126418-44a0-4a94-a6f8-0efe1ad71acb"


def person(user_id: str, name: str) -> dict[str, object]:
    return {
        "@odata.type": "#microsoft.graph.invitationParticipantInfo",
        "Identity": {
            "@odata.type": "#microsoft.graph.identitySet",
            "User": {
                "@odata.type": "#microsoft.graph.identity",
                "Id": user_id,
                "DisplayName": name,
            },
        },
    }


def main(environment: str = "Sandbox") -> None:
    with bridge.connect(environment=environment) as session:
        created = session.calls.create(CALL)
        call = session.calls[created["id"]]
        print(f"Call {created['id']} is {created['state']}")
        deadline = time.monotonic() + 30
        while call.get()["state"] != "established":
            if time.monotonic() > deadline:
                raise SystemExit("The call was not established in time.")
            time.sleep(0.2)

        invitation = call.participants.invite(
            participants=[person(ADELE, "Adele"), person(BIANCA, "Bianca")],
            client_context="f2fa86af-3c51-4bc2-8fc0-475452d9764f",
        )
        print(f"Invitation {invitation.id} is {invitation.status}")
        invitation = session.wait_operation(invitation, timeout=30, interval=0.2)

        participants = call.participants.list()
        users = [p["info"]["identity"].get("user") or {} for p in participants]
        by_user = {user.get("id"): p for user, p in zip(users, participants, strict=True)}
        names = ", ".join(user["displayName"] for user in users if user)
        print(f"{len(participants)} participants: {names}")

        mute = call.participants[by_user[ADELE]["id"]].mute(client_context="mute-adele")
        print(f"Muting Adele: {mute.status}")
        call.participants[by_user[BIANCA]["id"]].delete()
        print(f"Removed Bianca; {len(call.participants.list())} participants left")

        for operation in call.operations.list():
            print(
                f"Operation {operation['id']}: {operation['status']} ({operation['clientContext']})"
            )

        call.delete()
        print("Hung up")


if __name__ == "__main__":
    main(*sys.argv[1:])
