"""The SQLite store: where the file lives, how it is opened, and one transaction per command.

Opening checks the file before anything is written to it: a path the system refuses, a
file that is not a regular one, a file that is not SQLite, a SQLite database that belongs
to another program, one written by a newer colibri, and one whose schema is not the one the
migrations made are refused (exit 5) and left byte-for-byte as they were.

Only a command that writes creates a database, turns an empty file into one, or brings an
older one up to date; a command that reads finds the database as it is or refuses. A new
database is made under a private name beside its path and appears there, complete, only
once the command's transaction has committed: a failed command leaves no file behind.

Queries use the standard library's sqlite3 directly: importing sqlite_utils costs more than
a whole simple command, so it is imported only when a migration has to run.
"""

import errno
import os
import sqlite3
import stat
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import NamedTuple

from colibri_cli.core import files, migrations
from colibri_cli.core.errors import DatabaseProblem, InvalidInput, NotFound
from colibri_cli.core.text import fold
from colibri_cli.i18n import _

SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_SECONDS = 30.0
NO_HARD_LINKS = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK, errno.ENOSYS}
"""What link() says on a file system that has no hard links (FAT, some network shares)."""


def database_path(explicit: str | None = None) -> Path:
    """`--db PATH`, else `COLIBRI_DB`, else the user data directory of the platform."""
    if explicit is not None and not explicit.strip():
        raise InvalidInput(_("--db needs the path of a database file."))
    chosen = explicit or os.environ.get("COLIBRI_DB")
    if chosen:
        return Path(chosen).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("colibri", appauthor=False)) / "colibri.db"


def exists(path: Path) -> bool:
    """Whether a file is at `path` (a database or not yet known). A path the system refuses
    (too long, through a file, not permitted) and what is not a regular file (a directory,
    a pipe, a device, a socket) are refused at once, without opening them."""
    try:
        found = path.stat()
    except FileNotFoundError:
        if path.is_symlink():  # a new database would not replace the link: say where it leads
            reason = _("it is a link to {target}, which does not exist")
            raise _cannot_use(path, reason.format(target=path.readlink())) from None
        return False
    except (OSError, ValueError) as error:
        raise _cannot_use(path, getattr(error, "strerror", None) or str(error)) from error
    _check_is_regular(found.st_mode, path)
    return True


def _cannot_use(path: Path, reason: str) -> DatabaseProblem:
    return DatabaseProblem(
        _(
            "Cannot use {path} as the database: {reason}. "
            "Choose another path with --db or COLIBRI_DB."
        ).format(path=path, reason=reason)
    )


def _check_is_regular(mode: int, path: Path) -> None:
    if stat.S_ISDIR(mode):
        raise DatabaseProblem(
            _("{path} is a directory, not a database file. Give a file path with --db.").format(
                path=path
            )
        )
    if not stat.S_ISREG(mode):
        raise DatabaseProblem(
            _(
                "{path} is not a regular file (a pipe, a device or a socket): it cannot be a "
                "database. Give the path of a database file with --db."
            ).format(path=path)
        )


@contextmanager
def session(
    path: Path,
    *,
    write: bool,
    create: bool | None = None,
    created: Callable[[], None] | None = None,
) -> Iterator[sqlite3.Connection]:
    """Open the database and run the body as one transaction, committed only if it succeeds.

    Where there is no file, a session that may create one (by default, one that writes)
    makes a new database, which appears at `path` only once the body has committed; then
    `created` is called, by the one command that made it (of several racing to, or when the
    body failed, none is).
    Writers take the write lock up front (BEGIN IMMEDIATE) so that concurrent scripts queue
    on the busy timeout instead of failing when a read transaction tries to become a write.
    """
    if not exists(path):
        if not (write if create is None else create):
            raise _no_database(path)
        made = _make_folders(path)
        try:
            with _creation_lock(path):
                if not exists(path):
                    with _new_database(path) as conn:
                        yield conn
                    if created:
                        created()
                    return
        except BaseException:
            _remove_folders(made)  # a refused command leaves nothing behind, not even a folder
            raise
        # another command made it meanwhile: used as any existing database
    conn = open_database(path, write=write)
    try:
        with _transaction(conn, path, write=write):
            yield conn
    finally:
        conn.close()


@contextmanager
def _transaction(conn: sqlite3.Connection, path: Path, *, write: bool) -> Iterator[None]:
    try:
        conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        yield
        conn.execute("COMMIT")
    except sqlite3.DatabaseError as error:
        if not _is_fault(error) and not _is_overflow(error):
            raise  # a mistake in colibri's SQL or constraints: let the traceback show it
        raise _database_problem(path, error) from error
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")


@contextmanager
def _new_database(path: Path) -> Iterator[sqlite3.Connection]:
    """A new database for one transaction: made and migrated under a private name beside
    `path` (owner only), the body run and committed there, then linked to `path`, which
    never replaces a file: of two commands making the same database at once, the second
    fails and writes nothing. On any failure nothing is left behind."""
    staged = _staging(path)
    try:
        conn = _connect(staged, path, write=True)
        try:
            with _transaction(conn, path, write=True):
                yield conn
            _checkpoint(conn, path)  # everything in the file itself before it is linked
        finally:
            conn.close()
        _publish(staged, path)
    finally:
        files.remove(staged)


def _make_folders(path: Path) -> list[Path]:
    """The directories a new database needs, made, deepest first; every one colibri
    creates is private (0700)."""
    try:
        missing = [folder for folder in (path.parent, *path.parent.parents) if not folder.exists()]
        for folder in reversed(missing):
            folder.mkdir(mode=0o700, exist_ok=True)
            folder.chmod(0o700)
    except OSError as error:
        raise _cannot_create(path, error.strerror) from error
    return missing


def _remove_folders(folders: list[Path]) -> None:
    """Remove the directories `_make_folders` made, deepest first, while they are empty."""
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:
            return  # something else is in it now: it stays, and so do its parents


@contextmanager
def _creation_lock(path: Path) -> Iterator[None]:
    """Commands making the same new database take turns (a lock on its directory), so that
    each finds the database the one before made, and writes into it as into any other.
    Where the system has no such lock (Windows), the second fails cleanly instead."""
    try:
        import fcntl

        handle = os.open(path.parent, os.O_RDONLY)
    except (ImportError, OSError):
        yield
        return
    try:
        _wait_for_lock(fcntl, handle, path)
        yield
    finally:
        os.close(handle)  # releases the lock


def _wait_for_lock(fcntl, handle: int, path: Path) -> None:
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise _locked(path) from None
            time.sleep(0.02)
        except OSError:
            return  # a file system without locks: the link still never replaces a file


def _staging(path: Path) -> Path:
    """A new empty file beside `path`, readable by its owner only."""
    try:
        handle, staged = files.temporary_beside(path, "new-")
    except OSError as error:
        raise _cannot_create(path, error.strerror) from error
    os.close(handle)
    return staged


def _cannot_create(path: Path, reason: str | None) -> DatabaseProblem:
    return DatabaseProblem(
        _(
            "Cannot create the database at {path}: {reason}. "
            "Choose a writable place with --db PATH or COLIBRI_DB."
        ).format(path=path, reason=reason)
    )


def _checkpoint(conn: sqlite3.Connection, path: Path) -> None:
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.DatabaseError as error:
        raise _database_problem(path, error) from error


def _publish(staged: Path, path: Path) -> None:
    """Give the complete new database its name, unless a file took the name meanwhile."""
    try:
        os.link(staged, path)
    except FileExistsError:
        raise _appeared(path) from None
    except OSError as error:
        if error.errno not in NO_HARD_LINKS:
            raise _cannot_create(path, error.strerror) from error
        if os.path.lexists(path):  # without hard links, a move that checks first
            raise _appeared(path) from None
        try:
            staged.replace(path)
        except OSError as failure:
            raise _cannot_create(path, failure.strerror) from failure
    _sync_folder(path.parent)


def _appeared(path: Path) -> DatabaseProblem:
    return DatabaseProblem(
        _(
            "Cannot create the database at {path}: a file appeared there while this command "
            "ran (another command making it at the same moment?); this one wrote nothing. "
            "Run it again."
        ).format(path=path)
    )


def _sync_folder(folder: Path) -> None:
    """Make the new name durable, where the system allows a directory to be synced."""
    with suppress(OSError, AttributeError):
        handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


def _no_database(path: Path) -> NotFound:
    return NotFound(
        _(
            "No database at {path}: check the path. A command that adds records creates "
            "it (colibri --db {path} account add NAME), and so does colibri --db {path} demo."
        ).format(path=path)
    )


@contextmanager
def reading(path: Path, *, write: bool = False) -> Iterator[sqlite3.Connection]:
    """A connection outside any transaction: each query sees the latest data and holds
    nothing between queries, for the lookups of prompts that wait for a person.

    For a command that writes (`write`), a database not there yet reads as a new, empty
    one (the command creates it when it commits), and an older one is brought up to date.
    """
    new = write and not exists(path)
    conn = empty_database() if new else open_database(path, write=write)
    try:
        yield conn
    except sqlite3.DatabaseError as error:
        if not _is_fault(error) and not _is_overflow(error):
            raise
        raise _database_problem(path, error) from error
    finally:
        conn.close()


@contextmanager
def rehearsal(conn: sqlite3.Connection) -> Iterator[None]:
    """Writes undone at the end, on a `reading` connection: what a command would write, to
    show it before a person agrees. The write lock is held only while the body runs."""
    conn.execute("SAVEPOINT rehearsal")
    try:
        yield
    finally:
        conn.execute("ROLLBACK TO rehearsal")
        conn.execute("RELEASE rehearsal")


def empty_database() -> sqlite3.Connection:
    """A new colibri database in memory: what a database not created yet holds."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    _prepare(conn)
    migrations.apply(conn)
    return conn


def open_database(path: Path, *, write: bool, as_is: bool = False) -> sqlite3.Connection:
    """Connect to the database at `path`, refusing what must not be touched.

    `write`, for a command that writes: an empty file becomes a new database and an older
    one is brought up to date; a read refuses both, untouched. `as_is` (for restore, which
    replaces the whole database) checks only that it is a colibri database, neither
    bringing it up to date nor checking its schema.
    """
    if not exists(path):
        raise _no_database(path)
    return _connect(path, path, write=write, as_is=as_is)


def _connect(file: Path, path: Path, *, write: bool, as_is: bool = False) -> sqlite3.Connection:
    """Open `file` as the database `path` (the name every message gives)."""
    _check_is_sqlite(file, path)
    try:
        conn = sqlite3.connect(file, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    except sqlite3.Error as error:
        raise _database_problem(path, error) from error
    try:
        _prepare(conn)
        _check_is_ours(conn, path, write=write)
        if write:
            conn.execute("PRAGMA journal_mode = WAL")
        if as_is:
            return conn
        if migrations.pending(conn):
            if not write:
                raise _older(path)
            migrations.apply(conn, verify=lambda: _check_schema(conn, path))
        else:
            _check_schema(conn, path)
    except sqlite3.DatabaseError as error:
        conn.close()
        raise _database_problem(path, error) from error
    except BaseException:
        conn.close()
        raise
    return conn


def _prepare(conn: sqlite3.Connection) -> None:
    conn.row_factory = _row
    conn.create_function("fold", 1, fold, deterministic=True)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = FULL")


def _row(cursor: sqlite3.Cursor, values: tuple) -> sqlite3.Row:
    """A row as sqlite3.Row gives it, a BLOB another program stored (colibri stores none)
    read as the text it holds, or else shown as SQLite writes it (x'ff00'): text, so that
    every table, export and report shows it instead of failing."""
    if bytes in map(type, values):
        values = tuple(_blob_as_text(value) if type(value) is bytes else value for value in values)
    return sqlite3.Row(cursor, values)


def _blob_as_text(value: bytes) -> str:
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return f"x'{value.hex()}'"


def _older(path: Path) -> DatabaseProblem:
    return DatabaseProblem(
        _(
            "{path} was made by an older version of colibri and a command that reads does "
            "not change it: bring it up to date with colibri --db {path} upgrade "
            "(any command that writes does it too)."
        ).format(path=path)
    )


def _check_schema(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse a database whose tables, columns, triggers or identity are not all there."""
    problem = migrations.schema_problem(conn)
    if problem is not None:
        raise DatabaseProblem(
            _(
                "The database {path} is not as colibri made it: {problem}. Nothing was "
                "changed; restore a backup of it with colibri restore BACKUP."
            ).format(path=path, problem=problem)
        )


def _stored_setting(conn: sqlite3.Connection, key: str) -> str | None:
    """A setting as stored, read before anything else (for i18n): None if not text."""
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return row[0] if row and isinstance(row[0], str) else None


class Spoken(NamedTuple):
    """The settings of a database that say how colibri speaks, as stored (None if unset)."""

    language: str | None
    date_display: str | None


def spoken(conn: sqlite3.Connection) -> Spoken:
    """How the database just opened says colibri speaks: what the command then follows
    (cli/context.py), the store itself deciding nothing about the language."""
    return Spoken(_stored_setting(conn, "language"), _stored_setting(conn, "date-display"))


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
        return _stored_setting(conn, "language")
    except sqlite3.Error:
        return None
    finally:
        conn.close()


def _check_is_sqlite(file: Path, path: Path) -> None:
    """Refuse a file whose first bytes are not SQLite's (an empty file may become a
    database). Opened without blocking, so a file swapped for a pipe cannot hang."""
    try:
        handle = os.open(file, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        try:
            _check_is_regular(os.fstat(handle).st_mode, path)
            header = os.read(handle, len(SQLITE_MAGIC))
        finally:
            os.close(handle)
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


def _check_is_ours(conn: sqlite3.Connection, path: Path, *, write: bool) -> None:
    """Refuse databases from a newer colibri, and other programs' databases, before writing;
    and, for a read, an empty file (which only a command that writes makes a database)."""
    unknown = migrations.unknown(conn)
    if unknown:
        raise DatabaseProblem(
            _(
                "{path} was written by a newer version of colibri (it records migration "
                "{migration!r}, unknown to this version); it was left untouched. "
                "Upgrade colibri to use it."
            ).format(path=path, migration=unknown[0])
        )
    if migrations.applied(conn):
        return
    if _has_schema(conn):
        raise DatabaseProblem(
            _(
                "{path} is a SQLite database of another program, not a colibri one; "
                "it was left untouched. "
                "Point --db or COLIBRI_DB at a colibri database or a new file."
            ).format(path=path)
        )
    if not write:
        raise DatabaseProblem(
            _(
                "{path} is empty, not a colibri database yet; it was left untouched. A command "
                "that adds records makes it one (colibri --db {path} account add NAME)."
            ).format(path=path)
        )


def _has_schema(conn: sqlite3.Connection) -> bool:
    """Whether the database defines anything at all: a table, a view, an index, a trigger."""
    return conn.execute("SELECT 1 FROM sqlite_schema LIMIT 1").fetchone() is not None


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


DISK_FULL_EXTENDED = {sqlite3.SQLITE_IOERR_SHMSIZE}
"""Extended codes that mean a full disk although their primary code is an I/O error (the
shared-memory file of a database in WAL mode cannot grow)."""


def _fault(error: sqlite3.Error) -> str | None:
    code = getattr(error, "sqlite_errorcode", None)
    if code in DISK_FULL_EXTENDED:
        return "full"
    return None if code is None else FAULTS.get(code & 0xFF)


def _is_fault(error: sqlite3.Error) -> bool:
    """Whether the error is the database's state (locked, read-only, damaged, full)."""
    return _fault(error) is not None


def _is_overflow(error: sqlite3.Error) -> bool:
    """Whether a sum went past SQLite's largest integer: only amounts another program
    stored can (colibri takes none above 10**15)."""
    return str(error) == "integer overflow"


def database_problem(path: Path, error: sqlite3.Error) -> DatabaseProblem:
    """The DatabaseProblem that says what a SQLite error means for the database at `path`."""
    return _database_problem(path, error)


def _locked(path: Path) -> DatabaseProblem:
    return DatabaseProblem(
        _(
            "The database {path} stayed locked by another process for {seconds:.0f} s; "
            "try again when it has finished."
        ).format(path=path, seconds=BUSY_TIMEOUT_SECONDS)
    )


def _database_problem(path: Path, error: sqlite3.Error) -> DatabaseProblem:
    message = str(error)
    fault = _fault(error)
    if fault == "busy":
        return _locked(path)
    if fault == "readonly":
        return DatabaseProblem(
            _(
                "Cannot write to the database {path} ({reason}). "
                "Check the permissions of the file and its directory, or choose another with --db."
            ).format(path=path, reason=message)
        )
    if _is_overflow(error):
        return DatabaseProblem(
            _(
                "The amounts in the database {path} add up to more than SQLite can count: "
                "another program stored some that colibri would refuse (over "
                "1,000,000,000,000,000). Correct them."
            ).format(path=path)
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
