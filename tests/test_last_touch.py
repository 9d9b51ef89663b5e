"""When each deal and account was last touched, and when a deal is stale: a story of March
2026 told day by day, where every `last_touch` and every stale deal is worked out by hand."""

import json
import sqlite3

import pytest

from colibri_cli.core import migrations
from conftest import database_before


@pytest.fixture
def story(at, built_once):
    built_once(lambda: build_story(at))


def build_story(at):
    """Three accounts, two deals, and what happened to them from 2 to 12 March."""
    at("2026-03-02", "account", "add", "ACME")
    at("2026-03-02", "account", "add", "Beta")
    at("2026-03-02", "account", "add", "Gamma")
    for name, account in (("Website", "ACME"), ("Audit", "Beta")):
        at(
            "2026-03-02",
            "opp", "create", name, "--account", account,
            "--amount", "10000", "--due", "2026-06-30", "--status", "quote",
        )  # fmt: skip
    # Website, ACME: a call on the 4th.
    at("2026-03-04", "log", "call", "Kick-off", "--opp", "Website")
    # Audit, Beta: a task added on the 6th (not a touch), done on the 8th, said on the 9th.
    at("2026-03-06", "task", "add", "Send the quote", "--opp", "Audit", "--due", "2026-03-10")
    at("2026-03-09", "task", "done", "1", "--on", "2026-03-08")
    # Gamma: a note of the 7th, logged on the 10th.
    at("2026-03-10", "log", "note", "Met at the fair", "--account", "Gamma", "--on", "2026-03-07")
    # ACME, not about Website, on the 12th; and a meeting of the 1st at Website, logged
    # late: it does not make Website's last touch older.
    at("2026-03-12", "log", "email", "Newsletter", "--account", "ACME")
    at("2026-03-12", "log", "meeting", "Demo", "--opp", "Website", "--on", "2026-03-01")
    # Beta: a task of the account itself, open: not a touch.
    at("2026-03-12", "task", "add", "Send the wishes", "--account", "Beta")


def test_each_deal_was_last_touched_by_its_latest_activity_or_task_done(story, at):
    listed = json.loads(at("2026-03-12", "opp", "list", "--format", "json").stdout)

    assert {deal["name"]: deal["last_touch"] for deal in listed} == {
        "Website": "2026-03-04",  # the call; the meeting of the 1st is older
        "Audit": "2026-03-08",  # the task done, the day it was done
    }


def test_each_account_was_last_touched_by_its_own_or_its_deals(story, at):
    listed = json.loads(at("2026-03-12", "account", "list", "--format", "json").stdout)

    assert {account["name"]: account["last_touch"] for account in listed} == {
        "ACME": "2026-03-12",  # the email at the account, after the call at its deal
        "Beta": "2026-03-08",  # its deal's task done; its own task is still open
        "Gamma": "2026-03-07",  # the note, on the day it happened, not the day it was logged
    }


def test_a_task_done_for_the_account_touches_it_and_not_its_deals(story, at):
    at("2026-03-13", "task", "done", "2")

    deals = json.loads(at("2026-03-13", "opp", "list", "--format", "json").stdout)
    accounts = json.loads(at("2026-03-13", "account", "list", "--format", "json").stdout)

    assert [deal["last_touch"] for deal in deals] == ["2026-03-04", "2026-03-08"]
    assert [account["last_touch"] for account in accounts] == [
        "2026-03-12",
        "2026-03-13",
        "2026-03-07",
    ]


def test_nothing_done_is_no_touch(at, rows):
    at("2026-03-02", "account", "add", "ACME")
    at(
        "2026-03-02",
        "opp", "create", "Website", "--account", "ACME",
        "--amount", "10000", "--due", "2026-06-30", "--status", "quote",
    )  # fmt: skip
    at("2026-03-03", "task", "add", "Call", "--opp", "1")

    csv = at("2026-03-04", "opp", "list", "--format", "csv").stdout
    accounts = json.loads(at("2026-03-04", "account", "list", "--format", "json").stdout)

    header, row = csv.splitlines()
    assert dict(zip(header.split(","), row.split(","), strict=True))["last_touch"] == ""
    assert accounts[0]["last_touch"] is None


def test_the_tables_show_the_last_touch_where_it_fits(story, at):
    deals = at("2026-03-12", "opp", "list").stdout
    accounts = at("2026-03-12", "account", "list").stdout

    assert deals.splitlines() == [
        "ID  Name     Account      Amount  Due         Status      Prob.  Last touch",
        " 1  Website  ACME     10,000 EUR  2026-06-30  Quote sent    40%  2026-03-04",
        " 2  Audit    Beta     10,000 EUR  2026-06-30  Quote sent    40%  2026-03-08",
    ]
    assert accounts.splitlines() == [
        "ID  Name   Industry  City  Country  Phone  Email  Last touch",
        " 1  ACME                                          2026-03-12",
        " 2  Beta                                          2026-03-08",
        " 3  Gamma                                         2026-03-07",
    ]


def test_a_narrow_table_leaves_the_last_touch_out_rather_than_split(story, cli, monkeypatch):
    monkeypatch.setenv("COLUMNS", "70")  # 76 with the last touch

    result = cli("opp", "list", env={"COLIBRI_TODAY": "2026-03-12"})

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "ID  Name     Account      Amount  Due         Status      Prob.",
        " 1  Website  ACME     10,000 EUR  2026-06-30  Quote sent    40%",
        " 2  Audit    Beta     10,000 EUR  2026-06-30  Quote sent    40%",
    ]


def test_french_names_the_column(story, at):
    at("2026-03-12", "config", "set", "language", "fr")

    heading = at("2026-03-12", "account", "list").stdout.splitlines()[0]

    assert heading.endswith("Dernier contact")


@pytest.fixture
def stale_story(story, at):
    """The story, stale after 10 days; a third deal, at Gamma, created on the 12th.
    Website was last touched on the 4th, Audit on the 8th, Support on the 12th (created):
    each is stale from the 10th day after, the 14th, the 18th and the 22nd."""
    at("2026-03-12", "config", "set", "stale-days", "10")
    at(
        "2026-03-12",
        "opp", "create", "Support", "--account", "Gamma",
        "--amount", "5000", "--due", "2026-07-31", "--status", "negotiation",
    )  # fmt: skip


def stale_names(at, day: str, *options: str) -> list[str]:
    listed = json.loads(at(day, "opp", "list", "--stale", *options, "--format", "json").stdout)
    return [deal["name"] for deal in listed]


def pipeline_stale(at, day: str, *options: str) -> list[str]:
    report = json.loads(at(day, "pipeline", *options, "--format", "json").stdout)
    return [deal["name"] for deal in report["stale"]["opportunities"]]


@pytest.mark.parametrize(
    ("day", "stale"),
    [
        ("2026-03-13", []),
        ("2026-03-14", ["Website"]),  # 10 days after the call of the 4th
        ("2026-03-17", ["Website"]),
        ("2026-03-18", ["Website", "Audit"]),  # 10 days after the task done on the 8th
        ("2026-03-22", ["Website", "Audit", "Support"]),  # 10 days after its creation
    ],
)
def test_a_deal_is_stale_when_nothing_touched_it_for_stale_days(stale_story, at, day, stale):
    assert stale_names(at, day) == stale
    assert pipeline_stale(at, day) == stale


def test_a_change_an_activity_or_a_task_done_makes_a_deal_fresh_again(stale_story, at):
    at("2026-03-20", "opp", "edit", "Website", "--notes", "Wants a discount")
    at("2026-03-20", "log", "call", "Rang", "--opp", "Audit", "--on", "2026-03-19")
    at("2026-03-20", "task", "add", "Plan", "--opp", "Support", "--due", "2026-03-25")
    at("2026-03-23", "task", "done", "3", "--on", "2026-03-21")

    assert stale_names(at, "2026-03-23") == []
    assert stale_names(at, "2026-03-28") == []
    assert stale_names(at, "2026-03-29") == ["Audit"]  # the call of the 19th
    assert stale_names(at, "2026-03-30") == ["Website", "Audit"]  # the edit of the 20th
    assert stale_names(at, "2026-03-31") == ["Website", "Audit", "Support"]  # the 21st


def test_as_of_a_past_day_only_what_touched_the_deal_until_then_counts(stale_story, at):
    # On the 20th, a call at Website said to have happened on the 13th, and one at Audit
    # on the 19th: as of the 14th, the first keeps Website fresh, the second is yet to come.
    at("2026-03-20", "log", "call", "Rang", "--opp", "Website", "--on", "2026-03-13")
    at("2026-03-20", "log", "call", "Rang", "--opp", "Audit", "--on", "2026-03-19")

    assert pipeline_stale(at, "2026-03-20", "--as-of", "2026-03-14") == []
    assert pipeline_stale(at, "2026-03-20", "--as-of", "2026-03-18") == ["Audit"]
    assert pipeline_stale(at, "2026-03-20") == []


def test_stale_lists_only_open_deals_and_goes_with_the_other_filters(stale_story, at, cli):
    at("2026-03-20", "opp", "status", "Audit", "lost", "--no-follow-up")

    assert stale_names(at, "2026-03-22") == ["Website", "Support"]
    assert stale_names(at, "2026-03-22", "--account", "Gamma") == ["Support"]
    for option in ("--closed", "--all"):
        result = cli("opp", "list", "--stale", option)
        assert result.exit_code == 2
        assert f"--stale lists open opportunities: it excludes {option}." in result.stderr


def test_an_empty_stale_list_says_no_deal_matches(stale_story, at):
    result = at("2026-03-13", "opp", "list", "--stale")

    assert result.stdout == ""
    assert result.stderr == "No opportunity matches these filters.\n"


# --- stale days of a status --------------------------------------------------------------


def test_a_status_with_stale_days_of_its_own_makes_its_deals_stale_sooner(stale_story, at, rows):
    # Website and Audit are quotes, Support a negotiation; the setting says 10 days.
    result = at("2026-03-13", "statuses", "edit", "quote", "--stale-days", "7")

    assert result.stderr == "Updated status quote (Quote sent, 40%, open, stale after 7 days).\n"
    assert rows("SELECT key, stale_days FROM statuses WHERE stale_days IS NOT NULL") == [
        {"key": "quote", "stale_days": 7}
    ]
    # Quotes: Website (the 4th) stale from the 11th, Audit (the 8th) from the 15th.
    assert stale_names(at, "2026-03-13") == ["Website"]
    assert stale_names(at, "2026-03-15") == ["Website", "Audit"]
    assert pipeline_stale(at, "2026-03-15") == ["Website", "Audit"]
    assert pipeline_stale(at, "2026-03-21") == ["Website", "Audit"]  # Support: the 22nd
    assert pipeline_stale(at, "2026-03-22") == ["Website", "Audit", "Support"]


def test_the_pipeline_says_when_a_status_has_stale_days_of_its_own(stale_story, at):
    at("2026-03-13", "statuses", "edit", "quote", "--stale-days", "7")

    report = json.loads(at("2026-03-13", "pipeline", "--format", "json").stdout)
    table = at("2026-03-13", "pipeline").stdout

    assert (report["stale"]["days"], report["stale"]["statuses"]) == (10, {"quote": 7})
    assert "Stale (untouched for 10 days, or as long as their status says): 1 (10,000 EUR)" in (
        table.splitlines()
    )


def test_a_status_moved_to_keeps_its_stale_days_as_of_a_past_day(stale_story, at):
    """As of a past day, the deal is judged by the status it had then."""
    at("2026-03-13", "statuses", "edit", "negotiation", "--stale-days", "3")
    at("2026-03-13", "opp", "status", "Website", "negotiation")  # a change: fresh on the 13th

    assert pipeline_stale(at, "2026-03-16", "--as-of", "2026-03-12") == []  # a quote then
    assert pipeline_stale(at, "2026-03-16", "--as-of", "2026-03-13") == []
    assert pipeline_stale(at, "2026-03-16") == ["Website", "Support"]  # 3 days after the 13th


def test_empty_stale_days_follow_the_setting_again(stale_story, at, rows):
    at("2026-03-13", "statuses", "edit", "quote", "--stale-days", "7")

    result = at("2026-03-13", "statuses", "edit", "quote", "--stale-days", "")

    assert result.stderr == "Updated status quote (Quote sent, 40%, open).\n"
    assert rows("SELECT stale_days FROM statuses WHERE key = 'quote'") == [{"stale_days": None}]
    assert stale_names(at, "2026-03-13") == []


def test_statuses_list_shows_their_own_stale_days(empty_db, ok):
    ok("statuses", "edit", "quote", "--stale-days", "14")
    ok("statuses", "edit", "negotiation", "--stale-days", "1")

    table = ok("statuses", "list").stdout
    listed = json.loads(ok("statuses", "list", "--format", "json").stdout)

    assert table.splitlines() == [
        "#  Key          Label           Prob.  Kind       Stale after",
        "1  analysis     Needs analysis    10%  open",
        "2  quote        Quote sent        40%  open           14 days",
        "3  negotiation  Negotiation       70%  open             1 day",
        "4  won          Won              100%  won",
        "5  lost         Lost               0%  lost",
        "6  cancelled    Cancelled          0%  cancelled",
    ]
    assert [status["stale_days"] for status in listed] == [None, 14, 1, None, None, None]


NEW_STATUS = ("statuses", "add", "demo", "--label", "Demo given", "--probability", "60")


@pytest.mark.parametrize("command", [("statuses", "edit", "quote"), NEW_STATUS])
@pytest.mark.parametrize("days", ["0", "-3", "abc", "1.5", "3651", "²"])
def test_stale_days_must_be_a_whole_number_of_days(empty_db, cli, rows, command, days):
    result = cli(*command, "--stale-days", days)

    assert result.exit_code == 2, result.output
    assert result.stderr == (
        f"Error: Invalid stale days {days!r}: give a whole number from 1 to 3650, "
        'or "" to follow the stale-days setting.\n'
    )
    assert rows("SELECT count(*) AS n FROM statuses WHERE stale_days IS NOT NULL") == [{"n": 0}]
    assert rows("SELECT count(*) AS n FROM statuses") == [{"n": 6}]


@pytest.mark.parametrize(("days", "stored"), [("21", 21), (" 007 ", 7), ("", None)])
def test_a_status_added_with_stale_days_keeps_them(empty_db, ok, rows, days, stored):
    result = ok(*NEW_STATUS, "--stale-days", days)

    assert result.stderr == (
        "Added status demo (Demo given, 60%, open"
        + (f", stale after {stored} days" if stored else "")
        + ").\n"
    )
    assert rows("SELECT key, stale_days FROM statuses WHERE key = 'demo'") == [
        {"key": "demo", "stale_days": stored}
    ]


def test_bad_stale_days_are_explained_in_french(empty_db, ok, cli):
    ok("config", "set", "language", "fr")

    result = cli("statuses", "edit", "quote", "--stale-days", "0")

    assert result.stderr == (
        "Erreur : Jours avant dormance '0' invalides : donnez un nombre entier de 1 à 3650, "
        'ou "" pour suivre le réglage stale-days.\n'
    )


def test_the_database_refuses_stale_days_that_are_not_a_number_of_days(empty_db):
    conn = sqlite3.connect(empty_db)
    try:
        for value in (0, -3, "abc", 1.5):
            with pytest.raises(sqlite3.IntegrityError):
                conn.execute("UPDATE statuses SET stale_days = ? WHERE key = 'quote'", (value,))
    finally:
        conn.close()


def test_a_database_without_stale_days_is_brought_up_to_date(db_path, ok, rows):
    """Its statuses keep everything and follow the setting; then one may have its own."""
    database = database_before(db_path, migrations.m009_status_stale_days)
    database.conn.execute("UPDATE statuses SET label = 'Devis' WHERE key = 'quote'")
    database.conn.commit()
    database.conn.close()
    before = rows("SELECT * FROM statuses ORDER BY position")

    ok("upgrade")
    ok("statuses", "edit", "quote", "--stale-days", "14")

    assert {"name": "m009_status_stale_days"} in rows("SELECT name FROM _sqlite_migrations")
    assert rows("SELECT * FROM statuses ORDER BY position") == [
        {**status, "stale_days": 14 if status["key"] == "quote" else None} for status in before
    ]


def test_export_all_moves_the_stale_days_of_the_statuses(empty_db, ok, tmp_path):
    ok("statuses", "edit", "quote", "--stale-days", "14")
    text = ok("export", "all").stdout
    moved = tmp_path / "moved.db"

    ok("--db", str(moved), "import", "all", "-", input=text)

    listed = json.loads(ok("--db", str(moved), "statuses", "list", "-f", "json").stdout)
    assert {status["key"]: status["stale_days"] for status in listed} == {
        "analysis": None,
        "quote": 14,
        "negotiation": None,
        "won": None,
        "lost": None,
        "cancelled": None,
    }


def test_the_cards_say_when_the_deal_or_the_account_was_last_touched(story, at):
    deal = at("2026-03-12", "opp", "show", "Audit").stdout.splitlines()
    account = at("2026-03-12", "account", "show", "ACME").stdout.splitlines()
    gamma = at("2026-03-12", "account", "show", "Gamma", "--format", "json").stdout

    assert [line.split() for line in deal if line.startswith("Last touch")] == [
        ["Last", "touch", "2026-03-08"]
    ]
    assert [line.split() for line in account if line.startswith("Last touch")] == [
        ["Last", "touch", "2026-03-12"]
    ]
    assert json.loads(gamma)["last_touch"] == "2026-03-07"
