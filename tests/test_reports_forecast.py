"""`colibri forecast`: per period and currency, on the story of tests/scenario.py, today and
as it stood on past days (`--as-of`), checked against sums made by hand.

A row is written (period, currency, count, won, weighted, expected, commit, best_case,
target, gap); weighted sums are amount * probability, rounded half-up once summed.
"""

import pytest

from scenario import copy_into, fails, on_terminal, report, table

ROW_KEYS = ("count", "won", "weighted", "expected", "commit", "best_case", "target", "gap")
CALL_KEYS = ("call",)
"""The salesperson's own call (tests/test_forecast_calls.py): none in these stories."""
COVERAGE_KEYS = ("left_to_win", "coverage", "coverage_weighted")
"""What is left to win of the target and how the open pipeline covers it: checked by hand
on today's months below, and in tests/test_coverage_velocity.py."""
NO_COVERAGE = (None, None, None)
BOUNDS = {
    "2026-06": ("2026-06-01", "2026-06-30"),
    "2026-07": ("2026-07-01", "2026-07-31"),
    "2026-08": ("2026-08-01", "2026-08-31"),
    "2026-09": ("2026-09-01", "2026-09-30"),
    "2026-10": ("2026-10-01", "2026-10-31"),
    "2026-11": ("2026-11-01", "2026-11-30"),
    "2026-12": ("2026-12-01", "2026-12-31"),
    "2027-01": ("2027-01-01", "2027-01-31"),
    "2027-02": ("2027-02-01", "2027-02-28"),
    "2027-03": ("2027-03-01", "2027-03-31"),
    "2027-04": ("2027-04-01", "2027-04-30"),
    "2026-Q4": ("2026-10-01", "2026-12-31"),
    "2027-Q1": ("2027-01-01", "2027-03-31"),
    "2027-Q2": ("2027-04-01", "2027-06-30"),
    "2027-Q3": ("2027-07-01", "2027-09-30"),
}
NOTHING = (0, 0, 0, 0, 0, 0, None, None)

# Today, 2026-11-26, by month (the default: six months from the current one).
#   2026-11 EUR  won #15 3,000 (11-12). Open due from today: #4 1,335 at 40 % = 53,400 ->
#                534. Expected 3,534; commit 3,000 (40 < 70); best 3,000 + 1,335 = 4,335;
#                target 4,000, gap 466.
#   2026-12 EUR  #1 1,250 at 40 % -> 500; commit 0; best 1,250; target 5,000, gap 4,500.
#   2026-12 USD  #9 8,000 at 70 % -> 5,600; commit and best 8,000; target 6,000, gap 400.
#   2027-01 EUR  #8 2,000 at 70 % (140,000) + #16 4,010 at 75 % (300,750) = 440,750 ->
#                4,407.5 -> 4,408; commit 2,000 + 4,010 = 6,010 = best; target 6,000, 1,592.
#   2027-02 EUR  3 kits of 5 at 10 % = 150 -> 1.5 -> 2; commit 0; best 15; 2,000, gap 1,998.
MONTHS_TODAY = [
    ("2026-11", "EUR", (1, 3000, 534, 3534, 3000, 4335, 4000, 466)),
    ("2026-11", "USD", NOTHING),
    ("2026-12", "EUR", (1, 0, 500, 500, 0, 1250, 5000, 4500)),
    ("2026-12", "USD", (1, 0, 5600, 5600, 8000, 8000, 6000, 400)),
    ("2027-01", "EUR", (2, 0, 4408, 4408, 6010, 6010, 6000, 1592)),
    ("2027-01", "USD", NOTHING),
    ("2027-02", "EUR", (3, 0, 2, 2, 0, 15, 2000, 1998)),
    ("2027-02", "USD", NOTHING),
    ("2027-03", "EUR", NOTHING),
    ("2027-03", "USD", NOTHING),
    ("2027-04", "EUR", NOTHING),
    ("2027-04", "USD", NOTHING),
]
# Overdue today: #12 2,005 at 10 % (20,050) and #17 995 at 40 % (39,800), due 11-20 and
# 11-25: 59,850 -> 598.5 -> 599; commit 0; best 3,000. In no period.
OVERDUE_TODAY = [("overdue", "EUR", (2, 0, 599, 599, 0, 3000, None, None))]
# Coverage today: left to win = target - won; open amount and weighted amount due in the
# month against it, to one decimal, half-up.
#   2026-11 EUR  4,000 - 3,000 = 1,000: #4 1,335 -> 1.3; 534 -> 0.5.
#   2026-12 EUR  5,000: #1 1,250 -> 0.25 -> 0.3; 500 -> 0.1.
#   2026-12 USD  6,000: #9 8,000 -> 1.33 -> 1.3; 5,600 -> 0.93 -> 0.9.
#   2027-01 EUR  6,000: 6,010 -> 1.0; 4,407.5 -> 0.73 -> 0.7.
#   2027-02 EUR  2,000: 15 -> 0.0075 -> 0.0; 1.5 -> 0.0.
COVERAGE_TODAY = {
    ("2026-11", "EUR"): (1000, 1.3, 0.5),
    ("2026-12", "EUR"): (5000, 0.3, 0.1),
    ("2026-12", "USD"): (6000, 1.3, 0.9),
    ("2027-01", "EUR"): (6000, 1.0, 0.7),
    ("2027-02", "EUR"): (2000, 0.0, 0.0),
}


@pytest.fixture
def story(tmp_path_factory, db_path):
    copy_into(tmp_path_factory, db_path)


def full_row(period: str, currency: str, figures: tuple, coverage: tuple = NO_COVERAGE) -> dict:
    start, end = BOUNDS.get(period, (None, None))
    return {
        "period": period,
        "start": start,
        "end": end,
        "currency": currency,
        **dict(zip(ROW_KEYS, figures, strict=True)),
        **dict.fromkeys(CALL_KEYS),
        **dict(zip(COVERAGE_KEYS, coverage, strict=True)),
    }


def figures(found: dict) -> tuple[list, list]:
    """The period rows and the overdue rows as (period, currency, figures), after checking
    that every row has exactly the keys of the contract and its period's bounds (its
    coverage is checked where it is worked out)."""
    shown = []
    for section in ("periods", "overdue"):
        rows = []
        for row in found[section]:
            numbers = tuple(row[key] for key in ROW_KEYS)
            coverage = tuple(row[key] for key in COVERAGE_KEYS)
            assert row == full_row(row["period"], row["currency"], numbers, coverage)
            rows.append((row["period"], row["currency"], numbers))
        shown.append(rows)
    return shown[0], shown[1]


def forecast(cli, *options, today=None) -> tuple[list, list]:
    return figures(report(cli, "forecast", *options, today=today))


# --- today -----------------------------------------------------------------------------------


def test_forecast_by_month_is_per_period_and_currency_with_the_overdue_row_apart(story, cli):
    assert report(cli, "forecast") == {
        "date": "2026-11-26",
        "as_of": None,
        "period": "month",
        "commit_threshold": 70,
        "periods": [
            full_row(*row, COVERAGE_TODAY.get(row[:2], NO_COVERAGE)) for row in MONTHS_TODAY
        ],
        "overdue": [
            {
                "period": "overdue",
                "start": None,
                "end": None,
                "currency": "EUR",
                "count": 2,
                "won": 0,
                "weighted": 599,
                "expected": 599,
                "commit": 0,
                "best_case": 3000,
                "target": None,
                "gap": None,
                "call": None,
                "left_to_win": None,
                "coverage": None,
                "coverage_weighted": None,
            }
        ],
    }


def test_forecast_by_quarter_takes_the_targets_of_the_months_when_it_has_none(story, cli):
    periods, overdue = forecast(cli, "--period", "quarter")

    assert periods == [
        # Won: #13 2,001 (10-26) + #15 3,000 (11-12) = 5,001 (#8, won 10-12, was reopened).
        # Open from today: #4 53,400 + #1 50,000 = 103,400 -> 1,034. Expected 6,035;
        # commit 5,001; best 5,001 + 1,335 + 1,250 = 7,586. No 2026-Q4 target: its months,
        # 4,000 + 5,000 = 9,000; gap 2,965.
        ("2026-Q4", "EUR", (2, 5001, 1034, 6035, 5001, 7586, 9000, 2965)),
        # Won #11 2,500 (10-20) + #9 5,600: 8,100; commit and best 2,500 + 8,000; target
        # the December one, 6,000: 2,100 above it.
        ("2026-Q4", "USD", (1, 2500, 5600, 8100, 10500, 10500, 6000, -2100)),
        # 440,750 + 150 = 440,900 -> 4,409; commit 6,010; best 6,025; its own target 15,000
        # (not 6,000 + 2,000 from its months); gap 10,591.
        ("2027-Q1", "EUR", (5, 0, 4409, 4409, 6010, 6025, 15000, 10591)),
        ("2027-Q1", "USD", NOTHING),
        ("2027-Q2", "EUR", NOTHING),
        ("2027-Q2", "USD", NOTHING),
        ("2027-Q3", "EUR", NOTHING),
        ("2027-Q3", "USD", NOTHING),
    ]
    assert overdue == OVERDUE_TODAY


def test_periods_and_from_choose_the_window(story, cli):
    periods, overdue = forecast(cli, "--from", "2027-01", "--periods", "2")

    # No USD in January or February, nor any USD target: euros only. The overdue row stays.
    assert periods == [
        ("2027-01", "EUR", (2, 0, 4408, 4408, 6010, 6010, 6000, 1592)),
        ("2027-02", "EUR", (3, 0, 2, 2, 0, 15, 2000, 1998)),
    ]
    assert overdue == OVERDUE_TODAY


def test_past_periods_show_what_was_won_and_no_open_deal(story, cli):
    periods, _ = forecast(cli, "--from", "2026-09", "--periods", "3")

    assert periods == [
        ("2026-09", "EUR", (0, 1500, 0, 1500, 1500, 1500, None, None)),  # #6 won 09-28
        ("2026-09", "USD", NOTHING),
        # #13 2,001 won 10-26; #8 won 10-12 but reopened since: not won.
        ("2026-10", "EUR", (0, 2001, 0, 2001, 2001, 2001, None, None)),
        ("2026-10", "USD", (0, 2500, 0, 2500, 2500, 2500, None, None)),  # #11
        ("2026-11", "EUR", (1, 3000, 534, 3534, 3000, 4335, 4000, 466)),
        ("2026-11", "USD", NOTHING),
    ]


def test_quarter_window_with_from_and_periods(story, cli):
    periods, _ = forecast(cli, "--period", "quarter", "--from", "2027-Q1", "--periods", "1")

    assert periods == [("2027-Q1", "EUR", (5, 0, 4409, 4409, 6010, 6025, 15000, 10591))]


@pytest.mark.parametrize(
    ("threshold", "commits"),
    [
        # Nov EUR, Dec EUR, Dec USD, Jan EUR, Feb EUR, overdue EUR.
        ("70", (3000, 0, 8000, 6010, 0, 0)),
        # 75: #16 (75 %, its own probability) is in, #8 and #9 (70 %) are out.
        ("75", (3000, 0, 0, 4010, 0, 0)),
        # 40: the quotes too: Nov 3,000 + #4 1,335; Dec #1 1,250; overdue #17 995.
        ("40", (4335, 1250, 8000, 6010, 0, 995)),
        # 0: every open deal, as in best_case.
        ("0", (4335, 1250, 8000, 6010, 15, 3000)),
    ],
)
def test_commit_counts_open_deals_from_the_commit_threshold(story, ok, cli, threshold, commits):
    ok("config", "set", "commit-threshold", threshold)

    found = report(cli, "forecast")

    assert found["commit_threshold"] == int(threshold)
    by_key = {(row["period"], row["currency"]): row["commit"] for row in found["periods"]}
    [overdue] = found["overdue"]
    assert (
        by_key[("2026-11", "EUR")],
        by_key[("2026-12", "EUR")],
        by_key[("2026-12", "USD")],
        by_key[("2027-01", "EUR")],
        by_key[("2027-02", "EUR")],
        overdue["commit"],
    ) == commits


def test_a_probability_of_its_own_overrides_the_status(story, ok, cli):
    ok("opp", "edit", "16", "--probability", "")  # back to analysis, 10 %

    periods, _ = forecast(cli, "--from", "2027-01", "--periods", "1")

    # #8 140,000 + #16 4,010 at 10 % = 40,100: 180,100 -> 1,801; commit #8 alone, 2,000;
    # gap 6,000 - 1,801 = 4,199.
    assert periods == [("2027-01", "EUR", (2, 0, 1801, 1801, 2000, 6010, 6000, 4199))]
    # The day before, the history still had the 75 %.
    periods, _ = forecast(cli, "--from", "2027-01", "--periods", "1", "--as-of", "2026-11-25")
    assert periods == [("2027-01", "EUR", (2, 0, 4408, 4408, 6010, 6010, 6000, 1592))]


def test_a_currency_that_is_only_overdue_gets_its_rows_and_its_table(story, ok, cli):
    ok("opp", "create", "Pounds", "-a", "ACME", "--amount", "100", "--due", "2026-11-01",
       "--status", "quote", "--currency", "GBP")  # fmt: skip

    periods, overdue = forecast(cli, "--from", "2027-03", "--periods", "1")

    assert periods == [("2027-03", "EUR", NOTHING), ("2027-03", "GBP", NOTHING)]
    # 100 GBP at 40 % = 40, never added to the euros.
    assert overdue == [*OVERDUE_TODAY, ("overdue", "GBP", (1, 0, 40, 40, 0, 100, None, None))]
    assert table(cli, "forecast", "--from", "2027-03", "--periods", "1") == [
        "Forecast by month in EUR, 2026-11-26",
        "Period   Won  Weighted  Expected  Commit  Best case  Target  Gap",
        "2027-03    0         0         0       0          0",
        "Overdue    0       599       599       0      3,000",
        "",
        "Forecast by month in GBP, 2026-11-26",
        "Period   Won  Weighted  Expected  Commit  Best case  Target  Gap",
        "2027-03    0         0         0       0          0",
        "Overdue    0        40        40       0        100",
    ]


def test_an_empty_database_forecasts_zeros_in_the_default_currency(empty_db, cli):
    periods, overdue = forecast(cli, "--periods", "2")

    assert periods == [("2026-11", "EUR", NOTHING), ("2026-12", "EUR", NOTHING)]
    assert overdue == []


# --- as of a past day ------------------------------------------------------------------------


def test_as_of_today_is_the_forecast_of_today(story, cli):
    today = report(cli, "forecast")
    as_of = report(cli, "forecast", "--as-of", "2026-11-26")

    assert as_of == {**today, "as_of": "2026-11-26"}


def test_as_of_before_anything_existed(story, cli):
    found = report(cli, "forecast", "--as-of", "2026-06-14")

    assert (found["date"], found["as_of"]) == ("2026-11-26", "2026-06-14")
    # Nothing yet; the targets are today's: November's is in the window, in euros.
    assert figures(found) == (
        [
            ("2026-06", "EUR", NOTHING),
            ("2026-07", "EUR", NOTHING),
            ("2026-08", "EUR", NOTHING),
            ("2026-09", "EUR", NOTHING),
            ("2026-10", "EUR", NOTHING),
            ("2026-11", "EUR", (0, 0, 0, 0, 0, 0, 4000, 4000)),
        ],
        [],
    )


def test_as_of_the_day_before_and_the_day_after_an_opportunity_was_created(story, cli):
    # Support contract (#4) was created on 08-03, due 11-30, 333 at 40 %.
    before, _ = forecast(cli, "--as-of", "2026-08-02")
    after, _ = forecast(cli, "--as-of", "2026-08-04")

    assert ("2026-11", "EUR", (0, 0, 0, 0, 0, 0, 4000, 4000)) in before
    assert after == [
        # #2 4,200 in negotiation since 07-15, due 08-31: 294,000 -> 2,940; commit 4,200.
        ("2026-08", "EUR", (1, 0, 2940, 2940, 4200, 4200, None, None)),
        ("2026-08", "USD", NOTHING),
        # #1 1,250 due 09-15 (50,000) + #3 5,000 due 09-30 (200,000) at 40 %: 2,500.
        ("2026-09", "EUR", (2, 0, 2500, 2500, 0, 6250, None, None)),
        ("2026-09", "USD", NOTHING),
        # #5 (created 08-05) does not exist yet: nothing due in October.
        ("2026-10", "EUR", NOTHING),
        ("2026-10", "USD", NOTHING),
        # #4 333 at 40 % = 133.2 -> 133 (its amount of then, not the 1,335 of 10-28).
        ("2026-11", "EUR", (1, 0, 133, 133, 0, 333, 4000, 3867)),
        ("2026-11", "USD", NOTHING),
        ("2026-12", "EUR", (0, 0, 0, 0, 0, 0, 5000, 5000)),
        ("2026-12", "USD", (0, 0, 0, 0, 0, 0, 6000, 6000)),
        ("2027-01", "EUR", (0, 0, 0, 0, 0, 0, 6000, 6000)),
        ("2027-01", "USD", NOTHING),
    ]


def test_as_of_between_the_two_slips_of_a_due_date(story, cli):
    # 09-15: #1 had slipped once (to 10-20, on 09-10), not yet twice (12-10, on 10-02).
    periods, overdue = forecast(cli, "--as-of", "2026-09-15")

    assert periods == [
        # #3 5,000 (lost only on 09-20) + #6 1,500 (quote since 09-01, won only on 09-28),
        # both due 09-30 at 40 %: 260,000 -> 2,600; best 6,500. Nothing won yet.
        ("2026-09", "EUR", (2, 0, 2600, 2600, 0, 6500, None, None)),
        ("2026-09", "USD", NOTHING),
        # #1 1,250 at 40 % (50,000) + #5 800 at 10 % (8,000) + #8 2,000 at 70 % (140,000)
        # = 198,000 -> 1,980; commit #8 2,000; best 4,050.
        ("2026-10", "EUR", (3, 0, 1980, 1980, 2000, 4050, None, None)),
        # #11 2,500 at 70 %: 1,750, not yet won.
        ("2026-10", "USD", (1, 0, 1750, 1750, 2500, 2500, None, None)),
        # #4 333 at 40 % (13,320) + #10 700 (7,000) + #12 2,005 (20,050, created that very
        # day) at 10 % = 40,370 -> 403.7 -> 404; best 3,038; gap 4,000 - 404 = 3,596.
        ("2026-11", "EUR", (3, 0, 404, 404, 0, 3038, 4000, 3596)),
        ("2026-11", "USD", NOTHING),
        # #7 1,100 at 10 %, cancelled only on 10-15: 110; gap 4,890.
        ("2026-12", "EUR", (1, 0, 110, 110, 0, 1100, 5000, 4890)),
        ("2026-12", "USD", (1, 0, 5600, 5600, 8000, 8000, 6000, 400)),
        ("2027-01", "EUR", (0, 0, 0, 0, 0, 0, 6000, 6000)),
        ("2027-01", "USD", NOTHING),
        ("2027-02", "EUR", (0, 0, 0, 0, 0, 0, 2000, 2000)),
        ("2027-02", "USD", NOTHING),
    ]
    assert overdue == []


def test_as_of_reads_dates_as_people_write_them(story, cli):
    assert (
        report(cli, "forecast", "--as-of", "15/09/2026")["periods"]
        == (report(cli, "forecast", "--as-of", "2026-09-15")["periods"])
    )


def test_as_of_after_a_deal_was_won(story, cli):
    # 10-20: #8 won on 10-12 (not yet reopened), #11 won that very day.
    periods, overdue = forecast(cli, "--as-of", "2026-10-20")

    assert periods == [
        # Won #8 2,000; open due from 10-20: #13 2,001 at 40 % = 80,040 -> 800 (won only on
        # 10-26). Expected 2,800; commit 2,000; best 4,001.
        ("2026-10", "EUR", (1, 2000, 800, 2800, 2000, 4001, None, None)),
        ("2026-10", "USD", (0, 2500, 0, 2500, 2500, 2500, None, None)),
        # #4 333 (13,320) + #10 700 (7,000) + #12 2,005 (20,050) + #15 3,000 at 70 %
        # (210,000) = 250,370 -> 2,504; commit 3,000; best 6,038; gap 1,496.
        ("2026-11", "EUR", (4, 0, 2504, 2504, 3000, 6038, 4000, 1496)),
        ("2026-11", "USD", NOTHING),
        # #1 1,250 (50,000) + #14 1,200 (48,000) at 40 %: 980; best 2,450; gap 4,020.
        ("2026-12", "EUR", (2, 0, 980, 980, 0, 2450, 5000, 4020)),
        ("2026-12", "USD", (1, 0, 5600, 5600, 8000, 8000, 6000, 400)),
        # #16 (created 10-27) does not exist yet; #8 is won, not due in January.
        ("2027-01", "EUR", (0, 0, 0, 0, 0, 0, 6000, 6000)),
        ("2027-01", "USD", NOTHING),
        ("2027-02", "EUR", (0, 0, 0, 0, 0, 0, 2000, 2000)),
        ("2027-02", "USD", NOTHING),
        ("2027-03", "EUR", NOTHING),
        ("2027-03", "USD", NOTHING),
    ]
    assert overdue == []


def test_as_of_after_a_won_deal_was_reopened(story, cli):
    # 11-05: #8 reopened and moved to 2027-01-15; #4 is at 1,335 since 10-28.
    periods, overdue = forecast(cli, "--as-of", "2026-11-05")

    assert periods == [
        # #4 1,335 at 40 % (53,400) + #12 (20,050) + #15 (210,000) + #17 995 at 40 %
        # (39,800) = 323,250 -> 3,232.5 -> 3,233; commit #15 3,000; best 7,335; gap 767.
        ("2026-11", "EUR", (4, 0, 3233, 3233, 3000, 7335, 4000, 767)),
        ("2026-11", "USD", NOTHING),
        ("2026-12", "EUR", (2, 0, 980, 980, 0, 2450, 5000, 4020)),
        ("2026-12", "USD", (1, 0, 5600, 5600, 8000, 8000, 6000, 400)),
        # #8 open again: 140,000 + #16 300,750 -> 4,408; commit 6,010; gap 1,592.
        ("2027-01", "EUR", (2, 0, 4408, 4408, 6010, 6010, 6000, 1592)),
        ("2027-01", "USD", NOTHING),
        ("2027-02", "EUR", (0, 0, 0, 0, 0, 0, 2000, 2000)),  # the kits come on 11-20
        ("2027-02", "USD", NOTHING),
        ("2027-03", "EUR", NOTHING),
        ("2027-03", "USD", NOTHING),
        ("2027-04", "EUR", NOTHING),
        ("2027-04", "USD", NOTHING),
    ]
    assert overdue == []


def test_as_of_a_day_with_an_overdue_deal(story, cli):
    periods, overdue = forecast(cli, "--as-of", "2026-11-21")

    # #12 (due 11-20) is overdue on 11-21; #17 (due 11-25) is not yet: it is in November.
    assert overdue == [("overdue", "EUR", (1, 0, 201, 201, 0, 2005, None, None))]
    # Won #15 3,000; #4 53,400 + #17 39,800 = 93,200 -> 932; best 3,000 + 2,330 = 5,330.
    assert periods[0] == ("2026-11", "EUR", (2, 3000, 932, 3932, 3000, 5330, 4000, 68))
    # #14 was lost on 11-18: #1 alone in December.
    assert periods[2] == ("2026-12", "EUR", (1, 0, 500, 500, 0, 1250, 5000, 4500))


# --- fiscal year, formats, bad input ---------------------------------------------------------


def test_quarters_start_with_the_fiscal_year(story, ok, cli):
    ok("config", "set", "fiscal-year-start", "4")

    found = report(cli, "forecast", "--period", "quarter")

    assert [(row["period"], row["start"], row["end"]) for row in found["periods"][::2]] == [
        ("2026-Q3", "2026-10-01", "2026-12-31"),
        ("2026-Q4", "2027-01-01", "2027-03-31"),
        ("2027-Q1", "2027-04-01", "2027-06-30"),
        ("2027-Q2", "2027-07-01", "2027-09-30"),
    ]
    assert [
        (row["period"], row["currency"], tuple(row[key] for key in ROW_KEYS))
        for row in found["periods"]
    ] == [
        ("2026-Q3", "EUR", (2, 5001, 1034, 6035, 5001, 7586, 9000, 2965)),
        ("2026-Q3", "USD", (1, 2500, 5600, 8100, 10500, 10500, 6000, -2100)),
        # January-March 2027: the months' targets, 6,000 + 2,000 = 8,000; gap 3,591.
        ("2026-Q4", "EUR", (5, 0, 4409, 4409, 6010, 6025, 8000, 3591)),
        ("2026-Q4", "USD", NOTHING),
        # The target stored as 2027-Q1 is now April-June 2027.
        ("2027-Q1", "EUR", (0, 0, 0, 0, 0, 0, 15000, 15000)),
        ("2027-Q1", "USD", NOTHING),
        ("2027-Q2", "EUR", NOTHING),
        ("2027-Q2", "USD", NOTHING),
    ]


def test_forecast_csv_has_exactly_its_columns(story, cli):
    result = cli("forecast", "--periods", "2", "--format", "csv")

    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "period,currency,count,won,weighted,expected,commit,best_case,target,gap,call,"
        "left_to_win,coverage,coverage_weighted\n"
        "2026-11,EUR,1,3000,534,3534,3000,4335,4000,466,,1000,1.3,0.5\n"
        "2026-11,USD,0,0,0,0,0,0,,,,,,\n"
        "2026-12,EUR,1,0,500,500,0,1250,5000,4500,,5000,0.3,0.1\n"
        "2026-12,USD,1,0,5600,5600,8000,8000,6000,400,,6000,1.3,0.9\n"
        "overdue,EUR,2,0,599,599,0,3000,,,,,,\n"
    )


def test_forecast_table_reads_at_80_columns(story, cli):
    assert table(cli, "forecast", "--period", "quarter") == [
        "Forecast by quarter in EUR, 2026-11-26",
        "Period     Won  Weighted  Expected  Commit  Best case  Target      Gap",
        "2026-Q4  5,001     1,034     6,035   5,001      7,586   9,000   +2,965",
        "2027-Q1      0     4,409     4,409   6,010      6,025  15,000  +10,591",
        "2027-Q2      0         0         0       0          0",
        "2027-Q3      0         0         0       0          0",
        "Overdue      0       599       599       0      3,000",
        # 9,000 - 5,001 = 3,999 left: 2,585 open (0.65 -> 0.6×), 1,034 weighted (0.26 ->
        # 0.3×); 15,000 left: 6,025 (0.40 -> 0.4×), 4,409 (0.29 -> 0.3×).
        "Coverage 2026-Q4: 3,999 left to win; open pipeline 0.6×, weighted 0.3×",
        "Coverage 2027-Q1: 15,000 left to win; open pipeline 0.4×, weighted 0.3×",
        "",
        "Forecast by quarter in USD, 2026-11-26",
        "Period     Won  Weighted  Expected  Commit  Best case  Target     Gap",
        "2026-Q4  2,500     5,600     8,100  10,500     10,500   6,000  -2,100",
        "2027-Q1      0         0         0       0          0",
        "2027-Q2      0         0         0       0          0",
        "2027-Q3      0         0         0       0          0",
        # 6,000 - 2,500 = 3,500 left: 8,000 open (2.29 -> 2.3×), 5,600 weighted (1.6×).
        "Coverage 2026-Q4: 3,500 left to win; open pipeline 2.3×, weighted 1.6×",
    ]


def test_on_a_terminal_a_chart_shows_expected_against_target(story, db_path):
    lines = on_terminal(db_path, "forecast", "--periods", "3")

    # EUR, scaled to 24 cells against the largest expected or target, 6,000: November won
    # 24 * 3,000 / 6,000 = 12 cells, expected 24 * 3,534 / 6,000 = 14.1 -> 14, target 16;
    # December expected 2.0 -> 2, target 20; January expected 17.6 -> 18, target 24.
    # Under each table, the coverage of its periods with a target (on paper above, today's).
    assert lines[6:9] == [
        "Coverage 2026-11: 1,000 left to win; open pipeline 1.3×, weighted 0.5×",
        "Coverage 2026-12: 5,000 left to win; open pipeline 0.3×, weighted 0.1×",
        "Coverage 2027-01: 6,000 left to win; open pipeline 1.0×, weighted 0.7×",
    ]
    assert lines[9:13] == [
        " 2026-11 " + "█" * 12 + "▒" * 2 + " " * 2 + "┃",
        " 2026-12 " + "▒" * 2 + " " * 18 + "┃",
        " 2027-01 " + "▒" * 18 + " " * 6 + "┃",
        "         █ won  ▒ weighted  ┃ target",
    ]
    # USD, against 6,000: December expected 24 * 5,600 / 6,000 = 22.4 -> 22, target 24.
    assert lines[19:24] == [
        "Coverage 2026-12: 6,000 left to win; open pipeline 1.3×, weighted 0.9×",
        " 2026-11",
        " 2026-12 " + "▒" * 22 + " " * 2 + "┃",
        " 2027-01",
        "         █ won  ▒ weighted  ┃ target",
    ]
    assert lines[:2] == [
        "Forecast by month in EUR, 2026-11-26",
        "Period     Won  Weighted  Expected  Commit  Best case  Target     Gap",
    ]
    # The notes, on stderr, wrap at word boundaries to the terminal's 80 columns.
    assert lines[-4:] == [
        "Expected = won + weighted; commit counts open deals at 70% or more; overdue",
        "deals (due before today, still open) are not in any period.",
        "Gap = target - expected: + is what you are short of the target, - how far ahead.",
        "",
    ]
    assert max(len(line) for line in lines) <= 80


def test_forecast_table_as_of_says_so(story, cli):
    lines = table(cli, "forecast", "--as-of", "2026-10-20", "--periods", "1")

    assert lines[:4] == [
        "Forecast by month in EUR, as it stood on 2026-10-20",
        "Period     Won  Weighted  Expected  Commit  Best case  Target  Gap",
        "2026-10  2,000       800     2,800   2,000      4,001",
        "",
    ]


def test_the_table_explains_its_terms_on_stderr(story, cli):
    result = cli("forecast", "--periods", "1")

    assert result.stderr == (
        "\n"
        "Expected = won + weighted; commit counts open deals at 70% or more; overdue deals "
        "(due before today, still open) are not in any period.\n"
        "Gap = target - expected: + is what you are short of the target, - how far ahead.\n"
    )


def test_without_a_target_there_is_no_gap_to_explain(story, cli):
    result = cli("forecast", "--periods", "1", "--from", "2027-06")

    assert result.exit_code == 0, result.output
    assert "Gap = " not in result.stderr


HELP = " See 'colibri forecast --help'."


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            ("--period", "week"),
            f"Invalid value for '--period' / '-p': 'week' is not one of 'month', 'quarter'.{HELP}",
        ),
        (
            ("--from", "2027-Q1"),
            f"Invalid value: --from 2027-Q1 is not a month: use --period quarter.{HELP}",
        ),
        (
            ("--period", "quarter", "--from", "2027-01"),
            f"Invalid value: --from 2027-01 is not a quarter: use --period month.{HELP}",
        ),
        (
            ("--from", "2027-13"),
            "Invalid --from '2027-13': write a month as 2027-01 or a quarter as 2027-Q1.",
        ),
        (
            ("--as-of", "someday"),
            "Invalid --as-of date 'someday': use YYYY-MM-DD, DD/MM/YYYY, today, tomorrow, "
            "a weekday, +3d, +2w, +1m or eom.",
        ),
        (
            ("--as-of", "2026-11-27"),
            "The --as-of date 2026-11-27 is in the future: give today or a day before.",
        ),
        (
            ("--periods", "0"),
            f"Invalid value for '--periods' / '-n': 0 is not in the range 1<=x<=60.{HELP}",
        ),
    ],
)
def test_bad_options_are_refused_with_exit_2(story, cli, options, message):
    fails(cli, "forecast", *options, code=2, message=message)


@pytest.mark.parametrize("report", [("forecast",), ("forecast", "accuracy")])
def test_stdout_ends_with_the_last_row_not_a_blank_line(story, cli, report):
    """A blank line sets two currencies' tables apart, and the notes on stderr apart from the
    tables; piped, stdout ends with its last line of data."""
    result = cli(*report)

    assert result.exit_code == 0, result.output
    assert result.stdout.endswith("\n") and not result.stdout.endswith("\n\n")
    assert "\n\nForecast" in result.stdout  # EUR, then USD
