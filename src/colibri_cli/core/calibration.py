"""Are the statuses' probabilities right? Each against what became of the deals that were in it.

A deal counts for an open status once if its history shows it entered that status at least
once (a status it skipped never weighed it), and only once it is closed: won counts as an
outcome of 1, lost as 0; a cancelled deal is counted apart, as in the win rate (won / (won +
lost)), since the customer dropped the project rather than chose. Deals in the trash are
left out, as from every report.

The forecast weighs a deal by coalesce(its own probability, its status's): a status's
probability is calibrated only against the deals that followed it, so a deal that had a
probability of its own at any moment in a status is left out for that status (counted in
`own_probability`). The probability compared is the one the status had when the deal first
entered it, as the history recorded it (`status_probability`), so that changing a status's
probability later does not rewrite what was forecast.

Per status: the share won, a 90 % Wilson score interval around it, the Brier score (the
mean of (probability - outcome)², 0 when every probability was right, 0.25 for always
saying 50 %) and, from `MINIMUM_DEALS` deals on, the share won as a suggested probability.
"""

import datetime as dt
import math
import sqlite3
from collections.abc import Mapping
from fractions import Fraction

from colibri_cli.core import clock, records, statuses
from colibri_cli.core.reports import half_up
from colibri_cli.core.shapes import CalibrationReport, StatusCalibration

MINIMUM_DEALS = 10
"""Won and lost deals a status needs before its share won is suggested as its probability:
with fewer, one deal more or less moves the share by 10 points or more (the 90 % interval of
3 won out of 10 already spans 12.7 % to 55.8 %)."""
Z_90 = 1.6449
"""The standard normal quantile of a two-sided 90 % interval."""

# One pass over the history, in its own order, each row's deal found by its key (faster
# than seeking each closed deal's rows). With one min() in a group, SQLite takes the bare
# column `used_probability` from the row holding the min: the first row, by (changed_at,
# id), of the deal in the status.
PASSAGES = """
    WITH passages AS (
        SELECT h.status, outcome.kind AS outcome,
            sum(h.probability IS NOT NULL) > 0 AS had_own,
            min(printf('%s %020d', h.changed_at, h.id)) AS first_row,
            coalesce(h.status_probability, s.probability) AS used_probability
        FROM opportunity_history AS h
        CROSS JOIN opportunities AS o ON o.id = h.opportunity_id
        JOIN statuses AS s ON s.key = h.status
        JOIN statuses AS outcome ON outcome.key = o.status
        WHERE o.closed_on >= :since AND o.deleted_at IS NULL AND s.kind = 'open'
            AND outcome.kind <> 'open'
        GROUP BY h.opportunity_id, h.status
    ),
    per_status AS (
        SELECT status,
            sum(NOT had_own AND outcome <> 'cancelled') AS deals,
            sum(NOT had_own AND outcome = 'won') AS won,
            sum(NOT had_own AND outcome = 'cancelled') AS cancelled,
            sum(had_own) AS own_probability,
            sum(CASE WHEN NOT had_own AND outcome <> 'cancelled' THEN used_probability END)
                AS used_sum,
            sum(CASE WHEN NOT had_own AND outcome <> 'cancelled'
                THEN (used_probability - 100 * (outcome = 'won'))
                    * (used_probability - 100 * (outcome = 'won')) END) AS squared_errors
        FROM passages GROUP BY status
    )
    SELECT s.key AS status, s.label, s.probability, coalesce(p.deals, 0) AS deals,
        coalesce(p.won, 0) AS won, coalesce(p.cancelled, 0) AS cancelled,
        coalesce(p.own_probability, 0) AS own_probability, p.used_sum, p.squared_errors
    FROM statuses AS s LEFT JOIN per_status AS p ON p.status = s.key
    WHERE s.kind = 'open' ORDER BY s.position, s.key
"""
"""Per open status, in pipeline order: its won and lost deals (with the sum of the
probabilities used and of their squared errors, in points²), cancelled ones and those that
had a probability of their own."""


def report(conn: sqlite3.Connection, since: dt.date | None = None) -> CalibrationReport:
    """The calibration of every open status over the deals closed on or after `since`."""
    rows = records.fetch(conn, PASSAGES, {"since": since.isoformat() if since else "0000-01-01"})
    passages = sum(row["deals"] for row in rows)
    squared_errors = sum(row["squared_errors"] or 0 for row in rows)
    return {
        "date": clock.today().isoformat(),
        "since": since.isoformat() if since else None,
        "minimum_deals": MINIMUM_DEALS,
        "passages": passages,
        "brier": _brier(squared_errors, passages),
        "statuses": [_calibrated(row) for row in rows],
    }


def _calibrated(row: dict) -> StatusCalibration:
    deals, won = row["deals"], row["won"]
    low, high = wilson_interval(won, deals) if deals else (None, None)
    return {
        "status": row["status"],
        "label": row["label"],
        "probability": row["probability"],
        "used_probability": half_up(Fraction(row["used_sum"], deals), 1) if deals else None,
        "deals": deals,
        "won": won,
        "lost": deals - won,
        "cancelled": row["cancelled"],
        "own_probability": row["own_probability"],
        "won_percent": half_up(Fraction(100 * won, deals), 1) if deals else None,
        "low_percent": low,
        "high_percent": high,
        "brier": _brier(row["squared_errors"], deals),
        # half_up gives an int for 0 places; overloads will say so once core/reports.py is
        # reshaped.
        "suggested": (
            half_up(Fraction(100 * won, deals))  # type: ignore[typeddict-item]
            if deals >= MINIMUM_DEALS
            else None
        ),
    }


def wilson_interval(won: int, deals: int) -> tuple[float, float]:
    """The 90 % Wilson score interval of won / deals, in % to one decimal: unlike the normal
    approximation, it stays within 0 to 100 and is not empty for 0 or all won."""
    share, spread = won / deals, Z_90 * Z_90 / deals
    centre = (share + spread / 2) / (1 + spread)
    half_width = Z_90 / (1 + spread) * math.sqrt(share * (1 - share) / deals + spread / deals / 4)
    return (
        half_up(Fraction(max(0.0, centre - half_width) * 100), 1),
        half_up(Fraction(min(1.0, centre + half_width) * 100), 1),
    )


def _brier(squared_errors: int | None, deals: int) -> float | None:
    """The mean squared error of probabilities in points², as a share of 1 (÷ 100²), to
    three decimals; None without deals (and so without errors)."""
    if squared_errors is None or not deals:
        return None
    return half_up(Fraction(squared_errors, 10_000 * deals), 3)


def changes(report: Mapping) -> list[dict]:
    """The statuses whose suggested probability differs from their probability now."""
    return [
        {
            "status": row["status"],
            "label": row["label"],
            "probability": row["probability"],
            "suggested": row["suggested"],
        }
        for row in report["statuses"]
        if row["suggested"] is not None and row["suggested"] != row["probability"]
    ]


def apply(conn: sqlite3.Connection, wanted: list[dict]) -> None:
    """Set each suggested probability through `statuses.edit`, which records it in the
    history of the open deals that follow the status: forecasts of past days keep the
    probabilities they were made with."""
    for change in wanted:
        statuses.edit(conn, change["status"], probability=change["suggested"])
