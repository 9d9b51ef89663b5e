"""What `colibri export` writes: the records as an import reads them back.

The columns of accounts, contacts, opportunities, tasks and activities are the fields of
`columns.py`, in a fixed order: no internal ids or machine timestamps (another database gives other
ones), references by name and by external id. Every record has an external id in an export:
its own, or colibri's (see identity.py), so that records of the same name stay apart. So
exporting, importing into an empty database and exporting again gives the same file. The
history is exported for reports and other tools; it is not imported.
"""

import sqlite3
from collections.abc import Iterator

from colibri_cli.core.identity import OwnIds, exported_id
from colibri_cli.core.transfer import columns as cols

KINDS = ("accounts", "contacts", "opps", "tasks", "activities", "history")

QUERIES = {
    "accounts": "SELECT {columns} FROM accounts AS a ORDER BY a.id",
    "contacts": """
        SELECT {columns} FROM contacts AS c JOIN accounts AS a ON a.id = c.account_id
        ORDER BY c.id
    """,
    "opps": """
        SELECT {columns} FROM opportunities AS o
        JOIN accounts AS a ON a.id = o.account_id
        LEFT JOIN contacts AS c ON c.id = o.contact_id
        WHERE o.deleted_at IS NULL
        ORDER BY o.id
    """,
    "tasks": """
        SELECT {columns} FROM tasks AS t
        LEFT JOIN accounts AS a ON a.id = t.account_id
        LEFT JOIN opportunities AS o ON o.id = t.opportunity_id
        LEFT JOIN contacts AS c ON c.id = t.contact_id
        ORDER BY t.id
    """,
    "activities": """
        SELECT {columns} FROM activities AS v
        JOIN accounts AS a ON a.id = v.account_id
        LEFT JOIN opportunities AS o ON o.id = v.opportunity_id
        LEFT JOIN contacts AS c ON c.id = v.contact_id
        ORDER BY v.id
    """,
    "history": """
        SELECT {columns} FROM opportunity_history AS h
        JOIN opportunities AS o ON o.id = h.opportunity_id
        JOIN accounts AS a ON a.id = o.account_id
        ORDER BY h.opportunity_id, h.changed_at, h.id
    """,
}

# Columns that are not the table's own column of the same name.
SOURCES = {
    "accounts": {"external_id": exported_id("a", "accounts")},
    "contacts": {"account": "a.name", "external_id": exported_id("c", "contacts")},
    "opps": {
        "account": "a.name",
        "contact": "c.name",
        "contact_external_id": exported_id("c", "contacts"),
        "external_id": exported_id("o", "opportunities"),
    },
    "tasks": {
        "account": "a.name",
        "opportunity": "o.name",
        "opportunity_external_id": exported_id("o", "opportunities"),
        "contact": "c.name",
        "contact_external_id": exported_id("c", "contacts"),
        "external_id": exported_id("t", "tasks"),
    },
    "activities": {
        "account": "a.name",
        "opportunity": "o.name",
        "opportunity_external_id": exported_id("o", "opportunities"),
        "contact": "c.name",
        "contact_external_id": exported_id("c", "contacts"),
        "external_id": exported_id("v", "activities"),
    },
    "history": {
        "opportunity_external_id": exported_id("o", "opportunities"),
        "opportunity": "o.name",
        "account": "a.name",
    },
}
ALIASES = {
    "accounts": "a.",
    "contacts": "c.",
    "opps": "o.",
    "tasks": "t.",
    "activities": "v.",
    "history": "h.",
}
HISTORY_LEADING = ("opportunity_id", "opportunity_external_id", "opportunity", "account")


def columns(conn: sqlite3.Connection, kind: str) -> tuple[str, ...]:
    """The export's columns: a kind's fields, or the history table's columns."""
    if kind != "history":
        return cols.KINDS[kind].export_columns
    own = [row["name"] for row in conn.execute("PRAGMA table_info(opportunity_history)")]
    return (*HISTORY_LEADING, *(name for name in own if name not in ("id", "opportunity_id")))


def export_rows(conn: sqlite3.Connection, kind: str) -> tuple[tuple[str, ...], Iterator[dict]]:
    """The columns and, streamed from the database, the rows of an export."""
    names = columns(conn, kind)
    sources = SOURCES.get(kind, {})
    alias = ALIASES[kind]
    selected = ", ".join(f"{sources.get(name, alias + name)} AS {name}" for name in names)
    cursor = conn.execute(QUERIES[kind].format(columns=selected), {"own": OwnIds(conn).prefix})
    return names, (dict(row) for row in cursor)
