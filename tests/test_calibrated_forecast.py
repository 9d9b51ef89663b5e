"""`forecast --calibrated` and `forecast accuracy --calibrated`, from a history built by hand.

The history (every date 2026; quote 40 %, negotiation 70 %; MINIMUM_DEALS is 10):
  01-05  W1 to W10 and L1 to L10 created in quote, 100 EUR, due 02-27.
  W1 won 02-20, W2 02-27, W3 03-04, W4 and W5 03-09, W6 and W7 03-19, W8 and W9 03-29,
  W10 04-08: days after the due date 0 (early), 0, 5, 10, 10, 20, 20, 30, 30, 40.
  03-02  L1 to L10 lost.
  05-01  O1 quote 1,000 due 06-20; O2 quote 2,000 due 06-10; O3 negotiation 1,000 due 06-15;
         O4 quote 1,000 at 90 % of its own due 06-30; O5 quote 500 due 05-25; O6 quote 300
         due 05-10.

Worked out on paper, on 06-01 (known then: the 20 deals above):
  quote: 10 won of 20 → 50 %; the median of the 10 delays is (10 + 20) / 2 = 15 days.
  negotiation, analysis: no closed deal → probability and dates kept.
  Computed forecast, June: O1 400 + O2 800 + O3 700 + O4 900 = 2,800; overdue O5 200 + O6
  120 = 320.
  Calibrated: O1 → 07-05 (July) 500; O2 → 06-25 1,000; O3 700 (kept); O4 → 07-15 (July),
  90 % kept: 900; O5 → 06-09, not overdue any more: 250; O6 → 05-25, still overdue: 150.
  June 1,000 + 700 + 250 = 1,950; July 500 + 900 = 1,400; overdue 150.

Then: O5 won 06-09, O2 won 06-25, O3 lost 06-26, O1 won 07-05, O6 lost 07-10, O4 won 07-20.
On 08-01, `forecast accuracy --last 2`:
  June (known at the end of 05-31, as on 06-01): forecast 2,800, calibrated 1,950; won O2 +
  O5 = 2,500. Errors +300 (+12.0 %) and -550 (-22.0 %).
  July (known at the end of 06-30): quote has O2 and O5 won more: 12 won of 22 = 54.5 % →
  55 %; delays 0, 0, 5, 10, 10, 15, 15, 20, 20, 30, 30, 40: median 15. Negotiation: O3 lost
  alone, kept. The computed forecast has nothing due in July (O1 and O4 were due in June):
  0. Calibrated: O1 → 07-05 at 55 %: 550; O4 → 07-15 at 90 %: 900; O6 → 05-25, overdue:
  1,450. Won O1 + O4 = 2,000. Errors -2,000 (-100.0 %) and -550 (-27.5 %).
  MAPE (12 + 100) / 2 = 56.0, bias -44.0, -850 a period; calibrated (22 + 27.5) / 2 = 24.75
  → 24.8, bias -24.8, -550 a period.
"""

import json

import pytest

from scenario import copy_into, report

WON_ON = {
    "W1": "02-20",
    "W2": "02-27",
    "W3": "03-04",
    "W4": "03-09",
    "W5": "03-09",
    "W6": "03-19",
    "W7": "03-19",
    "W8": "03-29",
    "W9": "03-29",
    "W10": "04-08",
}
OPEN = (
    ("O1", "1000", "2026-06-20", "quote"),
    ("O2", "2000", "2026-06-10", "quote"),
    ("O3", "1000", "2026-06-15", "negotiation"),
    ("O4", "1000", "2026-06-30", "quote", "--probability", "90"),
    ("O5", "500", "2026-05-25", "quote"),
    ("O6", "300", "2026-05-10", "quote"),
)


@pytest.fixture
def on(cli):
    def run(day: str, *arguments: str) -> None:
        result = cli(*arguments, env={"COLIBRI_TODAY": f"2026-{day}"})
        assert result.exit_code == 0, result.output

    return run


@pytest.fixture
def history(on, built_once):
    built_once(lambda: build_history(on))
    return on


def build_history(on):
    def create(day: str, name: str, amount: str, due: str, status: str, *more: str) -> None:
        on(day, "opp", "create", name, "--account", "ACME", "--amount", amount,
           "--due", due, "--status", status, *more)  # fmt: skip

    on("01-02", "account", "add", "ACME")
    for name in [*WON_ON, *(f"L{number}" for number in range(1, 11))]:
        create("01-05", name, "100", "2026-02-27", "quote")
    for name, day in WON_ON.items():
        close(on, day, "won", name)
    for number in range(1, 11):
        close(on, "03-02", "lost", f"L{number}")
    for deal in OPEN:
        create("05-01", *deal)


def close(on, day: str, status: str, name: str) -> None:
    on(day, "opp", "status", name, status, "--reason", "r", "--no-follow-up")


def test_the_calibrated_forecast_weighs_and_moves_the_open_deals(history, cli):
    document = report(cli, "forecast", "--calibrated", "--periods", "2", today="2026-06-01")
    assert [
        (row["period"], row["expected"], row["calibrated"])
        for row in document["periods"] + document["overdue"]
    ] == [("2026-06", 2800, 1950), ("2026-07", 0, 1400), ("overdue", 320, 150)]
    assert document["corrections"] == [
        {
            "status": "analysis",
            "label": "Needs analysis",
            "probability": 10,
            "calibrated_probability": None,
            "deals": 0,
            "won_deals": 0,
            "shift_days": None,
        },
        {
            "status": "quote",
            "label": "Quote sent",
            "probability": 40,
            "calibrated_probability": 50,
            "deals": 20,
            "won_deals": 10,
            "shift_days": 15,
        },
        {
            "status": "negotiation",
            "label": "Negotiation",
            "probability": 70,
            "calibrated_probability": None,
            "deals": 0,
            "won_deals": 0,
            "shift_days": None,
        },
    ]


def test_the_table_shows_the_column_and_says_what_it_corrected(history, cli):
    result = cli("forecast", "--calibrated", "--periods", "2", env={"COLIBRI_TODAY": "2026-06-01"})
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "Forecast by month in EUR, 2026-06-01\n"
        "Period   Won  Weighted  Expected  Commit  Best case  Target  Gap  Calibrated\n"
        "2026-06    0     2,800     2,800   2,000      5,000                    1,950\n"
        "2026-07    0         0         0       0          0                    1,400\n"
        "Overdue    0       320       320       0        800                      150\n"
    )
    assert result.stderr.endswith(
        "Calibrated = won + each open deal weighted by its status's share won and due later by"
        " its median delay, where 10 closed deals or more say:\n"
        "  Needs analysis: 10% kept (only 0 won or lost deals), dates kept (only 0 won deals)\n"
        "  Quote sent: 40% → 50% (20 won or lost deals), due 15 days later (10 won deals)\n"
        "  Negotiation: 70% kept (only 0 won or lost deals), dates kept (only 0 won deals)\n"
    )


def test_the_csv_has_the_calibrated_column_only_when_asked(history, cli):
    env = {"COLIBRI_TODAY": "2026-06-01"}
    asked = cli("forecast", "--calibrated", "--periods", "1", "--format", "csv", env=env)
    plain = cli("forecast", "--periods", "1", "--format", "csv", env=env)
    assert asked.stdout.splitlines()[0].endswith(",coverage_weighted,calibrated")
    assert asked.stdout.splitlines()[1].endswith(",1950")
    assert plain.stdout.splitlines()[0].endswith(",coverage_weighted")
    assert (
        "calibrated"
        not in json.loads(cli("forecast", "--periods", "1", "--format", "json", env=env).stdout)[
            "periods"
        ][0]
    )


def test_as_of_corrects_with_what_was_known_that_day(history, cli):
    """On 03-05 only W1 to W3 were won and L1 to L10 lost: 13 deals (3 won, 23 %) but only
    3 won: the probability is corrected, the dates are not."""
    document = report(cli, "forecast", "--calibrated", "--as-of", "2026-03-05", today="2026-06-01")
    quote = document["corrections"][1]
    assert (quote["deals"], quote["calibrated_probability"], quote["won_deals"]) == (13, 23, 3)
    assert quote["shift_days"] is None


@pytest.fixture
def months_later(history):
    for day, status, name in (
        ("06-09", "won", "O5"),
        ("06-25", "won", "O2"),
        ("06-26", "lost", "O3"),
        ("07-05", "won", "O1"),
        ("07-10", "lost", "O6"),
        ("07-20", "won", "O4"),
    ):
        close(history, day, status, name)


def test_the_backtest_corrects_each_period_with_what_was_known_before_it(months_later, cli):
    document = report(
        cli, "forecast", "accuracy", "--last", "2", "--calibrated", today="2026-08-01"
    )
    assert [
        (
            row["period"],
            row["forecast"],
            row["calibrated"],
            row["actual"],
            row["error_pct"],
            row["calibrated_error"],
            row["calibrated_error_pct"],
        )
        for row in document["periods"]
    ] == [
        ("2026-06", 2800, 1950, 2500, 12.0, -550, -22.0),
        ("2026-07", 0, 1450, 2000, -100.0, -550, -27.5),
    ]
    summary = document["summary"][0]
    assert (summary["mape"], summary["bias"], summary["bias_amount"]) == (56.0, -44.0, -850)
    assert (
        summary["calibrated_mape"],
        summary["calibrated_bias"],
        summary["calibrated_bias_amount"],
    ) == (24.8, -24.8, -550)


def test_a_deal_reopened_between_two_periods_counts_only_for_the_first(months_later, cli):
    """L1, lost on 03-02, is back in quote on 06-15: June's correction still sees it lost
    (1,950 as before), July's does not: quote has 12 won of 21, 57 % (O1 570 + O4 900).
    Open again, L1 is due 02-27 + 15 days: overdue, in no period."""
    cli("opp", "status", "L1", "quote", env={"COLIBRI_TODAY": "2026-06-15"})
    document = report(
        cli, "forecast", "accuracy", "--last", "2", "--calibrated", today="2026-08-01"
    )
    assert [
        (row["period"], row["calibrated"], row["calibrated_error"], row["calibrated_error_pct"])
        for row in document["periods"]
    ] == [("2026-06", 1950, -550, -22.0), ("2026-07", 1470, -530, -26.5)]


def test_the_backtest_table_says_which_was_closer(months_later, cli):
    result = cli(
        "forecast", "accuracy", "--last", "2", "--calibrated", env={"COLIBRI_TODAY": "2026-08-01"}
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[1].endswith("  Calibrated  Calib. err %")
    assert lines[2].split()[-2:] == ["1,950", "-22.0%"]
    assert lines[3].split()[-2:] == ["1,450", "-27.5%"]
    assert (
        "Calibrated, backtested: MAPE 24.8% · bias -24.8%, closer than the computed forecast."
        in lines
    )


def test_in_french(months_later, cli):
    env = {"COLIBRI_TODAY": "2026-08-01", "COLIBRI_LANG": "fr"}
    result = cli("forecast", "accuracy", "--last", "2", "--calibrated", env=env)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1].endswith("  Calibrée  Err. calib. %")
    assert (
        "Calibrée, rejouée sur le passé : MAPE 24,8\u00a0% · biais -24,8\u00a0%, plus juste que la "
        "prévision calculée." in result.stdout.splitlines()
    )
    # On 08-01 quote has 13 won of 24 (O4, with its own probability, is left out): 54 %;
    # 14 won deals delayed 15 days at the median (O1 by 15, O4 by 20).
    ahead = cli("forecast", "--calibrated", "--periods", "1", env=env)
    assert ahead.stderr.splitlines()[-3:] == [
        "  Analyse des besoins : 10\u00a0% gardé (seulement 0 affaire gagnée ou perdue), "
        "dates gardées (seulement 0 affaire gagnée)",
        "  Devis envoyé : 40\u00a0% → 54\u00a0% (24 affaires gagnées ou perdues), "
        "attendue 15 jours plus tard (14 affaires gagnées)",
        "  Négociation : 70\u00a0% gardé (seulement 1 affaire gagnée ou perdue), "
        "dates gardées (seulement 0 affaire gagnée)",
    ]


@pytest.fixture
def story(tmp_path_factory, db_path):
    copy_into(tmp_path_factory, db_path)


def test_without_enough_deals_the_calibrated_forecast_is_the_forecast(story, cli):
    """The shared story has fewer than 10 closed deals in every status: nothing is
    corrected, so each calibrated figure is the expected one, today and in the backtest."""
    ahead = report(cli, "forecast", "--calibrated")
    assert all(row["calibrated"] == row["expected"] for row in ahead["periods"] + ahead["overdue"])
    assert {row["shift_days"] for row in ahead["corrections"]} == {None}
    past = report(cli, "forecast", "accuracy", "--calibrated", "--last", "4")
    assert [row["calibrated"] for row in past["periods"]] == [
        row["forecast"] for row in past["periods"]
    ]
    assert past["summary"][0]["calibrated_mape"] == past["summary"][0]["mape"]


def test_options_before_a_subcommand_are_refused(story, cli):
    result = cli("forecast", "--calibrated", "accuracy")
    assert result.exit_code == 2
    assert "give the options after `accuracy`" in result.stderr


def test_the_corrected_probabilities_are_those_statuses_calibrate_suggests(cli):
    """On the demo's years of history (reopened, pushed and trashed deals included)."""
    assert cli("demo").exit_code == 0
    suggested = {
        row["status"]: row["suggested"] for row in report(cli, "statuses", "calibrate")["statuses"]
    }
    corrected = report(cli, "forecast", "--calibrated")["corrections"]
    assert {row["status"]: row["calibrated_probability"] for row in corrected} == suggested
    assert {row["status"]: row["deals"] for row in corrected} == {
        row["status"]: row["deals"] for row in report(cli, "statuses", "calibrate")["statuses"]
    }
