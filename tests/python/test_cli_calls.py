"""`mgbridge calls ...` and `mgbridge command NAME`: the generated CLI of the calls family.

First over a scripted Graph (the exact requests, outputs and exit codes), then against the
sandbox, signing in for real: a whole call's life from the command line.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
import httpx
import pytest
from click.testing import CliRunner, Result

import bridge
import bridge._cli as cli_module
from bridge._cli import cli
from bridge._cli_calls import _leaves, calls_group
from bridge._environments import Environment
from bridge._http import build_client
from bridge._retry import RetryPolicy
from bridge._schema import COMMANDS
from bridge.sandbox import Sandbox

CALL = "ab6233a5-20b7-4c5e-bea2-ce56c9776429"
PARTICIPANT = "5ec4a4a8-b1f9-4f08-8b4b-e5a3b0a1c1d2"
OP = "eec3812a-fdc3-4fb4-825c-a06c9f35414e"
TOKEN = "eyJ0eXAiOiJKV1QifQ.eyJyb2xlcyI6W119.c2lnbmF0dXJl"
ROOT = "https://graph.test"
MUTE_PATH = f"/beta/communications/calls/{CALL}/participants/{PARTICIPANT}/mute"
PARTICIPANTS_PATH = f"/beta/communications/calls/{CALL}/participants"


@pytest.fixture(autouse=True)
def no_saved_connection(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never read or write the user's real config (saved connection, environments)."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("MGBRIDGE_ENVIRONMENT", raising=False)
    monkeypatch.delenv("MGBRIDGE_UNDECLARED_KEYS", raising=False)


def invoke(runner: CliRunner, *args: str, input: str | None = None) -> Result:
    return runner.invoke(cli, list(args), input=input)


# -- a scripted Graph -----------------------------------------------------------------------------


class FakeTokens:
    def token(self) -> str:
        return TOKEN

    def context(self) -> dict[str, Any]:
        return {}


Answer = Callable[[httpx.Request], httpx.Response]


class Graph:
    """Answers by (method, path); anything else is Graph's 404. Keeps every request."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.routes: dict[tuple[str, str], Answer] = {}

    def on(self, method: str, path: str, status: int = 200, **response: Any) -> None:
        self.routes[(method, path)] = lambda request: httpx.Response(status, **response)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.routes.get((request.method, request.url.path))
        if answer is not None:
            return answer(request)
        envelope = {"error": {"code": "itemNotFound", "message": "Not found.", "innerError": {}}}
        return httpx.Response(404, json=envelope, headers={"request-id": "rid-404"})

    def bodies(self) -> list[Any]:
        return [json.loads(r.content) if r.content else None for r in self.requests]


@pytest.fixture
def graph(monkeypatch: pytest.MonkeyPatch) -> Graph:
    """Replaces the CLI's connection (the one `invite` uses) with a session over a scripted
    Graph; `calls` and `command` must go through it."""
    graph = Graph()

    @contextmanager
    def session(environment: str | None) -> Iterator[bridge.Session]:
        client = build_client(transport=httpx.MockTransport(graph), retry=RetryPolicy(0))
        env = Environment("Test", ROOT, "https://login.test")
        with bridge.Session(env, client, FakeTokens()) as s:  # type: ignore[arg-type]
            yield s

    monkeypatch.setattr(cli_module, "_session", session)
    return graph


def _operation(kind: str, client_context: str | None = None) -> dict[str, Any]:
    return {
        "@odata.type": f"#microsoft.graph.{kind}",
        "id": OP,
        "status": "completed",
        "clientContext": client_context,
    }


# -- the tree -------------------------------------------------------------------------------------


def _walk(group: click.Group, words: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Any]]:
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None
        if isinstance(command, click.Group):
            yield from _walk(command, (*words, name))
        else:
            yield (*words, name), command


def test_every_operation_of_the_table_has_exactly_one_place() -> None:
    placed = [
        (command.name, command.variant, command.api_version)
        for leaf in _leaves().values()
        for command in leaf.commands.values()
    ]
    table = [(c.name, c.variant, c.api_version) for cs in COMMANDS.values() for c in cs]
    assert len(table) == 102
    assert sorted(placed) == sorted(table)
    generated = {words for words, _ in _walk(calls_group, ("calls",))}
    assert generated == {(*leaf.words, leaf.verb) for leaf in _leaves().values()}


def test_the_tree_mirrors_session_calls() -> None:
    generated = {" ".join(words) for words, _ in _walk(calls_group, ("calls",))}
    assert {
        "calls create", "calls list", "calls get", "calls update", "calls delete", "calls count",
        "calls keep-alive", "calls play-prompt", "calls mute", "calls unmute",
        "calls log-teleconference-device-quality",
        "calls participants list", "calls participants get", "calls participants invite",
        "calls participants mute", "calls participants mute-all", "calls participants delete",
        "calls participants start-hold-music", "calls operations list", "calls operations get",
        "calls audio-routing-groups create", "calls content-sharing-sessions list",
    } <= generated  # fmt: skip


def test_id_options_are_named_after_their_collection() -> None:
    leaf = _leaves()[(("calls", "operations"), "get")]
    assert [option.names for option in leaf.ids] == [
        ("--call-id",),
        ("--operation-id", "--comms-operation-id"),
    ]
    group = _leaves()[(("calls", "audio-routing-groups"), "delete")]
    assert group.ids[1].names == ("--audio-routing-group-id",)


def test_every_generated_command_has_help_from_the_table(runner: CliRunner) -> None:
    for words, command in _walk(calls_group, ("calls",)):
        leaf = _leaves()[(words[:-1], words[-1])]
        result = invoke(runner, *words, "--help")
        assert result.exit_code == 0, words
        out = result.stdout
        assert leaf.first.synopsis.rstrip(".") in " ".join(out.split()), words
        assert f"{leaf.method} {leaf.path}" in out, words
        for sdk in leaf.commands.values():
            assert sdk.name in out
        assert ("Graph beta only" in out) == ("v1.0" not in leaf.commands), words
        assert command.help  # click's own listing shows it too
    listing = invoke(runner, "calls", "participants", "--help").stdout
    assert "mute-all" in listing
    assert "Mute all participants in the call" in listing


def test_options_exist_where_the_operation_takes_them(runner: CliRunner) -> None:
    def options(*words: str) -> set[str]:
        out = invoke(runner, *words, "--help").stdout
        return {w.rstrip(",") for w in out.split() if w.startswith("--")}

    listing = options("calls", "participants", "list")
    assert {"--call-id", "--top", "--filter", "--all", "--page-size", "--jsonl"} <= listing
    assert "--body" not in listing
    get = options("calls", "get")
    assert {"--select", "--expand", "--what-if", "--header", "--v1"} <= get
    assert not {"--top", "--all", "--body", "--jsonl"} & get
    assert "--body" in options("calls", "participants", "mute")
    assert "--body" not in options("calls", "keep-alive")
    assert {"--filter", "--search"} <= options("calls", "count")


def test_environment_option_is_the_other_commands(runner: CliRunner) -> None:
    def environment(command: click.Command) -> tuple[Any, ...]:
        (option,) = [p for p in command.params if p.name == "environment"]
        assert isinstance(option, click.Option)
        return (option.opts, option.secondary_opts, option.envvar, option.metavar, option.help)

    keep_alive = calls_group.get_command(click.Context(calls_group), "keep-alive")
    assert keep_alive is not None
    invite = cli.commands["invite"]
    assert environment(keep_alive) == environment(invite)
    assert environment(cli.commands["command"]) == environment(invite)


def test_help_does_not_read_the_table() -> None:
    code = (
        "import sys\n"
        "from bridge._cli import cli\n"
        "for args in (['--help'], ['invite', '--help'], ['--version']):\n"
        "    try:\n"
        "        cli(args)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print('bridge._schema' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines()[-1] == "False"


# -- requests and outputs, over the scripted Graph ------------------------------------------------


def test_mute_sends_the_documented_request(runner: CliRunner, graph: Graph) -> None:
    graph.on("POST", MUTE_PATH, json=_operation("muteParticipantOperation", "c"))
    args = ["participants", "mute", "--call-id", CALL, "--participant-id", PARTICIPANT]
    result = invoke(runner, "calls", *args, "--body", '{"ClientContext": "c"}')
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == _operation("muteParticipantOperation", "c")
    assert result.stderr == ""
    (request,) = graph.requests
    assert request.method == "POST"
    assert str(request.url) == ROOT + MUTE_PATH
    assert graph.bodies() == [{"clientContext": "c"}]


@pytest.mark.parametrize(
    "version_args",
    [
        ["--v1", "participants", "mute"],
        ["participants", "mute", "--v1"],
        ["--api-version", "v1.0", "participants", "mute"],
        ["participants", "mute", "--api-version", "v1.0"],
    ],
)
def test_v1_from_the_group_or_the_operation(
    runner: CliRunner, graph: Graph, version_args: list[str]
) -> None:
    graph.on("POST", MUTE_PATH.replace("/beta/", "/v1.0/"), json=_operation("x"))
    ids = ["--call-id", CALL, "--participant-id", PARTICIPANT]
    result = invoke(runner, "calls", *version_args, *ids)
    assert result.exit_code == 0, result.stderr
    assert graph.requests[0].url.path.startswith("/v1.0/communications/calls/")
    assert graph.bodies() == [{}]  # a body-taking action with no --body sends an empty object


def test_body_from_a_file_and_from_stdin(runner: CliRunner, graph: Graph, tmp_path: Path) -> None:
    path = f"/beta/communications/calls/{CALL}/participants/invite"
    graph.on("POST", path, json=_operation("inviteParticipantsOperation"))
    body = {"Participants": [{"Identity": {"User": {"Id": "u1"}}}], "ClientContext": "k"}
    file = tmp_path / "body.json"
    file.write_text(json.dumps(body), encoding="utf-8")
    base = ["calls", "participants", "invite", "--call-id", CALL, "--body"]
    assert invoke(runner, *base, str(file)).exit_code == 0
    assert invoke(runner, *base, "-", input=json.dumps(body)).exit_code == 0
    wire = {"participants": [{"identity": {"user": {"id": "u1"}}}], "clientContext": "k"}
    assert graph.bodies() == [wire, wire]


def test_list_sends_the_query_and_prints_a_json_array(runner: CliRunner, graph: Graph) -> None:
    items = [{"id": "p1"}, {"id": "p2"}]
    graph.on("GET", PARTICIPANTS_PATH, json={"value": items})
    result = invoke(
        runner,
        *("calls", "participants", "list", "--call-id", CALL),
        *("--top", "5", "--skip", "1", "--filter", "isMuted eq true"),
        *("--select", "id,info", "--select", "isMuted", "--orderby", "id", "--expand", "x"),
    )
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == items
    query = dict(graph.requests[0].url.params)
    assert query == {
        "$top": "5",
        "$skip": "1",
        "$filter": "isMuted eq true",
        "$select": "id,info,isMuted",
        "$orderby": "id",
        "$expand": "x",
    }


def test_list_all_follows_next_links_and_jsonl_prints_one_item_a_line(
    runner: CliRunner, graph: Graph
) -> None:
    second = f"{ROOT}{PARTICIPANTS_PATH}?$skiptoken=2"

    def pages(request: httpx.Request) -> httpx.Response:
        if "$skiptoken" in str(request.url):
            return httpx.Response(200, json={"value": [{"id": "p3"}]})
        return httpx.Response(
            200, json={"value": [{"id": "p1"}, {"id": "p2"}], "@odata.nextLink": second}
        )

    graph.routes[("GET", PARTICIPANTS_PATH)] = pages
    base = ["calls", "participants", "list", "--call-id", CALL]
    result = invoke(runner, *base, "--all", "--page-size", "2", "--jsonl")
    assert result.exit_code == 0, result.stderr
    assert [json.loads(line) for line in result.stdout.splitlines()] == [
        {"id": "p1"},
        {"id": "p2"},
        {"id": "p3"},
    ]
    assert graph.requests[0].url.params["$top"] == "2"
    assert result.stderr == ""

    first_page = invoke(runner, *base)
    assert json.loads(first_page.stdout) == [{"id": "p1"}, {"id": "p2"}]
    assert "More items follow" in first_page.stderr
    assert "--all" in first_page.stderr


def test_count_option_prints_graphs_page_object(runner: CliRunner, graph: Graph) -> None:
    graph.on("GET", PARTICIPANTS_PATH, json={"@odata.count": 7, "value": [{"id": "p1"}]})
    result = invoke(runner, "calls", "participants", "list", "--call-id", CALL, "--count")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == {"@odata.count": 7, "value": [{"id": "p1"}]}
    assert graph.requests[0].url.params["$count"] == "true"


def test_count_prints_a_number(runner: CliRunner, graph: Graph) -> None:
    graph.on("GET", PARTICIPANTS_PATH + "/$count", text="3")
    result = invoke(runner, "calls", "participants", "count", "--call-id", CALL)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "3\n"


def test_get_create_and_delete(runner: CliRunner, graph: Graph) -> None:
    call = {"@odata.type": "#microsoft.graph.call", "id": CALL, "state": "establishing"}
    graph.on("POST", "/beta/communications/calls", status=201, json=call)
    graph.on("GET", f"/beta/communications/calls/{CALL}", json=call)
    graph.on("DELETE", f"/beta/communications/calls/{CALL}", status=204)
    body = {"CallbackUri": "https://bot.contoso.com/callback", "RequestedModalities": ["audio"]}
    created = invoke(runner, "calls", "create", "--body", json.dumps(body))
    assert created.exit_code == 0, created.stderr
    assert json.loads(created.stdout) == call
    got = invoke(runner, "calls", "get", "--call-id", CALL, "--select", "id,state")
    assert json.loads(got.stdout) == call
    deleted = invoke(runner, "calls", "delete", "--call-id", CALL)
    assert deleted.exit_code == 0, deleted.stderr
    assert deleted.stdout == ""
    assert [r.method for r in graph.requests] == ["POST", "GET", "DELETE"]
    assert graph.bodies()[0] == {
        "callbackUri": "https://bot.contoso.com/callback",
        "requestedModalities": ["audio"],
    }
    assert graph.requests[1].url.params["$select"] == "id,state"


def test_what_if_prints_the_plan_and_sends_nothing(runner: CliRunner, graph: Graph) -> None:
    args = ["calls", "participants", "mute", "--call-id", CALL, "--participant-id", PARTICIPANT]
    result = invoke(runner, *args, "--body", '{"clientContext": "c"}', "--what-if")
    assert result.exit_code == 0, result.stderr
    plan = json.loads(result.stdout)
    assert plan["method"] == "POST"
    assert plan["url"] == ROOT + MUTE_PATH
    assert plan["body"] == {"clientContext": "c"}
    assert plan["headers"]["Authorization"] == "Bearer <redacted>"
    assert graph.requests == []


def test_headers_as_name_equals_value_or_name_colon_value(runner: CliRunner, graph: Graph) -> None:
    graph.on("GET", f"/beta/communications/calls/{CALL}", json={"id": CALL})
    args = ["calls", "get", "--call-id", CALL, "--header", "X-A=1=2", "--header", "X-B: b:c"]
    result = invoke(runner, *args)
    assert result.exit_code == 0, result.stderr
    assert graph.requests[0].headers["X-A"] == "1=2"
    assert graph.requests[0].headers["X-B"] == "b:c"


def test_debug_logs_the_exchange_without_the_token(runner: CliRunner, graph: Graph) -> None:
    graph.on("POST", f"/beta/communications/calls/{CALL}/keepAlive", status=200)
    result = invoke(runner, "--debug", "calls", "keep-alive", "--call-id", CALL)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert f"request: POST {ROOT}/beta/communications/calls/{CALL}/keepAlive" in result.stderr
    assert TOKEN not in result.stderr


# -- `mgbridge command NAME` ----------------------------------------------------------------------


def test_command_by_sdk_name_sends_what_calls_sends(
    runner: CliRunner, graph: Graph, tmp_path: Path
) -> None:
    graph.on("POST", MUTE_PATH, json=_operation("muteParticipantOperation", "c"))
    body = tmp_path / "b.json"
    body.write_text('{"ClientContext": "c"}', encoding="utf-8")
    by_name = invoke(
        runner,
        *("command", "Invoke-MgBetaMuteCommunicationCallParticipant"),
        *("--id", f"CallId={CALL}", "--id", f"ParticipantId={PARTICIPANT}", "--body", str(body)),
    )
    assert by_name.exit_code == 0, by_name.stderr
    args = ["calls", "participants", "mute", "--call-id", CALL, "--participant-id", PARTICIPANT]
    by_path = invoke(runner, *args, "--body", str(body))
    assert by_name.stdout == by_path.stdout
    first, second = graph.requests
    assert (first.method, first.url, first.content) == (second.method, second.url, second.content)


def test_command_ids_choose_list_or_get(runner: CliRunner, graph: Graph) -> None:
    graph.on("GET", PARTICIPANTS_PATH, json={"value": [{"id": PARTICIPANT}]})
    graph.on("GET", f"{PARTICIPANTS_PATH}/{PARTICIPANT}", json={"id": PARTICIPANT})
    name = "get-mgbetacommunicationcallparticipant"  # any casing, as PowerShell
    listed = invoke(runner, "command", name, "--id", f"callId={CALL}", "--top", "1")
    assert json.loads(listed.stdout) == [{"id": PARTICIPANT}]
    ids = ["--id", f"CallId={CALL}", "--id", f"participant-id={PARTICIPANT}"]
    got = invoke(runner, "command", name, *ids)
    assert json.loads(got.stdout) == {"id": PARTICIPANT}


def test_command_v1_name_targets_v1(runner: CliRunner, graph: Graph) -> None:
    graph.on("GET", f"/v1.0/communications/calls/{CALL}/operations/{OP}", json={"id": OP})
    ids = ["--id", f"CallId={CALL}", "--id", f"CommsOperationId={OP}"]
    result = invoke(runner, "command", "Get-MgCommunicationCallOperation", *ids)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == {"id": OP}


def test_command_list(runner: CliRunner) -> None:
    result = invoke(runner, "command", "--list")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == len(COMMANDS)
    mute = next(line for line in lines if line.startswith("Invoke-MgBetaMuteAllCommunicationCal"))
    assert "Mute all participants in the call" in mute
    rows = json.loads(invoke(runner, "command", "--list", "--json").stdout)
    by_name = {row["name"]: row for row in rows}
    assert set(by_name) == set(COMMANDS)
    beta = by_name["Invoke-MgBetaMuteCommunicationCallParticipant"]
    assert beta["cli"] == ["calls participants mute"]
    assert beta["api_version"] == "beta"
    v1 = by_name["Get-MgCommunicationCallParticipant"]
    assert sorted(v1["cli"]) == ["calls --v1 participants get", "calls --v1 participants list"]
    assert [op["variant"] for op in v1["operations"]] == ["List", "Get"]


# -- exit codes -----------------------------------------------------------------------------------

MUTE = ["calls", "participants", "mute", "--call-id", CALL, "--participant-id", PARTICIPANT]
LIST = ["calls", "participants", "list", "--call-id", CALL]
COMMAND_GET = ["command", "Get-MgBetaCommunicationCall", "--id", f"CallId={CALL}"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["calls", "participants", "mute", "--call-id", CALL], "--participant-id"),
        ([*MUTE, "--body", "{nope"], "--body"),
        ([*MUTE, "--body", "[1]"], "--body"),
        ([*MUTE, "--body", "/no/such/file.json"], "--body"),
        (["calls", "get", "--call-id", CALL, "--body", "{}"], "--body"),
        (["calls", "get", "--call-id", CALL, "--top", "1"], "--top"),
        (["calls", "--v1", "participants", "mute-all", "--call-id", CALL], "beta only"),
        (["calls", "--v1", "get", "--call-id", CALL, "--api-version", "beta"], "contradict"),
        ([*LIST, "--page-size", "5"], "--page-size"),
        ([*LIST, "--all", "--top", "5", "--page-size", "2"], "page size"),
        ([*LIST, "--count", "--jsonl"], "--jsonl"),
        ([*MUTE, "--header", "no-separator"], "--header"),
        (["calls", "participants", "nope", "--call-id", CALL], "nope"),
        (["command"], "NAME"),
        (["command", "Get-MgBetaCommunicationCal"], "Did you mean Get-MgBetaCommunicationCall"),
        (["command", "Get-MgBetaCommunicationCall", "--list"], "not both"),
        (["command", "Get-MgBetaCommunicationCall", "--id", "CallId"], "NAME=VALUE"),
        ([*COMMAND_GET, "--id", f"callid={CALL}"], "twice"),
        ([*COMMAND_GET, "--all"], "--all applies to lists"),
        ([*COMMAND_GET, "--jsonl"], "--jsonl applies to lists"),
    ],
)
def test_usage_errors_exit_2_and_send_nothing(
    runner: CliRunner, graph: Graph, args: list[str], message: str
) -> None:
    result = invoke(runner, *args)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert message in result.stderr
    assert graph.requests == []


@pytest.mark.parametrize(
    ("args", "path"),
    [
        (
            [
                *("calls", "participants", "invite", "--call-id", CALL, "--body"),
                '{"Participants": [{"Identity": {"User": {"Id": {"nested": 1}}}}]}',
            ],
            "BodyError: Participants[0].Identity.User.Id:",
        ),
        ([*MUTE, "--body", '{"ClientContext": "x", "clientcontext": "y"}'], "BodyError: "),
        ([*MUTE, "--body", '{"ClientContext": {"a": 1}}'], "BodyError: ClientContext:"),
        (["calls", "get", "--call-id", "a/b"], "BodyError: CallId:"),
        (["calls", "get", "--call-id", ""], "BodyError: CallId:"),
        ([*COMMAND_GET, "--top", "1"], "BodyError: top: is not a query option"),
        ([*COMMAND_GET, "--id", "Nope=1"], "BodyError: Nope: is not an id"),
        (
            [
                *("command", "Invoke-MgBetaKeepCommunicationCallAlive"),
                *("--id", f"CallId={CALL}", "--body", "{}"),
            ],
            "BodyError: BodyParameter: Invoke-MgBetaKeepCommunicationCallAlive takes no",
        ),
        (["command", "Invoke-MgBetaMuteCommunicationCallParticipant"], "BodyError: CallId:"),
        ([*MUTE, "--header", "Authorization=Bearer x"], "BodyError: Headers:"),
    ],
)
def test_body_errors_exit_2_naming_the_path(
    runner: CliRunner, graph: Graph, args: list[str], path: str
) -> None:
    result = invoke(runner, *args)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert path in result.stderr
    assert graph.requests == []


def test_bad_input_exits_2_before_any_sign_in(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No sandbox runs, so signing in would fail with 3: the input is checked first."""
    monkeypatch.setenv("MGBRIDGE_SANDBOX_STATE", str(tmp_path / "no-sandbox.json"))
    result = invoke(runner, *MUTE, "--body", '{"ClientContext": ["c"]}')
    assert result.exit_code == 2, result.output
    assert "BodyError: ClientContext:" in result.stderr
    signed = invoke(runner, *MUTE)
    assert signed.exit_code == 3
    assert "AuthError:" in signed.stderr


def test_graph_error_exits_1(runner: CliRunner, graph: Graph) -> None:
    result = invoke(runner, "calls", "get", "--call-id", CALL)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "GraphError: [itemNotFound] Not found. (status 404, request-id rid-404)" in result.stderr


def test_unknown_environment_exits_3(runner: CliRunner) -> None:
    result = invoke(runner, "calls", "get", "--call-id", CALL, "-e", "Nowhere")
    assert result.exit_code == 3
    assert "Unknown environment 'Nowhere'" in result.stderr


# -- against the sandbox, signing in for real -----------------------------------------------------


# New-MgBetaCommunicationCall's Example 3 (a group call: invites of several people need one),
# keys cased as a script might case them.
def _target(name: str, user_id: str) -> dict[str, Any]:
    return {
        "@odata.type": "#microsoft.graph.invitationParticipantInfo",
        "Identity": {
            "@odata.type": "#microsoft.graph.identitySet",
            "User": {
                "@odata.type": "#microsoft.graph.identity",
                "DisplayName": name,
                "Id": user_id,
            },
        },
    }


NEW_CALL = {
    "@odata.type": "#microsoft.graph.call",
    "Direction": "outgoing",
    "Subject": "Create a group call with service hosted media",
    "CallbackUri": "https://bot.contoso.com/callback",
    "Source": {
        "@odata.type": "#microsoft.graph.participantInfo",
        "Identity": {
            "@odata.type": "#microsoft.graph.identitySet",
            "Application": {
                "@odata.type": "#microsoft.graph.identity",
                "DisplayName": "TestBot",
                "Id": "dd3885da-f9ab-486b-bfae-85de3d445555",
            },
        },
    },
    "Targets": [
        _target("user1", "98da8a1a-1b87-452c-a713-65d3f10b5555"),
        _target("user2", "bf5aae9a-d11d-47a8-93b1-782504c95555"),
    ],
    "RequestedModalities": ["audio"],
    "MediaConfig": {
        "@odata.type": "#microsoft.graph.serviceHostedMediaConfig",
        "RemoveFromDefaultAudioGroup": False,
    },
}
ALICE = "278405a3-f568-4b3e-b684-009193463064"
BOB = "632899f8-2ea1-4604-8413-27bd2892079f"
INVITE_TWO = {
    "Participants": [
        {"Identity": {"User": {"Id": ALICE, "DisplayName": "Alice"}}},
        {"Identity": {"User": {"Id": BOB, "DisplayName": "Bob"}}},
    ],
    "ClientContext": "invite-two",
}


def ok(result: Result) -> Any:
    """The JSON a successful command printed (None for nothing)."""
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout) if result.stdout.strip() else None


def _user_id(participant: dict[str, Any]) -> str:
    identity = (participant.get("info") or {}).get("identity") or {}
    return str((identity.get("user") or {}).get("id"))


def _until(what: str, check: Callable[[], Any], timeout: float = 5.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def _graph_requests(sb: Sandbox) -> list[dict[str, Any]]:
    return [r for r in sb.requests() if r["kind"] in ("graph", "invite")]


def test_sandbox_a_calls_life(runner: CliRunner, sb: Sandbox, tmp_path: Path) -> None:
    call_file = tmp_path / "call.json"
    call_file.write_text(json.dumps(NEW_CALL), encoding="utf-8")

    # Create the call and wait until it is established.
    call = ok(invoke(runner, "calls", "create", "--body", str(call_file)))
    call_id = call["id"]
    assert call["callbackUri"] == "https://bot.contoso.com/callback"
    _until(
        "the call to be established",
        lambda: ok(invoke(runner, "calls", "get", "--call-id", call_id))["state"] == "established",
    )

    # Invite two participants, the body from stdin; the operation completes.
    base = ["--call-id", call_id]
    invite = invoke(
        runner,
        "calls",
        "participants",
        "invite",
        *base,
        "--body",
        "-",
        input=json.dumps(INVITE_TWO),
    )
    operation = ok(invite)
    assert operation["clientContext"] == "invite-two"
    _until(
        "the invite to complete",
        lambda: (
            ok(
                invoke(
                    runner, "calls", "operations", "get", *base, "--operation-id", operation["id"]
                )
            )["status"].lower()
            == "completed"
        ),
    )

    # List them: both are on the roster.
    def roster() -> dict[str, str]:
        items = ok(invoke(runner, "calls", "participants", "list", *base))
        return {_user_id(p): p["id"] for p in items if _user_id(p) in (ALICE, BOB)}

    invited = _until("both invitees on the roster", lambda: len(roster()) == 2 and roster())
    lines = invoke(runner, "calls", "participants", "list", *base, "--jsonl").stdout.splitlines()
    assert {json.loads(line)["id"] for line in lines} >= set(invited.values())
    assert int(ok(invoke(runner, "calls", "participants", "count", *base))) >= 2

    # Mute Alice by the CLI path, Bob by the SDK command name; the wire is Graph's.
    alice = ["--participant-id", invited[ALICE]]
    muted = ok(
        invoke(
            runner,
            *("calls", "participants", "mute", *base, *alice),
            *("--body", '{"ClientContext": "mute-alice"}'),
        )
    )
    assert muted["clientContext"] == "mute-alice"
    mute_request = _graph_requests(sb)[-1]
    assert mute_request["method"] == "POST"
    assert mute_request["path"] == (
        f"/beta/communications/calls/{call_id}/participants/{invited[ALICE]}/mute"
    )
    assert mute_request["body"] == {"clientContext": "mute-alice"}
    by_name = invoke(
        runner,
        *("command", "Invoke-MgBetaMuteCommunicationCallParticipant"),
        *("--id", f"CallId={call_id}", "--id", f"ParticipantId={invited[BOB]}"),
        *("--body", '{"clientContext": "mute-bob"}'),
    )
    assert ok(by_name)["clientContext"] == "mute-bob"
    got = ok(invoke(runner, "calls", "participants", "get", *base, *alice))
    assert got["id"] == invited[ALICE]

    # Remove Bob: 204, nothing printed; the roster no longer holds him.
    removed = invoke(
        runner, "calls", "participants", "delete", *base, "--participant-id", invited[BOB]
    )
    assert ok(removed) is None
    _until("Bob to leave the roster", lambda: BOB not in roster())
    assert ALICE in roster()

    # The call's operations include the invite and the mutes.
    operations = ok(invoke(runner, "calls", "operations", "list", *base))
    ids = {op["id"] for op in operations}
    assert {operation["id"], muted["id"]} <= ids

    # Hang up; the call is gone: Graph's 404, exit 1.
    assert ok(invoke(runner, "calls", "delete", *base)) is None
    gone = invoke(runner, "calls", "get", *base)
    assert gone.exit_code == 1
    assert gone.stdout == ""
    assert "status 404" in gone.stderr


def test_sandbox_invite_list_and_read_back(runner: CliRunner, sb: Sandbox) -> None:
    """What the sandbox served before it knew the whole family: invite, GET call,
    GET participants, GET operation, in both versions."""
    call_id = sb.create_call()["id"]
    base = ["--call-id", call_id]
    body = json.dumps(INVITE_TWO)
    operation = ok(invoke(runner, "calls", "participants", "invite", *base, "--body", body))
    assert operation["status"] == "Running"
    assert [p["identity"]["user"]["id"] for p in operation["participants"]] == [ALICE, BOB]
    assert ok(invoke(runner, "calls", "get", *base))["id"] == call_id
    op_args = ["--operation-id", operation["id"]]
    done = _until(
        "the invite to complete",
        lambda: (
            (op := ok(invoke(runner, "calls", "operations", "get", *base, *op_args)))[
                "status"
            ].lower()
            == "completed"
            and op
        ),
    )
    assert done["clientContext"] == "invite-two"
    v1 = ok(invoke(runner, "calls", "--v1", "operations", "get", *base, *op_args))
    assert v1["id"] == operation["id"]
    items = ok(invoke(runner, "calls", "--v1", "participants", "list", *base))
    assert {_user_id(p) for p in items} >= {ALICE, BOB}
    paths = [r["path"] for r in _graph_requests(sb)]
    assert f"/v1.0/communications/calls/{call_id}/participants" in paths
    wire = {
        "participants": [
            {"identity": {"user": {"id": ALICE, "displayName": "Alice"}}},
            {"identity": {"user": {"id": BOB, "displayName": "Bob"}}},
        ],
        "clientContext": "invite-two",
    }
    assert _graph_requests(sb)[0]["body"] == wire


def test_sandbox_command_by_name(runner: CliRunner, sb: Sandbox, tmp_path: Path) -> None:
    call_id = sb.create_call()["id"]
    body = tmp_path / "b.json"
    body.write_text(json.dumps(INVITE_TWO), encoding="utf-8")
    name = "Invoke-MgInviteCommunicationCallParticipant"
    result = invoke(runner, "command", name, "--id", f"CallId={call_id}", "--body", str(body))
    assert ok(result)["clientContext"] == "invite-two"
    assert _graph_requests(sb)[0]["path"] == (
        f"/v1.0/communications/calls/{call_id}/participants/invite"
    )


def test_sandbox_what_if_sends_nothing_to_graph(runner: CliRunner, sb: Sandbox) -> None:
    call_id = sb.create_call()["id"]
    result = invoke(
        runner,
        *("calls", "participants", "invite", "--call-id", call_id),
        *("--body", json.dumps(INVITE_TWO), "--what-if"),
    )
    plan = ok(result)
    assert plan["url"] == f"{sb.graph}/beta/communications/calls/{call_id}/participants/invite"
    assert plan["body"]["clientContext"] == "invite-two"
    delete = ok(invoke(runner, "calls", "delete", "--call-id", call_id, "--what-if"))
    assert delete["method"] == "DELETE"
    assert delete["body"] is None
    assert _graph_requests(sb) == []


def test_sandbox_bad_input_exits_2_with_the_path_and_sends_nothing(
    runner: CliRunner, sb: Sandbox
) -> None:
    call_id = sb.create_call()["id"]
    bad = {"Participants": [{"Identity": {"User": {"Id": ALICE}}, "Hidden": "maybe"}]}
    args = ["calls", "participants", "invite", "--call-id", call_id, "--body", json.dumps(bad)]
    result = invoke(runner, *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "BodyError: Participants[0].Hidden:" in result.stderr
    too_many = {"Participants": [{"Identity": {"User": {"Id": str(i)}}} for i in range(6)]}
    args[-1] = json.dumps(too_many)
    result = invoke(runner, *args)
    assert result.exit_code == 2
    assert "BodyError: Participants:" in result.stderr
    assert sb.requests() == []  # not even a sign-in


def test_sandbox_unknown_call_exits_1(runner: CliRunner, sb: Sandbox) -> None:
    result = invoke(runner, "calls", "participants", "list", "--call-id", "no-such-call")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "status 404" in result.stderr
