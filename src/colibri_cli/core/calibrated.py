"""A forecast corrected by the past: each open deal weighed by what became of the deals that
were in its status before it, and moved by how late those closed.

Two corrections per open status, each only from `calibration.MINIMUM_DEALS` deals on (with
fewer, a deal keeps its probability or its date):
- the probability: the share won of the won and lost deals that were in the status, counted
  as `statuses calibrate` counts them (a deal once per status it entered; cancelled ones
  and those with a probability of their own left out), which is what it suggests. A deal
  with a probability of its own keeps it, as it would after `statuses calibrate --apply`.
- the date: the median number of days the won deals that were in the status closed after
  the last due date they had in it (0 for one closed on time or early), added to the due
  date. A deal whose corrected date is still before the day of the forecast stays overdue.

Both are computed from the history as it stood at a cutoff (the start of a day: the day
after the forecast's, or the first day of a backtested period), so that a backtest uses only
what was known before the period began. The history is read once for every cutoff: each
row is a state from its `changed_at` to the next row's (`until`), the state standing at a
cutoff being the one that began before it and lasted until it.
"""

import datetime as dt
import sqlite3
from collections import defaultdict
from collections.abc import Callable
from fractions import Fraction

from colibri_cli.core import (
    calibration,
    clock,
    periods,
    rates,
    records,
    reports,
    settings,
)
from colibri_cli.core.shapes import AccuracyReport, Correction, ForecastReport

NOW = "9999"
"""The cutoff after every history row: what is known today."""

SPANS = """
    cutoffs(cutoff) AS ({cutoffs}),
    spans AS MATERIALIZED (
        SELECT h.changed_at, h.status, h.amount, h.currency, h.due_date, h.probability,
            h.status_probability, (
                SELECT min(later.changed_at) FROM opportunity_history AS later
                WHERE later.opportunity_id = h.opportunity_id
                    AND (later.changed_at, later.id) > (h.changed_at, h.id)
            ) AS until
        FROM opportunity_history AS h CROSS JOIN statuses AS s ON s.key = h.status
        WHERE NOT h.deleted AND s.kind = 'open'
            AND h.changed_at < (SELECT max(cutoff) FROM cutoffs)
            AND date(h.due_date) BETWEEN :low AND :high
    ),
    standing AS (
        SELECT c.cutoff, spans.*
        FROM spans CROSS JOIN cutoffs AS c
            ON spans.changed_at < c.cutoff AND (spans.until IS NULL OR spans.until >= c.cutoff)
    )
"""
"""The open deals out of the trash at each cutoff (`standing`): the open rows of the
history, each until the next row of its deal (a seek in the index of each deal's history;
a window over the whole history stored every column of every row, closed ones too). The
history is the outer loop (CROSS JOIN): left to the planner, it went through the whole
history once for each cutoff and status. Only the rows that can be weighed are kept: begun
before the last cutoff and due by :high, which no correction brings forward, and from :low
(see `_first_due`)."""

# Each closed state of a deal out of the trash, from `changed_at` until the next row of its
# history (`until`), and, per open status the deal was in before it, whether it ever had a
# probability of its own in it and (for a won deal) the days it closed after the due date
# it had when it last left it: the row of the status with no later one in it before the
# close, found with the existence checks by seeks in the index of each deal's history (a
# GROUP BY close and status sorted every open row before a close; MATERIALIZED, so that
# `had_own` is checked once per row).
# A cutoff such a state stands at sees these rows and no others of the deal: every row
# before the cutoff is one of them or the state. Read once for every cutoff: joined to the
# cutoffs in SQL, the passages made a row per cutoff they stand at; instead, each is placed
# among the sorted cutoffs ({first} and {end}: see `_rank`; a state that lasts is placed after
# all of them) and those placed alike are summed, so that a few hundred rows reach Python
# rather than one per passage.
PASSAGES = """
    WITH closes AS (
        SELECT h.id, h.opportunity_id, h.changed_at, h.closed_on, s.kind AS outcome, (
            SELECT min(later.changed_at) FROM opportunity_history AS later
            WHERE later.opportunity_id = h.opportunity_id
                AND (later.changed_at, later.id) > (h.changed_at, h.id)
        ) AS until
        FROM opportunity_history AS h JOIN statuses AS s ON s.key = h.status
        WHERE s.kind <> 'open' AND NOT h.deleted
    ),
    lasts AS MATERIALIZED (
        SELECT close.changed_at AS closed_at, close.until, close.outcome, close.closed_on,
            h.status, EXISTS (
                SELECT 1 FROM opportunity_history AS own
                WHERE own.opportunity_id = close.opportunity_id AND own.status = h.status
                    AND (own.changed_at, own.id) < (close.changed_at, close.id)
                    AND own.probability IS NOT NULL
            ) AS had_own, h.due_date
        FROM closes AS close
        JOIN opportunity_history AS h ON h.opportunity_id = close.opportunity_id
            AND (h.changed_at, h.id) < (close.changed_at, close.id)
        JOIN statuses AS s ON s.key = h.status
        WHERE s.kind = 'open' AND NOT EXISTS (
            SELECT 1 FROM opportunity_history AS later
            WHERE later.opportunity_id = h.opportunity_id AND later.status = h.status
                AND (later.changed_at, later.id) > (h.changed_at, h.id)
                AND (later.changed_at, later.id) < (close.changed_at, close.id)
        )
    )
    SELECT {first} AS first, coalesce({end}, :cutoffs) AS end, status,
        sum(NOT had_own AND outcome <> 'cancelled') AS counted,
        sum(NOT had_own AND outcome = 'won') AS won, sum(outcome = 'won') AS delayed,
        max(0, CAST(julianday(closed_on) - julianday(due_date) AS INTEGER)) AS days
    FROM lasts GROUP BY first, end, status, days
"""

# The open deals standing at each cutoff, weighted and dated as corrected, per month of the
# corrected due date (or 'overdue' when it is before the day of the forecast), up to :high.
# The deals are the outer loop (CROSS JOIN): left to the planner, it indexed them by status
# to go through them once per status.
CORRECTED = """
    WITH {source},
    corrections(cutoff, status, probability, shift) AS ({corrections}),
    corrected AS (
        SELECT o.cutoff, o.day, o.currency,
            o.amount * coalesce(o.own_probability, c.probability, o.probability, s.probability)
                AS weighted_x100,
            date(o.due_date, printf('+%d days', coalesce(c.shift, 0))) AS due
        FROM deals AS o CROSS JOIN statuses AS s ON s.key = o.status
        LEFT JOIN corrections AS c ON c.cutoff = o.cutoff AND c.status = o.status
        WHERE s.kind = 'open'
    )
    SELECT cutoff, CASE WHEN due < day THEN 'overdue' ELSE substr(due, 1, 7) END AS month,
        currency, sum(weighted_x100) AS weighted_x100
    FROM corrected WHERE due <= :high GROUP BY cutoff, month, currency
"""
# The deals a forecast of today (or of the end of :as_of) weighs, as `reports` reads them.
TODAY = """
    deals AS (
        SELECT :cutoff AS cutoff, :day AS day, state.* FROM ({state}) AS state
    )
"""
# The deals standing at the start of each backtested period, as `reports.accuracy` reads them.
AT_STARTS = f"""
    {SPANS},
    deals AS (
        SELECT cutoff, cutoff AS day, status, amount, currency, due_date,
            probability AS own_probability,
            coalesce(probability, status_probability) AS probability
        FROM standing
    )
"""


def corrections(conn: sqlite3.Connection, cutoffs: list[str]) -> dict[str, list[Correction]]:
    """Per cutoff, per open status in pipeline order: its probability now and the corrected
    one, the won and lost deals that were in it, the won ones among them and the days added
    to the due date (None where too few deals say)."""
    known = _Known(sorted(cutoffs))
    values = _values(known.cutoffs)
    sql = PASSAGES.format(
        first=_rank("closed_at", known.cutoffs), end=_rank("until", known.cutoffs)
    )
    for placed in records.fetch(conn, sql, {**values.params, "cutoffs": len(known.cutoffs)}):
        known.add(**placed)
    open_statuses = records.fetch(
        conn,
        "SELECT key, label, probability FROM statuses WHERE kind = 'open' ORDER BY position, key",
    )
    return {
        cutoff: [_correction(status, *known.at(cutoff, status["key"])) for status in open_statuses]
        for cutoff in cutoffs
    }


class _Known:
    """The passages standing at each of the sorted `cutoffs`, counted per status: each adds
    its counts at the first cutoff it stands at and takes them off after the last, so that
    a running sum across the cutoffs gives what each one sees, without a row per passage and
    cutoff. Delays are counted per number of days, few of which differ."""

    def __init__(self, cutoffs: list[str]) -> None:
        self.cutoffs = cutoffs
        self.changes: dict[tuple, list[int]] = defaultdict(lambda: [0] * (len(cutoffs) + 1))

    def add(
        self,
        first: int,
        end: int,
        status: str,
        counted: int,
        won: int,
        delayed: int,
        days: int | None,
    ) -> None:
        """Passages in `status` that stand at the cutoffs from index `first` to before `end`:
        `counted` won and lost deals, `won` won ones, `delayed` of them `days` late."""
        if first >= end:
            return
        for key, amount in ((_DEALS, counted), (_WON, won), (days, delayed)):
            if amount:
                changes = self.changes[(status, key)]
                changes[first] += amount
                changes[end] -= amount

    def at(self, cutoff: str, status: str) -> tuple[dict, dict]:
        """The win rate and the delays of `status` at `cutoff`."""
        upto = self.cutoffs.index(cutoff) + 1
        standing = {
            key: sum(changes[:upto]) for (of, key), changes in self.changes.items() if of == status
        }
        delays = sorted(
            (
                (key, deals)
                for key, deals in standing.items()
                if key not in (_DEALS, _WON) and deals
            ),
            key=lambda pair: (pair[0] is not None, pair[0] or 0),
        )
        rate = {"deals": standing.get(_DEALS, 0), "won": standing.get(_WON, 0)}
        return rate, _median(delays)


_DEALS = "deals"
_WON = "won"
"""The keys of `_Known`'s counts of won and lost deals and of won ones, beside the numbers
of days of its delays."""


def _median(days: list[tuple[int | None, int]]) -> dict:
    """Count and median of delays given as (days, deals) sorted with unknown days first, as
    `slippage.distribution` takes them: the mean of the known days at the middle rank or
    ranks."""
    count = sum(deals for _days, deals in days)
    if not count:
        return {"count": 0}
    middle = []
    passed = 0
    for value, deals in days:
        middle += [
            value
            for rank in {(count + 1) // 2, (count + 2) // 2}
            if passed < rank <= passed + deals
        ]
        passed += deals
    known = [value for value in middle if value is not None]
    return {"count": count, "median_days": Fraction(sum(known), len(known)) if known else None}


def _correction(status: dict, rate: dict, delay: dict) -> Correction:
    enough = calibration.MINIMUM_DEALS
    return {
        "status": status["key"],
        "label": status["label"],
        "probability": status["probability"],
        # half_up gives an int for 0 places; overloads will say so once core/reports.py is
        # reshaped.
        "calibrated_probability": (
            reports.half_up(Fraction(100 * rate["won"], rate["deals"]))  # type: ignore[typeddict-item]
            if rate["deals"] >= enough
            else None
        ),
        "deals": rate["deals"],
        "won_deals": delay["count"],
        "shift_days": (
            reports.half_up(Fraction(delay["median_days"]))  # type: ignore[typeddict-item]
            if delay["count"] >= enough
            else None
        ),
    }


class _Values:
    """Rows of `width` columns as SQL (a select of each, or of none), with its parameters."""

    def __init__(self, prefix: str, rows: list[tuple], width: int) -> None:
        self.params = {
            f"{prefix}{index}_{column}": value
            for index, row in enumerate(rows)
            for column, value in enumerate(row)
        }
        self.sql = (
            " UNION ALL ".join(
                "SELECT " + ", ".join(f":{prefix}{index}_{column}" for column in range(width))
                for index in range(len(rows))
            )
            or f"SELECT {', '.join(['NULL'] * width)} WHERE 0"
        )


def _values(cutoffs: list[str]) -> _Values:
    return _Values("cutoff", [(cutoff,) for cutoff in cutoffs], 1)


def _rank(column: str, cutoffs: list[str]) -> str:
    """SQL for the number of the sorted `cutoffs` (as `_values` names them) not after
    `column`, as `bisect_right` counts them (NULL where `column` is): a sum of comparisons,
    where a subquery over the cutoffs took twice as long."""
    return " + ".join(f"(:cutoff{index}_0 <= {column})" for index in range(len(cutoffs))) or "0"


def _corrected_sums(
    conn: sqlite3.Connection,
    source: str,
    params: dict,
    found: dict[str, list[Correction]],
    high: str,
) -> list[dict]:
    """The weighted open deals of `source`, corrected by `found`, per cutoff, month and
    currency."""
    applied = _Values(
        "correction",
        [
            (cutoff, row["status"], row["calibrated_probability"], row["shift_days"])
            for cutoff, rows in found.items()
            for row in rows
            if row["calibrated_probability"] is not None or row["shift_days"] is not None
        ],
        4,
    )
    return records.fetch(
        conn,
        CORRECTED.format(source=source, corrections=applied.sql),
        {**params, **applied.params, "high": high},
    )


def _converted(
    summed: list[dict], into: rates.Conversion | None, day: Callable[[dict], str]
) -> list[dict]:
    """Corrected sums per currency, `into` one currency at the rates of their `day`."""
    return rates.merged(
        summed, into, key=("cutoff", "month"), converted=("weighted_x100",), day=day
    )


def forecast(conn: sqlite3.Connection, **options) -> ForecastReport:
    """`reports.forecast` with a `calibrated` figure on every row (won + corrected weighted,
    or the corrected weighted of the deals still overdue) and the corrections used."""
    report = reports.forecast(conn, **options)
    as_of = options.get("as_of")
    state, params = reports.state_at(conn, as_of)
    cutoff = params.get("cutoff", NOW)
    found = corrections(conn, [cutoff])
    day = (as_of or clock.today()).isoformat()
    high = max(row["end"] for row in report["periods"] if row["end"] is not None)
    summed = _corrected_sums(
        conn, TODAY.format(state=state), {**params, "cutoff": cutoff, "day": day}, found, high
    )
    summed = _converted(summed, options.get("into"), lambda _row: day)
    by_month: dict[tuple[str, str], int] = defaultdict(int)
    for summed_row in summed:
        by_month[(summed_row["month"], summed_row["currency"])] += summed_row["weighted_x100"]
    for row in report["periods"]:
        start, end = row["start"], row["end"]
        assert start is not None and end is not None  # only the overdue rows have neither
        corrected = sum(
            amount
            for (month, currency), amount in by_month.items()
            if currency == row["currency"] and month != "overdue" and start[:7] <= month <= end[:7]
        )
        row["calibrated"] = row["won"] + reports.weighted(corrected)
    for row in report["overdue"]:
        row["calibrated"] = reports.weighted(by_month.get(("overdue", row["currency"]), 0))
    return {**report, "corrections": found[cutoff]}


def _first_due(found: dict[str, list[Correction]], first_cutoff: str) -> str:
    """The first due date a backtest weighs: a deal due before it is overdue at every
    cutoff even moved by the longest correction of date, and a backtest leaves the overdue
    deals out (kept, they were two thirds of the history read)."""
    longest = max((row["shift_days"] or 0 for rows in found.values() for row in rows), default=0)
    return (dt.date.fromisoformat(first_cutoff) - dt.timedelta(days=longest)).isoformat()


def accuracy(conn: sqlite3.Connection, **options) -> AccuracyReport:
    """`reports.accuracy` with the calibrated forecast of each period backtested: the
    corrections as they could be computed at the end of the day before the period began,
    applied to the deals as they stood then; its error, and its MAPE and bias beside the
    computed forecast's, over the same measured periods."""
    report = reports.accuracy(conn, **options)
    fiscal_start = settings.number(conn, "fiscal-year-start")
    window = {
        label: periods.parse(label, fiscal_start)
        for label in dict.fromkeys(row["period"] for row in report["periods"])
    }
    starts = {period.start.isoformat(): label for label, period in window.items()}
    corrected: dict[tuple[str, str], int] = defaultdict(int)
    if window:
        values = _values(list(starts))
        high = max(period.end for period in window.values()).isoformat()
        found = corrections(conn, list(starts))
        source = AT_STARTS.format(cutoffs=values.sql)
        params = {**values.params, "low": _first_due(found, min(starts))}
        summed = _corrected_sums(conn, source, params, found, high)
        for summed_row in _converted(
            summed, options.get("into"), lambda row: reports.eve(row["cutoff"])
        ):
            label = starts[summed_row["cutoff"]]
            if summed_row["month"] != "overdue" and summed_row["month"] in window[label].months():
                corrected[(label, summed_row["currency"])] += summed_row["weighted_x100"]
    for row in report["periods"]:
        row["calibrated"] = reports.weighted(corrected[(row["period"], row["currency"])])
        row["calibrated_error"] = row["calibrated"] - row["actual"]
        row["calibrated_error_pct"] = reports.error_percent(row["calibrated_error"], row["actual"])
    for summary in report["summary"]:
        measured = [
            row
            for row in report["periods"]
            if row["currency"] == summary["currency"] and row["actual"]
        ]
        # reports.errors takes a list[dict]: a Sequence[Mapping] once core/reports.py is reshaped.
        errors = reports.errors(measured, "calibrated_error")  # type: ignore[arg-type]
        summary |= {
            "calibrated_mape": errors["mape"],
            "calibrated_bias": errors["bias"],
            "calibrated_bias_amount": errors["bias_amount"],
        }
    return report
