"""Timelines: what happened at an account, on an opportunity or with a contact, newest first.

A timeline gathers the activities logged, the tasks done and the changes the history of
the deals recorded (their creation, status, amount, due date, and their probability when
the status stayed), each an entry with its date, time, kind and what it says (FIELDS); a
contact's deals are those they are the contact of now. An activity has the time of day
it was logged with, if any; a change of a deal has its day only: its history row is stamped
with the moment it was written, or with the end of the day a close entered late took effect
on (see history.py). The history is only read here, never rewritten.

An entry is data, the same in every language: an activity's or a task's `text` is its
summary or title; a change has the value it had (`was`) and the one it got (`now`): status
keys, ISO dates, probabilities, and for an amount {"amount", "currency"}; a deal created
has its first state in `now`. The command line says it in words.
"""

import sqlite3

from colibri_cli.core import records

FIELDS = ("date", "time", "kind", "opportunity_id", "opportunity", "text", "was", "now")
SCOPES = {
    "account": ("account_id", "account_id"),
    "opportunity": ("opportunity_id", "id"),
    "contact": ("contact_id", "contact_id"),
}
"""What a timeline is of: the column naming it in activities and tasks, and in opportunities."""

EVENTS = """
    SELECT v.happened_on AS date, v.time_of_day AS time, v.kind, v.opportunity_id,
        o.name AS opportunity, v.summary AS text, NULL AS was, NULL AS now, v.created_at AS stamp
    FROM activities AS v LEFT JOIN opportunities AS o ON o.id = v.opportunity_id
    WHERE v.{own} = :id
    UNION ALL
    SELECT t.done_on, NULL, 'task', t.opportunity_id, o.name, t.title, NULL, NULL, t.updated_at
    FROM tasks AS t LEFT JOIN opportunities AS o ON o.id = t.opportunity_id
    WHERE t.{own} = :id AND t.done_on IS NOT NULL
"""
EFFECTIVE_PROBABILITY = "coalesce(h.probability, h.status_probability, s.probability)"
CHANGES = f"""
    SELECT o.id AS opportunity_id, o.name AS opportunity, h.changed_at,
        substr(h.changed_at, 1, 10) AS day,
        h.status, h.amount, h.currency, h.due_date,
        {EFFECTIVE_PROBABILITY} AS probability,
        row_number() OVER deal = 1 AS first,
        lag(h.status) OVER deal AS was_status, lag(h.amount) OVER deal AS was_amount,
        lag(h.currency) OVER deal AS was_currency, lag(h.due_date) OVER deal AS was_due_date,
        lag({EFFECTIVE_PROBABILITY}) OVER deal AS was_probability
    FROM opportunity_history AS h
    JOIN opportunities AS o ON o.id = h.opportunity_id
    LEFT JOIN statuses AS s ON s.key = h.status
    WHERE o.{{deal}} = :id AND o.deleted_at IS NULL
    WINDOW deal AS (PARTITION BY h.opportunity_id ORDER BY h.changed_at, h.id)
"""


def of(conn: sqlite3.Connection, scope: str, record_id: int) -> list[dict]:
    """The timeline of the account, opportunity or contact (`scope`) `record_id`, newest
    first."""
    own, deal = SCOPES[scope]
    entries = records.fetch(conn, EVENTS.format(own=own), {"id": record_id})
    for row in records.fetch(conn, CHANGES.format(deal=deal), {"id": record_id}):
        for kind, was, now in _changes(row):
            entries.append(
                {
                    "date": row["day"],
                    "time": None,
                    "kind": kind,
                    "opportunity_id": row["opportunity_id"],
                    "opportunity": row["opportunity"],
                    "text": None,
                    "was": was,
                    "now": now,
                    "stamp": row["changed_at"],
                }
            )
    entries.sort(key=_newest_first, reverse=True)  # stable: a history row's changes in order
    return [{field: entry[field] for field in FIELDS} for entry in entries]


def _newest_first(entry: dict) -> tuple[str, ...]:
    """The order of entries: by day, time of day and stamp, as text (another program may
    have stored odd values, or none)."""
    return tuple("" if entry[key] is None else str(entry[key]) for key in ("date", "time", "stamp"))


def _changes(row: dict) -> list[tuple[str, object, object]]:
    """(kind, was, now) of what a history row changed, from the row before it of its deal."""
    amount = {"amount": row["amount"], "currency": row["currency"]}
    if row["first"]:
        return [("created", None, {"status": row["status"], **amount, "due_date": row["due_date"]})]
    changes = []
    if row["status"] != row["was_status"]:
        changes.append(("status", row["was_status"], row["status"]))
    elif row["probability"] != row["was_probability"]:
        changes.append(("probability", row["was_probability"], row["probability"]))
    if (row["amount"], row["currency"]) != (row["was_amount"], row["was_currency"]):
        was = {"amount": row["was_amount"], "currency": row["was_currency"]}
        changes.append(("amount", was, amount))
    if row["due_date"] != row["was_due_date"]:
        changes.append(("due_date", row["was_due_date"], row["due_date"]))
    return changes
