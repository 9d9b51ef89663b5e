"""The statuses' probabilities against what became of their deals, from a history built by hand.

The history (every date 2026; 100 EUR deals, due 06-30; quote 40 %, negotiation 70 %):
  01-05  Q1 to Q11 created in quote, Q12 in quote with 55 % of its own, A1 in analysis
         (10 %), O1 in quote (stays open), T1 in quote.
  02-01  Q1, Q2, Q3 move to negotiation (at 70 %).
  02-10  negotiation's probability becomes 50 % (Q1 to Q3 are in it: they entered at 70).
  02-15  Q7 moves to negotiation (at 50 %).
  03-02  Q1, Q2 won; Q4, Q5, Q6, A1 lost.
  04-01  Q3 won, T1 won; Q7, Q8, Q9, Q10, Q12 lost; Q11 cancelled.
  04-02  T1 goes to the trash.

Worked out on paper (a deal counts once per status it entered; the probability is the one
the status had when the deal entered it; the outcome is 1 for won, 0 for lost):
  analysis     A1 lost at 10: 1 deal, 0 won, 0 %; Brier 0.1² = 0.010.
  quote        Q1 to Q10 (Q11 cancelled and Q12 with its own probability left out, T1 in
               the trash, O1 open): 10 deals, 3 won, 30 %, used 40 %;
               Brier (3 * 0.6² + 7 * 0.4²) / 10 = (1.08 + 1.12) / 10 = 0.220;
               suggested 30 %.
  negotiation  Q1, Q2, Q3 won at 70, Q7 lost at 50: 4 deals, 75 %, used (3 * 70 + 50) / 4
               = 65 %; Brier (3 * 0.3² + 0.5²) / 4 = 0.52 / 4 = 0.130; 4 of 10: no
               suggestion.
  all          15 counted, (0.01 + 2.2 + 0.52) / 15 = 2.73 / 15 = 0.182.
Wilson, 90 % (z = 1.6449, z² = 2.70570), with n deals and p = won / n:
  centre = (p + z²/2n) / (1 + z²/n), half width = z / (1 + z²/n) * √(p(1 - p)/n + z²/4n²).
  quote, 3 of 10: z²/n = 0.27057; centre = (0.3 + 0.13528) / 1.27057 = 0.34259;
    half = 1.29461 * √(0.021 + 0.00676) = 1.29461 * 0.16663 = 0.21572: 12.7 % to 55.8 %.
  negotiation, 3 of 4: z²/n = 0.67642; centre = (0.75 + 0.33821) / 1.67642 = 0.64913;
    half = 0.98120 * √(0.046875 + 0.04228) = 0.98120 * 0.29858 = 0.29297: 35.6 % to 94.2 %.
  analysis, 0 of 1: z²/n = 2.70570; centre = 1.35285 / 3.70570 = 0.36507;
    half = 0.44388 * √(0.67642) = 0.44388 * 0.82245 = 0.36507: 0.0 % to 73.0 %.
"""

import json
import sqlite3
from pathlib import Path

import pytest

from colibri_cli.cli import context

NBSP = "\u00a0"  # before the % of a French percentage: 40 %


@pytest.fixture
def history(cli, built_once):
    built_once(lambda: build_history(cli))


def build_history(cli):
    def on(day: str, *arguments: str) -> None:
        result = cli(*arguments, env={"COLIBRI_TODAY": f"2026-{day}"})
        assert result.exit_code == 0, result.output

    def create(name: str, status: str, *more: str) -> None:
        on("01-05", "opp", "create", name, "--account", "ACME", "--amount", "100",
           "--due", "2026-06-30", "--status", status, *more)  # fmt: skip

    def close(day: str, status: str, *names: str) -> None:
        for name in names:
            on(day, "opp", "status", name, status, "--reason", "r", "--no-follow-up")

    on("01-02", "account", "add", "ACME")
    for number in range(1, 12):
        create(f"Q{number}", "quote")
    create("Q12", "quote", "--probability", "55")
    create("A1", "analysis")
    create("O1", "quote")
    create("T1", "quote")
    for name in ("Q1", "Q2", "Q3"):
        on("02-01", "opp", "status", name, "negotiation")
    on("02-10", "statuses", "edit", "negotiation", "--probability", "50")
    on("02-15", "opp", "status", "Q7", "negotiation")
    close("03-02", "won", "Q1", "Q2")
    close("03-02", "lost", "Q4", "Q5", "Q6", "A1")
    close("04-01", "won", "Q3", "T1")
    close("04-01", "lost", "Q7", "Q8", "Q9", "Q10", "Q12")
    close("04-01", "cancelled", "Q11")
    on("04-02", "opp", "delete", "T1", "--yes")


def document(cli, *arguments: str) -> dict:
    result = cli("statuses", "calibrate", *arguments, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_calibration_as_worked_out_on_paper(history, cli):
    assert document(cli) == {
        "date": "2026-11-26",
        "since": None,
        "minimum_deals": 10,
        "passages": 15,
        "brier": 0.182,
        "statuses": [
            {
                "status": "analysis",
                "label": "Needs analysis",
                "probability": 10,
                "used_probability": 10.0,
                "deals": 1,
                "won": 0,
                "lost": 1,
                "cancelled": 0,
                "own_probability": 0,
                "won_percent": 0.0,
                "low_percent": 0.0,
                "high_percent": 73.0,
                "brier": 0.01,
                "suggested": None,
            },
            {
                "status": "quote",
                "label": "Quote sent",
                "probability": 40,
                "used_probability": 40.0,
                "deals": 10,
                "won": 3,
                "lost": 7,
                "cancelled": 1,
                "own_probability": 1,
                "won_percent": 30.0,
                "low_percent": 12.7,
                "high_percent": 55.8,
                "brier": 0.22,
                "suggested": 30,
            },
            {
                "status": "negotiation",
                "label": "Negotiation",
                "probability": 50,
                "used_probability": 65.0,
                "deals": 4,
                "won": 3,
                "lost": 1,
                "cancelled": 0,
                "own_probability": 0,
                "won_percent": 75.0,
                "low_percent": 35.6,
                "high_percent": 94.2,
                "brier": 0.13,
                "suggested": None,
            },
        ],
    }


def test_calibration_table_is_the_documented_example(history, cli):
    result = cli("statuses", "calibrate")

    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert result.stdout == (
        "Status probabilities against what became of the deals\n"
        "Status          Now  Used  Deals  Won %  Interval (90%)  Brier  "
        "                 Suggested\n"
        "Needs analysis  10%   10%      1     0%       0.0-73.0%  0.010  "
        "not enough deals (1 of 10)\n"
        "Quote sent      40%   40%     10    30%      12.7-55.8%  0.220  "
        "                       30%\n"
        "Negotiation     50%   65%      4    75%      35.6-94.2%  0.130  "
        "not enough deals (4 of 10)\n"
        "Brier score, all statuses (15 counted): 0.182 (0 is perfect; 0.250 if every "
        "probability were 50%)\n"
        "Used: the status's probability when the deal entered it.\n"
        "Left out: cancelled deals (1), deals with a probability of their own (1).\n"
        "(A deal counts once in each status it went through.)\n"
    )
    page = (Path(__file__).parents[1] / "docs" / "reports.md").read_text(encoding="utf-8")
    shown = "".join(f"  {line}".rstrip() + "\n" for line in result.stdout.splitlines())
    assert f"  $ colibri statuses calibrate\n{shown}  ```" in page


def test_since_selects_deals_by_closing_day(history, cli):
    """Closed on or after 04-01: quote Q3 won, Q7 to Q10 lost (1 of 5, 20 %, Brier (0.36 +
    4 * 0.16) / 5 = 0.200); negotiation Q3 won at 70, Q7 lost at 50 (Brier (0.09 + 0.25) / 2
    = 0.170, used 60 %); analysis none. All: (1.0 + 0.34) / 7 = 0.191."""
    report = document(cli, "--since", "2026-04-01")

    assert (report["since"], report["passages"], report["brier"]) == ("2026-04-01", 7, 0.191)
    assert [
        (row["status"], row["deals"], row["won"], row["used_probability"], row["brier"])
        for row in report["statuses"]
    ] == [
        ("analysis", 0, 0, None, None),
        ("quote", 5, 1, 40.0, 0.2),
        ("negotiation", 2, 1, 60.0, 0.17),
    ]
    assert [row["suggested"] for row in report["statuses"]] == [None, None, None]


def test_csv_has_a_row_per_status_and_one_for_all(history, cli):
    result = cli("statuses", "calibrate", "--format", "csv")

    assert result.stdout.splitlines() == [
        "status,label,probability,used_probability,deals,won,lost,cancelled,own_probability,"
        "won_percent,low_percent,high_percent,brier,suggested",
        "analysis,Needs analysis,10,10.0,1,0,1,0,0,0.0,0.0,73.0,0.01,",
        "quote,Quote sent,40,40.0,10,3,7,1,1,30.0,12.7,55.8,0.22,30",
        "negotiation,Negotiation,50,65.0,4,3,1,0,0,75.0,35.6,94.2,0.13,",
        ",,,,15,,,,,,,,0.182,",
    ]


def test_calibration_in_french(history, cli):
    result = cli("statuses", "calibrate", env={"COLIBRI_LANG": "fr"})

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Probabilités des statuts face au sort des affaires",
        f"Statut               Actuelle  Utilisée  Affaires  % gagnées      IC 90{NBSP}%  Brier"
        "         Suggérée",
        f"Analyse des besoins      10{NBSP}%      10{NBSP}%         1        0{NBSP}%   "
        f"0,0-73,0{NBSP}%  0,010  trop peu (1/10)",
        f"Devis envoyé             40{NBSP}%      40{NBSP}%        10       30{NBSP}%  "
        f"12,7-55,8{NBSP}%  0,220             30{NBSP}%",
        f"Négociation              50{NBSP}%      65{NBSP}%         4       75{NBSP}%  "
        f"35,6-94,2{NBSP}%  0,130  trop peu (4/10)",
        "Score de Brier, tous statuts (15 affaires) : 0,182 (0 : parfait ; 0,250 si tout "
        f"valait 50{NBSP}%)",
        "Utilisée : la probabilité du statut quand l'affaire y est entrée.",
        "Écartées : affaires annulées (1), affaires avec leur propre probabilité (1).",
        "(Une affaire compte une fois dans chaque statut traversé.)",
    ]


def test_apply_in_french(history, cli):
    result = cli("statuses", "calibrate", "--apply", "--yes", env={"COLIBRI_LANG": "fr"})

    assert result.exit_code == 0, result.output
    assert result.stderr == (
        f"Devis envoyé (quote) : 40{NBSP}% → 30{NBSP}%\n"
        "1 probabilité appliquée : les prévisions passées gardent celles avec lesquelles elles "
        "ont été faites.\n"
    )


def test_apply_sets_the_suggestions_and_leaves_the_past_forecasts_alone(history, cli, rows):
    """Quote goes from 40 to 30 %: O1, open in quote, weighs 30 from now on; the forecast of
    a past day and the accuracy of past periods are the same before and after."""

    def figures(*arguments: str) -> str:
        result = cli(*arguments, "--format", "json")
        assert result.exit_code == 0, result.output
        return result.stdout

    past = ("forecast", "--as-of", "2026-02-20", "--from", "2026-06", "--periods", "1")
    accuracy = ("forecast", "accuracy", "--last", "12")
    before = (figures(*past), figures(*accuracy))
    today = ("forecast", "--as-of", "2026-11-26", "--from", "2026-11", "--periods", "1")
    overdue_before = json.loads(figures(*today))["overdue"]

    result = cli("statuses", "calibrate", "--apply", "--yes")

    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "Quote sent (quote): 40% → 30%\n"
        "Set 1 probability: past forecasts keep the ones they were made with.\n"
    )
    assert rows("SELECT key, probability FROM statuses WHERE kind = 'open' ORDER BY position") == [
        {"key": "analysis", "probability": 10},
        {"key": "quote", "probability": 30},
        {"key": "negotiation", "probability": 50},
    ]
    assert (figures(*past), figures(*accuracy)) == before
    # Replayed from the history, the day of the change already counts O1 at 30 %.
    overdue_after = json.loads(figures(*today))["overdue"]
    assert [(row["weighted"], row["best_case"]) for row in overdue_before] == [(40, 100)]
    assert [(row["weighted"], row["best_case"]) for row in overdue_after] == [(30, 100)]
    # The deals already closed keep the probability they were measured with.
    assert [row["used_probability"] for row in document(cli)["statuses"]] == [10.0, 40.0, 65.0]


def test_apply_with_nothing_to_change_says_so(history, cli, rows):
    assert cli("statuses", "calibrate", "--apply", "--yes").exit_code == 0
    history_rows = rows("SELECT count(*) AS n FROM opportunity_history")

    result = cli("statuses", "calibrate", "--apply")

    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "No suggested probability differs from the status's own: nothing to change.\n"
    )
    assert rows("SELECT count(*) AS n FROM opportunity_history") == history_rows


def test_apply_outside_a_terminal_needs_yes(history, cli, rows):
    history_rows = rows("SELECT count(*) AS n FROM opportunity_history")

    result = cli("statuses", "calibrate", "--apply", "--format", "json")

    assert result.exit_code == 2
    assert result.stderr == (
        "Quote sent (quote): 40% → 30%\n"
        "Error: Set these probabilities? Not on a terminal: pass --yes to confirm.\n"
    )
    assert json.loads(result.stdout)["statuses"][1]["suggested"] == 30
    assert rows("SELECT probability FROM statuses WHERE key = 'quote'") == [{"probability": 40}]
    assert rows("SELECT count(*) AS n FROM opportunity_history") == history_rows


@pytest.mark.parametrize(("answer", "probability"), [("n\n", 40), ("y\n", 30)])
def test_on_a_terminal_apply_asks_first(history, cli, rows, monkeypatch, answer, probability):
    monkeypatch.setattr(context, "interactive", lambda: True)

    result = cli("statuses", "calibrate", "--apply", input=answer)

    assert result.exit_code == (1 if answer == "n\n" else 0), result.output
    assert result.stderr.startswith("Quote sent (quote): 40% → 30%\nSet these probabilities?")
    assert rows("SELECT probability FROM statuses WHERE key = 'quote'") == [
        {"probability": probability}
    ]


def test_apply_refuses_when_the_deals_changed_while_it_asked(
    history, cli, rows, db_path, monkeypatch
):
    """Between the question and the answer, another program closes O1 as won: quote's share
    becomes 4 of 11 (36 %), not the 30 % the person agreed to."""

    def answer_while_o1_is_won(question: str, *, default: bool) -> bool:
        other = sqlite3.connect(db_path)
        with other:
            other.execute(
                "UPDATE opportunities SET status = 'won', closed_on = '2026-11-26'"
                " WHERE name = 'O1'"
            )
        other.close()
        return True

    monkeypatch.setattr(context, "interactive", lambda: True)
    monkeypatch.setattr(context, "confirm", answer_while_o1_is_won)

    result = cli("statuses", "calibrate", "--apply")

    assert result.exit_code == 4
    assert result.stderr.splitlines()[-1] == (
        "Error: The deals changed meanwhile: run the command again."
    )
    assert rows("SELECT probability FROM statuses WHERE key = 'quote'") == [{"probability": 40}]


def test_nothing_closed_yet(cli, ok):
    ok("account", "add", "ACME")
    ok("opp", "create", "A", "--account", "ACME", "--amount", "1", "--due", "2027-01-01",
       "--status", "quote")  # fmt: skip

    result = cli("statuses", "calibrate")

    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "Status probabilities against what became of the deals\n"
        "No closed deal has been through an open status yet: nothing to compare.\n"
    )
    report = document(cli)
    assert (report["passages"], report["brier"]) == (0, None)
    assert [(row["deals"], row["won_percent"], row["suggested"]) for row in report["statuses"]] == [
        (0, None, None)
    ] * 3
    applied = cli("statuses", "calibrate", "--apply")
    assert applied.exit_code == 0
    assert applied.stderr.endswith("nothing to change.\n")


def test_a_bad_since_date_is_refused(empty_db, cli):
    result = cli("statuses", "calibrate", "--since", "garbage")

    assert result.exit_code == 2
    assert result.stderr.startswith("Error: Invalid --since date 'garbage': use YYYY-MM-DD")
    assert result.stdout == ""


def test_a_read_creates_no_database(cli, db_path):
    result = cli("statuses", "calibrate")

    assert result.exit_code != 0
    assert not db_path.exists()
