"""The `mgbridge` command line.

JSON results go to stdout; progress, logs and errors go to stderr. Exit codes: 0 success,
1 Graph or transport error, 2 usage or body error, 3 sign-in error (and for `invite --from`: 1
when any line failed, 130 when interrupted). BridgeError becomes a ClickException in one place,
`_Cli.invoke`. `invite --from FILE`, many invites from JSON Lines with resumable results, is
bridge/_cli_bulk.py; `invite` hands over to it.

Which connection the Graph commands (invite, operation, calls, command) use:
- without --environment (or MGBRIDGE_ENVIRONMENT): the connection saved by `mgbridge connect`,
  else the Sandbox as its default app (the one environment that needs no credentials, so a
  forgotten `connect` can never reach a real tenant by accident);
- with --environment NAME: a fresh sign-in to NAME, as the sandbox's default app for Sandbox and
  from the AZURE_* environment variables otherwise; the saved connection is not used.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import click

from bridge._cli_auth import (
    connect_command,
    connect_from_cli_context,
    context_command,
    disconnect_command,
    environment_group,
)
from bridge._cli_bulk import bulk_options, check_options, invite_from
from bridge._cli_calls import calls_group, command_command
from bridge._cli_transcript import transcript_group
from bridge._exceptions import AuthError, BodyError, BridgeError, GraphError
from bridge._version import __version__
from bridge.sandbox._command import sandbox as sandbox_command

if TYPE_CHECKING:
    from bridge._operation import Operation
    from bridge._session import Session


class BridgeCliError(click.ClickException):
    """A BridgeError shown on stderr; exit code 1 (Graph and transport errors)."""

    def __init__(self, error: BridgeError) -> None:
        super().__init__(str(error))
        self.error = error

    def format_message(self) -> str:
        error = self.error
        text = f"{type(error).__name__}: {error}"
        if isinstance(error, GraphError):
            details = [f"status {error.status}"]
            details += [f"request-id {error.request_id}"] if error.request_id else []
            details += [f"retry after {error.retry_after:g} s"] if error.retry_after else []
            text += f" ({', '.join(details)})"
        return text


class _BodyCliError(BridgeCliError):
    exit_code = 2  # as click's usage errors: the input was wrong, nothing was sent


class _AuthCliError(BridgeCliError):
    exit_code = 3


def cli_error(error: BridgeError) -> BridgeCliError:
    """The ClickException for a BridgeError: exit 2 body, 3 sign-in, 1 anything else."""
    if isinstance(error, BodyError):
        return _BodyCliError(error)
    if isinstance(error, AuthError):
        return _AuthCliError(error)
    return BridgeCliError(error)


class _Cli(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BridgeError as exc:
            raise cli_error(exc) from exc


@click.group(cls=_Cli)
@click.version_option(__version__, prog_name="mgbridge")
@click.option(
    "--debug",
    is_flag=True,
    help="Log every request and response to stderr (tokens and secrets removed).",
)
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Microsoft Graph call-participant invites, from the command line."""
    if debug:
        _enable_debug_logging(ctx)


def _enable_debug_logging(ctx: click.Context) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    logger = logging.getLogger("bridge")
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)

    def restore() -> None:  # in-process callers (CliRunner) must not keep the handler
        logger.removeHandler(handler)
        logger.setLevel(previous)

    ctx.call_on_close(restore)


@cli.command("psmodule-path")
@click.option(
    "--install",
    is_flag=True,
    help="Also make the module use this Python: record it, and what hosting it needs, beside "
    "the module.",
)
def psmodule_path(install: bool) -> None:
    """Print the folder holding the MgBridge PowerShell module (add it to PSModulePath)."""
    from bridge._psmodule import install_psmodule, psmodule_root

    if install:
        for line in install_psmodule():
            click.echo(line, err=True)
    click.echo(str(psmodule_root()))


@cli.command("doctor")
@click.option(
    "--pwsh",
    metavar="PATH",
    help="The PowerShell 7.4+ to check (default: pwsh on PATH; powershell.exe, Windows "
    "PowerShell 5.1, does not count).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the checks as a JSON list.")
def doctor(pwsh: str | None, as_json: bool) -> None:
    """Check what decides how the bridge runs: Python, pythonnet, libpython, PowerShell and
    the module's transport, the sandbox, the cloud. Each warning or problem comes with a fix.

    Exit code 0 when no check finds a problem, 1 otherwise.
    """
    from bridge._doctor import doctor as run_doctor
    from bridge._doctor import format_checks, has_problem

    checks = run_doctor(pwsh)
    if as_json:
        _echo_json([check.to_dict() for check in checks])
    else:
        click.echo(format_checks(checks))
    if has_problem(checks):
        raise SystemExit(1)


@cli.command("shim")
@click.option("--stdio", is_flag=True, required=True, help="Talk JSON lines on stdin/stdout.")
def shim(stdio: bool) -> None:
    """Serve the PowerShell module's process transport: one JSON request per line."""
    from bridge._shim import main as serve_stdio

    serve_stdio()


# -- shared options ---------------------------------------------------------------------------

environment_option = click.option(
    "--environment",
    "-e",
    envvar="MGBRIDGE_ENVIRONMENT",
    metavar="NAME",
    help="Sign in afresh to this cloud (Sandbox: its default app; others: the AZURE_* "
    "variables). Default: the connection saved by `mgbridge connect`, else Sandbox.",
)
api_version_option = click.option(
    "--api-version",
    type=click.Choice(["beta", "v1.0"]),
    default="beta",
    show_default=True,
    help="Graph API version.",
)
output_option = click.option(
    "--output",
    "-o",
    type=click.Choice(["json", "table"]),
    default="json",
    show_default=True,
    help="Result format on stdout.",
)
call_id_option = click.option("--call-id", required=True, metavar="ID", help="The call's id.")


@contextmanager
def _session(environment: str | None) -> Iterator[Session]:
    """Connects as the module docstring says; the session is closed on the way out."""
    from bridge._session import connect

    if environment is None:
        try:
            kwargs = connect_from_cli_context()
        except AuthError as exc:
            if exc.code != "NotConnected":
                raise
            kwargs = {"environment": "Sandbox"}
    elif environment.lower() == "sandbox":
        kwargs = {"environment": environment}
    else:
        kwargs = {"environment": environment, "environment_variables": True}
    with connect(**kwargs) as session:
        yield session


# -- invite -------------------------------------------------------------------------------------


def _json_object(text: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise click.BadParameter(f"not valid JSON: {exc}", param_hint=what) from None
    if not isinstance(value, dict):
        raise click.BadParameter("must be a JSON object", param_hint=what)
    return value


def _read_body(value: str) -> dict[str, Any]:
    """--body: JSON text, `-` for stdin, or a file name."""
    if value == "-":
        text = sys.stdin.read()
    elif value.lstrip()[:1] in ("{", "["):
        text = value
    else:
        try:
            text = Path(value).read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise click.BadParameter(
                f"cannot read {value!r}: {exc.strerror}", param_hint="--body"
            ) from None
    return _json_object(text, "--body")


def _parse_headers(values: tuple[str, ...]) -> dict[str, str]:
    """--header NAME:VALUE or NAME=VALUE: a header name holds neither character."""
    headers = {}
    for value in values:
        match = re.match(r"([^:=]*)[:=](.*)", value, re.DOTALL)
        if match is None or not match[1].strip():
            raise click.BadParameter(f"{value!r} is not NAME:VALUE", param_hint="--header")
        headers[match[1].strip()] = match[2].strip()
    return headers


@cli.command()
@click.option("--call-id", metavar="ID", help="The call's id (each line's own with --from).")
@click.option(
    "--body",
    metavar="FILE|-|JSON",
    help="The whole request body (the cmdlet's -BodyParameter), any key casing: "
    "a JSON file, - for stdin, or JSON text.",
)
@click.option(
    "--participant",
    "participants",
    multiple=True,
    metavar="JSON",
    help="One participant (invitationParticipantInfo) as a JSON object; repeatable.",
)
@click.option("--client-context", metavar="TEXT", help="The clientContext of the operation.")
@click.option(
    "--header",
    "headers",
    multiple=True,
    metavar="NAME:VALUE",
    help="An extra request header (the cmdlet's -Headers); repeatable.",
)
@api_version_option
@click.option("--what-if", is_flag=True, help="Print the request that would be sent; send nothing.")
@click.option("--wait", is_flag=True, help="Poll the operation until it completes or fails.")
@click.option(
    "--wait-timeout",
    type=click.FloatRange(min=0),
    default=30.0,
    show_default=True,
    metavar="SECONDS",
    help="How long --wait polls.",
)
@output_option
@environment_option
@bulk_options
def invite(
    call_id: str | None,
    body: str | None,
    participants: tuple[str, ...],
    client_context: str | None,
    headers: tuple[str, ...],
    api_version: str,
    what_if: bool,
    wait: bool,
    wait_timeout: float,
    output: str,
    environment: str | None,
    source: str | None,
    results: str | None,
    resume: bool,
    concurrency: int,
    ordered: bool,
) -> None:
    """Invite participants to a call, or many from a file.

    Sends POST /communications/calls/ID/participants/invite. Give the body with --body, or build
    it with --participant and --client-context. Prints the inviteParticipantsOperation.

    Many invites: --from FILE (JSON Lines; - for stdin), one invite per line, the call's id and
    the body as --body takes it (or callId/call_id, participants, clientContext, apiVersion,
    headers, ...; --api-version and --header apply to every line, a line's own winning):

    \b
      {"callId": "...", "body": {"participants": [...], "clientContext": "..."}}

    --concurrency invites are in flight at once, paced as one (a 429 pauses them all). Each
    line's result is appended to --results as it ends, flushed, one JSON line per input line:

    \b
      {"line": N, "key": K, "ok": true, "operation": {...}}
      {"line": N, "key": K, "ok": false, "error": {...}}

    Ctrl+C starts no further invite and waits for those in flight (exit code 130). --resume then
    sends the lines that are not done, never one whose error says may_have_been_processed, and
    refuses an input that changed. Progress and a summary go to stderr. Exit code 0 when every
    line is ok, 1 when any is not.
    """
    check_options(click.get_current_context())
    if source is not None:
        invite_from(
            source,
            results=results,
            resume=resume,
            concurrency=concurrency,
            ordered=ordered,
            api_version=api_version,
            headers=_parse_headers(headers),
            connect=lambda: _session(environment),
        )
        return
    assert call_id is not None  # check_options: required without --from
    if body is not None and (participants or client_context is not None):
        raise click.UsageError("give --body, or --participant/--client-context, not both")
    if what_if and wait:
        raise click.UsageError("--what-if sends nothing, so there is nothing to --wait for")
    params: dict[str, Any] = {"api_version": api_version, "headers": _parse_headers(headers)}
    if body is not None:
        params["body"] = _read_body(body)
    else:
        params["participants"] = [_json_object(p, "--participant") for p in participants]
        params["client_context"] = client_context
    with _session(environment) as session:
        if what_if:
            plan = session.invite(call_id, what_if=True, **params)
            _echo_json(plan.to_dict())
            return
        operation = session.invite(call_id, **params)
        if wait and not operation.done:
            operation = _wait(session, operation, wait_timeout)
    _echo_operation(operation, output)


# -- operation ----------------------------------------------------------------------------------


@cli.group()
def operation() -> None:
    """Read the operations that invites create."""


operation_id_option = click.option(
    "--operation-id", required=True, metavar="ID", help="The operation's id."
)


@operation.command("show")
@call_id_option
@operation_id_option
@api_version_option
@output_option
@environment_option
def operation_show(
    call_id: str, operation_id: str, api_version: str, output: str, environment: str | None
) -> None:
    """Print an operation (GET /communications/calls/ID/operations/OPERATION_ID)."""
    with _session(environment) as session:
        op = session.get_operation(call_id, operation_id, api_version=api_version)
    _echo_operation(op, output)


@operation.command("wait")
@call_id_option
@operation_id_option
@api_version_option
@click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    default=30.0,
    show_default=True,
    metavar="SECONDS",
    help="How long to poll.",
)
@output_option
@environment_option
def operation_wait(
    call_id: str,
    operation_id: str,
    api_version: str,
    timeout: float,
    output: str,
    environment: str | None,
) -> None:
    """Poll an operation until it completes or fails, then print it."""
    from bridge._operation import Operation

    with _session(environment) as session:
        pending = Operation({"id": operation_id}, call_id=call_id, api_version=api_version)
        op = _wait(session, pending, timeout)
    _echo_operation(op, output)


def _wait(session: Session, operation: Operation, timeout: float) -> Operation:
    """Polls with a progress line on stderr: redrawn on a terminal, one line per change else."""
    progress = _Progress(sys.stderr, f"operation {operation.id}")
    try:
        return session.wait_operation(operation, timeout=timeout, on_poll=progress.update)
    finally:
        progress.finish()


class _Progress:
    def __init__(self, stream: IO[str], label: str) -> None:
        self.stream = stream
        self.label = label
        self.tty = stream.isatty()
        self.started = time.monotonic()
        self.last = ""

    def update(self, op: Operation) -> None:
        status = op.status or "unknown"
        elapsed = time.monotonic() - self.started
        if self.tty:
            click.echo(f"\r{self.label}: {status} ({elapsed:.0f} s)\x1b[K", self.stream, nl=False)
        elif status != self.last:
            click.echo(f"{self.label}: {status}", self.stream)
        self.last = status

    def finish(self) -> None:
        if self.tty and self.last:
            click.echo("", self.stream)


# -- output -------------------------------------------------------------------------------------


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


def _echo_operation(op: Operation, output: str) -> None:
    if output == "json":
        _echo_json(op.to_dict())
        return
    # The SDK's default table columns for this type.
    rows: list[tuple[str, ...]] = [
        ("Id", "Status", "ClientContext"),
        (op.id or "", op.status or "", op.client_context or ""),
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    rows.insert(1, tuple("-" * w for w in widths))
    for row in rows:
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())


# These modules import only click at the top: msal, cryptography, the sandbox's server and the
# calls table load when a command runs, so `mgbridge --help` and `--version` stay fast.
for _command in (
    connect_command,
    disconnect_command,
    context_command,
    environment_group,
    sandbox_command,
    calls_group,
    command_command,
    transcript_group,
):
    cli.add_command(_command)


def main() -> None:
    cli(prog_name="mgbridge")
