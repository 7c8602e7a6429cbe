"""Environments (clouds): built-ins, lookup, user-defined ones persisted, the CLI group."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from bridge import AuthError, BodyError
from bridge._cli_auth import environment_group
from bridge._environments import (
    BUILT_IN,
    add_environment,
    config_dir,
    get_environment,
    list_environments,
    remove_environment,
)


@pytest.fixture(autouse=True)
def config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("MGBRIDGE_SANDBOX_STATE", str(tmp_path / "no-sandbox.json"))
    return tmp_path / "config"


def test_built_ins_match_get_mgenvironment() -> None:
    names = [env.name for env in BUILT_IN]
    assert names[:4] == ["Global", "USGov", "USGovDoD", "China"]
    dod = get_environment("usgovdod")
    assert dod.graph_endpoint == "https://dod-graph.microsoft.us"
    assert dod.login_endpoint == "https://login.microsoftonline.us"
    assert get_environment(None).name == "Global"
    assert get_environment("CHINA").to_dict() == {
        "Name": "China",
        "AzureADEndpoint": "https://login.chinacloudapi.cn",
        "GraphEndpoint": "https://microsoftgraph.chinacloudapi.cn",
        "Type": "Built-in",
    }


def test_unknown_environment_names_the_known_ones() -> None:
    with pytest.raises(AuthError, match=r"Unknown environment 'Mars'.*USGovDoD") as info:
        get_environment("Mars")
    assert info.value.code == "UnknownEnvironment"


def test_sandbox_needs_a_running_sandbox() -> None:
    with pytest.raises(AuthError, match="mgbridge sandbox") as info:
        get_environment("sandbox")
    assert info.value.code == "SandboxNotRunning"
    assert "Sandbox" not in [env.name for env in list_environments()]


def test_add_persists_for_later_lookups_and_remove_forgets(config_home: Path) -> None:
    env = add_environment("Contoso", "https://graph.contoso.test/", "https://login.contoso.test")
    assert env.graph_endpoint == "https://graph.contoso.test"
    assert env.kind == "User-defined"
    saved = json.loads((config_home / "mgbridge" / "environments.json").read_text())
    assert saved == [
        {
            "Name": "Contoso",
            "AzureADEndpoint": "https://login.contoso.test",
            "GraphEndpoint": "https://graph.contoso.test",
        }
    ]
    assert get_environment("contoso") == env
    assert list_environments()[-1] == env
    # Adding again under any casing replaces it.
    add_environment("CONTOSO", "https://graph2.contoso.test", "https://login.contoso.test")
    assert [e.graph_endpoint for e in list_environments() if e.kind == "User-defined"] == [
        "https://graph2.contoso.test"
    ]
    assert remove_environment("contoso").name == "CONTOSO"
    with pytest.raises(AuthError):
        get_environment("Contoso")


@pytest.mark.parametrize(
    ("graph", "login", "path"),
    [
        ("http://graph.contoso.test", "https://login.contoso.test", "GraphEndpoint"),
        ("https://graph.contoso.test", "login.contoso.test", "AzureADEndpoint"),
        ("https://graph.contoso.test/v1.0", "https://login.contoso.test", "GraphEndpoint"),
    ],
)
def test_add_requires_https_roots(graph: str, login: str, path: str) -> None:
    with pytest.raises(BodyError) as info:
        add_environment("Contoso", graph, login)
    assert info.value.path == path


@pytest.mark.parametrize("name", ["global", "USGov", "Sandbox"])
def test_built_ins_cannot_be_replaced_or_removed(name: str) -> None:
    with pytest.raises(BodyError, match="built-in"):
        add_environment(name, "https://graph.contoso.test", "https://login.contoso.test")
    with pytest.raises(BodyError, match="cannot be removed"):
        remove_environment(name)


def test_remove_unknown() -> None:
    with pytest.raises(BodyError, match="No user-defined environment"):
        remove_environment("Nope")


def test_config_dir_honours_xdg(config_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert config_dir() == config_home / "mgbridge"
    monkeypatch.delenv("XDG_CONFIG_HOME")
    monkeypatch.setenv("HOME", "/home/someone")
    assert config_dir() == Path("/home/someone/.config/mgbridge")


def test_config_folder_is_private(config_home: Path) -> None:
    add_environment("Contoso", "https://graph.contoso.test", "https://login.contoso.test")
    assert stat.S_IMODE((config_home / "mgbridge").stat().st_mode) == 0o700


def test_cli_environment_list_add_remove() -> None:
    runner = CliRunner()
    result = runner.invoke(environment_group, ["list"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["Name", "AzureADEndpoint", "GraphEndpoint", "Type"]
    assert lines[1].split() == [
        "Global",
        "https://login.microsoftonline.com",
        "https://graph.microsoft.com",
        "Built-in",
    ]

    args = ["add", "Contoso", "--graph-endpoint", "https://graph.contoso.test"]
    result = runner.invoke(environment_group, [*args, "--azure-ad-endpoint", "https://l.contoso"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["Type"] == "User-defined"

    result = runner.invoke(environment_group, ["list", "--json"])
    assert [e["Name"] for e in json.loads(result.output)][-1] == "Contoso"

    result = runner.invoke(environment_group, ["remove", "contoso"])
    assert result.exit_code == 0, result.output
    assert "Contoso" not in runner.invoke(environment_group, ["list"]).output
