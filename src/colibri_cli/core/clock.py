"""The one clock of colibri. `COLIBRI_TODAY=YYYY-MM-DD` fixes today for every command."""

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager

from colibri_cli.core.dates import FIRST_YEAR, LAST_YEAR
from colibri_cli.core.errors import InvalidInput
from colibri_cli.i18n import _

_pinned: dt.datetime | None = None


@contextmanager
def pinned(moment: dt.datetime) -> Iterator[None]:
    """Within the block, it is `moment`: for replaying a past day's work (the demo)."""
    global _pinned
    previous, _pinned = _pinned, moment
    try:
        yield
    finally:
        _pinned = previous


def today() -> dt.date:
    if _pinned is not None:
        return _pinned.date()
    fixed = os.environ.get("COLIBRI_TODAY", "").strip()
    if not fixed:
        return dt.date.today()
    try:
        day = dt.date.fromisoformat(fixed)
    except ValueError:
        raise InvalidInput(
            _(
                "COLIBRI_TODAY={value!r} is not a date: use the form YYYY-MM-DD, or unset it."
            ).format(value=fixed)
        ) from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise InvalidInput(
            _(
                "COLIBRI_TODAY={value!r} is outside the years {first} to {last}: "
                "use a date in between, or unset it."
            ).format(value=fixed, first=FIRST_YEAR, last=LAST_YEAR)
        )
    return day


_last_stamp = ""


def moment() -> dt.datetime:
    """Now, on colibri's day (`COLIBRI_TODAY` when set), at the real time of day: what a file
    colibri writes says it was made at (a calendar's DTSTAMP)."""
    return dt.datetime.combine(today(), dt.datetime.now().time()).astimezone()


def now() -> str:
    """The timestamp of a change: today's date (fixed or real) with the real time of day,
    later than the one before it on the same day in this process (a coarse clock gives two
    writes the same time, and a change stamped like the one it follows would look unstamped:
    see m004)."""
    global _last_stamp
    if _pinned is not None:
        return _pinned.isoformat(timespec="microseconds")
    time_of_day = dt.datetime.now().time().isoformat(timespec="microseconds")
    stamp = f"{today().isoformat()}T{time_of_day}"
    if stamp[:10] == _last_stamp[:10] and stamp <= _last_stamp:
        later = dt.datetime.fromisoformat(_last_stamp) + dt.timedelta(microseconds=1)
        stamp = later.isoformat(timespec="microseconds")
    _last_stamp = stamp
    return stamp
