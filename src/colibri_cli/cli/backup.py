"""`colibri backup`: a copy of the database to keep somewhere safe."""

from pathlib import Path
from typing import Annotated

import typer

from colibri_cli.cli.context import database
from colibri_cli.cli.output import say
from colibri_cli.core import backup as backup_core
from colibri_cli.i18n import _, format_number


def backup(
    path: Annotated[Path, typer.Argument(metavar="PATH", help="The file to write.")],
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
) -> None:
    """Copy the database to a file, consistently, even while scripts are writing.

    Example: colibri backup ~/backups/colibri-$(date +%F).db
    """
    with database(write=False) as conn:
        size = backup_core.backup(conn, path, force=force)
    say(
        _("Backed up to {path} ({size} bytes). Restore it with: colibri --db {path} …").format(
            path=path, size=format_number(size)
        )
    )
