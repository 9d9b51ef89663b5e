"""The SQLite store: where the file lives, how it is opened, and one transaction per command.

Opening checks the file before anything is written to it: a file that is not SQLite, a
SQLite database that belongs to another program, or one written by a newer colibri is
refused (exit 5) and left byte-for-byte as it was. Only then are WAL and pending migrations
applied. Queries use the standard library's sqlite3 directly: importing sqlite_utils costs
more than a whole simple command, so it is imported only when a migration has to run.
"""

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from colibri_cli import i18n
from colibri_cli.core import migrations
from colibri_cli.core.errors import DatabaseProblem, InvalidInput
from colibri_cli.core.text import fold
from colibri_cli.i18n import _

SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_SECONDS = 30.0


def database_path(explicit: str | None = None) -> Path:
    """`--db PATH`, else `COLIBRI_DB`, else the user data directory of the platform."""
    if explicit is not None and not explicit.strip():
        raise InvalidInput(_("--db needs the path of a database file."))
    chosen = explicit or os.environ.get("COLIBRI_DB")
    if chosen:
        return Path(chosen).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("colibri", appauthor=False)) / "colibri.db"


@contextmanager
def session(path: Path, *, write: bool) -> Iterator[sqlite3.Connection]:
    """Open the database and run the body as one transaction, committed only if it succeeds.

    Writers take the write lock up front (BEGIN IMMEDIATE) so that concurrent scripts queue
    on the busy timeout instead of failing when a read transaction tries to become a write.
    """
    conn = open_database(path)
    try:
        conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        yield conn
        conn.execute("COMMIT")
    except sqlite3.DatabaseError as error:
        if not _is_fault(error):
            raise  # a mistake in colibri's SQL or constraints: let the traceback show it
        raise _database_problem(path, error) from error
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        conn.close()


@contextmanager
def reading(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection outside any transaction: each query sees the latest data and holds
    nothing between queries, for the lookups of prompts that wait for a person."""
    conn = open_database(path)
    try:
        yield conn
    except sqlite3.DatabaseError as error:
        if not _is_fault(error):
            raise
        raise _database_problem(path, error) from error
    finally:
        conn.close()


def open_database(path: Path) -> sqlite3.Connection:
    """Connect, refuse what must not be touched, then set WAL and migrate."""
    _create_if_missing(path)
    _check_is_sqlite(path)
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    except sqlite3.Error as error:
        raise _database_problem(path, error) from error
    try:
        conn.row_factory = sqlite3.Row
        conn.create_function("fold", 1, fold, deterministic=True)
        conn.execute("PRAGMA foreign_keys = ON")
        _check_is_ours(conn, path)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        if migrations.pending(conn):
            migrations.apply(conn)
        i18n.use_setting(_language_setting(conn))
    except sqlite3.DatabaseError as error:
        conn.close()
        raise _database_problem(path, error) from error
    except BaseException:
        conn.close()
        raise
    return conn


def _language_setting(conn: sqlite3.Connection) -> str | None:
    row = conn.execute("SELECT value FROM settings WHERE key = 'language'").fetchone()
    return row[0] if row else None


def peek_language(path: Path) -> str | None:
    """The `language` setting of an existing database, read without creating, migrating or
    locking anything (for `--help`, before a command opens the database); None if unknown.

    `immutable=1` reads the file alone: no lock, no -wal or -shm file left behind. A change
    still in another process's write-ahead log is not seen; the command's own opening of the
    database, which follows, reads the setting again properly."""
    try:
        if not path.is_file():
            return None
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    except (sqlite3.Error, OSError, ValueError):
        return None
    try:
        return _language_setting(conn)
    except sqlite3.Error:
        return None
    finally:
        conn.close()


def _create_if_missing(path: Path) -> None:
    """Create the file readable by its owner only (and any directory it needs, 0700) when new."""
    if path.exists():
        return
    try:
        missing = [folder for folder in (path.parent, *path.parent.parents) if not folder.exists()]
        for folder in reversed(missing):  # every directory colibri creates is private
            folder.mkdir(mode=0o700, exist_ok=True)
            folder.chmod(0o700)
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
    except FileExistsError:
        return  # another process created it at the same moment: fine
    except OSError as error:
        raise DatabaseProblem(
            _(
                "Cannot create the database at {path}: {reason}. "
                "Choose a writable place with --db PATH or COLIBRI_DB."
            ).format(path=path, reason=error.strerror)
        ) from error


def _check_is_sqlite(path: Path) -> None:
    try:
        with path.open("rb") as file:
            header = file.read(len(SQLITE_MAGIC))
    except IsADirectoryError:
        raise DatabaseProblem(
            _("{path} is a directory, not a database file. Give a file path with --db.").format(
                path=path
            )
        ) from None
    except OSError as error:
        raise DatabaseProblem(
            _(
                "Cannot read the database {path}: {reason}. "
                "Check its permissions or choose another file with --db."
            ).format(path=path, reason=error.strerror)
        ) from error
    if header and header != SQLITE_MAGIC:
        raise DatabaseProblem(
            _(
                "{path} is not a SQLite database; colibri left it untouched. "
                "Point --db or COLIBRI_DB at a colibri database or at a new file."
            ).format(path=path)
        )


def _check_is_ours(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse databases from a newer colibri, and other programs' databases, before writing."""
    unknown = migrations.unknown(conn)
    if unknown:
        raise DatabaseProblem(
            _(
                "{path} was written by a newer version of colibri (it records migration "
                "{migration!r}, unknown to this version); it was left untouched. "
                "Upgrade colibri to use it."
            ).format(path=path, migration=unknown[0])
        )
    if not migrations.applied(conn) and _has_tables(conn):
        raise DatabaseProblem(
            _(
                "{path} is a SQLite database of another program, not a colibri one; "
                "it was left untouched. "
                "Point --db or COLIBRI_DB at a colibri database or a new file."
            ).format(path=path)
        )


def _has_tables(conn: sqlite3.Connection) -> bool:
    return (
        conn.execute("SELECT 1 FROM sqlite_schema WHERE type = 'table' LIMIT 1").fetchone()
        is not None
    )


FAULTS = {
    sqlite3.SQLITE_BUSY: "busy",
    sqlite3.SQLITE_LOCKED: "busy",
    sqlite3.SQLITE_READONLY: "readonly",
    sqlite3.SQLITE_CANTOPEN: "readonly",
    sqlite3.SQLITE_PERM: "readonly",
    sqlite3.SQLITE_FULL: "full",
    sqlite3.SQLITE_IOERR: "damaged",
    sqlite3.SQLITE_CORRUPT: "damaged",
    sqlite3.SQLITE_NOTADB: "damaged",
}
"""SQLite's primary result codes that describe the database's state, not a bug."""


def _fault(error: sqlite3.Error) -> str | None:
    code = getattr(error, "sqlite_errorcode", None)
    return None if code is None else FAULTS.get(code & 0xFF)


def _is_fault(error: sqlite3.Error) -> bool:
    """Whether the error is the database's state (locked, read-only, damaged, full)."""
    return _fault(error) is not None


def database_problem(path: Path, error: sqlite3.Error) -> DatabaseProblem:
    """The DatabaseProblem that says what a SQLite error means for the database at `path`."""
    return _database_problem(path, error)


def _database_problem(path: Path, error: sqlite3.Error) -> DatabaseProblem:
    message = str(error)
    fault = _fault(error)
    if fault == "busy":
        return DatabaseProblem(
            _(
                "The database {path} stayed locked by another process for {seconds:.0f} s; "
                "try again when it has finished."
            ).format(path=path, seconds=BUSY_TIMEOUT_SECONDS)
        )
    if fault == "readonly":
        return DatabaseProblem(
            _(
                "Cannot write to the database {path} ({reason}). "
                "Check the permissions of the file and its directory, or choose another with --db."
            ).format(path=path, reason=message)
        )
    if fault == "full":
        return DatabaseProblem(
            _("The disk holding {path} is full: free some space and try again.").format(path=path)
        )
    return DatabaseProblem(
        _(
            "The database {path} cannot be used: {reason}. Restore it from a backup "
            "or point --db at another file."
        ).format(path=path, reason=message)
    )
