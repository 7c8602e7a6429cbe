"""Per-invite time from Python: `session.invite` against a plain keep-alive httpx POST.

`python bench/python_invite.py --rounds N` with $MGBRIDGE_SANDBOX_STATE naming a running sandbox.
Both contenders send the same JSON to the same sandbox over verified TLS on one keep-alive
connection each; they alternate in every round (A,B then B,A, so neither always goes first).
Prints one JSON object with the raw samples in nanoseconds. `--profile N` instead runs N
`session.invite` calls under cProfile and prints the top of the profile.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import ssl
import sys
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _util import BODY

import bridge
from bridge.sandbox import load_state


def _new_call(state: dict[str, Any], context: ssl.SSLContext) -> str:
    with httpx.Client(verify=context) as admin:
        return str(admin.post(f"{state['admin']}/calls", json={}).json()["id"])


def measure(rounds: int, warmup: int) -> dict[str, Any]:
    state = load_state()
    context = ssl.create_default_context(cafile=state["ca_file"])
    with bridge.connect(environment="Sandbox") as session:
        token = session._tokens.token()  # the same token the session sends
        bridge_call = _new_call(state, context)
        httpx_call = _new_call(state, context)
        url = f"{state['graph']}/beta/communications/calls/{httpx_call}/participants/invite"
        with httpx.Client(verify=context, headers={"Authorization": f"Bearer {token}"}) as client:

            def bridge_invite() -> None:
                session.invite(bridge_call, body=BODY)

            def httpx_invite() -> None:
                response = client.post(url, json=BODY)
                if response.status_code != 200:
                    raise SystemExit(f"httpx invite answered {response.status_code}")

            contenders = {"bridge": bridge_invite, "httpx": httpx_invite}
            samples: dict[str, list[int]] = {name: [] for name in contenders}
            clock = time.perf_counter_ns
            order = list(contenders.items())
            for index in range(warmup + rounds):
                for name, invite in order if index % 2 == 0 else order[::-1]:
                    start = clock()
                    invite()
                    elapsed = clock() - start
                    if index >= warmup:
                        samples[name].append(elapsed)
    return {"samples_ns": samples, "invites": 2 * (warmup + rounds)}


def profile(count: int) -> None:
    state = load_state()
    context = ssl.create_default_context(cafile=state["ca_file"])
    with bridge.connect(environment="Sandbox") as session:
        call = _new_call(state, context)
        for _ in range(200):
            session.invite(call, body=BODY)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(count):
            session.invite(call, body=BODY)
        profiler.disable()
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.sort_stats("cumulative").print_stats(30)
    stats.sort_stats("tottime").print_stats(20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3000)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    args = parser.parse_args()
    if args.profile:
        profile(args.profile)
        return
    print(json.dumps(measure(args.rounds, args.warmup)))


if __name__ == "__main__":
    main()
