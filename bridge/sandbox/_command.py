"""``mgbridge sandbox``: runs the sandbox in the foreground."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import click

_DURATION = re.compile(r"(\d+(?:\.\d*)?|\.\d+)\s*(ms|s)?", re.IGNORECASE)


def _milliseconds(ctx: click.Context, param: click.Parameter, value: str) -> int:
    """A duration as whole milliseconds: ``150ms``, ``0.15s``, ``2s`` or ``150`` (milliseconds)."""
    match = _DURATION.fullmatch(value.strip())
    if match is not None:
        # Decimal, so that 0.15s is exactly 150 ms.
        ms = Decimal(match[1]) * (1000 if (match[2] or "ms").lower() == "s" else 1)
        if ms == ms.to_integral_value():
            return int(ms)
    raise click.BadParameter(
        f"{value!r} is not a duration in whole milliseconds, such as 150ms, 0.15s, 2s or 150."
    )


@click.command("sandbox")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=0,
    show_default=True,
    help="Port to listen on; 0 picks a free one.",
)
@click.option(
    "--state-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the state JSON [default: $MGBRIDGE_SANDBOX_STATE, else "
    "$XDG_CONFIG_HOME/mgbridge/sandbox.json].",
)
@click.option(
    "--record",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Append each Graph request, once answered, to this transcript file (JSON Lines).",
)
@click.option(
    "--operation-delay-ms",
    type=click.IntRange(min=0),
    default=200,
    show_default=True,
    help="How long operations run before they complete.",
)
@click.option(
    "--call-setup-delay-ms",
    type=click.IntRange(min=0),
    default=200,
    show_default=True,
    help="How long new and answered calls are establishing before they are established.",
)
@click.option(
    "--token-lifetime-s",
    type=click.IntRange(min=1),
    default=3600,
    show_default=True,
    help="Lifetime of the access tokens it issues.",
)
@click.option(
    "--latency",
    default="0ms",
    metavar="DURATION",
    callback=_milliseconds,
    show_default=True,
    help="How long Graph requests take to answer, as over a real network (150ms, 0.15s).",
)
@click.option(
    "--jitter",
    default="0ms",
    metavar="DURATION",
    callback=_milliseconds,
    show_default=True,
    help="Each Graph answer takes up to this much less or more than --latency, uniformly.",
)
@click.option(
    "--token-latency",
    default="0ms",
    metavar="DURATION",
    callback=_milliseconds,
    show_default=True,
    help="The same as --latency, for sign-in: token, managed identity and discovery endpoints.",
)
@click.option(
    "--token-jitter",
    default="0ms",
    metavar="DURATION",
    callback=_milliseconds,
    show_default=True,
    help="The same as --jitter, for sign-in.",
)
@click.option(
    "--throttle-rate",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Graph requests per second each app may send; more are answered 429 with Retry-After, "
    "as Graph throttles. 0: no throttling.",
)
def sandbox(
    host: str,
    port: int,
    state_file: Path | None,
    record: Path | None,
    operation_delay_ms: int,
    call_setup_delay_ms: int,
    token_lifetime_s: int,
    latency: int,
    jitter: int,
    token_latency: int,
    token_jitter: int,
    throttle_rate: int,
) -> None:
    """Run a local HTTPS sandbox of Entra ID and the Graph calls API.

    When ready it prints one JSON line (how to connect: graph, authority, tenant_id, client_id,
    client_secret, ca_file, ...) and writes it to the state file, which clients read to connect
    with the environment "Sandbox". It runs until interrupted (SIGINT or SIGTERM).
    """
    import json
    import signal
    import threading

    from bridge.sandbox._sandbox import Sandbox, SandboxError

    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    server = Sandbox(
        host=host,
        port=port,
        state_file=state_file,
        record=record,
        operation_delay_ms=operation_delay_ms,
        call_setup_delay_ms=call_setup_delay_ms,
        token_lifetime_s=token_lifetime_s,
        latency_ms=latency,
        jitter_ms=jitter,
        token_latency_ms=token_latency,
        token_jitter_ms=token_jitter,
        throttle_rate=throttle_rate,
    )
    try:
        server.start()
    except SandboxError as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        click.echo(json.dumps(server.state))
        while not stop.wait(1):
            pass
    finally:
        server.stop()
