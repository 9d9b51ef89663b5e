"""`colibri restore`: a backup put back as the database, after keeping a copy of it.

A backup is a copy `colibri backup` made (a SQLite file) or a file of `colibri export all`
(JSON). It is checked whole before anything is touched, then made into a complete, up to
date colibri database beside the current one (a backup from an older colibri is migrated
there, never in place: the backup stays as it was). Only then is the current database
copied aside (`NAME.before-restore-YYYYMMDD-HHMMSS.db`, with the online backup of
`colibri backup`) and the staged one's pages copied into it with SQLite's backup API, so
that the file keeps its name, its permissions and a consistent write-ahead log, and other
connections see the change as one write.
"""

import os
import sqlite3
import stat
from dataclasses import dataclass
from pathlib import Path

from colibri_cli.core import backup as backup_core
from colibri_cli.core import clock, files, migrations, store
from colibri_cli.core.errors import DatabaseProblem, InvalidInput, NotFound
from colibri_cli.core.transfer import whole
from colibri_cli.i18n import _


@dataclass
class Backup:
    """A backup, checked: a SQLite colibri database, or a file of `export all`."""

    path: Path
    export: bool = False
    """A file of `export all` (its head checked; its rows are checked as they load)."""


@dataclass
class Restored:
    path: Path
    kept: Path | None
    """The copy of the database it replaced; None if there was none."""
    counts: dict[str, int]
    spoken: store.Spoken
    """How the restored database says colibri speaks (its language, its dates)."""


def inspect(path: Path) -> Backup:
    """Check that `path` is a backup colibri can restore, without changing it."""
    path = path.expanduser()
    try:
        mode = path.stat().st_mode
    except (OSError, ValueError):
        mode = None  # not there, or not reachable: said when it is opened, below
    if mode is not None and stat.S_ISDIR(mode):
        raise InvalidInput(
            _("{path} is a directory: give the path of a backup file.").format(path=path)
        )
    if mode is not None and not stat.S_ISREG(mode):  # a pipe would never end, nor a device
        raise InvalidInput(
            _(
                "{path} is not a regular file (a pipe, a device or a socket): give the path "
                "of a backup file."
            ).format(path=path)
        )
    try:
        with path.open("rb") as file:
            head = file.read(len(store.SQLITE_MAGIC))
    except FileNotFoundError:
        raise NotFound(_("No backup at {path}: check the path.").format(path=path)) from None
    except OSError as error:
        raise InvalidInput(
            _("Cannot read {path}: {error}.").format(path=path, error=error.strerror)
        ) from None
    if head == store.SQLITE_MAGIC:
        _check_sqlite_backup(path)
        return Backup(path)
    if head.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"{"):
        whole.check(str(path))
        return Backup(path, export=True)
    raise DatabaseProblem(
        _(
            "{path} is neither a colibri backup (a SQLite database) nor a file of colibri "
            "export all (JSON); nothing was restored."
        ).format(path=path)
    )


def _check_sqlite_backup(path: Path) -> None:
    """A colibri database, not from a newer colibri, and not damaged: read only."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise _unreadable(path, error) from error
    try:
        unknown = migrations.unknown(conn)
        if unknown:
            raise DatabaseProblem(
                _(
                    "{path} was written by a newer version of colibri (it records migration "
                    "{migration!r}, unknown to this version); nothing was restored. "
                    "Upgrade colibri to restore it."
                ).format(path=path, migration=unknown[0])
            )
        if not migrations.applied(conn):
            raise DatabaseProblem(
                _(
                    "{path} is a SQLite database of another program, not a colibri backup; "
                    "nothing was restored."
                ).format(path=path)
            )
        verdict = conn.execute("PRAGMA quick_check").fetchone()[0]
        if verdict != "ok":
            raise DatabaseProblem(
                _("{path} is damaged ({reason}); nothing was restored.").format(
                    path=path, reason=verdict
                )
            )
    except sqlite3.DatabaseError as error:
        raise _unreadable(path, error) from error
    finally:
        conn.close()


def _unreadable(path: Path, error: sqlite3.Error) -> DatabaseProblem:
    return DatabaseProblem(
        _("{path} cannot be read as a database ({reason}); nothing was restored.").format(
            path=path, reason=error
        )
    )


def is_itself(backup: Backup, path: Path) -> bool:
    """Whether the backup is the database file itself."""
    try:
        return path.exists() and backup.path.samefile(path)
    except OSError:
        return False


def restore(backup: Backup, path: Path) -> Restored:
    """Put `backup` back as the database at `path`, keeping a copy of the one there."""
    if is_itself(backup, path):
        raise InvalidInput(
            _("{path} is the database itself: give a copy of it to restore.").format(
                path=backup.path
            )
        )
    created = not store.exists(path)
    if created:
        with store.session(path, write=True):
            pass  # made as any new database: private, migrated
    staged = None
    try:
        staged = _staging(path)
        _stage(backup, staged)
        conn = store.open_database(path, write=True, as_is=True)  # even a damaged schema
        try:
            kept = None if created else keep_copy(conn, path)
            _copy_into(staged, conn, path)
        finally:
            conn.close()
    except BaseException:
        if created:
            files.remove(path)
        raise
    finally:
        if staged is not None:
            files.remove(staged)
    with store.session(path, write=False) as conn:
        found = whole.counts(conn)
        spoken = store.spoken(conn)
    return Restored(path=path, kept=kept, counts=found, spoken=spoken)


def _staging(path: Path) -> Path:
    """A new, empty file beside the database, made for the backup (see core/files.py)."""
    try:
        handle, staged = files.temporary_beside(path, "restore-")
    except OSError as error:
        raise DatabaseProblem(
            _("Cannot write beside the database, in {folder}: {reason}.").format(
                folder=path.parent, reason=error.strerror
            )
        ) from error
    os.close(handle)
    return staged


def _stage(backup: Backup, staged: Path) -> None:
    """Make the backup a complete, up to date colibri database at `staged` (a new, empty
    file made for it)."""
    if backup.export:
        with (
            whole.Reader(str(backup.path), None) as reader,
            store.session(staged, write=True) as conn,
        ):
            whole.load(conn, reader)
        return
    try:
        source = sqlite3.connect(f"{backup.path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            target = sqlite3.connect(files.uri(staged), uri=True)
            try:
                source.backup(target)
            finally:
                target.close()
        finally:
            source.close()
    except sqlite3.Error as error:
        raise _unreadable(backup.path, error) from error
    store.open_database(staged, write=True).close()  # an older colibri's backup is migrated here


def keep_copy(conn: sqlite3.Connection, path: Path) -> Path:
    """Copy the database aside, beside it, under a name that says when."""
    moment = clock.now()
    stamp = f"{moment[:10].replace('-', '')}-{moment[11:19].replace(':', '')}"
    suffix = path.suffix or ".db"
    for number in range(1, 100):
        extra = "" if number == 1 else f"-{number}"
        kept = path.with_name(f"{path.stem}.before-restore-{stamp}{extra}{suffix}")
        if not kept.exists():
            break
    backup_core.backup(conn, kept)
    return kept


def _copy_into(staged: Path, conn: sqlite3.Connection, path: Path) -> None:
    """Copy the pages of `staged` into the database `conn` has open, as one write."""
    try:
        source = sqlite3.connect(staged)
        try:
            wanted = conn.execute("PRAGMA page_size").fetchone()[0]
            if source.execute("PRAGMA page_size").fetchone()[0] != wanted:
                # A database in WAL mode takes only pages of its own size.
                source.execute("PRAGMA journal_mode = DELETE")
                source.execute(f"PRAGMA page_size = {int(wanted)}")
                source.execute("VACUUM")
            source.backup(conn)
        finally:
            source.close()
    except sqlite3.Error as error:
        raise store.database_problem(path, error) from error
