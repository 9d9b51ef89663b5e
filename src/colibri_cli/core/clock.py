"""The one clock of colibri. `COLIBRI_TODAY=YYYY-MM-DD` fixes today for every command."""

import datetime as dt
import os

from colibri_cli.core.errors import InvalidInput


def today() -> dt.date:
    fixed = os.environ.get("COLIBRI_TODAY", "").strip()
    if not fixed:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(fixed)
    except ValueError:
        raise InvalidInput(
            f"COLIBRI_TODAY={fixed!r} is not a date: use the form YYYY-MM-DD, or unset it."
        ) from None


def now() -> str:
    """The timestamp of a change: today's date (fixed or real) with the real time of day."""
    return f"{today().isoformat()}T{dt.datetime.now().time().isoformat(timespec='microseconds')}"
