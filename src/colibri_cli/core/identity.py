"""Colibri's own external ids: how an export names the records that have none.

An export names every record, so that an import can tell apart two records of the same
name and find the one a reference means. A record is named by its external id (the id
another tool gave it) or, when it has none, by colibri's own, e.g. `colibri:1f2e3d4c:opp:12`:
the database (drawn once per file, migration m003), the kind of record and its id, which
is never given to another record.

Imported into another database, an own id is kept as the new record's external id, so that
exporting again gives the same file. Imported back into the database it came from, it is
the record of that id, matched and never stored; if that record was deleted, the id is an
external id like any other: the import brings the record back under it, once.
"""

import sqlite3

KINDS = {
    "accounts": "account",
    "contacts": "contact",
    "opportunities": "opp",
    "tasks": "task",
    "activities": "activity",
}
"""How an own id names the kind of record, by table."""
LONGEST_ID = 19
"""Digits of the largest id SQLite gives (2**63 - 1)."""


class OwnIds:
    """This database's own external ids."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        database = conn.execute("SELECT id FROM database_identity").fetchone()[0]
        self.prefix = f"colibri:{database}:"
        self.prefixes = {table: f"{self.prefix}{kind}:" for table, kind in KINDS.items()}

    def record_id(self, table: str, external_id: str | None) -> int | None:
        """The id that `external_id` gives a record of `table`, if it is one of this
        database's own."""
        if external_id is None:
            return None
        prefix = self.prefixes[table]
        if not external_id.startswith(prefix):
            return None
        digits = external_id[len(prefix) :]
        if not digits.isascii() or not digits.isdigit() or len(digits) > LONGEST_ID:
            return None
        return int(digits)

    def where(self, table: str, external_id: str) -> tuple[str, object]:
        """The column and value that find the record an external id names: the id of the
        record it is this database's own id of, if the record is still there, else the
        external_id column."""
        record_id = self.record_id(table, external_id)
        if record_id is not None and self.exists(table, [record_id]):
            return "id", record_id
        return "external_id", external_id

    def exists(self, table: str, ids: list[int]) -> set[int]:
        """Those of `ids` that records of `table` still have."""
        found: set[int] = set()
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            sql = f"SELECT id FROM {table} WHERE id IN ({marks})"
            found.update(row[0] for row in self.conn.execute(sql, chunk))
        return found

    def is_own(self, external_id: str | None) -> bool:
        """Whether a text looks like this database's own id (which no record may be given
        as its external id: an export would name two records alike)."""
        return external_id is not None and external_id.startswith(self.prefix)


def exported_id(alias: str, table: str) -> str:
    """The SQL of the external id an export gives the record of `alias`, a record of
    `table` (`:own` binds the prefix of this database's own ids); NULL for no record, as
    at the end of a LEFT JOIN that found none."""
    return f"coalesce({alias}.external_id, :own || '{KINDS[table]}:' || {alias}.id)"
