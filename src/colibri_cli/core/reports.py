"""Pipeline, forecast, forecast accuracy and statistics: the numbers of design §5.

Every sum is computed in SQL. Weighted amounts are summed exactly as amount * probability
and rounded half-up to whole units only at the end (`weighted`). Amounts in different
currencies are never added together: every figure is per currency.

A report can be computed from the opportunities as they are now, or from
`opportunity_history` as it stood at the end of a past day (`as_of`): an opportunity then
has the state of its latest history row of that day or before, and does not exist yet if
it has none.
"""

import datetime as dt
import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from fractions import Fraction

from colibri_cli.core import calls, clock, periods, rates, records, settings, touches
from colibri_cli.core.opportunities import NO_NEXT_STEP
from colibri_cli.core.shapes import (
    AccuracyReport,
    AccuracySummary,
    ForecastReport,
    ForecastRow,
    OpenSection,
    PipelineGroup,
    PipelineReport,
    Totals,
)
from colibri_cli.core.statuses import weighted
from colibri_cli.core.text import fold

CURRENT_STATE = """
    SELECT id, account_id, name, status, amount, due_date, probability, currency, closed_on,
        updated_at, created_on, close_reason, probability AS own_probability
    FROM opportunities WHERE deleted_at IS NULL
"""
# The latest history row of each opportunity before :cutoff (the day after `as_of`).
# Its probability is the one it had then: its own, else its status's at that time (else,
# for a row written by another program without it, its status's now). The history keeps
# no creation day nor close reason: those are the opportunity's. `own_probability` is the
# deal's own, without its status's. The latest row is one step back in the index of each
# deal's history (opportunity_id, changed_at, id), one seek a deal: asking of every history
# row whether a later one exists cost three times as much.
STATE_AS_OF = """
    SELECT o.id, o.account_id, o.name, h.status, h.amount, h.due_date,
        coalesce(h.probability, h.status_probability, s.probability) AS probability,
        h.currency, h.closed_on, h.changed_at AS updated_at, o.created_on, o.close_reason,
        h.probability AS own_probability
    FROM opportunities AS o
    JOIN opportunity_history AS h ON h.id = (
        SELECT latest.id FROM opportunity_history AS latest
        WHERE latest.opportunity_id = o.id AND latest.changed_at < :cutoff
        ORDER BY latest.changed_at DESC, latest.id DESC LIMIT 1
    )
    JOIN statuses AS s ON s.key = h.status
    WHERE NOT h.deleted
"""


def half_up(value: Fraction, places: int = 0) -> int | float:
    """An exact value rounded half-up (half away from zero, so that an error of -2.5 is as
    large as one of +2.5) to `places` decimals: a whole number when `places` is 0."""
    scale = 10**places
    magnitude = (abs(value) * scale * 2 + 1) // 2
    rounded = magnitude if value >= 0 else -magnitude
    return int(rounded) if not places else float(rounded) / scale


def state_at(conn: sqlite3.Connection, as_of: dt.date | None) -> tuple[str, dict]:
    """The deals out of the trash as a query (and its parameters): as they are, or, for a
    past day, as the history says they stood at its end. That state is gathered once, into
    a temporary table (made again at each call) which every query of the report reads: a
    report reads it three to six times, and gathering it costs about two reads of the
    history. Its columns have no type, so that each value is kept as it was stored."""
    if as_of is None:
        return CURRENT_STATE, {}
    params = {"cutoff": (as_of + dt.timedelta(days=1)).isoformat()}
    columns = conn.execute(f"SELECT * FROM ({STATE_AS_OF}) WHERE 0", params).description
    conn.execute("DROP TABLE IF EXISTS temp.state_as_of")
    conn.execute(f"CREATE TEMP TABLE state_as_of ({', '.join(column[0] for column in columns)})")
    conn.execute(f"INSERT INTO temp.state_as_of {STATE_AS_OF}", params)
    return "SELECT * FROM temp.state_as_of", params


def _fiscal_start(conn: sqlite3.Connection) -> int:
    return settings.number(conn, "fiscal-year-start")


# --- pipeline ----------------------------------------------------------------------------

ANY_DUE_DATE = "o.due_date > ''"
"""True of every deal (a due date is never empty), it has the planner read the open deals
from the index that holds all a pipeline needs (opportunities_open_state: status, due date,
currency, amount, probability, updated_at) rather than from one narrower that sends it to
the table for each deal: 0.2 s instead of 0.5 s for 150,000 open deals."""
GROUPINGS = ("status", "month", "quarter", "account")
_GROUP_SQL = {  # key, label, order, join
    "status": ("o.status", "max(s.label)", "min(s.position)", ""),
    "month": ("substr(o.due_date, 1, 7)", "NULL", "substr(o.due_date, 1, 7)", ""),
    "account": (
        "CAST(o.account_id AS TEXT)",
        "max(a.name)",
        "max(a.name) COLLATE NOCASE",
        "JOIN accounts AS a ON a.id = o.account_id",
    ),
}


def pipeline(
    conn: sqlite3.Connection,
    by: str = "status",
    listed: int | None = None,
    as_of: dt.date | None = None,
    into: rates.Conversion | None = None,
) -> PipelineReport:
    """Open opportunities grouped `by` status, month, quarter (of the due date) or account,
    with totals per currency, and the overdue and stale ones counted and listed (the
    first `listed` of them, or all), today or as they stood at the end of `as_of`; `into`
    one currency, at the rates of that day.

    Stale means untouched for its status's stale days (else `stale-days`) or more:
    unchanged by any command, with no activity at it and no task of it done (see
    `touches`); as of a past day, unchanged in the history (which keeps the changes of
    status, amount, due date, probability and currency, not those of a note), with no
    activity nor task done up to that day, by the status it then had.

    The deals without a next step (no open task) are counted, per currency, today only: the
    tasks keep no history to tell which were open on a day gone."""
    day = as_of or clock.today()
    state, params = state_at(conn, as_of)
    group_by = "month" if by == "quarter" else by
    key, label, order, join = _GROUP_SQL[group_by]
    rows = records.fetch(
        conn,
        f"""
        SELECT {key} AS grp, {label} AS label, o.currency, count(*) AS count,
            sum(o.amount) AS amount,
            sum(o.amount * coalesce(o.probability, s.probability)) AS weighted_x100
        FROM ({state}) AS o
        JOIN statuses AS s ON s.key = o.status
        {join}
        WHERE s.kind = 'open' AND {ANY_DUE_DATE}
        GROUP BY grp, o.currency
        ORDER BY {order}, o.currency
        """,
        params,
    )
    rows = _converted(rows, into, day, key=("grp", "label"))
    if by == "quarter":
        rows = _months_to_quarters(rows, _fiscal_start(conn))
    groups = [_finish_group(row) for row in rows]
    if by == "account":  # the biggest first, within each currency
        groups.sort(key=lambda group: (group["currency"], -group["amount"], fold(group["label"])))
    totals = _totals(rows)
    stale_days = settings.number(conn, "stale-days")
    own_stale_days = _own_stale_days(conn)
    soonest = day - dt.timedelta(days=min([stale_days, *own_stale_days.values()]) - 1)
    sections = (
        ("o.due_date < :today", {"today": day.isoformat()}),
        (
            # The change first, against the day of the status quickest to go stale: the
            # index rules out the deals changed since at once.
            f"o.updated_at < :soonest AND {ANY_DUE_DATE}"
            f" AND {touches.untouched_since('o', FRESH_FROM, ':today')}",
            {"stale_days": stale_days, "today": day.isoformat(), "soonest": soonest.isoformat()},
        ),
    )
    overdue, stale = (
        _open_section(conn, state, condition, {**params, **more}, listed, into, day)
        for condition, more in sections
    )
    no_next_step = (
        _open_totals(conn, state, NO_NEXT_STEP, params, into, day) if day == clock.today() else None
    )
    return {
        "date": clock.today().isoformat(),
        "as_of": as_of.isoformat() if as_of else None,
        "by": by,
        "groups": groups,
        "totals": totals,
        "overdue": overdue,
        "stale": {"days": stale_days, "statuses": own_stale_days, **stale},
        "no_next_step": no_next_step,
        **_conversion(into),
    }


FRESH_FROM = touches.fresh_from("o", ":today", ":stale_days")


def _own_stale_days(conn: sqlite3.Connection) -> dict[str, int]:
    """The open statuses with stale days of their own, and theirs, in pipeline order."""
    rows = conn.execute(
        "SELECT key, stale_days FROM statuses WHERE kind = 'open' AND stale_days IS NOT NULL"
        " ORDER BY position, key"
    )
    return dict(rows.fetchall())


def _converted(
    rows: list[dict],
    into: rates.Conversion | None,
    day: dt.date,
    key: tuple[str, ...],
    summed: tuple[str, ...] = ("count",),
) -> list[dict]:
    """Open deals or their sums per currency, `into` one currency at the rates of `day`."""
    return rates.merged(
        rows,
        into,
        key=key,
        summed=summed,
        converted=("amount", "weighted_x100"),
        day=lambda _row: day.isoformat(),
    )


def _conversion(into: rates.Conversion | None) -> dict:
    """The `conversion` a converted report gives (what into, at which rates); nothing for a
    report per currency."""
    return {"conversion": into.described()} if into else {}


def _months_to_quarters(rows: list[dict], fiscal_start: int) -> list[dict]:
    merged: dict[tuple[str, str], dict] = {}
    for row in rows:
        month = dt.date.fromisoformat(row["grp"] + "-01")
        quarter = periods.containing(month, "quarter", fiscal_start).label
        into = merged.setdefault(
            (quarter, row["currency"]),
            {
                "grp": quarter,
                "label": None,
                "currency": row["currency"],
                "count": 0,
                "amount": 0,
                "weighted_x100": 0,
            },
        )
        for field in ("count", "amount", "weighted_x100"):
            into[field] += row[field]
    return [merged[key] for key in sorted(merged)]


def _finish_group(row: dict) -> PipelineGroup:
    return {
        "group": row["grp"],
        "label": row["label"] if row["label"] is not None else row["grp"],
        "currency": row["currency"],
        "count": row["count"],
        "amount": half_up(row["amount"]),
        "weighted": weighted(row["weighted_x100"]),
    }


def _totals(rows: Iterable[dict]) -> list[Totals]:
    """Count, amount and weighted amount per currency, never across currencies."""
    totals: dict[str, dict] = {}
    for row in rows:
        total = totals.setdefault(
            row["currency"],
            {"currency": row["currency"], "count": 0, "amount": 0, "weighted_x100": 0},
        )
        total["count"] += row["count"]
        total["amount"] += row["amount"]
        total["weighted_x100"] += row["weighted_x100"]
    return [
        {
            "currency": total["currency"],
            "count": total["count"],
            "amount": half_up(total["amount"]),
            "weighted": weighted(total["weighted_x100"]),
        }
        for total in sorted(totals.values(), key=lambda total: total["currency"])
    ]


def _open_section(
    conn: sqlite3.Connection,
    state: str,
    condition: str,
    params: dict,
    limit: int | None,
    into: rates.Conversion | None,
    day: dt.date,
) -> OpenSection:
    """Totals per currency of the open opportunities of `state` meeting `condition`, and
    the first `limit` of them (all without a limit), soonest due first; `into` one
    currency at the rates of `day`."""
    # The first rows of each open status, read in due-date order from the index, then
    # merged: sorting every open opportunity to show ten would cost far more.
    keys = [
        row["key"] for row in records.fetch(conn, "SELECT key FROM statuses WHERE kind = 'open'")
    ]
    firsts = " UNION ALL ".join(
        f"SELECT * FROM (SELECT o.* FROM ({state}) AS o WHERE o.status = :status{index}"
        f" AND {condition} ORDER BY o.due_date, o.id LIMIT :limit)"
        for index in range(len(keys))
    )
    listed = (
        records.fetch(
            conn,
            f"""
        SELECT o.id, o.name, a.name AS account, o.amount, o.currency, o.due_date, o.status,
            coalesce(o.probability, s.probability) AS probability, o.updated_at,
            o.amount * coalesce(o.probability, s.probability) AS weighted_x100
        FROM ({firsts}) AS o
        JOIN statuses AS s ON s.key = o.status
        JOIN accounts AS a ON a.id = o.account_id
        ORDER BY o.due_date, o.id LIMIT :limit
        """,
            {
                **params,
                **{f"status{index}": key for index, key in enumerate(keys)},
                "limit": -1 if limit is None else limit,
            },
        )
        if keys
        else []
    )
    listed = _converted(listed, into, day, key=("id",), summed=())
    return {
        "totals": _open_totals(conn, state, condition, params, into, day),
        "opportunities": _finish_listing(listed),
    }


def _open_totals(
    conn: sqlite3.Connection,
    state: str,
    condition: str,
    params: dict,
    into: rates.Conversion | None,
    day: dt.date,
) -> list[Totals]:
    """Count, amount and weighted amount per currency of the open opportunities of `state`
    meeting `condition`; `into` one currency at the rates of `day`."""
    totals = records.fetch(
        conn,
        f"""
        SELECT o.currency, count(*) AS count, sum(o.amount) AS amount,
            sum(o.amount * coalesce(o.probability, s.probability)) AS weighted_x100
        FROM ({state}) AS o JOIN statuses AS s ON s.key = o.status
        WHERE s.kind = 'open' AND {condition}
        GROUP BY o.currency ORDER BY o.currency
        """,
        params,
    )
    return _totals(_converted(totals, into, day, key=()))


def _finish_listing(rows: list[dict]) -> list[dict]:
    """The rows as shown: the exact weighted sum becomes a whole weighted amount."""
    finished = []
    for row in rows:
        shown = {key: value for key, value in row.items() if key != "weighted_x100"}
        finished.append(
            {**shown, "amount": half_up(row["amount"]), "weighted": weighted(row["weighted_x100"])}
        )
    return finished


# --- forecast ----------------------------------------------------------------------------


def forecast(
    conn: sqlite3.Connection,
    *,
    kind: str = "month",
    count: int = 6,
    first: periods.Period | None = None,
    as_of: dt.date | None = None,
    into: rates.Conversion | None = None,
) -> ForecastReport:
    """What will close and when: per period and currency, won, weighted, expected, commit,
    best case, target and gap; open opportunities already past due on their own row.

    `into` one currency: open deals at the rates of the report's day, won deals at those
    of their closing day, targets and calls at those of their period's first day."""
    fiscal_start = _fiscal_start(conn)
    day = as_of or clock.today()
    first = first or periods.containing(day, kind, fiscal_start)
    window = periods.series(first, count, fiscal_start)
    standing = state_at(conn, as_of)
    figures = _forecast_figures(conn, window, day, standing, into)
    overdue = _overdue_row(conn, day, standing, into)
    moment = calls.end_of(as_of) if as_of else "9999"
    called = _per_period(calls.standing(conn, window, lambda _period: moment), window, into)
    targets = _per_period(_targets(conn, window), window, into)
    rows = _forecast_rows(
        window,
        figures,
        targets,
        called,
        {row["currency"] for row in overdue},
        into.into if into else settings.get(conn, "currency"),
    )
    return {
        "date": clock.today().isoformat(),
        "as_of": as_of.isoformat() if as_of else None,
        "period": kind,
        "commit_threshold": settings.number(conn, "commit-threshold"),
        "periods": rows,
        "overdue": overdue,
        **_conversion(into),
    }


def _per_period(
    amounts: dict[tuple[str, str], int],
    window: list[periods.Period],
    into: rates.Conversion | None,
    day_before: bool = False,
) -> dict[tuple[str, str], int]:
    """Targets or calls per (period label, currency), `into` one currency at the rates of
    each period's first day (or of the day before it: when the period's forecast was made),
    rounded half-up."""
    if into is None:
        return amounts
    starts = {period.label: period.start - dt.timedelta(days=day_before) for period in window}
    converted: dict[tuple[str, str], Fraction] = defaultdict(Fraction)
    for (label, currency), amount in amounts.items():
        converted[(label, into.into)] += into.convert(amount, currency, starts[label].isoformat())
    return {key: half_up(amount) for key, amount in converted.items()}


def _forecast_figures(
    conn: sqlite3.Connection,
    window: list[periods.Period],
    day: dt.date,
    standing: tuple[str, dict],
    into: rates.Conversion | None,
) -> dict[tuple[str, str], dict]:
    """Sums per (period label, currency), exact, of the deals `standing` (`state_at`). Open
    opportunities count from `day` on: those due earlier are overdue, reported apart, never
    moved into a period."""
    state, params = standing
    low, high = window[0].start.isoformat(), window[-1].end.isoformat()
    params = {
        **params,
        "low": max(low, day.isoformat()),
        "start": low,
        "high": high,
        "threshold": settings.number(conn, "commit-threshold"),
    }
    open_rows = records.fetch(
        conn,
        f"""
        WITH o AS ({state})
        SELECT substr(o.due_date, 1, 7) AS month, o.currency, count(*) AS count,
            sum(o.amount) AS best_case,
            sum(o.amount * coalesce(o.probability, s.probability)) AS weighted_x100,
            sum(CASE WHEN coalesce(o.probability, s.probability) >= :threshold
                THEN o.amount ELSE 0 END) AS commit_amount
        FROM o JOIN statuses AS s ON s.key = o.status
        WHERE s.kind = 'open' AND o.due_date BETWEEN :low AND :high
        GROUP BY month, o.currency
        """,
        params,
    )
    won_rows = records.fetch(
        conn,
        f"""
        WITH o AS ({state})
        SELECT substr(o.closed_on, 1, 7) AS month, o.closed_on AS day, o.currency,
            sum(o.amount) AS won
        FROM o JOIN statuses AS s ON s.key = o.status
        WHERE s.kind = 'won' AND o.closed_on BETWEEN :start AND :high
        GROUP BY o.closed_on, o.currency
        """,
        params,
    )
    open_rows = rates.merged(
        open_rows,
        into,
        key=("month",),
        summed=("count",),
        converted=("best_case", "weighted_x100", "commit_amount"),
        day=lambda _row: day.isoformat(),
    )
    won_rows = rates.merged(
        won_rows, into, key=("month",), converted=("won",), day=lambda row: row["day"]
    )
    by_month = {period_month: period for period in window for period_month in period.months()}
    figures: dict[tuple[str, str], dict] = defaultdict(lambda: defaultdict(int))
    for row in open_rows + won_rows:
        period = by_month.get(row["month"])
        if period is None:
            continue
        into_period = figures[(period.label, row["currency"])]
        for field, value in row.items():
            if field not in ("month", "day", "currency"):
                into_period[field] += value
    return figures


COVERAGE_KEYS = ("left_to_win", "coverage", "coverage_weighted")


def _forecast_rows(
    window: list[periods.Period],
    figures: dict,
    targets: dict,
    called: dict,
    overdue: set[str],
    default_currency: str,
) -> list[ForecastRow]:
    """One row per period and currency: every currency with something in the window, a
    target or a call in it, or overdue opportunities (so that no currency shows only as
    overdue); `default_currency` when there is none. Exact sums are rounded half-up here."""
    currencies = sorted(
        {currency for keyed in (figures, targets, called) for _period, currency in keyed} | overdue
        or {default_currency}
    )
    rows = []
    for period in window:
        for currency in currencies:
            found = figures.get((period.label, currency), {})
            won = half_up(found.get("won", 0))
            expected = won + weighted(found.get("weighted_x100", 0))
            target = targets.get((period.label, currency))
            rows.append(
                {
                    "period": period.label,
                    "start": period.start.isoformat(),
                    "end": period.end.isoformat(),
                    "currency": currency,
                    "count": found.get("count", 0),
                    "won": won,
                    "weighted": weighted(found.get("weighted_x100", 0)),
                    "expected": expected,
                    "commit": half_up(found.get("won", 0) + found.get("commit_amount", 0)),
                    "best_case": half_up(found.get("won", 0) + found.get("best_case", 0)),
                    "target": target,
                    "gap": None if target is None else target - expected,
                    "call": called.get((period.label, currency)),
                    **_coverage(target, won, found),
                }
            )
    return rows


def _coverage(target: int | None, won: int, found: dict) -> dict:
    """What is left to win of the target (never below 0), and how many times the open
    pipeline due in the period covers it: its amount (`coverage`) and its weighted amount
    (`coverage_weighted`), from the exact sums, to one decimal. None without a target, and
    for the ratios when nothing is left to win."""
    if target is None:
        return dict.fromkeys(COVERAGE_KEYS)
    left = max(target - won, 0)
    if not left:
        return {"left_to_win": 0, "coverage": None, "coverage_weighted": None}
    return {
        "left_to_win": left,
        "coverage": half_up(Fraction(found.get("best_case", 0), left), 1),
        "coverage_weighted": half_up(Fraction(found.get("weighted_x100", 0), 100 * left), 1),
    }


def _overdue_row(
    conn: sqlite3.Connection,
    day: dt.date,
    standing: tuple[str, dict],
    into: rates.Conversion | None,
) -> list[ForecastRow]:
    state, params = standing
    rows = records.fetch(
        conn,
        f"""
        WITH o AS ({state})
        SELECT o.currency, count(*) AS count, sum(o.amount) AS amount,
            sum(o.amount * coalesce(o.probability, s.probability)) AS weighted_x100,
            sum(CASE WHEN coalesce(o.probability, s.probability) >= :threshold
                THEN o.amount ELSE 0 END) AS commit_amount
        FROM o JOIN statuses AS s ON s.key = o.status
        WHERE s.kind = 'open' AND o.due_date < :day
        GROUP BY o.currency ORDER BY o.currency
        """,
        {
            **params,
            "day": day.isoformat(),
            "threshold": settings.number(conn, "commit-threshold"),
        },
    )
    rows = rates.merged(
        rows,
        into,
        key=(),
        summed=("count",),
        converted=("amount", "weighted_x100", "commit_amount"),
        day=lambda _row: day.isoformat(),
    )
    return [
        {
            "period": "overdue",
            "start": None,
            "end": None,
            "currency": row["currency"],
            "count": row["count"],
            "won": 0,
            "weighted": weighted(row["weighted_x100"]),
            "expected": weighted(row["weighted_x100"]),
            "commit": half_up(row["commit_amount"]),
            "best_case": half_up(row["amount"]),
            "target": None,
            "gap": None,
            "call": None,
            **dict.fromkeys(COVERAGE_KEYS),
        }
        for row in rows
    ]


def _targets(conn: sqlite3.Connection, window: list[periods.Period]) -> dict:
    """Targets per (period, currency). A quarter without a target of its own takes the sum
    of the targets of its months, when any is set."""
    stored = {
        (row["period"], row["currency"]): row["amount"]
        for row in records.fetch(conn, "SELECT period, currency, amount FROM targets")
    }
    found = {}
    currencies = {currency for _, currency in stored}
    for period in window:
        for currency in currencies:
            own = stored.get((period.label, currency))
            months = [stored.get((month, currency)) for month in period.months()]
            if own is None and period.kind == "quarter" and any(m is not None for m in months):
                own = sum(m for m in months if m is not None)
            if own is not None:
                found[(period.label, currency)] = own
    return found


# --- forecast accuracy -------------------------------------------------------------------


def accuracy(
    conn: sqlite3.Connection,
    *,
    kind: str = "month",
    last: int = 6,
    details: bool = False,
    into: rates.Conversion | None = None,
) -> AccuracyReport:
    """For each of the `last` completed periods: the expected amount forecast at the end of
    the day before it began, against what was actually won in it, and what slipped.

    Only periods that had a forecast count: those that began after the history's first day
    (a database begun on 2026-11-30 made no forecast for 2026-11).

    `into` one currency: the forecast, what slipped and the call at the rates of the day
    the forecast was made (the day before the period), what was won at those of its
    closing day."""
    fiscal_start = _fiscal_start(conn)
    current = periods.containing(clock.today(), kind, fiscal_start)
    window = periods.series(periods.following(current, -last, fiscal_start), last, fiscal_start)
    history_starts = _history_start(conn)
    window = [
        period
        for period in window
        if history_starts is not None and history_starts < period.start.isoformat()
    ]
    report = {
        "date": clock.today().isoformat(),
        "period": kind,
        "history_starts": history_starts,
        "left_out": last - len(window),
    }
    if not window:
        return {**report, "periods": [], "summary": [], **_conversion(into)}
    forecasts = _forecasts_at_start(conn, window, fiscal_start, into)
    actuals = _actuals(conn, window, into)
    called = calls.standing(conn, window, lambda period: period.start.isoformat())
    called = _per_period(called, window, into, day_before=True)
    slipped = _slipped(conn, window, fiscal_start, into) if details else {}
    currencies = sorted(
        {currency for keyed in (forecasts, actuals, called) for _period, currency in keyed}
    ) or [into.into if into else settings.get(conn, "currency")]
    rows = []
    for period in window:
        for currency in currencies:
            predicted = forecasts.get((period.label, currency), {})
            forecast_amount = weighted(predicted.get("weighted_x100", 0))
            actual = actuals.get((period.label, currency), 0)
            error = forecast_amount - actual
            call = called.get((period.label, currency))
            call_error = None if call is None else call - actual
            row = {
                "period": period.label,
                "currency": currency,
                "forecast": forecast_amount,
                "actual": actual,
                "error": error,
                "error_pct": error_percent(error, actual),
                "slipped_count": predicted.get("slipped_count", 0),
                "slipped_amount": half_up(predicted.get("slipped_amount", 0)),
                "call": call,
                "call_error": call_error,
                "call_error_pct": error_percent(call_error, actual),
            }
            if details:
                row["slipped"] = slipped.get((period.label, currency), [])
            rows.append(row)
    summary = _accuracy_summary(rows, currencies)
    return {**report, "periods": rows, "summary": summary, **_conversion(into)}


def _history_start(conn: sqlite3.Connection) -> str | None:
    """The first day the history knows, from which forecasts exist."""
    first = conn.execute("SELECT min(changed_at) FROM opportunity_history").fetchone()[0]
    return first[:10] if first else None


# Each history row is the state of an opportunity from `changed_at` until the next row.
# For the period its due date falls in, it was the forecast at the period's start if it
# began before that day and no later row of the deal had replaced it by then. Only the
# rows due in the window are looked at, and for those the index of each deal's history
# (opportunity_id, changed_at, id) tells at once whether a later row came before the
# period: the next row of every row of the history, by a window over it all, cost twice as
# much.
FORECAST_AT_START = """
    WITH spans AS (
        SELECT h.id AS row_id, h.opportunity_id, h.status, h.amount, h.probability,
            h.status_probability, h.currency, h.due_date, h.changed_at,
            date(substr(h.due_date, 1, 7) || '-01', printf('-%d months',
                ((CAST(substr(h.due_date, 6, 2) AS INTEGER) - :fiscal_start + 12) % 12)
                % :step)) AS period_start
        FROM opportunity_history AS h
        WHERE NOT h.deleted AND h.due_date BETWEEN :low AND :high
    ),
    forecast AS (
        SELECT spans.*, date(period_start, printf('+%d months', :step), '-1 day') AS period_end,
            spans.amount * coalesce(spans.probability, spans.status_probability, was.probability)
                AS weighted_x100
        FROM spans JOIN statuses AS was ON was.key = spans.status
        WHERE was.kind = 'open' AND spans.changed_at < period_start AND NOT EXISTS (
            SELECT 1 FROM opportunity_history AS later
            WHERE later.opportunity_id = spans.opportunity_id
                AND (later.changed_at, later.id) > (spans.changed_at, spans.row_id)
                AND later.changed_at < period_start
        )
    )
    SELECT forecast.*, o.name, o.status AS status_now, o.closed_on AS closed_on_now,
        (now.kind = 'won' AND o.closed_on BETWEEN period_start AND period_end) AS won_in_period
    FROM forecast
    JOIN opportunities AS o ON o.id = forecast.opportunity_id
    JOIN statuses AS now ON now.key = o.status
"""


def _forecast_query(window: list[periods.Period], fiscal_start: int, select: str) -> tuple:
    return (
        f"WITH rows AS ({FORECAST_AT_START}) {select}",
        {
            "fiscal_start": fiscal_start,
            "step": 1 if window[0].kind == "month" else 3,
            "low": window[0].start.isoformat(),
            "high": window[-1].end.isoformat(),
        },
    )


def _forecasts_at_start(
    conn: sqlite3.Connection,
    window: list[periods.Period],
    fiscal_start: int,
    into: rates.Conversion | None,
) -> dict:
    """Per (period, currency): sum of amount * probability of the opportunities open and
    due in the period as they stood at the end of the day before it, and the count and
    amount of those among them that were not won in it (slipped); `into` one currency at
    the rates of that day."""
    sql, params = _forecast_query(
        window,
        fiscal_start,
        """
        SELECT period_start, currency, sum(weighted_x100) AS weighted_x100,
            sum(NOT won_in_period) AS slipped_count,
            sum(CASE WHEN won_in_period THEN 0 ELSE amount END) AS slipped_amount
        FROM rows GROUP BY period_start, currency
        """,
    )
    labels = _labels_by_start(window)
    rows = rates.merged(
        records.fetch(conn, sql, params),
        into,
        key=("period_start",),
        summed=("slipped_count",),
        converted=("weighted_x100", "slipped_amount"),
        day=lambda row: eve(row["period_start"]),
    )
    return {(labels[row.pop("period_start")], row.pop("currency")): row for row in rows}


def eve(start: str) -> str:
    """The day a period's forecast was made: the eve of its `start`."""
    return (dt.date.fromisoformat(start) - dt.timedelta(days=1)).isoformat()


def _slipped(
    conn: sqlite3.Connection,
    window: list[periods.Period],
    fiscal_start: int,
    into: rates.Conversion | None,
) -> dict:
    """The opportunities due in each period at its start that were not won in it; `into`
    one currency at the rates of the day before the period."""
    sql, params = _forecast_query(
        window,
        fiscal_start,
        """
        SELECT period_start, currency, opportunity_id AS id, name, amount, due_date,
            status_now, closed_on_now
        FROM rows WHERE NOT won_in_period ORDER BY period_start, due_date, id
        """,
    )
    labels = _labels_by_start(window)
    found: dict[tuple[str, str], list[dict]] = defaultdict(list)
    listed = rates.merged(
        records.fetch(conn, sql, params),
        into,
        key=("period_start", "id"),
        converted=("amount",),
        day=lambda row: eve(row["period_start"]),
    )
    for row in listed:
        row["amount"] = half_up(row["amount"])
        found[(labels[row.pop("period_start")], row.pop("currency"))].append(row)
    return found


def _labels_by_start(window: list[periods.Period]) -> dict[str, str]:
    return {period.start.isoformat(): period.label for period in window}


def _actuals(
    conn: sqlite3.Connection, window: list[periods.Period], into: rates.Conversion | None
) -> dict:
    """What was won in each period: the deals won in it, as they are now (a close entered
    late counts on its day), but for those moved to the trash before the period ended;
    `into` one currency at the rates of each closing day, rounded half-up."""
    rows = records.fetch(
        conn,
        """
        SELECT o.closed_on AS day, o.currency, sum(o.amount) AS won,
            substr(o.deleted_at, 1, 10) AS deleted_on
        FROM opportunities AS o JOIN statuses AS s ON s.key = o.status
        WHERE s.kind = 'won' AND o.closed_on BETWEEN :start AND :end
        GROUP BY o.closed_on, o.currency, deleted_on
        """,
        {"start": window[0].start.isoformat(), "end": window[-1].end.isoformat()},
    )
    by_month = {month: period for period in window for month in period.months()}
    actuals: dict[tuple[str, str], Fraction] = defaultdict(Fraction)
    for row in rows:
        period = by_month[row["day"][:7]]
        if row["deleted_on"] is None or row["deleted_on"] > period.end.isoformat():
            won, currency = row["won"], row["currency"]
            if into:
                won, currency = into.convert(won, currency, row["day"]), into.into
            actuals[(period.label, currency)] += won
    return {key: half_up(won) for key, won in actuals.items()}


def error_percent(error: int | None, actual: int) -> float | None:
    return half_up(_percent(error, actual), 1) if error is not None and actual else None


def _accuracy_summary(rows: list[dict], currencies: list[str]) -> list[AccuracySummary]:
    """Mean absolute percentage error and bias, in % and in units, all over the same
    periods: those where something was won, since a percentage of nothing means nothing
    (the others are named in `unmeasured`). Means are of the exact errors, rounded half-up
    only at the end. The same of your calls, over the measured periods that had one, and
    the computed forecast's MAPE over those same periods, to compare the two."""
    summary = []
    for currency in currencies:
        own = [row for row in rows if row["currency"] == currency]
        measured = [row for row in own if row["actual"]]
        called = [row for row in measured if row["call"] is not None]
        summary.append(
            {
                "currency": currency,
                "periods": len(own),
                "measured_periods": len(measured),
                "unmeasured": [row["period"] for row in own if not row["actual"]],
                **errors(measured, "error"),
                "call_measured_periods": len(called),
                **{f"call_{key}": value for key, value in errors(called, "call_error").items()},
                "call_forecast_mape": errors(called, "error")["mape"],
            }
        )
    return summary


def errors(measured: list[dict], error: str) -> dict:
    """MAPE, bias in % and bias in units of the `error` of the measured rows."""
    percents = [_percent(row[error], row["actual"]) for row in measured]
    return {
        "mape": _mean([abs(percent) for percent in percents], 1),
        "bias": _mean(percents, 1),
        "bias_amount": _mean([Fraction(row[error]) for row in measured], 0),
    }


def _percent(part: int, whole: int) -> Fraction:
    return Fraction(100 * part, whole)


def _mean(values: list[Fraction], places: int) -> int | float | None:
    return half_up(sum(values) / len(values), places) if values else None
