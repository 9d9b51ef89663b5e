"""How an import writes: changes of one record, many rows a statement, and, for a big
import, a table's indexes and triggers set aside and then put back in one go.

Everything here happens inside the import's savepoint: a rolled back import leaves the
schema and the rows as they were, and other connections never see them otherwise.
"""

import re
import sqlite3
from collections.abc import Iterator
from functools import lru_cache
from itertools import chain

from colibri_cli.core import records
from colibri_cli.core.errors import DatabaseProblem
from colibri_cli.i18n import _

ROWS_PER_STATEMENT = 200


def apply_changes(conn: sqlite3.Connection, table: str, record_id: int, changes: dict) -> bool:
    """Update what differs; the history triggers record an opportunity's changes."""
    if not changes:
        return False
    current = dict(conn.execute(f"SELECT * FROM {table} WHERE id = ?", (record_id,)).fetchone())
    differing = {name: value for name, value in changes.items() if current.get(name) != value}
    if not differing:
        return False
    records.update(conn, table, record_id, differing)
    return True


def insert_sql(table: str, row: dict) -> tuple[str, tuple]:
    names = ", ".join(row)
    marks = ", ".join("?" * len(row))
    return f"INSERT INTO {table} ({names}) VALUES ({marks})", tuple(row.values())


@lru_cache(maxsize=32)
def _with_rows(sql: str, width: int, count: int) -> str:
    one = "(" + ", ".join("?" * width) + ")"
    return sql.format(rows=", ".join([one] * count))


def many_rows(conn: sqlite3.Connection, sql: str, width: int, rows: list[tuple]) -> None:
    """Run `sql`, whose `{rows}` is a VALUES list, over `rows` (tuples of `width` values),
    a few hundred rows a statement: far fewer statement starts (and statement journals,
    with triggers) than one statement a row."""
    limit = conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    per = max(1, min(ROWS_PER_STATEMENT, limit // width))
    full = len(rows) // per * per
    if full:
        conn.executemany(
            _with_rows(sql, width, per),
            (
                tuple(chain.from_iterable(rows[start : start + per]))
                for start in range(0, full, per)
            ),
        )
    if full < len(rows):
        rest = rows[full:]
        conn.execute(_with_rows(sql, width, len(rest)), tuple(chain.from_iterable(rest)))


def insert_many(
    conn: sqlite3.Connection, table: str, names: tuple[str, ...], rows: list[tuple]
) -> None:
    """Insert rows, many a statement."""
    many_rows(conn, f"INSERT INTO {table} ({', '.join(names)}) VALUES {{rows}}", len(names), rows)


def chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class BulkIndexes:
    """A table's secondary indexes, dropped while a big import writes and built again at
    its end: building an index from sorted rows is much cheaper than keeping it up to date
    row after row. It all happens inside the import's savepoint, so a rolled back import
    gets its indexes back untouched, and other connections never see the table without them.

    Unique indexes stay (they enforce), and so do those whose first column is in `needed`
    (the import looks rows up by them).
    """

    def __init__(self, conn: sqlite3.Connection, table: str, needed: tuple[str, ...]) -> None:
        self.conn, self.table, self.needed = conn, table, needed
        self.dropped: list[str] = []
        self.active = False

    def drop(self) -> None:
        self.active = True
        for index in self.conn.execute(f"PRAGMA index_list({self.table})").fetchall():
            if index["unique"] or index["origin"] != "c":
                continue
            columns = self.conn.execute(f"PRAGMA index_info({index['name']})").fetchall()
            if columns and columns[0]["name"] in self.needed:
                continue
            sql = self.conn.execute(
                "SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = ?",
                (index["name"],),
            ).fetchone()[0]
            self.conn.execute(f'DROP INDEX "{index["name"]}"')
            self.dropped.append(sql)

    def rebuild(self) -> None:
        for sql in self.dropped:
            self.conn.execute(sql)
        self.dropped = []


class TriggerInsert:
    """The one INSERT of a trigger, run by the import over a batch of rows at once instead
    of by the trigger once a row: far fewer statements. The statement is the trigger's own,
    read from the schema, so the history written is the one the trigger writes.

    `suspend` drops the trigger until `restore`. As with `BulkIndexes`, it all happens inside
    the import's savepoint: a rolled back import gets the trigger back untouched, and other
    connections never see the table without it.
    """

    BODY = re.compile(r"\bBEGIN\s+(INSERT\s.*?)\bVALUES\s*\((.*)\)\s*;\s*END\s*$", re.S | re.I)

    def __init__(self, conn: sqlite3.Connection, name: str) -> None:
        self.conn, self.name = conn, name
        found = conn.execute(
            "SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = ?", (name,)
        ).fetchone()
        body = self.BODY.search(found[0]) if found else None
        if body is None:
            raise DatabaseProblem(
                _(
                    "The history trigger {name} of this database is missing or not as colibri "
                    "made it: an import would not write the history of its opportunities."
                ).format(name=name)
            )
        self.sql = found[0]
        self.into, self.values = body[1], body[2]
        self.suspended = False

    def run_over(self, rows: str, params: dict) -> None:
        """Do what the trigger does for each row of the query `rows`, by id, as NEW. The
        import stamps every row it writes: OLD has no stamp, so NEW's is the one kept."""
        sql = (
            f"{self.into} SELECT {self.values} "
            f"FROM ({rows}) AS NEW, (SELECT NULL AS updated_at) AS OLD ORDER BY NEW.id"
        )
        self.conn.execute(sql, params)

    def suspend(self) -> None:
        if not self.suspended:
            self.conn.execute(f'DROP TRIGGER "{self.name}"')
            self.suspended = True

    def restore(self) -> None:
        if self.suspended:
            self.conn.execute(self.sql)
            self.suspended = False
