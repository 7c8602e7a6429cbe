"""The calls family's table: generated from Graph's description, in step with its generator, and
complete for every command the SDK documents."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

from bridge._schema import COMMANDS, ODATA_TYPES, TYPES

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "tests" / "data" / "sdk_examples"


def _generator() -> ModuleType:
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        spec = importlib.util.spec_from_file_location(
            "generate_calls", ROOT / "tools" / "generate_calls.py"
        )
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(ROOT / "tools"))


def test_every_generated_file_matches_its_generator() -> None:
    generator = _generator()
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        outputs = generator.outputs()
    finally:
        sys.path.remove(str(ROOT / "tools"))
    stale = [
        str(path.relative_to(ROOT))
        for path, text in outputs.items()
        if not path.exists() or path.read_text(encoding="utf-8") != text
    ]
    assert stale == [], "run python tools/generate_calls.py"


def test_the_subsets_hold_every_calls_path_and_what_it_reaches() -> None:
    generator = _generator()
    for version in ("beta", "v1.0"):
        document = json.loads((ROOT / "tools" / "openapi" / f"calls.{version}.json").read_text())
        assert all(p.startswith("/communications/calls") for p in document["paths"])
        # Reducing a subset again changes nothing: it is closed under its references.
        assert generator.subset(document) == document


@pytest.mark.parametrize("version", ["beta", "v1.0"])
def test_every_documented_sdk_example_command_is_in_the_table(version: str) -> None:
    names = {path.stem for path in (EXAMPLES / version).glob("*.md")}
    assert len(names) >= 28
    assert names <= set(COMMANDS), sorted(names - set(COMMANDS))


def test_the_family_covers_what_the_issue_lists() -> None:
    actions = {
        c.path.rsplit("microsoft.graph.", 1)[1]
        for commands in COMMANDS.values()
        for c in commands
        if "microsoft.graph." in c.path
    }
    assert {
        "answer", "reject", "redirect", "transfer", "keepAlive", "mute", "unmute", "playPrompt",
        "recordResponse", "subscribeToTone", "cancelMediaProcessing", "changeScreenSharingRole",
        "updateRecordingStatus", "invite", "muteAll", "startHoldMusic", "stopHoldMusic",
    } <= actions  # fmt: skip
    collections = {
        c.path.split("/")[4] for cs in COMMANDS.values() for c in cs if c.path.count("/") > 3
    }
    assert {
        "participants",
        "operations",
        "audioRoutingGroups",
        "contentSharingSessions",
    } <= collections
    for version in ("beta", "v1.0"):
        crud = {
            (c.method, c.returns)
            for cs in COMMANDS.values()
            for c in cs
            if c.api_version == version
            and re.fullmatch(r"/communications/calls(/\{call-id\})?", c.path)
        }
        assert crud == {
            ("GET", "collection"), ("POST", "object"), ("GET", "object"), ("PATCH", "object"),
            ("DELETE", "nothing"),
        }  # fmt: skip


def test_every_type_a_command_names_is_described() -> None:
    for commands in COMMANDS.values():
        for command in commands:
            for name in (command.body, command.response):
                assert name is None or name in TYPES or name == "int32", (command.name, name)


def test_action_responses_are_comms_operations_of_their_own_type() -> None:
    mute = COMMANDS["Invoke-MgMuteCommunicationCallParticipant"][0]
    assert mute.response == "muteParticipantOperation"
    assert ODATA_TYPES["#microsoft.graph.muteParticipantOperation"].is_a(TYPES["commsOperation"])
    assert mute.wire_path == "/communications/calls/{call-id}/participants/{participant-id}/mute"
