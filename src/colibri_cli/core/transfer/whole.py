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

import json
import math
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO, TextIO

from colibri_cli.core import clock, migrations
from colibri_cli.core.errors import ColibriError, Conflict, InvalidInput
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
    replaces."""
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
    Table("targets", "period, currency"),
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
        out.write(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)},\n")
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
            out.write(json.dumps(record, ensure_ascii=False))
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


@dataclass
class Document:
    """A file of `export all`, checked for its shape (the columns are checked against the
    database it is loaded into)."""

    source: str
    schema: str
    sequences: dict[str, int]
    tables: dict[str, list]


def read(path: str, stdin: BinaryIO) -> Document:
    """Read and check a file of `export all` ("-" is stdin)."""
    source = "stdin" if path == "-" else path
    try:
        if path == "-":
            data = stdin.read()
        else:
            with open(path, "rb") as file:  # noqa: PTH123 - a path given as text
                data = file.read()
    except OSError as error:
        raise InvalidInput(
            _("Cannot read {path}: {error}.").format(path=source, error=error.strerror)
        ) from None
    return parse(data, source)


def parse(data: bytes, source: str) -> Document:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _not_an_export(source, _("it is not UTF-8 text")) from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise _not_an_export(
            source,
            _("it is not JSON (line {line}, column {column}: {reason})").format(
                line=error.lineno, column=error.colno, reason=error.msg
            ),
        ) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise _not_an_export(source, _('it has no "format": "colibri"'))
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _not_an_export(source, _('its "version" is not a version number'))
    if version > VERSION:
        raise InvalidInput(
            _(
                "{source} was written by a newer colibri (export format version {version}; "
                "this one reads version {known}): upgrade colibri to import it."
            ).format(source=source, version=version, known=VERSION)
        )
    unknown = [key for key in document if key not in TOP_LEVEL]
    if unknown:
        raise _not_an_export(source, _("it has an unknown key {key!r}").format(key=unknown[0]))
    schema = document.get("schema")
    if not isinstance(schema, str):
        raise _not_an_export(source, _('its "schema" is not the name of a migration'))
    if schema not in migrations.KNOWN:
        raise InvalidInput(
            _(
                "{source} comes from a database of a newer colibri (schema {schema!r}, "
                "unknown to this version): upgrade colibri to import it."
            ).format(source=source, schema=schema)
        )
    tables = document.get("tables")
    if not isinstance(tables, dict):
        raise _not_an_export(source, _('its "tables" is not an object of tables'))
    for name, rows in tables.items():
        if name not in BY_NAME:
            raise InvalidInput(
                _(
                    "{source} has a table {table!r} that colibri does not know; nothing was "
                    "imported. Its tables can be: {known}."
                ).format(source=source, table=name, known=", ".join(BY_NAME))
            )
        if not isinstance(rows, list):
            raise _not_an_export(
                source, _("its table {table} is not a list of rows").format(table=name)
            )
    found = document.get("sequences", {})
    if not isinstance(found, dict) or not all(
        name in BY_NAME and isinstance(seq, int) and not isinstance(seq, bool) and seq >= 0
        for name, seq in found.items()
    ):
        raise _not_an_export(
            source, _('its "sequences" do not give a last id (a whole number) for its tables')
        )
    return Document(source=source, schema=schema, sequences=found, tables=tables)


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


def load(conn: sqlite3.Connection, document: Document) -> dict[str, int]:
    """Load the file into this empty database, within the caller's transaction; returns
    the rows of each data table. Nothing is kept if anything is refused (the caller rolls
    back): the file is checked against the schema and the schema checks every row."""
    refuse_unless_empty(conn)
    known = {
        name: columns(conn, name)
        for name in document.tables
        if name in BY_NAME  # read() has refused any other
    }
    for name, rows in document.tables.items():
        _check_rows(document.source, name, rows, set(known[name]))
    # References are checked once everything is in (PRAGMA foreign_key_check, below): the
    # order of the rows of one table does not matter.
    conn.execute("PRAGMA defer_foreign_keys = ON")
    triggers = Triggers(conn, list(document.tables))
    triggers.suspend()  # the history is the file's: no trigger adds to it
    for table in TABLES:
        rows = document.tables.get(table.name)
        if rows is None:
            continue
        if not table.data:
            conn.execute(f'DELETE FROM "{table.name}"')
        _insert(conn, document.source, table.name, rows)
    _set_sequences(conn, document.sequences)
    triggers.restore()
    _check_references(conn, document.source)
    return {table.name: len(document.tables.get(table.name, ())) for table in TABLES if table.data}


def _check_rows(source: str, table: str, rows: list, known: set[str]) -> None:
    for number, row in enumerate(rows, start=1):
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


def _insert(conn: sqlite3.Connection, source: str, table: str, rows: list[dict]) -> None:
    """Insert the rows as they are, a statement for each run of rows with the same columns."""
    done = 0
    for names, run in _runs(rows):
        marks = ", ".join("?" * len(names))
        quoted = ", ".join(f'"{name}"' for name in names)
        sql = f'INSERT INTO "{table}" ({quoted}) VALUES ({marks})'
        given = _Given(run)
        try:
            conn.executemany(sql, given)
        except sqlite3.IntegrityError as error:
            number = done + given.count
            row = run[given.count - 1] if given.count else {}
            key = f" (id {row['id']})" if "id" in row else ""
            raise InvalidInput(
                _(
                    "{source}, table {table}, row {number}{key}: the database refuses it "
                    "({reason}); nothing was imported."
                ).format(
                    source=source,
                    table=table,
                    number=number,
                    key=key,
                    reason=" ".join(str(error).split()),  # a CHECK of the schema: one line
                )
            ) from None
        done += len(run)


def _runs(rows: list[dict]) -> Iterator[tuple[tuple[str, ...], list[dict]]]:
    run: list[dict] = []
    names: tuple[str, ...] = ()
    for row in rows:
        keys = tuple(row)
        if run and keys != names:
            yield names, run
            run = []
        names = keys
        run.append(row)
    if run:
        yield names, run


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
    without them (see `TriggerInsert` in deals.py, for the same technique)."""

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
