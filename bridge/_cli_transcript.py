"""`mgbridge transcript`: compare what two runs sent to Graph, and read the SDK's -Debug output.

Exit codes of `diff`, so a CI job can gate a migration on it: 0 the same requests, 1 a
difference, 2 a file that is not a transcript (or bad options).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import IO

import click

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.group("transcript")
def transcript_group() -> None:
    """Transcripts: the Graph requests a run sent, one JSON line each.

    Record one with `bridge.connect(record=FILE)`, `$env:MGBRIDGE_RECORD = FILE` in
    PowerShell, `MGBRIDGE_RECORD=FILE` for the CLI, or `mgbridge sandbox --record FILE`;
    make one from the SDK's -Debug output with `transcript from-sdk-debug`.
    """


@transcript_group.command("diff")
@click.argument("reference", type=_FILE)
@click.argument("difference", type=_FILE)
@click.option(
    "--ignore",
    "ignore",
    multiple=True,
    metavar="PATTERN",
    help="Also ignore this dotted path; * stands for one key or index "
    "(body.clientContext, body.participants[*].replacesCallId, header.prefer). Repeatable.",
)
@click.option(
    "--header",
    "headers",
    multiple=True,
    metavar="NAME",
    help="Also compare this request header (content-type, if-match, if-none-match, prefer "
    "and consistencylevel always are). Repeatable.",
)
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="A readable report, or one JSON document.",
)
def transcript_diff(
    reference: Path,
    difference: Path,
    ignore: tuple[str, ...],
    headers: tuple[str, ...],
    output: str,
) -> None:
    """Compare two transcripts request by request; exit 1 if they differ.

    Missing and extra requests, methods, paths, status codes, query options, the headers that
    matter and every body value (key casing and JSON types included) are compared. Ids in
    paths (by order of first appearance), request ids, timestamps, user agents and the
    namespace prefix of actions (microsoft.graph.invite = invite) are not.
    """
    from bridge._cli import cli_error
    from bridge._exceptions import BodyError
    from bridge._transcript_diff import compare

    try:
        result = compare(reference, difference, ignore=ignore, headers=headers)
    except BodyError as exc:
        raise cli_error(exc) from None
    if output == "json":
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(result.text(), nl=False)
    sys.exit(0 if result.equal else 1)


@transcript_group.command("from-sdk-debug")
@click.argument("debug_output", metavar="DEBUG_OUTPUT", type=click.File("r", encoding="utf-8"))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the transcript here instead of to standard output.",
)
def transcript_from_sdk_debug(debug_output: IO[str], output: Path | None) -> None:
    """Turn the Microsoft Graph PowerShell SDK's -Debug output into a transcript.

    Capture it with `$DebugPreference = 'Continue'` and `Start-Transcript`, or run the script
    with `5> debug.txt`; `-` reads standard input. The SDK logs no Authorization header, and
    no token ends up in the transcript.
    """
    from bridge._sdk_debug import read_sdk_debug

    entries = read_sdk_debug(debug_output.read())
    lines = "".join(json.dumps(entry, ensure_ascii=False) + "\n" for entry in entries)
    if output is None:
        click.echo(lines, nl=False)
    else:
        output.write_text(lines, encoding="utf-8")
        click.echo(f"{len(entries)} requests written to {output}", err=True)
