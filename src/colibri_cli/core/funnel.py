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
from colibri_cli.core.shapes import FunnelReport, FunnelStep
from colibri_cli.core.slippage import bounds, percent, whole_if_whole
from colibri_cli.core.stats import IN_OPEN_STATUS, STAYS

GROUPINGS = {
    "source": "nullif(trim(o.source), '')",
    "type": "nullif(trim(o.type), '')",
    "account": "a.name",
    "currency": "o.currency",
}
"""What `--by` splits the funnel by: SQL of an opportunity `o` and its account `a`; NULL
groups the deals that have none."""

FUNNEL = """
    WITH open_statuses AS (
        SELECT key, row_number() OVER (ORDER BY position, key) AS rank
        FROM statuses WHERE kind = 'open'
    ),
    reach AS MATERIALIZED (
        SELECT s.key, os.rank, CASE WHEN s.kind = 'won'
            THEN (SELECT count(*) + 1 FROM open_statuses) ELSE os.rank END AS furthest
        FROM statuses AS s LEFT JOIN open_statuses AS os ON os.key = s.key
    ),
    paths AS (
        SELECT h.opportunity_id, min(r.rank) AS first_rank, max(r.furthest) AS furthest,
            min(CASE WHEN r.rank IS NOT NULL THEN date(h.changed_at) END) AS entered_on
        FROM opportunity_history AS h CROSS JOIN reach AS r ON r.key = h.status
        WHERE h.changed_at < :cutoff
        GROUP BY h.opportunity_id
    ),
    cohort AS MATERIALIZED (
        SELECT paths.*, o.amount, o.currency, s.kind AS outcome, {group} AS grp
        FROM paths
        JOIN opportunities AS o ON o.id = paths.opportunity_id
        JOIN statuses AS s ON s.key = o.status
        JOIN accounts AS a ON a.id = o.account_id
        WHERE o.deleted_at IS NULL AND paths.first_rank IS NOT NULL
            AND paths.entered_on BETWEEN :since AND :until
    ),
    paths_taken AS (
        SELECT grp, first_rank, furthest, currency, outcome, count(*) AS deals,
            sum(amount) AS amount
        FROM cohort GROUP BY grp, first_rank, furthest, currency, outcome
    ),
    passages AS (
        SELECT t.grp, t.deals, t.amount, t.currency, t.outcome, t.furthest,
            os.key AS status, os.rank
        FROM paths_taken AS t JOIN open_statuses AS os
            ON os.rank BETWEEN t.first_rank AND t.furthest
    ),
    time_spent AS (
        SELECT json_array({group}, stays.status) AS key, stays.opportunity_id,
            sum(stays.days) AS days
        FROM ({stays}) AS stays CROSS JOIN opportunities AS o ON o.id = stays.opportunity_id
            CROSS JOIN accounts AS a ON a.id = o.account_id
        GROUP BY stays.opportunity_id, stays.status
    ),
    histogram AS (SELECT key, days, count(*) AS deals FROM time_spent GROUP BY key, days),
    cumulative AS (
        SELECT key, days, sum(deals) OVER (PARTITION BY key ORDER BY days) AS up_to,
            sum(deals) OVER (PARTITION BY key) AS deals
        FROM histogram
    ),
    medians AS MATERIALIZED (
        SELECT key, (min(CASE WHEN up_to >= (deals + 1) / 2 THEN days END)
            + min(CASE WHEN up_to >= (deals + 2) / 2 THEN days END)) / 2.0 AS median_days
        FROM cumulative GROUP BY key
    ),
    counted AS MATERIALIZED (
        SELECT p.grp, p.status, p.rank, p.currency,
            sum(sum(p.deals)) OVER whole AS entered,
            sum(sum((p.furthest > p.rank) * p.deals)) OVER whole AS advanced,
            sum(sum((p.outcome = 'won') * p.deals)) OVER whole AS won,
            sum(sum((p.outcome = 'lost') * p.deals)) OVER whole AS lost,
            sum(sum((p.outcome = 'cancelled') * p.deals)) OVER whole AS cancelled,
            sum(sum((p.outcome = 'open') * p.deals)) OVER whole AS open,
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
"""Each deal's path in one pass over its history, in the order of the history index (the
group needs no sort): the lowest and the furthest open status of its rows, the day it first
entered one; the deals entered from `:since` to `:until`, counted and summed per path taken
(a few dozen rows, amounts being whole), and the open statuses each path passed through;
the days each spent in each open status, from its stays in one (`STAYS` sought for those
deals only, their group read from the deal and its account by key: the cohort would need an
index built); then, per group, status and currency, the amounts, with the counts of the
group and status and their median days beside them. Each status's rank and how far it
reaches are worked out once (`reach`), not per history row; CROSS JOIN keeps the history
the outer loop, in its index order. Window functions over every stay of the history (its
path, its days in each status) cost twice as much; the medians are read from how many deals
spent each number of days (a few hundred rows to rank, not one per deal and status)."""


COHORT = "SELECT opportunity_id AS id FROM cohort"
"""The deals whose stays the funnel reads."""


def report(
    conn: sqlite3.Connection,
    since: dt.date | None = None,
    until: dt.date | None = None,
    by: str | None = None,
) -> FunnelReport:
    """The funnel of the deals that entered their first open status from `since` to `until`
    (inclusive), split by one of `GROUPINGS` if `by` names one."""
    sql = FUNNEL.format(
        stays=STAYS.format(state=COHORT, entered=IN_OPEN_STATUS),
        group=GROUPINGS[by] if by else "NULL",
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
    steps: list[FunnelStep] = []
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
        "entered": entered,
        "advanced": row["advanced"],
        "won": won,
        "lost": row["lost"],
        "cancelled": row["cancelled"],
        "open": row["open"],
        "advanced_percent": percent(row["advanced"], entered),
        "won_percent": percent(won, entered),
        "win_rate": percent(won, won + row["lost"]),
        "median_days": whole_if_whole(row["median_days"]),
        "amounts": [],
    }
