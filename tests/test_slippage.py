"""Pushes of due dates and how late won deals closed, from a history built day by day.

The history, worked out on paper (every date 2026):
  A  created 01-05 in quote, due 02-01; 01-20 due 02-15 (+14, quote); 02-10 due 02-10
     (earlier: not a push); 02-11 negotiation; 02-12 due 03-10 (+28, negotiation);
     won 03-20: 47 days after the 02-01 first given.
  B  created 01-06 in analysis, due 01-31; 01-25 due 02-28 (+28, analysis); won 03-01:
     29 days late.
  C  created 01-07 in quote, due 03-31; won 03-15: early.
  D  created 01-08 in quote, due 02-01; lost 02-05; 02-06 due 04-01: closed, not a push.
  E  created 01-09 in quote, due 01-31; 01-15 due 05-31 (+120); then put in the trash.
  F  created 01-09 in quote, due 01-31; 01-30 due 02-03 (+3); 02-02 due 02-04 (+1); open.
Pushes: 1, 3, 14, 28, 28 (E's is in the trash) by A, B and F: median 14, 90th
percentile (nearest rank: the 5th of 5) 28. Quote: 1, 3, 14 by A and F, median 3, p90 14.
Won: A, B, C, two late (66.7 %), by 29 and 47 days: median 38, p90 47.
"""

import json
from pathlib import Path

import pytest


@pytest.fixture
def history(cli, built_once):
    built_once(lambda: build_history(cli))


def build_history(cli):
    def on(day: str, *arguments: str) -> None:
        result = cli(*arguments, env={"COLIBRI_TODAY": f"2026-{day}"})
        assert result.exit_code == 0, result.output

    on("01-01", "account", "add", "ACME")
    for name, day, status, due in (
        ("A", "01-05", "quote", "2026-02-01"),
        ("B", "01-06", "analysis", "2026-01-31"),
        ("C", "01-07", "quote", "2026-03-31"),
        ("D", "01-08", "quote", "2026-02-01"),
        ("E", "01-09", "quote", "2026-01-31"),
        ("F", "01-09", "quote", "2026-01-31"),
    ):
        on(day, "opp", "create", name, "--account", "ACME", "--amount", "100", "--due", due,
           "--status", status)  # fmt: skip
    on("01-15", "opp", "edit", "E", "--due", "2026-05-31")
    on("01-20", "opp", "edit", "A", "--due", "2026-02-15")
    on("01-25", "opp", "edit", "B", "--due", "2026-02-28")
    on("01-30", "opp", "edit", "F", "--due", "2026-02-03")
    on("02-02", "opp", "edit", "F", "--due", "2026-02-04")
    on("02-05", "opp", "status", "D", "lost", "--reason", "price", "--no-follow-up")
    on("02-06", "opp", "edit", "D", "--due", "2026-04-01")
    on("02-10", "opp", "edit", "A", "--due", "2026-02-10")
    on("02-11", "opp", "status", "A", "negotiation")
    on("02-12", "opp", "edit", "A", "--due", "2026-03-10")
    on("03-01", "opp", "status", "B", "won", "--reason", "fit", "--no-follow-up")
    on("03-15", "opp", "status", "C", "won", "--reason", "fit", "--no-follow-up")
    on("03-20", "opp", "status", "A", "won", "--reason", "fit", "--no-follow-up")
    on("03-21", "opp", "delete", "E", "--yes")


def test_slippage_report_as_worked_out_on_paper(history, cli):
    result = cli("stats", "slippage", "--format", "json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "date": "2026-11-26",
        "since": None,
        "until": None,
        "won": {
            "count": 3,
            "late": 2,
            "late_percent": 66.7,
            "median_days_late": 38,
            "p90_days_late": 47,
        },
        "pushes": {
            "count": 5,
            "deals": 3,
            "median_days": 14,
            "p90_days": 28,
            "by_status": [
                {
                    "status": "analysis",
                    "label": "Needs analysis",
                    "pushes": 1,
                    "deals": 1,
                    "median_days": 28,
                    "p90_days": 28,
                },
                {
                    "status": "quote",
                    "label": "Quote sent",
                    "pushes": 3,
                    "deals": 2,
                    "median_days": 3,
                    "p90_days": 14,
                },
                {
                    "status": "negotiation",
                    "label": "Negotiation",
                    "pushes": 1,
                    "deals": 1,
                    "median_days": 28,
                    "p90_days": 28,
                },
            ],
        },
    }


def test_slippage_table_is_the_documented_example(history, cli):
    result = cli("stats", "slippage")

    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "Due dates and how they slipped\n"
        "Won deals closed after the due date first given: 2 of 3 (66.7%)\n"
        "How late they closed: median 38 days, 90th percentile 47 days\n"
        "Due dates pushed later: 5 pushes of 3 deals\n"
        "Days a push added: median 14 days, 90th percentile 28 days\n"
        "\n"
        "Pushes by the status the deal was in\n"
        "Status          Pushes  Deals  Median days  90th pct days\n"
        "Needs analysis       1      1           28             28\n"
        "Quote sent           3      2            3             14\n"
        "Negotiation          1      1           28             28\n"
    )
    page = (Path(__file__).parents[1] / "docs" / "reports.md").read_text(encoding="utf-8")
    shown = "".join(f"  {line}".rstrip() + "\n" for line in result.stdout.splitlines())
    assert f"  $ colibri stats slippage\n{shown}  ```" in page


def test_since_selects_wins_by_closing_day_and_pushes_by_the_day_they_were_made(history, cli):
    """Since 02-01: A's +28 (02-12, negotiation) and F's +1 (02-02, quote): median 14.5."""
    report = json.loads(cli("stats", "slippage", "--since", "2026-02-01", "-f", "json").stdout)

    assert report["won"]["count"] == 3
    assert {key: report["pushes"][key] for key in ("count", "deals", "median_days")} == {
        "count": 2,
        "deals": 2,
        "median_days": 14.5,
    }
    assert [row["status"] for row in report["pushes"]["by_status"]] == ["quote", "negotiation"]


def test_until_is_inclusive(history, cli):
    """Until 03-01: only B is won (on 03-01 itself), 29 days late; every push is before."""
    report = json.loads(cli("stats", "slippage", "--until", "2026-03-01", "-f", "json").stdout)

    assert report["won"] == {
        "count": 1,
        "late": 1,
        "late_percent": 100.0,
        "median_days_late": 29,
        "p90_days_late": 29,
    }
    assert report["pushes"]["count"] == 5


def test_slippage_in_french(history, cli):
    result = cli("stats", "slippage", "--since", "2026-02-01", env={"COLIBRI_LANG": "fr"})

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:5] == [
        "Échéances et glissements depuis le 2026-02-01",
        "Affaires gagnées conclues après la première échéance donnée : 2 sur 3 (66,7\u00a0%)",
        "Retard à la conclusion : médiane 38 jours, 90e centile 47 jours",
        "Échéances repoussées : 2 reports sur 2 affaires",
        "Jours ajoutés par report : médiane 14,5 jours, 90e centile 28 jours",
    ]


def test_nothing_pushed_nothing_won(cli, ok):
    ok("account", "add", "ACME")
    ok("opp", "create", "A", "--account", "ACME", "--amount", "1", "--due", "2027-01-01",
       "--status", "quote")  # fmt: skip

    result = cli("stats", "slippage")

    assert result.stdout == (
        "Due dates and how they slipped\n"
        "No deal won yet: nothing to compare with its first due date.\n"
        "No due date was pushed later.\n"
    )


def test_each_opportunity_knows_its_pushes(history, cli):
    def card(name: str) -> list[str]:
        return [line.rstrip() for line in cli("opp", "show", name).stdout.splitlines()]

    assert "Due date pushed  2 pushes, 42 days in all" in card("A")
    assert "Due date pushed  never" in card("C")

    shown = json.loads(cli("opp", "show", "F", "-f", "json").stdout)
    assert (shown["pushes"], shown["days_pushed"]) == (2, 4)

    listed = json.loads(cli("opp", "list", "--all", "-f", "json").stdout)
    assert {row["name"]: (row["pushes"], row["days_pushed"]) for row in listed} == {
        "A": (2, 42),
        "B": (1, 28),
        "C": (0, 0),
        "D": (0, 0),
        "F": (2, 4),
    }
    csv_header = cli("opp", "list", "-f", "csv").stdout.splitlines()[0]
    assert csv_header.endswith(
        ",effective_probability,weighted_amount,overdue,last_touch,pushes,days_pushed"
    )


def test_list_pushed_at_least_n_times(history, cli):
    twice = json.loads(cli("opp", "list", "--all", "--pushed", "2", "-f", "json").stdout)
    assert [row["name"] for row in twice] == ["F", "A"]  # by due date: 02-04, 03-10

    nothing = cli("opp", "list", "--all", "--pushed", "3").output
    assert nothing == "No opportunity matches these filters.\n"
    trashed = json.loads(cli("opp", "list", "--deleted", "--pushed", "1", "-f", "json").stdout)
    assert [(row["name"], row["pushes"], row["days_pushed"]) for row in trashed] == [("E", 1, 120)]


@pytest.mark.parametrize("count", ["-1", "1000001", "many"])
def test_pushed_takes_a_count(cli, count):
    result = cli("opp", "list", "--pushed", count)
    assert result.exit_code == 2
    assert "--pushed" in result.stderr


def test_a_span_with_no_win_says_so(history, cli):
    result = cli("stats", "slippage", "--since", "2026-03-21")

    assert result.stdout.splitlines()[:2] == [
        "Due dates and how they slipped since 2026-03-21",
        "No deal was won in this span: nothing to compare with its first due date.",
    ]
