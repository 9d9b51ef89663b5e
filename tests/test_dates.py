import calendar
import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from colibri_cli.core.dates import FIRST_YEAR, LAST_YEAR, add_delay, parse_date, parse_period_delay
from colibri_cli.core.errors import InvalidInput

THURSDAY = dt.date(2026, 11, 26)
DMY_HINT = "use YYYY-MM-DD, DD/MM/YYYY, today, tomorrow, a weekday, +3d, +2w, +1m or eom"
MDY_HINT = "use YYYY-MM-DD, MM/DD/YYYY, today, tomorrow, a weekday, +3d, +2w, +1m or eom"
DELAY_HINT = "write a number and a unit, such as 10d, 2w, 3m, 1q or 1y"


def date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-31", "2026-12-31"),
        ("2026-1-5", "2026-01-05"),
        ("2026/12/31", "2026-12-31"),
        ("  2026-12-31 ", "2026-12-31"),
        ("31/12/2026", "2026-12-31"),
        ("31.12.2026", "2026-12-31"),
        ("31-12-2026", "2026-12-31"),
        ("03/04/2027", "2027-04-03"),
        ("3/4/2027", "2027-04-03"),
        ("31/12/26", "2026-12-31"),
        ("01/01/75", "2075-01-01"),
        ("01/01/76", "1976-01-01"),
        ("01/01/99", "1999-01-01"),
        ("15/01", "2027-01-15"),
        ("26/11", "2026-11-26"),
        ("25/11", "2027-11-25"),
        ("29/02", "2028-02-29"),
        ("today", "2026-11-26"),
        ("TODAY", "2026-11-26"),
        ("tomorrow", "2026-11-27"),
        ("yesterday", "2026-11-25"),
        ("monday", "2026-11-30"),
        ("mon", "2026-11-30"),
        ("next monday", "2026-11-30"),
        ("Next  Monday", "2026-11-30"),
        ("thursday", "2026-12-03"),
        ("thu", "2026-12-03"),
        ("friday", "2026-11-27"),
        ("tues", "2026-12-01"),
        ("sun", "2026-11-29"),
        ("+3d", "2026-11-29"),
        ("3d", "2026-11-29"),
        ("+ 3d", "2026-11-29"),
        ("-2d", "2026-11-24"),
        ("+0d", "2026-11-26"),
        ("+2w", "2026-12-10"),
        ("+1m", "2026-12-26"),
        ("-1m", "2026-10-26"),
        ("+1q", "2027-02-26"),
        ("+1y", "2027-11-26"),
        ("+3 days", "2026-11-29"),
        ("in 3 days", "2026-11-29"),
        ("in 1 day", "2026-11-27"),
        ("in 2 weeks", "2026-12-10"),
        ("in 1 month", "2026-12-26"),
        ("in 1 quarter", "2027-02-26"),
        ("in 2 years", "2028-11-26"),
        ("eom", "2026-11-30"),
        ("end of month", "2026-11-30"),
        ("eoq", "2026-12-31"),
        ("end of quarter", "2026-12-31"),
        ("eoy", "2026-12-31"),
        ("End of Year", "2026-12-31"),
        # French, accents and apostrophes optional
        ("aujourd'hui", "2026-11-26"),
        ("aujourd\u2019hui", "2026-11-26"),
        ("aujourdhui", "2026-11-26"),
        ("demain", "2026-11-27"),
        ("hier", "2026-11-25"),
        ("lundi", "2026-11-30"),
        ("lundi prochain", "2026-11-30"),
        ("prochain lundi", "2026-11-30"),
        ("mardi", "2026-12-01"),
        ("mercredi", "2026-12-02"),
        ("jeudi", "2026-12-03"),
        ("vendredi", "2026-11-27"),
        ("samedi", "2026-11-28"),
        ("dimanche", "2026-11-29"),
        ("fin du mois", "2026-11-30"),
        ("fdm", "2026-11-30"),
        ("fin du trimestre", "2026-12-31"),
        ("fin d'année", "2026-12-31"),
        ("fin d'annee", "2026-12-31"),
        ("fin de l\u2019Année", "2026-12-31"),
        ("+2s", "2026-12-10"),
        ("+3j", "2026-11-29"),
        ("+1a", "2027-11-26"),
        ("dans 3 jours", "2026-11-29"),
        ("dans 2 semaines", "2026-12-10"),
        ("dans 1 mois", "2026-12-26"),
        ("dans 1 an", "2027-11-26"),
    ],
)
def test_parse_date_accepts(text, expected):
    assert parse_date(text, today=THURSDAY) == date(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12/31/2026", "2026-12-31"),
        ("03/04/2027", "2027-03-04"),
        ("12.31.26", "2026-12-31"),
        ("01/15", "2027-01-15"),
        ("2026-12-31", "2026-12-31"),
        ("tomorrow", "2026-11-27"),
    ],
)
def test_parse_date_month_first(text, expected):
    assert parse_date(text, today=THURSDAY, order="mdy") == date(expected)


@pytest.mark.parametrize(
    ("today", "text", "expected"),
    [
        ("2026-01-31", "+1m", "2026-02-28"),
        ("2028-01-31", "+1m", "2028-02-29"),
        ("2026-03-31", "-1m", "2026-02-28"),
        ("2026-11-30", "+1q", "2027-02-28"),
        ("2028-02-29", "+1y", "2029-02-28"),
        ("2026-02-10", "eom", "2026-02-28"),
        ("2026-01-01", "eoq", "2026-03-31"),
        ("2026-04-01", "eoq", "2026-06-30"),
        ("2026-08-15", "eoq", "2026-09-30"),
        ("2026-11-26", "eoq", "2026-12-31"),
        ("2029-03-01", "29/02", "2032-02-29"),
        ("2080-06-01", "01/01/30", "2030-01-01"),
        ("2080-06-01", "01/01/29", "2129-01-01"),
        ("2026-11-30", "monday", "2026-12-07"),
    ],
)
def test_parse_date_calendar_arithmetic(today, text, expected):
    assert parse_date(text, today=date(today)) == date(expected)


DECEMBER_THURSDAY = dt.date(2026, 12, 3)


@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [
        # a day and month: the last one on or before today
        ("20/11", "dmy", "2026-11-20"),
        ("20.11", "dmy", "2026-11-20"),
        ("20/12", "dmy", "2025-12-20"),
        ("03/12", "dmy", "2026-12-03"),
        ("04/12", "dmy", "2025-12-04"),
        ("01/01", "dmy", "2026-01-01"),
        ("11/20", "mdy", "2026-11-20"),
        ("12/20", "mdy", "2025-12-20"),
        # a bare weekday: the last one, today on that weekday
        ("friday", "dmy", "2026-11-27"),
        ("fri", "dmy", "2026-11-27"),
        ("vendredi", "dmy", "2026-11-27"),
        ("Vendredi", "mdy", "2026-11-27"),
        ("thursday", "dmy", "2026-12-03"),
        ("jeudi", "dmy", "2026-12-03"),
        ("wednesday", "dmy", "2026-12-02"),
        ("mercredi", "dmy", "2026-12-02"),
        ("monday", "dmy", "2026-11-30"),
        ("sun", "dmy", "2026-11-29"),
        # said to be the next one: still the next one
        ("next friday", "dmy", "2026-12-04"),
        ("vendredi prochain", "dmy", "2026-12-04"),
        ("prochain jeudi", "dmy", "2026-12-10"),
        # every other form reads as it always does
        ("today", "dmy", "2026-12-03"),
        ("yesterday", "dmy", "2026-12-02"),
        ("hier", "dmy", "2026-12-02"),
        ("tomorrow", "dmy", "2026-12-04"),
        ("-3d", "dmy", "2026-11-30"),
        ("+3d", "dmy", "2026-12-06"),
        ("eom", "dmy", "2026-12-31"),
        ("20/11/2026", "dmy", "2026-11-20"),
        ("20/12/2026", "dmy", "2026-12-20"),
        ("20/11/25", "dmy", "2025-11-20"),
        ("2026-12-20", "dmy", "2026-12-20"),
    ],
)
def test_a_past_date_is_the_last_such_day(text, order, expected):
    assert parse_date(text, today=DECEMBER_THURSDAY, order=order, past=True) == date(expected)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        ("2029-03-01", "2028-02-29"),
        ("2028-02-29", "2028-02-29"),
        ("2028-02-28", "2024-02-29"),
        ("2104-02-28", "2096-02-29"),  # 2100 is no leap year: eight years back
    ],
)
def test_a_past_29_february_is_the_last_one(today, expected):
    assert parse_date("29/02", today=date(today), past=True) == date(expected)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("31/04", "Invalid closing date '31/04': the days of that month go from 1 to 30."),
        ("31/11/2026", "Invalid closing date '31/11/2026': 2026-11 has 30 days."),
        ("someday", f"Invalid closing date 'someday': {DMY_HINT}."),
    ],
)
def test_a_past_date_is_refused_as_any_other(text, message):
    with pytest.raises(InvalidInput) as caught:
        parse_date(text, today=DECEMBER_THURSDAY, field="closing date", past=True)
    assert str(caught.value) == message


DAY_WITHOUT_TIME = "The due date is a day, without a time of day: {text!r} has one."


@pytest.mark.parametrize(
    ("text", "order", "message"),
    [
        ("", "dmy", f"Missing due date: {DMY_HINT}."),
        ("  ", "mdy", f"Missing due date: {MDY_HINT}."),
        ("31/02/2026", "dmy", "Invalid due date '31/02/2026': 2026-02 has 28 days."),
        ("2026-13-01", "dmy", f"Invalid due date '2026-13-01': {DMY_HINT}."),
        ("2026-02-30", "mdy", "Invalid due date '2026-02-30': 2026-02 has 28 days."),
        ("2/30/2028", "mdy", "Invalid due date '2/30/2028': 2028-02 has 29 days."),
        ("31/11/26", "dmy", "Invalid due date '31/11/26': 2026-11 has 30 days."),
        ("12/31/2026", "dmy", f"Invalid due date '12/31/2026': {DMY_HINT}."),
        ("31/12/2026", "mdy", f"Invalid due date '31/12/2026': {MDY_HINT}."),
        ("31/04", "dmy", "Invalid due date '31/04': the days of that month go from 1 to 30."),
        ("13/13", "dmy", f"Invalid due date '13/13': {DMY_HINT}."),
        ("31/12-2026", "dmy", f"Invalid due date '31/12-2026': {DMY_HINT}."),
        ("31/12/202", "dmy", f"Invalid due date '31/12/202': {DMY_HINT}."),
        ("2026", "dmy", f"Invalid due date '2026': {DMY_HINT}."),
        ("15", "dmy", f"Invalid due date '15': {DMY_HINT}."),
        ("soon", "dmy", f"Invalid due date 'soon': {DMY_HINT}."),
        ("next", "dmy", f"Invalid due date 'next': {DMY_HINT}."),
        ("next fortnight", "dmy", f"Invalid due date 'next fortnight': {DMY_HINT}."),
        ("+3x", "dmy", f"Invalid due date '+3x': {DMY_HINT}."),
        ("+d", "dmy", f"Invalid due date '+d': {DMY_HINT}."),
        ("in -3 days", "dmy", f"Invalid due date 'in -3 days': {DMY_HINT}."),
        ("+999999y", "dmy", f"Invalid due date '+999999y': {DMY_HINT}."),
        ("+9999999d", "dmy", f"Invalid due date '+9999999d': {DMY_HINT}."),
        ("2026-12-31T10:00", "dmy", DAY_WITHOUT_TIME.format(text="2026-12-31T10:00")),
        ("friday 10:00", "dmy", DAY_WITHOUT_TIME.format(text="friday 10:00")),
        ("someday 10:00", "dmy", f"Invalid due date 'someday 10:00': {DMY_HINT}."),
    ],
)
def test_parse_date_refuses(text, order, message):
    with pytest.raises(InvalidInput) as caught:
        parse_date(text, today=THURSDAY, order=order, field="due date")
    assert str(caught.value) == message
    assert caught.value.exit_code == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # day before the month, English or French, abbreviated or full, accents optional
        ("15 dec", "2026-12-15"),
        ("15 Dec", "2026-12-15"),
        ("15 december", "2026-12-15"),
        ("15 décembre", "2026-12-15"),
        ("15 decembre", "2026-12-15"),
        ("15 déc", "2026-12-15"),
        ("15 déc.", "2026-12-15"),
        ("15 DÉC.", "2026-12-15"),
        ("le 15 décembre", "2026-12-15"),
        ("1er janvier", "2027-01-01"),
        ("1 janv.", "2027-01-01"),
        ("1st january", "2027-01-01"),
        ("2nd feb", "2027-02-02"),
        ("3rd march", "2027-03-03"),
        ("11th april", "2027-04-11"),
        ("22nd may", "2027-05-22"),
        ("1 mai", "2027-05-01"),
        ("14 févr.", "2027-02-14"),
        ("14 fev", "2027-02-14"),
        ("14 février", "2027-02-14"),
        ("15 mars", "2027-03-15"),
        ("15 mar", "2027-03-15"),
        ("15 avr", "2027-04-15"),
        ("21 juin", "2027-06-21"),
        ("21 jun", "2027-06-21"),
        ("14 juil.", "2027-07-14"),
        ("14 juillet", "2027-07-14"),
        ("15 août", "2027-08-15"),
        ("15 aout", "2027-08-15"),
        ("15 aug", "2027-08-15"),
        ("15 sept", "2027-09-15"),
        ("15 sep", "2027-09-15"),
        ("15 septembre", "2027-09-15"),
        ("15 oct", "2027-10-15"),
        ("30 nov", "2026-11-30"),
        ("26 nov", "2026-11-26"),  # today is the next one
        ("25 nov", "2027-11-25"),
        ("29 feb", "2028-02-29"),
        # month first
        ("Dec 15", "2026-12-15"),
        ("december 15", "2026-12-15"),
        ("déc. 15", "2026-12-15"),
        ("Jan 1st", "2027-01-01"),
        # with a year
        ("15 dec 2027", "2027-12-15"),
        ("15 déc. 2025", "2025-12-15"),
        ("1er janvier 2030", "2030-01-01"),
        ("Dec 15, 2027", "2027-12-15"),
        ("Dec 15 2027", "2027-12-15"),
        ("29 feb 2028", "2028-02-29"),
    ],
)
def test_a_day_and_a_month_name(text, expected):
    assert parse_date(text, today=THURSDAY) == date(expected)
    assert parse_date(text, today=THURSDAY, order="mdy") == date(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15 dec", "2025-12-15"),
        ("Dec 15", "2025-12-15"),
        ("3 déc.", "2026-12-03"),  # today is the most recent one
        ("4 decembre", "2025-12-04"),
        ("1er janvier", "2026-01-01"),
        ("20 nov", "2026-11-20"),
        ("15 dec 2026", "2026-12-15"),  # with its year, as written (and refused as a closing date)
    ],
)
def test_a_past_day_and_month_name_is_the_last_one(text, expected):
    assert parse_date(text, today=DECEMBER_THURSDAY, past=True) == date(expected)


MONTH_HINT = "the days of that month go from 1 to {}"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("31 feb", f"Invalid due date '31 feb': {MONTH_HINT.format(29)}."),
        ("30 février", f"Invalid due date '30 février': {MONTH_HINT.format(29)}."),
        ("32 dec", f"Invalid due date '32 dec': {MONTH_HINT.format(31)}."),
        ("0 dec", f"Invalid due date '0 dec': {MONTH_HINT.format(31)}."),
        ("31 avril", f"Invalid due date '31 avril': {MONTH_HINT.format(30)}."),
        ("Nov 31", f"Invalid due date 'Nov 31': {MONTH_HINT.format(30)}."),
        ("32 dec 2027", f"Invalid due date '32 dec 2027': {MONTH_HINT.format(31)}."),
        ("29 feb 2027", "Invalid due date '29 feb 2027': 2027-02 has 28 days."),
        ("31/11", f"Invalid due date '31/11': {MONTH_HINT.format(30)}."),
        ("31/02", f"Invalid due date '31/02': {MONTH_HINT.format(29)}."),
        ("32/12", f"Invalid due date '32/12': {MONTH_HINT.format(31)}."),
        ("31.04", f"Invalid due date '31.04': {MONTH_HINT.format(30)}."),
        ("15/13", f"Invalid due date '15/13': {DMY_HINT}."),
        ("31 sept 2027", "Invalid due date '31 sept 2027': 2027-09 has 30 days."),
        ("15 dec 3000", "Invalid due date '15 dec 3000': a date's year goes from 1900 to 2999."),
        ("15 dec 0000", "Invalid due date '15 dec 0000': a date's year goes from 1900 to 2999."),
        ("15 decc", f"Invalid due date '15 decc': {DMY_HINT}."),
        ("15 de", f"Invalid due date '15 de': {DMY_HINT}."),
        ("dec", f"Invalid due date 'dec': {DMY_HINT}."),
        ("15 dec 27", f"Invalid due date '15 dec 27': {DMY_HINT}."),
        ("dec 15 2027 10", f"Invalid due date 'dec 15 2027 10': {DMY_HINT}."),
        ("115 dec", f"Invalid due date '115 dec': {DMY_HINT}."),
        ("2er janvier", f"Invalid due date '2er janvier': {DMY_HINT}."),
        ("1th january", f"Invalid due date '1th january': {DMY_HINT}."),
        ("12nd may", f"Invalid due date '12nd may': {DMY_HINT}."),
        ("15dec", f"Invalid due date '15dec': {DMY_HINT}."),
        ("15 dec..", f"Invalid due date '15 dec..': {DMY_HINT}."),
    ],
)
def test_a_day_no_month_has_is_refused_with_the_month_length(text, message):
    with pytest.raises(InvalidInput) as caught:
        parse_date(text, today=THURSDAY, field="due date")
    assert str(caught.value) == message
    assert caught.value.exit_code == 2


@pytest.mark.parametrize(
    ("today", "text", "expected"),
    [
        # next week and next month: the first day of each
        ("2026-11-26", "next week", "2026-11-30"),
        ("2026-11-26", "Next  Week", "2026-11-30"),
        ("2026-11-26", "semaine prochaine", "2026-11-30"),
        ("2026-11-26", "la semaine prochaine", "2026-11-30"),
        ("2026-11-30", "next week", "2026-12-07"),  # on a Monday: the Monday after
        ("2026-11-29", "next week", "2026-11-30"),  # on a Sunday: tomorrow
        ("2026-11-26", "next month", "2026-12-01"),
        ("2026-11-26", "mois prochain", "2026-12-01"),
        ("2026-11-26", "le mois prochain", "2026-12-01"),
        ("2026-12-01", "next month", "2027-01-01"),
        ("2026-01-31", "next month", "2026-02-01"),
        # end of week: this week's Friday, today on a Friday, the next one on a weekend
        ("2026-11-26", "eow", "2026-11-27"),
        ("2026-11-26", "end of week", "2026-11-27"),
        ("2026-11-26", "end of the week", "2026-11-27"),
        ("2026-11-26", "fin de semaine", "2026-11-27"),
        ("2026-11-26", "fin de la semaine", "2026-11-27"),
        ("2026-11-23", "eow", "2026-11-27"),
        ("2026-11-27", "eow", "2026-11-27"),
        ("2026-11-28", "fin de semaine", "2026-12-04"),
        ("2026-11-29", "eow", "2026-12-04"),
    ],
)
def test_next_week_next_month_and_end_of_week(today, text, expected):
    assert parse_date(text, today=date(today)) == date(expected)
    assert parse_date(text, today=date(today), past=True) == date(expected)


def test_default_field_is_date():
    with pytest.raises(InvalidInput, match=r"^Invalid date 'x': use YYYY-MM-DD, DD/MM/YYYY"):
        parse_date("x", today=THURSDAY)


def test_unknown_order_is_a_programming_error():
    with pytest.raises(ValueError, match="order must be one of"):
        parse_date("today", today=THURSDAY, order="ymd")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3m", relativedelta(months=3)),
        ("+2w", relativedelta(weeks=2)),
        ("10d", relativedelta(days=10)),
        ("1q", relativedelta(months=3)),
        ("1y", relativedelta(years=1)),
        (" 3M ", relativedelta(months=3)),
        ("3 months", relativedelta(months=3)),
        ("2s", relativedelta(weeks=2)),
        ("10j", relativedelta(days=10)),
        ("1a", relativedelta(years=1)),
        ("0d", relativedelta()),
    ],
)
def test_parse_period_delay(text, expected):
    assert parse_period_delay(text) == expected


@pytest.mark.parametrize("text", ["", "3", "m", "-3m", "3x", "in 3 days", "1.5m", "3m2w"])
def test_parse_period_delay_refuses(text):
    with pytest.raises(InvalidInput) as caught:
        parse_period_delay(text, field="follow-up-delay")
    assert str(caught.value) == f"Invalid follow-up-delay {text.strip()!r}: {DELAY_HINT}."


@pytest.mark.parametrize(
    ("start", "text", "expected"),
    [
        ("2026-11-26", "3m", "2027-02-26"),
        ("2026-11-30", "3m", "2027-02-28"),
        ("2026-11-26", "2w", "2026-12-10"),
        ("2026-12-31", "1q", "2027-03-31"),
    ],
)
def test_add_delay(start, text, expected):
    assert add_delay(date(start), text) == date(expected)


def test_add_delay_past_the_calendar():
    with pytest.raises(InvalidInput) as caught:
        add_delay(dt.date(9999, 12, 1), "1m")
    assert str(caught.value) == "Invalid delay '1m': it goes past the last possible date."


any_date = st.dates(min_value=dt.date(FIRST_YEAR, 1, 1), max_value=dt.date(LAST_YEAR, 12, 31))
NUMERIC_FORMS = {
    "dmy": "{d.day:02d}{sep}{d.month:02d}{sep}{d.year:04d}",
    "mdy": "{d.month:02d}{sep}{d.day:02d}{sep}{d.year:04d}",
}


@given(any_date, any_date, st.sampled_from(["dmy", "mdy"]), st.sampled_from("/.-"))
def test_written_dates_read_back(day, today, order, sep):
    assert parse_date(day.isoformat(), today=today, order=order) == day
    numeric = NUMERIC_FORMS[order].format(d=day, sep=sep)
    assert parse_date(numeric, today=today, order=order) == day


MONTH_NAMES = (
    ("jan", "january", "janvier"), ("feb", "february", "février"), ("mar", "march", "mars"),
    ("apr", "april", "avril"), ("may", "may", "mai"), ("jun", "june", "juin"),
    ("jul", "july", "juillet"), ("aug", "august", "août"), ("sep", "september", "septembre"),
    ("oct", "october", "octobre"), ("nov", "november", "novembre"),
    ("dec", "december", "décembre"),
)  # fmt: skip


# Today a year away from the calendar's ends: the next or last day and month stays within it.
@given(
    any_date,
    st.dates(min_value=dt.date(FIRST_YEAR + 1, 1, 1), max_value=dt.date(LAST_YEAR - 1, 12, 31)),
    st.integers(min_value=0, max_value=2),
    st.booleans(),
)
def test_dates_with_a_month_name_read_back(day, today, spelling, past):
    month = MONTH_NAMES[day.month - 1][spelling]
    for text in (f"{day.day} {month} {day.year}", f"{month.title()} {day.day}, {day.year}"):
        assert parse_date(text, today=today, past=past) == day
    numeric = f"{day.day}/{day.month}"
    if (day.month, day.day) != (2, 29):  # a 29 February may be further than the calendar
        assert parse_date(f"{day.day} {month}", today=today, past=past) == parse_date(
            numeric, today=today, past=past
        )


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2900, 12, 31)))
def test_next_week_and_month_start_them_and_end_of_week_is_a_friday(today):
    next_week = parse_date("next week", today=today)
    assert next_week.weekday() == 0
    assert 1 <= (next_week - today).days <= 7
    next_month = parse_date("mois prochain", today=today)
    assert next_month.day == 1
    assert next_month - relativedelta(months=1) <= today < next_month
    end_of_week = parse_date("fin de semaine", today=today)
    assert end_of_week.weekday() == 4
    assert 0 <= (end_of_week - today).days <= 6


@given(
    st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2200, 12, 31)),
    st.integers(min_value=0, max_value=10_000),
)
def test_day_offsets_are_exact(today, n):
    assert parse_date(f"+{n}d", today=today) == today + dt.timedelta(days=n)
    assert parse_date(f"-{n}d", today=today) == today - dt.timedelta(days=n)
    assert parse_date(f"in {n} days", today=today) == today + dt.timedelta(days=n)


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31)))
def test_weekdays_fall_within_the_next_seven_days(today):
    names = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    for weekday, name in enumerate(names):
        found = parse_date(name, today=today)
        assert 1 <= (found - today).days <= 7
        assert found.weekday() == weekday


# From 8 January 1900: in the first week of 1900 the last Tuesday may be in 1899, which is
# before the first year colibri accepts, and rightly refused.
@given(st.dates(min_value=dt.date(1900, 1, 8), max_value=dt.date(2200, 12, 31)))
def test_past_weekdays_fall_within_the_last_seven_days(today):
    names = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
    for weekday, name in enumerate(names):
        found = parse_date(name, today=today, past=True)
        assert 0 <= (today - found).days <= 6
        assert found.weekday() == weekday


@given(
    st.dates(min_value=dt.date(1910, 1, 1), max_value=dt.date(2900, 12, 31)),
    st.dates(min_value=dt.date(2028, 1, 1), max_value=dt.date(2028, 12, 31)),
    st.sampled_from(["dmy", "mdy"]),
)
def test_a_past_day_and_month_is_the_last_one(today, day, order):
    text = NUMERIC_FORMS[order].format(d=day, sep="/")[:5]  # 2028: 29 February too
    found = parse_date(text, today=today, order=order, past=True)
    assert found <= today
    assert (found.month, found.day) == (day.month, day.day)
    for year in range(found.year + 1, today.year + 1):  # no later one is on or before today
        if (day.month, day.day) != (2, 29) or calendar.isleap(year):
            assert dt.date(year, day.month, day.day) > today


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31)))
def test_period_ends_are_last_days(today):
    end_of_month = parse_date("eom", today=today)
    end_of_quarter = parse_date("eoq", today=today)
    assert today <= end_of_month <= end_of_quarter <= parse_date("eoy", today=today)
    assert (end_of_month + dt.timedelta(days=1)).day == 1
    assert end_of_quarter.month % 3 == 0
    assert (end_of_quarter + dt.timedelta(days=1)).day == 1


@pytest.mark.parametrize("text", ["1899-12-31", "3000-01-01", "9999-12-31", "31/12/0001"])
def test_dates_outside_the_years_a_business_needs_are_refused(text):
    with pytest.raises(InvalidInput) as caught:
        parse_date(text, today=THURSDAY, field="due date")
    assert str(caught.value) == f"Invalid due date {text!r}: a date's year goes from 1900 to 2999."


@given(
    st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2900, 12, 31)),
    st.integers(min_value=1, max_value=12),
)
def test_quarter_and_year_ends_follow_the_fiscal_year_of_the_reports(today, fiscal_start):
    from colibri_cli.core import periods

    quarter = periods.containing(today, "quarter", fiscal_start)
    assert parse_date("eoq", today=today, fiscal_start=fiscal_start) == quarter.end
    last_quarter = periods.following(quarter, 4 - int(quarter.label[-1]), fiscal_start)
    assert parse_date("fin de l'année", today=today, fiscal_start=fiscal_start) == (
        last_quarter.end
    )
