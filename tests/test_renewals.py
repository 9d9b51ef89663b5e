"""Renewals: a won deal closed with `--renew PERIOD` makes the next one at the same account,
linked to it (`renewal_of`)."""

import json

import pytest

from colibri_cli.core import migrations


def test_a_database_without_renewals_is_brought_up_to_date(db_path, ok, rows):
    """Its opportunities keep everything and are the renewal of none."""
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations

    steps = Migrations(migrations.MIGRATION_SET)
    for step in migrations.STEPS[: migrations.STEPS.index(migrations.m010_renewals)]:
        steps()(step)
    database = Database(db_path)
    steps.apply(database)
    stamp = {"created_at": "2026-01-05T09:00:00", "updated_at": "2026-11-30T09:00:00"}
    database["accounts"].insert({"name": "ACME", **stamp})
    database["opportunities"].insert(
        {"account_id": 1, "name": "Hosting", "amount": 1200, "currency": "EUR",
         "due_date": "2026-12-31", "status": "won", "created_on": "2026-01-05",
         "closed_on": "2026-11-30", **stamp}
    )  # fmt: skip
    database.conn.commit()
    database.conn.close()
    before = rows("SELECT * FROM opportunities")

    ok("upgrade")

    assert {"name": "m010_renewals"} in rows("SELECT name FROM _sqlite_migrations")
    assert rows("SELECT * FROM opportunities") == [{**deal, "renewal_of": None} for deal in before]


@pytest.fixture
def hosting(at):
    """ACME's hosting of 2026, with Ann, in quote since 5 January."""
    at("2026-01-05", "account", "add", "ACME")
    at("2026-01-05", "contact", "add", "Ann", "--account", "ACME")
    at(
        "2026-01-05",
        "opp", "create", "Hosting 2026", "--account", "ACME", "--contact", "Ann",
        "--amount", "1200", "--currency", "USD", "--due", "2026-12-15", "--status", "quote",
        "--type", "renewal", "--source", "fair",
    )  # fmt: skip


def test_a_win_renewed_creates_the_next_deal_due_the_period_after_the_close(hosting, at, rows):
    result = at(
        "2026-11-30", "opp", "status", "Hosting", "won", "--on", "2026-11-20", "--renew", "12m",
        "--no-follow-up",
    )  # fmt: skip

    assert result.stderr == (
        "Opportunity 1 (Hosting 2026): quote -> won, closed on 2026-11-20.\n"
        "Renewal: opportunity 2, Hosting 2027, due 2027-11-20.\n"
    )
    assert rows(
        "SELECT id, account_id, contact_id, name, amount, currency, due_date, status, "
        "probability, source, type, created_on, closed_on, renewal_of FROM opportunities"
    ) == [
        {"id": 1, "account_id": 1, "contact_id": 1, "name": "Hosting 2026", "amount": 1200,
         "currency": "USD", "due_date": "2026-12-15", "status": "won", "probability": None,
         "source": "fair", "type": "renewal", "created_on": "2026-01-05",
         "closed_on": "2026-11-20", "renewal_of": None},
        {"id": 2, "account_id": 1, "contact_id": 1, "name": "Hosting 2027", "amount": 1200,
         "currency": "USD", "due_date": "2027-11-20", "status": "analysis", "probability": None,
         "source": None, "type": "renewal", "created_on": "2026-11-20", "closed_on": None,
         "renewal_of": 1},
    ]  # fmt: skip
    assert rows(
        "SELECT changed_at, status, amount, due_date FROM opportunity_history "
        "WHERE opportunity_id = 2"
    ) == [
        {"changed_at": "2026-11-20T00:00:00", "status": "analysis", "amount": 1200,
         "due_date": "2027-11-20"}
    ]  # fmt: skip  # in the pipeline from the closing day
    assert rows("SELECT count(*) AS n FROM tasks") == [{"n": 0}]


@pytest.mark.parametrize(
    ("name", "period", "renewal", "due"),
    [
        ("Support", "3m", "Support 2026", "2026-06-10"),  # no year: the year it is due
        ("Support 2026", "1y", "Support 2027", "2027-03-10"),  # its year replaced
        ("Support Q1 2026", "1q", "Support Q1 2026", "2026-06-10"),
        ("Model 3000", "2w", "Model 3000 2026", "2026-03-24"),  # not a year
    ],
)
def test_a_renewal_is_named_with_the_year_it_is_due(at, rows, name, period, renewal, due):
    at("2026-03-01", "account", "add", "ACME")
    at("2026-03-01", "opp", "create", name, "--account", "ACME", "--amount", "500",
       "--due", "2026-03-31", "--status", "quote")  # fmt: skip

    at("2026-03-10", "opp", "status", "1", "won", "--renew", period, "--no-follow-up")

    assert rows("SELECT name, due_date FROM opportunities WHERE id = 2") == [
        {"name": renewal, "due_date": due}
    ]


def test_json_gives_the_renewal_written(hosting, at):
    result = at(
        "2026-11-30", "opp", "status", "1", "won", "--renew", "1y", "--no-follow-up",
        "--format", "json",
    )  # fmt: skip
    shown = json.loads(at("2026-11-30", "opp", "show", "2", "--format", "json").stdout)

    written = json.loads(result.stdout)
    assert (written["id"], written["status"], written["follow_up"]) == (1, "won", None)
    assert written["renewal"] == {
        key: value for key, value in shown.items() if key in written["renewal"]
    }
    assert (written["renewal"]["id"], written["renewal"]["name"]) == (2, "Hosting 2027")
    assert (written["renewal"]["due_date"], written["renewal"]["status"]) == (
        "2027-11-30",
        "analysis",
    )


def test_json_gives_no_renewal_for_a_win_not_renewed(hosting, at):
    result = at("2026-11-30", "opp", "status", "1", "won", "--no-follow-up", "-f", "json")

    assert json.loads(result.stdout)["renewal"] is None


def test_both_cards_name_the_other_deal(hosting, at):
    at("2026-11-30", "opp", "status", "1", "won", "--renew", "12m", "--no-follow-up")

    won = at("2026-11-30", "opp", "show", "1").stdout.splitlines()
    renewal = at("2026-11-30", "opp", "show", "2").stdout.splitlines()
    won_json = json.loads(at("2026-11-30", "opp", "show", "1", "-f", "json").stdout)
    renewal_json = json.loads(at("2026-11-30", "opp", "show", "2", "-f", "json").stdout)

    assert [line.split() for line in won if line.startswith("Renew")] == [["Renewed", "by", "2"]]
    assert [line.split() for line in renewal if line.startswith("Renew")] == [
        ["Renewal", "of", "1"]
    ]
    assert (won_json["renewal_of"], won_json["renewed_by"]) == (None, 2)
    assert (renewal_json["renewal_of"], renewal_json["renewed_by"]) == (1, None)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ("won", "--renew", "0m"),
            "Invalid renewal period '0m': the renewal is due after the close.",
        ),
        (
            ("won", "--renew", "abc"),
            "Invalid renewal period 'abc': write a number and a unit, such as 10d, 2w, 3m, 1q "
            "or 1y.",
        ),
        (("lost", "--renew", "12m"), "--renew goes with a win: only a won deal is renewed."),
        (("negotiation", "--renew", "12m"), "--renew goes with a win: only a won deal is renewed."),
    ],
)
def test_a_renewal_that_cannot_be_is_refused_and_nothing_written(
    hosting, at, rows, arguments, message
):
    before = rows("SELECT * FROM opportunities")

    result = at("2026-11-30", "opp", "status", "1", *arguments, "--no-follow-up", code=2)

    assert result.stderr == f"Error: {message}\n"
    assert rows("SELECT * FROM opportunities") == before
    assert rows("SELECT count(*) AS n FROM opportunity_history") == [{"n": 1}]


def test_a_deal_reopened_and_won_again_is_not_renewed_twice(hosting, at, rows):
    at("2026-11-30", "opp", "status", "1", "won", "--renew", "12m", "--no-follow-up")
    at("2026-11-30", "opp", "status", "1", "negotiation")

    result = at(
        "2026-12-01", "opp", "status", "1", "won", "--renew", "12m", "--no-follow-up", code=4
    )

    assert result.stderr == "Error: Opportunity 1 is already renewed by opportunity 2.\n"
    assert rows("SELECT id, status, renewal_of FROM opportunities") == [
        {"id": 1, "status": "negotiation", "renewal_of": None},
        {"id": 2, "status": "analysis", "renewal_of": 1},
    ]


def test_the_renewal_is_said_in_french(hosting, cli):
    result = cli(
        "opp", "status", "1", "won", "--renew", "12m", "--no-follow-up",
        env={"COLIBRI_TODAY": "2026-11-30", "COLIBRI_LANG": "fr"},
    )  # fmt: skip
    refused = cli(
        "opp", "status", "2", "perdu", "--renew", "12m", "--no-follow-up",
        env={"COLIBRI_TODAY": "2026-11-30", "COLIBRI_LANG": "fr"},
    )  # fmt: skip

    assert result.stderr.splitlines()[-1] == (
        "Renouvellement : opportunité 2, Hosting 2027, échéance 2027-11-30."
    )
    assert refused.stderr == (
        "Erreur : --renew va avec un gain : seule une affaire gagnée se renouvelle.\n"
    )


def test_the_won_deal_purged_leaves_its_renewal_standing(hosting, at, rows):
    at("2026-11-30", "opp", "status", "1", "won", "--renew", "12m", "--no-follow-up")
    at("2026-11-30", "opp", "delete", "1", "--yes")
    at("2026-11-30", "opp", "delete", "1", "--purge", "--yes")

    assert rows("SELECT id, name, renewal_of FROM opportunities") == [
        {"id": 2, "name": "Hosting 2027", "renewal_of": None}
    ]


def test_export_all_moves_the_renewals(hosting, at, tmp_path):
    at("2026-11-30", "opp", "status", "1", "won", "--renew", "12m", "--no-follow-up")
    text = at("2026-11-30", "export", "all").stdout
    moved = tmp_path / "moved.db"

    at("2026-11-30", "--db", str(moved), "import", "all", "-", input=text)

    shown = json.loads(
        at("2026-11-30", "--db", str(moved), "opp", "show", "2", "-f", "json").stdout
    )
    assert (shown["name"], shown["renewal_of"]) == ("Hosting 2027", 1)
    won = json.loads(at("2026-11-30", "--db", str(moved), "opp", "show", "1", "-f", "json").stdout)
    assert won["renewed_by"] == 2


def test_without_a_terminal_the_follow_up_proposed_prepares_the_renewal(hosting, at, rows):
    result = at("2026-11-30", "opp", "status", "1", "won", "--renew", "12m")

    assert result.stderr == (
        "Opportunity 1 (Hosting 2026): quote -> won, closed on 2026-11-30.\n"
        "Renewal: opportunity 2, Hosting 2027, due 2027-11-30.\n"
        "No follow-up task was scheduled. Add one with: colibri task add "
        "'Prepare the renewal Hosting 2027 with ACME' --opp 2 --due 2027-02-28\n"
    )
    assert rows("SELECT count(*) AS n FROM tasks") == [{"n": 0}]


def test_the_follow_up_of_a_win_renewed_is_the_renewals_next_step(hosting, at, rows):
    result = at(
        "2026-11-30", "opp", "status", "1", "won", "--renew", "12m", "--follow-up-due", "+2w"
    )

    assert result.stderr.splitlines()[-1] == (
        "Follow-up task 1 due 2026-12-14: Prepare the renewal Hosting 2027 with ACME"
    )
    assert rows("SELECT title, due_date, opportunity_id, account_id FROM tasks") == [
        {"title": "Prepare the renewal Hosting 2027 with ACME", "due_date": "2026-12-14",
         "opportunity_id": 2, "account_id": 1}
    ]  # fmt: skip
