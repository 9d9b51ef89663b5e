"""Statistics of closed business: win rate, deal size, sales cycle, time in each status,
and the reasons deals were lost or cancelled."""

import bisect
import datetime as dt
import itertools
import sqlite3
from collections import Counter, defaultdict
from fractions import Fraction
from typing import Any

from colibri_cli.core import clock, rates, records
from colibri_cli.core.reports import half_up, state_at
from colibri_cli.core.shapes import (
    Reason,
    SalesCycle,
    StatsReport,
    TimeInStatus,
    Velocity,
    WinRate,
    WonAmounts,
)

CLOSED = """
    SELECT o.amount, o.currency, o.created_on, o.closed_on, o.close_reason, s.kind
    FROM ({state}) AS o JOIN statuses AS s ON s.key = o.status
    WHERE s.kind <> 'open' AND o.closed_on BETWEEN :since AND :until
"""


class _Span:
    """The closed deals `stats` looks at: closed between `since` and `until` (inclusive),
    as they are now or, with `until`, as they stood at the end of that day."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        since: dt.date | None,
        until: dt.date | None,
        into: rates.Conversion | None,
    ) -> None:
        self.into = into
        self.state, state_params = state_at(conn, until)
        self.closed = CLOSED.format(state=self.state)
        self.params = {
            **state_params,
            "since": since.isoformat() if since else "0000-01-01",
            "until": until.isoformat() if until else "9999-12-31",
        }


def stats(
    conn: sqlite3.Connection,
    since: dt.date | None = None,
    until: dt.date | None = None,
    into: rates.Conversion | None = None,
) -> StatsReport:
    """Figures over the opportunities closed from `since` to `until` (all of them by
    default), as they stood at the end of `until`; time in status over the stays that
    began on or after `since`, counted up to `until`. `into` one currency: each won
    amount at the rates of its closing day."""
    span = _Span(conn, since, until, into)
    win_rate, won, cycle = _win_rate(conn, span), _won_amounts(conn, span), _sales_cycle(conn, span)
    return {
        "date": clock.today().isoformat(),
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
        "win_rate": win_rate,
        "won": won,
        "sales_cycle": cycle,
        "velocity": _velocity(conn, span, win_rate, won, cycle),
        "time_in_status": _time_in_status(conn, span, until or clock.today()),
        "reasons": _reasons(conn, span),
        **({"conversion": into.described()} if into else {}),
    }


def _win_rate(conn: sqlite3.Connection, span: _Span) -> WinRate:
    counts = dict.fromkeys(("won", "lost", "cancelled"), 0)
    for row in records.fetch(
        conn, f"SELECT kind, count(*) AS n FROM ({span.closed}) GROUP BY kind", span.params
    ):
        counts[row["kind"]] = row["n"]
    decided = counts["won"] + counts["lost"]
    rate = half_up(Fraction(100 * counts["won"], decided), 1) if decided else None
    return {**counts, "rate": rate}


def _won_amounts(conn: sqlite3.Connection, span: _Span) -> list[WonAmounts]:
    """Per currency: count, total, average and median of the won amounts, in whole units
    (rounded half-up, like every amount); into one currency, each at its closing day's
    rates. The deals are counted per amount (and closing day, to convert them), so that
    each figure is computed from the few amounts there are, not from every deal."""
    day = "closed_on" if span.into else "NULL"
    by_currency: dict[str, Counter[Fraction]] = {}
    for row in records.fetch(
        conn,
        f"SELECT currency, amount, {day} AS day, count(*) AS deals FROM ({span.closed})"
        " WHERE kind = 'won' GROUP BY currency, amount, day ORDER BY currency",
        span.params,
    ):
        amount, currency = _counted(row["amount"]), row["currency"]
        if span.into:
            amount, currency = span.into.convert(amount, currency, row["day"]), span.into.into
        by_currency.setdefault(currency, Counter())[amount] += row["deals"]
    return [
        {
            "currency": currency,
            "count": amounts.total(),
            "amount": half_up(_sum_counted(amounts)),
            "average": half_up(_sum_counted(amounts) / amounts.total()),
            "median": half_up(_median_counted(amounts)),
        }
        for currency, amounts in by_currency.items()
    ]


def _sum_counted(counted: Counter[Fraction]) -> Fraction:
    return sum((value * times for value, times in counted.items()), Fraction(0))


def _counted(amount: object) -> Fraction:
    """An amount as a sum counts it: what another program stored that is not a number
    counts as 0, as SQLite's sum() counts it in the other reports."""
    return Fraction(amount) if isinstance(amount, int | float) else Fraction(0)


def _sales_cycle(conn: sqlite3.Connection, span: _Span) -> SalesCycle:
    """Days from creation to closing of the won opportunities (of those whose two dates
    are dates: another program may have stored something else), counted per number of
    days."""
    counted = Counter(
        {
            row["days"]: row["deals"]
            for row in records.fetch(
                conn,
                f"SELECT CAST(julianday(closed_on) - julianday(created_on) AS INTEGER) AS days,"
                f" count(*) AS deals FROM ({span.closed}) WHERE kind = 'won' AND days IS NOT NULL"
                " GROUP BY days",
                span.params,
            )
        }
    )
    median = _median_counted(counted)
    return {
        "count": counted.total(),
        "median_days": int(median) if median is not None and median == int(median) else median,
    }


def _velocity(
    conn: sqlite3.Connection, span: _Span, win_rate: dict, won: list[dict], cycle: dict
) -> list[Velocity]:
    """Pipeline velocity per currency, the amount the pipeline brings in a day: open deals
    (now, or at the end of `until`) × win rate × average won amount ÷ median sales cycle,
    computed from the exact values of the figures above and rounded half-up to a whole
    unit. None, with the reason in `missing`, where an input is missing."""
    counted = records.fetch(
        conn,
        f"""
        SELECT o.currency, count(*) AS count
        FROM ({span.state}) AS o JOIN statuses AS s ON s.key = o.status
        WHERE s.kind = 'open' GROUP BY o.currency
        """,
        span.params,
    )
    open_deals: dict[str, int] = defaultdict(int)
    for row in counted:  # converted, every open deal counts in the one currency
        open_deals[span.into.into if span.into else row["currency"]] += row["count"]
    won_by_currency = {row["currency"]: row for row in won}
    rows = []
    for currency in sorted(open_deals.keys() | won_by_currency.keys()):
        deals, its_won = open_deals.get(currency, 0), won_by_currency.get(currency)
        missing = _missing_for_velocity(its_won, cycle)
        per_day = None
        if missing is None:
            rate = Fraction(win_rate["won"], win_rate["won"] + win_rate["lost"])
            average = Fraction(its_won["amount"], its_won["count"])
            per_day = half_up(deals * rate * average / Fraction(cycle["median_days"]))
        rows.append(
            {"currency": currency, "open_deals": deals, "per_day": per_day, "missing": missing}
        )
    return rows


def _missing_for_velocity(won: dict | None, cycle: dict) -> str | None:
    """Why a currency's velocity cannot be computed: no deal won in it (no average won
    amount, and perhaps no win rate), no sales cycle measured, or a median cycle of 0 days
    (nothing to divide by). None when every input is there."""
    if won is None:
        return "no_won_deal"
    if cycle["median_days"] is None:
        return "no_sales_cycle"
    if cycle["median_days"] == 0:
        return "zero_cycle"
    return None


# Days are counted between dates, as the clock counts them: a stay entered on the 3rd and
# left on the 10th lasted 7 days, whatever the hours of the two changes. Up to a past day
# (`:cutoff` is the day after it), the history stops there and so does a stay going on.
# The stays are those the history triggers keep (migration m013), one row each: where a
# stay begins and ends read there, not sought in the history for each of its rows.
STAYS = """
    SELECT h.id, h.opportunity_id, h.status, h.changed_at,
        CAST(coalesce(CASE WHEN h.left_at < :cutoff THEN h.left_day END, julianday(:today))
            - h.entered_day AS INTEGER) AS days,
        h.left_at IS NULL OR h.left_at >= :cutoff AS ongoing
    FROM opportunity_stays AS h
    WHERE h.opportunity_id IN (SELECT id FROM ({state})) AND h.changed_at < :cutoff
        AND {entered}
"""
"""Every stay in a status (any kind, known or not) of a deal of `{state}` (those out of
the trash, as they are or as they stood), from its history before `:cutoff`, that begins
with a history row `h` meeting `{entered}`: its row's id, the day it entered, the days it
lasted (to `:today` while it goes on), whether it goes on."""

IN_OPEN_STATUS = "h.status IN (SELECT key FROM statuses WHERE kind = 'open')"
"""The stays in an open status: only their rows are sought in the index."""
OPEN_SINCE = f"{IN_OPEN_STATUS} AND h.changed_at >= :since"
"""The stays `stats` counts: in an open status, begun on or after `:since`."""

# The stays first (CROSS JOIN keeps them the outer loop): the planner would otherwise go
# through the history once per status.
TIME_IN_STATUS = f"""
    SELECT st.key AS status, st.label, count(*) AS stays, sum(ongoing) AS ongoing,
        sum(days) AS days
    FROM ({STAYS}) AS stays CROSS JOIN statuses AS st ON st.key = stays.status
    GROUP BY st.key ORDER BY min(st.position)
"""


def _time_in_status(conn: sqlite3.Connection, span: _Span, last_day: dt.date) -> list[TimeInStatus]:
    """Average days an opportunity spends in each open status, from its history: a stay
    lasts from the day it entered the status to the day it left it (or to `last_day`, for
    a stay still going on then)."""
    rows = records.fetch(
        conn,
        TIME_IN_STATUS.format(state=span.state, entered=OPEN_SINCE),
        {
            **span.params,
            "today": last_day.isoformat(),
            "cutoff": (last_day + dt.timedelta(days=1)).isoformat(),
        },
    )
    for row in rows:
        row["average_days"] = half_up(Fraction(row.pop("days"), row["stays"]), 1)
    return rows


def _reasons(conn: sqlite3.Connection, span: _Span) -> list[Reason]:
    """Lost and cancelled reasons, most frequent first (the same words in any case count
    together)."""
    return records.fetch(
        conn,
        f"""
        SELECT kind, min(trim(close_reason)) AS reason, count(*) AS count,
            group_concat(DISTINCT currency) AS currencies
        FROM ({span.closed})
        WHERE kind IN ('lost', 'cancelled') AND trim(coalesce(close_reason, '')) <> ''
        GROUP BY kind, fold(trim(close_reason))
        ORDER BY kind DESC, count DESC, fold(reason), reason
        """,
        span.params,
    )


def _median_counted(counted: Counter) -> Any:
    """The median of values counted (value -> how many times), as statistics.median gives
    it of the values one by one: the middle one, or the mean of the two middle ones. None
    when there is none."""
    total = counted.total()
    if not total:
        return None
    values = sorted(counted)
    cumulative = list(itertools.accumulate(counted[value] for value in values))

    def at(index: int) -> Any:
        return values[bisect.bisect_right(cumulative, index)]

    if total % 2:
        return at(total // 2)
    return (at(total // 2 - 1) + at(total // 2)) / 2
