"""What every kind of record shares: finding one by id or name, inserting, updating.

Table and column names come from the code, never from the user; values are always bound.
"""

import difflib
import sqlite3
from collections.abc import Iterable, Mapping

from colibri_cli.core import clock
from colibri_cli.core.errors import Conflict, InvalidInput, NotFound
from colibri_cli.core.text import fold


def clean(value: str | None) -> str | None:
    """Strip user text; an empty string means "no value"."""
    if value is None:
        return None
    value = value.strip()
    return value or None


def require_text(field: str, value: str | None) -> str:
    cleaned = clean(value)
    if cleaned is None:
        raise InvalidInput(f"The {field} cannot be empty.")
    return cleaned


def find(
    conn: sqlite3.Connection,
    table: str,
    ref: str | int,
    *,
    noun: str,
    list_command: str,
    exact: bool = False,
) -> sqlite3.Row:
    """The row whose id is `ref`, else whose name is `ref`, else (unless `exact`, as for a
    deletion) whose name starts with it, ignoring case, provided only one does."""
    text = str(ref).strip()
    if text.isdigit():
        row = conn.execute(f"SELECT * FROM {table} WHERE id = ?", (int(text),)).fetchone()
        if row:
            return row
    folded = fold(text)
    rows = conn.execute(
        f"SELECT * FROM {table} WHERE fold(name) = ? ORDER BY id", (folded,)
    ).fetchall()
    if not rows and folded and not exact:
        rows = conn.execute(
            f"SELECT * FROM {table} WHERE substr(fold(name), 1, ?) = ? ORDER BY name, id",
            (len(folded), folded),
        ).fetchall()
    if len(rows) == 1:
        return rows[0]
    if rows:
        raise _ambiguous(rows, text, noun)
    raise NotFound(f"No {noun} {text!r}.{did_you_mean(conn, table, text, list_command)}")


def _ambiguous(rows: list[sqlite3.Row], text: str, noun: str) -> InvalidInput:
    if len({fold(row["name"]) for row in rows}) == 1:
        ids = ", ".join(str(row["id"]) for row in rows)
        return InvalidInput(f"Several {noun}s are named {text!r} (ids {ids}): give the id.")
    names = ", ".join(f"{row['name']} (id {row['id']})" for row in rows[:5])
    more = f" and {len(rows) - 5} more" if len(rows) > 5 else ""
    return InvalidInput(
        f"{text!r} could be several {noun}s: {names}{more}. Give more of the name, or the id."
    )


def did_you_mean(conn: sqlite3.Connection, table: str, text: str, list_command: str) -> str:
    names = [row[0] for row in conn.execute(f"SELECT name FROM {table}")]
    folded = {fold(name): name for name in names}
    wanted = fold(text)
    close = difflib.get_close_matches(wanted, folded, n=3, cutoff=0.6)
    close += [key for key in folded if wanted and wanted in key and key not in close]
    if close:
        suggestions = " or ".join(repr(folded[key]) for key in close[:3])
        return f" Did you mean {suggestions}?"
    return f" See `{list_command}`."


def insert(conn: sqlite3.Connection, table: str, values: Mapping[str, object]) -> int:
    stamp = clock.now()
    row = {**values, "created_at": stamp, "updated_at": stamp}
    columns = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    cursor = conn.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", tuple(row.values()))
    return cursor.lastrowid


def update(
    conn: sqlite3.Connection, table: str, row_id: int, changes: Mapping[str, object]
) -> None:
    if not changes:
        return
    row = {**changes, "updated_at": clock.now()}
    assignments = ", ".join(f"{column} = ?" for column in row)
    conn.execute(f"UPDATE {table} SET {assignments} WHERE id = ?", (*row.values(), row_id))


def fetch(
    conn: sqlite3.Connection, sql: str, params: Iterable[object] | Mapping[str, object] = ()
) -> list[dict]:
    bound = params if isinstance(params, Mapping) else tuple(params)
    return [dict(row) for row in conn.execute(sql, bound)]


def ensure_unique(
    conn: sqlite3.Connection,
    table: str,
    column: str,
    value: str | None,
    *,
    noun: str,
    except_id: int | None = None,
) -> None:
    """Refuse a value another row already has; names compare ignoring case in every alphabet."""
    if not value:
        return
    compared = "fold(name)" if column == "name" else column
    same = conn.execute(
        f"SELECT id, name FROM {table} WHERE {compared} = ? AND id IS NOT ?",
        (fold(value) if column == "name" else value, except_id),
    ).fetchone()
    if same and column == "name":
        raise Conflict(
            f"{noun.capitalize()} {same['name']!r} (id {same['id']}) already exists: "
            f"choose another name, or edit that {noun}."
        )
    if same:
        raise Conflict(
            f"The {column.replace('_', ' ')} {value!r} already belongs to {noun} "
            f"{same['name']!r} (id {same['id']})."
        )
