"""The `mgbridge` CLI through click's CliRunner: exit codes first, then stdout and stderr apart."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner, Result

import bridge
import bridge._cli as cli_module
from bridge._cli import cli
from bridge._environments import Environment
from bridge._http import build_client
from bridge._retry import RetryPolicy
from bridge.sandbox import Sandbox

CALL_ID = "ab6233a5-20b7-4c5e-bea2-ce56c9776429"
OP_ID = "eec3812a-fdc3-4fb4-825c-a06c9f35414e"
TOKEN = "eyJ0eXAiOiJKV1QifQ.eyJyb2xlcyI6W119.c2lnbmF0dXJl"
BODY = {
    "ClientContext": "ctx-1",
    "Participants": [{"Identity": {"User": {"Id": "278405a3-f568-4b3e-b684-009193463064"}}}],
}
WIRE = {
    "clientContext": "ctx-1",
    "participants": [{"identity": {"user": {"id": "278405a3-f568-4b3e-b684-009193463064"}}}],
}


@pytest.fixture(autouse=True)
def no_saved_connection(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never read or write the user's real config (saved connection, environments)."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("MGBRIDGE_ENVIRONMENT", raising=False)


class FakeTokens:
    def token(self) -> str:
        return TOKEN

    def context(self) -> dict[str, Any]:
        return {}


class Graph:
    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.statuses = ["Running", "Completed"]
        self.answer: Callable[[httpx.Request], httpx.Response] | None = None

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.answer is not None:
            return self.answer(request)
        if request.method == "POST":
            body = json.loads(request.content)
            op = {"id": OP_ID, "status": "Running", "clientContext": body.get("clientContext")}
            return httpx.Response(200, json=op)
        status = self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]
        return httpx.Response(200, json={"id": OP_ID, "status": status, "clientContext": "c"})


@pytest.fixture
def graph(monkeypatch: pytest.MonkeyPatch) -> Graph:
    """Replaces the CLI's connection with a session over a scripted Graph."""
    graph = Graph()
    environments: list[str | None] = []

    @contextmanager
    def session(environment: str | None) -> Iterator[bridge.Session]:
        environments.append(environment)
        client = build_client(transport=httpx.MockTransport(graph), retry=RetryPolicy(0))
        env = Environment("Test", "https://graph.test", "https://login.test")
        with bridge.Session(env, client, FakeTokens()) as s:  # type: ignore[arg-type]
            s._sleep = lambda seconds: None
            yield s

    monkeypatch.setattr(cli_module, "_session", session)
    return graph


def invoke(runner: CliRunner, *args: str, input: str | None = None) -> Result:
    return runner.invoke(cli, list(args), input=input)


# -- basics -------------------------------------------------------------------------------------


def test_version(runner: CliRunner) -> None:
    result = invoke(runner, "--version")
    assert result.exit_code == 0
    assert bridge.__version__ in result.stdout


def test_help_lists_every_command(runner: CliRunner) -> None:
    result = invoke(runner, "--help")
    assert result.exit_code == 0
    for name in ("invite", "operation", "connect", "disconnect", "context", "environment"):
        assert f"  {name}" in result.stdout
    assert "psmodule-path" in result.stdout


def test_version_does_not_import_msal_or_cryptography() -> None:
    code = (
        "import sys\n"
        "from bridge._cli import cli\n"
        "try:\n"
        "    cli(['--version'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print([m for m in ('msal', 'cryptography') if m in sys.modules])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().endswith("[]")


def test_psmodule_path(runner: CliRunner) -> None:
    result = invoke(runner, "psmodule-path")
    assert result.exit_code == 0
    assert Path(result.stdout.strip()).name == "psmodule"


# -- invite, over a scripted Graph --------------------------------------------------------------


def test_invite_with_body_json(runner: CliRunner, graph: Graph) -> None:
    result = invoke(runner, "invite", "--call-id", CALL_ID, "--body", json.dumps(BODY))
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == {"id": OP_ID, "status": "Running", "clientContext": "ctx-1"}
    assert result.stderr == ""
    assert json.loads(graph.requests[0].content) == WIRE


def test_invite_with_body_file_and_stdin(runner: CliRunner, graph: Graph, tmp_path: Path) -> None:
    path = tmp_path / "body.json"
    path.write_text(json.dumps(BODY), encoding="utf-8")
    assert invoke(runner, "invite", "--call-id", CALL_ID, "--body", str(path)).exit_code == 0
    result = invoke(runner, "invite", "--call-id", CALL_ID, "--body", "-", input=json.dumps(BODY))
    assert result.exit_code == 0
    assert [json.loads(r.content) for r in graph.requests] == [WIRE, WIRE]


def test_invite_expanded_with_headers_and_v1(runner: CliRunner, graph: Graph) -> None:
    participant = json.dumps(BODY["Participants"][0])  # type: ignore[index]
    result = invoke(
        runner,
        "invite",
        "--call-id",
        CALL_ID,
        "--participant",
        participant,
        "--client-context",
        "ctx-1",
        "--header",
        "X-Trace: 42",
        "--api-version",
        "v1.0",
    )
    assert result.exit_code == 0, result.stderr
    request = graph.requests[0]
    assert json.loads(request.content) == WIRE
    assert request.headers["X-Trace"] == "42"
    assert request.url.path.startswith("/v1.0/")


def test_invite_what_if_prints_the_plan_and_sends_nothing(runner: CliRunner, graph: Graph) -> None:
    result = invoke(runner, "invite", "--call-id", CALL_ID, "--body", json.dumps(BODY), "--what-if")
    assert result.exit_code == 0
    plan = json.loads(result.stdout)
    assert plan["method"] == "POST"
    assert plan["url"].endswith(f"/beta/communications/calls/{CALL_ID}/participants/invite")
    assert plan["body"] == WIRE
    assert plan["headers"]["Authorization"] == "Bearer <redacted>"
    assert graph.requests == []


def test_invite_wait_shows_progress_on_stderr(runner: CliRunner, graph: Graph) -> None:
    result = invoke(runner, "invite", "--call-id", CALL_ID, "--body", json.dumps(BODY), "--wait")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["status"] == "Completed"
    assert f"operation {OP_ID}: Running" in result.stderr
    assert f"operation {OP_ID}: Completed" in result.stderr
    assert [r.method for r in graph.requests] == ["POST", "GET", "GET"]


def test_invite_table_output(runner: CliRunner, graph: Graph) -> None:
    args = ["invite", "--call-id", CALL_ID, "--body", json.dumps(BODY), "-o", "table"]
    result = invoke(runner, *args)
    assert result.exit_code == 0
    header, rule, row = result.stdout.splitlines()
    assert header.split() == ["Id", "Status", "ClientContext"]
    assert set(rule.replace(" ", "")) == {"-"}
    assert row.split() == [OP_ID, "Running", "ctx-1"]


def test_debug_logs_requests_on_stderr_without_the_token(runner: CliRunner, graph: Graph) -> None:
    result = invoke(runner, "--debug", "invite", "--call-id", CALL_ID, "--body", json.dumps(BODY))
    assert result.exit_code == 0
    assert json.loads(result.stdout)["id"] == OP_ID
    assert "request: POST https://graph.test/beta/communications/calls/" in result.stderr
    assert "response: 200" in result.stderr
    assert "Bearer <redacted>" in result.stderr
    assert TOKEN not in result.stderr
    assert TOKEN not in result.stdout


def test_debug_handler_does_not_outlive_the_command(runner: CliRunner, graph: Graph) -> None:
    import logging

    logger = logging.getLogger("bridge")
    before = list(logger.handlers)
    invoke(runner, "--debug", "invite", "--call-id", CALL_ID, "--body", json.dumps(BODY))
    assert logger.handlers == before
    assert logger.level == logging.NOTSET


# -- operation ----------------------------------------------------------------------------------


def test_operation_show(runner: CliRunner, graph: Graph) -> None:
    result = invoke(runner, "operation", "show", "--call-id", CALL_ID, "--operation-id", OP_ID)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["status"] == "Running"
    assert graph.requests[0].url.path == f"/beta/communications/calls/{CALL_ID}/operations/{OP_ID}"


def test_operation_wait(runner: CliRunner, graph: Graph) -> None:
    args = ["operation", "wait", "--call-id", CALL_ID, "--operation-id", OP_ID, "--timeout", "5"]
    result = invoke(runner, *args)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["status"] == "Completed"
    assert "Completed" in result.stderr


# -- exit codes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["invite"],
        ["invite", "--call-id", CALL_ID, "--body", "{nope"],
        ["invite", "--call-id", CALL_ID, "--body", "[1, 2]"],
        ["invite", "--call-id", CALL_ID, "--body", "/no/such/file.json"],
        ["invite", "--call-id", CALL_ID, "--body", "{}", "--participant", "{}"],
        ["invite", "--call-id", CALL_ID, "--body", "{}", "--what-if", "--wait"],
        ["invite", "--call-id", CALL_ID, "--participant", "not json"],
        ["invite", "--call-id", CALL_ID, "--body", "{}", "--header", "no-colon"],
        ["invite", "--call-id", CALL_ID, "--body", "{}", "--api-version", "v2"],
        ["operation", "show", "--call-id", CALL_ID],
        ["no-such-command"],
    ],
)
def test_usage_errors_exit_2(runner: CliRunner, graph: Graph, args: list[str]) -> None:
    result = invoke(runner, *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Error" in result.stderr
    assert graph.requests == []


def test_body_error_exits_2_and_names_the_path(runner: CliRunner, graph: Graph) -> None:
    body = {"Participants": [{"Identity": {"User": {"Id": {"nested": 1}}}}]}
    result = invoke(runner, "invite", "--call-id", CALL_ID, "--body", json.dumps(body))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "BodyError: Participants[0].Identity.User.Id" in result.stderr
    assert graph.requests == []


def test_graph_error_exits_1(runner: CliRunner, graph: Graph) -> None:
    envelope = {"error": {"code": "8522", "message": "Call not found.", "innerError": {}}}
    graph.answer = lambda request: httpx.Response(
        404, json=envelope, headers={"request-id": "rid-1"}
    )
    result = invoke(runner, "invite", "--call-id", CALL_ID, "--body", json.dumps(BODY))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "GraphError: [8522] Call not found. (status 404, request-id rid-1)" in result.stderr


def test_transport_error_exits_1(runner: CliRunner, graph: Graph) -> None:
    def timeout(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out")

    graph.answer = timeout
    result = invoke(runner, "invite", "--call-id", CALL_ID, "--body", json.dumps(BODY))
    assert result.exit_code == 1
    assert "TransportError:" in result.stderr
    assert "may have processed it" in result.stderr


def test_sign_in_error_exits_3(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MGBRIDGE_SANDBOX_STATE", str(tmp_path / "no-sandbox.json"))
    result = invoke(runner, "invite", "--call-id", CALL_ID, "--body", json.dumps(BODY))
    assert result.exit_code == 3
    assert result.stdout == ""
    assert "AuthError:" in result.stderr
    assert "mgbridge sandbox" in result.stderr


def test_unknown_environment_exits_3(runner: CliRunner) -> None:
    args = ["operation", "show", "--call-id", "c", "--operation-id", "o", "-e", "Nowhere"]
    result = invoke(runner, *args)
    assert result.exit_code == 3
    assert "Unknown environment 'Nowhere'" in result.stderr


# -- against the sandbox, signing in for real ---------------------------------------------------


def test_sandbox_invite_and_wait(runner: CliRunner, sb: Sandbox) -> None:
    call_id = sb.create_call()["id"]
    args = ["invite", "--call-id", call_id, "--body", json.dumps(BODY), "--wait"]
    result = invoke(runner, *args)
    assert result.exit_code == 0, result.stderr
    op = json.loads(result.stdout)
    assert op["status"] == "completed"
    assert op["clientContext"] == "ctx-1"
    assert "completed" in result.stderr
    show = invoke(runner, "operation", "show", "--call-id", call_id, "--operation-id", op["id"])
    assert show.exit_code == 0
    assert json.loads(show.stdout)["id"] == op["id"]


def test_sandbox_uses_the_saved_connection(runner: CliRunner, sb: Sandbox) -> None:
    connected = invoke(runner, "connect", "-e", "Sandbox", "--context-scope", "Process")
    assert connected.exit_code == 0, connected.stderr
    call_id = sb.create_call()["id"]
    result = invoke(runner, "invite", "--call-id", call_id, "--body", json.dumps(BODY))
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["status"] == "Running"


def test_sandbox_graph_error_exit_1(runner: CliRunner, sb: Sandbox) -> None:
    result = invoke(runner, "invite", "--call-id", "no-such-call", "--body", json.dumps(BODY))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "GraphError: [8522]" in result.stderr
    assert "status 404" in result.stderr


def test_other_environments_sign_in_from_azure_variables(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    result = invoke(runner, "invite", "--call-id", "c", "--body", json.dumps(BODY), "-e", "Global")
    assert result.exit_code == 3
    assert "AZURE_" in result.stderr
