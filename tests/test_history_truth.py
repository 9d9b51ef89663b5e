"""The past stays true: what `forecast --as-of` and `forecast accuracy` say about a past
period does not change with a delete, a close entered late, another program's write or a
status change, except by a purge that warns or a date correction that says so.

The story, in EUR (quote 40 %, negotiation 70 %, analysis 10 %), built day by day:

  2026-09-15  ACME; #1 Alpha 10,000 quote due 10-20; #2 Beta 5,000 negotiation due 10-25;
              #3 Gamma 2,000 quote at 60 % of its own, due 11-10.
  2026-10-01  #1 won, entered late: --on 2026-09-30.
  2026-10-20  #2 won.

Worked out by hand:
  October as forecast at the end of 09-30: #1 was won that day, so Beta alone,
  5,000 x 70 % = 3,500. At the end of 09-29: Alpha 4,000 + Beta 3,500 = 7,500.
  Won in September: Alpha 10,000; in October: Beta 5,000.
  Accuracy of October on 11-02: forecast 3,500, won 5,000, error -1,500 = -30.0 %, nothing
  slipped. (September began before the history: no forecast, left out.)
  November as forecast at the end of 10-31: Gamma 2,000 x 60 % = 1,200.
"""

import datetime as dt
import json
import sqlite3

import pytest

START, LATE_CLOSE, BETA_WON, NOW = "2026-09-15", "2026-10-01", "2026-10-20", "2026-11-02"


@pytest.fixture
def at(cli):
    """Run colibri on a given day; insist that it succeeded."""

    def run(day: str, *args: str, input: str | None = None):
        result = cli(*args, input=input, env={"COLIBRI_TODAY": day})
        assert result.exit_code == 0, result.output
        return result

    return run


@pytest.fixture
def story(at):
    at(START, "account", "add", "ACME")
    for name, amount, due, status, *own in (
        ("Alpha", "10000", "2026-10-20", "quote"),
        ("Beta", "5000", "2026-10-25", "negotiation"),
        ("Gamma", "2000", "2026-11-10", "quote", "--probability", "60"),
    ):
        at(START, "opp", "create", name, "-a", "ACME", "--amount", amount, "--due", due,
           "-s", status, *own)  # fmt: skip
    at(LATE_CLOSE, "opp", "status", "1", "won", "--on", "2026-09-30", "--no-follow-up")
    at(BETA_WON, "opp", "status", "2", "won", "--no-follow-up")


def document(at, day: str, *args: str) -> dict:
    return json.loads(at(day, *args, "--format", "json").stdout)


def forecast_row(at, as_of: str, period: str) -> dict:
    found = document(at, NOW, "forecast", "--as-of", as_of)
    [row] = [row for row in found["periods"] if row["period"] == period]
    return {key: row[key] for key in ("won", "weighted", "expected", "count")}


def won_in_october(at) -> int:
    """October's won amount as the forecast shows it today."""
    found = document(at, NOW, "forecast", "--from", "2026-10", "--periods", "1")
    return found["periods"][0]["won"]


def october_accuracy(at) -> dict:
    found = document(at, NOW, "forecast", "accuracy", "--last", "2", "--details")
    [row] = [row for row in found["periods"] if row["period"] == "2026-10"]
    return row


OCTOBER = {
    "period": "2026-10",
    "currency": "EUR",
    "forecast": 3500,
    "actual": 5000,
    "error": -1500,
    "error_pct": -30.0,
    "slipped_count": 0,
    "slipped_amount": 0,
    "call": None,
    "call_error": None,
    "call_error_pct": None,
    "slipped": [],
}


def test_a_close_entered_late_is_in_effect_from_its_day(story, at, rows):
    assert forecast_row(at, "2026-09-29", "2026-10") == {
        "won": 0, "weighted": 7500, "expected": 7500, "count": 2
    }  # fmt: skip
    assert forecast_row(at, "2026-09-30", "2026-09") == {
        "won": 10000, "weighted": 0, "expected": 10000, "count": 0
    }  # fmt: skip
    assert forecast_row(at, "2026-09-30", "2026-10") == {
        "won": 0, "weighted": 3500, "expected": 3500, "count": 1
    }  # fmt: skip
    assert october_accuracy(at) == OCTOBER  # Alpha neither forecast in October nor slipped
    created, won = rows(
        "SELECT changed_at, status FROM opportunity_history WHERE opportunity_id = 1 ORDER BY id"
    )
    assert (created["status"], created["changed_at"][:11]) == ("quote", "2026-09-15T")
    assert won == {"changed_at": "2026-09-30T23:59:59.999999", "status": "won"}


def test_accuracy_names_the_periods_before_the_history(story, cli):
    result = cli("forecast", "accuracy", "--last", "2", env={"COLIBRI_TODAY": NOW})

    assert result.exit_code == 0
    assert result.stderr == "Forecasts exist from 2026-10 on: the history begins on 2026-09-15.\n"
    assert [line.rstrip() for line in result.stdout.splitlines()[:3]] == [
        "Forecast accuracy by month in EUR",
        "Period   Forecast  Actual   Error  Error %  Slipped  Slipped amt",
        "2026-10     3,500   5,000  -1,500   -30.0%        0            0",
    ]


def test_a_deal_in_the_trash_still_counts_in_the_past(story, at, rows):
    before = (forecast_row(at, "2026-09-30", "2026-10"), october_accuracy(at))

    deleted = at(NOW, "opp", "delete", "Beta", "--yes")

    assert deleted.stderr.startswith("Moved opportunity 2: Beta (ACME)")
    assert (forecast_row(at, "2026-09-30", "2026-10"), october_accuracy(at)) == before
    pipeline = document(at, NOW, "pipeline")
    assert pipeline["totals"] == [
        {"currency": "EUR", "count": 1, "amount": 2000, "weighted": 1200}
    ]  # Gamma alone
    assert won_in_october(at) == 0  # gone from today's figures
    assert [deal["id"] for deal in document(at, NOW, "opp", "list", "--all")] == [1, 3]

    at(NOW, "opp", "restore", "2")
    assert (forecast_row(at, "2026-09-30", "2026-10"), october_accuracy(at)) == before
    assert won_in_october(at) == 5000

    purged = at(NOW, "opp", "delete", "2", "--purge", "--yes")
    assert purged.stderr.startswith("Warning: A purge cannot be undone")
    assert forecast_row(at, "2026-09-30", "2026-10")["expected"] == 0  # as the purge warned
    assert rows("SELECT count(*) AS n FROM opportunity_history WHERE opportunity_id = 2") == [
        {"n": 0}
    ]


def test_another_programs_write_is_stamped_when_it_is_made(story, at, db_path, rows):
    before = forecast_row(at, "2026-10-31", "2026-11")
    assert before == {"won": 0, "weighted": 1200, "expected": 1200, "count": 1}
    written_after = dt.datetime.now().isoformat(timespec="milliseconds")

    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("UPDATE opportunities SET amount = 2500 WHERE id = 3")
    conn.close()

    [latest] = rows(
        "SELECT changed_at, amount FROM opportunity_history WHERE opportunity_id = 3 "
        "ORDER BY id DESC LIMIT 1"
    )
    assert latest["amount"] == 2500
    assert latest["changed_at"] >= written_after  # the clock of the write, not 09-15
    assert rows("SELECT updated_at FROM opportunities WHERE id = 3") == [
        {"updated_at": latest["changed_at"]}
    ]  # and the deal was touched then: not stale
    assert forecast_row(at, "2026-10-31", "2026-11") == before


def test_an_unknown_status_from_another_program_shows_and_is_left_out_of_reports(
    story, at, cli, db_path
):
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("UPDATE opportunities SET status = 'signed' WHERE id = 3")
    conn.close()

    listed = document(at, NOW, "opp", "list", "--all")
    assert [(deal["id"], deal["status"]) for deal in listed] == [
        (1, "won"),
        (2, "won"),
        (3, "signed"),
    ]
    assert [deal["id"] for deal in document(at, NOW, "opp", "list")] == [3]  # not known closed
    shown = cli("opp", "show", "3", env={"COLIBRI_TODAY": NOW})
    assert shown.exit_code == 0 and "signed" in shown.stdout
    pipeline = cli("pipeline", env={"COLIBRI_TODAY": NOW})
    assert pipeline.exit_code == 0
    assert pipeline.stderr == (
        "Warning: 1 opportunity has a status colibri does not know ('signed'): it is left out "
        "of this report. Add the status with: colibri statuses add signed --label … "
        "--probability … --kind open|won|lost|cancelled\n"
        "No open opportunities. Create one with: colibri opp create\n"
    )  # Gamma, the only open deal, is the one left out
    edited = cli("opp", "edit", "3", "--amount", "1", env={"COLIBRI_TODAY": NOW})
    assert edited.exit_code == 2
    assert edited.stderr.startswith(
        "Error: Opportunity 3 has a status colibri does not know ('signed'): add it with"
    )
    at(NOW, "statuses", "add", "signed", "--label", "Signed", "--probability", "100",
       "--kind", "won")  # fmt: skip
    assert "Warning" not in cli("pipeline", env={"COLIBRI_TODAY": NOW}).stderr


def test_a_status_change_drops_an_own_probability_and_says_so(story, at, rows):
    moved = at(NOW, "opp", "status", "3", "negotiation")

    assert moved.stderr == (
        "Own probability (60%) dropped: Negotiation is 70%.\n"
        "Opportunity 3 (Gamma): quote -> negotiation.\n"
    )
    kept = at(NOW, "opp", "status", "3", "quote", "--probability", "65")
    assert kept.stderr == "Opportunity 3 (Gamma): negotiation -> quote.\n"
    lost = at(NOW, "opp", "status", "3", "lost", "--no-follow-up")
    assert lost.stderr == (
        "Own probability (65%) dropped: Lost is 0%.\n"
        "Opportunity 3 (Gamma): quote -> lost, closed on 2026-11-02.\n"
    )
    [deal] = [deal for deal in document(at, NOW, "opp", "list", "--all") if deal["id"] == 3]
    assert deal["probability"] is None
    assert [
        (row["status"], row["probability"], row["status_probability"])
        for row in document(at, NOW, "opp", "history", "3")
    ] == [("quote", 60, 40), ("negotiation", None, 70), ("quote", 65, 40), ("lost", None, 0)]
    shown = at(NOW, "opp", "list", "--all").stdout.splitlines()
    assert [line.split()[-1] for line in shown if line.startswith(" 3 ")] == ["0%"]


def test_a_closed_deal_has_no_probability_of_its_own(story, at, cli):
    refused = cli("opp", "edit", "1", "--probability", "50", env={"COLIBRI_TODAY": NOW})

    assert refused.exit_code == 2
    assert (
        refused.stderr == "Error: Opportunity 1 is won: its probability is its outcome's (100%).\n"
    )
    with_status = cli("opp", "status", "3", "won", "--probability", "50", "--no-follow-up")
    assert with_status.exit_code == 2
    assert "--probability goes with an open status" in with_status.stderr


def test_a_deal_created_closed_is_open_from_its_creation_and_closed_from_its_close(story, at, rows):
    created = at(NOW, "opp", "create", "Delta", "-a", "ACME", "--amount", "3000", "--due",
                 "2026-10-10", "-s", "won", "--created-on", "2026-09-20", "--closed-on",
                 "2026-10-05", "--no-follow-up")  # fmt: skip

    assert created.stderr == (
        "Created opportunity 4: Delta (ACME), 3,000 EUR, due 2026-10-10, won (100%).\n"
    )
    assert rows(
        "SELECT changed_at, status, closed_on FROM opportunity_history WHERE opportunity_id = 4"
    ) == [
        {"changed_at": "2026-09-20T00:00:00", "status": "analysis", "closed_on": None},
        {"changed_at": "2026-10-05T23:59:59.999999", "status": "won", "closed_on": "2026-10-05"},
    ]
    # October, forecast at the end of 09-30, now also has Delta at 10 %: 3,500 + 300.
    assert forecast_row(at, "2026-09-30", "2026-10")["expected"] == 3800
    stats = document(at, NOW, "stats")
    assert stats["sales_cycle"]["count"] == 3  # Alpha 15 days, Beta 35, Delta 15
    assert stats["sales_cycle"]["median_days"] == 15

    corrected = at(NOW, "opp", "edit", "4", "--closed-on", "2026-09-25")
    assert corrected.stderr.splitlines()[0] == (
        "Closing date corrected from 2026-10-05 to 2026-09-25: the history has the deal closed "
        "from 2026-09-25 on, so reports as of the days between change."
    )
    assert forecast_row(at, "2026-09-30", "2026-10")["expected"] == 3500  # won in September
    assert forecast_row(at, "2026-09-30", "2026-09")["won"] == 13000
    later = at(NOW, "opp", "edit", "4", "--closed-on", "2026-10-08")
    assert later.exit_code == 0
    assert forecast_row(at, "2026-09-30", "2026-10")["expected"] == 3800  # open again then
    assert forecast_row(at, "2026-10-31", "2026-10")["won"] == 8000  # Beta and Delta


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--closed-on", "2026-09-01"], "The closing date 2026-09-01 is before the opportunity "
         "was created (2026-09-20)."),
        (["--closed-on", "2026-12-01"], "closing date '2026-12-01': it is in the future "
         "(2026-12-01)."),
    ],
)  # fmt: skip
def test_a_closing_date_is_neither_before_the_creation_nor_to_come(story, cli, rows, options,
                                                                   message):  # fmt: skip
    result = cli("opp", "create", "Delta", "-a", "ACME", "--amount", "3000", "--due",
                 "2026-10-10", "-s", "won", "--created-on", "2026-09-20", *options,
                 "--no-follow-up", env={"COLIBRI_TODAY": NOW})  # fmt: skip

    assert result.exit_code == 2
    assert message in result.stderr
    assert rows("SELECT count(*) AS n FROM opportunities") == [{"n": 3}]


def test_a_closing_date_goes_with_a_close(story, cli):
    result = cli("opp", "create", "Epsilon", "-a", "ACME", "--amount", "1", "--due", "eom",
                 "-s", "quote", "--closed-on", "2026-10-01",
                 env={"COLIBRI_TODAY": NOW})  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: A closing date and a reason go with a close: use them with won, lost or "
        "cancelled.\n"
    )
    edit = cli("opp", "edit", "3", "--closed-on", "2026-10-01", env={"COLIBRI_TODAY": NOW})
    assert edit.exit_code == 2
    assert edit.stderr == (
        "Error: Opportunity 3 is open: it has no closing date to correct. Close it with: "
        "colibri opp status 3 won --on DATE\n"
    )


def test_an_import_that_closes_a_deal_late_takes_effect_from_its_day(story, at, rows):
    text = (
        "name,account,amount,due_date,status,closed_on\nGamma,ACME,2000,2026-11-10,won,2026-10-31\n"
    )

    result = at(NOW, "import", "opps", "-", "--upsert", input=text)

    assert "0 created, 1 updated" in result.stderr
    assert (
        "1 opportunity changed status and now follows its new status's probability, its own "
        "dropped (line 2)."
    ) in result.stderr
    assert forecast_row(at, "2026-10-31", "2026-10")["won"] == 7000  # Beta 5,000 + Gamma 2,000
    assert forecast_row(at, "2026-10-30", "2026-11")["expected"] == 1200  # still open then
    assert rows(
        "SELECT status, probability, changed_at FROM opportunity_history WHERE opportunity_id = 3 "
        "ORDER BY changed_at, id"
    )[-1] == {"status": "won", "probability": None, "changed_at": "2026-10-31T23:59:59.999999"}


def test_the_history_of_a_deal_in_the_trash_shows_its_deletion(story, at):
    at(NOW, "opp", "delete", "3", "--yes")

    shown = at(NOW, "opp", "history", "3").stdout.splitlines()

    assert [line.split("  ")[1].strip() for line in shown[1:]] == ["quote", "quote (in the trash)"]
    rows = document(at, NOW, "opp", "history", "3")
    assert [row["deleted"] for row in rows] == [0, 1]


def test_in_french(story, cli):
    french = {"COLIBRI_TODAY": NOW, "COLIBRI_LANG": "fr"}

    moved = cli("opp", "status", "3", "négociation", env=french)
    deleted = cli("opp", "delete", "3", "--yes", env=french)
    accuracy = cli("forecast", "accuracy", "--last", "2", env=french)

    assert moved.stderr == (
        "Probabilité propre (60\u00a0%) abandonnée : Négociation est à 70\u00a0%.\n"
        "Opportunité 3 (Gamma) : quote -> negotiation.\n"
    )
    assert deleted.stderr == (
        "Mise à la corbeille de l'opportunité 3 : Gamma (ACME), 2\u202f000\u00a0€, échéance "
        "2026-11-10, negotiation (70\u00a0%).\n"
        "Les prévisions passées la comptent toujours. Ramenez-la avec : colibri opp restore 3\n"
    )
    assert accuracy.stderr == (
        "Les prévisions existent à partir de 2026-10 : l'historique commence le 2026-09-15.\n"
    )


def test_a_close_is_never_dated_before_a_step_the_history_records(story, at, cli, rows):
    at("2026-10-10", "opp", "status", "3", "negotiation")
    steps = [("quote", 60), ("negotiation", None)]

    early = cli("opp", "status", "3", "won", "--on", "2026-10-05", "--no-follow-up",
                env={"COLIBRI_TODAY": NOW})  # fmt: skip
    assert early.exit_code == 2
    assert early.stderr == (
        "Error: Opportunity 3 was still open on 2026-10-10 (its history records a change to "
        "negotiation that day): it cannot have closed on 2026-10-05. Give 2026-10-10 or later.\n"
    )
    at(NOW, "opp", "status", "3", "won", "--on", "2026-10-12", "--no-follow-up")
    refused = cli("opp", "edit", "3", "--closed-on", "2026-10-09", env={"COLIBRI_TODAY": NOW})
    assert refused.exit_code == 2
    assert "it cannot have closed on 2026-10-09" in refused.stderr
    at(NOW, "opp", "edit", "3", "--closed-on", "2026-10-10")
    at(NOW, "opp", "edit", "3", "--closed-on", "2026-10-30")
    at(NOW, "opp", "edit", "3", "--closed-on", "2026-10-11")

    history = rows(
        "SELECT status, probability FROM opportunity_history WHERE opportunity_id = 3 "
        "ORDER BY changed_at, id"
    )
    opened = [(row["status"], row["probability"]) for row in history if row["status"] != "won"]
    assert opened[:2] == steps  # every step of its story, after three corrections
    assert {(status, probability) for status, probability in opened[2:]} <= {("negotiation", None)}
    assert forecast_row(at, "2026-10-10", "2026-11")["expected"] == 1400  # 2,000 at 70 %
    assert forecast_row(at, "2026-10-11", "2026-10")["won"] == 2000  # Gamma, won on 10-11


def test_a_deal_entered_closed_without_a_creation_date_was_created_on_its_closing_day(
    story, at, rows
):
    at(NOW, "opp", "create", "Zeta", "-a", "ACME", "--amount", "1000", "--due", "2026-10-31",
       "-s", "lost", "--closed-on", "2026-10-03", "--no-follow-up")  # fmt: skip

    assert rows("SELECT created_on, closed_on FROM opportunities WHERE name = 'Zeta'") == [
        {"created_on": "2026-10-03", "closed_on": "2026-10-03"}
    ]
    assert rows("SELECT changed_at, status FROM opportunity_history WHERE opportunity_id = 4") == [
        {"changed_at": "2026-10-03T00:00:00", "status": "lost"}
    ]  # closed from the start


def test_closing_again_on_another_day_points_at_the_correction(story, cli):
    result = cli("opp", "status", "1", "won", "--on", "2026-09-29", "--no-follow-up",
                 env={"COLIBRI_TODAY": NOW})  # fmt: skip

    assert result.exit_code == 4
    assert result.stderr == (
        "Error: Opportunity 1 is already 'won', since 2026-09-30: nothing to change. To correct "
        "its closing date: colibri opp edit 1 --closed-on 2026-09-29\n"
    )


def test_a_close_entered_late_carries_the_amount_of_its_day(at, rows):
    """Edited to 20,000 on 3 December, then recorded won as of 2 December: on the 2nd the deal
    was won at the 10,000 it was worth that day, and the edit of the 3rd stays the 3rd's."""
    at("2026-12-01", "account", "add", "ACME")
    at("2026-12-01", "opp", "create", "Deal", "-a", "ACME", "--amount", "10k", "--due",
       "2026-12-20", "-s", "quote")  # fmt: skip
    at("2026-12-03", "opp", "edit", "1", "--amount", "20k", "--due", "2026-12-24")
    at("2026-12-05", "opp", "status", "1", "won", "--on", "2026-12-02", "--no-follow-up")

    history = rows(
        "SELECT changed_at, status, amount, due_date FROM opportunity_history ORDER BY changed_at"
    )
    assert [(row["changed_at"][:10], row["status"], row["amount"]) for row in history] == [
        ("2026-12-01", "quote", 10000),
        ("2026-12-02", "won", 10000),
        ("2026-12-03", "won", 20000),
    ]
    assert [row["due_date"] for row in history] == ["2026-12-20", "2026-12-20", "2026-12-24"]
    assert history[1]["changed_at"] == "2026-12-02T23:59:59.999999"
    on_the_2nd = document(at, "2026-12-05", "forecast", "--as-of", "2026-12-02")
    assert on_the_2nd["periods"][0]["won"] == 10000
    on_the_3rd = document(at, "2026-12-05", "forecast", "--as-of", "2026-12-03")
    assert on_the_3rd["periods"][0]["won"] == 20000
    assert rows("SELECT amount, status FROM opportunities") == [{"amount": 20000, "status": "won"}]
