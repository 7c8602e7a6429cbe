"""Makes the bundled PowerShell module ready to host this interpreter.

`mgbridge psmodule-path --install` records this interpreter beside the module (python-path.txt,
the module's second choice after $env:MGBRIDGE_PYTHON) and compiles the module's small .NET
host against the Python.Runtime.dll of this interpreter's pythonnet, so the two always match.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from bridge._exceptions import BridgeError
from bridge._hostinfo import find_pythonnet_runtime, report


def psmodule_root() -> Path:
    """The psmodule folder: inside the installed wheel, or at the top of a source checkout."""
    packaged = Path(__file__).resolve().parent / "psmodule"
    return packaged if packaged.is_dir() else Path(__file__).resolve().parent.parent / "psmodule"


def install_psmodule() -> list[str]:
    """Records this interpreter and builds the in-process host; returns what was done."""
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

    runtime, version = find_pythonnet_runtime()
    if runtime is None:
        raise BridgeError(
            f"pythonnet is not installed in {sys.executable}; run pip install pythonnet"
        )
    host = module / "bin" / "MgBridge.Host.dll"
    project = module / "host" / "MgBridge.Host.csproj"
    stamp = module / "bin" / "pythonnet-runtime.txt"
    built_for = stamp.read_text(encoding="utf-8").strip() if stamp.is_file() else ""
    sources = [project, project.with_name("PythonHost.cs")]
    fresh = host.is_file() and all(s.stat().st_mtime <= host.stat().st_mtime for s in sources)
    if fresh and built_for == runtime:
        return done
    dotnet = shutil.which("dotnet")
    if dotnet is None:
        raise BridgeError(
            "Building the in-process host needs the .NET SDK (dotnet), which is not on PATH. "
            "Without it the module uses its process transport."
        )
    build = subprocess.run(
        [
            dotnet,
            "build",
            str(project),
            "-c",
            "Release",
            "-nologo",
            "-v",
            "q",
            f"-p:PythonRuntimeDll={runtime}",
            "-o",
            str(host.parent),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if build.returncode != 0:
        raise BridgeError(f"Building the in-process host failed:\n{build.stdout}{build.stderr}")
    stamp.write_text(runtime + "\n", encoding="utf-8")
    done.append(f"built {host} for pythonnet {version}")
    return done
