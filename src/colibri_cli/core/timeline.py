"""Timelines: what happened at an account, on an opportunity or with a contact, newest first.

A timeline gathers the activities logged, the tasks done and the changes the history of
the deals recorded (their creation, status, amount, due date, and their probability when
the status stayed), each an entry (date, time, kind, text). An activity has the time of day
it was logged with, if any; a change of a deal has its day only: its history row is stamped
with the moment it was written, or with the end of the day a close entered late took effect
on (see history.py). The history is only read here, never rewritten.
"""

import sqlite3

from colibri_cli.core import records
from colibri_cli.core.money import format_amount
from colibri_cli.i18n import _, format_day, format_percent

FIELDS = ("date", "time", "kind", "text")
SCOPES = {
    "account": ("account_id", "account_id"),
    "opportunity": ("opportunity_id", "id"),
    "contact": ("contact_id", "contact_id"),
}
"""What a timeline is of: the column naming it in activities and tasks, and in opportunities."""

EVENTS = """
    SELECT happened_on AS date, time_of_day AS time, kind, summary AS text, created_at AS stamp
    FROM activities WHERE {own} = :id
    UNION ALL
    SELECT done_on, NULL, 'task', title, updated_at
    FROM tasks WHERE {own} = :id AND done_on IS NOT NULL
"""
EFFECTIVE_PROBABILITY = "coalesce(h.probability, h.status_probability, s.probability)"
CHANGES = f"""
    SELECT o.name AS deal, h.changed_at, h.status, h.amount, h.currency, h.due_date,
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
    first; the changes of a deal name it, except in the deal's own timeline."""
    own, deal = SCOPES[scope]
    entries = records.fetch(conn, EVENTS.format(own=own), {"id": record_id})
    for row in records.fetch(conn, CHANGES.format(deal=deal), {"id": record_id}):
        for kind, text in _changes(row):
            if scope != "opportunity":
                text = _("{deal}: {change}").format(deal=row["deal"], change=text)
            day, stamp = row["changed_at"][:10], row["changed_at"]
            entries.append({"date": day, "time": None, "kind": kind, "text": text, "stamp": stamp})
    entries.sort(
        key=lambda entry: (entry["date"], entry["time"] or "", entry["stamp"]), reverse=True
    )  # stable: the changes of one history row keep their order
    return [{field: entry[field] for field in FIELDS} for entry in entries]


def _changes(row: dict) -> list[tuple[str, str]]:
    """(kind, text) of what a history row changed, from the row before it of its deal."""
    if row["first"]:
        return [
            (
                "created",
                _("{status}, {amount}, due {day}").format(
                    status=row["status"],
                    amount=format_amount(row["amount"], row["currency"]),
                    day=format_day(row["due_date"]),
                ),
            )
        ]
    changes = []
    if row["status"] != row["was_status"]:
        changes.append(("status", _arrow(row["was_status"], row["status"])))
    elif row["probability"] != row["was_probability"]:
        was, now = format_percent(row["was_probability"]), format_percent(row["probability"])
        changes.append(("probability", _arrow(was, now)))
    if (row["amount"], row["currency"]) != (row["was_amount"], row["was_currency"]):
        was_currency = row["was_currency"] if row["currency"] != row["was_currency"] else None
        was = format_amount(row["was_amount"], was_currency)  # "12,000 → 15,000 EUR"
        changes.append(("amount", _arrow(was, format_amount(row["amount"], row["currency"]))))
    if row["due_date"] != row["was_due_date"]:
        changes.append(
            ("due_date", _arrow(format_day(row["was_due_date"]), format_day(row["due_date"])))
        )
    return changes


def _arrow(was: object, now: object) -> str:
    return _("{was} → {now}").format(was=was, now=now)
