"""A consistent copy of the database, taken while other commands may be writing."""

import os
import sqlite3
from pathlib import Path

from colibri_cli.core import files
from colibri_cli.core.errors import Conflict, DatabaseProblem
from colibri_cli.i18n import _

WRITE_FAULTS = {
    sqlite3.SQLITE_CANTOPEN,
    sqlite3.SQLITE_READONLY,
    sqlite3.SQLITE_PERM,
    sqlite3.SQLITE_IOERR,
}
"""SQLite's errors of a backup that the copy's side (its file, its disk) caused."""
READ_FAULTS = {sqlite3.SQLITE_IOERR_READ, sqlite3.SQLITE_IOERR_SHORT_READ}


def backup(conn: sqlite3.Connection, target: Path, *, force: bool = False) -> int:
    """Copy the open database to `target` (readable by its owner only); returns its size.

    SQLite's online backup copies a snapshot page by page, so the copy is consistent even
    with writers at work, and is a complete database on its own (no -wal file needed). It
    is written to a new file beside `target` (see core/files.py), moved into place once
    complete; a failure leaves nothing behind.
    """
    files.refuse_dash(target)
    target = target.expanduser()
    files.refuse_database(target, files.database_of(conn))
    if target.exists() and not force:
        raise Conflict(
            _("{path} already exists: choose another name, or use --force.").format(path=target)
        )
    if target.is_dir():
        raise DatabaseProblem(
            _("{path} is a directory: give the path of a file.").format(path=target)
        )
    try:
        handle, partial = files.temporary_beside(target)
    except OSError as error:
        raise _cannot_write(target, error.strerror) from error
    os.close(handle)
    try:
        copy = sqlite3.connect(files.uri(partial), uri=True)
        try:
            conn.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")
        finally:
            copy.close()
        partial.replace(target)
    except OSError as error:
        raise _cannot_write(target, error.strerror) from error
    except sqlite3.Error as error:
        code = getattr(error, "sqlite_errorcode", 0)
        if code & 0xFF == sqlite3.SQLITE_FULL:
            raise DatabaseProblem(
                _("The disk holding {path} is full: free some space and try again.").format(
                    path=target
                )
            ) from error
        if code & 0xFF in WRITE_FAULTS and code not in READ_FAULTS:
            raise _cannot_write(target, str(error)) from error
        raise  # the database's own problem, which its session names
    finally:
        files.remove(partial)  # gone once moved into place; never left behind otherwise
    return target.stat().st_size


def _cannot_write(target: Path, reason: str | None) -> DatabaseProblem:
    return DatabaseProblem(
        _("Cannot write the backup {path}: {reason}. Choose another place.").format(
            path=target, reason=reason
        )
    )
