"""Reporting periods: months ("2027-01") and quarters ("2027-Q1").

Quarters follow the `fiscal-year-start` setting: with a fiscal year starting in April,
"2026-Q1" is April to June 2026 (a fiscal year is named by the calendar year it starts in).
With the default start, January, quarters are calendar quarters.
"""

import datetime as dt
import re
from dataclasses import dataclass

from colibri_cli.core.dates import FIRST_YEAR, LAST_YEAR
from colibri_cli.core.errors import InvalidInput
from colibri_cli.i18n import N_, _

KINDS = ("month", "quarter")
_MONTH = re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})")
_QUARTER = re.compile(r"(?P<year>\d{4})-?[qQ](?P<quarter>[1-4])")


@dataclass(frozen=True, order=True)
class Period:
    start: dt.date
    end: dt.date
    """The last day of the period, included."""
    label: str
    kind: str

    def months(self) -> list[str]:
        """The "YYYY-MM" months the period covers."""
        count = 1 if self.kind == "month" else 3
        return [_month_label(_add_months(self.start, offset)) for offset in range(count)]


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _month_label(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _month(start: dt.date) -> Period:
    end = _add_months(start, 1) - dt.timedelta(days=1)
    return Period(start, end, _month_label(start), "month")


def _quarter(fiscal_year: int, quarter: int, fiscal_start: int) -> Period:
    start = _add_months(dt.date(fiscal_year, fiscal_start, 1), 3 * (quarter - 1))
    end = _add_months(start, 3) - dt.timedelta(days=1)
    return Period(start, end, f"{fiscal_year}-Q{quarter}", "quarter")


def containing(day: dt.date, kind: str, fiscal_start: int = 1) -> Period:
    """The month or quarter that `day` falls in."""
    if kind == "month":
        return _month(day.replace(day=1))
    months_into = day.year * 12 + day.month - 1 - (fiscal_start - 1)
    return _quarter(months_into // 12, months_into % 12 // 3 + 1, fiscal_start)


def following(period: Period, count: int = 1, fiscal_start: int = 1) -> Period:
    """The period `count` periods after this one (before it, for a negative count)."""
    step = 1 if period.kind == "month" else 3
    return containing(_add_months(period.start, step * count), period.kind, fiscal_start)


def series(first: Period, count: int, fiscal_start: int = 1) -> list[Period]:
    return [following(first, offset, fiscal_start) for offset in range(count)]


def _in_range(year: str) -> bool:
    return FIRST_YEAR <= int(year) <= LAST_YEAR


def parse(text: str, fiscal_start: int = 1, *, field: str = N_("period")) -> Period:
    """ "2027-01" (a month) or "2027-Q1" (a quarter)."""
    cleaned = text.strip()
    month = _MONTH.fullmatch(cleaned)
    if month and 1 <= int(month["month"]) <= 12 and _in_range(month["year"]):
        return _month(dt.date(int(month["year"]), int(month["month"]), 1))
    quarter = _QUARTER.fullmatch(cleaned)
    if quarter and _in_range(quarter["year"]):
        return _quarter(int(quarter["year"]), int(quarter["quarter"]), fiscal_start)
    raise InvalidInput(
        _("Invalid {field} {text!r}: write a month as 2027-01 or a quarter as 2027-Q1.").format(
            field=_(field), text=text
        )
    )
