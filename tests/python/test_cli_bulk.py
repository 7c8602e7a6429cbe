"""`mgbridge invite --from FILE` against the real sandbox: results per line, resuming, Ctrl+C.

Each line invites with its own clientContext, so the sandbox's stats tell whether every invite
reached Graph exactly once: nothing lost, nothing repeated.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from bridge._cli import cli
from bridge.sandbox import STATE_ENV, Sandbox

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def no_saved_connection(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never read or write the user's real config: commands connect to the sandbox."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("MGBRIDGE_ENVIRONMENT", raising=False)


def line(call_id: str, context: str) -> dict[str, Any]:
    user = {"Identity": {"User": {"Id": str(uuid.uuid4()), "DisplayName": context}}}
    return {"callId": call_id, "body": {"Participants": [user], "ClientContext": context}}


def write(path: Path, lines: list[Any]) -> Path:
    text = [json.dumps(x) if not isinstance(x, str) else x for x in lines]
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    return path


def bulk(runner: CliRunner, *args: str, input: str | None = None) -> Result:
    return runner.invoke(cli, ["invite", *args], input=input)


def all_records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(text) for text in path.read_text(encoding="utf-8").splitlines()]


def records(path: Path) -> list[dict[str, Any]]:
    """The results, without the marks written just before each invite is sent."""
    return [record for record in all_records(path) if not record.get("sending")]


def counts(sb: Sandbox) -> dict[str, dict[str, int]]:
    contexts: dict[str, dict[str, int]] = sb.stats()["clientContexts"]
    return contexts


def accepted_once(sb: Sandbox, contexts: list[str]) -> None:
    got = counts(sb)
    assert {c: got.get(c, {}).get("accepted") for c in contexts} == dict.fromkeys(contexts, 1)


# -- a run ----------------------------------------------------------------------------------------


def test_results_in_order_one_per_line_each_invite_once(
    runner: CliRunner, sb: Sandbox, tmp_path: Path
) -> None:
    call_id = sb.create_call()["id"]
    contexts = [f"ordered-{i}" for i in range(20)]
    lines: list[Any] = [line(call_id, c) for c in contexts]
    lines[1] = {"call_id": call_id, "body": lines[1]["body"]}  # the Python keys work too
    participants = lines[2]["body"]["Participants"]  # the expanded form, in any casing
    lines[2] = {"CallId": call_id, "Participants": participants, "ClientContext": "ordered-2"}
    lines.insert(5, "   ")  # blank lines are skipped, not results
    source = write(tmp_path / "bodies.jsonl", lines)

    result = bulk(runner, "--from", str(source), "--concurrency", "8")

    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    got = records(tmp_path / "bodies.results.jsonl")
    assert [r["line"] for r in got] == [n for n in range(1, 22) if n != 6]
    assert all(r["ok"] for r in got)
    assert [r["operation"]["clientContext"] for r in got] == contexts
    assert len({r["key"] for r in got}) == 20
    accepted_once(sb, contexts)
    assert "20 invited, 0 failed, 0 skipped" in result.stderr


def test_lines_that_fail_are_results_naming_the_line(
    runner: CliRunner, sb: Sandbox, tmp_path: Path
) -> None:
    call_id = sb.create_call()["id"]
    source = write(
        tmp_path / "mixed.jsonl",
        [
            line(call_id, "mixed-ok"),
            "{nope",
            "[1, 2]",
            {"callId": call_id, "bodyy": {}},
            {"callId": call_id, "body": {"Participants": "nobody"}},
            line("no-such-call", "mixed-404"),
        ],
    )
    results = tmp_path / "out.jsonl"

    result = bulk(runner, "--from", str(source), "--results", str(results))

    assert result.exit_code == 1
    got = records(results)
    assert [(r["line"], r["ok"]) for r in got] == [(1, True)] + [(n, False) for n in range(2, 7)]
    errors = [r.get("error", {}) for r in got]
    assert "line 2 is not valid JSON" in errors[1]["message"]
    assert "line 3 is not a JSON object" in errors[2]["message"]
    assert "unknown key 'bodyy'" in errors[3]["message"]
    assert errors[4]["type"] == "BodyError"
    assert errors[4]["path"].lower().startswith("participants")
    assert (errors[5]["type"], errors[5]["status"]) == ("GraphError", 404)
    assert sb.stats()["invites"]["received"] == 2  # nothing was sent for the shaping errors
    assert "1 invited, 5 failed" in result.stderr


def test_results_as_completed(runner: CliRunner, sb: Sandbox, tmp_path: Path) -> None:
    call_id = sb.create_call()["id"]
    contexts = [f"completed-{i}" for i in range(6)]
    source = write(tmp_path / "c.jsonl", [line(call_id, c) for c in contexts])
    sb.inject_fault("invite", None, delay_ms=800)  # the first invite is slow

    result = bulk(runner, "--from", str(source), "--concurrency", "3", "--as-completed")

    assert result.exit_code == 0, result.stderr
    got = [r["line"] for r in records(tmp_path / "c.results.jsonl")]
    assert got[-1] == 1
    assert sorted(got) == [1, 2, 3, 4, 5, 6]
    accepted_once(sb, contexts)


def test_stdin_needs_results_and_is_read(runner: CliRunner, sb: Sandbox, tmp_path: Path) -> None:
    call_id = sb.create_call()["id"]
    text = "".join(json.dumps(line(call_id, f"stdin-{i}")) + "\n" for i in range(3))
    missing = bulk(runner, "--from", "-", input=text)
    assert missing.exit_code == 2
    assert "needs --results" in missing.stderr

    results = tmp_path / "stdin.results.jsonl"
    result = bulk(runner, "--from", "-", "--results", str(results), input=text)

    assert result.exit_code == 0, result.stderr
    assert [r["line"] for r in records(results)] == [1, 2, 3]
    accepted_once(sb, [f"stdin-{i}" for i in range(3)])


# -- refusing, resuming ---------------------------------------------------------------------------


def test_an_existing_results_file_is_not_overwritten(
    runner: CliRunner, sb: Sandbox, tmp_path: Path
) -> None:
    source = write(tmp_path / "b.jsonl", [line(sb.create_call()["id"], "kept")])
    results = tmp_path / "b.results.jsonl"
    results.write_text('{"line": 1}\n', encoding="utf-8")

    result = bulk(runner, "--from", str(source))

    assert result.exit_code == 2
    assert str(results) in result.stderr
    assert "--resume" in result.stderr
    assert results.read_text(encoding="utf-8") == '{"line": 1}\n'
    assert sb.stats()["invites"]["received"] == 0


def test_resume_sends_only_what_graph_did_not_do(
    runner: CliRunner, sb: Sandbox, tmp_path: Path
) -> None:
    call_id = sb.create_call()["id"]
    lines = [line(call_id, f"resume-{i}") for i in range(6)]
    lines[2]["callId"] = "no-such-call"  # 404: Graph did nothing
    source = write(tmp_path / "r.jsonl", lines)
    sb.inject_fault("invite", reset=True)  # line 1's connection drops: it may have been processed

    first = bulk(runner, "--from", str(source), "--concurrency", "1")

    assert first.exit_code == 1
    got = records(tmp_path / "r.results.jsonl")
    assert got[0]["error"]["may_have_been_processed"] is True
    assert got[2]["error"]["status"] == 404
    lines[2]["callId"] = call_id  # a failed line may be fixed: it is sent as it reads now
    write(source, lines)

    again = bulk(runner, "--from", str(source), "--resume")

    assert again.exit_code == 1  # line 1 stays uncertain
    assert "1 invited, 0 failed, 5 skipped (done before), 1 uncertain" in again.stderr
    assert "line 1 may have reached Graph" in again.stderr
    appended = records(tmp_path / "r.results.jsonl")[6:]
    assert [(r["line"], r["ok"]) for r in appended] == [(3, True)]
    stats = counts(sb)
    assert stats["resume-0"] == {"received": 1, "accepted": 0}  # never sent twice
    accepted_once(sb, [f"resume-{i}" for i in range(1, 6)])

    nothing_left = bulk(runner, "--from", str(source), "--resume")
    assert "0 invited, 0 failed, 6 skipped" in nothing_left.stderr
    assert sb.stats()["invites"]["received"] == 7


def test_resume_refuses_an_input_that_changed(
    runner: CliRunner, sb: Sandbox, tmp_path: Path
) -> None:
    call_id = sb.create_call()["id"]
    lines = [line(call_id, f"changed-{i}") for i in range(3)]
    source = write(tmp_path / "ch.jsonl", lines)
    assert bulk(runner, "--from", str(source)).exit_code == 0

    write(source, [lines[0], line(call_id, "changed-new"), lines[2]])
    changed = bulk(runner, "--from", str(source), "--resume")
    write(source, lines[:2])
    shorter = bulk(runner, "--from", str(source), "--resume")

    for result in (changed, shorter):
        assert result.exit_code == 2
        assert "changed since" in result.stderr
    assert "line 2 is not the line" in changed.stderr
    assert sb.stats()["invites"]["received"] == 3


def test_resume_of_stdin_refuses_a_changed_line(
    runner: CliRunner, sb: Sandbox, tmp_path: Path
) -> None:
    call_id = sb.create_call()["id"]
    results = tmp_path / "s.results.jsonl"
    text = json.dumps(line(call_id, "stdin-a")) + "\n"
    assert bulk(runner, "--from", "-", "--results", str(results), input=text).exit_code == 0

    other = json.dumps(line(call_id, "stdin-b")) + "\n"
    result = bulk(runner, "--from", "-", "--results", str(results), "--resume", input=other)

    assert result.exit_code == 2
    assert "line 1 is not the line" in result.stderr
    assert sb.stats()["invites"]["received"] == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--call-id", "c"], "--call-id does not go with --from"),
        (["--body", "{}"], "--body does not go with --from"),
        (["--participant", "{}"], "--participant does not go with --from"),
        (["--what-if"], "--what-if does not go with --from"),
        (["--results", "SOURCE"], "must not be the --from file"),
        (["--resume"], "nothing to resume"),
        (["--results", "/no/such/folder/r.jsonl"], "cannot write /no/such/folder/r.jsonl"),
    ],
)
def test_usage_errors_with_from(
    runner: CliRunner, tmp_path: Path, args: list[str], message: str
) -> None:
    source = write(tmp_path / "u.jsonl", [{"callId": "c", "body": {}}])
    args = [str(source) if a == "SOURCE" else a for a in args]
    result = bulk(runner, "--from", str(source), *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert not (tmp_path / "u.results.jsonl").exists()


@pytest.mark.parametrize("args", [["--resume"], ["--results", "r.jsonl"], ["--concurrency", "4"]])
def test_bulk_options_need_from(runner: CliRunner, args: list[str]) -> None:
    result = bulk(runner, "--call-id", "c", "--body", "{}", *args)
    assert result.exit_code == 2
    assert "needs --from" in result.stderr


# -- Ctrl+C ---------------------------------------------------------------------------------------


def test_interrupt_then_resume_neither_loses_nor_repeats(
    runner: CliRunner, sb: Sandbox, tmp_path: Path
) -> None:
    call_id = sb.create_call()["id"]
    contexts = [f"sigint-{i}" for i in range(40)]
    source = write(tmp_path / "big.jsonl", [line(call_id, c) for c in contexts])
    results = tmp_path / "big.results.jsonl"
    sb.inject_fault("invite", None, delay_ms=150, count=1000)
    env = {**os.environ, STATE_ENV: str(sb.state_file), "XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    process = subprocess.Popen(
        [sys.executable, "-m", "bridge", "invite", "--from", str(source), "--concurrency", "4"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 20
        while not (results.exists() and len(records(results)) >= 4):
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.02)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=10)
    finally:
        process.kill()
    assert process.returncode == 130, stderr
    assert "--resume" in stderr
    done = records(results)
    assert 4 <= len(done) < 40
    assert sb.stats()["invites"]["received"] == len(done)  # whatever was sent has its result

    result = bulk(runner, "--from", str(source), "--resume", "--concurrency", "8")

    assert result.exit_code == 0, result.stderr
    assert sorted(r["line"] for r in records(results)) == list(range(1, 41))
    accepted_once(sb, contexts)
    assert sb.stats()["invites"]["received"] == 40


def test_a_killed_run_resumes_without_resending_what_was_on_its_way(
    runner: CliRunner, sb: Sandbox, tmp_path: Path
) -> None:
    call_id = sb.create_call()["id"]
    contexts = [f"killed-{i}" for i in range(12)]
    source = write(tmp_path / "k.jsonl", [line(call_id, c) for c in contexts])
    results = tmp_path / "k.results.jsonl"
    sb.inject_fault("invite", None, delay_ms=1500, count=4)  # the first four stay on their way
    env = {**os.environ, STATE_ENV: str(sb.state_file), "XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    process = subprocess.Popen(
        [sys.executable, "-m", "bridge", "invite", "--from", str(source), "--concurrency", "4"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while len([r for r in sb.requests() if r["kind"] == "invite"]) < 4:
            assert process.poll() is None
            assert time.monotonic() < deadline
            time.sleep(0.02)
        process.kill()  # no Ctrl+C: the four held by the sandbox are not waited for
        process.wait(timeout=10)
    finally:
        process.kill()
    on_their_way = {r["line"] for r in all_records(results) if r.get("sending")}
    assert len(on_their_way) == 4
    assert records(results) == []

    result = bulk(runner, "--from", str(source), "--resume", "--concurrency", "4")

    # Graph may have acted on the four: reported as uncertain, never sent again.
    assert result.exit_code == 1, result.stderr
    assert "4 uncertain" in result.stderr
    done = records(results)
    assert sorted(r["line"] for r in done) == sorted(set(range(1, 13)) - on_their_way)
    assert all(r["ok"] for r in done)
    deadline = time.monotonic() + 10
    while sb.stats()["invites"]["accepted"] < 12 and time.monotonic() < deadline:
        time.sleep(0.05)  # the four held by the sandbox finish on their own
    accepted_once(sb, contexts)
    assert sb.stats()["invites"]["received"] == 12
