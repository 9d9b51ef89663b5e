"""How often and how far due dates slip, from the history alone.

A push is a change that moves an open deal's due date to a later day: one history row
whose due date is later than the row before it, that row's status being an open one (a
closed deal's date is no promise, and reopening one is not a push). It belongs to the
status the deal was in when it was pushed. Deals in the trash are left out, as from every
report. Medians take the mean of the two middle values; the 90th percentile is the
nearest-rank one: the smallest value at least 90 % of the values do not exceed.
"""

import datetime as dt
import sqlite3
from fractions import Fraction
from typing import cast

from colibri_cli.core import clock, records
from colibri_cli.core.shapes import Pushes, SlippageReport, StatusPushes, WonSlippage

# The row before each one is one step back in the index of the deal's history
# (opportunity_id, changed_at, id): a seek per row, where two window functions (lag) over
# the whole history cost twice as much. `{which}` selects the deals, by the rows `h`.
PUSHES = """
    SELECT h.opportunity_id, h.changed_at, previous.status,
        CAST(julianday(h.due_date) - julianday(previous.due_date) AS INTEGER) AS days
    FROM opportunity_history AS h
    JOIN opportunity_history AS previous ON previous.id = (
        SELECT before.id FROM opportunity_history AS before
        WHERE before.opportunity_id = h.opportunity_id
            AND (before.changed_at, before.id) < (h.changed_at, h.id)
        ORDER BY before.changed_at DESC, before.id DESC LIMIT 1
    )
    JOIN statuses AS s ON s.key = previous.status
    WHERE {which} AND h.due_date > previous.due_date AND s.kind = 'open'
"""

PUSHES_BY_OPPORTUNITY = f"""
    SELECT opportunity_id, count(*) AS pushes, sum(days) AS days_pushed
    FROM ({PUSHES.format(which="1")}) GROUP BY opportunity_id
"""
"""Every opportunity's pushes, for a listing to join on `opportunity_id`."""

LIVE = "h.opportunity_id IN (SELECT id FROM opportunities WHERE deleted_at IS NULL)"


def of_opportunity(conn: sqlite3.Connection, opportunity_id: int) -> dict:
    """`pushes` and `days_pushed` of one opportunity (0 and 0 for one never pushed)."""
    pushes = PUSHES.format(which="h.opportunity_id = ?")
    row = conn.execute(
        f"SELECT count(*), coalesce(sum(days), 0) FROM ({pushes})", (opportunity_id,)
    ).fetchone()
    return {"pushes": row[0], "days_pushed": row[1]}


def distribution(values: str, group: str) -> str:
    """Count, median and 90th percentile of `values` (rows of `key`, `opportunity_id` and
    `days`) per `key`, and the aggregates `group` adds."""
    return f"""
        WITH ranked AS (
            SELECT key, opportunity_id, days,
                row_number() OVER (PARTITION BY key ORDER BY days) AS rank,
                count(*) OVER (PARTITION BY key) AS n
            FROM ({values})
        )
        SELECT key, n AS count,
            avg(CASE WHEN rank IN ((n + 1) / 2, (n + 2) / 2) THEN days END) AS median_days,
            max(CASE WHEN rank = (9 * n + 9) / 10 THEN days END) AS p90_days
            {group}
        FROM ranked GROUP BY key
    """


def report(
    conn: sqlite3.Connection, since: dt.date | None = None, until: dt.date | None = None
) -> SlippageReport:
    """Won deals against the due date they were first given, and the pushes by status.

    `since` and `until` (inclusive) select the won deals by closing day and the pushes by
    the day they were made.
    """
    span = bounds(since, until)
    return {
        "date": clock.today().isoformat(),
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
        "won": _won_against_first_due_date(conn, span),
        "pushes": _pushes_by_status(conn, span),
    }


def bounds(since: dt.date | None, until: dt.date | None) -> dict[str, str]:
    """`:since` and `:until` for a query of days between them, inclusive (open-ended when
    not given)."""
    return {
        "since": since.isoformat() if since else "0000-01-01",
        "until": until.isoformat() if until else "9999-12-31",
    }


# The first history row of a deal holds the due date it was first given.
WON_DELAYS = """
    SELECT 'late' AS key, o.id AS opportunity_id,
        CAST(julianday(o.closed_on) - julianday(first.due_date) AS INTEGER) AS days
    FROM opportunities AS o
    JOIN statuses AS s ON s.key = o.status AND s.kind = 'won'
    JOIN opportunity_history AS first ON first.id = (
        SELECT id FROM opportunity_history WHERE opportunity_id = o.id
        ORDER BY changed_at, id LIMIT 1
    )
    WHERE o.deleted_at IS NULL AND o.closed_on BETWEEN :since AND :until
"""


def _won_against_first_due_date(conn: sqlite3.Connection, span: dict) -> WonSlippage:
    """How many won deals closed after the due date first given, and by how many days."""
    won = conn.execute(f"SELECT count(*) FROM ({WON_DELAYS})", span).fetchone()[0]
    late = records.fetch(
        conn, distribution(f"SELECT * FROM ({WON_DELAYS}) WHERE days > 0", ""), span
    )
    figures: dict = late[0] if late else {"count": 0, "median_days": None, "p90_days": None}
    return {
        "count": won,
        "late": figures["count"],
        "late_percent": percent(figures["count"], won),
        "median_days_late": whole_if_whole(figures["median_days"]),
        "p90_days_late": figures["p90_days"],
    }


def _pushes_by_status(conn: sqlite3.Connection, span: dict) -> Pushes:
    """Per open status (in pipeline order), and in all: pushes, deals pushed, and the
    median and 90th percentile of the days a push added. The pushes are found once, then
    counted twice: by status, and in all (the rows of key NULL)."""
    keyed = f"""
        WITH made AS MATERIALIZED (
            SELECT status, opportunity_id, days FROM ({PUSHES.format(which=LIVE)})
            WHERE date(changed_at) BETWEEN :since AND :until
        )
        SELECT status AS key, opportunity_id, days FROM made
        UNION ALL SELECT NULL, opportunity_id, days FROM made
    """
    deals = ", count(DISTINCT opportunity_id) AS deals"
    rows = records.fetch(
        conn,
        f"""
        SELECT d.key AS status, s.label, d.count AS pushes, d.deals, d.median_days, d.p90_days
        FROM ({distribution(keyed, deals)}) AS d
        LEFT JOIN statuses AS s ON s.key = d.key ORDER BY d.key IS NULL, s.position, s.key
        """,
        span,
    )
    for row in rows:
        row["median_days"] = whole_if_whole(row["median_days"])
    overall = rows.pop() if rows and rows[-1]["status"] is None else {}
    return {
        "count": overall.get("pushes", 0),
        "deals": overall.get("deals", 0),
        "median_days": overall.get("median_days"),
        "p90_days": overall.get("p90_days"),
        "by_status": cast(list[StatusPushes], rows),
    }


def percent(part: int, whole: int) -> int | float | None:
    from colibri_cli.core.reports import half_up  # not at import: `opp show` needs no report

    return half_up(Fraction(100 * part, whole), 1) if whole else None


def whole_if_whole(value: float | None) -> int | float | None:
    """12.0 days is 12 days; 12.5 stays a half."""
    return int(value) if value is not None and value == int(value) else value
