"""find_libpython on every platform's layout (fake file trees), and the hosting report."""

from __future__ import annotations

import sys
import sysconfig
from pathlib import Path

import pytest

import bridge
from bridge._hostinfo import find_libpython, report


def touch(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"")
    return str(path)


# -- Windows: python3XY.dll, no LIBDIR ----------------------------------------------------------


def test_windows_venv_finds_the_dll_of_its_base_install(tmp_path: Path) -> None:
    base = tmp_path / "Python311"
    dll = touch(base / "python311.dll")
    touch(base / "python.exe")
    touch(tmp_path / "venv" / "Scripts" / "python.exe")  # a venv holds no dll of its own
    config = {"py_version_nodot": "311", "LIBDIR": None, "LDLIBRARY": None}

    found = find_libpython(
        config,
        platform="win32",
        base_prefix=str(base),
        base_executable=str(base / "python.exe"),
    )

    assert found == dll


def test_windows_falls_back_to_the_folder_of_the_base_executable(tmp_path: Path) -> None:
    # e.g. a NuGet or embeddable layout whose prefix is not where python.exe and the dll are.
    dll = touch(tmp_path / "tools" / "python312.dll")
    found = find_libpython(
        {"py_version_nodot": "312"},
        platform="win32",
        base_prefix=str(tmp_path / "elsewhere"),
        base_executable=str(tmp_path / "tools" / "python.exe"),
    )
    assert found == dll


def test_windows_free_threaded_build_loads_its_t_dll(tmp_path: Path) -> None:
    touch(tmp_path / "python313.dll")
    dll = touch(tmp_path / "python313t.dll")
    found = find_libpython(
        {"py_version_nodot": "313", "abiflags": "t"},
        platform="win32",
        base_prefix=str(tmp_path),
        base_executable=str(tmp_path / "python3.13t.exe"),
    )
    assert found == dll


def test_windows_without_the_dll_is_none(tmp_path: Path) -> None:
    touch(tmp_path / "python310.dll")  # another version's
    found = find_libpython(
        {"py_version_nodot": "311"},
        platform="win32",
        base_prefix=str(tmp_path),
        base_executable=str(tmp_path / "python.exe"),
    )
    assert found is None


# -- macOS --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "frameworks",
    ["Library/Frameworks", "opt/homebrew/opt/python@3.12/Frameworks"],
    ids=["python.org", "homebrew"],
)
def test_macos_framework_build_is_the_python_file_of_its_framework(
    tmp_path: Path, frameworks: str
) -> None:
    prefix = tmp_path / frameworks
    version = prefix / "Python.framework" / "Versions" / "3.12"
    library = touch(version / "Python")
    touch(version / "lib" / "libpython3.12.a")  # framework builds ship no dylib in LIBDIR
    config = {
        "PYTHONFRAMEWORK": "Python",
        "PYTHONFRAMEWORKPREFIX": str(prefix),
        "LDLIBRARY": "Python.framework/Versions/3.12/Python",
        "INSTSONAME": "Python.framework/Versions/3.12/Python",
        "LIBDIR": str(version / "lib"),
    }

    assert find_libpython(config, platform="darwin", base_prefix=str(version)) == library


def test_macos_framework_build_without_its_library_is_none(tmp_path: Path) -> None:
    config = {
        "PYTHONFRAMEWORK": "Python",
        "PYTHONFRAMEWORKPREFIX": str(tmp_path),
        "LDLIBRARY": "Python.framework/Versions/3.12/Python",
    }
    assert find_libpython(config, platform="darwin", base_prefix=str(tmp_path / "x")) is None


def test_macos_shared_build_is_the_dylib_in_libdir(tmp_path: Path) -> None:
    # pyenv with PYTHON_CONFIGURE_OPTS=--enable-shared
    libdir = tmp_path / ".pyenv" / "versions" / "3.12.1" / "lib"
    dylib = touch(libdir / "libpython3.12.dylib")
    config = {
        "PYTHONFRAMEWORK": "",
        "LIBDIR": str(libdir),
        "LDLIBRARY": "libpython3.12.dylib",
        "INSTSONAME": "libpython3.12.dylib",
    }
    assert find_libpython(config, platform="darwin", base_prefix=str(libdir.parent)) == dylib


# -- Linux --------------------------------------------------------------------------------------


@pytest.mark.parametrize("with_dev_package", [False, True])
def test_debian_multiarch_prefers_the_versioned_soname(
    tmp_path: Path, with_dev_package: bool
) -> None:
    libdir = tmp_path / "usr" / "lib"
    soname = touch(libdir / "x86_64-linux-gnu" / "libpython3.11.so.1.0")
    if with_dev_package:  # libpython3.11-dev adds the unversioned link
        touch(libdir / "x86_64-linux-gnu" / "libpython3.11.so")
    config = {
        "LIBDIR": str(libdir),
        "MULTIARCH": "x86_64-linux-gnu",
        "INSTSONAME": "libpython3.11.so.1.0",
        "LDLIBRARY": "libpython3.11.so",
    }
    assert find_libpython(config, platform="linux", base_prefix=str(tmp_path / "usr")) == soname


def test_static_only_build_is_none(tmp_path: Path) -> None:
    libdir = tmp_path / "lib"
    touch(libdir / "libpython3.11.a")
    touch(libdir / "python3.11" / "config-3.11-x86_64-linux-gnu" / "libpython3.11.a")
    config = {
        "LIBDIR": str(libdir),
        "MULTIARCH": "x86_64-linux-gnu",
        "INSTSONAME": "libpython3.11.a",
        "LDLIBRARY": "libpython3.11.a",
    }
    assert find_libpython(config, platform="linux", base_prefix=str(tmp_path)) is None


def test_relocated_build_is_found_under_its_base_prefix(tmp_path: Path) -> None:
    # uv's python-build-standalone keeps the LIBDIR of the machine that built it.
    base = tmp_path / "cpython-3.12.8-linux-x86_64-gnu"
    soname = touch(base / "lib" / "libpython3.12.so.1.0")
    config = {"LIBDIR": "/install/lib", "INSTSONAME": "libpython3.12.so.1.0"}
    assert find_libpython(config, platform="linux", base_prefix=str(base)) == soname


def test_defaults_are_this_interpreter() -> None:
    assert find_libpython() == find_libpython(
        sysconfig.get_config_vars(), platform=sys.platform, base_prefix=sys.base_prefix
    )


# -- report -------------------------------------------------------------------------------------


def test_report_names_the_installed_bridge_folder() -> None:
    info = report()
    assert info["bridge_path"] == str(Path(bridge.__file__).parent)
    assert (Path(str(info["bridge_path"])) / "_hostinfo.py").is_file()
