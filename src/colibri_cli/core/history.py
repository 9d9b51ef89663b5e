"""Changes that say when they happened: in effect in the history from that day.

The history triggers (migrations m002, m004) write one full-state row per change, stamped
when it is written. A close entered late (`opp status … --on`, `opp create … --closed-on`,
a corrected closing date) took effect on an earlier day: its row is moved to the end of
that day, and the rows recorded since carry its status, so that every report as of that
day on sees the deal closed, and none before it does. Those rows only changed the amount,
due date or currency: a close cannot be dated before the last change of the deal's open
state (`last_open_change`), so moving a close never erases a step of the deal's story.
"""

import datetime as dt
import itertools
import sqlite3

from colibri_cli.core import clock, records

END_OF_DAY = "T23:59:59.999999"
STATUS_PART = ("status", "probability", "closed_on", "status_probability")
"""What a close changes in a history row; amount, due date and currency stay each row's."""
VALUE_PART = ("amount", "due_date", "currency")
"""What the deal was worth and when it was due: a close entered late carries those of its day,
not those the deal has come to since."""


def last_open_change(conn: sqlite3.Connection, opportunity_id: int) -> dict | None:
    """The latest change of the deal's open state (its status, its own probability or its
    status's) before its current close, if it is closed: a close cannot have happened
    before it, or the history would lose it. None when the history has no such change."""
    rows = _rows(conn, opportunity_id)
    while rows and rows[-1]["kind"] != "open":  # the current close, if any
        rows.pop()
    changes = [
        row
        for previous, row in itertools.pairwise(rows)
        if any(previous[column] != row[column] for column in OPEN_STATE)
    ]
    return changes[-1] if changes else None


OPEN_STATE = ("status", "probability", "status_probability")


def _rows(conn: sqlite3.Connection, opportunity_id: int) -> list[dict]:
    return records.fetch(
        conn,
        "SELECT h.id, h.changed_at, h.status, h.probability, h.closed_on, h.status_probability,"
        " h.amount, h.due_date, h.currency,"
        " coalesce(s.kind, 'open') AS kind FROM opportunity_history AS h"
        " LEFT JOIN statuses AS s ON s.key = h.status"
        " WHERE h.opportunity_id = ? ORDER BY h.changed_at, h.id",
        (opportunity_id,),
    )


def moment_of(day: dt.date) -> str | None:
    """The stamp of a change in effect from `day`: the end of that day, or None for today
    (the change is then stamped when it is written, as any other)."""
    return None if day >= clock.today() else f"{day.isoformat()}{END_OF_DAY}"


def close_takes_effect(
    conn: sqlite3.Connection, opportunity_id: int, day: dt.date, *, corrected: bool = False
) -> None:
    """The close just written (the opportunity's newest history row) took effect at the end
    of `day`, with the amount, due date and currency the deal had then. Rows recorded after
    that moment carry the close. When the close `corrected`
    the date of the one before (a closing date put later), the rows of that close which the
    moment now follows carry the state the deal had before it closed, or, for a deal that
    was never open in colibri, wait for the close's moment."""
    rows = _rows(conn, opportunity_id)
    newest = max(rows, key=lambda row: row["id"])
    moment = moment_of(day) or newest["changed_at"]
    earlier = [row for row in rows if row is not newest]
    opened = [index for index, row in enumerate(earlier) if row["kind"] == "open"]
    before_close = earlier[opened[-1]] if opened else None
    stretch = []  # the rows of the close being corrected
    if corrected:
        stretch = earlier[opened[-1] + 1 :] if opened else earlier
    in_effect = [row for row in earlier if row["changed_at"] <= moment]
    if in_effect and any(row["changed_at"] > moment for row in earlier):
        _restate(conn, newest["id"], in_effect[-1], VALUE_PART)
    _restamp(conn, newest["id"], moment)
    for row in earlier:
        if row["changed_at"] > moment:
            _restate(conn, row["id"], newest)
        elif row in stretch and before_close is not None:
            _restate(conn, row["id"], before_close)
        elif row in stretch:
            _restamp(conn, row["id"], moment)


def _restamp(conn: sqlite3.Connection, row_id: int, moment: str) -> None:
    conn.execute("UPDATE opportunity_history SET changed_at = ? WHERE id = ?", (moment, row_id))


def _restate(
    conn: sqlite3.Connection, row_id: int, state: dict, columns: tuple[str, ...] = STATUS_PART
) -> None:
    assignments = ", ".join(f"{column} = ?" for column in columns)
    conn.execute(
        f"UPDATE opportunity_history SET {assignments} WHERE id = ?",
        (*(state[column] for column in columns), row_id),
    )
