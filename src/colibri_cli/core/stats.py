"""Statistics of closed business: win rate, deal size, sales cycle, time in each status,
and the reasons deals were lost or cancelled."""

import datetime as dt
import sqlite3
import statistics
from fractions import Fraction

from colibri_cli.core import clock, records
from colibri_cli.core.reports import half_up

CLOSED = """
    SELECT o.amount, o.currency, o.created_on, o.closed_on, o.close_reason, s.kind
    FROM opportunities AS o JOIN statuses AS s ON s.key = o.status
    WHERE s.kind <> 'open' AND o.closed_on >= :since AND o.deleted_at IS NULL
"""


def stats(conn: sqlite3.Connection, since: dt.date | None = None) -> dict:
    """Figures over the opportunities closed on or after `since` (all of them by default);
    time in status over the stays that began on or after it."""
    start = since.isoformat() if since else "0000-01-01"
    return {
        "date": clock.today().isoformat(),
        "since": since.isoformat() if since else None,
        "win_rate": _win_rate(conn, start),
        "won": _won_amounts(conn, start),
        "sales_cycle": _sales_cycle(conn, start),
        "time_in_status": _time_in_status(conn, start),
        "reasons": _reasons(conn, start),
    }


def _win_rate(conn: sqlite3.Connection, start: str) -> dict:
    counts = dict.fromkeys(("won", "lost", "cancelled"), 0)
    for row in records.fetch(
        conn, f"SELECT kind, count(*) AS n FROM ({CLOSED}) GROUP BY kind", {"since": start}
    ):
        counts[row["kind"]] = row["n"]
    decided = counts["won"] + counts["lost"]
    rate = half_up(Fraction(100 * counts["won"], decided), 1) if decided else None
    return {**counts, "rate": rate}


def _won_amounts(conn: sqlite3.Connection, start: str) -> list[dict]:
    """Per currency: count, total, average and median of the won amounts, in whole units
    (rounded half-up, like every amount)."""
    by_currency: dict[str, list[Fraction]] = {}
    for row in records.fetch(
        conn,
        f"SELECT currency, amount FROM ({CLOSED}) WHERE kind = 'won' ORDER BY currency, amount",
        {"since": start},
    ):
        by_currency.setdefault(row["currency"], []).append(_counted(row["amount"]))
    return [
        {
            "currency": currency,
            "count": len(amounts),
            "amount": half_up(sum(amounts)),
            "average": half_up(sum(amounts) / len(amounts)),
            "median": half_up(statistics.median(amounts)),
        }
        for currency, amounts in by_currency.items()
    ]


def _counted(amount: object) -> Fraction:
    """An amount as a sum counts it: what another program stored that is not a number
    counts as 0, as SQLite's sum() counts it in the other reports."""
    return Fraction(amount) if isinstance(amount, int | float) else Fraction(0)


def _sales_cycle(conn: sqlite3.Connection, start: str) -> dict:
    """Days from creation to closing of the won opportunities (of those whose two dates
    are dates: another program may have stored something else)."""
    days = [
        row["days"]
        for row in records.fetch(
            conn,
            f"SELECT CAST(julianday(closed_on) - julianday(created_on) AS INTEGER) AS days "
            f"FROM ({CLOSED}) WHERE kind = 'won' AND days IS NOT NULL ORDER BY days",
            {"since": start},
        )
    ]
    return {"count": len(days), "median_days": _median(days)}


# Days are counted between dates, as the clock counts them: a stay entered on the 3rd and
# left on the 10th lasted 7 days, whatever the hours of the two changes.
STAYS = """
    WITH ordered AS (
        SELECT id, opportunity_id, changed_at, status,
            lag(status) OVER (PARTITION BY opportunity_id ORDER BY changed_at, id) AS previous
        FROM opportunity_history
        WHERE opportunity_id IN (SELECT id FROM opportunities WHERE deleted_at IS NULL)
    ),
    entries AS (
        SELECT id, opportunity_id, changed_at, status FROM ordered
        WHERE previous IS NULL OR previous <> status
    )
    SELECT id, opportunity_id, status, changed_at,
        CAST(julianday(coalesce(date(lead(changed_at) OVER next), :today))
            - julianday(date(changed_at)) AS INTEGER) AS days,
        lead(changed_at) OVER next IS NULL AS ongoing
    FROM entries
    WINDOW next AS (PARTITION BY opportunity_id ORDER BY changed_at, id)
"""
"""Every stay of a deal out of the trash in a status (any kind, known or not), from its
history: the day it entered, the days it lasted (to `:today` while it goes on), whether it
goes on."""

TIME_IN_STATUS = f"""
    SELECT st.key AS status, st.label, count(*) AS stays, sum(ongoing) AS ongoing,
        sum(days) AS days
    FROM ({STAYS}) AS stays JOIN statuses AS st ON st.key = stays.status
    WHERE st.kind = 'open' AND stays.changed_at >= :since
    GROUP BY st.key ORDER BY min(st.position)
"""


def _time_in_status(conn: sqlite3.Connection, start: str) -> list[dict]:
    """Average days an opportunity spends in each open status, from its history: a stay
    lasts from the day it entered the status to the day it left it (or to today, for a
    stay still going on)."""
    rows = records.fetch(conn, TIME_IN_STATUS, {"today": clock.today().isoformat(), "since": start})
    for row in rows:
        row["average_days"] = half_up(Fraction(row.pop("days"), row["stays"]), 1)
    return rows


def _reasons(conn: sqlite3.Connection, start: str) -> list[dict]:
    """Lost and cancelled reasons, most frequent first (the same words in any case count
    together)."""
    return records.fetch(
        conn,
        f"""
        SELECT kind, min(trim(close_reason)) AS reason, count(*) AS count,
            group_concat(DISTINCT currency) AS currencies
        FROM ({CLOSED})
        WHERE kind IN ('lost', 'cancelled') AND trim(coalesce(close_reason, '')) <> ''
        GROUP BY kind, fold(trim(close_reason))
        ORDER BY kind DESC, count DESC, fold(reason), reason
        """,
        {"since": start},
    )


def _median(values: list[int]) -> int | float | None:
    if not values:
        return None
    middle = statistics.median(values)
    return int(middle) if middle == int(middle) else middle
