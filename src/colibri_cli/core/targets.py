"""Targets: the amount to reach in a month or a quarter, per currency."""

import sqlite3

from colibri_cli.core import money, periods, records, settings
from colibri_cli.core.errors import InvalidInput, NotFound
from colibri_cli.i18n import N_, _, format_number

COLUMNS = ("period", "currency", "amount")


def set_target(
    conn: sqlite3.Connection, period_text: str, amount_text: str, currency: str | None = None
) -> tuple[dict, list[str]]:
    """Set (or replace) the target of a period; the currency defaults to the one written
    with the amount, else to the setting. Returns it with what the user should be told."""
    fiscal_start = settings.number(conn, "fiscal-year-start")
    period = periods.parse(period_text, fiscal_start)
    amount = money.parse_amount(amount_text, field=N_("target"))
    code = currency_code(currency or amount.currency or settings.get(conn, "currency"))
    conn.execute(
        "INSERT INTO targets (period, currency, amount) VALUES (?, ?, ?) "
        "ON CONFLICT (period, currency) DO UPDATE SET amount = excluded.amount",
        (period.label, code, amount.value),
    )
    notices = (
        [
            _("The target {text!r} was rounded to {value}.").format(
                text=amount_text.strip(), value=format_number(amount.value)
            )
        ]
        if amount.rounded
        else []
    )
    return {"period": period.label, "currency": code, "amount": amount.value}, notices


def currency_code(text: str) -> str:
    """An ISO currency code as the `currency` setting accepts it, or InvalidInput."""
    try:
        return settings.SETTINGS["currency"].normalize(text)
    except ValueError as error:
        raise InvalidInput(
            _("Invalid currency {text!r}: {reason}.").format(text=text, reason=error)
        ) from None


def list_targets(conn: sqlite3.Connection) -> list[dict]:
    return records.fetch(conn, "SELECT * FROM targets ORDER BY period, currency")


def quarters_moved(conn: sqlite3.Connection, old_start: int, new_start: int) -> list[str]:
    """What a change of `fiscal-year-start` does to the stored quarter targets: each one,
    named by its period, now covers other months."""
    if old_start == new_start:
        return []
    rows = conn.execute(
        "SELECT DISTINCT period FROM targets WHERE period GLOB '*-Q*' ORDER BY period"
    ).fetchall()
    moved = []
    for (label,) in rows:
        before, after = periods.parse(label, old_start), periods.parse(label, new_start)
        moved.append(
            _("{period} covered {before}, now {after}").format(
                period=label, before=_span(before), after=_span(after)
            )
        )
    return moved


def _span(period: periods.Period) -> str:
    months = period.months()
    return _("{first} to {last}").format(first=months[0], last=months[-1])


def delete_target(conn: sqlite3.Connection, period_text: str, currency: str | None = None) -> dict:
    period = periods.parse(period_text, settings.number(conn, "fiscal-year-start"))
    code = currency_code(currency) if currency else settings.get(conn, "currency")
    deleted = conn.execute(
        "DELETE FROM targets WHERE period = ? AND currency = ?", (period.label, code)
    ).rowcount
    if not deleted:
        raise NotFound(
            _("No target for {period} in {currency}. See `colibri target list`.").format(
                period=period.label, currency=code
            )
        )
    return {"period": period.label, "currency": code}
