"""Makes the bundled PowerShell module find this interpreter without searching.

`mgbridge psmodule-path --install` records this interpreter beside the module (python-path.txt)
and saves what hosting it needs (bin/hostinfo.json), so a new pwsh neither searches for a Python
nor starts one to ask. The module compiles its small in-process host itself, at first use.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bridge._hostinfo import report


def psmodule_root() -> Path:
    """The psmodule folder: inside the installed wheel, or at the top of a source checkout."""
    packaged = Path(__file__).resolve().parent / "psmodule"
    return packaged if packaged.is_dir() else Path(__file__).resolve().parent.parent / "psmodule"


def install_psmodule() -> list[str]:
    """Records this interpreter and its hosting report beside the module; returns what was done."""
    module = psmodule_root() / "MgBridge"
    done = []
    recorded = module / "python-path.txt"
    if not recorded.is_file() or recorded.read_text(encoding="utf-8").strip() != sys.executable:
        recorded.write_text(sys.executable + "\n", encoding="utf-8")
        done.append(f"recorded {sys.executable} in {recorded}")

    # What the module would otherwise learn by starting this interpreter in every new pwsh
    # (`python -m bridge._hostinfo`, about 0.25 s of the first call); FindBridgePython uses it
    # while python-path.txt still names this interpreter and the files it lists exist.
    saved = module / "bin" / "hostinfo.json"
    info = json.dumps(report(), indent=1) + "\n"
    if not saved.is_file() or saved.read_text(encoding="utf-8") != info:
        saved.parent.mkdir(exist_ok=True)
        saved.write_text(info, encoding="utf-8")
        done.append(f"saved what hosting needs in {saved}")
    return done
