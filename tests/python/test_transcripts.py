"""Transcripts: what the core and the sandbox record, how two transcripts compare, the SDK's
-Debug converter, and that no credential ever reaches a transcript."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import bridge
from bridge._cli import cli
from bridge.sandbox import STATE_ENV, Sandbox

CALL = "57dab8b1-894c-409a-b240-bd8beae78896"


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _write(path: Path, entries: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(e) + "\n" for e in entries), encoding="utf-8")
    return path


def _entry(method: str, path: str, body: Any = None, **extra: Any) -> dict[str, Any]:
    return {"method": method, "path": path, "query": {}, "headers": {}, "body": body, **extra}


def _invite(call: str, **body: Any) -> dict[str, Any]:
    return _entry(
        "POST",
        f"/beta/communications/calls/{call}/participants/invite",
        {"participants": [{"identity": {"user": {"id": "u1"}}}], **body},
        status=200,
        headers={"content-type": "application/json"},
    )


# -- recording --------------------------------------------------------------------------------


def test_a_session_records_every_graph_request_as_the_sandbox_received_it(
    sb: Sandbox, tmp_path: Path, help_examples: dict[str, Any]
) -> None:
    record = tmp_path / "run.jsonl"
    call = sb.create_call()["id"]
    with bridge.connect("Sandbox", record=record) as session:
        op = session.invite(call, body=help_examples["Example4"]["params"])
        session.get_operation(call, op.id)
        session.command("Get-MgBetaCommunicationCallParticipant", ids={"CallId": call})
    ours = _lines(record)
    assert [(e["method"], e["path"].rsplit("/", 1)[-1], e["status"]) for e in ours] == [
        ("POST", "invite", 200),
        ("GET", op.id, 200),
        ("GET", "participants", 200),
    ]
    assert ours[0]["body"] == help_examples["Example4"]["documented"]
    assert ours[0]["headers"]["content-type"] == "application/json"
    assert {e["source"] for e in ours} == {"mgbridge"}  # and no sign-in request among them
    theirs = _write(tmp_path / "sandbox.jsonl", sb.transcript())
    result = bridge.compare_transcripts(record, theirs)
    assert result.equal, result.text()


def test_what_if_is_recorded_as_a_planned_request(sb: Sandbox, tmp_path: Path) -> None:
    record = tmp_path / "run.jsonl"
    with bridge.connect("Sandbox", record=record) as session:
        session.invite(CALL, participants=[{"Identity": {"User": {"Id": "u1"}}}], what_if=True)
    (planned,) = _lines(record)
    assert planned["planned"] is True and planned["status"] is None
    assert planned["body"] == {"participants": [{"identity": {"user": {"id": "u1"}}}]}
    assert not [r for r in sb.requests() if r["kind"] == "invite"]


def test_mgbridge_record_is_read_at_each_request(
    sb: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = tmp_path / "env.jsonl"
    call = sb.create_call()["id"]
    body = {"Participants": [{"Identity": {"User": {"Id": "u1"}}}]}
    with bridge.connect("Sandbox") as session:
        session.invite(call, body=body)
        assert not record.exists()
        monkeypatch.setenv("MGBRIDGE_RECORD", str(record))
        session.invite(call, body=body)
        monkeypatch.delenv("MGBRIDGE_RECORD")
        session.invite(call, body=body)
    assert len(_lines(record)) == 1


def test_each_retry_is_a_line_of_its_own(sb: Sandbox, tmp_path: Path) -> None:
    record = tmp_path / "run.jsonl"
    call = sb.create_call()["id"]
    sb.inject_fault("invite", 503, retry_after=0)
    with bridge.connect("Sandbox", record=record, retry_delay=0) as session:
        session.invite(call, body={"Participants": [{"Identity": {"User": {"Id": "u1"}}}]})
    assert [e["status"] for e in _lines(record)] == [503, 200]
    theirs = _write(tmp_path / "sandbox.jsonl", sb.transcript())
    assert bridge.compare_transcripts(record, theirs).equal


def test_the_sandbox_record_file_is_a_transcript_of_graph_requests(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = tmp_path / "sandbox.jsonl"
    monkeypatch.setenv(STATE_ENV, str(tmp_path / "state.json"))
    with Sandbox(state_file=tmp_path / "state.json", record=record) as sandbox:
        call = sandbox.create_call()["id"]
        with bridge.connect(
            "Sandbox", client_id=sandbox.client_id, client_secret=sandbox.client_secret
        ) as session:
            session.invite(call, body={"Participants": [{"Identity": {"User": {"Id": "u1"}}}]})
        exported = sandbox.transcript()
    written = _lines(record)
    assert [e["path"].rsplit("/", 1)[-1] for e in written] == ["invite"]  # no token request
    assert written[0]["source"] == "sandbox" and written[0]["status"] == 200
    assert [e["body"] for e in exported] == [e["body"] for e in written]


# -- secrets ----------------------------------------------------------------------------------


def test_no_secret_or_token_reaches_any_transcript(
    sb: Sandbox, tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    core, cli_record, sandbox_file = (tmp_path / n for n in ("core", "cli", "sandbox.jsonl"))
    call = sb.create_call()["id"]
    body = {"Participants": [{"Identity": {"User": {"Id": "u1"}}}], "ClientContext": "c"}
    with bridge.connect(
        "Sandbox", client_id=sb.client_id, client_secret=sb.client_secret, record=core
    ) as session:
        session.invite(call, body=body)
        session.invite(call, body=body, what_if=True)
        tokens = [session._tokens.token()]
    issued = sb.issue_token()
    tokens.append(issued)
    with bridge.connect("Sandbox", access_token=issued, record=core) as session:
        session.invite(call, body=body)
    monkeypatch.setenv("MGBRIDGE_RECORD", str(cli_record))  # the sandbox's app, by its secret
    result = runner.invoke(
        cli, ["invite", "--call-id", call, "-e", "Sandbox", "--body", json.dumps(body)]
    )
    assert result.exit_code == 0, result.output + str(result.stderr_bytes)
    _write(sandbox_file, sb.transcript())
    texts = {
        path.name: path.read_text(encoding="utf-8") for path in (core, cli_record, sandbox_file)
    }
    assert all(texts.values()) and '"planned": true' in texts["core"]
    for name, text in texts.items():
        for secret in (sb.client_secret, *tokens, *(t.rsplit(".", 1)[-1] for t in tokens)):
            assert secret not in text, f"a credential in the {name} transcript"
        assert "authorization" not in text.lower()


# -- comparing --------------------------------------------------------------------------------


def test_the_same_requests_compare_equal_across_ids_request_ids_and_agents(
    tmp_path: Path,
) -> None:
    first = _invite("11111111-1111-1111-1111-111111111111", clientContext="c")
    first["headers"].update({"user-agent": "mgbridge/1", "client-request-id": "a"})
    second = _invite("22222222-2222-2222-2222-222222222222", clientContext="c")
    second["headers"]["user-agent"] = "PowerShell"
    second["headers"]["content-type"] = "application/json; charset=utf-8"
    second["path"] = second["path"].replace("/invite", "/microsoft.graph.invite")
    result = bridge.compare_transcripts(
        _write(tmp_path / "a", [first]), _write(tmp_path / "b", [second])
    )
    assert result.equal, result.text()
    assert result.reference_requests == result.difference_requests == 1


def test_a_changed_body_is_named_by_its_path(tmp_path: Path) -> None:
    a = [_invite(CALL, clientContext="c"), _invite(CALL, clientContext="d")]
    b = [_invite(CALL, clientContext="c"), _invite(CALL, clientContext="d")]
    b[1]["body"]["participants"][0]["identity"]["user"]["id"] = "u2"
    b[1]["body"]["ClientContext"] = b[1]["body"].pop("clientContext")
    b[1]["body"]["participants"][0]["replacesCallId"] = 5
    a[1]["body"]["participants"][0]["replacesCallId"] = "5"
    result = bridge.compare_transcripts(_write(tmp_path / "a", a), _write(tmp_path / "b", b))
    found = {(d.kind, d.where, d.line, d.other_line) for d in result.differences}
    assert found == {
        ("value", "body.participants[0].identity.user.id", 2, 2),
        ("key-casing", "body.clientContext", 2, 2),
        ("type", "body.participants[0].replacesCallId", 2, 2),
    }
    text = result.text()
    assert 'body.participants[0].identity.user.id: "u1" vs "u2"' in text
    assert "type string vs number" in text and "1 requests differ, 0 missing, 0 extra" in text


def test_a_missing_request_does_not_shift_the_ones_after_it(tmp_path: Path) -> None:
    a = [_invite(CALL, clientContext=str(i)) for i in range(6)]
    b = a[:2] + a[3:] + [_invite(CALL, clientContext="new")]
    result = bridge.compare_transcripts(_write(tmp_path / "a", a), _write(tmp_path / "b", b))
    assert [(d.kind, d.where, d.line, d.other_line) for d in result.differences] == [
        ("missing", "request", 3, None),
        ("extra", "request", None, 6),
    ]


def test_ids_in_paths_pair_up_between_the_runs(tmp_path: Path) -> None:
    x, y, z = (f"{n * 8}-0000-0000-0000-000000000000" for n in "123")
    a = [_invite(x), _invite(x), _invite(y)]  # the reference's second call is its first
    b = [_invite(y), _invite(z), _invite(x)]  # x here is new, as y is there: they pair
    result = bridge.compare_transcripts(_write(tmp_path / "a", a), _write(tmp_path / "b", b))
    assert [(d.kind, d.line, d.reference, d.difference) for d in result.differences] == [
        ("id", 2, x, z)
    ]
    assert f"path: id {x} meets {z} here, but another id earlier" in result.text()


def test_polling_the_same_read_counts_once_and_keeps_its_last_status(tmp_path: Path) -> None:
    read = _entry("GET", f"/beta/communications/calls/{CALL}/operations/o", status=200)
    a = [_invite(CALL), read, read, read]
    b = [_invite(CALL), {**read, "status": 404}, read]
    result = bridge.compare_transcripts(_write(tmp_path / "a", a), _write(tmp_path / "b", b))
    assert result.equal and result.difference_requests == 2


def test_ignore_patterns_and_extra_headers(tmp_path: Path) -> None:
    a = [_invite(CALL, clientContext="x")]
    b = [_invite(CALL, clientContext="y")]
    a[0]["headers"]["x-custom"], b[0]["headers"]["x-custom"] = "1", "2"
    a[0]["body"]["participants"][0]["replacesCallId"] = "r1"
    b[0]["body"]["participants"][0]["replacesCallId"] = "r2"
    paths = _write(tmp_path / "a", a), _write(tmp_path / "b", b)
    assert len(bridge.compare_transcripts(*paths).differences) == 2
    ignored = ["body.clientContext", "body.participants[*].replacesCallId"]
    assert bridge.compare_transcripts(*paths, ignore=ignored).equal
    with_header = bridge.compare_transcripts(*paths, ignore=ignored, headers=["X-Custom"])
    assert [d.where for d in with_header.differences] == ["header.x-custom"]


def test_ignored_paths_do_not_disturb_the_pairing(tmp_path: Path) -> None:
    a = [_invite(CALL, clientContext=f"a{i}", n=i) for i in range(4)]
    b = [_invite(CALL, clientContext=f"b{i}", n=i) for i in (0, 1, 3)]
    paths = _write(tmp_path / "a", a), _write(tmp_path / "b", b)
    result = bridge.compare_transcripts(*paths, ignore=["body.clientContext"])
    assert [(d.kind, d.where, d.line) for d in result.differences] == [("missing", "request", 3)]


def test_sign_in_requests_and_status_of_planned_requests_are_not_compared(
    tmp_path: Path,
) -> None:
    token = _entry("POST", "/tenant/oauth2/v2.0/token", {"grant_type": "x"}, status=200)
    a = [token, _invite(CALL)]
    b = [{**_invite(CALL), "status": None, "planned": True}]
    assert bridge.compare_transcripts(_write(tmp_path / "a", a), _write(tmp_path / "b", b)).equal


def test_ten_thousand_requests_compare_with_each_difference_found(tmp_path: Path) -> None:
    calls = [f"{i:08d}-0000-0000-0000-000000000000" for i in range(10_000)]
    a = [_invite(call, clientContext=str(i)) for i, call in enumerate(calls)]
    b = [dict(e, body=dict(e["body"])) for e in a]
    b[5000]["body"]["clientContext"] = "changed"
    del b[7000]
    result = bridge.compare_transcripts(_write(tmp_path / "a", a), _write(tmp_path / "b", b))
    assert [(d.kind, d.where, d.line) for d in result.differences] == [
        ("value", "body.clientContext", 5001),
        ("missing", "request", 7001),
    ]


def test_a_file_that_is_not_a_transcript_is_named_with_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(_invite(CALL)) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(bridge.BodyError, match=r"bad.jsonl, line 2: not JSON"):
        bridge.compare_transcripts(bad, bad)


# -- the command line -------------------------------------------------------------------------


def test_cli_diff_exit_codes_and_reports(tmp_path: Path, runner: CliRunner) -> None:
    same = _write(tmp_path / "same", [_invite(CALL, clientContext="c")])
    other = _write(tmp_path / "other", [_invite(CALL, clientContext="d")])
    ok = runner.invoke(cli, ["transcript", "diff", str(same), str(same)])
    assert ok.exit_code == 0 and "The same requests." in ok.output
    differ = runner.invoke(cli, ["transcript", "diff", str(same), str(other)])
    assert differ.exit_code == 1 and 'body.clientContext: "c" vs "d"' in differ.output
    report = runner.invoke(cli, ["transcript", "diff", "--format", "json", str(same), str(other)])
    parsed = json.loads(report.output)
    assert report.exit_code == 1 and parsed["equal"] is False
    assert [d["where"] for d in parsed["differences"]] == ["body.clientContext"]
    ignored = runner.invoke(
        cli, ["transcript", "diff", "--ignore", "body.clientContext", str(same), str(other)]
    )
    assert ignored.exit_code == 0
    (tmp_path / "bad").write_text('{"no": "request"}\n', encoding="utf-8")
    bad = runner.invoke(cli, ["transcript", "diff", str(same), str(tmp_path / "bad")])
    assert bad.exit_code == 2 and "line 1: not a request" in str(bad.stderr_bytes)


# -- the SDK's -Debug output ------------------------------------------------------------------


def _sdk_debug_text(url: str, body: dict[str, Any], status: str, prefix: str) -> str:
    """A request and its response as Graph's HttpMessageLogFormatter writes them."""
    pretty = json.dumps(body, indent=2)
    return (
        f"{prefix}[CmdletBeginProcessing]: - begin processing with parameterSet 'Invite'.\n"
        f"{prefix}============================ HTTP REQUEST ============================\n\n"
        f"HTTP Method:\nPOST\n\nAbsolute Uri:\n{url}\n\n"
        f"Headers:\n{'FeatureFlag':<30}: 00000003\n{'SdkVersion':<30}: graph-powershell/2.25.0\n"
        f"{'client-request-id':<30}: 7d8f0f6e-1111-2222-3333-444444444444\n\n"
        f"Body:\n{pretty}\n\n"
        f"{prefix}============================ HTTP RESPONSE ============================\n\n"
        f"Status Code:\n{status}\n\nHeaders:\n{'request-id':<30}: 1\n\n"
        'Body:\n{\n  "access_token": "<redacted>"\n}\n\n'
        f"{prefix}[CmdletEndProcessing]: - end\n"
    )


@pytest.mark.parametrize("prefix", ["DEBUG: ", ""])
def test_the_sdk_debug_output_becomes_a_transcript_that_compares_with_ours(
    sb: Sandbox, tmp_path: Path, runner: CliRunner, help_examples: dict[str, Any], prefix: str
) -> None:
    ours = tmp_path / "ours.jsonl"
    call = sb.create_call()["id"]
    with bridge.connect("Sandbox", record=ours) as session:
        session.invite(call, body=help_examples["Example1"]["params"])
    url = (
        f"https://graph.microsoft.com/beta/communications/calls/{call}"
        "/participants/microsoft.graph.invite"
    )
    sent = _lines(ours)[0]["body"]
    debug = tmp_path / "debug.txt"
    text = _sdk_debug_text(url, sent, "OK", prefix)
    debug.write_bytes(text.replace("\n", "\r\n").encode())
    converted = tmp_path / "sdk.jsonl"
    result = runner.invoke(cli, ["transcript", "from-sdk-debug", str(debug), "-o", str(converted)])
    assert result.exit_code == 0, result.output
    (entry,) = _lines(converted)
    assert entry["status"] == 200 and entry["source"] == "sdk-debug"
    assert entry["headers"]["content-type"] == "application/json"
    assert bridge.compare_transcripts(ours, converted).equal
    changed = _sdk_debug_text(url, {**sent, "clientContext": "other"}, "BadRequest", prefix)
    (entry,) = bridge.read_sdk_debug(changed)
    assert entry["status"] == 400 and entry["body"]["clientContext"] == "other"
