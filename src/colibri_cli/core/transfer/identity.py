"""Colibri's own external ids: how an export names the records that have none.

An export names every record, so that an import can tell apart two records of the same
name and find the one a reference means. A record is named by its external id (the id
another tool gave it) or, when it has none, by colibri's own: `colibri:<database>:<id>`,
<database> being drawn once per database file (migration m003).

Imported into another database, that name is kept as the new record's external id, so that
exporting again gives the same file. Imported back into the database it came from, it is
the record of that id: matched, never stored.
"""

import sqlite3

SCHEME = "colibri:"
LONGEST_ID = 18
"""Digits of the largest id an own external id may carry (SQLite ids fit in 63 bits)."""


class OwnIds:
    """This database's own external ids."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        database = conn.execute("SELECT id FROM database_identity").fetchone()[0]
        self.prefix = f"{SCHEME}{database}:"

    def record_id(self, external_id: str | None) -> int | None:
        """The id of the record of this database that `external_id` names, if it is one
        of its own."""
        if external_id is None or not external_id.startswith(self.prefix):
            return None
        digits = external_id[len(self.prefix) :]
        if not digits.isascii() or not digits.isdigit() or len(digits) > LONGEST_ID:
            return None
        return int(digits)

    def take(self, values: dict) -> int | None:
        """Remove an own external id from a row's values (it is never stored) and give the
        id of the record it names."""
        record_id = self.record_id(values.get("external_id"))
        if record_id is not None:
            del values["external_id"]
        return record_id


def exported_id(alias: str) -> str:
    """The SQL of the external id an export gives the record of `alias` (`:own` binds the
    prefix of this database's own)."""
    return f"coalesce({alias}.external_id, :own || {alias}.id)"
