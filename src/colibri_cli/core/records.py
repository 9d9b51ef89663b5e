"""What every kind of record shares: finding one by id or name, inserting, updating.

Table and column names come from the code, never from the user; values are always bound.
"""

import difflib
import itertools
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from colibri_cli.core import clock
from colibri_cli.core.errors import Conflict, InvalidInput, NotFound, RecordMissing
from colibri_cli.core.identity import OwnIds
from colibri_cli.core.text import fold, whole_number
from colibri_cli.i18n import N_, _

# What is said about a kind of record, in full sentences so that translations can agree
# with the noun ("Aucun compte", "Aucune opportunité").
MESSAGES = {
    "account": {
        "missing": N_("No account {ref!r}."),
        "same_name": N_("Several accounts are named {ref!r} (ids {ids}): give the id."),
        "could_be": N_(
            "{ref!r} could be several accounts: {names}{more}. Give more of the name, or the id."
        ),
        "name_taken": N_(
            "Account {name!r} (id {id}) already exists: choose another name, or edit that account."
        ),
        "value_taken": N_("The {column} {value!r} already belongs to account {name!r} (id {id})."),
    },
    "contact": {
        "missing": N_("No contact {ref!r}."),
        "same_name": N_("Several contacts are named {ref!r} (ids {ids}): give the id."),
        "could_be": N_(
            "{ref!r} could be several contacts: {names}{more}. Give more of the name, or the id."
        ),
        "name_taken": N_(
            "Contact {name!r} (id {id}) already exists: choose another name, or edit that contact."
        ),
        "value_taken": N_("The {column} {value!r} already belongs to contact {name!r} (id {id})."),
    },
    "opportunity": {
        "missing": N_("No opportunity {ref!r}."),
        "same_name": N_("Several opportunities are named {ref!r} (ids {ids}): give the id."),
        "could_be": N_(
            "{ref!r} could be several opportunities: {names}{more}. "
            "Give more of the name, or the id."
        ),
        "name_taken": N_(
            "Opportunity {name!r} (id {id}) already exists: choose another name, "
            "or edit that opportunity."
        ),
        "value_taken": N_(
            "The {column} {value!r} already belongs to opportunity {name!r} (id {id})."
        ),
    },
}
COLUMN_NAMES = {"external_id": N_("external id"), "name": N_("name")}


def _message(noun: str, kind: str) -> str:
    """The sentence of `kind` about a `noun`, translated; an English pattern for other nouns."""
    known = MESSAGES.get(noun)
    if known:
        return _(known[kind])
    return {
        "missing": f"No {noun} {{ref!r}}.",
        "same_name": f"Several {noun}s are named {{ref!r}} (ids {{ids}}): give the id.",
        "could_be": f"{{ref!r}} could be several {noun}s: {{names}}{{more}}. "
        "Give more of the name, or the id.",
        "name_taken": f"{noun.capitalize()} {{name!r}} (id {{id}}) already exists: "
        f"choose another name, or edit that {noun}.",
        "value_taken": f"The {{column}} {{value!r}} already belongs to {noun} "
        "{name!r} (id {id}).",
    }[kind]


def clean(value: str | None) -> str | None:
    """Strip user text; an empty string means "no value"."""
    if value is None:
        return None
    value = value.strip()
    return value or None


def require_text(field: str, value: str | None) -> str:
    cleaned = clean(value)
    if cleaned is None:
        raise InvalidInput(_("The {field} cannot be empty.").format(field=_(field)))
    return cleaned


def find(
    conn: sqlite3.Connection,
    table: str,
    ref: str | int,
    *,
    noun: str,
    list_command: str,
    exact: bool = False,
    within: tuple[str, object] | None = None,
    condition: str | None = None,
) -> sqlite3.Row:
    """The row whose id is `ref`, else whose name is `ref`, else (unless `exact`, as for a
    deletion) whose name starts with it, ignoring case, provided only one does.

    `within` = (column, value) looks for the name among those rows only (the contacts of
    one account, say); `condition`, SQL of the code's, among the rows that meet it (the
    opportunities out of the trash, say)."""
    scope, scoped = ("", ()) if within is None else (f" AND {within[0]} = ?", (within[1],))
    if condition:
        scope += f" AND {condition}"
    text = str(ref).strip()
    number = whole_number(text)
    if number is not None:
        row = conn.execute(
            f"SELECT * FROM {table} WHERE id = ?{' AND ' + condition if condition else ''}",
            (number,),
        ).fetchone()
        if row:
            return row
    folded = fold(text)
    rows = conn.execute(
        f"SELECT * FROM {table} WHERE fold(name) = ?{scope} ORDER BY id", (folded, *scoped)
    ).fetchall()
    beginning = []
    if not rows and folded:
        beginning = conn.execute(
            f"SELECT * FROM {table} WHERE substr(fold(name), 1, ?) = ?{scope} ORDER BY name, id",
            (len(folded), folded, *scoped),
        ).fetchall()
        rows = [] if exact else beginning
    if len(rows) == 1:
        return rows[0]
    if rows:
        raise _ambiguous(rows, text, noun)
    missing = _message(noun, "missing").format(ref=text)
    if beginning:  # `exact`: the beginning of a name is not enough
        listed = ", ".join(f"{row['name']!r} (id {row['id']})" for row in beginning[:3])
        raise NotFound(
            missing + " " + _("Give the whole name or the id: {names}.").format(names=listed)
        )
    names = close_names(conn, table, text, condition)
    raise RecordMissing(missing + suggested(names, list_command), said=missing, suggestions=names)


def _ambiguous(rows: list[sqlite3.Row], text: str, noun: str) -> InvalidInput:
    if len({fold(row["name"]) for row in rows}) == 1:
        ids = ", ".join(str(row["id"]) for row in rows)
        return InvalidInput(_message(noun, "same_name").format(ref=rows[0]["name"], ids=ids))
    names = ", ".join(f"{row['name']} (id {row['id']})" for row in rows[:5])
    more = _(" and {count} more").format(count=len(rows) - 5) if len(rows) > 5 else ""
    return InvalidInput(_message(noun, "could_be").format(ref=text, names=names, more=more))


def did_you_mean(
    conn: sqlite3.Connection,
    table: str,
    text: str,
    list_command: str,
    condition: str | None = None,
) -> str:
    return suggested(close_names(conn, table, text, condition), list_command)


def suggested(names: list[str], list_command: str | None) -> str:
    """What follows "No account 'X'.": the close names, else the command that lists them all
    (nothing, without one)."""
    if names:
        return _(" Did you mean {names}?").format(names=_(" or ").join(map(repr, names)))
    return _(" See `{command}`.").format(command=list_command) if list_command else ""


def close_names(
    conn: sqlite3.Connection, table: str, text: str, condition: str | None = None
) -> list[str]:
    """Up to three names that `text` was probably meant to be, closest first."""
    where = f" WHERE {condition}" if condition else ""
    names = [
        row[0]
        for row in conn.execute(f"SELECT name FROM {table}{where}")
        if isinstance(row[0], str)  # not a name another program left NULL or a number
    ]
    folded = {fold(name): name for name in names}
    wanted = fold(text)
    close = difflib.get_close_matches(wanted, folded, n=3, cutoff=0.6)
    # A typo in the beginning of a long name ("garaje" for "Garage Dupont"): compare the
    # beginnings of the names, as long as what was typed.
    beginnings = {key[: len(wanted)]: key for key in folded if len(key) > len(wanted) >= 5}
    close += [
        beginnings[start]
        for start in difflib.get_close_matches(wanted, beginnings, n=3, cutoff=0.8)
        if beginnings[start] not in close
    ]
    close += [key for key in folded if wanted and wanted in key and key not in close]
    return [folded[key] for key in close[:3]]


def insert(
    conn: sqlite3.Connection, table: str, values: Mapping[str, object], stamp: str | None = None
) -> int:
    """Insert a row made at `stamp` (now by default; an import gives its own, one for all)."""
    stamp = stamp or clock.now()
    row = {**values, "created_at": stamp, "updated_at": stamp}
    columns = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    cursor = conn.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", tuple(row.values()))
    assert cursor.lastrowid is not None  # set by every INSERT
    return cursor.lastrowid


def update(
    conn: sqlite3.Connection, table: str, row_id: int, changes: Mapping[str, object]
) -> None:
    if not changes:
        return
    row = {**changes, "updated_at": clock.now()}
    assignments = ", ".join(f"{column} = ?" for column in row)
    conn.execute(f"UPDATE {table} SET {assignments} WHERE id = ?", (*row.values(), row_id))


NAMES = {
    "account_id": "account_name",
    "contact_id": "contact_name",
    "opportunity_id": "opportunity_name",
    "status": "status_label",
}
"""What a listing shows beside a reference: the name of the record it refers to."""


def with_names(columns: Iterable[str], *, names: Mapping[str, str] = NAMES) -> tuple[str, ...]:
    """`columns` with the name of each record they refer to beside its id, as a listing
    shows it: ("id", "account_id", "account_name", …)."""
    return tuple(
        shown for column in columns for shown in (column, names.get(column)) if shown is not None
    )


def fetch(
    conn: sqlite3.Connection, sql: str, params: Mapping[str, object] | Sequence[object] = ()
) -> list[dict]:
    bound = params if isinstance(params, Mapping) else tuple(params)
    return [dict(row) for row in conn.execute(sql, bound)]


def overdue_marker(is_overdue: Callable[[Mapping, str], bool]) -> Callable[[dict], dict]:
    """What sets `overdue` in each row read, by `is_overdue(row, today)` (today in ISO, as
    the listing starts)."""
    today = clock.today().isoformat()

    def marked(row: dict) -> dict:
        row["overdue"] = is_overdue(row, today)
        return row

    return marked


@dataclass(frozen=True)
class Listing:
    """The rows of a listing, read only when asked for: all of them streamed from the
    cursor, in order (for csv and json, whatever their number), or the first few and how
    many there are in all (for a table), which SQL gives without reading the rest.

    `query` selects the rows, each once with its `id` (SELECT … WHERE …, no ORDER BY);
    `order` is its ORDER BY (it must end with an id, so that the first rows are always the
    same); `finish` adds to each row read what is computed in Python (whether it is
    overdue, say); `page_by_id` says how a table's rows are read (see `page`).
    """

    conn: sqlite3.Connection
    query: str
    order: str
    params: tuple = ()
    finish: Callable[[dict], dict] | None = None
    page_by_id: bool = True

    def __iter__(self) -> Iterator[dict]:
        return self._rows(self.conn.execute(self._ordered(), self.params))

    def page(self, size: int) -> tuple[list[dict], int]:
        """The first `size` rows at most, and how many rows there are in all.

        By default the ids of one row more are chosen first, then those rows read by id
        (SQLite would otherwise compute the columns of every row it sorts, a last touch
        being a subquery a row, not only of those it keeps), and the rows counted only when
        there are more. Where the query itself is costly (a join over the whole history),
        each of those would read it again: without `page_by_id`, one pass over its rows
        gives the first and counts the others, which are not made into rows."""
        if not self.page_by_id:
            cursor = self.conn.execute(self._ordered(), self.params)
            shown = list(itertools.islice(self._rows(cursor), size))
            return shown, len(shown) + sum(1 for _row in cursor)
        shown = self._first(size + 1)
        if len(shown) <= size:
            return shown, len(shown)
        return shown[:size], self._count()

    def _ordered(self) -> str:
        return f"{self.query} ORDER BY {self.order}"

    def _first(self, size: int) -> list[dict]:
        page = f"SELECT id FROM ({self._ordered()} LIMIT ?)"
        ids = [row[0] for row in self.conn.execute(page, (*self.params, size))]
        if not ids:
            return []
        marks = ", ".join("?" for _ in ids)
        sql = f"SELECT * FROM ({self.query}) WHERE id IN ({marks})"
        place = {row_id: number for number, row_id in enumerate(ids)}
        rows = self._rows(self.conn.execute(sql, (*self.params, *ids)))
        return sorted(rows, key=lambda row: place[row["id"]])

    def _count(self) -> int:
        """Counted by their ids, each row's own: SQLite computes none of the columns, and
        told DISTINCT, it reads only the joins the filters need."""
        sql = f"SELECT count(*) FROM (SELECT DISTINCT id FROM ({self.query}))"
        return self.conn.execute(sql, self.params).fetchone()[0]

    def _rows(self, cursor: sqlite3.Cursor) -> Iterator[dict]:
        """The rows a cursor gives, as they go: made into dicts, and finished."""
        names = [column[0] for column in cursor.description]
        # Zipped with the names read once: dict(row) would look each name up in the row.
        rows = (dict(zip(names, row, strict=True)) for row in cursor)
        return rows if self.finish is None else map(self.finish, rows)


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
    if column == "external_id":
        _ensure_not_own(conn, value)
    compared = "fold(name)" if column == "name" else column
    same = conn.execute(
        f"SELECT id, name FROM {table} WHERE {compared} = ? AND id IS NOT ?",
        (fold(value) if column == "name" else value, except_id),
    ).fetchone()
    if same and column == "name":
        raise Conflict(_message(noun, "name_taken").format(name=same["name"], id=same["id"]))
    if same:
        label = COLUMN_NAMES.get(column, column.replace("_", " "))
        raise Conflict(
            _message(noun, "value_taken").format(
                column=_(label), value=value, name=same["name"], id=same["id"]
            )
        )


def _ensure_not_own(conn: sqlite3.Connection, external_id: str) -> None:
    """Refuse an external id that this database's exports give its own records: two records
    would then be named alike."""
    own = OwnIds(conn)
    if own.is_own(external_id):
        raise InvalidInput(
            _(
                "Invalid external id {value!r}: ids starting with {prefix} are how this "
                "database's exports name its own records. Give another one."
            ).format(value=external_id, prefix=own.prefix)
        )
