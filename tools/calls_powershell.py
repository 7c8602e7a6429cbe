"""The PowerShell side of the generated calls family: command stubs and their help."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def powershell_files(described: dict[str, Any]) -> dict[Path, str]:
    return {}
