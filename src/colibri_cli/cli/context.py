"""What every command shares: the database chosen on the command line, and the terminal."""

import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import TypeVar

import typer

from colibri_cli.cli.output import confirm, say
from colibri_cli.core import clock, store
from colibri_cli.core.errors import InvalidInput, NotFound
from colibri_cli.i18n import N_, _

T = TypeVar("T")

db_option: str | None = None
"""`--db PATH` as given to the root command; set by its callback before any subcommand."""
default_path: Path | None = None
"""The database when no `--db` is given, as found once before the command ran (to read its
language setting); None when not known yet."""


def database(*, write: bool, create: bool | None = None) -> AbstractContextManager:
    """The command's one transaction on the chosen database.

    A command that keeps nothing (a read, a dry run: `create` False; by default, what
    `write` says) does not create the file a `--db` names: a mistyped path would show an
    empty CRM, as if the records were gone. (A first run on the default path, or on the
    COLIBRI_DB a profile sets, creates the database as any command does.)
    """
    path = _path()
    creates = write if create is None else create
    if db_option and not path.exists():
        if not creates:
            raise _no_database(path)
        return _announced_new(store.session(path, write=write), path)
    return store.session(path, write=write)


@contextmanager
def _announced_new(session: AbstractContextManager, path: Path) -> Iterator[sqlite3.Connection]:
    """A session on a database it just made at a --db path, which it says (should the path
    be a typo, the user sees it)."""
    with session as conn:
        say(_("New database: {path}").format(path=path))
        yield conn


def _no_database(path: Path) -> NotFound:
    return NotFound(
        _(
            "No database at {path}: check the path. A command that adds records creates "
            "it (colibri --db {path} account add NAME), and so does colibri --db {path} demo."
        ).format(path=path)
    )


def lookups() -> AbstractContextManager:
    """Reads while a person answers prompts: no transaction stays open as they think."""
    return store.reading(_path())


def path() -> Path:
    """The database the command works on: --db, else COLIBRI_DB, else the default."""
    return _path()


def _path():
    clock.today()  # a bad COLIBRI_TODAY is refused before anything is opened or created
    return store.database_path(db_option) if db_option or not default_path else default_path


def interactive() -> bool:
    """True when a person can answer a prompt: stdin and stderr are terminals."""
    return sys.stdin.isatty() and sys.stderr.isatty()


def confirm_or_yes(question: str, *, yes: bool) -> None:
    """Go on if `--yes` was given or the person agrees; scripts must pass --yes."""
    if yes:
        return
    if not interactive():
        raise InvalidInput(
            _("{question} Not on a terminal: pass --yes to confirm.").format(question=question)
        )
    if not confirm(question, default=False):
        say(_("Cancelled: nothing was changed."))
        raise typer.Exit(1)


def delete_confirmed(
    find: Callable[[sqlite3.Connection], tuple[str, T]],
    delete: Callable[[sqlite3.Connection, T], object],
    *,
    yes: bool,
    question: str = N_("Delete {what}?"),
) -> str:
    """Ask before deleting what `find` describes, holding no lock while a person thinks;
    then find it again under the write lock and delete it. Returns the description."""
    with database(write=False) as conn:
        what, _target = find(conn)
    confirm_or_yes(_(question).format(what=what), yes=yes)
    with database(write=True) as conn:
        what, target = find(conn)
        delete(conn, target)
    return what
