"""A consistent copy of the database, taken while other commands may be writing."""

import os
import sqlite3
from pathlib import Path

from colibri_cli.core.errors import Conflict, DatabaseProblem
from colibri_cli.i18n import _


def backup(conn: sqlite3.Connection, target: Path, *, force: bool = False) -> int:
    """Copy the open database to `target` (readable by its owner only); returns its size.

    SQLite's online backup copies a snapshot page by page, so the copy is consistent even
    with writers at work, and is a complete database on its own (no -wal file needed).
    """
    target = target.expanduser()
    if target.exists() and not force:
        raise Conflict(
            _("{path} already exists: choose another name, or use --force.").format(path=target)
        )
    if target.is_dir():
        raise DatabaseProblem(
            _("{path} is a directory: give the path of a file.").format(path=target)
        )
    partial = target.with_name(f".{target.name}.partial")
    try:
        descriptor = os.open(partial, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
        os.close(descriptor)
        copy = sqlite3.connect(partial)
        try:
            conn.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")
        finally:
            copy.close()
        partial.replace(target)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise DatabaseProblem(
            _("Cannot write the backup {path}: {reason}. Choose another place.").format(
                path=target, reason=error.strerror
            )
        ) from error
    return target.stat().st_size
