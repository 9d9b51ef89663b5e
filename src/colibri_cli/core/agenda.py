"""The agenda: what is overdue, due today and due in the coming days, tasks and deals alike,
and the open deals that have no next step."""

import datetime as dt
import sqlite3

from colibri_cli.core import clock, records, statuses
from colibri_cli.core.opportunities import NO_NEXT_STEP

FIELDS = (
    "section",
    "kind",
    "id",
    "due_date",
    "due_time",
    "title",
    "account_id",
    "account_name",
    "opportunity_id",
    "opportunity_name",
    "amount",
    "currency",
    "status",
    "effective_probability",
    "weighted_amount",
    "overdue",
)
"""What scripts get: what the table shows (the account's name beside its id, a task's time
of day where it has one), and for a deal its probability and weighted amount; `overdue`:
due before today (the overdue section, and a deal without a next step that is past due)."""
SECTIONS = ("overdue", "today", "upcoming")

OPEN_DEALS = f"""
    SELECT 'opportunity' AS kind, o.id AS id, o.due_date AS due_date, NULL AS due_time,
        o.name AS title,
        o.account_id, a.name AS account_name, o.id AS opportunity_id,
        o.name AS opportunity_name, o.amount, o.currency, o.status,
        {statuses.effective_probability_sql()} AS effective_probability,
        {statuses.weighted_amount_sql()} AS weighted_amount
    FROM opportunities AS o
    JOIN statuses AS s ON s.key = o.status
    JOIN accounts AS a ON a.id = o.account_id
    WHERE s.kind = 'open' AND o.deleted_at IS NULL
"""
QUERY = f"""
    SELECT 'task' AS kind, t.id AS id, t.due_date AS due_date, t.due_time, t.title,
        t.account_id,
        a.name AS account_name, t.opportunity_id, o.name AS opportunity_name, NULL AS amount,
        NULL AS currency, NULL AS status, NULL AS effective_probability,
        NULL AS weighted_amount
    FROM tasks AS t
    LEFT JOIN accounts AS a ON a.id = t.account_id
    LEFT JOIN opportunities AS o ON o.id = t.opportunity_id
    WHERE t.done_on IS NULL AND t.due_date <= :horizon AND o.deleted_at IS NULL
    UNION ALL
    {OPEN_DEALS} AND o.due_date <= :horizon
    ORDER BY due_date, due_time, kind DESC, id
"""


def agenda(conn: sqlite3.Connection, days: int = 7) -> list[dict]:
    """Open tasks and open opportunities due up to `days` from today, overdue ones first."""
    today = clock.today()
    horizon = today + dt.timedelta(days=days)
    items = records.fetch(conn, QUERY, {"horizon": horizon.isoformat()})
    for item in items:
        item["section"] = section_of(item["due_date"], today)
        item["overdue"] = item["section"] == "overdue"
    return items


def without_next_step(conn: sqlite3.Connection) -> list[dict]:
    """The open deals without an open task, soonest due first, in the section
    `no_next_step`."""
    today = clock.today().isoformat()
    deals = records.fetch(conn, f"{OPEN_DEALS} AND {NO_NEXT_STEP} ORDER BY o.due_date, o.id")
    for deal in deals:
        deal["section"] = "no_next_step"
        deal["overdue"] = deal["due_date"] < today
    return deals


def totals_without_next_step(conn: sqlite3.Connection) -> list[dict]:
    """How many open deals have no open task, and their amount, per currency (never across
    currencies)."""
    return records.fetch(
        conn,
        f"""
        SELECT o.currency, count(*) AS count, sum(o.amount) AS amount
        FROM opportunities AS o JOIN statuses AS s ON s.key = o.status
        WHERE s.kind = 'open' AND o.deleted_at IS NULL AND {NO_NEXT_STEP}
        GROUP BY o.currency ORDER BY o.currency
        """,
    )


def section_of(due_date: str, today: dt.date) -> str:
    if due_date < today.isoformat():
        return "overdue"
    return "today" if due_date == today.isoformat() else "upcoming"
