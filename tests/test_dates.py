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
        ("31/04", f"Invalid closing date '31/04': {DMY_HINT}."),
        ("31/11/2026", "Invalid closing date '31/11/2026': 2026-11 has 30 days."),
        ("someday", f"Invalid closing date 'someday': {DMY_HINT}."),
    ],
)
def test_a_past_date_is_refused_as_any_other(text, message):
    with pytest.raises(InvalidInput) as caught:
        parse_date(text, today=DECEMBER_THURSDAY, field="closing date", past=True)
    assert str(caught.value) == message


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
        ("31/04", "dmy", f"Invalid due date '31/04': {DMY_HINT}."),
        ("13/13", "dmy", f"Invalid due date '13/13': {DMY_HINT}."),
        ("31/12-2026", "dmy", f"Invalid due date '31/12-2026': {DMY_HINT}."),
        ("31/12/202", "dmy", f"Invalid due date '31/12/202': {DMY_HINT}."),
        ("2026", "dmy", f"Invalid due date '2026': {DMY_HINT}."),
        ("15", "dmy", f"Invalid due date '15': {DMY_HINT}."),
        ("soon", "dmy", f"Invalid due date 'soon': {DMY_HINT}."),
        ("next", "dmy", f"Invalid due date 'next': {DMY_HINT}."),
        ("next month", "dmy", f"Invalid due date 'next month': {DMY_HINT}."),
        ("+3x", "dmy", f"Invalid due date '+3x': {DMY_HINT}."),
        ("+d", "dmy", f"Invalid due date '+d': {DMY_HINT}."),
        ("in -3 days", "dmy", f"Invalid due date 'in -3 days': {DMY_HINT}."),
        ("+999999y", "dmy", f"Invalid due date '+999999y': {DMY_HINT}."),
        ("+9999999d", "dmy", f"Invalid due date '+9999999d': {DMY_HINT}."),
        ("2026-12-31T10:00", "dmy", f"Invalid due date '2026-12-31T10:00': {DMY_HINT}."),
    ],
)
def test_parse_date_refuses(text, order, message):
    with pytest.raises(InvalidInput) as caught:
        parse_date(text, today=THURSDAY, order=order, field="due date")
    assert str(caught.value) == message
    assert caught.value.exit_code == 2


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
