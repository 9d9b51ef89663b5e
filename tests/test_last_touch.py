"""When each deal and account was last touched: a story of March 2026 told day by day, where
every `last_touch` is worked out by hand."""

import json

import pytest


@pytest.fixture
def story(at):
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
