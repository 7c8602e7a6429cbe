"""The call flow from the command line (examples/cli/call_flow.sh): the same steps as the
PowerShell script and its Python port, through `mgbridge calls`, against the sandbox."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bridge.sandbox import STATE_ENV, Sandbox

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(shutil.which("jq") is None, reason="the example picks ids with jq")
def test_the_cli_call_flow_runs(sb: Sandbox) -> None:
    env = {
        **os.environ,
        STATE_ENV: str(sb.state_file),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }
    done = subprocess.run(
        ["bash", str(ROOT / "examples" / "cli" / "call_flow.sh")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[2] == "5 participants: John, Jane, Adele, Bianca"
    assert lines[3] in {"Muting Adele: running", "Muting Adele: completed"}
    assert lines[4] == "Removed Bianca; 4 participants left"
    assert lines[-1] == "Hung up"
    call_id = lines[0].split()[1]
    sent = [
        (r["method"], r["path"].split("/communications/calls", 1)[1])
        for r in sb.requests()
        if "/communications/calls" in r["path"] and r["method"] != "GET"
    ]
    assert [method for method, _ in sent] == ["POST", "POST", "POST", "DELETE", "DELETE"]
    assert sent[0][1] == "" and sent[1][1] == f"/{call_id}/participants/invite"
    assert re.fullmatch(rf"/{call_id}/participants/[^/]+/mute", sent[2][1])
    assert re.fullmatch(rf"/{call_id}/participants/[^/]+", sent[3][1])
    assert sent[4][1] == f"/{call_id}"
