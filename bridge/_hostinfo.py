"""What a PowerShell process needs to host this interpreter in-process, as one JSON line.

Run by the PowerShell module once per process (`python -m bridge._hostinfo`), before it loads
pythonnet: the libpython to load, the interpreter whose venv to use, and pythonnet's runtime DLL.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import sysconfig
from importlib import metadata
from pathlib import Path

from bridge._version import __version__


def find_libpython() -> str | None:
    """The shared libpython of this interpreter, preferring the versioned name that always exists.

    Debian ships the unversioned `libpython3.X.so` only in its -dev package, so INSTSONAME
    (`libpython3.X.so.1.0`) comes first; Debian keeps it under LIBDIR/MULTIARCH.
    """
    libdir = sysconfig.get_config_var("LIBDIR") or ""
    multiarch = sysconfig.get_config_var("MULTIARCH") or ""
    names = [sysconfig.get_config_var(k) for k in ("INSTSONAME", "LDLIBRARY")]
    for folder in (libdir, os.path.join(libdir, multiarch)):
        for name in names:
            # LDLIBRARY names the static archive on a build without --enable-shared.
            if name and not name.endswith(".a") and os.path.isfile(os.path.join(folder, name)):
                return os.path.join(folder, name)
    return None


def find_pythonnet_runtime() -> tuple[str | None, str | None]:
    """Path and version of the Python.Runtime.dll that the installed pythonnet wheel carries."""
    try:
        dist = metadata.distribution("pythonnet")
    except metadata.PackageNotFoundError:
        return None, None
    dll = Path(str(dist.locate_file("pythonnet/runtime/Python.Runtime.dll")))
    return (str(dll) if dll.is_file() else None), dist.version


def report() -> dict[str, object]:
    runtime_dll, pythonnet_version = find_pythonnet_runtime()
    return {
        "bridge_version": __version__,
        "python_version": platform.python_version(),
        "executable": sys.executable,
        "prefix": sys.prefix,
        "in_venv": sys.prefix != sys.base_prefix,
        "shared_library": bool(sysconfig.get_config_var("Py_ENABLE_SHARED")),
        "libpython": find_libpython(),
        "pythonnet_version": pythonnet_version,
        "pythonnet_runtime": runtime_dll,
    }


if __name__ == "__main__":
    sys.stdout.write(json.dumps(report()) + "\n")
