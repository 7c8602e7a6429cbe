"""`mgbridge invite --from FILE`: many invites from JSON Lines, their results to JSON Lines.

Input, one invite per line (blank lines skipped; `-` reads stdin)::

    {"callId": "...", "body": {...the cmdlet's -BodyParameter, any key casing...}}

A line holds Session.invite's arguments, camelCase or snake_case: callId, body, participants,
clientContext, additionalProperties, inputObject, apiVersion, headers (--api-version and --header
apply to every line; a line's own apiVersion and headers win). Results, one line per input
line, written and flushed as each invite ends (default file: NAME.results.jsonl beside
NAME.jsonl)::

    {"line": N, "key": K, "ok": true, "operation": {...Graph JSON...}}
    {"line": N, "key": K, "ok": false, "error": {...BridgeError.to_dict()...}}

N counts the input's lines from 1; K is a short sha256 of the line's canonical JSON. A line that
is not a JSON object is a failed result naming it; nothing is sent for it. Just before a line's
invite is sent, ``{"line": N, "key": K, "sending": true}`` is written: a run killed outright (no
chance to wait for its invites in flight) leaves those lines marked as sent without a result.

Resuming: --resume reads the results first and sends only what a rerun may send. A line whose
result is ok, or whose error says ``may_have_been_processed`` (Graph may have acted on it), is
skipped, never sent twice, and so is a line marked as sending with no result after it; every
other failure meant Graph did nothing, so that line is sent again, as it reads now. A skipped
line whose key no longer matches its line means the input changed: refused. New results are
appended; a line's last record is its outcome.

The first Ctrl+C starts no further invite; those in flight finish and their results are written,
so that --resume then neither loses nor repeats an invite (exit code 130). The invites run on
Session.invite_many: its concurrency, its one throttle and its requeuing of throttled invites.
"""

from __future__ import annotations

import hashlib
import json
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import IO, TYPE_CHECKING, Any, NamedTuple, TypeVar, cast

import click
from click.core import ParameterSource

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from bridge._bulk import InviteBatch, InviteResult
    from bridge._session import Session

_F = TypeVar("_F", bound=Callable[..., Any])

# The line's key spellings (any casing, with or without underscores) for each invite argument.
_ARGUMENTS = {
    "callid": "call_id",
    "body": "body",
    "participants": "participants",
    "clientcontext": "client_context",
    "additionalproperties": "additional_properties",
    "inputobject": "input_object",
    "apiversion": "api_version",
    "headers": "headers",
}
_LINE_KEYS = (
    "callId, body, participants, clientContext, additionalProperties, inputObject, apiVersion, "
    "headers"
)
_BULK_ONLY = ("results", "resume", "concurrency", "ordered")
_SINGLE_ONLY = (
    "call_id",
    "body",
    "participants",
    "client_context",
    "what_if",
    "wait",
    "wait_timeout",
    "output",
)
_LISTED_UNCERTAIN = 10
_REDRAW_S = 0.1


def bulk_options(command: _F) -> _F:
    """The options of `invite` that only --from uses."""
    for option in reversed(
        [
            click.option(
                "--from",
                "source",
                type=click.Path(exists=True, dir_okay=False, allow_dash=True),
                metavar="FILE|-",
                help="Many invites: a JSON Lines file (- for stdin), one "
                '{"callId": ..., "body": {...}} per line. Results go to --results.',
            ),
            click.option(
                "--results",
                type=click.Path(dir_okay=False),
                metavar="FILE",
                help="With --from: where the results go, one JSON line per input line. Default: "
                "beside the input, as NAME.results.jsonl; needed when reading stdin.",
            ),
            click.option(
                "--resume",
                is_flag=True,
                help="With --from: continue a run from its results file; lines that succeeded "
                "or may have reached Graph are not sent again.",
            ),
            click.option(
                "--concurrency",
                type=click.IntRange(1, 256),  # as Session.invite_many
                default=8,
                metavar="N",
                show_default=True,
                help="With --from: how many invites are in flight at once.",
            ),
            click.option(
                "--ordered/--as-completed",
                default=True,
                show_default=True,
                help="With --from: write results in the input's order, or as invites finish.",
            ),
        ]
    ):
        command = option(command)
    return command


def check_options(ctx: click.Context) -> None:
    """--from takes the invites from its lines: the single invite's options do not go with it,
    and its own options need it."""
    params = {param.name: param for param in ctx.command.params}

    def given(name: str) -> bool:
        return ctx.get_parameter_source(name) not in (None, ParameterSource.DEFAULT)

    def option(name: str) -> str:
        return params[name].opts[0]

    if ctx.params["source"] is not None:
        clash = [option(name) for name in _SINGLE_ONLY if given(name)]
        if clash:
            raise click.UsageError(
                f"{clash[0]} does not go with --from: each line of the file is one invite"
            )
        return
    needs_from = [option(name) for name in _BULK_ONLY if given(name)]
    if needs_from:
        raise click.UsageError(f"{needs_from[0]} needs --from FILE")
    if ctx.params["call_id"] is None:
        raise click.UsageError("Missing option '--call-id' (or --from FILE for many invites).")


def invite_from(
    source: str,
    *,
    results: str | None,
    resume: bool,
    concurrency: int,
    ordered: bool,
    api_version: str,
    headers: Mapping[str, str],
    connect: Callable[[], AbstractContextManager[Session]],
) -> None:
    """Runs the invites of ``source`` as the module docstring says; exits 0 when every line is
    ok, 1 when any is not, 130 when interrupted."""
    results_path = _results_path(source, results)
    skip = _load_results(results_path) if resume else {}
    if not resume and results_path.exists() and results_path.stat().st_size:
        raise click.UsageError(
            f"{results_path} already holds results: add --resume to continue that run, or "
            "delete the file to start afresh"
        )
    tty = sys.stderr.isatty()
    changed = _Changed(source, results_path)
    total = _check_input(Path(source), skip, changed) if source != "-" and (skip or tty) else None
    feed = _Feed(source, skip, changed, api_version, headers)
    tally = _Tally(total, tty)
    try:
        out = results_path.open("a", encoding="utf-8", newline="\n")
    except OSError as exc:
        raise click.UsageError(f"cannot write {results_path}: {exc.strerror}") from None
    writing = threading.Lock()  # results from this thread, "sending" marks from the batch's

    def write(record: Mapping[str, Any]) -> None:
        with writing:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            out.flush()  # on disk, it is what --resume goes by

    def sending(index: int, item: Any) -> None:
        line = feed.lines[index]
        if line.item is not None:
            write({"line": line.number, "key": line.key, "sending": True})

    with out, connect() as session, _open_input(source) as stream:
        # A line that is no invite goes in as a marker, not a mapping (see _Rejected).
        items = cast("Iterable[Mapping[str, Any]]", feed.items(stream))
        batch = session.invite_many(
            items, concurrency=concurrency, ordered=ordered, on_send=sending
        )
        with _stop_on_interrupt(batch, tally) as interrupt:
            try:
                for result in batch:
                    record = feed.record(result)
                    write(record)
                    tally.add(record, feed.skipped)
            except _BadInput as exc:  # raised once the invites in flight have their results
                raise exc.error from None
            finally:
                batch.stop()  # whatever ends the loop, start nothing more
                tally.finish(feed.skipped, feed.skipped_uncertain)
    if interrupt.count:
        again = f"mgbridge invite --from {source} --results {results_path} --resume"
        click.echo(
            f"mgbridge: interrupted; {tally.results} results written to {results_path}. "
            f"`{again}` continues without repeating any invite.",
            err=True,
        )
        raise click.exceptions.Exit(130)
    if tally.failed or tally.uncertain or feed.skipped_uncertain:
        raise click.exceptions.Exit(1)


# -- files ----------------------------------------------------------------------------------------


def _results_path(source: str, results: str | None) -> Path:
    if results is None:
        if source == "-":
            raise click.UsageError("--from - (stdin) needs --results FILE")
        results_path = Path(source).with_suffix(".results.jsonl")
    else:
        results_path = Path(results)
    if source != "-" and results_path.resolve() == Path(source).resolve():
        raise click.UsageError("--results must not be the --from file")
    return results_path


@contextmanager
def _open_input(source: str) -> Iterator[IO[bytes]]:
    if source == "-":
        yield sys.stdin.buffer
        return
    with open(source, "rb") as stream:
        yield stream


class _Skip(NamedTuple):
    key: str
    uncertain: bool  # failed, but Graph may have acted on it


def _load_results(path: Path) -> dict[int, _Skip]:
    """The lines a resumed run must not send: ok, or failed but possibly processed. A line's last
    result counts (a resumed run appends)."""
    if not path.exists():
        raise click.UsageError(f"nothing to resume: {path} does not exist")
    skip: dict[int, _Skip] = {}
    with path.open(encoding="utf-8") as lines:
        for number, text in enumerate(lines, 1):
            if not text.strip():
                continue
            try:
                record = json.loads(text)
                line, key = record["line"], record["key"]
                # Sent, but killed before its result was written: Graph may have acted on it.
                ok = False if record.get("sending") is True else record["ok"]
                error = (
                    {"may_have_been_processed": True}
                    if "ok" not in record
                    else record.get("error") or {}
                )
                if not (isinstance(line, int) and isinstance(key, str) and isinstance(ok, bool)):
                    raise TypeError
            except (ValueError, TypeError, KeyError, AttributeError):
                raise click.UsageError(
                    f"line {number} of {path} is not a result of `mgbridge invite --from`"
                ) from None
            if ok or error.get("may_have_been_processed") is True:
                skip[line] = _Skip(key, not ok)
            else:
                skip.pop(line, None)
    return skip


class _BadInput(Exception):
    """The input cannot go on; raised on the batch's feeder thread, so that the batch's iteration
    raises it after the invites in flight."""

    def __init__(self, error: click.ClickException) -> None:
        super().__init__(error.message)
        self.error = error


class _Changed:
    """The error for an input that no longer reads as the run whose results are resumed."""

    def __init__(self, source: str, results: Path) -> None:
        self.source = source
        self.results = results

    def __call__(self, line: int | None) -> click.UsageError:
        what = f"line {line} is not the line" if line else "there are fewer lines than"
        return click.UsageError(
            f"{self.source} changed since {self.results} was written ({what} it has a result "
            "for). Restore the input, or start afresh with another --results file."
        )


def _check_input(path: Path, skip: Mapping[int, _Skip], changed: _Changed) -> int:
    """Before anything is sent: the lines to skip still read as they did (else skipping them
    would be wrong). Returns the number of lines with an invite, for the progress."""
    total = 0
    seen = 0
    with path.open("rb") as stream:
        for number, raw in enumerate(stream, 1):
            if not raw.strip():
                continue
            total += 1
            if number in skip:
                seen += 1
                if _parse(number, raw).key != skip[number].key:
                    raise changed(number)
    if seen < len(skip):
        raise changed(None)
    return total


# -- lines ----------------------------------------------------------------------------------------


class _Line(NamedTuple):
    number: int
    key: str
    item: dict[str, Any] | None
    error: str = ""  # why the line is no invite


class _Rejected:
    """Stands for a line that is no invite: the batch reports an item that is not a mapping as a
    failed result without sending anything, and `_Feed.record` puts the line's own error in."""


_REJECTED = _Rejected()


def _key(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def _parse(number: int, raw: bytes) -> _Line:
    data = raw.strip()
    if number == 1:
        data = data.removeprefix(b"\xef\xbb\xbf")  # a UTF-8 byte order mark
    try:
        value = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        return _Line(number, _key(data), None, f"line {number} is not UTF-8 text")
    except ValueError as exc:
        return _Line(number, _key(data), None, f"line {number} is not valid JSON: {exc}")
    canonical = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    key = _key(canonical.encode("utf-8"))
    if not isinstance(value, dict):
        return _Line(number, key, None, f"line {number} is not a JSON object")
    item: dict[str, Any] = {}
    for name, argument in value.items():
        known = _ARGUMENTS.get(name.replace("_", "").lower())
        if known is None:
            problem = f"unknown key {name!r}; a line holds {_LINE_KEYS}"
        elif known in item:
            problem = f"{name!r} repeats {known}"
        elif known == "headers" and not isinstance(argument, dict | None):
            problem = f"{name!r} must be an object of header names and values"
        else:
            item[known] = argument
            continue
        return _Line(number, key, None, f"line {number}: {problem}")
    return _Line(number, key, item)


class _Feed:
    """The batch's items, read from the input as the batch asks (on its feeder thread), and each
    result back to its line."""

    def __init__(
        self,
        source: str,
        skip: Mapping[int, _Skip],
        changed: _Changed,
        api_version: str,
        headers: Mapping[str, str],
    ) -> None:
        self.source = source
        self.skip = skip
        self.changed = changed
        self.api_version = api_version
        self.headers = headers
        self.lines: dict[int, _Line] = {}  # by batch index, until its result is written
        self.skipped = 0
        self.skipped_uncertain: list[int] = []

    def items(self, stream: IO[bytes]) -> Iterator[Any]:
        index = 0
        seen = 0
        try:
            for number, raw in enumerate(stream, 1):
                if not raw.strip():
                    continue
                line = _parse(number, raw)
                done = self.skip.get(number)
                if done is not None:
                    if line.key != done.key:  # checked up front too, unless stdin
                        raise _BadInput(self.changed(number))
                    seen += 1
                    self.skipped += 1
                    if done.uncertain:
                        self.skipped_uncertain.append(number)
                    continue
                self.lines[index] = line
                index += 1
                yield _REJECTED if line.item is None else self._arguments(line.item)
        except OSError as exc:
            raise _BadInput(click.ClickException(f"cannot read {self.source}: {exc}")) from None
        if seen < len(self.skip):
            raise _BadInput(self.changed(None))

    def _arguments(self, item: Mapping[str, Any]) -> dict[str, Any]:
        """The line's own --api-version and headers win over the command line's."""
        headers = {**self.headers, **(item.get("headers") or {})}
        return {"api_version": self.api_version, **item, "headers": headers}

    def record(self, result: InviteResult) -> dict[str, Any]:
        line = self.lines.pop(result.index)
        head = {"line": line.number, "key": line.key}
        if line.item is None:
            from bridge._exceptions import BodyError

            return {**head, "ok": False, "error": BodyError(line.error).to_dict()}
        outcome = result.to_dict()
        del outcome["index"]
        return {**head, **outcome}


# -- progress, summary, Ctrl+C --------------------------------------------------------------------


class _Tally:
    def __init__(self, total: int | None, tty: bool) -> None:
        self.total = total
        self.tty = tty
        self.started = time.monotonic()
        self.drawn = 0.0
        self.results = 0
        self.invited = 0
        self.failed = 0
        self.uncertain: list[int] = []
        self.notice = ""  # set by the Ctrl+C handler, shown with the progress

    def add(self, record: Mapping[str, Any], skipped: int) -> None:
        self.results += 1
        if record["ok"]:
            self.invited += 1
        elif record["error"].get("may_have_been_processed") is True:
            self.uncertain.append(record["line"])
        else:
            self.failed += 1
        now = time.monotonic()
        if self.tty and now - self.drawn >= _REDRAW_S:
            self.drawn = now
            done = self.results + skipped
            of = f"/{self.total}" if self.total is not None else ""
            rate = self.results / max(now - self.started, 1e-9)
            click.echo(
                f"\r{done}{of} lines, {self.failed + len(self.uncertain)} failed, "
                f"{rate:.1f} invites/s{self.notice}\x1b[K",
                err=True,
                nl=False,
            )

    def finish(self, skipped: int, skipped_uncertain: list[int]) -> None:
        if self.tty and self.drawn:
            click.echo("", err=True)
        elapsed = time.monotonic() - self.started
        uncertain = sorted(self.uncertain + skipped_uncertain)
        click.echo(
            f"mgbridge: {self.invited} invited, {self.failed} failed, {skipped} skipped "
            f"(done before), {len(uncertain)} uncertain, {elapsed:.1f} s, "
            f"{self.results / max(elapsed, 1e-9):.1f} invites/s",
            err=True,
        )
        if uncertain:
            listed = ", ".join(str(n) for n in uncertain[:_LISTED_UNCERTAIN])
            more = len(uncertain) - _LISTED_UNCERTAIN
            lines = "line" if len(uncertain) == 1 else "lines"
            click.echo(
                f"mgbridge: {lines} {listed}{f' and {more} more' if more > 0 else ''} may have "
                "reached Graph before failing: never sent again; check their calls",
                err=True,
            )


@dataclass
class _Interrupt:
    count: int = 0


@contextmanager
def _stop_on_interrupt(batch: InviteBatch, tally: _Tally) -> Iterator[_Interrupt]:
    """Ctrl+C stops the batch instead of raising: the invites in flight may reach Graph, so their
    results must still be written (a later Ctrl+C does not cut that short either)."""
    interrupt = _Interrupt()

    def stop(signum: int, frame: FrameType | None) -> None:
        interrupt.count += 1
        batch.stop()
        in_flight = batch.started - batch.completed
        tally.notice = f" - stopping, {in_flight} in flight"
        news = "stopping: no further invite starts" if interrupt.count == 1 else "still"
        lead = "\n" if tally.tty else ""  # off the progress line
        with suppress(RuntimeError):  # stderr was mid-write at the signal: the progress tells
            click.echo(
                f"{lead}mgbridge: {news}; waiting for the {in_flight} "
                "in flight, whose results --resume needs",
                err=True,
            )

    try:
        previous = signal.signal(signal.SIGINT, stop)
    except ValueError:  # not the main thread (an embedding caller): Ctrl+C keeps its meaning
        yield interrupt
        return
    try:
        yield interrupt
    finally:
        signal.signal(signal.SIGINT, previous)
