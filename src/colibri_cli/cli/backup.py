"""`colibri backup` and `colibri restore`: a copy of the database to keep, and back again."""

from pathlib import Path
from typing import Annotated

import typer

from colibri_cli.cli import context
from colibri_cli.cli.context import confirm_or_yes, database
from colibri_cli.cli.output import say
from colibri_cli.core import backup as backup_core
from colibri_cli.core import store
from colibri_cli.core.errors import DatabaseProblem
from colibri_cli.i18n import _, format_number


def backup(
    path: Annotated[Path, typer.Argument(metavar="PATH", help="The file to write.")],
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
) -> None:
    """Copy the database to a file, consistently, even while scripts are writing.

    Example: colibri backup ~/backups/colibri-$(date +%F).db
    """
    with database(write=False, create=False) as conn:
        size = backup_core.backup(conn, path, force=force)
    say(
        _("Backed up to {path} ({size} bytes). Put it back with: colibri restore {path}").format(
            path=path, size=format_number(size)
        )
    )


def restore(
    path: Annotated[
        Path,
        typer.Argument(
            metavar="BACKUP",
            help="A copy made by colibri backup, or a file of colibri export all.",
        ),
    ],
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Replace the database without asking.")
    ] = False,
) -> None:
    """Put a backup back as the database, keeping a copy of the one it replaces beside it.

    The backup is a copy made by `colibri backup` or a file of `colibri export all`; it
    replaces the database that --db or COLIBRI_DB names (or the default one).

    Example: colibri restore ~/backups/colibri-2026-11-20.db
    """
    from colibri_cli.cli.imports import counted
    from colibri_cli.core import restore as restore_core
    from colibri_cli.core.transfer import whole

    backup = restore_core.inspect(path)
    target = context.path()
    if store.exists(target) and not restore_core.is_itself(backup, target):
        try:
            with context.database(write=False) as conn:
                found = whole.counts(conn)
            what = counted({name: count for name, count in found.items() if count})
        except DatabaseProblem:  # older, or damaged: what restore is for
            what = _("its records cannot be read as they are")
        confirm_or_yes(
            _("Replace the database {path} ({what}) with {backup}? A copy of it is kept.").format(
                path=target, what=what or _("no records"), backup=backup.path
            ),
            yes=yes,
        )
    restored = restore_core.restore(backup, target)
    context.follow(restored.spoken)
    counts = counted(restored.counts)
    if restored.kept is None:
        say(
            _("Restored {backup} into the new database {path}: {counts}.").format(
                backup=backup.path, path=target, counts=counts
            )
        )
        return
    say(
        _("Restored {backup} into {path}: {counts}.").format(
            backup=backup.path, path=target, counts=counts
        )
    )
    say(_("The database it replaced is kept in {copy}.").format(copy=restored.kept))


def upgrade() -> None:
    """Bring the database up to date with this version of colibri.

    A command that only reads never changes the database, so one made by an older colibri
    is refused by reads until this command, or any command that writes, brings it up to
    date (a backup first is wise: colibri backup PATH).

    Example: colibri upgrade
    """
    with database(write=True, create=False):
        pass
    say(_("The database {path} is up to date.").format(path=context.path()))
