"""Measure the sandbox's invite rate: `python bench/sandbox_rate.py [--invites N] [--clients K]`.

Starts `python -m bridge.sandbox` in its own process, signs in once, creates a group call, then
sends N invites (distinct identities) over keep-alive httpx clients: one client on one connection
by default, or K client processes side by side. Prints one JSON line with the rate and the CPU
time the sandbox process spent per invite (from /proc, so on Linux): the rate one client sees is
bounded by the client itself once that CPU time is a small part of each round trip.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx


def _invite_body(n: int) -> dict[str, Any]:
    return {
        "participants": [
            {
                "@odata.type": "#microsoft.graph.invitationParticipantInfo",
                "identity": {
                    "@odata.type": "#microsoft.graph.identitySet",
                    "user": {"@odata.type": "#microsoft.graph.identity", "id": f"user-{n}"},
                },
            }
        ],
        "clientContext": str(uuid.uuid4()),
    }


def _send(state: dict[str, Any], token: str, call_id: str, first: int, count: int) -> float:
    """Sends ``count`` invites one after the other; returns the seconds they took."""
    url = f"{state['graph']}/v1.0/communications/calls/{call_id}/participants/invite"
    headers = {"Authorization": f"Bearer {token}"}
    bodies = [_invite_body(n) for n in range(first, first + count)]
    context = ssl.create_default_context(cafile=state["ca_file"])
    with httpx.Client(verify=context, headers=headers) as client:
        client.post(url, json=_invite_body(-1 - first))  # connect and warm up
        start = time.perf_counter()
        for body in bodies:
            response = client.post(url, json=body)
            if response.status_code != 200:
                raise SystemExit(f"invite answered {response.status_code}: {response.text}")
        return time.perf_counter() - start


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invites", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=1)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        sandbox = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bridge.sandbox",
                "--state-file",
                str(Path(folder) / "sandbox.json"),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert sandbox.stdout is not None
            state = json.loads(sandbox.stdout.readline())
            context = ssl.create_default_context(cafile=state["ca_file"])
            with httpx.Client(verify=context) as client:
                token = client.post(
                    state["token_endpoint"],
                    data={
                        "grant_type": "client_credentials",
                        "client_id": state["client_id"],
                        "client_secret": state["client_secret"],
                        "scope": state["scope"],
                    },
                ).json()["access_token"]
                call_id = client.post(f"{state['admin']}/calls", json={}).json()["id"]
            per_client = args.invites // args.clients
            cpu_before = _cpu_seconds(sandbox.pid)
            start = time.perf_counter()
            if args.clients == 1:
                busy = [_send(state, token, call_id, 0, per_client)]
            else:
                with concurrent.futures.ProcessPoolExecutor(args.clients) as pool:
                    runs = [
                        pool.submit(_send, state, token, call_id, i * per_client, per_client)
                        for i in range(args.clients)
                    ]
                    busy = [run.result() for run in runs]
            wall = time.perf_counter() - start
            sandbox_cpu = _cpu_seconds(sandbox.pid) - cpu_before
            total = per_client * args.clients
            # With several clients, count from the slowest one's own clock (excludes spawning).
            seconds = max(busy) if args.clients > 1 else busy[0]
            print(
                json.dumps(
                    {
                        "invites": total,
                        "clients": args.clients,
                        "seconds": round(seconds, 3),
                        "invites_per_second": round(total / seconds),
                        "wall_seconds": round(wall, 3),
                        "sandbox_cpu_us_per_invite": round(sandbox_cpu / total * 1e6),
                        "cpus": os.cpu_count(),
                        "python": sys.version.split()[0],
                        "httpx": httpx.__version__,
                    }
                )
            )
        finally:
            sandbox.send_signal(signal.SIGTERM)
            sandbox.wait(timeout=30)
            assert sandbox.stdout is not None
            sandbox.stdout.close()


if __name__ == "__main__":
    main()
