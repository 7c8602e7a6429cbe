"""`mgbridge calls ...` and `mgbridge command NAME`: every operation of the calls family, from the
table (`bridge._schema.COMMANDS`), JSON in and out.

`mgbridge calls` mirrors ``session.calls``: collection words, then the operation::

    mgbridge calls list --top 5                    GET    /communications/calls
    mgbridge calls get --call-id C                 GET    /communications/calls/{call-id}
    mgbridge calls participants mute --call-id C --participant-id P --body b.json
                                                   POST   .../participants/{participant-id}/mute
    mgbridge calls --v1 operations get --call-id C --operation-id O

The operation is `list`, `create` or `count` on a collection; `get`, `update` or `delete` on an
item; or an action in kebab-case (`keep-alive`, `mute-all`). Each path id is an option named after
its collection (`--call-id`, `--participant-id`, `--operation-id`; the SDK's name, e.g.
`--comms-operation-id`, works too). Options exist where the operation takes them: `--body` where
it has a body, OData options where Graph describes them, `--all`/`--page-size`/`--jsonl` on lists.

`mgbridge command NAME` runs an operation by its SDK command name, with `--id Name=Value` for the
path ids, for scripts migrating from the SDK; `mgbridge command --list` lists the names.

Both check the input (ids, body, query) before signing in, so a bad input exits 2 having sent
nothing; connections and errors are the other commands' (`bridge._cli`). The tree is built on
first use, so `mgbridge invite` and `mgbridge --help` never read the table.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from bridge._schema import Command
    from bridge._session import CommandResult

__all__ = ["calls_group", "command_command"]

_ROOT = "/communications/calls"
_ACTION = "microsoft.graph."
_VERSIONS = ("beta", "v1.0")
_VERSION_KEY = "mgbridge.calls.api_version"  # ctx.meta: the version the `calls` group asked for
_ITEM_VERBS = {"GET": "get", "PATCH": "update", "PUT": "replace", "DELETE": "delete"}
_COLLECTION_VERBS = {"GET": "list", "POST": "create"}


# -- the table, placed in the tree ------------------------------------------------------------


@dataclass(frozen=True)
class _IdOption:
    """A path id: its wire name, the SDK's parameter name, and the option's names."""

    wire: str  # commsOperation-id
    ps_name: str  # CommsOperationId
    names: tuple[str, ...]  # ("--operation-id", "--comms-operation-id")


@dataclass(frozen=True)
class _Leaf:
    """One CLI operation (`calls participants mute`): the same path and method in each version."""

    words: tuple[str, ...]  # ("calls", "participants")
    templates: tuple[str, ...]  # each word's collection: ("/communications/calls", ...)
    verb: str  # "mute"
    method: str
    path: str  # the path template as sent (actions unqualified)
    ids: tuple[_IdOption, ...]
    commands: Mapping[str, Command]  # by API version

    @property
    def cli(self) -> str:
        return " ".join((*self.words, self.verb))

    @property
    def first(self) -> Command:
        return next(iter(self.commands.values()))

    def has_body(self) -> bool:
        return any(c.body is not None for c in self.commands.values())

    def query(self) -> set[str]:
        return {option for c in self.commands.values() for option in c.query}

    def is_list(self) -> bool:
        return any(c.returns == "collection" for c in self.commands.values())


def _kebab(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


def _singular(collection: str) -> str:
    return collection[:-1] if collection.endswith("s") else collection


def _place(command: Command) -> tuple[tuple[str, ...], tuple[str, ...], str, tuple[_IdOption, ...]]:
    """Where an operation sits: its collection words and their templates, its verb and its id
    options."""
    if not (command.path == _ROOT or command.path.startswith(_ROOT + "/")):
        raise ValueError(f"{command.name}: {command.path} is outside {_ROOT}")
    segments = command.path.split("/")[2:]  # "calls", "{call-id}", "participants", ...
    ps_names = dict(command.ids)
    words: list[str] = []
    templates: list[str] = []
    ids: list[_IdOption] = []
    collection = ""
    for index, segment in enumerate(segments):
        if segment.startswith("{"):
            wire = segment.strip("{}")
            ps_name = ps_names[wire]
            names = [f"--{_kebab(_singular(collection))}-id", f"--{_kebab(ps_name)}"]
            ids.append(_IdOption(wire, ps_name, tuple(dict.fromkeys(names))))
        elif segment != "$count" and not segment.startswith(_ACTION):
            collection = segment
            words.append(_kebab(segment))
            templates.append("/".join(["", "communications", *segments[: index + 1]]))
    last = segments[-1]
    if last == "$count":
        verb = "count"
    elif last.startswith(_ACTION):
        verb = _kebab(last.removeprefix(_ACTION))
    elif last.startswith("{"):
        verb = _ITEM_VERBS[command.method]
    else:
        verb = _COLLECTION_VERBS[command.method]
    return tuple(words), tuple(templates), verb, tuple(ids)


@cache
def _leaves() -> dict[tuple[tuple[str, ...], str], _Leaf]:
    """Every operation of the table under its CLI place, both versions merged."""
    from bridge._schema import COMMANDS

    placed: dict[tuple[tuple[str, ...], str], dict[str, Command]] = {}
    shapes: dict[tuple[tuple[str, ...], str], tuple[Any, ...]] = {}
    for operations in COMMANDS.values():
        for command in operations:
            words, templates, verb, ids = _place(command)
            key = (words, verb)
            shape = (templates, command.method, command.wire_path, ids)
            if shapes.setdefault(key, shape) != shape:
                raise ValueError(f"two operations would be `{' '.join((*words, verb))}`")
            by_version = placed.setdefault(key, {})
            if command.api_version in by_version:
                raise ValueError(f"two {command.api_version} operations at {command.path}")
            by_version[command.api_version] = command
    leaves = {}
    for key, by_version in sorted(placed.items()):
        templates, method, path, ids = shapes[key]
        ordered = {v: by_version[v] for v in _VERSIONS if v in by_version}
        leaves[key] = _Leaf(key[0], templates, key[1], method, path, ids, ordered)
    return leaves


def _cli_names(name: str) -> list[str]:
    """The `mgbridge calls ...` forms of an SDK command name."""
    found = []
    for leaf in _leaves().values():
        for version, command in leaf.commands.items():
            if command.name.lower() == name.lower():
                words = leaf.cli.split(" ", 1)
                if version != "beta":
                    words.insert(1, "--v1")
                found.append(" ".join(words))
    return found


# -- options --------------------------------------------------------------------------------------

# (OData option, CLI option, click settings): in the order help lists them.
_QUERY_OPTIONS: tuple[tuple[str, str, dict[str, Any]], ...] = (
    (
        "$top",
        "--top",
        {
            "type": click.IntRange(min=0),
            "metavar": "N",
            "help": "At most N items ($top), reading further pages as needed; with --all, "
            "the items per page.",
        },
    ),
    ("$skip", "--skip", {"type": click.IntRange(min=0), "metavar": "N", "help": "Skip N items."}),
    ("$filter", "--filter", {"metavar": "EXPR", "help": "An OData $filter expression."}),
    ("$search", "--search", {"metavar": "TEXT", "help": "A $search expression."}),
    (
        "$orderby",
        "--orderby",
        {"multiple": True, "metavar": "PROP", "help": "Sort by ($orderby); repeatable."},
    ),
    (
        "$select",
        "--select",
        {"multiple": True, "metavar": "PROP", "help": "Properties to return; repeatable."},
    ),
    (
        "$expand",
        "--expand",
        {"multiple": True, "metavar": "PROP", "help": "Relations to expand; repeatable."},
    ),
    (
        "$count",
        "--count",
        {
            "is_flag": True,
            "help": 'Ask for the total too: prints {"@odata.count": N, "value": [...]}.',
        },
    ),
)


def _list_options() -> list[click.Option]:
    return [
        click.Option(
            ["--all", "all_pages"],
            is_flag=True,
            help="Read every page (following @odata.nextLink).",
        ),
        click.Option(
            ["--page-size"],
            type=click.IntRange(min=1),
            metavar="N",
            help="With --all: items per page.",
        ),
        click.Option(["--jsonl"], is_flag=True, help="Print one item a line (JSON Lines)."),
    ]


def _body_option(type_name: str | None) -> click.Option:
    what = f"a {type_name}, " if type_name else ""
    return click.Option(
        ["--body"],
        metavar="FILE|-|JSON",
        help=f"The request body ({what}the SDK's -BodyParameter) in any key casing: a JSON "
        "file, - for stdin, or JSON text.",
    )


def _common_options() -> list[click.Option]:
    return [
        click.Option(
            ["--header", "headers"],
            multiple=True,
            metavar="NAME=VALUE",
            help="An extra request header (the SDK's -Headers); NAME:VALUE too; repeatable.",
        ),
        click.Option(
            ["--what-if"], is_flag=True, help="Print the request that would be sent; send nothing."
        ),
    ]


def _environment_option() -> click.Option:
    # As bridge._cli's environment_option (imported lazily, so restated; a test compares them).
    return click.Option(
        ["--environment", "-e"],
        envvar="MGBRIDGE_ENVIRONMENT",
        metavar="NAME",
        help="Sign in afresh to this cloud (Sandbox: its default app; others: the AZURE_* "
        "variables). Default: the connection saved by `mgbridge connect`, else Sandbox.",
    )


def _version_options() -> list[click.Option]:
    return [
        click.Option(["--v1"], is_flag=True, help="Use Graph v1.0 (default: beta)."),
        click.Option(
            ["--api-version"],
            type=click.Choice(_VERSIONS),
            help="Graph API version, as the other commands take it (default: beta).",
        ),
    ]


def _query_params(allowed: set[str]) -> list[click.Option]:
    return [
        click.Option([cli_name], **settings)
        for option, cli_name, settings in _QUERY_OPTIONS
        if option in allowed
    ]


def _query(values: Mapping[str, Any]) -> dict[str, Any]:
    """The OData options given, by the names `Session.command` takes."""
    query: dict[str, Any] = {}
    for _option, cli_name, _settings in _QUERY_OPTIONS:
        key = cli_name.removeprefix("--")
        value = values.get(key)
        if value is None or value is False or value == ():
            continue
        query[key] = list(value) if isinstance(value, tuple) else value
    return query


# -- running an operation -------------------------------------------------------------------------


@dataclass
class _Run:
    """One operation to run, as both `calls` and `command` gather it."""

    name: str  # the SDK command name
    ids: dict[str, str]
    body: str | None
    query: dict[str, Any]
    all_pages: bool
    page_size: int | None
    jsonl: bool
    headers: tuple[str, ...]
    what_if: bool
    environment: str | None


def _execute(run: _Run) -> None:
    """Checks the input, signs in, sends, prints: as the module docstring says."""
    from bridge import _cli  # the CLI's session and I/O helpers (it imports this module)
    from bridge._operation import PlannedRequest
    from bridge._session import UNDECLARED_KEYS_ENV
    from bridge._shape import build_command_request

    if run.page_size is not None and not run.all_pages:
        raise click.UsageError("--page-size sets the page size of --all; add --all")
    if run.all_pages and run.page_size is not None and "top" in run.query:
        raise click.UsageError("with --all, --top and --page-size both set the page size")
    if run.jsonl and run.query.get("count"):
        raise click.UsageError("--count prints an object; it cannot be given with --jsonl")
    body = _cli._read_body(run.body) if run.body is not None else None
    headers = _cli._parse_headers(run.headers)
    # Shaped here first, so that a bad input exits 2 before any sign-in; Session.command
    # shapes it again (the same function) when it sends.
    verbatim = os.environ.get(UNDECLARED_KEYS_ENV, "").lower() == "verbatim"
    request = build_command_request(
        run.name, ids=run.ids, body=body, query=run.query, verbatim_undeclared_keys=verbatim
    )
    command = request.command
    if command.returns != "collection":
        for flag, given in (("--all", run.all_pages), ("--jsonl", run.jsonl)):
            if given:
                raise click.UsageError(
                    f"{flag} applies to lists; {command.name} ({command.variant}) returns "
                    f"{command.returns}"
                )
    with _cli._session(run.environment) as session:
        result = session.command(
            run.name,
            ids=run.ids,
            body=body,
            query=run.query,
            all_pages=run.all_pages,
            page_size=run.page_size,
            headers=headers,
            what_if=run.what_if,
        )
    if isinstance(result, PlannedRequest):
        _cli._echo_json(result.to_dict())
        return
    _print_result(result, jsonl=run.jsonl, with_count=bool(run.query.get("count")))


def _print_result(result: CommandResult, *, jsonl: bool, with_count: bool) -> None:
    from bridge import _cli

    returns = result.command.returns
    if returns == "nothing":
        return
    if returns == "count":
        click.echo(str(result.value))
        return
    if returns == "object":
        _cli._echo_json(result.value)
        return
    if jsonl:
        for item in result.value:
            click.echo(json.dumps(item, ensure_ascii=False, separators=(",", ":")))
    elif with_count:
        _cli._echo_json({"@odata.count": result.count, "value": result.value})
    else:
        _cli._echo_json(result.value)
    if result.next_link:
        click.echo(f"More items follow ({result.next_link}); --all reads every page.", err=True)


# -- `mgbridge calls` -----------------------------------------------------------------------------


def _resolve_version(ctx: click.Context, v1: bool, api_version: str | None) -> str:
    asked = set(ctx.meta.get(_VERSION_KEY, ()))
    asked |= {"v1.0"} if v1 else set()
    asked |= {api_version} if api_version else set()
    if len(asked) > 1:
        raise click.UsageError("--v1 and --api-version beta contradict each other")
    return asked.pop() if asked else "beta"


def _leaf_help(leaf: _Leaf) -> str:
    first = leaf.first
    summary = first.synopsis.strip().rstrip(".") or f"{leaf.method} {leaf.path}"
    sdk = [
        f"{'SDK:' if i == 0 else '    '} {c.name} ({v})"
        for i, (v, c) in enumerate(leaf.commands.items())
    ]
    lines = [f"{summary}.", "", "\b", f"{leaf.method} {leaf.path}", *sdk]
    if "v1.0" not in leaf.commands:
        lines.append("Graph beta only (not in v1.0).")
    output = {
        "object": f"Prints the {first.response or 'result'} as JSON.",
        "collection": "Prints the items as a JSON array (--jsonl: one a line).",
        "count": "Prints the number.",
        "nothing": "Prints nothing (Graph answers 204 No Content).",
    }[first.returns]
    return "\n".join([*lines, "", output])


def _leaf_command(leaf: _Leaf) -> click.Command:
    params: list[click.Parameter] = [
        click.Option(
            [*option.names, f"id_{index}"],
            required=True,
            metavar="ID",
            help=f"The {_words(option.ps_name)} (the SDK's -{option.ps_name}).",
        )
        for index, option in enumerate(leaf.ids)
    ]
    if leaf.has_body():
        params.append(_body_option(leaf.first.body))
    params += _query_params(leaf.query())
    if leaf.is_list():
        params += _list_options()
    params += [*_common_options(), *_version_options(), _environment_option()]

    def run(**values: Any) -> None:
        ctx = click.get_current_context()
        version = _resolve_version(ctx, values["v1"], values["api_version"])
        command = leaf.commands.get(version)
        if command is None:
            raise click.UsageError(f"`mgbridge {leaf.cli}` is in Graph beta only, not {version}")
        _execute(
            _Run(
                name=command.name,
                ids={option.ps_name: values[f"id_{i}"] for i, option in enumerate(leaf.ids)},
                body=values.get("body"),
                query=_query(values),
                all_pages=values.get("all_pages", False),
                page_size=values.get("page_size"),
                jsonl=values.get("jsonl", False),
                headers=values["headers"],
                what_if=values["what_if"],
                environment=values["environment"],
            )
        )

    return click.Command(leaf.verb, params=params, callback=run, help=_leaf_help(leaf))


def _words(ps_name: str) -> str:
    return _kebab(ps_name).replace("-", " ")


def _group_help(words: tuple[str, ...], template: str) -> str:
    noun = words[-1].replace("-", " ")
    owner = _singular(words[-2]).replace("-", " ")
    return f"The {noun} of a {owner} ({template}): list, get, create, ... and their actions."


def _build(root: click.Group) -> None:
    groups: dict[tuple[str, ...], click.Group] = {("calls",): root}
    for leaf in _leaves().values():
        for depth in range(2, len(leaf.words) + 1):
            words = leaf.words[:depth]
            if words not in groups:
                help_text = _group_help(words, leaf.templates[depth - 1])
                group = click.Group(words[-1], help=help_text)
                groups[words[:-1]].add_command(group)
                groups[words] = group
        parent = groups[leaf.words]
        if leaf.verb in parent.commands:
            raise ValueError(f"`{leaf.cli}` is both an operation and a collection")
        parent.add_command(_leaf_command(leaf))


class _CallsGroup(click.Group):
    """`mgbridge calls`: its subcommands are built from the table when first asked for."""

    _built = False

    def _ensure_built(self) -> None:
        if not self._built:
            self._built = True
            _build(self)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._ensure_built()
        return super().list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        self._ensure_built()
        return super().get_command(ctx, cmd_name)


@click.group(
    "calls",
    cls=_CallsGroup,
    short_help="Any operation of the calls API, JSON in and out.",
)
@click.option("--v1", is_flag=True, help="Use Graph v1.0 for the operation (default: beta).")
@click.option(
    "--api-version",
    type=click.Choice(_VERSIONS),
    help="Graph API version, as the other commands take it (default: beta).",
)
@click.pass_context
def calls_group(ctx: click.Context, v1: bool, api_version: str | None) -> None:
    """Every operation of Graph's calls API, JSON in and out (beta; --v1 for v1.0).

    A path of collections, then the operation: list, create, count, get, update, delete, or an
    action (mute, keep-alive, play-prompt, ...). Ids are options named after their collection
    (--call-id, --participant-id, --operation-id); --body takes JSON in any key casing: a file,
    - for stdin, or the text itself.

    \b
      mgbridge calls create --body call.json
      mgbridge calls list --all --filter "state eq 'established'"
      mgbridge calls participants invite --call-id ID --body -
      mgbridge calls participants mute --call-id ID --participant-id PID \\
          --body '{"ClientContext": "c"}'
      mgbridge calls --v1 operations get --call-id ID --operation-id OID
      mgbridge calls delete --call-id ID

    Prints the Graph JSON on stdout: an object, a JSON array for lists (--jsonl: one item a
    line), a number for counts, nothing for 204. Exit codes: 0 success, 1 Graph or transport
    error, 2 usage or body error (the path named, nothing sent), 3 sign-in error.
    """
    asked = {"v1.0"} if v1 else set()
    asked |= {api_version} if api_version else set()
    ctx.meta[_VERSION_KEY] = tuple(asked)


# -- `mgbridge command NAME` ----------------------------------------------------------------------


def _parse_ids(values: tuple[str, ...]) -> dict[str, str]:
    ids: dict[str, str] = {}
    seen: set[str] = set()
    for value in values:
        name, sep, text = value.partition("=")
        name = name.strip()
        if not sep or not name:
            raise click.BadParameter(f"{value!r} is not NAME=VALUE", param_hint="--id")
        if name.lower() in seen:
            raise click.BadParameter(f"{name} is given twice", param_hint="--id")
        seen.add(name.lower())
        ids[name] = text
    return ids


def _check_name(name: str) -> str:
    from bridge._schema import COMMANDS

    if name in COMMANDS:
        return COMMANDS[name][0].name
    close = difflib.get_close_matches(name, list(COMMANDS), n=3, cutoff=0.8)
    hint = f" Did you mean {' or '.join(close)}?" if close else ""
    raise click.BadParameter(
        f"{name!r} is not a command of the calls family (see `mgbridge command --list`).{hint}",
        param_hint="NAME",
    )


def _list_commands(as_json: bool) -> None:
    from bridge import _cli
    from bridge._schema import COMMANDS

    rows: list[dict[str, Any]] = []
    for name in sorted(COMMANDS, key=str.lower):
        operations = COMMANDS[name]
        rows.append(
            {
                "name": name,
                "api_version": operations[0].api_version,
                "summary": operations[0].synopsis,
                "cli": _cli_names(name),
                "operations": [
                    {"variant": c.variant, "method": c.method, "path": c.wire_path}
                    for c in operations
                ],
            }
        )
    if as_json:
        _cli._echo_json(rows)
        return
    width = max(len(row["name"]) for row in rows)
    for row in rows:
        click.echo(f"{row['name'].ljust(width)}  {row['summary']}".rstrip())


def _command_callback(
    name: str | None, list_names: bool, as_json: bool, id_values: tuple[str, ...], **values: Any
) -> None:
    if list_names:
        if name is not None:
            raise click.UsageError("give NAME or --list, not both")
        _list_commands(as_json)
        return
    if as_json:
        raise click.UsageError("--json goes with --list")
    if name is None:
        raise click.UsageError("give a command NAME (see `mgbridge command --list`)")
    _execute(
        _Run(
            name=_check_name(name),
            ids=_parse_ids(id_values),
            body=values["body"],
            query=_query(values),
            all_pages=values["all_pages"],
            page_size=values["page_size"],
            jsonl=values["jsonl"],
            headers=values["headers"],
            what_if=values["what_if"],
            environment=values["environment"],
        )
    )


def _command_params() -> list[click.Parameter]:
    every = {option for option, _, _ in _QUERY_OPTIONS}
    return [
        click.Argument(["name"], required=False),
        click.Option(["--list", "list_names"], is_flag=True, help="List the command names."),
        click.Option(["--json", "as_json"], is_flag=True, help="With --list: print JSON."),
        click.Option(
            ["--id", "id_values"],
            multiple=True,
            metavar="NAME=VALUE",
            help="A path id by the SDK's parameter name (CallId=..., ParticipantId=...); "
            "repeatable. The ids given choose the operation (list or get).",
        ),
        _body_option(None),
        *_query_params(every),
        *_list_options(),
        *_common_options(),
        _environment_option(),
    ]


command_command = click.Command(
    "command",
    params=_command_params(),
    callback=_command_callback,
    short_help="Run a calls operation by its SDK command name.",
    help="""Run an operation of the calls family by its SDK command name (any casing).

    \b
      mgbridge command Invoke-MgBetaMuteCommunicationCallParticipant \\
          --id CallId=ID --id ParticipantId=PID --body b.json
      mgbridge command Get-MgCommunicationCallParticipant --id CallId=ID --all
      mgbridge command --list

    The name fixes the API version (Mg = v1.0, MgBeta = beta); --id gives the path ids by the
    SDK's parameter names, and they choose among the command's operations (list or get), as
    the SDK's parameter sets do. Query options the operation does not take are an error (exit
    2). Output and exit codes as for `mgbridge calls`.
    """,
)
