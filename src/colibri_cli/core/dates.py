"""Dates as a salesperson types them, in English or French, read against a given today.

ISO and numeric dates (day-first or month-first, as the `date-order` setting says), a day
and a month's name ("15 dec", "Dec 15", "1er janvier"), named days, weekdays, relative
offsets ("+3d", "in 2 weeks", "-1m"), period ends ("eom", "fin du trimestre") and starts
("next week", "mois prochain"). Regular expressions over `datetime` and `relativedelta`
only: dateutil's parser guesses ("03/04" is 4 March to it) and is not used.
"""

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from typing import TYPE_CHECKING

from colibri_cli.core.errors import InvalidInput
from colibri_cli.i18n import N_, _

if TYPE_CHECKING:
    from dateutil.relativedelta import relativedelta

ORDERS = ("dmy", "mdy")
FIRST_YEAR, LAST_YEAR = 1900, 2999
"""The years a date may fall in: wider than any business needs, narrow enough that every
period and every date arithmetic of the reports stays within the calendar."""

_ISO = re.compile(
    r"(?P<year>[0-9]{4})(?P<sep>[-/.])(?P<month>[0-9]{1,2})(?P=sep)(?P<day>[0-9]{1,2})"
)
_NUMERIC = re.compile(
    r"(?P<first>[0-9]{1,2})(?P<sep>[-/.])(?P<second>[0-9]{1,2})"
    r"(?:(?P=sep)(?P<year>[0-9]{4}|[0-9]{2}))?"
)
_DAY_OF_MONTH = r"(?P<day>[0-9]{1,2})(?P<suffix>er|st|nd|rd|th)?"
_MONTH_NAME = r"(?P<month>[a-z]+)\.?"
_YEAR = r"(?: (?P<year>[0-9]{4}))?"
_DAY_MONTH = re.compile(rf"(?:le )?{_DAY_OF_MONTH} {_MONTH_NAME}{_YEAR}")
_MONTH_DAY = re.compile(rf"{_MONTH_NAME} {_DAY_OF_MONTH},?{_YEAR}")
_WEEKDAY = re.compile(r"(?:next |prochain )?(?P<name>[a-z]+)(?: prochain)?")
_OFFSET = re.compile(r"(?:(?P<sign>[-+]) ?|(?:in|dans) )?(?P<count>[0-9]{1,6}) ?(?P<unit>[a-z]+)")
_DELAY = re.compile(r"\+? ?(?P<count>[0-9]{1,6}) ?(?P<unit>[a-z]+)")
_TIME_OF_DAY = re.compile(
    r"(?:(?P<day>.+?)[ t])?(?P<hour>[0-9]{1,2})"
    r"(?P<clock>:(?P<minute>[0-9]{2})(?::[0-9]{2}(?:\.[0-9]+)?)?|h(?P<after_h>[0-9]{2})?)?"
    r"(?: ?(?P<meridiem>am|pm))?"
)

_WEEKDAYS = {
    name: number
    for number, names in enumerate(
        (
            ("monday", "mon", "lundi"),
            ("tuesday", "tue", "tues", "mardi"),
            ("wednesday", "wed", "mercredi"),
            ("thursday", "thu", "thur", "thurs", "jeudi"),
            ("friday", "fri", "vendredi"),
            ("saturday", "sat", "samedi"),
            ("sunday", "sun", "dimanche"),
        )
    )
    for name in names
}

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan", "janvier", "janv"),
            ("february", "feb", "fevrier", "fev", "fevr"),
            ("march", "mar", "mars"),
            ("april", "apr", "avril", "avr"),
            ("may", "mai"),
            ("june", "jun", "juin"),
            ("july", "jul", "juillet", "juil"),
            ("august", "aug", "aout"),
            ("september", "sep", "sept", "septembre"),
            ("october", "oct", "octobre"),
            ("november", "nov", "novembre"),
            ("december", "dec", "decembre"),
        ),
        start=1,
    )
    for name in names
}

# Each unit word, English or French, as (relativedelta keyword, multiplier).
_UNITS = {
    word: unit
    for unit, words in (
        (("days", 1), ("d", "day", "days", "j", "jour", "jours")),
        (("weeks", 1), ("w", "week", "weeks", "s", "sem", "semaine", "semaines")),
        (("months", 1), ("m", "month", "months", "mois")),
        (("months", 3), ("q", "quarter", "quarters", "t", "trimestre", "trimestres")),
        (("years", 1), ("y", "year", "years", "a", "an", "ans", "annee", "annees")),
    )
    for word in words
}


def _relativedelta(
    *, years: int = 0, months: int = 0, weeks: int = 0, days: int = 0, day: int | None = None
) -> "relativedelta":
    """dateutil's relativedelta, imported when a date is computed: not by every run."""
    from dateutil.relativedelta import relativedelta

    return relativedelta(years=years, months=months, weeks=weeks, days=days, day=day)


def _end_of_month(day: dt.date, fiscal_start: int = 1) -> dt.date:
    return day + _relativedelta(day=31)


def _end_of_span(months: int) -> Callable[[dt.date, int], dt.date]:
    """The last day of the quarter (3 months) or year (12) that `day` is in, the way the
    fiscal year starting in month `fiscal_start` cuts them."""

    def end(day: dt.date, fiscal_start: int = 1) -> dt.date:
        into = (day.month - fiscal_start) % months
        return _end_of_month(day.replace(day=1) + _relativedelta(months=months - 1 - into))

    return end


_end_of_quarter = _end_of_span(3)
_end_of_year = _end_of_span(12)


def _end_of_week(day: dt.date, fiscal_start: int = 1) -> dt.date:
    """This week's Friday; on a Saturday or Sunday, the week's work is over: the next one."""
    return day + dt.timedelta(days=(4 - day.weekday()) % 7)


def _next_week(day: dt.date, fiscal_start: int = 1) -> dt.date:
    """The Monday that starts next week."""
    return day + dt.timedelta(days=7 - day.weekday())


def _next_month(day: dt.date, fiscal_start: int = 1) -> dt.date:
    return day + _relativedelta(months=1, day=1)


def _days_later(count: int) -> Callable[[dt.date, int], dt.date]:
    def later(day: dt.date, fiscal_start: int = 1) -> dt.date:
        return day + dt.timedelta(days=count)

    return later


_NAMED: dict[str, Callable[[dt.date, int], dt.date]] = {
    **dict.fromkeys(("today", "aujourd'hui", "aujourdhui"), _days_later(0)),
    **dict.fromkeys(("tomorrow", "demain"), _days_later(1)),
    **dict.fromkeys(("yesterday", "hier"), _days_later(-1)),
    **dict.fromkeys(
        ("eow", "end of week", "end of the week", "fin de semaine", "fin de la semaine"),
        _end_of_week,
    ),
    **dict.fromkeys(("next week", "semaine prochaine", "la semaine prochaine"), _next_week),
    **dict.fromkeys(("next month", "mois prochain", "le mois prochain"), _next_month),
    **dict.fromkeys(("eom", "end of month", "fdm", "fin du mois", "fin de mois"), _end_of_month),
    **dict.fromkeys(
        ("eoq", "end of quarter", "fin du trimestre", "fin de trimestre"), _end_of_quarter
    ),
    **dict.fromkeys(("eoy", "end of year", "fin d'annee", "fin de l'annee"), _end_of_year),
}


def parse_date(
    text: str,
    *,
    today: dt.date,
    order: str = "dmy",
    field: str = N_("date"),
    fiscal_start: int = 1,
    past: bool = False,
    typed: str | None = None,
) -> dt.date:
    """Read a date typed by a person; raise InvalidInput naming `field` when it is not one
    (quoting `typed`, what the person typed, where `text` is only the date part of it).

    `order` ("dmy" or "mdy") says how 03/04/2027 is read; a month's name, English or French,
    says itself ("15 dec", "Dec 15", "1er janvier"). A day and month without a year ("15/01",
    "15 dec") is the next such date on or after today; a two-digit year lands within 50 years
    before or 49 after today. A weekday ("monday", "next monday", "lundi") is its next
    occurrence strictly after today. With `past`, for a date that can only be in the past
    (a closing or creation date), a day and month or a bare weekday ("monday", "lundi") is
    instead the last one on or before today; "next monday" still says the next one, and
    every other form reads the same either way. Month arithmetic clips to the month's end
    (31 January + 1m = 28 or 29 February). The quarter and year of "eoq" and "eoy" are
    those of the fiscal year starting in month `fiscal_start` (calendar ones by default).
    """
    if order not in ORDERS:
        raise ValueError(f"order must be one of {ORDERS}, not {order!r}")
    words = _normalize(text)
    hint = _date_hint(order)
    if not words:
        raise InvalidInput(_("Missing {field}: {hint}.").format(field=_(field), hint=hint))
    try:
        found = (
            _iso_date(words)
            or _numeric_date(words, today, order, past)
            or _month_name_date(words, today, past)
            or _named_date(words, today, fiscal_start)
            or _weekday(words, today, past)
            or _offset_date(words, today)
        )
    except (ValueError, OverflowError):
        found = None
        hint = _no_such_day(words, order, today) or hint
    if found is not None and not FIRST_YEAR <= found.year <= LAST_YEAR:
        found, hint = None, years_hint()
    if found is None:
        _refuse_a_time_of_day(text, today=today, order=order, field=field, past=past)
        raise InvalidInput(
            _("Invalid {field} {text!r}: {hint}.").format(
                field=_(field), text=(typed or text).strip(), hint=hint
            )
        )
    return found


def _refuse_a_time_of_day(text: str, *, field: str, **options) -> None:
    """A date with a time where only a day is read ("friday 10:00" as a deal's due date) is
    refused for what it is, not as an unknown date."""
    moment = _time_match(text)
    if moment is None or not moment["day"]:
        return
    try:
        parse_date(moment["day"], field=field, **options)
    except InvalidInput:
        return
    raise InvalidInput(
        _("The {field} is a day, without a time of day: {text!r} has one.").format(
            field=_(field), text=text.strip()
        )
    )


def parse_moment(
    text: str, *, today: dt.date, field: str = N_("date"), **options
) -> tuple[dt.date, dt.time | None]:
    """A date as `parse_date` reads it (with the same `options`), maybe followed by a time of
    day: "2026-12-03 14:30", "2026-12-03T14:30", "yesterday 10:00", "demain 14h",
    "lundi 9h15", "tomorrow 2pm". A time alone ("14:30") is today's. Without a time, the
    time is None."""
    match = _time_match(text)
    if match is None:
        return parse_date(text, today=today, field=field, **options), None
    day = match["day"]
    found = parse_date(day, today=today, field=field, typed=text, **options) if day else today
    return found, _time_of(match, text)


def parse_time_of_day(text: str) -> dt.time:
    """A time of day alone: "14:30", "14:30:00", "9h15", "14h", "2pm", "9:30 am" (seconds
    are dropped)."""
    match = _time_match(text)
    if match is None or match["day"]:
        raise InvalidInput(_(_TIME_HINT).format(text=text.strip()))
    return _time_of(match, text)


_TIME_HINT = N_("Invalid time of day {text!r}: use HH:MM, from 00:00 to 23:59.")


def _time_match(text: str) -> re.Match | None:
    """The time of day that ends `text`, if any: hours alone ("14") are not one."""
    match = _TIME_OF_DAY.fullmatch(_normalize(text))
    return match if match and (match["clock"] or match["meridiem"]) else None


def _time_of(match: re.Match, text: str) -> dt.time:
    hour, minute = int(match["hour"]), int(match["minute"] or match["after_h"] or 0)
    if match["meridiem"]:  # 12am is midnight, 12pm noon
        if not 1 <= hour <= 12 or (match["clock"] or ":").startswith("h"):
            raise InvalidInput(_(_TIME_HINT).format(text=text.strip()))
        hour = hour % 12 + (12 if match["meridiem"] == "pm" else 0)
    if hour > 23 or minute > 59:
        raise InvalidInput(_(_TIME_HINT).format(text=text.strip()))
    return dt.time(hour, minute)


def years_hint() -> str:
    return _("a date's year goes from {first} to {last}").format(first=FIRST_YEAR, last=LAST_YEAR)


def _no_such_day(text: str, order: str, today: dt.date) -> str | None:
    """Why a date names no day, when its month lacks the day (31/11/2026, 31/11, 31 nov)."""
    words = _normalize(text)
    iso, numeric = _ISO.fullmatch(words), _NUMERIC.fullmatch(words)
    if iso:
        year, month, day = int(iso["year"]), int(iso["month"]), int(iso["day"])
    elif numeric:
        first, second = int(numeric["first"]), int(numeric["second"])
        day, month = (first, second) if order == "dmy" else (second, first)
        if not numeric["year"]:
            return _beyond_the_month(month)
        year = int(numeric["year"])
        year = year if len(numeric["year"]) == 4 else _full_year(year, today)
    else:
        return _no_such_day_in_named_month(words)
    return lacking_day(year, month, day)


def _no_such_day_in_named_month(words: str) -> str | None:
    """Why "31 feb", "32 dec" or "29 feb 2027" names no day."""
    match = _DAY_MONTH.fullmatch(words) or _MONTH_DAY.fullmatch(words)
    if not match or (month := _MONTHS.get(match["month"])) is None:
        return None
    day = int(match["day"])
    if match["year"]:
        year = int(match["year"])
        if not FIRST_YEAR <= year <= LAST_YEAR:
            return years_hint()
        lacking = lacking_day(year, month, day)
        if lacking:
            return lacking
    return _beyond_the_month(month)


def _beyond_the_month(month: int) -> str | None:
    """The days a month has in any year, for a day it lacks given with no year (31/11)."""
    if not 1 <= month <= 12:
        return None
    longest = _end_of_month(dt.date(2000, month, 1)).day  # 2000 is a leap year: 29 February
    return _("the days of that month go from 1 to {days}").format(days=longest)


def lacking_day(year: int, month: int, day: int) -> str | None:
    """'2026-11 has 30 days' when a month of a real year lacks a day from 29 to 31."""
    if not (1 <= month <= 12 and FIRST_YEAR <= year <= LAST_YEAR and 28 < day <= 31):
        return None
    days = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    if day <= days:
        return None
    return _("{month} has {days} days").format(month=f"{year:04d}-{month:02d}", days=days)


def parse_period_delay(text: str, *, field: str = N_("delay")) -> "relativedelta":
    """Read a forward delay such as "10d", "+2w", "3m", "1q" or "1y" (French j, s, a too)."""
    count, (keyword, multiplier) = _count_and_unit(text, field)
    return _relativedelta(**{keyword: count * multiplier})


def _count_and_unit(text: str, field: str) -> tuple[int, tuple[str, int]]:
    match = _DELAY.fullmatch(_normalize(text))
    if not match or (unit := _UNITS.get(match["unit"])) is None:
        raise InvalidInput(
            _(
                "Invalid {field} {text!r}: write a number and a unit, "
                "such as 10d, 2w, 3m, 1q or 1y."
            ).format(field=_(field), text=text.strip())
        )
    return int(match["count"]), unit


LONGEST_PERIOD = 999
"""The most units a period that repeats may have (999d, 999y): what the database keeps."""
_UNIT_LETTERS = {("days", 1): "d", ("weeks", 1): "w", ("months", 1): "m", ("months", 3): "q",
                 ("years", 1): "y"}  # fmt: skip


def parse_period(text: str, *, field: str = N_("period")) -> str:
    """A period that repeats, as `parse_period_delay` reads it ("2w", "1 mois", "1s", "1an"),
    written the one way colibri keeps it: a count from 1 and a letter, d, w, m, q or y."""
    count, unit = _count_and_unit(text, field)
    if not 1 <= count <= LONGEST_PERIOD:
        raise InvalidInput(
            _("Invalid {field} {text!r}: a period goes from 1 to {most}, such as 1w.").format(
                field=_(field), text=text.strip(), most=LONGEST_PERIOD
            )
        )
    return f"{count}{_UNIT_LETTERS[unit]}"


def periods_after(day: dt.date, period: str, times: int) -> dt.date:
    """`day` plus `times` the period ("1m", as `parse_period` writes it), computed from `day`
    at once so that month ends do not drift: 31 January + 2 × 1m is 31 March."""
    keyword, multiplier = _UNITS[period[-1]]
    return day + _relativedelta(**{keyword: int(period[:-1]) * multiplier * times})


def add_delay(day: dt.date, text: str, *, field: str = N_("delay")) -> dt.date:
    """The date `text` (a delay such as "3m") after `day`."""
    delay = parse_period_delay(text, field=field)
    try:
        return day + delay
    except (ValueError, OverflowError):
        raise InvalidInput(
            _("Invalid {field} {text!r}: it goes past the last possible date.").format(
                field=_(field), text=text.strip()
            )
        ) from None


def _normalize(text: str) -> str:
    """Lower case, accents and curly apostrophes made plain, runs of spaces made one."""
    decomposed = unicodedata.normalize("NFKD", text.replace("\u2019", "'").lower())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(plain.split())


def _date_hint(order: str) -> str:
    if order == "dmy":
        return _("use YYYY-MM-DD, DD/MM/YYYY, today, tomorrow, a weekday, +3d, +2w, +1m or eom")
    return _("use YYYY-MM-DD, MM/DD/YYYY, today, tomorrow, a weekday, +3d, +2w, +1m or eom")


def _iso_date(words: str) -> dt.date | None:
    match = _ISO.fullmatch(words)
    if match is None:
        return None
    return dt.date(int(match["year"]), int(match["month"]), int(match["day"]))


def _numeric_date(words: str, today: dt.date, order: str, past: bool) -> dt.date | None:
    match = _NUMERIC.fullmatch(words)
    if match is None:
        return None
    first, second = int(match["first"]), int(match["second"])
    day, month = (first, second) if order == "dmy" else (second, first)
    year = match["year"]
    if year is None:
        return _day_and_month(today, month, day, past)
    full_year = int(year) if len(year) == 4 else _full_year(int(year), today)
    return dt.date(full_year, month, day)


def _month_name_date(words: str, today: dt.date, past: bool) -> dt.date | None:
    match = _DAY_MONTH.fullmatch(words) or _MONTH_DAY.fullmatch(words)
    if (
        not match
        or (month := _MONTHS.get(match["month"])) is None
        or not _ordinal_fits(int(match["day"]), match["suffix"])
    ):
        return None
    day = int(match["day"])
    if match["year"] is None:
        return _day_and_month(today, month, day, past)
    return dt.date(int(match["year"]), month, day)


def _ordinal_fits(day: int, suffix: str | None) -> bool:
    """Whether "1er", "1st", "2nd", "3rd", "11th" and such say their number right."""
    if suffix is None:
        return True
    if suffix == "er":
        return day == 1
    english = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return suffix == english


def _full_year(two_digits: int, today: dt.date) -> int:
    """The year ending in `two_digits` from 50 years before today to 49 years after."""
    year = today.year - today.year % 100 + two_digits
    if year > today.year + 49:
        return year - 100
    if year < today.year - 50:
        return year + 100
    return year


def _day_and_month(today: dt.date, month: int, day: int, past: bool) -> dt.date:
    if past:
        return _last_day_and_month(today, month, day)
    return _next_day_and_month(today, month, day)


def _next_day_and_month(today: dt.date, month: int, day: int) -> dt.date:
    """The first `day`/`month` on or after today (29 February may be eight years away)."""
    for year in range(today.year, today.year + 9):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    raise ValueError(f"no date {day}/{month} after {today}")


def _last_day_and_month(today: dt.date, month: int, day: int) -> dt.date:
    """The last `day`/`month` on or before today (29 February may be eight years back)."""
    for year in range(today.year, today.year - 9, -1):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            continue
        if candidate <= today:
            return candidate
    raise ValueError(f"no date {day}/{month} before {today}")


def _named_date(words: str, today: dt.date, fiscal_start: int) -> dt.date | None:
    named = _NAMED.get(words)
    return named(today, fiscal_start) if named else None


def _weekday(words: str, today: dt.date, past: bool) -> dt.date | None:
    match = _WEEKDAY.fullmatch(words)
    if not match or (weekday := _WEEKDAYS.get(match["name"])) is None:
        return None
    if past and words == match["name"]:  # "next monday" stays the next one
        return today - dt.timedelta(days=(today.weekday() - weekday) % 7)
    return today + dt.timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def _offset_date(words: str, today: dt.date) -> dt.date | None:
    match = _OFFSET.fullmatch(words)
    if not match or (unit := _UNITS.get(match["unit"])) is None:
        return None
    keyword, multiplier = unit
    count = int(match["count"]) * multiplier
    if match["sign"] == "-":
        count = -count
    return today + _relativedelta(**{keyword: count})
