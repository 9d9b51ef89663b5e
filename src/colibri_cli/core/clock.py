"""The one clock of colibri. `COLIBRI_TODAY=YYYY-MM-DD` fixes today for every command.

A command's clock is a `Clock`, made once when the command starts (cli/context.py) from
COLIBRI_TODAY as it is then, and in use while the command runs (`running`). The functions
of this module (`today`, `now`, `moment`) ask the clock in use: core code needs no clock
handed down to every function to find the day. Outside a command (a library call, a
benchmark), a clock is made from the environment for each question.
"""

import datetime as dt
import functools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from colibri_cli.core.dates import FIRST_YEAR, LAST_YEAR
from colibri_cli.core.errors import InvalidInput
from colibri_cli.i18n import _


class Clock:
    """Today and the stamps of changes, for one command.

    `fixed` is COLIBRI_TODAY as given ("" for the real day), checked when a date is first
    asked for, so that a command that needs none runs whatever it says. `pinned`, a moment
    it always is (the demo replaying a past day's work).
    """

    __slots__ = ("_last_stamp", "fixed", "pinned")

    def __init__(self, fixed: str = "", pinned: dt.datetime | None = None) -> None:
        self.fixed = fixed.strip()
        self.pinned = pinned
        self._last_stamp = ""

    @classmethod
    def from_environment(cls) -> "Clock":
        return cls(os.environ.get("COLIBRI_TODAY", ""))

    def today(self) -> dt.date:
        if self.pinned is not None:
            return self.pinned.date()
        return _fixed_day(self.fixed) if self.fixed else dt.date.today()

    def moment(self) -> dt.datetime:
        """Now, on colibri's day (`COLIBRI_TODAY` when set), at the real time of day: what a
        file colibri writes says it was made at (a calendar's DTSTAMP)."""
        return dt.datetime.combine(self.today(), dt.datetime.now().time()).astimezone()

    def now(self) -> str:
        """The timestamp of a change: today's date (fixed or real) with the real time of day,
        later than the one before it on the same day by this clock (a coarse clock gives two
        writes the same time, and a change stamped like the one it follows would look
        unstamped: see m004)."""
        if self.pinned is not None:
            return self.pinned.isoformat(timespec="microseconds")
        time_of_day = dt.datetime.now().time().isoformat(timespec="microseconds")
        stamp = f"{self.today().isoformat()}T{time_of_day}"
        last = self._last_stamp
        if stamp[:10] == last[:10] and stamp <= last:
            later = dt.datetime.fromisoformat(last) + dt.timedelta(microseconds=1)
            stamp = later.isoformat(timespec="microseconds")
        self._last_stamp = stamp
        return stamp


@functools.cache
def _fixed_day(fixed: str) -> dt.date:
    """The day COLIBRI_TODAY names, read once a process (a refusal is not kept: it is
    raised again each time)."""
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


_in_use: ContextVar[Clock | None] = ContextVar("clock", default=None)


@contextmanager
def running(clock: Clock) -> Iterator[Clock]:
    """Within the block, `clock` is the one in use; the one before it is back after."""
    token = _in_use.set(clock)
    try:
        yield clock
    finally:
        _in_use.reset(token)


@contextmanager
def pinned(moment: dt.datetime) -> Iterator[None]:
    """Within the block, it is `moment`: for replaying a past day's work (the demo)."""
    with running(Clock(pinned=moment)):
        yield


def in_use() -> Clock:
    """The clock of the command that runs; outside one, the environment's, as it is now."""
    return _in_use.get() or Clock.from_environment()


def today() -> dt.date:
    return in_use().today()


def moment() -> dt.datetime:
    """See `Clock.moment`."""
    return in_use().moment()


def now() -> str:
    """See `Clock.now`."""
    return in_use().now()
