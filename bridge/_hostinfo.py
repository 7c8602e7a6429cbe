"""What a PowerShell process needs to host this interpreter in-process, as one JSON line.

Run by the PowerShell module once per process (`python -m bridge._hostinfo`), before it loads
pythonnet: the libpython to load, the interpreter whose venv to use, and pythonnet's runtime DLL.
"""

from __future__ import annotations

import json
import os
import sys
import sysconfig
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from platform import python_version
from typing import Any

from bridge._version import __version__


def find_libpython(
    config: Mapping[str, Any] | None = None,
    *,
    platform: str | None = None,
    base_prefix: str | None = None,
    base_executable: str | None = None,
) -> str | None:
    """The shared libpython of this interpreter (of its base install, for a venv), or None.

    ``config`` (sysconfig's variables), ``platform`` (sys.platform), ``base_prefix`` and
    ``base_executable`` default to this interpreter's, so other machines' layouts can be tested.
    """
    config = sysconfig.get_config_vars() if config is None else config
    platform = sys.platform if platform is None else platform
    base_prefix = sys.base_prefix if base_prefix is None else base_prefix
    if platform == "win32":
        if base_executable is None:
            base_executable = getattr(sys, "_base_executable", sys.executable)
        return _find_windows_dll(config, base_prefix, base_executable)
    if platform == "darwin" and config.get("PYTHONFRAMEWORK"):
        # A framework build (python.org installer, Homebrew): LDLIBRARY is relative to the
        # framework's folder, e.g. Python.framework/Versions/3.12/Python, a file with no suffix.
        ldlibrary = config.get("LDLIBRARY") or ""
        prefix = config.get("PYTHONFRAMEWORKPREFIX") or ""
        for candidate in (
            os.path.join(prefix, ldlibrary) if prefix and ldlibrary else "",
            os.path.join(base_prefix, config.get("PYTHONFRAMEWORK") or ""),  # Versions/3.X
        ):
            if candidate and os.path.isfile(candidate):
                return candidate
        return None
    # Linux and other Unix, and macOS shared builds (libpython3.X.dylib). Debian ships the
    # unversioned libpython3.X.so only in its -dev package, so INSTSONAME (libpython3.X.so.1.0)
    # comes first; Debian keeps it under LIBDIR/MULTIARCH. Relocated builds (uv's
    # python-build-standalone) keep their build machine's LIBDIR, hence base_prefix/lib last.
    libdir = config.get("LIBDIR") or ""
    folders = [libdir, os.path.join(libdir, config.get("MULTIARCH") or "")] if libdir else []
    folders.append(os.path.join(base_prefix, "lib"))
    names = [config.get(k) for k in ("INSTSONAME", "LDLIBRARY")]
    for folder in folders:
        for name in names:
            # LDLIBRARY names the static archive on a build without --enable-shared.
            if name and not name.endswith(".a") and os.path.isfile(os.path.join(folder, name)):
                return os.path.join(folder, name)
    return None


def _find_windows_dll(
    config: Mapping[str, Any], base_prefix: str, base_executable: str
) -> str | None:
    """python3XY.dll beside the base install's python.exe; sysconfig has no LIBDIR there."""
    nodot = config.get("py_version_nodot") or "{}{}".format(*sys.version_info[:2])
    flags = config.get("abiflags") or ""  # 3.13+: t for free-threaded, d for debug builds
    name = f"python{nodot}{'t' if 't' in flags else ''}{'_d' if 'd' in flags else ''}.dll"
    for folder in (base_prefix, os.path.dirname(base_executable)):
        if folder and os.path.isfile(os.path.join(folder, name)):
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
        # Tells the PowerShell module whether a saved report still describes the installed bridge.
        "bridge_path": str(Path(__file__).parent),
        "python_version": python_version(),
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
