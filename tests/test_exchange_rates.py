"""Exchange rates, and the reports converted into one currency with `--in`.

The story, worked out on paper (every date 2026; the reporting currency is EUR):
  08-01  rates: 1 USD = 0.90 EUR, 1 GBP = 1.20 EUR.   Deals, all due by October:
         A 10,000 USD quote (40 %) due 09-15;  B 5,000 EUR negotiation (70 %) due 09-20;
         C 1,000 GBP quote (40 %) due 10-10.
  08-20  A won: 10,000 USD at 0.90 = 9,000 EUR.
  09-01  rate: 1 USD = 0.75 EUR from 09-01, set again the same day as 0.80 (this one holds).
  09-02  D 2,000 USD quote (40 %) due 10-05.         09-10  B won: 5,000 EUR.
  10-05  D won: 2,000 USD at 0.80 = 1,600 EUR.
On 09-15, in EUR: open C 1,200 (weighted 480) and D 1,600 (weighted 640).
On 11-02, forecast accuracy (August began on the history's first day: left out):
  2026-09  forecast at the end of 08-31: B 5,000 × 70 % = 3,500; won 5,000: -1,500, -30 %.
  2026-10  forecast at the end of 09-30: C 400 GBP × 1.20 = 480, D 800 USD × 0.80 = 640:
           1,120; won D 1,600: -480, -30 %; slipped C, 1,000 GBP = 1,200 EUR.
  MAPE 30, bias -30 %, -990 EUR a period.
Stats on 11-02, in EUR: won 9,000 + 5,000 + 1,600 = 15,600 in 3 deals, average 5,200,
median 5,000.
"""

import json
import sqlite3

import pytest

RATES_LINE = (
    "Converted into EUR at the rates in force on each amount's day: 1 GBP = 1.2 EUR from "
    "2026-08-01; 1 USD = 0.9 EUR from 2026-08-01; 1 USD = 0.8 EUR from 2026-09-01.\n"
)


def opp(at, day, name, amount, currency, due, status):
    at(day, "opp", "create", name, "--account", "ACME", "--amount", amount,
       "--currency", currency, "--due", due, "--status", status)  # fmt: skip


@pytest.fixture
def story(at):
    at("2026-08-01", "account", "add", "ACME")
    at("2026-08-01", "rate", "set", "USD", "0.90")
    at("2026-08-01", "rate", "set", "GBP", "1,20")
    opp(at, "2026-08-01", "A", "10000", "USD", "2026-09-15", "quote")
    opp(at, "2026-08-01", "B", "5000", "EUR", "2026-09-20", "negotiation")
    opp(at, "2026-08-01", "C", "1000", "GBP", "2026-10-10", "quote")
    at("2026-08-20", "opp", "status", "A", "won", "--no-follow-up")
    at("2026-08-25", "rate", "set", "USD", "0.75", "--on", "2026-09-01")
    at("2026-09-01", "rate", "set", "USD", "0.8")
    opp(at, "2026-09-02", "D", "2000", "USD", "2026-10-05", "quote")
    at("2026-09-10", "opp", "status", "B", "won", "--no-follow-up")


def document(at, day: str, *arguments: str) -> dict:
    return json.loads(at(day, *arguments, "--format", "json").stdout)


def test_a_rate_is_kept_as_set_and_the_last_for_a_day_holds(story, at, rows):
    result = at("2026-09-15", "rate", "set", "GBP", "1.1500", "--on", "2026-12-01")

    assert result.stderr == "From 2026-12-01, 1 GBP = 1.15 EUR.\n"
    assert [
        (row["currency"], row["rate"], row["base"], row["valid_from"], row["set_at"][:10])
        for row in rows("SELECT * FROM exchange_rates ORDER BY id")
    ] == [
        ("USD", "0.9", "EUR", "2026-08-01", "2026-08-01"),
        ("GBP", "1.2", "EUR", "2026-08-01", "2026-08-01"),
        ("USD", "0.75", "EUR", "2026-09-01", "2026-08-25"),
        ("USD", "0.8", "EUR", "2026-09-01", "2026-09-01"),
        ("GBP", "1.15", "EUR", "2026-12-01", "2026-09-15"),
    ]
    listed = at("2026-09-15", "rate", "list", "--format", "csv").stdout.splitlines()
    assert listed[0] == "id,currency,rate,base,valid_from,set_at"
    assert [line.split(",")[1:5] for line in listed[1:]] == [
        ["GBP", "1.2", "EUR", "2026-08-01"],
        ["GBP", "1.15", "EUR", "2026-12-01"],
        ["USD", "0.9", "EUR", "2026-08-01"],
        ["USD", "0.75", "EUR", "2026-09-01"],
        ["USD", "0.8", "EUR", "2026-09-01"],
    ]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("EUR", "1"), "EUR is the reporting currency (the currency setting): its rate is "
         "always 1. Set the rates of the other currencies against it."),
        (("USD", "0"), "Invalid rate '0': write how many units of the reporting currency one "
         "unit is worth, a number above 0 with at most 10 decimals, such as 0.92."),
        (("USD", "-1"), "Invalid rate '-1': write how many units of the reporting currency "
         "one unit is worth, a number above 0 with at most 10 decimals, such as 0.92."),
        (("USD", "1.2.3"), "Invalid rate '1.2.3': write how many units of the reporting "
         "currency one unit is worth, a number above 0 with at most 10 decimals, such as 0.92."),
        (("DOLLARS", "1"), "Invalid currency 'DOLLARS': a currency is a three-letter ISO 4217 "
         "code such as EUR, USD or GBP."),
        (("USD", "0.9", "--on", "someday"), "'someday'"),
    ],
)  # fmt: skip
def test_a_wrong_rate_is_refused_and_nothing_is_written(empty_db, cli, rows, arguments, message):
    result = cli("rate", "set", *arguments)

    assert result.exit_code == 2
    if message.startswith("'"):  # the date's own message, tested with the dates
        assert message in result.stderr
    else:
        assert result.stderr == f"Error: {message}\n"
    assert rows("SELECT * FROM exchange_rates") == []


def test_the_schema_keeps_rates_as_they_were_set(story, db_path):
    with sqlite3.connect(db_path) as conn:
        for statement in ("UPDATE exchange_rates SET rate = '1'", "DELETE FROM exchange_rates"):
            with pytest.raises(sqlite3.IntegrityError, match="an exchange rate is never"):
                conn.execute(statement)
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            conn.execute(
                "INSERT INTO exchange_rates (currency, rate, base, valid_from, set_at) "
                "VALUES ('USD', '0,9', 'EUR', '2026-01-01', '2026-01-01T00:00:00')"
            )


def test_the_pipeline_in_one_currency(story, at):
    result = at("2026-09-15", "pipeline", "--in", "eur")

    assert result.stdout.splitlines()[:4] == [
        "Open pipeline by status, 2026-09-15",
        "            Count     Amount   Weighted",
        "Quote sent      2  2,800 EUR  1,120 EUR",
        "Total           2  2,800 EUR  1,120 EUR",
    ]
    assert result.stdout.endswith(
        "Converted into EUR at the rates in force on each amount's day: 1 GBP = 1.2 EUR from "
        "2026-08-01;\n1 USD = 0.8 EUR from 2026-09-01.\n"  # "1 USD" is never split
    )
    report = document(at, "2026-09-15", "pipeline", "--in", "EUR")
    assert report["totals"] == [{"currency": "EUR", "count": 2, "amount": 2800, "weighted": 1120}]
    # No deal has a task: the two have no next step, counted in EUR as the totals are.
    assert report["no_next_step"] == report["totals"]
    assert report["conversion"] == {
        "into": "EUR",
        "base": "EUR",
        "rates": [
            {"currency": "GBP", "rate": "1.2", "from": "2026-08-01", "earlier_days": False},
            {"currency": "USD", "rate": "0.8", "from": "2026-09-01", "earlier_days": False},
        ],
    }
    plain = document(at, "2026-09-15", "pipeline")
    assert "conversion" not in plain
    assert [total["currency"] for total in plain["totals"]] == ["GBP", "USD"]
    assert [total["currency"] for total in plain["no_next_step"]] == ["GBP", "USD"]


def test_the_forecast_converts_a_close_at_its_day_and_targets_at_their_period(story, at):
    at("2026-09-15", "target", "set", "2026-10", "5000")
    at("2026-09-15", "target", "set", "2026-10", "1000", "--currency", "USD")

    report = document(
        at, "2026-09-15", "forecast", "--from", "2026-08", "--periods", "3", "--in", "EUR"
    )

    figures = [
        {key: row[key] for key in ("period", "currency", "won", "weighted", "best_case",
                                   "target", "gap")}
        for row in report["periods"]
    ]  # fmt: skip
    assert figures == [
        {"period": "2026-08", "currency": "EUR", "won": 9000, "weighted": 0,
         "best_case": 9000, "target": None, "gap": None},
        {"period": "2026-09", "currency": "EUR", "won": 5000, "weighted": 0,
         "best_case": 5000, "target": None, "gap": None},
        {"period": "2026-10", "currency": "EUR", "won": 0, "weighted": 1120,
         "best_case": 2800, "target": 5800, "gap": 4680},
    ]  # fmt: skip
    csv = at("2026-09-15", "forecast", "--from", "2026-08", "--periods", "3", "--in", "EUR",
             "--format", "csv")  # fmt: skip
    assert csv.stderr == RATES_LINE


def test_forecast_accuracy_in_one_currency(story, at):
    at("2026-10-05", "opp", "status", "D", "won", "--no-follow-up")

    report = document(at, "2026-11-02", "forecast", "accuracy", "--last", "3", "--in", "EUR")

    assert [
        (row["period"], row["currency"], row["forecast"], row["actual"], row["error"],
         row["error_pct"], row["slipped_count"], row["slipped_amount"])
        for row in report["periods"]
    ] == [
        ("2026-09", "EUR", 3500, 5000, -1500, -30.0, 0, 0),
        ("2026-10", "EUR", 1120, 1600, -480, -30.0, 1, 1200),
    ]  # fmt: skip
    summary = report["summary"][0]
    assert (summary["mape"], summary["bias"], summary["bias_amount"]) == (30.0, -30.0, -990)
    per_currency = document(at, "2026-11-02", "forecast", "accuracy", "--last", "3")
    assert {row["currency"] for row in per_currency["periods"]} == {"EUR", "GBP", "USD"}


def test_stats_in_one_currency(story, at):
    at("2026-10-05", "opp", "status", "D", "won", "--no-follow-up")

    report = document(at, "2026-11-02", "stats", "--in", "EUR")

    assert report["won"] == [
        {"currency": "EUR", "count": 3, "amount": 15600, "average": 5200, "median": 5000}
    ]
    assert [row["currency"] for row in report["velocity"]] == ["EUR"]
    assert report["velocity"][0]["open_deals"] == 1


def test_a_currency_without_a_rate_is_refused_by_name(story, at):
    opp(at, "2026-09-15", "E", "500", "CHF", "2026-10-20", "quote")

    for command in (("pipeline",), ("forecast",)):
        result = at("2026-09-15", *command, "--in", "EUR", code=2)
        assert result.stderr == (
            "Error: There is no exchange rate for CHF: say how many EUR one CHF is worth "
            "with colibri rate set CHF RATE [--on DATE].\n"
        )
    refused = at("2026-09-15", "pipeline", "--in", "JPY", code=2)
    assert "There is no exchange rate for JPY" in refused.stderr
    # Its group, its total, and its deal without a next step.
    assert at("2026-09-15", "pipeline", "--format", "csv").stdout.count("CHF") == 3


def test_a_day_before_the_first_rate_takes_it_and_the_report_says_so(empty_db, at):
    at("2026-09-15", "account", "add", "ACME")
    opp(at, "2026-09-15", "C", "1000", "GBP", "2026-10-10", "quote")
    at("2026-09-15", "rate", "set", "GBP", "1.2", "--on", "2026-10-01")

    result = at("2026-09-15", "pipeline", "--in", "EUR", "--format", "csv")

    assert "total,,,EUR,1,1200,480" in result.stdout
    assert result.stderr == (
        "Converted into EUR at the rates in force on each amount's day: 1 GBP = 1.2 EUR from "
        "2026-10-01 (its first rate, used before it too).\n"
    )


def test_into_another_currency_goes_through_the_reporting_one(story, at):
    report = document(at, "2026-09-15", "pipeline", "--in", "USD")

    # C: 1,000 GBP = 1,200 EUR = 1,500 USD at 0.80; D stays 2,000 USD.
    assert report["totals"] == [{"currency": "USD", "count": 2, "amount": 3500, "weighted": 1400}]
    assert report["conversion"]["base"] == "EUR"


def test_rates_in_french(story, at, monkeypatch):
    monkeypatch.setenv("COLIBRI_LANG", "fr")

    result = at("2026-09-15", "rate", "set", "GBP", "1,15")

    assert result.stderr == "À partir du 2026-09-15, 1 GBP = 1,15 EUR.\n"
    line = at("2026-09-15", "pipeline", "--in", "EUR", "--format", "csv").stderr
    assert line == (
        "Converti en EUR aux taux en vigueur le jour de chaque montant : 1 GBP = 1,15 EUR à "
        "partir du 2026-09-15 ; 1 USD = 0,8 EUR à partir du 2026-09-01.\n"
    )
