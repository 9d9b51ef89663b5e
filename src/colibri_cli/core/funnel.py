"""The funnel: of the deals that entered each open status, how far they went, from the history.

A deal's path runs, in pipeline order (status position), from the first open status it
was ever in to the furthest one it reached; a deal ever won reached beyond every open
status. It counts as passing through every open status of that path, those it skipped too:
a deal that went from analysis straight to negotiation, or to won, passed through quote.
Lost and cancelled are no step forward: a deal lost from quote went as far as quote.

Deals are selected by the day they entered their first open status (their creation, for a
deal made by colibri) and counted by their outcome today; amounts are their amounts today
(what a won deal was won at), per currency. Time in a status is the sum of the deal's stays
in it (`stats.STAYS`, to today for one that goes on); the median is over the deals that
stayed in it, not those that skipped it. Deals in the trash, and those whose status colibri
does not know, are left out.
"""

import datetime as dt
import sqlite3
from collections.abc import Iterable

from colibri_cli.core import clock, records
from colibri_cli.core.reports import CURRENT_STATE
from colibri_cli.core.shapes import FunnelReport, FunnelStep
from colibri_cli.core.slippage import bounds, distribution, percent, whole_if_whole
from colibri_cli.core.stats import STAYS

GROUPINGS = {
    "source": "nullif(trim(o.source), '')",
    "type": "nullif(trim(o.type), '')",
    "account": "a.name",
    "currency": "o.currency",
}
"""What `--by` splits the funnel by: SQL of an opportunity `o` and its account `a`; NULL
groups the deals that have none."""

FUNNEL = """
    WITH stays AS MATERIALIZED ({stays}),
    open_statuses AS (
        SELECT key, row_number() OVER (ORDER BY position, key) AS rank
        FROM statuses WHERE kind = 'open'
    ),
    beyond AS (SELECT count(*) + 1 AS rank FROM open_statuses),
    steps AS MATERIALIZED (
        SELECT stays.opportunity_id, stays.status, os.rank AS open_rank,
            min(os.rank) OVER deal AS first_rank,
            max(CASE WHEN s.kind = 'won' THEN beyond.rank ELSE os.rank END) OVER deal
                AS furthest,
            min(CASE WHEN os.rank IS NOT NULL THEN date(stays.changed_at) END) OVER deal
                AS entered_on,
            row_number() OVER deal AS nth,
            sum(stays.days) OVER in_status AS days_in_status,
            row_number() OVER in_status AS nth_in_status
        FROM stays JOIN statuses AS s ON s.key = stays.status
        LEFT JOIN open_statuses AS os ON os.key = stays.status
        CROSS JOIN beyond
        WINDOW deal AS (PARTITION BY stays.opportunity_id),
            in_status AS (PARTITION BY stays.opportunity_id, stays.status)
    ),
    cohort AS MATERIALIZED (
        SELECT steps.*, o.amount, o.currency, s.kind AS outcome, {group} AS grp
        FROM steps
        JOIN opportunities AS o ON o.id = steps.opportunity_id
        JOIN statuses AS s ON s.key = o.status
        JOIN accounts AS a ON a.id = o.account_id
        WHERE steps.first_rank IS NOT NULL AND steps.entered_on BETWEEN :since AND :until
    ),
    passages AS (
        SELECT cohort.grp, cohort.amount, cohort.currency, cohort.outcome, cohort.furthest,
            os.key AS status, os.rank
        FROM cohort JOIN open_statuses AS os
            ON os.rank BETWEEN cohort.first_rank AND cohort.furthest
        WHERE cohort.nth = 1
    ),
    time_spent AS (
        SELECT json_array(grp, status) AS key, opportunity_id, days_in_status AS days
        FROM cohort WHERE open_rank IS NOT NULL AND nth_in_status = 1
    ),
    medians AS MATERIALIZED ({medians}),
    counted AS MATERIALIZED (
        SELECT p.grp, p.status, p.rank, p.currency,
            sum(count(*)) OVER whole AS entered,
            sum(sum(p.furthest > p.rank)) OVER whole AS advanced,
            sum(sum(p.outcome = 'won')) OVER whole AS won,
            sum(sum(p.outcome = 'lost')) OVER whole AS lost,
            sum(sum(p.outcome = 'cancelled')) OVER whole AS cancelled,
            sum(sum(p.outcome = 'open')) OVER whole AS open,
            sum(p.amount) AS entered_amount,
            sum(CASE WHEN p.outcome = 'won' THEN p.amount ELSE 0 END) AS won_amount
        FROM passages AS p
        GROUP BY p.grp, p.status, p.currency
        WINDOW whole AS (PARTITION BY p.grp, p.status)
    )
    SELECT c.grp AS "group", c.status, s.label, c.currency, c.entered, c.advanced, c.won,
        c.lost, c.cancelled, c.open, m.median_days, c.entered_amount, c.won_amount
    FROM counted AS c
    JOIN statuses AS s ON s.key = c.status
    LEFT JOIN medians AS m ON m.key = json_array(c.grp, c.status)
    ORDER BY c.grp IS NULL, c.grp, c.rank, c.currency
"""
"""One pass over the history: each deal's path and the days it spent in each status, from
its stays (window functions over the deal, no join of one large result to another); the
open statuses it passed through; then, per group, status and currency, the amounts, with
the counts of the group and status and their median days beside them."""


def report(
    conn: sqlite3.Connection,
    since: dt.date | None = None,
    until: dt.date | None = None,
    by: str | None = None,
) -> FunnelReport:
    """The funnel of the deals that entered their first open status from `since` to `until`
    (inclusive), split by one of `GROUPINGS` if `by` names one."""
    sql = FUNNEL.format(
        stays=STAYS.format(state=CURRENT_STATE, entered=1),
        group=GROUPINGS[by] if by else "NULL",
        medians=distribution("SELECT * FROM time_spent", ""),
    )
    rows = records.fetch(
        conn,
        sql,
        {
            "today": clock.today().isoformat(),
            "cutoff": "9999-12-31",  # the whole history: the funnel is of today
            **bounds(since, until),
        },
    )
    return {
        "date": clock.today().isoformat(),
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
        "by": by,
        "funnel": _steps(rows),
    }


COUNTS = ("entered", "advanced", "won", "lost", "cancelled", "open")


def _steps(rows: Iterable[dict]) -> list[FunnelStep]:
    """One step per group and status, its amounts per currency (rows come ordered so)."""
    steps: list[dict] = []
    for row in rows:
        if not steps or (steps[-1]["group"], steps[-1]["status"]) != (row["group"], row["status"]):
            steps.append(_step(row))
        steps[-1]["amounts"].append(
            {
                "currency": row["currency"],
                "entered_amount": row["entered_amount"],
                "won_amount": row["won_amount"],
            }
        )
    return steps


def _step(row: dict) -> FunnelStep:
    entered, won = row["entered"], row["won"]
    return {
        "group": row["group"],
        "status": row["status"],
        "label": row["label"],
        **{count: row[count] for count in COUNTS},
        "advanced_percent": percent(row["advanced"], entered),
        "won_percent": percent(won, entered),
        "win_rate": percent(won, won + row["lost"]),
        "median_days": whole_if_whole(row["median_days"]),
        "amounts": [],
    }
