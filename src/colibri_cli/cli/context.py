"""What every command shares: the run it is part of, the database chosen on the command
line, and the terminal."""

import functools
import os
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import typer

from colibri_cli import i18n
from colibri_cli.cli.output import confirm, say
from colibri_cli.core import clock, store
from colibri_cli.core.clock import Clock
from colibri_cli.core.errors import InvalidInput
from colibri_cli.i18n import N_, _

T = TypeVar("T")


@dataclass(frozen=True)
class Run:
    """What one invocation of colibri works with, made once as it starts (`ColibriGroup.main`)
    and reached by its commands through the Click context (`run()`), never kept between two
    invocations: a process that runs many commands (the test suite, through CliRunner) starts
    each from nothing.

    `clock`: today, from COLIBRI_TODAY as it was when the command started; the core asks it
    through `core.clock`, in use while the run is `active`.

    `speech`: the language as the environment chose it when the command started (COLIBRI_LANG,
    the locale), in use while the run is `active`. The language is not settled then: the
    database's `language` setting, read before the command is parsed (ColibriGroup), then
    when the command opens the database (`database`, `lookups`), and `config set language`
    change the speech in use for the rest of the run (`i18n.use_setting`); the store only
    reports the settings it finds (`store.spoken`).

    `db_option`: `--db PATH` as given on the command line (read by ColibriGroup before Click
    parses it, wherever it stands). `default_path`: the database when no `--db` is given, as
    found once before the command ran (to read its language setting); None when not known.

    `interactive`: whether a person is at the terminal, asked once, the first time a
    command needs to know.
    """

    clock: Clock = field(default_factory=Clock.from_environment)
    speech: i18n.Speech = field(default_factory=i18n.Speech.from_environment)
    db_option: str | None = None
    default_path: Path | None = None

    @functools.cached_property
    def interactive(self) -> bool:
        """True when a person can answer a prompt: stdin and stderr are terminals."""
        return sys.stdin.isatty() and sys.stderr.isatty()

    @contextmanager
    def active(self) -> Iterator["Run"]:
        """Within the block, the run's clock and speech are the ones core code reads."""
        with clock.running(self.clock), i18n.speaking(self.speech):
            yield self


def run() -> Run:
    """The run of the command being invoked (the root command's `obj`)."""
    from typer._click.globals import get_current_context

    found = get_current_context().obj
    if not isinstance(found, Run):
        raise TypeError("colibri's commands run under ColibriGroup.main, which makes the Run")
    return found


def database(*, write: bool, create: bool | None = None) -> AbstractContextManager:
    """The command's one transaction on the chosen database.

    Only a command that keeps something (`create`; by default, what `write` says) creates
    the database where there is none, and says so once it is there: should the path be a
    typo, the user sees it; on a first run, they learn where their records live. A read,
    or a dry run, on a path with no database is refused (exit 3), since a mistyped --db or
    COLIBRI_DB would otherwise show an empty CRM, as if the records were gone. At the
    default location, which nobody typed, a read before the first write shows an empty
    CRM and creates nothing (unless the command needs a database that is there:
    `create=False`).
    """
    path = _path()
    creates = write if create is None else create
    if not creates and create is None and _is_default() and not store.exists(path):
        return closing(store.empty_database())
    return _followed(
        store.session(
            path,
            write=write,
            create=creates,
            created=lambda: say(_("New database: {path}").format(path=path)),
        )
    )


@contextmanager
def _followed(
    opening: AbstractContextManager[sqlite3.Connection],
) -> Iterator[sqlite3.Connection]:
    """The connection `opening` gives, the command speaking as its database says."""
    with opening as conn:
        follow(store.spoken(conn))
        yield conn


def follow(spoken: store.Spoken) -> None:
    """Speak, for the rest of the command, as a database's settings say."""
    i18n.use_setting(spoken.language)
    i18n.use_date_display(spoken.date_display)


def _is_default() -> bool:
    """Whether the database is the default one: neither --db nor COLIBRI_DB names it."""
    return not run().db_option and not os.environ.get("COLIBRI_DB")


def lookups() -> AbstractContextManager:
    """Reads while a person answers prompts, before a command writes: no transaction stays
    open as they think; a database not created yet reads as an empty one."""
    return _followed(store.reading(_path(), write=True))


def path() -> Path:
    """The database the command works on: --db, else COLIBRI_DB, else the default."""
    return _path()


def _path():
    chosen = run()
    chosen.clock.today()  # a bad COLIBRI_TODAY is refused before anything is opened or created
    if chosen.db_option or not chosen.default_path:
        return store.database_path(chosen.db_option)
    return chosen.default_path


def interactive() -> bool:
    """True when a person can answer a prompt (see `Run.interactive`)."""
    return run().interactive


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
