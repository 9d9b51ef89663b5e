"""Your own forecast call: the figure you expect to win in a month or a quarter.

A call is kept with the moment it was made and never changed: a later call for the same
period and currency replaces it from its own moment on. So the call "as it stood" at any
moment can be read back, and `forecast accuracy` measures the call standing when each
period began, as it measures the computed forecast. A quarter without a call of its own
takes the sum of the calls of its months, when any is made (as targets do).
"""

import datetime as dt
import sqlite3
from collections import defaultdict
from collections.abc import Callable

from colibri_cli.core import clock, money, periods, records, settings, targets
from colibri_cli.core.errors import InvalidInput
from colibri_cli.i18n import N_, _, format_number

COLUMNS = ("id", "period", "currency", "amount", "made_at")


def make(
    conn: sqlite3.Connection, period_text: str, amount_text: str, currency: str | None = None
) -> tuple[dict, list[str]]:
    """Record a call for a period not yet over; the currency defaults to the one written
    with the amount, else to the setting. Returns it with what the user should be told."""
    period = periods.parse(period_text, settings.number(conn, "fiscal-year-start"))
    if period.end < clock.today():
        raise InvalidInput(
            _(
                "{period} is over: a call says what you expect before a period ends "
                "(forecast accuracy shows how past calls did)."
            ).format(period=period.label)
        )
    amount = money.parse_amount(amount_text, field=N_("call"))
    code = targets.currency_code(currency or amount.currency or settings.get(conn, "currency"))
    call = {"period": period.label, "currency": code, "amount": amount.value}
    call["made_at"] = clock.now()
    call["id"] = conn.execute(
        "INSERT INTO forecast_calls (period, currency, amount, made_at) "
        "VALUES (:period, :currency, :amount, :made_at)",
        call,
    ).lastrowid
    notices = (
        [
            _("The call {text!r} was rounded to {value}.").format(
                text=amount_text.strip(), value=format_number(amount.value)
            )
        ]
        if amount.rounded
        else []
    )
    return {column: call[column] for column in COLUMNS}, notices


def list_calls(conn: sqlite3.Connection) -> list[dict]:
    """Every call made, by period, currency and moment: the later ones replaced the
    earlier ones of their period."""
    return records.fetch(
        conn, "SELECT * FROM forecast_calls ORDER BY period, currency, made_at, id"
    )


def standing(
    conn: sqlite3.Connection,
    window: list[periods.Period],
    before: Callable[[periods.Period], str],
) -> dict[tuple[str, str], int]:
    """The call standing for each (period, currency) of `window`: the last one made before
    the moment `before(period)` (an ISO timestamp, or a day: before its start)."""
    labels = {label for period in window for label in (period.label, *period.months())}
    made: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for call in records.fetch(
        conn,
        f"SELECT * FROM forecast_calls WHERE period IN ({', '.join('?' * len(labels))}) "
        "ORDER BY made_at, id",
        sorted(labels),
    ):
        made[(call["period"], call["currency"])].append(call)
    currencies = {currency for _, currency in made}
    found = {}
    for period in window:
        moment = before(period)
        for currency in currencies:
            own = _last(made, period.label, currency, moment)
            if own is None and period.kind == "quarter":
                months = [_last(made, month, currency, moment) for month in period.months()]
                called = [amount for amount in months if amount is not None]
                own = sum(called) if called else None
            if own is not None:
                found[(period.label, currency)] = own
    return found


def _last(made: dict, label: str, currency: str, moment: str) -> int | None:
    earlier = [call for call in made.get((label, currency), []) if call["made_at"] < moment]
    return earlier[-1]["amount"] if earlier else None


def end_of(day: dt.date) -> str:
    """The moment just after `day`: calls made on it or before stand at its end."""
    return (day + dt.timedelta(days=1)).isoformat()
