"""Coverage of what is left to win (`forecast`) and pipeline velocity (`stats`), on a story
built day by day through the CLI and worked out on paper.

The story (every date 2026; one account, ACME):
  11-02  A 4,000 EUR quote (40 %) due 11-20; B 6,000 EUR negotiation (70 %) due 12-10;
         C 1,000 USD analysis (10 %) due 12-05; G 1,000 USD negotiation due 11-15.
  11-10  A won (created 11-02: an 8-day cycle).
  11-12  D 2,000 EUR quote due 11-28.          11-14  G won (a 12-day cycle).
  11-16  D lost.                               11-20  E 1,500 EUR quote due 11-30.
  11-26  targets: EUR 2026-11 5,000, 2026-12 10,000; USD 2026-11 800, 2026-12 2,000.

Coverage on 11-26 = open pipeline due in the period ÷ left to win (target - won, never
below 0), to one decimal, half-up:
  2026-11 EUR  won 4,000: 1,000 left; E 1,500 open (600 weighted): 1.5×, 0.6×.
  2026-11 USD  won 1,000 of 800: nothing left to win, no ratio.
  2026-12 EUR  10,000 left; B 6,000 (4,200 weighted): 0.6×, 0.42 -> 0.4×.
  2026-12 USD  2,000 left; C 1,000 (100 weighted): 0.5×, 0.05 -> 0.1×.
Velocity on 11-26 = open deals × win rate × average won ÷ median cycle: won A and G, lost
D: 2 / 3; median cycle (8 + 12) / 2 = 10 days.
  EUR  B and E open: 2 × 2/3 × 4,000 ÷ 10 = 533.3 -> 533 a day.
  USD  C open: 1 × 2/3 × 1,000 ÷ 10 = 66.7 -> 67 a day.
"""

import json
from pathlib import Path

import pytest

NOW = "2026-11-26"
REPORTS_PAGE = Path(__file__).parents[1] / "docs" / "reports.md"


@pytest.fixture
def at(cli):
    def run(day: str, *arguments: str, code: int = 0):
        result = cli(*arguments, env={"COLIBRI_TODAY": day, "COLUMNS": "80"})
        assert result.exit_code == code, result.output
        return result

    return run


def create(at, day: str, name: str, amount: str, due: str, status: str, *more: str) -> None:
    at(day, "opp", "create", name, "--account", "ACME", "--amount", amount, "--due", due,
       "--status", status, *more)  # fmt: skip


@pytest.fixture
def story(at, built_once):
    built_once(lambda: build_story(at))


def build_story(at):
    at("2026-11-02", "account", "add", "ACME")
    create(at, "2026-11-02", "A", "4000", "2026-11-20", "quote")
    create(at, "2026-11-02", "B", "6000", "2026-12-10", "negotiation")
    create(at, "2026-11-02", "C", "1000", "2026-12-05", "analysis", "--currency", "USD")
    create(at, "2026-11-02", "G", "1000", "2026-11-15", "negotiation", "--currency", "USD")
    at("2026-11-10", "opp", "status", "A", "won", "--no-follow-up")
    create(at, "2026-11-12", "D", "2000", "2026-11-28", "quote")
    at("2026-11-14", "opp", "status", "G", "won", "--no-follow-up")
    at("2026-11-16", "opp", "status", "D", "lost", "--no-follow-up")
    create(at, "2026-11-20", "E", "1500", "2026-11-30", "quote")
    for period, amount, currency in (
        ("2026-11", "5000", "EUR"),
        ("2026-12", "10000", "EUR"),
        ("2026-11", "800", "USD"),
        ("2026-12", "2000", "USD"),
    ):
        at(NOW, "target", "set", period, amount, "--currency", currency)


def document(at, *arguments: str, day: str = NOW) -> dict:
    return json.loads(at(day, *arguments, "--format", "json").stdout)


def coverage(found: dict) -> list[tuple]:
    return [
        (
            row["period"],
            row["currency"],
            row["target"],
            row["won"],
            row["left_to_win"],
            row["coverage"],
            row["coverage_weighted"],
        )
        for row in found["periods"] + found["overdue"]
    ]


def lines(result) -> list[str]:
    return [line.rstrip() for line in result.stdout.splitlines()]


def in_reports_page(command: str, shown: list[str]) -> bool:
    block = "".join(f"  {line}".rstrip() + "\n" for line in shown)
    return f"  $ colibri {command}\n{block}  ```" in REPORTS_PAGE.read_text(encoding="utf-8")


# --- coverage ----------------------------------------------------------------------------


def test_forecast_gives_the_coverage_of_what_is_left_to_win(story, at):
    assert coverage(document(at, "forecast", "--periods", "2")) == [
        ("2026-11", "EUR", 5000, 4000, 1000, 1.5, 0.6),
        ("2026-11", "USD", 800, 1000, 0, None, None),  # won more than the target
        ("2026-12", "EUR", 10000, 0, 10000, 0.6, 0.4),
        ("2026-12", "USD", 2000, 0, 2000, 0.5, 0.1),
    ]


def test_a_quarter_covers_what_is_left_of_its_months_targets(story, at):
    # 2026-Q4 EUR: 5,000 + 10,000 = 15,000, won 4,000: 11,000 left; E and B, 7,500 open
    # (0.68 -> 0.7×), 600 + 4,200 = 4,800 weighted (0.44 -> 0.4×). USD: 2,800 - 1,000 =
    # 1,800 left; C 1,000 (0.56 -> 0.6×), 100 (0.06 -> 0.1×). No target later: no ratio.
    assert coverage(document(at, "forecast", "--period", "quarter", "--periods", "2")) == [
        ("2026-Q4", "EUR", 15000, 4000, 11000, 0.7, 0.4),
        ("2026-Q4", "USD", 2800, 1000, 1800, 0.6, 0.1),
        ("2027-Q1", "EUR", None, 0, None, None, None),
        ("2027-Q1", "USD", None, 0, None, None, None),
    ]


def test_coverage_as_of_a_past_day(story, at):
    # On 11-15: A won (4,000), D open and due 11-28 (2,000 at 40 %, lost only on 11-16),
    # E not created yet: 1,000 left, 2.0× and 0.8×. G won on 11-14: USD target reached.
    found = document(at, "forecast", "--periods", "1", "--as-of", "2026-11-15")

    assert coverage(found) == [
        ("2026-11", "EUR", 5000, 4000, 1000, 2.0, 0.8),
        ("2026-11", "USD", 800, 1000, 0, None, None),
    ]


def test_overdue_deals_cover_nothing(story, at):
    # On 11-29, D is lost and E (due 11-30) still counts; on 12-01, E is overdue and
    # November is over: what is left of it is no longer covered.
    [november, *_] = document(at, "forecast", "--periods", "1", "--from", "2026-11",
                              day="2026-12-01")["periods"]  # fmt: skip
    assert (november["left_to_win"], november["coverage"], november["coverage_weighted"]) == (
        1000,
        0.0,
        0.0,
    )


def test_the_forecast_table_says_the_coverage_under_each_table(story, at):
    shown = lines(at(NOW, "forecast", "--periods", "2"))

    assert shown == [
        "Forecast by month in EUR, 2026-11-26",
        "Period     Won  Weighted  Expected  Commit  Best case  Target     Gap",
        "2026-11  4,000       600     4,600   4,000      5,500   5,000    +400",
        "2026-12      0     4,200     4,200   6,000      6,000  10,000  +5,800",
        "Coverage 2026-11: 1,000 left to win; open pipeline 1.5×, weighted 0.6×",
        "Coverage 2026-12: 10,000 left to win; open pipeline 0.6×, weighted 0.4×",
        "",
        "Forecast by month in USD, 2026-11-26",
        "Period     Won  Weighted  Expected  Commit  Best case  Target     Gap",
        "2026-11  1,000         0     1,000   1,000      1,000     800    -200",
        "2026-12      0       100       100       0      1,000   2,000  +1,900",
        "Coverage 2026-11: target reached, nothing left to win.",
        "Coverage 2026-12: 2,000 left to win; open pipeline 0.5×, weighted 0.1×",
    ]
    assert in_reports_page("forecast --periods 2", shown)


def test_forecast_csv_has_the_coverage_columns(story, at):
    result = at(NOW, "forecast", "--periods", "1", "--format", "csv")

    assert result.stdout == (
        "period,currency,count,won,weighted,expected,commit,best_case,target,gap,call,"
        "left_to_win,coverage,coverage_weighted\n"
        "2026-11,EUR,1,4000,600,4600,4000,5500,5000,400,,1000,1.5,0.6\n"
        "2026-11,USD,0,1000,0,1000,1000,1000,800,-200,,0,,\n"
    )


# --- velocity ----------------------------------------------------------------------------


def test_stats_gives_the_pipeline_velocity_per_currency(story, at):
    found = document(at, "stats")

    assert (found["win_rate"]["rate"], found["sales_cycle"]) == (
        66.7,
        {"count": 2, "median_days": 10},
    )
    assert found["velocity"] == [
        {"currency": "EUR", "open_deals": 2, "per_day": 533, "missing": None},
        {"currency": "USD", "open_deals": 1, "per_day": 67, "missing": None},
    ]


def test_velocity_until_a_past_day_and_a_currency_with_nothing_won(story, at):
    # At the end of 11-12: A won (8 days), nothing lost: 100 %; open B and D in EUR, C and
    # G in USD. EUR: 2 × 1 × 4,000 ÷ 8 = 1,000 a day; USD: no deal won yet.
    found = document(at, "stats", "--until", "2026-11-12")

    assert found["velocity"] == [
        {"currency": "EUR", "open_deals": 2, "per_day": 1000, "missing": None},
        {"currency": "USD", "open_deals": 2, "per_day": None, "missing": "no_won_deal"},
    ]
    assert lines(at(NOW, "stats", "--until", "2026-11-12"))[4:7] == [
        "Pipeline velocity (open deals × win rate × average won ÷ median cycle):",
        "  EUR: 2 × 100.0% × 4,000 EUR ÷ 8 days = 1,000 EUR a day",
        "  USD: n/a, no deal won in USD",
    ]


def test_the_stats_table_shows_the_velocity_and_its_inputs(story, at):
    shown = lines(at(NOW, "stats"))

    assert shown[:8] == [
        "Closed deals: 2 won, 1 lost, 0 cancelled",
        "Win rate (won / (won + lost)): 66.7%",
        "Won in EUR: 4,000 EUR in 1 deal; average 4,000 EUR, median 4,000 EUR",
        "Won in USD: 1,000 USD in 1 deal; average 1,000 USD, median 1,000 USD",
        "Median sales cycle: 10 days (creation to close, 2 won deals)",
        "Pipeline velocity (open deals × win rate × average won ÷ median cycle):",
        "  EUR: 2 × 66.7% × 4,000 EUR ÷ 10 days = 533 EUR a day",
        "  USD: 1 × 66.7% × 1,000 USD ÷ 10 days = 67 USD a day",
    ]
    assert in_reports_page("stats", shown[:8])
    result = at(NOW, "stats", "--format", "csv")
    assert [line for line in result.stdout.splitlines() if line.startswith("velocity")] == [
        "velocity,open_deals,EUR,2",
        "velocity,per_day,EUR,533",
        "velocity,open_deals,USD,1",
        "velocity,per_day,USD,67",
    ]


def test_a_median_cycle_of_no_day_gives_no_velocity(at):
    at(NOW, "account", "add", "ACME")
    create(at, NOW, "Quick", "500", "2026-11-30", "quote")
    create(at, NOW, "Next", "800", "2026-12-15", "quote")
    at(NOW, "opp", "status", "Quick", "won", "--no-follow-up")  # created and won today

    found = document(at, "stats")

    assert found["sales_cycle"] == {"count": 1, "median_days": 0}
    assert found["velocity"] == [
        {"currency": "EUR", "open_deals": 1, "per_day": None, "missing": "zero_cycle"}
    ]
    assert lines(at(NOW, "stats"))[3:6] == [
        "Median sales cycle: 0 days (creation to close, 1 won deal)",
        "Pipeline velocity (open deals × win rate × average won ÷ median cycle):",
        "  EUR: n/a, the median sales cycle is 0 days",
    ]


def test_no_velocity_without_any_deal(empty_db, at):
    assert document(at, "stats")["velocity"] == []


def test_coverage_and_velocity_in_french(story, at, monkeypatch):
    monkeypatch.setenv("COLIBRI_LANG", "fr")

    assert lines(at(NOW, "forecast", "--periods", "2"))[4:6] == [
        "Couverture 2026-11 : reste 1\u202f000 à gagner ; ouvert 1,5×, pondéré 0,6×",
        "Couverture 2026-12 : reste 10\u202f000 à gagner ; ouvert 0,6×, pondéré 0,4×",
    ]
    assert lines(at(NOW, "forecast", "--periods", "2"))[11] == (
        "Couverture 2026-11 : objectif atteint, plus rien à gagner."
    )
    said = lines(at(NOW, "stats"))
    velocity = said.index(
        "Vélocité (affaires ouvertes × taux de réussite × gain moyen ÷ cycle médian) :"
    )
    assert said[velocity + 1 : velocity + 3] == [
        "  EUR : 2 × 66,7\u00a0% × 4\u202f000\u00a0€ ÷ 10 jours = 533\u00a0€ par jour",
        "  USD : 1 × 66,7\u00a0% × 1\u202f000\u00a0USD ÷ 10 jours = 67\u00a0USD par jour",
    ]
    assert "  USD : n.d., aucune affaire gagnée en USD" in lines(
        at(NOW, "stats", "--until", "2026-11-12")
    )
