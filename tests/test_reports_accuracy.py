"""`colibri forecast accuracy`: for each completed period of the story in tests/scenario.py,
the forecast as it stood at the end of the day before the period began, against what was
won in it, and what slipped; checked against sums made by hand.

A row is written (period, currency, forecast, actual, error, error_pct, slipped_count,
slipped_amount). The forecast of a period is the `expected` of `forecast --as-of` the day
before it: nothing can be won in a period before it begins, so it is the weighted amount
of the open deals due in it.
"""

import pytest

from scenario import copy_into, fails, report, table

ROW_KEYS = (
    "forecast",
    "actual",
    "error",
    "error_pct",
    "slipped_count",
    "slipped_amount",
)
NOTHING = (0, 0, 0, None, 0, 0)

# By month, today 2026-11-26: the last six completed months are May to October.
#   May, June   nothing existed at their start, nothing won.
#   July        at 06-30: #2 Website 4,200 quote (40 %) due 07-31 -> 1,680. Won in July:
#               nothing (#2 was moved to August on 07-15). Error 1,680; no percentage of
#               nothing. Slipped: #2, 4,200.
#   August      at 07-31: #2 in negotiation since 07-15, due 08-31: 4,200 at 70 % -> 2,940.
#               Won: #2 4,200. Error -1,260 = -30.0 %. Nothing slipped.
#   September   at 08-31: #1 1,250 at 40 % due 09-15 (50,000), #3 5,000 at 40 % due 09-30
#               (200,000), #6 1,500 in analysis until 09-01, at 10 % (15,000): 265,000 ->
#               2,650. Won: #6 1,500. Error 1,150 = 76.666…% -> 76.7 %. Slipped: #1 (moved
#               to October on 09-10) and #3 (lost): 2, 6,250.
#   October     at 09-30: #1 due 10-20 (50,000), #5 800 at 10 % (8,000), #8 2,000 at 70 %
#               (140,000), #13 2,001 at 40 % (80,040): 278,040 -> 2,780. Won (as things
#               are now): #13 2,001 (#8 was won on 10-12 but reopened). Error 779 =
#               38.930…% -> 38.9 %. Slipped: #8, #1 (moved again on 10-02), #5 (lost):
#               3, 2,000 + 1,250 + 800 = 4,050.
#               USD at 09-30: #11 2,500 at 70 % -> 1,750. Won 2,500. Error -750 = -30.0 %.
MONTHS = [
    ("2026-05", "EUR", NOTHING),
    ("2026-05", "USD", NOTHING),
    ("2026-06", "EUR", NOTHING),
    ("2026-06", "USD", NOTHING),
    ("2026-07", "EUR", (1680, 0, 1680, None, 1, 4200)),
    ("2026-07", "USD", NOTHING),
    ("2026-08", "EUR", (2940, 4200, -1260, -30.0, 0, 0)),
    ("2026-08", "USD", NOTHING),
    ("2026-09", "EUR", (2650, 1500, 1150, 76.7, 2, 6250)),
    ("2026-09", "USD", NOTHING),
    ("2026-10", "EUR", (2780, 2001, 779, 38.9, 3, 4050)),
    ("2026-10", "USD", (1750, 2500, -750, -30.0, 0, 0)),
]
SLIPPED_SEPTEMBER = [
    {
        "id": 1,
        "name": "Fleet renewal",
        "amount": 1250,
        "due_date": "2026-09-15",
        "status_now": "quote",
        "closed_on_now": None,
    },
    {
        "id": 3,
        "name": "Redesign",
        "amount": 5000,
        "due_date": "2026-09-30",
        "status_now": "lost",
        "closed_on_now": "2026-09-20",
    },
]
SLIPPED_OCTOBER = [
    {
        "id": 8,
        "name": "Training days",
        "amount": 2000,
        "due_date": "2026-10-15",
        "status_now": "negotiation",
        "closed_on_now": None,
    },
    {
        "id": 1,
        "name": "Fleet renewal",
        "amount": 1250,
        "due_date": "2026-10-20",  # where it was due at the start of October
        "status_now": "quote",
        "closed_on_now": None,
    },
    {
        "id": 5,
        "name": "Mobile app",
        "amount": 800,
        "due_date": "2026-10-31",
        "status_now": "lost",
        "closed_on_now": "2026-10-10",
    },
]


@pytest.fixture
def story(tmp_path_factory, db_path):
    copy_into(tmp_path_factory, db_path)


FROM_JULY = "Forecasts exist from 2026-07 on: the history begins on 2026-06-15.\n"


def row(period: str, currency: str, figures: tuple, slipped: list | None = None) -> dict:
    """A period's row; these stories make no forecast call (see tests/test_forecast_calls.py)."""
    found = {
        "period": period,
        "currency": currency,
        **dict(zip(ROW_KEYS, figures, strict=True)),
        **dict.fromkeys(("call", "call_error", "call_error_pct")),
    }
    return found if slipped is None else {**found, "slipped": slipped}


def summary(currency, periods, measured, mape, bias, bias_amount, unmeasured=()) -> dict:
    return {
        "currency": currency,
        "periods": periods,
        "measured_periods": measured,
        "unmeasured": list(unmeasured),
        "mape": mape,
        "bias": bias,
        "bias_amount": bias_amount,
        "call_measured_periods": 0,
        "call_mape": None,
        "call_bias": None,
        "call_bias_amount": None,
        "call_forecast_mape": None,
    }


def test_accuracy_of_the_last_six_months(story, cli):
    assert report(cli, "forecast", "accuracy", stderr=FROM_JULY) == {
        "date": "2026-11-26",
        "period": "month",
        # The history begins on 06-15: May and June began before any forecast was made.
        "history_starts": "2026-06-15",
        "left_out": 2,
        "periods": [row(*month) for month in MONTHS[4:]],
        "summary": [
            # Over the months where something was won (August, September, October):
            # MAPE (30 + 76.666… + 38.930…) / 3 = 48.532… -> 48.5;
            # bias (-30 + 76.666… + 38.930…) / 3 = 28.532… -> 28.5;
            # in units, over the same three: (-1,260 + 1,150 + 779) / 3 = 223.
            summary("EUR", 4, 3, 48.5, 28.5, 223, ["2026-07"]),
            # October alone was measured: -30 %, -750.
            summary("USD", 4, 1, 30.0, -30.0, -750, ["2026-07", "2026-08", "2026-09"]),
        ],
    }


def test_periods_before_the_history_began_are_left_out_and_said_so(story, cli):
    result = cli("forecast", "accuracy", "--format", "csv")

    assert result.exit_code == 0, result.output
    assert result.stderr == "Forecasts exist from 2026-07 on: the history begins on 2026-06-15.\n"
    assert result.stdout.splitlines()[1].startswith("2026-07,EUR,1680,")
    early = cli("forecast", "accuracy", env={"COLIBRI_TODAY": "2026-07-10"})
    assert early.stderr == (
        "No forecast to measure yet: the history begins on 2026-06-15, and forecasts are "
        "measured from the first period that starts after it.\n"
    )


def test_details_list_the_deals_that_slipped(story, cli):
    assert report(cli, "forecast", "accuracy", "--last", "3", "--details") == {
        "date": "2026-11-26",
        "period": "month",
        "history_starts": "2026-06-15",
        "left_out": 0,
        "periods": [
            row(*MONTHS[6], []),
            row(*MONTHS[7], []),
            row(*MONTHS[8], SLIPPED_SEPTEMBER),
            row(*MONTHS[9], []),
            row(*MONTHS[10], SLIPPED_OCTOBER),
            row(*MONTHS[11], []),
        ],
        "summary": [
            # Bias in units: (-1,260 + 1,150 + 779) / 3 = 223.
            summary("EUR", 3, 3, 48.5, 28.5, 223),
            summary("USD", 3, 1, 30.0, -30.0, -750, ["2026-08", "2026-09"]),  # October's
        ],
    }


def test_means_are_of_the_exact_errors_rounded_half_up_at_the_end(story, cli):
    found = report(cli, "forecast", "accuracy", "--last", "2")

    assert found["summary"] == [
        # (76.666… + 38.930…) / 2 = 57.798… -> 57.8; (1,150 + 779) / 2 = 964.5 -> 965.
        summary("EUR", 2, 2, 57.8, 57.8, 965),
        summary("USD", 2, 1, 30.0, -30.0, -750, ["2026-09"]),  # October alone
    ]


def test_the_forecast_of_a_period_is_the_expected_amount_the_day_before_it(story, cli):
    def expected(as_of: str, period: str, currency: str) -> int:
        found = report(cli, "forecast", "--as-of", as_of)
        [match] = [
            line["expected"]
            for line in found["periods"]
            if (line["period"], line["currency"]) == (period, currency)
        ]
        return match

    accuracy = {
        (line["period"], line["currency"]): line["forecast"]
        for line in report(cli, "forecast", "accuracy", "--last", "4")["periods"]
    }

    assert accuracy[("2026-07", "EUR")] == expected("2026-06-30", "2026-07", "EUR") == 1680
    assert accuracy[("2026-08", "EUR")] == expected("2026-07-31", "2026-08", "EUR") == 2940
    assert accuracy[("2026-09", "EUR")] == expected("2026-08-31", "2026-09", "EUR") == 2650
    assert accuracy[("2026-10", "EUR")] == expected("2026-09-30", "2026-10", "EUR") == 2780
    assert accuracy[("2026-10", "USD")] == expected("2026-09-30", "2026-10", "USD") == 1750


def test_accuracy_by_quarter(story, cli):
    assert report(
        cli,
        "forecast",
        "accuracy",
        *("--period", "quarter", "--last", "2", "--details"),
        stderr="Forecasts exist from 2026-Q3 on: the history begins on 2026-06-15.\n",
    ) == {
        "date": "2026-11-26",
        "period": "quarter",
        # Nothing existed on 2026-03-31: no forecast was made for 2026-Q2.
        "history_starts": "2026-06-15",
        "left_out": 1,
        "periods": [
            # At 06-30: #1 1,250 due 09-15 (50,000) + #2 4,200 quote due 07-31 (168,000)
            # = 218,000 -> 2,180. Won in the quarter: #2 4,200 + #6 1,500 = 5,700. Error
            # -3,520 = -61.754…% -> -61.8 %. Slipped: #1 (due 09-15 at the start).
            row(
                "2026-Q3",
                "EUR",
                (2180, 5700, -3520, -61.8, 1, 1250),
                [
                    {
                        "id": 1,
                        "name": "Fleet renewal",
                        "amount": 1250,
                        "due_date": "2026-09-15",
                        "status_now": "quote",
                        "closed_on_now": None,
                    }
                ],
            ),
        ],
        # No USD: none forecast or won in the quarter.
        "summary": [summary("EUR", 1, 1, 61.8, -61.8, -3520)],
    }


def test_accuracy_quarters_follow_the_fiscal_year(story, ok, cli):
    ok("config", "set", "fiscal-year-start", "2")

    found = report(
        cli,
        "forecast",
        "accuracy",
        *("--period", "quarter", "--last", "2"),
        stderr="Forecasts exist from 2026-Q3 on: the history begins on 2026-06-15.\n",
    )

    # Quarters from February: today is in 2026-Q4 (November to January); the two before
    # are 2026-Q2 (May-July, begun before the history: no forecast) and 2026-Q3
    # (August-October).
    assert found["periods"] == [
        # At 07-31: #1 50,000 + #2 4,200 at 70 % (294,000) + #3 200,000 = 544,000 -> 5,440.
        # Won August-October: #2 4,200 + #6 1,500 + #13 2,001 = 7,701. Error -2,261 =
        # -29.359…% -> -29.4 %. Slipped #1 and #3: 6,250.
        row("2026-Q3", "EUR", (5440, 7701, -2261, -29.4, 2, 6250)),
        # #11 was created on 09-05, after the quarter began: unforecast, then won.
        row("2026-Q3", "USD", (0, 2500, -2500, -100.0, 0, 0)),
    ]
    assert found["summary"] == [
        summary("EUR", 1, 1, 29.4, -29.4, -2261),
        summary("USD", 1, 1, 100.0, -100.0, -2500),
    ]


def test_when_nothing_was_won_there_is_no_percentage_to_average(story, cli):
    found = report(cli, "forecast", "accuracy", "--last", "3", today="2026-08-15", stderr=FROM_JULY)

    # May, June, July: only July had a forecast (1,680), and nothing was won.
    assert found["periods"] == [row("2026-07", "EUR", (1680, 0, 1680, None, 1, 4200))]
    assert found["summary"] == [summary("EUR", 1, 0, None, None, None, ["2026-07"])]
    result = cli("forecast", "accuracy", "--last", "3", env={"COLIBRI_TODAY": "2026-08-15"})
    assert "Nothing was won in these periods: no percentage error to average.\n" in result.stdout


def test_accuracy_csv_has_exactly_its_columns(story, cli):
    result = cli("forecast", "accuracy", "--last", "2", "--format", "csv")

    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "period,currency,forecast,actual,error,error_pct,slipped_count,slipped_amount,"
        "call,call_error,call_error_pct\n"
        "2026-09,EUR,2650,1500,1150,76.7,2,6250,,,\n"
        "2026-09,USD,0,0,0,,0,0,,,\n"
        "2026-10,EUR,2780,2001,779,38.9,3,4050,,,\n"
        "2026-10,USD,1750,2500,-750,-30.0,0,0,,,\n"
    )


def test_accuracy_table_with_details_reads_at_80_columns(story, cli):
    assert table(cli, "forecast", "accuracy", "--last", "3", "--details") == [
        "Forecast accuracy by month in EUR",
        "Period   Forecast  Actual   Error  Error %  Slipped  Slipped amt",
        "2026-08     2,940   4,200  -1,260   -30.0%        0            0",
        "2026-09     2,650   1,500  +1,150   +76.7%        2        6,250",
        "2026-10     2,780   2,001    +779   +38.9%        3        4,050",
        "MAPE 48.5% · bias +28.5%, +223 EUR a period (+ means over-forecast)",
        "  2026-09  #1 Fleet renewal: 1,250 EUR due 2026-09-15, now quote",
        "  2026-09  #3 Redesign: 5,000 EUR due 2026-09-30, now lost",
        "  2026-10  #8 Training days: 2,000 EUR due 2026-10-15, now negotiation",
        "  2026-10  #1 Fleet renewal: 1,250 EUR due 2026-10-20, now quote",
        "  2026-10  #5 Mobile app: 800 EUR due 2026-10-31, now lost",
        "",
        "Forecast accuracy by month in USD",
        "Period   Forecast  Actual  Error  Error %  Slipped  Slipped amt",
        "2026-08         0       0      0                 0            0",
        "2026-09         0       0      0                 0            0",
        "2026-10     1,750   2,500   -750   -30.0%        0            0",
        "MAPE 30.0% · bias -30.0%, -750 USD a period (+ means over-forecast)",
        "Left out of these means, nothing won: 2026-08, 2026-09.",
    ]


HELP = " See 'colibri forecast accuracy --help'."


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            ("--period", "week"),
            f"Invalid value for '--period' / '-p': 'week' is not one of 'month', 'quarter'.{HELP}",
        ),
        (
            ("--last", "0"),
            f"Invalid value for '--last' / '-n': 0 is not in the range 1<=x<=60.{HELP}",
        ),
    ],
)
def test_bad_options_are_refused_with_exit_2(story, cli, options, message):
    fails(cli, "forecast", "accuracy", *options, code=2, message=message)


def test_retuning_a_status_does_not_rewrite_past_forecasts(story, cli):
    """A forecast made in the past used the probabilities of that time; changing a status's
    probability today changes today's forecast only."""
    before = report(cli, "forecast", "accuracy", "--last", "6", stderr=FROM_JULY)
    past = report(cli, "forecast", "--as-of", "2026-09-15")
    today = report(cli, "forecast")
    assert cli("statuses", "edit", "quote", "--probability", "90").exit_code == 0

    assert report(cli, "forecast", "accuracy", "--last", "6", stderr=FROM_JULY) == before
    assert report(cli, "forecast", "--as-of", "2026-09-15") == past
    assert report(cli, "forecast") != today
    as_of_today = report(cli, "forecast", "--as-of", "2026-11-26")
    now = report(cli, "forecast")
    assert (as_of_today["periods"], as_of_today["overdue"]) == (now["periods"], now["overdue"])


def test_accuracy_says_its_bias_amount_as_amounts_are_written(story, cli, monkeypatch):
    monkeypatch.setenv("COLIBRI_LANG", "fr")
    lines = table(cli, "forecast", "accuracy", "--last", "3")

    assert (
        "MAPE 48,5\u00a0% · biais +28,5\u00a0%, +223\u00a0€ par période (+ : prévision trop haute)"
    ) in lines
