"""`mgbridge doctor`: each check's ok and problem paths, pwsh through fake scripts, the CLI's
output and exit codes, the `doctor` entry operation, and the README rows the report points to."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from bridge import _doctor, _entry
from bridge._cli import cli
from bridge._doctor import PROBLEMS, Check, diagnose, libpython_fix, pwsh_command
from bridge._psmodule import psmodule_root
from bridge.sandbox import STATE_ENV, Sandbox
from bridge.sandbox._statefile import write_state

README = Path(__file__).resolve().parents[2] / "README.md"
SECRETS = {
    "MGBRIDGE_CLIENT_SECRET": "s3cret-client-Value~1",
    "MGBRIDGE_CERTIFICATE_PASSWORD": "s3cret-pfx-Value~2",
    "MGBRIDGE_ACCESS_TOKEN": "eyJs3cret.token.Value3",
}
FACTS: dict[str, Any] = {
    "version": "7.6.9",
    "edition": "Core",
    "module_path": "/opt/mgbridge/psmodule/MgBridge/MgBridge.psd1",
    "transport": "inprocess",
    "transport_reason": "in-process hosting started",
    "host_assembly": "/opt/mgbridge/psmodule/MgBridge/bin/MgBridge.Host.dll",
    "host_problem": None,
    "python_source": "$env:MGBRIDGE_PYTHON",
}
HOST_PROBLEM = "the reference assemblies of PowerShell ($PSHOME/ref) are missing"


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No real config, sandbox state, cloud or credentials of the user; no pwsh on PATH."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("PATH", str(tmp_path / "empty-path"))
    for name in (STATE_ENV, "MGBRIDGE_ENVIRONMENT", "MGBRIDGE_TRANSPORT", *SECRETS):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def hostable(monkeypatch: pytest.MonkeyPatch) -> None:
    """pythonnet and libpython found, whatever this interpreter has (the oldest venv has no
    pythonnet)."""
    monkeypatch.setattr(
        _doctor, "find_pythonnet_runtime", lambda: ("/py/pythonnet/Python.Runtime.dll", "3.1.0")
    )
    monkeypatch.setattr(_doctor, "find_libpython", lambda: "/usr/lib/libpython3.11.so.1.0")


def by_name(checks: list[Check]) -> dict[str, Check]:
    return {check.name: check for check in checks}


def fake_pwsh(folder: Path, body: str) -> Path:
    """An executable `pwsh` running ``body`` (sh); it records its arguments in args.txt."""
    script = folder / "pwsh"
    script.write_text(
        f'#!/bin/sh\nprintf "%s\\n" "$@" > "{folder}/args.txt"\n{body}\n', encoding="utf-8"
    )
    script.chmod(0o755)
    return script


def facts_pwsh(folder: Path, **changes: Any) -> Path:
    line = json.dumps({**FACTS, **changes}).replace("'", "'\\''")
    return fake_pwsh(folder, f"echo 'WARNING: a line before the facts'\necho '{line}'")


def run(runner: CliRunner, *args: str) -> Any:
    return runner.invoke(cli, ["doctor", *args], catch_exceptions=False)


# -- the model ----------------------------------------------------------------------------------


def test_warnings_and_problems_must_name_a_readme_symptom() -> None:
    with pytest.raises(ValueError, match="symptom"):
        Check("Transport", "warning", "process")
    with pytest.raises(ValueError, match="symptom"):
        Check("Transport", "problem", "process", "fix it", "not a README row")
    with pytest.raises(ValueError, match="status"):
        Check("Transport", "error", "process")
    check = _doctor._problem("process-transport", "Transport", "process", "fix", status="warning")
    assert check.to_dict() == {
        "name": "Transport",
        "status": "warning",
        "detail": "process",
        "fix": "fix",
        "symptom": PROBLEMS["process-transport"],
    }


def troubleshooting_first_cells() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Troubleshooting\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    return [row.split("|")[1].strip() for row in rows[2:]]  # after the header and --- rows


def test_every_problem_has_its_readme_troubleshooting_row() -> None:
    cells = troubleshooting_first_cells()
    missing = [s for s in PROBLEMS.values() if s not in cells and f"`{s}`" not in cells]
    assert missing == [], "rows missing from README.md's Troubleshooting table"


# -- this interpreter ---------------------------------------------------------------------------


def test_python_check_names_version_interpreter_and_venv() -> None:
    check = diagnose(None)[0]
    assert check.name == "Python"
    assert check.status == "ok"
    venv = "(venv)" if sys.prefix != sys.base_prefix else "(no venv)"
    assert check.detail.startswith(f"{sys.version.split()[0]} at {sys.executable} {venv}")


def test_pythonnet_and_libpython_ok(hostable: None) -> None:
    checks = by_name(diagnose(None))
    assert checks["pythonnet"].status == "ok"
    assert checks["pythonnet"].detail == "3.1.0, runtime /py/pythonnet/Python.Runtime.dll"
    assert checks["libpython"] == Check("libpython", "ok", "/usr/lib/libpython3.11.so.1.0")


def test_pythonnet_missing_is_a_problem_with_the_pip_command(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_doctor, "find_pythonnet_runtime", lambda: (None, None))
    check = by_name(diagnose(None))["pythonnet"]
    assert check.status == "problem"
    assert check.symptom == PROBLEMS["pythonnet-missing"]
    assert check.fix is not None
    assert check.fix.endswith('-m pip install "pythonnet>=3.1"')
    assert sys.executable in check.fix


def test_pythonnet_without_its_runtime_dll_asks_for_a_reinstall(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_doctor, "find_pythonnet_runtime", lambda: (None, "3.1.0"))
    check = by_name(diagnose(None))["pythonnet"]
    assert (check.status, check.symptom) == ("problem", PROBLEMS["pythonnet-missing"])
    assert "Python.Runtime.dll" in check.detail
    assert "--force-reinstall" in str(check.fix)


def test_libpython_missing_is_a_problem_that_names_the_process_transport(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_doctor, "find_libpython", lambda: None)
    check = by_name(diagnose(None))["libpython"]
    assert (check.status, check.symptom) == ("problem", PROBLEMS["libpython-missing"])
    assert "process transport" in check.detail
    assert check.fix


@pytest.mark.parametrize(
    ("platform", "base_prefix", "debian", "expected"),
    [
        ("linux", "/usr", True, "sudo apt-get install libpython3.11"),
        (
            "linux",
            "/home/me/.pyenv/versions/3.11.7",
            True,
            "env PYTHON_CONFIGURE_OPTS=--enable-shared pyenv install --force 3.11.7",
        ),
        (
            "darwin",
            "/Users/me/.pyenv/versions/3.11.7",
            False,
            "env PYTHON_CONFIGURE_OPTS=--enable-shared pyenv install --force 3.11.7",
        ),
        ("darwin", "/usr/local/opt/python", False, "python.org installer"),
        ("win32", r"C:\tools\python", False, "python.org installer"),
        ("linux", "/opt/python3.11", False, "--enable-shared"),
    ],
    ids=["debian", "pyenv-linux", "pyenv-macos", "macos", "windows", "other-linux"],
)
def test_libpython_fix_fits_the_platform(
    platform: str, base_prefix: str, debian: bool, expected: str
) -> None:
    fix = libpython_fix(
        platform=platform,
        base_prefix=base_prefix,
        version="3.11.7",
        debian=debian,
        pyenv_root=None,
    )
    assert expected in fix
    assert ("apt-get" in fix) == (expected.startswith("sudo apt-get"))


def test_libpython_fix_knows_a_custom_pyenv_root() -> None:
    fix = libpython_fix(
        platform="linux",
        base_prefix="/srv/pyenv/versions/3.12.1",
        version="3.12.1",
        debian=True,
        pyenv_root="/srv/pyenv",
    )
    assert fix == "env PYTHON_CONFIGURE_OPTS=--enable-shared pyenv install --force 3.12.1"


# -- the PowerShell facts -----------------------------------------------------------------------


def test_without_powershell_facts_there_are_no_powershell_checks() -> None:
    names = [check.name for check in diagnose(None)]
    assert names == ["Python", "pythonnet", "libpython", "Sandbox", "Cloud"]


def test_in_process_facts_are_all_ok(hostable: None) -> None:
    checks = diagnose(FACTS)
    assert [check.name for check in checks] == [
        "Python",
        "pythonnet",
        "libpython",
        "PowerShell",
        "PowerShell module",
        "In-process host",
        "Transport",
        "Sandbox",
        "Cloud",
    ]
    named = by_name(checks)
    assert named["PowerShell"].status == "ok"
    assert named["PowerShell"].detail.startswith("7.6.9 (Core")
    assert (
        named["PowerShell module"].detail == f"{FACTS['module_path']}; Python: $env:MGBRIDGE_PYTHON"
    )
    assert named["In-process host"] == Check("In-process host", "ok", FACTS["host_assembly"])
    assert named["Transport"].status == "ok"
    assert not [c for c in checks if c.status in ("warning", "problem")]


@pytest.mark.parametrize("version", ["7.2.0", "7.3.12", "5.1.22621.4391", ""])
def test_powershell_older_than_7_4_is_a_problem(version: str) -> None:
    check = by_name(diagnose({**FACTS, "version": version}))["PowerShell"]
    assert (check.status, check.symptom) == ("problem", PROBLEMS["pwsh-too-old"])
    assert "https://aka.ms/powershell" in str(check.fix)


@pytest.mark.parametrize("version", ["7.4.0", "7.10.1", "8.0.0-preview.1"])
def test_powershell_7_4_and_newer_is_ok(version: str) -> None:
    assert by_name(diagnose({**FACTS, "version": version}))["PowerShell"].status == "ok"


def test_host_that_could_not_be_compiled_is_a_problem_and_the_transport_a_warning() -> None:
    facts = {
        **FACTS,
        "transport": "process",
        "transport_reason": "in-process hosting failed, so the process transport is used",
        "host_assembly": None,
        "host_problem": HOST_PROBLEM,
    }
    named = by_name(diagnose(facts))
    host = named["In-process host"]
    assert (host.status, host.symptom) == ("problem", PROBLEMS["host-not-compiled"])
    assert host.detail == HOST_PROBLEM
    assert "$env:MGBRIDGE_TRANSPORT = 'process'" in str(host.fix)
    assert "$PSHOME/ref" in str(host.fix)
    transport = named["Transport"]
    assert (transport.status, transport.symptom) == ("warning", PROBLEMS["process-transport"])
    assert facts["transport_reason"] in transport.detail


def test_process_transport_chosen_by_the_variable_is_information_only() -> None:
    facts = {
        **FACTS,
        "transport": "process",
        "transport_reason": "$env:MGBRIDGE_TRANSPORT is 'process'",
        "host_problem": HOST_PROBLEM,  # not tried, so not a problem
    }
    named = by_name(diagnose(facts))
    assert named["Transport"].status == "info"
    assert named["In-process host"].status == "info"
    assert not [c for c in diagnose(facts)[3:] if c.status in ("warning", "problem")]


def test_process_transport_without_a_host_problem_is_still_a_warning() -> None:
    facts = {**FACTS, "transport": "process", "transport_reason": "no shared libpython"}
    named = by_name(diagnose(facts))
    assert named["In-process host"].status == "info"
    assert named["Transport"].status == "warning"


def _drop_in(name: str, path: str | None, mgbridge: bool = True) -> dict[str, Any]:
    return {"name": name, "version": "2.35.0" if path else "", "path": path, "mgbridge": mgbridge}


NAMES = (
    "Microsoft.Graph.Authentication",
    "Microsoft.Graph.Beta.CloudCommunications",
    "Microsoft.Graph.CloudCommunications",
)


def test_drop_ins_of_mgbridge_are_ok() -> None:
    facts = {**FACTS, "drop_ins": [_drop_in(n, f"/m/{n}/{n}.psd1") for n in NAMES]}
    check = by_name(diagnose(facts))["Drop-in modules"]
    assert check.status == "ok"
    assert "Microsoft.Graph.Beta.CloudCommunications 2.35.0" in check.detail


def test_drop_ins_missing_are_a_warning_naming_them() -> None:
    drop_ins = [_drop_in(NAMES[0], "/m/a.psd1"), _drop_in(NAMES[1], None), _drop_in(NAMES[2], None)]
    check = by_name(diagnose({**FACTS, "drop_ins": drop_ins}))["Drop-in modules"]
    assert (check.status, check.symptom) == ("warning", PROBLEMS["drop-ins-missing"])
    assert check.detail == f"not on PSModulePath: {NAMES[1]}, {NAMES[2]}"
    assert check.fix is not None and "Install-PSResource" in check.fix


def test_sign_in_and_one_calls_module_are_enough() -> None:
    drop_ins = [
        _drop_in(NAMES[0], "/m/a.psd1"),
        _drop_in(NAMES[1], "/m/b.psd1"),
        _drop_in(NAMES[2], None),
    ]
    check = by_name(diagnose({**FACTS, "drop_ins": drop_ins}))["Drop-in modules"]
    assert check.status == "ok"
    assert check.detail.endswith(f"(not installed: {NAMES[2]})")


def test_the_sdks_own_module_first_is_a_problem_naming_where_it_is() -> None:
    drop_ins = [_drop_in(n, f"/m/{n}.psd1") for n in NAMES]
    drop_ins[1] = _drop_in(NAMES[1], "/sdk/Beta.psd1", mgbridge=False)
    check = by_name(diagnose({**FACTS, "drop_ins": drop_ins}))["Drop-in modules"]
    assert (check.status, check.symptom) == ("problem", PROBLEMS["sdk-module-first"])
    assert "/sdk/Beta.psd1" in check.detail


# -- the sandbox --------------------------------------------------------------------------------


def test_no_sandbox_state_file_is_information() -> None:
    check = by_name(diagnose(None))["Sandbox"]
    assert check.status == "info"
    assert check.detail.startswith(
        "not running (start one with `mgbridge sandbox` or Start-MgBridgeSandbox)"
    )


def test_a_running_sandbox_is_ok_and_its_secrets_stay_unsaid(sb: Sandbox) -> None:
    check = by_name(diagnose(None))["Sandbox"]
    assert check.status == "ok"
    assert sb.graph in check.detail
    assert sb.client_secret not in json.dumps([c.to_dict() for c in diagnose(None)])


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def write_sandbox_state(folder: Path, monkeypatch: pytest.MonkeyPatch, **state: Any) -> Path:
    file = folder / "sandbox.json"
    write_state(file, state)
    monkeypatch.setenv(STATE_ENV, str(file))
    return file


def test_a_state_file_naming_a_closed_port_is_a_warning(
    sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    graph = f"https://127.0.0.1:{closed_port()}"
    file = write_sandbox_state(
        tmp_path, monkeypatch, graph=graph, ca_file=sandbox.ca_file, pid=os.getpid()
    )
    check = by_name(diagnose(None))["Sandbox"]
    assert (check.status, check.symptom) == ("warning", PROBLEMS["sandbox-unreachable"])
    assert graph in check.detail
    assert f"remove {file}" in str(check.fix)


def test_a_state_file_of_an_exited_sandbox_is_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    exited = subprocess.Popen([sys.executable, "-c", "pass"])
    exited.wait()
    write_sandbox_state(
        tmp_path, monkeypatch, graph="https://127.0.0.1:1", ca_file="ca.pem", pid=exited.pid
    )
    check = by_name(diagnose(None))["Sandbox"]
    assert check.status == "warning"
    assert "exited" in check.detail


def test_a_sandbox_port_that_never_answers_times_out_quickly(
    sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_doctor, "SANDBOX_TIMEOUT", 0.3)
    with socket.socket() as silent:  # accepts connections, never says a word
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        graph = f"https://127.0.0.1:{silent.getsockname()[1]}"
        write_sandbox_state(
            tmp_path, monkeypatch, graph=graph, ca_file=sandbox.ca_file, pid=os.getpid()
        )
        started = time.monotonic()
        check = by_name(diagnose(None))["Sandbox"]
        elapsed = time.monotonic() - started
    assert check.status == "warning"
    assert elapsed < 2.0


# -- the cloud ----------------------------------------------------------------------------------


def test_cloud_defaults_to_global_with_no_credentials() -> None:
    check = by_name(diagnose(None))["Cloud"]
    assert check.status == "info"
    assert "default environment Global (https://graph.microsoft.com)" in check.detail
    assert "no credential variable set" in check.detail


def test_cloud_names_the_environment_and_credential_variables_never_their_values(
    monkeypatch: pytest.MonkeyPatch, runner: CliRunner, tmp_path: Path
) -> None:
    monkeypatch.setenv("MGBRIDGE_ENVIRONMENT", "USGov")
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    check = by_name(diagnose(None))["Cloud"]
    assert "USGov (https://graph.microsoft.us)" in check.detail
    assert all(name in check.detail for name in SECRETS)

    pwsh = facts_pwsh(tmp_path)
    for args in ((), ("--json",), ("--pwsh", str(pwsh)), ("--pwsh", str(pwsh), "--json")):
        result = run(runner, *args)
        said = result.output + (result.stderr if result.stderr_bytes else "")
        assert "MGBRIDGE_CLIENT_SECRET" in said
        for value in SECRETS.values():
            assert value not in said


# -- pwsh, through fake executables -------------------------------------------------------------


def test_pwsh_command_quotes_paths_for_single_quoted_strings() -> None:
    # PowerShell ends a single-quoted string at typographic single quotes too.
    command = pwsh_command("/m/it's \u2019MgBridge\u2018.psd1", python="/p/o'py")
    assert command == (
        "$env:MGBRIDGE_PYTHON = '/p/o''py'; "
        "Import-Module '/m/it''s \u2019\u2019MgBridge\u2018\u2018.psd1' -ErrorAction Stop; "
        "Get-MgBridgeRuntime -Facts | ConvertTo-Json -Compress"
    )


def test_cli_asks_pwsh_for_the_module_facts(
    runner: CliRunner, tmp_path: Path, hostable: None
) -> None:
    pwsh = facts_pwsh(tmp_path)
    result = run(runner, "--pwsh", str(pwsh), "--json")
    assert result.exit_code == 0, result.output
    module = psmodule_root() / "MgBridge" / "MgBridge.psd1"
    assert module.is_file()
    args = (tmp_path / "args.txt").read_text(encoding="utf-8").splitlines()
    assert args == ["-NoProfile", "-NonInteractive", "-Command", pwsh_command(str(module))]
    checks = {c["name"]: c for c in json.loads(result.stdout)}
    assert checks["PowerShell"]["detail"] == f"7.6.9 (Core, {pwsh})"
    assert checks["Transport"]["status"] == "ok"


def test_cli_finds_pwsh_on_path(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hostable: None
) -> None:
    facts_pwsh(tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path))
    result = run(runner, "--json")
    assert result.exit_code == 0
    assert (tmp_path / "args.txt").is_file()


def test_cli_reports_pwsh_7_2_as_too_old(runner: CliRunner, tmp_path: Path) -> None:
    pwsh = facts_pwsh(tmp_path, version="7.2.0")
    result = run(runner, "--pwsh", str(pwsh), "--json")
    assert result.exit_code == 1
    check = {c["name"]: c for c in json.loads(result.stdout)}["PowerShell"]
    assert (check["status"], check["symptom"]) == ("problem", PROBLEMS["pwsh-too-old"])


def test_cli_without_pwsh_reports_it_missing(runner: CliRunner) -> None:
    result = run(runner, "--json")
    assert result.exit_code == 1
    checks = json.loads(result.stdout)
    assert [c["name"] for c in checks] == [
        "Python",
        "pythonnet",
        "libpython",
        "PowerShell",
        "Sandbox",
        "Cloud",
    ]
    pwsh = checks[3]
    assert (pwsh["status"], pwsh["symptom"]) == ("problem", PROBLEMS["pwsh-missing"])
    assert "https://aka.ms/powershell" in pwsh["fix"]


def test_cli_with_a_pwsh_path_that_is_not_there(runner: CliRunner, tmp_path: Path) -> None:
    result = run(runner, "--pwsh", str(tmp_path / "nope" / "pwsh"), "--json")
    assert result.exit_code == 1
    pwsh = {c["name"]: c for c in json.loads(result.stdout)}["PowerShell"]
    assert pwsh["symptom"] == PROBLEMS["pwsh-missing"]
    assert "nope" in pwsh["detail"]


def test_windows_powershell_does_not_count(monkeypatch: pytest.MonkeyPatch) -> None:
    windows_powershell = r"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe"

    def which(name: str) -> str | None:
        return windows_powershell if name == "powershell.exe" else None

    monkeypatch.setattr(_doctor.shutil, "which", which)
    check = _doctor._pwsh_missing(None, platform="win32")
    assert check.symptom == PROBLEMS["pwsh-missing"]
    assert "Windows PowerShell 5.1" in check.detail
    assert "5.1" not in _doctor._pwsh_missing(None, platform="linux").detail


FAILING = """case "$4" in *PSVersionTable*) echo {version}; exit 0;; esac
i=1; while [ $i -le 15 ]; do echo "stderr line $i" >&2; i=$((i+1)); done
exit 1"""


def test_cli_reports_a_module_that_does_not_import(runner: CliRunner, tmp_path: Path) -> None:
    pwsh = fake_pwsh(tmp_path, FAILING.format(version="7.6.9"))
    result = run(runner, "--pwsh", str(pwsh), "--json")
    assert result.exit_code == 1
    checks = {c["name"]: c for c in json.loads(result.stdout)}
    assert checks["PowerShell"]["status"] == "ok"
    module = checks["PowerShell module"]
    assert (module["status"], module["symptom"]) == ("problem", PROBLEMS["module-not-importable"])
    assert "exit code 1" in module["detail"]
    said = re.findall(r"stderr line (\d+)", module["detail"])
    assert said == [str(n) for n in range(6, 16)]  # its last ten lines
    assert "Import-Module MgBridge" in module["fix"]
    assert "Install-PSResource" in module["fix"]


def test_cli_tells_an_old_pwsh_that_refuses_the_module(runner: CliRunner, tmp_path: Path) -> None:
    pwsh = fake_pwsh(tmp_path, FAILING.format(version="7.2.24"))
    checks = {c["name"]: c for c in json.loads(run(runner, "--pwsh", str(pwsh), "--json").stdout)}
    assert checks["PowerShell"]["symptom"] == PROBLEMS["pwsh-too-old"]
    assert "7.2.24" in checks["PowerShell"]["detail"]


def test_cli_treats_output_without_facts_as_a_module_problem(
    runner: CliRunner, tmp_path: Path
) -> None:
    pwsh = fake_pwsh(
        tmp_path, 'case "$4" in *PSVersionTable*) echo 7.6.9;; *) echo "not json";; esac'
    )
    checks = {c["name"]: c for c in json.loads(run(runner, "--pwsh", str(pwsh), "--json").stdout)}
    module = checks["PowerShell module"]
    assert module["symptom"] == PROBLEMS["module-not-importable"]
    assert "no facts on stdout" in module["detail"]


def test_cli_reports_a_module_that_finds_no_python(runner: CliRunner, tmp_path: Path) -> None:
    pwsh = fake_pwsh(
        tmp_path,
        'case "$4" in *PSVersionTable*) echo 7.6.9; exit 0;; esac\n'
        f'echo "{PROBLEMS["python-not-found"]}. Tried: /x/python (cannot import bridge)." >&2\n'
        "exit 1",
    )
    checks = {c["name"]: c for c in json.loads(run(runner, "--pwsh", str(pwsh), "--json").stdout)}
    assert checks["PowerShell module"]["symptom"] == PROBLEMS["python-not-found"]


# -- output -------------------------------------------------------------------------------------


def test_text_output_has_a_line_per_check_and_fixes_under_problems(
    runner: CliRunner, tmp_path: Path, hostable: None
) -> None:
    facts = {
        "transport": "process",
        "transport_reason": "in-process hosting failed",
        "host_problem": HOST_PROBLEM,
    }
    result = run(runner, "--pwsh", str(facts_pwsh(tmp_path, **facts)))
    assert result.exit_code == 1  # the host problem; the transport is a warning
    lines = result.stdout.splitlines()
    assert re.match(r"ok {7}Python +\d+\.\d+\.\d+ at .+ \((no )?venv\)$", lines[0])
    host = next(i for i, line in enumerate(lines) if line.startswith("problem  In-process host"))
    assert HOST_PROBLEM in lines[host]
    assert lines[host + 1].lstrip().startswith("fix: ")
    assert lines[host + 1].startswith(" " * 9)
    assert lines[host + 2].strip() == (
        f'see: README Troubleshooting, "{PROBLEMS["host-not-compiled"]}"'
    )
    assert any(line.startswith("warning  Transport") for line in lines)
    starts = [line.split()[0] for line in lines if not line.startswith(" ")]
    assert starts == ["ok", "ok", "ok", "ok", "ok", "problem", "warning", "info", "info"]


def test_warnings_alone_exit_0(runner: CliRunner, tmp_path: Path, hostable: None) -> None:
    pwsh = facts_pwsh(tmp_path, transport="process", transport_reason="no shared libpython")
    result = run(runner, "--pwsh", str(pwsh))
    assert result.exit_code == 0
    assert "warning  Transport" in result.stdout


# -- the entry operation ------------------------------------------------------------------------


def call(request: dict[str, Any]) -> dict[str, Any]:
    reply: dict[str, Any] = json.loads(_entry.dispatch(json.dumps(request)))
    return reply


def test_entry_doctor_diagnoses_the_facts_it_is_given(hostable: None) -> None:
    facts = {**FACTS, "transport": "process", "transport_reason": "no shared libpython"}
    reply = call({"op": "doctor", "args": {"powershell": facts}})
    assert reply["ok"] is True
    checks = reply["result"]["checks"]
    assert checks == [check.to_dict() for check in diagnose(facts)]
    assert {c["name"]: c["status"] for c in checks}["Transport"] == "warning"


def test_entry_doctor_without_facts() -> None:
    reply = call({"op": "doctor", "args": {}})
    assert [c["name"] for c in reply["result"]["checks"]] == [
        "Python",
        "pythonnet",
        "libpython",
        "Sandbox",
        "Cloud",
    ]
