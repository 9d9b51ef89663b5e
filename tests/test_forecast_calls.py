"""Your own forecast call, recorded day by day and measured beside the computed forecast.

The story, worked out on paper (every date 2026; ACME's deals in EUR):
  08-01  A, 10,000 in quote (40 %), due 09-15.
  08-20  call 2026-09: 8,000.      09-05  call 2026-09: 12,000 (made during September).
  09-10  A won.
  09-20  B, 5,000 in negotiation (70 %), due 10-20.    09-25  call 2026-10: 6,000.
  10-15  B won.
On 11-02, September and October are measured (August began on the history's first day):
  2026-09  forecast 4,000 (A at 40 %), won 10,000: error -6,000, -60 %; the call standing
           on 09-01 is 8,000 (the 12,000 came too late): -2,000, -20 %.
  2026-10  forecast 3,500 (B at 70 %), won 5,000: -1,500, -30 %; call 6,000: +1,000, +20 %.
  Forecast: MAPE 45, bias -45, -3,750 a period. Calls: MAPE 20, bias 0, -500 a period.
"""

import json
import sqlite3
from pathlib import Path

import pytest

NOW = "2026-11-02"


@pytest.fixture
def story(at):
    at("2026-08-01", "account", "add", "ACME")
    at("2026-08-01", "opp", "create", "A", "--account", "ACME", "--amount", "10000",
       "--due", "2026-09-15", "--status", "quote")  # fmt: skip
    at("2026-08-20", "forecast", "call", "2026-09", "8k")
    at("2026-09-05", "forecast", "call", "2026-09", "12k")
    at("2026-09-10", "opp", "status", "A", "won", "--reason", "fit", "--no-follow-up")
    at("2026-09-20", "opp", "create", "B", "--account", "ACME", "--amount", "5000",
       "--due", "2026-10-20", "--status", "negotiation")  # fmt: skip
    at("2026-09-25", "forecast", "call", "2026-10", "6000")
    at("2026-10-15", "opp", "status", "B", "won", "--reason", "fit", "--no-follow-up")


def document(at, day: str, *arguments: str) -> dict:
    return json.loads(at(day, *arguments, "--format", "json").stdout)


def test_a_call_is_recorded_with_its_moment(story, at, rows):
    result = at(NOW, "forecast", "call", "2026-11", "3 000 €")

    assert result.stderr.startswith("Your call for 2026-11: 3,000 EUR, made 2026-11-02 ")
    made = rows("SELECT period, currency, amount, made_at FROM forecast_calls ORDER BY id")
    assert [(row["period"], row["amount"], row["made_at"][:10]) for row in made] == [
        ("2026-09", 8000, "2026-08-20"),
        ("2026-09", 12000, "2026-09-05"),
        ("2026-10", 6000, "2026-09-25"),
        ("2026-11", 3000, "2026-11-02"),
    ]
    listed = document(at, NOW, "forecast", "calls")
    assert [(row["period"], row["amount"]) for row in listed] == [
        ("2026-09", 8000),
        ("2026-09", 12000),
        ("2026-10", 6000),
        ("2026-11", 3000),
    ]
    assert list(listed[0]) == ["id", "period", "currency", "amount", "made_at"]


def test_accuracy_measures_the_call_standing_when_each_period_began(story, at):
    report = document(at, NOW, "forecast", "accuracy", "--last", "3")

    assert [
        {
            key: row[key]
            for key in (
                "period",
                "forecast",
                "actual",
                "error_pct",
                "call",
                "call_error",
                "call_error_pct",
            )
        }
        for row in report["periods"]
    ] == [
        {
            "period": "2026-09",
            "forecast": 4000,
            "actual": 10000,
            "error_pct": -60.0,
            "call": 8000,
            "call_error": -2000,
            "call_error_pct": -20.0,
        },
        {
            "period": "2026-10",
            "forecast": 3500,
            "actual": 5000,
            "error_pct": -30.0,
            "call": 6000,
            "call_error": 1000,
            "call_error_pct": 20.0,
        },
    ]
    assert report["summary"] == [
        {
            "currency": "EUR",
            "periods": 2,
            "measured_periods": 2,
            "unmeasured": [],
            "mape": 45.0,
            "bias": -45.0,
            "bias_amount": -3750,
            "call_measured_periods": 2,
            "call_mape": 20.0,
            "call_bias": 0.0,
            "call_bias_amount": -500,
            "call_forecast_mape": 45.0,
        }
    ]


def test_the_accuracy_table_puts_the_calls_beside_the_forecast(story, at):
    result = at(NOW, "forecast", "accuracy", "--last", "3")

    lines = [line.rstrip() for line in result.stdout.splitlines()]
    assert lines == [
        "Forecast accuracy by month in EUR",
        "Period   Forecast  Actual   Error  Error %  Slipped  Slipped amt   Call  Call err %",
        "2026-09     4,000  10,000  -6,000   -60.0%        0            0  8,000      -20.0%",
        "2026-10     3,500   5,000  -1,500   -30.0%        0            0  6,000      +20.0%",
        "MAPE 45.0% · bias -45.0%, -3,750 EUR a period (+ means over-forecast)",
        "Your calls over 2 periods: MAPE 20.0% · bias +0.0%",
        "Closer than the computed forecast over those periods (MAPE 45.0%).",
    ]
    page = (Path(__file__).parents[1] / "docs" / "reports.md").read_text(encoding="utf-8")
    shown = "".join(f"  {line}".rstrip() + "\n" for line in lines)
    assert f"  $ colibri forecast accuracy --last 3\n{shown}  ```" in page


def test_forecast_shows_the_call_standing_then(story, at):
    def calls(day: str, *options: str) -> dict:
        found = document(at, NOW, "forecast", "--periods", "2", *options)
        return {row["period"]: row["call"] for row in found["periods"]}

    assert calls(NOW, "--as-of", "2026-08-19", "--from", "2026-09") == {
        "2026-09": None,
        "2026-10": None,
    }
    assert calls(NOW, "--as-of", "2026-08-20", "--from", "2026-09") == {
        "2026-09": 8000,
        "2026-10": None,
    }
    assert calls(NOW, "--as-of", "2026-09-05", "--from", "2026-09") == {
        "2026-09": 12000,
        "2026-10": None,
    }
    assert calls(NOW, "--from", "2026-09") == {"2026-09": 12000, "2026-10": 6000}


def test_the_forecast_table_has_a_call_column_only_when_there_is_a_call(story, at):
    without = at(NOW, "forecast", "--periods", "2").stdout
    assert "Call" not in without

    at(NOW, "forecast", "call", "2026-12", "4k")
    lines = [line.rstrip() for line in at(NOW, "forecast", "--periods", "2").stdout.splitlines()]
    assert lines[:4] == [
        "Forecast by month in EUR, 2026-11-02",
        "Period   Won  Weighted  Expected  Commit  Best case  Target  Gap   Call",
        "2026-11    0         0         0       0          0",
        "2026-12    0         0         0       0          0               4,000",
    ]


def test_a_quarter_without_its_own_call_sums_its_months(story, at):
    at(NOW, "forecast", "call", "2026-11", "3k")
    at(NOW, "forecast", "call", "2026-12", "4k")

    def q4() -> int:
        found = document(at, NOW, "forecast", "--period", "quarter", "--periods", "1")
        return found["periods"][0]["call"]

    assert q4() == 6000 + 3000 + 4000
    at(NOW, "forecast", "call", "2026-Q4", "10k")
    assert q4() == 10000


def test_calls_are_per_currency_and_rounded_like_amounts(story, at):
    result = at(NOW, "forecast", "call", "2026-12", "1000.6", "--currency", "usd")

    assert result.stderr.splitlines()[0] == "The call '1000.6' was rounded to 1,001."
    found = document(at, NOW, "forecast", "--periods", "2")
    assert [(row["period"], row["currency"], row["call"]) for row in found["periods"]] == [
        ("2026-11", "USD", None),
        ("2026-12", "USD", 1001),
    ]  # EUR has nothing in these months


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ("2026-10", "5k"),
            "Error: 2026-10 is over: a call says what you expect before a period ends "
            "(forecast accuracy shows how past calls did).\n",
        ),
        (("2026-13", "5k"), None),
        (("2026-12", "-5"), None),
        (("2026-12", "lots"), None),
        (("2026-12", "5k", "--currency", "EURO"), None),
    ],
)
def test_a_bad_call_is_refused_and_nothing_is_recorded(story, at, rows, arguments, message):
    result = at(NOW, "forecast", "call", *arguments, code=2)

    if message:
        assert result.stderr == message
    assert result.stderr.startswith("Error: ")
    assert len(rows("SELECT id FROM forecast_calls")) == 3


def test_a_call_is_never_changed_nor_deleted(story, db_path, rows):
    conn = sqlite3.connect(db_path)
    try:
        for statement in ("UPDATE forecast_calls SET amount = 1", "DELETE FROM forecast_calls"):
            with pytest.raises(sqlite3.IntegrityError, match="a forecast call is never"):
                conn.execute(statement)
    finally:
        conn.close()
    assert [row["amount"] for row in rows("SELECT amount FROM forecast_calls")] == [
        8000,
        12000,
        6000,
    ]


def test_calls_move_with_the_whole_database(story, at, cli, tmp_path):
    exported = tmp_path / "all.json"
    at(NOW, "export", "all", "-o", str(exported))
    moved = tmp_path / "moved.db"
    assert cli("--db", str(moved), "import", "all", str(exported)).exit_code == 0

    report = json.loads(
        cli(
            "--db",
            str(moved),
            "forecast",
            "accuracy",
            "--last",
            "3",
            "-f",
            "json",
            env={"COLIBRI_TODAY": NOW},
        ).stdout
    )
    assert [row["call"] for row in report["periods"]] == [8000, 6000]


def test_the_calls_speak_french(story, at, cli):
    result = cli("forecast", "accuracy", "--last", "3", env={"COLIBRI_TODAY": NOW,
                                                              "COLIBRI_LANG": "fr"})  # fmt: skip

    lines = [line.rstrip() for line in result.stdout.splitlines()]
    assert lines[-2:] == [
        "Vos annonces sur 2 périodes : MAPE 20,0\u00a0% · biais +0,0\u00a0%",
        "Plus juste que la prévision calculée sur ces périodes (MAPE 45,0\u00a0%).",
    ]
