"""The whole database in one JSON file: `colibri export all` and `colibri import all`.

The file is the database moved, not a set of records to merge: every row of every table
colibri keeps, verbatim and with its id, the opportunities in the trash and the whole
history included, the last ids given (SQLite's `sqlite_sequence`, so that an id once given
is never given again after the move) and the database's own identity (so that its
`colibri:` external ids still name the same records). So it loads only into an empty
database, in one transaction, and the reports of the new file, about any past day, say
what those of the old one said.

    {
      "format": "colibri",
      "version": 1,
      "exported_at": "2026-11-26T14:05:00.123456",
      "schema": "m004_trash_and_true_history",
      "sequences": {"accounts": 10, "contacts": 10, "opportunities": 60, "tasks": 49},
      "tables": {
        "database_identity": [{"single": 1, "id": "1f2e3d4c"}],
        "settings": [{"key": "currency", "value": "EUR"}, ...],
        ...
      }
    }

`TABLES` is the one list of what the file holds: a table colibri adds later is one line
there.
"""

import io
import json
import math
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO, TextIO

from colibri_cli.core import clock, migrations
from colibri_cli.core.errors import ColibriError, Conflict, InvalidInput
from colibri_cli.core.text import json_text
from colibri_cli.core.transfer.sources import SURROGATE
from colibri_cli.i18n import _, plural

FORMAT = "colibri"
VERSION = 1
"""The version of the file's shape this colibri writes, and the newest it reads."""
TOP_LEVEL = ("format", "version", "exported_at", "schema", "sequences", "tables")


@dataclass(frozen=True)
class Table:
    """A table of the file, with the order its rows are written in (so that the same
    database always gives the same file)."""

    name: str
    order: str
    data: bool = True
    """Its rows are records: a database that has some is not empty, and `import all`
    refuses it. Otherwise the table is the database's configuration, which the file's
    replaces (or, for deleted_tasks, what is kept of records gone)."""
    within: str | None = None
    """The table whose records these rows belong to (a history row is an opportunity's):
    a refusal names that table, not this one too."""
    noun: str | None = None
    """How messages count its rows (see `i18n.PLURALS`); by default, the table's name."""


TABLES = (
    Table("database_identity", "single", data=False),
    Table("settings", "key", data=False),
    Table("statuses", "position, key", data=False),
    Table("accounts", "id"),
    Table("contacts", "id"),
    Table("opportunities", "id"),
    Table("opportunity_history", "id", within="opportunities", noun="history rows"),
    Table("tasks", "id"),
    Table("deleted_tasks", "task_id", data=False),
    Table("activities", "id"),
    Table("targets", "period, currency"),
    Table("forecast_calls", "id", noun="forecast calls"),
    Table("exchange_rates", "id", noun="exchange rates"),
)
"""Everything the file holds, in the order it is loaded: a table after those it refers to."""
BY_NAME = {table.name: table for table in TABLES}


def noun(table: Table) -> str:
    return table.noun or table.name


# Export -----------------------------------------------------------------------------------


def columns(conn: sqlite3.Connection, table: str) -> list[str]:
    """The table's columns in this database, in their order."""
    return [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')]


def write(conn: sqlite3.Connection, out: TextIO) -> dict[str, int]:
    """Write the whole database to `out`, a row a line; returns the rows of each data
    table. Read in the caller's transaction: one consistent moment of the database."""
    head = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": clock.now(),
        "schema": migrations.applied(conn)[-1],
        "sequences": sequences(conn),
    }
    out.write("{\n")
    for key, value in head.items():
        out.write(f"  {json.dumps(key)}: {json_text(value)},\n")
    out.write('  "tables": {')
    counts: dict[str, int] = {}
    for number, table in enumerate(TABLES):
        out.write(",\n" if number else "\n")
        out.write(f"    {json.dumps(table.name)}: ")
        count = _write_rows(conn, table, out)
        if table.data:
            counts[table.name] = count
    out.write("\n  }\n}\n")
    return counts


def _write_rows(conn: sqlite3.Connection, table: Table, out: TextIO) -> int:
    names = columns(conn, table.name)
    selected = ", ".join(f'"{name}"' for name in names)
    cursor = conn.execute(f'SELECT {selected} FROM "{table.name}" ORDER BY {table.order}')
    count = 0
    for row in cursor:
        out.write("[\n      " if not count else ",\n      ")
        record = dict(zip(names, row, strict=True))
        try:
            out.write(json_text(record))
        except TypeError:
            raise ColibriError(
                _(
                    "Cannot export {table} row {number}: it holds binary data, which colibri "
                    "never writes (another program put it there)."
                ).format(table=table.name, number=count + 1)
            ) from None
        count += 1
    out.write("\n    ]" if count else "[]")
    return count


def sequences(conn: sqlite3.Connection) -> dict[str, int]:
    """The last id given in each AUTOINCREMENT table of the file."""
    names = [table.name for table in TABLES]
    marks = ", ".join("?" * len(names))
    rows = conn.execute(
        f"SELECT name, seq FROM sqlite_sequence WHERE name IN ({marks}) ORDER BY name", names
    )
    return {row[0]: row[1] for row in rows}


def counts(conn: sqlite3.Connection) -> dict[str, int]:
    """How many rows each data table has."""
    return {
        table.name: conn.execute(f'SELECT count(*) FROM "{table.name}"').fetchone()[0]
        for table in TABLES
        if table.data
    }


# Reading a file ---------------------------------------------------------------------------

CHUNK_CHARS = 1024 * 1024
LONGEST_VALUE = 16 * 1024 * 1024
"""A row longer than this (in characters) is not one of an export: the reader stops there."""
BATCH_ROWS = 1000
INTEGER_DIGITS = 19
"""The digits of SQLite's biggest integer (2**63 - 1): a longer one is no value of a table."""
WHITESPACE = re.compile(r"[ \t\n\r]*")


class _Json:
    """A JSON text read as it streams: its objects and arrays a token at a time, each row
    (or other value) whole, so that a file of a million rows takes the memory of a few."""

    def __init__(self, stream: TextIO, source: str) -> None:
        self.stream, self.source = stream, source
        self.decoder = json.JSONDecoder(parse_int=self._whole_number)
        self.buffer, self.at, self.ended = "", 0, False
        self.line, self.column = 1, 1
        """Where the buffer starts in the file."""

    def _more(self) -> bool:
        """Read on: drop what was read, add the next chunk; False at the end."""
        if self.ended:
            return False
        try:
            chunk = self.stream.read(CHUNK_CHARS)
        except UnicodeDecodeError:
            raise _not_an_export(self.source, _("it is not UTF-8 text")) from None
        except OSError as error:
            raise _unreadable(self.source, error) from None
        if not chunk:
            self.ended = True
            return False
        self.line, self.column = self._where(self.at)
        self.buffer, self.at = self.buffer[self.at :] + chunk, 0
        return True

    def _where(self, at: int) -> tuple[int, int]:
        newlines = self.buffer.count("\n", 0, at)
        if not newlines:
            return self.line, self.column + at
        return self.line + newlines, at - self.buffer.rfind("\n", 0, at)

    def error(self, reason: str, at: int | None = None) -> InvalidInput:
        line, column = self._where(self.at if at is None else at)
        return _not_an_export(
            self.source,
            _("it is not JSON (line {line}, column {column}: {reason})").format(
                line=line, column=column, reason=reason
            ),
        )

    def peek(self) -> str:
        """The next character that is not white space; "" at the end."""
        while True:
            self.at = WHITESPACE.match(self.buffer, self.at).end()
            if self.at < len(self.buffer):
                return self.buffer[self.at]
            if not self._more():
                return ""

    def take(self, character: str) -> None:
        if self.peek() != character:
            raise self.error(f"Expecting {character!r}")
        self.at += 1

    def value(self) -> object:
        """The next value, whole."""
        while True:
            self.peek()
            try:
                found, end = self.decoder.raw_decode(self.buffer, self.at)
            except json.JSONDecodeError as error:
                if len(self.buffer) - self.at < LONGEST_VALUE and self._more():
                    continue  # cut by the end of the buffer, maybe
                raise self.error(error.msg, error.pos) from None
            except RecursionError:
                raise self.error(_("values nested too deep")) from None
            if end == len(self.buffer) and self._more():
                continue  # a number may go on in the next chunk
            self.at = end
            return found

    def _whole_number(self, digits: str) -> int:
        """A JSON integer, refused when longer than any value of a database (Python would
        not even convert one of more than 4,300 digits)."""
        if len(digits.lstrip("-")) > INTEGER_DIGITS:
            raise self.error(_("a number of {count} digits").format(count=len(digits)))
        return int(digits)

    def items(self, close: str) -> Iterator[None]:
        """Once for each item of the object or array just opened, up to `close`."""
        if self.peek() == close:
            self.at += 1
            return
        while True:
            yield
            following = self.peek()
            if following == close:
                self.at += 1
                return
            if following != ",":
                raise self.error(f"Expecting ',' delimiter or {close!r}")
            self.at += 1

    def key(self) -> str:
        key = self.value()
        if not isinstance(key, str):
            raise self.error("Expecting property name enclosed in double quotes")
        self.take(":")
        return key


class Reader:
    """A file of `export all`, read as it streams ("-" is stdin): its head (format,
    version, schema, sequences) checked on opening, then its tables one row at a time
    (`tables`), each row checked as it is loaded. The tables come after the head, as
    `export all` writes them; the sequences may come after them."""

    def __init__(self, path: str, stdin: BinaryIO | None) -> None:
        self.source = "stdin" if path == "-" else path
        self.sequences: dict[str, int] = {}
        try:
            raw = stdin if path == "-" else open(path, "rb")  # noqa: PTH123, SIM115 - closed in close()
        except OSError as error:
            raise _unreadable(self.source, error) from None
        self.owned = path != "-"
        self.file = io.TextIOWrapper(raw, encoding="utf-8-sig")
        try:
            self.json = _Json(self.file, self.source)
            self._read_head()
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> "Reader":
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def close(self) -> None:
        if self.owned:
            self.file.close()
        else:
            self.file.detach()  # stdin stays open

    def _read_head(self) -> None:
        reader = self.json
        if reader.peek() != "{":
            reader.value()  # not JSON says where; JSON that is no object has no format
            raise _not_an_export(self.source, _('it has no "format": "colibri"'))
        reader.at += 1
        self.entries = reader.items("}")
        head: dict[str, object] = {}
        tables = False
        for _item in self.entries:
            key = reader.key()
            if key == "tables":
                tables = True
                break
            if key not in TOP_LEVEL:
                raise _not_an_export(
                    self.source, _("it has an unknown key {key!r}").format(key=key)
                )
            head[key] = reader.value()
        self._check_head(head)
        if not tables:
            raise _not_an_export(self.source, _('its "tables" is not an object of tables'))

    def _check_head(self, head: dict) -> None:
        if head.get("format") != FORMAT:
            raise _not_an_export(self.source, _('it has no "format": "colibri"'))
        version = head.get("version")
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise _not_an_export(self.source, _('its "version" is not a version number'))
        if version > VERSION:
            raise InvalidInput(
                _(
                    "{source} was written by a newer colibri (export format version {version}; "
                    "this one reads version {known}): upgrade colibri to import it."
                ).format(source=self.source, version=version, known=VERSION)
            )
        schema = head.get("schema")
        if not isinstance(schema, str):
            raise _not_an_export(self.source, _('its "schema" is not the name of a migration'))
        if schema not in migrations.KNOWN:
            raise InvalidInput(
                _(
                    "{source} comes from a database of a newer colibri (schema {schema!r}, "
                    "unknown to this version): upgrade colibri to import it."
                ).format(source=self.source, schema=schema)
            )
        self.schema = schema
        if "sequences" in head:
            self._sequences(head["sequences"])

    def _sequences(self, found: object) -> None:
        if not isinstance(found, dict) or not all(
            name in BY_NAME and isinstance(seq, int) and not isinstance(seq, bool) and seq >= 0
            for name, seq in found.items()
        ):
            raise _not_an_export(
                self.source,
                _('its "sequences" do not give a last id (a whole number) for its tables'),
            )
        self.sequences = found

    def tables(self) -> Iterator[tuple[str, Iterator[object]]]:
        """(table, its rows as they are read) for each table of the file, then the rest
        of the file is read and checked."""
        reader = self.json
        if reader.peek() != "{":
            raise _not_an_export(self.source, _('its "tables" is not an object of tables'))
        reader.at += 1
        seen: set[str] = set()
        for _table in reader.items("}"):
            name = reader.key()
            if name in seen:
                raise InvalidInput(
                    _("{source} has the table {table} twice; nothing was imported.").format(
                        source=self.source, table=name
                    )
                )
            if name not in BY_NAME:
                raise InvalidInput(
                    _(
                        "{source} has a table {table!r} that colibri does not know; nothing "
                        "was imported. Its tables can be: {known}."
                    ).format(source=self.source, table=name, known=", ".join(BY_NAME))
                )
            seen.add(name)
            if reader.peek() != "[":
                raise _not_an_export(
                    self.source, _("its table {table} is not a list of rows").format(table=name)
                )
            reader.at += 1
            rows = self._rows()
            yield name, rows
            for _row in rows:  # what the caller left
                pass
        for _item in self.entries:  # after the tables
            key = reader.key()
            if key not in TOP_LEVEL or key == "tables":
                raise _not_an_export(
                    self.source, _("it has an unknown key {key!r}").format(key=key)
                )
            found = reader.value()
            if key == "sequences":
                self._sequences(found)
        if reader.peek():
            raise reader.error("Extra data")

    def _rows(self) -> Iterator[object]:
        for _item in self.json.items("]"):
            yield self.json.value()


def check(path: str) -> None:
    """Check the head of a file of `export all` (the rows are checked as they are loaded)."""
    with Reader(path, None):
        pass


def _unreadable(source: str, error: OSError) -> InvalidInput:
    return InvalidInput(_("Cannot read {path}: {error}.").format(path=source, error=error.strerror))


def _not_an_export(source: str, reason: str) -> InvalidInput:
    return InvalidInput(
        _(
            "{source} is not a file of colibri export all: {reason}. "
            "Make one with: colibri export all -o FILE"
        ).format(source=source, reason=reason)
    )


# Loading ----------------------------------------------------------------------------------


def refuse_unless_empty(conn: sqlite3.Connection) -> None:
    """A Conflict naming what the database has, if it has any record."""
    found = {name: count for name, count in counts(conn).items() if count}
    named = [name for name in found if not (BY_NAME[name].within and BY_NAME[name].within in found)]
    if named:
        what = listing([plural(found[name], noun(BY_NAME[name])) for name in named])
        raise Conflict(
            _(
                "This database has {what}: import all loads into an empty one; use --db NEW.db."
            ).format(what=what)
        )


def listing(items: list[str]) -> str:
    """ "a", "a and b", "a, b and c" """
    if len(items) < 2:
        return "".join(items)
    return _("{items} and {last}").format(items=", ".join(items[:-1]), last=items[-1])


def load(conn: sqlite3.Connection, reader: Reader) -> dict[str, int]:
    """Load the file into this empty database, within the caller's transaction, as it is
    read; returns the rows of each data table. Nothing is kept if anything is refused (the
    caller rolls back): every row is checked against the schema's columns, and the schema
    checks every value."""
    refuse_unless_empty(conn)
    # References are checked once everything is in (PRAGMA foreign_key_check, below): the
    # order of the tables and of their rows does not matter.
    conn.execute("PRAGMA defer_foreign_keys = ON")
    triggers = Triggers(conn, [table.name for table in TABLES])
    triggers.suspend()  # the history is the file's: no trigger adds to it
    loaded = {table.name: 0 for table in TABLES if table.data}
    for name, rows in reader.tables():
        table = BY_NAME[name]
        if not table.data:
            conn.execute(f'DELETE FROM "{name}"')
        count = _insert(conn, reader.source, name, rows, set(columns(conn, name)))
        if table.data:
            loaded[name] = count
    _set_sequences(conn, reader.sequences)
    triggers.restore()
    conn.execute(migrations.stays_made("TRUE"))  # the stays its history makes (m013)
    _check_references(conn, reader.source)
    return loaded


def _check_row(source: str, table: str, number: int, row: object, known: set[str]) -> None:
    if not isinstance(row, dict):
        raise InvalidInput(
            _(
                "{source}, table {table}, row {number}: a row is an object of columns "
                "and values; nothing was imported."
            ).format(source=source, table=table, number=number)
        )
    for column, value in row.items():
        if column not in known:
            raise InvalidInput(
                _(
                    "{source}, table {table}, row {number}: unknown column {column!r}; "
                    "nothing was imported. The columns of {table} are: {columns}."
                ).format(
                    source=source,
                    table=table,
                    number=number,
                    column=column,
                    columns=", ".join(sorted(known)),
                )
            )
        if isinstance(value, str) and not value.isascii() and SURROGATE.search(value):
            raise InvalidInput(
                _(
                    "{source}, table {table}, row {number}, column {column}: a value holds "
                    "half of a UTF-16 pair alone ({code}), no character; nothing was imported."
                ).format(
                    source=source,
                    table=table,
                    number=number,
                    column=column,
                    code=f"\\u{ord(SURROGATE.search(value)[0]):04x}",
                )
            )
        if not _scalar(value):
            raise InvalidInput(
                _(
                    "{source}, table {table}, row {number}, column {column}: a value is "
                    "text, a number or null; nothing was imported."
                ).format(source=source, table=table, number=number, column=column)
            )


def _scalar(value: object) -> bool:
    if value is None or isinstance(value, str):
        return True
    if isinstance(value, int):
        return -(2**63) <= value < 2**63
    return isinstance(value, float) and math.isfinite(value)


def _insert(
    conn: sqlite3.Connection, source: str, table: str, rows: Iterator[object], known: set[str]
) -> int:
    """Insert the rows as they are, a statement for each batch of rows with the same
    columns; returns how many."""
    number = 0
    batch: list[dict] = []
    names: tuple[str, ...] = ()
    for row in rows:
        number += 1
        _check_row(source, table, number, row, known)
        if batch and (tuple(row) != names or len(batch) >= BATCH_ROWS):
            _insert_batch(conn, source, table, names, batch, number - 1 - len(batch))
            batch = []
        names = tuple(row)
        batch.append(row)
    if batch:
        _insert_batch(conn, source, table, names, batch, number - len(batch))
    return number


def _insert_batch(
    conn: sqlite3.Connection,
    source: str,
    table: str,
    names: tuple[str, ...],
    batch: list[dict],
    before: int,
) -> None:
    marks = ", ".join("?" * len(names))
    quoted = ", ".join(f'"{name}"' for name in names)
    given = _Given(batch)
    try:
        conn.executemany(f'INSERT INTO "{table}" ({quoted}) VALUES ({marks})', given)
    except sqlite3.IntegrityError as error:
        row = batch[given.count - 1] if given.count else {}
        key = f" (id {row['id']})" if "id" in row else ""
        raise InvalidInput(
            _(
                "{source}, table {table}, row {number}{key}: the database refuses it "
                "({reason}); nothing was imported."
            ).format(
                source=source,
                table=table,
                number=before + given.count,
                key=key,
                reason=" ".join(str(error).split()),  # a CHECK of the schema: one line
            )
        ) from None


class _Given:
    """The parameters of an executemany, counting those handed out: when a row fails, the
    last one handed out is the one."""

    def __init__(self, rows: list[dict]) -> None:
        self.rows = rows
        self.count = 0

    def __iter__(self) -> Iterator[tuple]:
        for row in self.rows:
            self.count += 1
            yield tuple(row.values())


def _set_sequences(conn: sqlite3.Connection, found: dict[str, int]) -> None:
    """The last ids given are the file's: the rows just inserted set their own, which the
    file's replace (an id above them stays never given again)."""
    for name, seq in found.items():
        updated = conn.execute("UPDATE sqlite_sequence SET seq = ? WHERE name = ?", (seq, name))
        if not updated.rowcount:
            conn.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (name, seq))


def _check_references(conn: sqlite3.Connection, source: str) -> None:
    broken = conn.execute("PRAGMA foreign_key_check").fetchone()
    if broken is not None:
        table, rowid, parent, _key = broken
        raise InvalidInput(
            _(
                "{source}, table {table}: the row of id {rowid} refers to a row of {parent} "
                "that the file does not have; nothing was imported."
            ).format(source=source, table=table, rowid=rowid, parent=parent)
        )


class Triggers:
    """The triggers of some tables, set aside while the file's rows go in, and made again
    from their own SQL, as they were. It all happens in the caller's transaction: rolled
    back, the triggers are back untouched, and no other connection ever sees the tables
    without them (see `TriggerInsert` in writing.py, for the same technique)."""

    def __init__(self, conn: sqlite3.Connection, tables: list[str]) -> None:
        self.conn = conn
        marks = ", ".join("?" * len(tables))
        self.found = conn.execute(
            f"SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' "
            f"AND tbl_name IN ({marks}) AND sql IS NOT NULL ORDER BY rowid",
            tables,
        ).fetchall()
        self.suspended = False

    def suspend(self) -> None:
        for name, _sql in self.found:
            self.conn.execute(f'DROP TRIGGER "{name}"')
        self.suspended = True

    def restore(self) -> None:
        if self.suspended:
            for _name, sql in self.found:
                self.conn.execute(sql)
            self.suspended = False
