"""The files colibri writes besides the database: exports, calendars, rejects, backups.

Two rules hold for each of them, here and nowhere else:

- It is never the database or one of its files (its -wal, -shm or -journal, or a link to
  any of them): compared by what the paths are on disk (device and inode, and the paths
  with every link resolved), not by how they are spelt.
- It is written under a new name beside its destination, created exclusively
  (O_CREAT | O_EXCL | O_NOFOLLOW, readable by its owner only: what `tempfile.mkstemp`
  does), so a file or a link planted there is never followed, reused or overwritten, and
  it is moved into place only once complete. On any failure it is removed.
"""

import contextlib
import os
import sqlite3
import tempfile
from pathlib import Path

from colibri_cli.core.errors import InvalidInput
from colibri_cli.i18n import _

SIDE_FILES = ("-wal", "-shm", "-journal")
"""The files SQLite keeps beside a database, named after it."""


def database_of(conn: sqlite3.Connection) -> Path | None:
    """The file of the connection's main database (None for one in memory)."""
    for _number, name, file in conn.execute("PRAGMA database_list").fetchall():
        if name == "main":
            return Path(file) if file else None
    return None


def refuse_database(output: Path, database: Path | None) -> None:
    """Refuse to write `output` if it is the database or one of its files (the message
    names the database's file, links resolved, whichever way it was given)."""
    if database is not None and is_database_file(output, database):
        raise InvalidInput(
            _(
                "Cannot write {path}: it is the database {database} or one of its files; "
                "nothing was written. Choose another file."
            ).format(path=output, database=os.path.realpath(Path(database).expanduser()))
        )


def refuse_dash(output: Path) -> None:
    """Refuse "-" where a file is needed (a backup, a rejects file): it means standard
    output to `export -o`, and a file named "-" is what no one meant."""
    if str(output) == "-":
        raise InvalidInput(
            _(
                "Cannot write {path}: this writes a file, not to standard output; give the "
                "path of a file."
            ).format(path=output)
        )


def is_database_file(output: Path, database: Path) -> bool:
    """Whether writing `output` would write the database or one of its side files."""
    output, database = Path(output).expanduser(), Path(database).expanduser()
    names = [database, *(database.with_name(database.name + side) for side in SIDE_FILES)]
    real = Path(os.path.realpath(database))  # SQLite names the -wal after the linked file
    names += [real.with_name(real.name + side) for side in SIDE_FILES]
    if os.path.realpath(output) in {os.path.realpath(name) for name in names}:
        return True  # the same path, even if the file (a -wal between commands) is not there
    try:
        found = output.stat()  # what a link to it, or another hard link, points at
    except (OSError, ValueError):
        return False
    for name in names:
        try:
            known = name.stat()
        except (OSError, ValueError):
            continue
        if (known.st_dev, known.st_ino) == (found.st_dev, found.st_ino):
            return True
    return False


def temporary_beside(target: Path, kind: str = "") -> tuple[int, Path]:
    """A new empty file beside `target`, and its descriptor, open for writing.

    Its name is `.NAME.KIND<random>.partial`, made exclusively and readable by its owner
    only; raises OSError if the directory cannot take it.
    """
    handle, name = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.{kind}", suffix=".partial"
    )
    return handle, Path(name)


def uri(path: Path) -> str:
    """The URI that opens the SQLite file at `path` as it is: never through a link."""
    return f"{path.absolute().as_uri()}?nofollow=1"


def remove(path: Path) -> None:
    """Remove a temporary file and any file SQLite made beside it; never follows a link."""
    for name in (path, *(path.with_name(path.name + side) for side in SIDE_FILES)):
        with contextlib.suppress(FileNotFoundError):
            name.unlink()
