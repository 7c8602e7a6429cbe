"""The bounded form of ``make reliability``: ``reliability/run.py --quick`` end to end, as CI
runs it (with pwsh hosting the core in-process when this venv can; Python only otherwise)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
from reliability.run import powershell_available  # noqa: E402


@pytest.mark.timeout(300)
def test_quick_run_loses_duplicates_and_leaks_nothing(tmp_path: Path) -> None:
    result_file = tmp_path / "result.json"
    done = subprocess.run(
        [
            sys.executable,
            str(REPO / "reliability" / "run.py"),
            "--quick",
            "--json",
            str(result_file),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=280,
    )
    print(done.stdout)  # the table, shown by pytest -s or on failure
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    assert "TOTAL: 0 lost, 0 duplicated, 0 leaked secrets, 0 leaked threads" in done.stdout
    assert "OK: nothing lost, duplicated or leaked" in done.stdout
    result = json.loads(result_file.read_text())
    assert result["failures"] == []
    # Without pythonnet (the oldest dependency set) the PowerShell columns are left out.
    clients = ["python"] + ([] if powershell_available() else ["powershell"])
    for client in clients:
        tally = result["faults"][client]
        assert tally["invites"] == 150 and tally["ok"]
        assert result["load"][client]["outcomes"] == {"operation": 200}
    assert set(result["badinput"]) >= {"python", "boundary"}
    assert result["secrets"]["leaks"] == []
