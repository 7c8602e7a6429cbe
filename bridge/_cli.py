"""The `mgbridge` command line."""

from __future__ import annotations

from pathlib import Path

import click

from bridge._version import __version__


@click.group()
@click.version_option(__version__, prog_name="mgbridge")
def cli() -> None:
    """Microsoft Graph call-participant invites, from the command line."""


@cli.command("psmodule-path")
def psmodule_path() -> None:
    """Print the folder holding the MgBridge PowerShell module (add it to PSModulePath)."""
    click.echo(str(psmodule_root()))


def psmodule_root() -> Path:
    """The psmodule folder: inside the installed wheel, or at the top of a source checkout."""
    packaged = Path(__file__).resolve().parent / "psmodule"
    return packaged if packaged.is_dir() else Path(__file__).resolve().parent.parent / "psmodule"


def main() -> None:
    cli(prog_name="mgbridge")
