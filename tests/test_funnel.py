"""The funnel, from a history built day by day.

The history, worked out on paper (every date 2026, the report made on 03-31; amounts in EUR
but D's; statuses analysis 1, quote 2, negotiation 3 in pipeline order):
  A  web, new, 1,000: created 01-05 in analysis; 01-15 quote; 01-25 negotiation; won 02-04.
     Analysis 10 days, quote 10, negotiation 10.
  B  web, 2,000: created 01-06 in analysis; won 01-26, straight from analysis: it passes
     through quote and negotiation, but spent no day there. Analysis 20.
  C  fair, 3,000: created 01-07 in quote (never in analysis); lost 01-12. Quote 5.
  D  fair, renewal, 500 USD, account Globex: created 01-08 in analysis; 01-10 negotiation
     (quote skipped); still open. Analysis 2, negotiation 80 (01-10 to 03-31).
  E  no source, 4,000: created 01-09 in analysis; cancelled 01-19. Analysis 10.
  F  web, 1,500: created 02-01 in analysis; still open. Analysis 58 (02-01 to 03-31).
  G  web, 800: created 01-10 in quote; put in the trash 03-15: left out.
  H  fair, 1,000: created 02-10 in quote; 02-20 back to analysis; 03-02 quote; lost 03-12.
     Its path starts at analysis (the first status of its path by position); analysis 10,
     quote 10 + 10 = 20.

Analysis: entered A B D E F H = 6; advanced (reached a later status) A B D H = 4; won A B,
lost H, cancelled E, open D F; won 2/6 = 33.3 %, win rate 2/(2+1) = 66.7 %; days 2 10 10 10
20 58: median 10. Amounts: 1,000 + 2,000 + 4,000 + 1,500 + 1,000 = 9,500 EUR, 3,000 won;
500 USD, 0 won.
Quote: entered A B C D H = 5; advanced A B D = 3; won A B, lost C H, open D; won 40 %,
win rate 50 %; days (A 10, C 5, H 20; B and D skipped it) median 10. 7,000 EUR (3,000 won),
500 USD.
Negotiation: entered A B D = 3; advanced (won) A B = 2; won 2, open D; won 66.7 %, win
rate 100 %; days A 10, D 80: median 45. 3,000 EUR (3,000 won), 500 USD.
"""

import json
import sqlite3
from pathlib import Path

import pytest

from scenario import fails

REPORT_DAY = {"COLIBRI_TODAY": "2026-03-31"}


@pytest.fixture
def history(cli, built_once):
    built_once(lambda: build_history(cli))


def build_history(cli):
    def on(day: str, *arguments: str) -> None:
        result = cli(*arguments, env={"COLIBRI_TODAY": f"2026-{day}"})
        assert result.exit_code == 0, result.output

    def create(day: str, name: str, status: str, amount: str, *options: str) -> None:
        on(day, "opp", "create", name, "--amount", amount, "--due", "2026-06-30",
           "--status", status, *options)  # fmt: skip

    on("01-01", "account", "add", "ACME")
    on("01-01", "account", "add", "Globex")
    create("01-05", "A", "analysis", "1000", "-a", "ACME", "--source", "web", "--type", "new")
    create("01-06", "B", "analysis", "2000", "-a", "ACME", "--source", "web")
    create("01-07", "C", "quote", "3000", "-a", "ACME", "--source", "fair")
    create("01-08", "D", "analysis", "500", "-a", "Globex", "--currency", "USD",
           "--source", "fair", "--type", "renewal")  # fmt: skip
    create("01-09", "E", "analysis", "4000", "-a", "ACME")
    create("01-10", "G", "quote", "800", "-a", "ACME", "--source", "web")
    on("01-10", "opp", "status", "D", "negotiation")
    on("01-12", "opp", "status", "C", "lost", "--reason", "price", "--no-follow-up")
    on("01-15", "opp", "status", "A", "quote")
    on("01-19", "opp", "status", "E", "cancelled", "--reason", "budget", "--no-follow-up")
    on("01-25", "opp", "status", "A", "negotiation")
    on("01-26", "opp", "status", "B", "won", "--reason", "fit", "--no-follow-up")
    create("02-01", "F", "analysis", "1500", "-a", "ACME", "--source", "web")
    on("02-04", "opp", "status", "A", "won", "--reason", "fit", "--no-follow-up")
    create("02-10", "H", "quote", "1000", "-a", "ACME", "--source", "fair")
    on("02-20", "opp", "status", "H", "analysis")
    on("03-02", "opp", "status", "H", "quote")
    on("03-12", "opp", "status", "H", "lost", "--reason", "price", "--no-follow-up")
    on("03-15", "opp", "delete", "G", "--yes")


def funnel(cli, *options: str) -> dict:
    result = cli("stats", "funnel", *options, "--format", "json", env=REPORT_DAY)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    return json.loads(result.stdout)


def figures(report: dict) -> list[tuple]:
    """(group, status, entered, advanced, won, lost, cancelled, open, won %, win rate, median
    days) of each step."""
    keys = ("group", "status", "entered", "advanced", "won", "lost", "cancelled", "open",
            "won_percent", "win_rate", "median_days")  # fmt: skip
    return [tuple(step[key] for key in keys) for step in report["funnel"]]


def amounts(report: dict) -> list[tuple]:
    return [
        (step["group"], step["status"], row["currency"], row["entered_amount"], row["won_amount"])
        for step in report["funnel"]
        for row in step["amounts"]
    ]


def test_funnel_as_worked_out_on_paper(history, cli):
    def step(status, label, counts, percents, median, eur, won_eur):
        entered, advanced, won, lost, cancelled, still_open = counts
        return {
            "group": None,
            "status": status,
            "label": label,
            "entered": entered,
            "advanced": advanced,
            "won": won,
            "lost": lost,
            "cancelled": cancelled,
            "open": still_open,
            "advanced_percent": percents[0],
            "won_percent": percents[1],
            "win_rate": percents[2],
            "median_days": median,
            "amounts": [
                {"currency": "EUR", "entered_amount": eur, "won_amount": won_eur},
                {"currency": "USD", "entered_amount": 500, "won_amount": 0},
            ],
        }

    assert funnel(cli) == {
        "date": "2026-03-31",
        "since": None,
        "until": None,
        "by": None,
        "funnel": [
            step("analysis", "Needs analysis", (6, 4, 2, 1, 1, 2), (66.7, 33.3, 66.7), 10,
                 9500, 3000),
            step("quote", "Quote sent", (5, 3, 2, 2, 0, 1), (60.0, 40.0, 50.0), 10, 7000, 3000),
            step("negotiation", "Negotiation", (3, 2, 2, 0, 0, 1), (66.7, 66.7, 100.0), 45,
                 3000, 3000),
        ],
    }  # fmt: skip


def test_funnel_table_is_the_documented_example(history, cli):
    result = cli("stats", "funnel", env=REPORT_DAY)

    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "Funnel of the deals that entered the pipeline\n"
        "Status          Entered  Advanced  Won  Lost  Cancelled  Open\n"
        "Needs analysis        6         4    2     1          1     2\n"
        "Quote sent            5         3    2     2          0     1\n"
        "Negotiation           3         2    2     0          0     1\n"
        "\n"
        "Shares and time in each status\n"
        "Status          Advanced %  Won %  Win rate  Median days\n"
        "Needs analysis       66.7%  33.3%     66.7%           10\n"
        "Quote sent           60.0%  40.0%     50.0%           10\n"
        "Negotiation          66.7%  66.7%    100.0%           45\n"
        "\n"
        "Amounts per currency\n"
        "Status          Entered amount  Won amount\n"
        "Needs analysis       9,500 EUR   3,000 EUR\n"
        "Needs analysis         500 USD       0 USD\n"
        "Quote sent           7,000 EUR   3,000 EUR\n"
        "Quote sent             500 USD       0 USD\n"
        "Negotiation          3,000 EUR   3,000 EUR\n"
        "Negotiation            500 USD       0 USD\n"
    )
    page = (Path(__file__).parents[1] / "docs" / "reports.md").read_text(encoding="utf-8")
    shown = "".join(f"  {line}".rstrip() + "\n" for line in result.stdout.splitlines())
    assert f"  $ colibri stats funnel\n{shown}  ```" in page


def test_by_source_splits_the_funnel_the_deals_without_one_last(history, cli):
    """web: A B F; fair: C D H; none: E.
    web analysis: A B F, 2 advanced, 2 won, F open; days 10 20 58: median 20. Quote and
    negotiation: A B, both won; only A stayed (10 days).
    fair analysis: D H (C started in quote), both advanced; H lost, D open: win rate 0 %;
    days 2 and 10: median 6. Quote: C D H, D advanced, C H lost; days 5 and 20: median
    12.5. Negotiation: D, open, 80 days; nothing closed: no win rate.
    none: E, cancelled after 10 days in analysis."""
    report = funnel(cli, "--by", "source")

    assert report["by"] == "source"
    assert figures(report) == [
        ("fair", "analysis", 2, 2, 0, 1, 0, 1, 0.0, 0.0, 6),
        ("fair", "quote", 3, 1, 0, 2, 0, 1, 0.0, 0.0, 12.5),
        ("fair", "negotiation", 1, 0, 0, 0, 0, 1, 0.0, None, 80),
        ("web", "analysis", 3, 2, 2, 0, 0, 1, 66.7, 100.0, 20),
        ("web", "quote", 2, 2, 2, 0, 0, 0, 100.0, 100.0, 10),
        ("web", "negotiation", 2, 2, 2, 0, 0, 0, 100.0, 100.0, 10),
        (None, "analysis", 1, 0, 0, 0, 1, 0, 0.0, None, 10),
    ]
    assert amounts(report) == [
        ("fair", "analysis", "EUR", 1000, 0),
        ("fair", "analysis", "USD", 500, 0),
        ("fair", "quote", "EUR", 4000, 0),
        ("fair", "quote", "USD", 500, 0),
        ("fair", "negotiation", "USD", 500, 0),
        ("web", "analysis", "EUR", 4500, 3000),
        ("web", "quote", "EUR", 3000, 3000),
        ("web", "negotiation", "EUR", 3000, 3000),
        (None, "analysis", "EUR", 4000, 0),
    ]


def test_by_type_account_and_currency(history, cli):
    """Type: A new, D renewal, the rest none. Account: D is Globex's. Currency: D is USD."""
    by_type = funnel(cli, "--by", "type")
    assert [(step["group"], step["status"], step["entered"]) for step in by_type["funnel"]] == [
        ("new", "analysis", 1),
        ("new", "quote", 1),
        ("new", "negotiation", 1),
        ("renewal", "analysis", 1),
        ("renewal", "quote", 1),
        ("renewal", "negotiation", 1),
        (None, "analysis", 4),  # B E F H
        (None, "quote", 3),  # B C H
        (None, "negotiation", 1),  # B
    ]
    by_account = funnel(cli, "--by", "account")
    assert [(step["group"], step["entered"]) for step in by_account["funnel"]] == [
        ("ACME", 5),
        ("ACME", 4),
        ("ACME", 2),
        ("Globex", 1),
        ("Globex", 1),
        ("Globex", 1),
    ]
    by_currency = funnel(cli, "--by", "currency")
    assert amounts(by_currency) == [
        ("EUR", "analysis", "EUR", 9500, 3000),
        ("EUR", "quote", "EUR", 7000, 3000),
        ("EUR", "negotiation", "EUR", 3000, 3000),
        ("USD", "analysis", "USD", 500, 0),
        ("USD", "quote", "USD", 500, 0),
        ("USD", "negotiation", "USD", 500, 0),
    ]


def test_since_and_until_select_deals_by_the_day_they_entered_the_pipeline(history, cli):
    """01-07 to 02-01, both inclusive: C (01-07), D, E, F (02-01); not A, B, nor H (02-10).
    Analysis: D E F, D advanced, E cancelled, D F open; days 2 10 58: median 10. Quote: C D
    (D skipped it), C lost after 5 days. Negotiation: D, 80 days."""
    report = funnel(cli, "--since", "2026-01-07", "--until", "01/02/2026")

    assert (report["since"], report["until"]) == ("2026-01-07", "2026-02-01")
    assert figures(report) == [
        (None, "analysis", 3, 1, 0, 0, 1, 2, 0.0, None, 10),
        (None, "quote", 2, 1, 0, 1, 0, 1, 0.0, 0.0, 5),
        (None, "negotiation", 1, 0, 0, 0, 0, 1, 0.0, None, 80),
    ]
    later = funnel(cli, "--since", "2026-02-02")
    assert figures(later) == [  # H alone
        (None, "analysis", 1, 1, 0, 1, 0, 0, 0.0, 0.0, 10),
        (None, "quote", 1, 0, 0, 1, 0, 0, 0.0, 0.0, 20),
    ]
    assert funnel(cli, "--until", "2026-01-05")["funnel"][0]["entered"] == 1  # A


def test_a_deal_won_straight_from_its_first_status_passed_through_the_others(cli):
    """Created 03-01 in analysis, won 03-11 without going through quote or negotiation: it
    entered and left all three, won; it spent 10 days in analysis and none in the others,
    where there is then no median."""
    cli("account", "add", "ACME", env={"COLIBRI_TODAY": "2026-03-01"})
    cli("opp", "create", "Quick", "-a", "ACME", "--amount", "700", "--due", "2026-03-31",
        "-s", "analysis", env={"COLIBRI_TODAY": "2026-03-01"})  # fmt: skip
    cli("opp", "status", "Quick", "won", "--reason", "fit", "--no-follow-up",
        env={"COLIBRI_TODAY": "2026-03-11"})  # fmt: skip

    report = funnel(cli)

    assert figures(report) == [
        (None, "analysis", 1, 1, 1, 0, 0, 0, 100.0, 100.0, 10),
        (None, "quote", 1, 1, 1, 0, 0, 0, 100.0, 100.0, None),
        (None, "negotiation", 1, 1, 1, 0, 0, 0, 100.0, 100.0, None),
    ]
    assert amounts(report)[-1] == (None, "negotiation", "EUR", 700, 700)
    shown = cli("stats", "funnel", env=REPORT_DAY).stdout.splitlines()
    assert shown[9] == "Quote sent          100.0%  100.0%    100.0%          n/a"


def test_funnel_in_french(history, cli):
    result = cli("stats", "funnel", env={**REPORT_DAY, "COLIBRI_LANG": "fr"})

    assert result.exit_code == 0, result.output
    assert (
        "        9\u202f500\xa0€        3\u202f000\xa0€\n" in result.stdout
    )  # thousands, currency
    spaced = result.stdout.replace("\u202f", " ").replace("\xa0", " ")
    assert spaced.splitlines() == [
        "Entonnoir des affaires entrées dans le pipeline",
        "Statut               Entrées  Avancées  Gagnées  Perdues  Annulées  Ouvertes",
        "Analyse des besoins        6         4        2        1         1         2",
        "Devis envoyé               5         3        2        2         0         1",
        "Négociation                3         2        2        0         0         1",
        "",
        "Parts et temps passé dans chaque statut",
        "Statut               % avancées  % gagnées  Taux de réussite  Jours médians",
        "Analyse des besoins      66,7 %     33,3 %            66,7 %             10",
        "Devis envoyé             60,0 %     40,0 %            50,0 %             10",
        "Négociation              66,7 %     66,7 %           100,0 %             45",
        "",
        "Montants par devise",
        "Statut               Montant entré  Montant gagné",
        "Analyse des besoins        9 500 €        3 000 €",
        "Analyse des besoins        500 USD          0 USD",
        "Devis envoyé               7 000 €        3 000 €",
        "Devis envoyé               500 USD          0 USD",
        "Négociation                3 000 €        3 000 €",
        "Négociation                500 USD          0 USD",
    ]
    by_source = cli("stats", "funnel", "--by", "source", env={**REPORT_DAY, "COLIBRI_LANG": "fr"})
    lines = by_source.stdout.splitlines()
    assert lines[1].split() == [
        "Source",
        "Statut",
        "Entrées",
        "Avancées",
        "Gagnées",
        "Perdues",
        "Annulées",
        "Ouvertes",
    ]
    assert lines[8].split("  ")[0] == "(non renseigné)"
    empty = cli("stats", "funnel", "--since", "2027-01-01", env={"COLIBRI_LANG": "fr"})
    assert empty.stdout == "Aucune affaire n'est entrée dans le pipeline depuis le 2027-01-01.\n"


def test_csv_gives_one_row_a_figure(history, cli):
    result = cli("stats", "funnel", "--format", "csv", env=REPORT_DAY)

    lines = result.stdout.splitlines()
    assert lines[:3] == [
        "group,status,currency,metric,value",
        ",analysis,,entered,6",
        ",analysis,,advanced,4",
    ]
    assert ",negotiation,,median_days,45" in lines
    assert ",negotiation,USD,entered_amount,500" in lines
    assert len(lines) == 1 + 3 * (10 + 2 * 2)  # ten figures and two amounts in two currencies


def test_an_empty_funnel(empty_db, cli):
    result = cli("stats", "funnel")
    assert (result.exit_code, result.stdout) == (0, "No deal entered the pipeline.\n")
    assert json.loads(cli("stats", "funnel", "-f", "json").stdout)["funnel"] == []


def test_a_status_colibri_does_not_know_is_warned_about_and_left_out(history, cli, db_path):
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("UPDATE opportunities SET status = 'signed' WHERE name = 'F'")
    conn.close()

    result = cli("stats", "funnel", "--format", "json", env=REPORT_DAY)

    assert result.exit_code == 0
    assert result.stderr == (
        "Warning: 1 opportunity has a status colibri does not know ('signed'): it is left out "
        "of this report. Add the status with: colibri statuses add signed --label … "
        "--probability … --kind open|won|lost|cancelled\n"
    )
    assert json.loads(result.stdout)["funnel"][0]["entered"] == 5  # F left out


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ("--by", "nonsense"),
            "Invalid value for '--by' / '-b': 'nonsense' is not one of 'source', 'type', "
            "'account', 'currency'. See 'colibri stats funnel --help'.",
        ),
        (
            ("--since", "garbage"),
            "Invalid --since date 'garbage': use YYYY-MM-DD, DD/MM/YYYY, today, tomorrow, "
            "a weekday, +3d, +2w, +1m or eom.",
        ),
        (
            ("--until", "2026-02-30"),
            "Invalid --until date '2026-02-30': 2026-02 has 28 days.",
        ),
    ],
)
def test_bad_inputs_are_refused(history, cli, arguments, message):
    fails(cli, "stats", "funnel", *arguments, code=2, message=message)
