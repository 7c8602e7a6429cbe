"""How long `mgbridge transcript diff` takes on two transcripts of 10,000 invites each.

The files are what a recorded run writes (the help page's example 7 body, a call id and a client
context of its own per request); the second one has one body changed and one request left out,
so the alignment has work to do. Timed as a user runs it: the whole command, process start
included, best and median of five runs.

    python bench/transcript_diff.py [--requests N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

BODY = {
    "participants": [
        {
            "@odata.type": "#microsoft.graph.invitationParticipantInfo",
            "replacesCallId": "a7ebfb2d-871e-419c-87af-27290b22e8db",
            "identity": {
                "@odata.type": "#microsoft.graph.identitySet",
                "user": {
                    "@odata.type": "#microsoft.graph.identity",
                    "id": user,
                    "identityProvider": "AAD",
                },
            },
        }
        for user in ("7e1b4346-85a6-4bdd-abe3-d11c5d420efe", "1e126418-44a0-4a94-a6f8-0efe1ad71acb")
    ],
}


def _transcript(count: int) -> list[dict[str, object]]:
    return [
        {
            "method": "POST",
            "path": f"/beta/communications/calls/{uuid.uuid4()}/participants/invite",
            "query": {},
            "headers": {"content-type": "application/json", "client-request-id": str(uuid.uuid4())},
            "body": {**BODY, "clientContext": f"bulk-{i}"},
            "status": 200,
            "source": "mgbridge",
            "at": "2026-12-04T12:00:00.000Z",
        }
        for i in range(count)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        reference, difference = Path(folder, "a.jsonl"), Path(folder, "b.jsonl")
        entries = _transcript(args.requests)
        reference.write_text("".join(json.dumps(e) + "\n" for e in entries), encoding="utf-8")
        entries[args.requests // 2]["body"] = {**BODY, "clientContext": "changed"}
        del entries[args.requests * 3 // 4]
        difference.write_text("".join(json.dumps(e) + "\n" for e in entries), encoding="utf-8")
        command = [
            sys.executable,
            "-m",
            "bridge",
            "transcript",
            "diff",
            str(reference),
            str(difference),
        ]
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            times.append(time.perf_counter() - started)
            if done.returncode != 1 or "1 requests differ, 1 missing, 0 extra" not in done.stdout:
                sys.exit(f"unexpected diff result ({done.returncode}):\n{done.stdout}{done.stderr}")
    print(
        f"transcript diff, {args.requests:,} requests each: best {min(times):.2f} s, "
        f"median {statistics.median(times):.2f} s (target < 2 s)"
    )


if __name__ == "__main__":
    main()
