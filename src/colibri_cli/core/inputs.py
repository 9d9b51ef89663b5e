"""Text typed by the user, read with the settings of the database in use."""

import datetime as dt
import sqlite3

from colibri_cli.core import clock, dates, settings


def read_date(conn: sqlite3.Connection, text: str, *, field: str, past: bool = False) -> dt.date:
    """A date in any form of design §4, numeric dates read in the `date-order` setting and
    quarter and year ends in the fiscal year of `fiscal-year-start`. `past` is for a date
    that can only be in the past: "20/11" or "friday" is then the last one, not the next."""
    return dates.parse_date(
        text,
        today=clock.today(),
        order=settings.get(conn, "date-order"),
        field=field,
        fiscal_start=settings.number(conn, "fiscal-year-start"),
        past=past,
    )


def read_moment(
    conn: sqlite3.Connection, text: str, *, field: str, past: bool = False
) -> tuple[dt.date, dt.time | None]:
    """A date as `read_date` reads it, maybe with a time of day ("yesterday 10:00")."""
    return dates.parse_moment(
        text,
        today=clock.today(),
        order=settings.get(conn, "date-order"),
        field=field,
        fiscal_start=settings.number(conn, "fiscal-year-start"),
        past=past,
    )


def read_optional_moment(
    conn: sqlite3.Connection, text: str | None, *, field: str
) -> tuple[dt.date | None, dt.time | None]:
    """A date maybe with a time of day, as `read_moment` reads it; (None, None) for no text,
    and for "", "none" or "-", so that a due date can be cleared."""
    if text is None or _no_date(text):
        return (None, None)
    return read_moment(conn, text, field=field)


def _no_date(text: str) -> bool:
    return text.strip().lower() in ("", "none", "-")
