"""Targets: the amount to reach in a month or a quarter, per currency."""

import sqlite3

from colibri_cli.core import money, periods, records, settings
from colibri_cli.core.errors import NotFound

COLUMNS = ("period", "currency", "amount")


def set_target(
    conn: sqlite3.Connection, period_text: str, amount_text: str, currency: str | None = None
) -> dict:
    """Set (or replace) the target of a period; the currency defaults to the setting."""
    fiscal_start = int(settings.get(conn, "fiscal-year-start"))
    period = periods.parse(period_text, fiscal_start)
    amount = money.parse_amount(amount_text, field="target")
    code = settings.SETTINGS["currency"].normalize(
        currency or amount.currency or settings.get(conn, "currency")
    )
    conn.execute(
        "INSERT INTO targets (period, currency, amount) VALUES (?, ?, ?) "
        "ON CONFLICT (period, currency) DO UPDATE SET amount = excluded.amount",
        (period.label, code, amount.value),
    )
    return {"period": period.label, "currency": code, "amount": amount.value}


def list_targets(conn: sqlite3.Connection) -> list[dict]:
    return records.fetch(conn, "SELECT * FROM targets ORDER BY period, currency")


def delete_target(conn: sqlite3.Connection, period_text: str, currency: str | None = None) -> dict:
    period = periods.parse(period_text, int(settings.get(conn, "fiscal-year-start")))
    code = currency.strip().upper() if currency else settings.get(conn, "currency")
    deleted = conn.execute(
        "DELETE FROM targets WHERE period = ? AND currency = ?", (period.label, code)
    ).rowcount
    if not deleted:
        raise NotFound(f"No target for {period.label} in {code}. See `colibri target list`.")
    return {"period": period.label, "currency": code}
