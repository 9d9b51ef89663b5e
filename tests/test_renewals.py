"""Renewals: a won deal closed with `--renew PERIOD` makes the next one at the same account,
linked to it (`renewal_of`)."""

import json

import pytest

from colibri_cli.core import migrations
from conftest import database_before


def test_a_database_without_renewals_is_brought_up_to_date(db_path, ok, rows):
    """Its opportunities keep everything and are the renewal of none."""
    database = database_before(db_path, migrations.m010_renewals)
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
        ("Support 2027", "12m", "Support 2028", "2027-03-10"),  # moved on by the period's year
        ("Support 2027", "24m", "Support 2029", "2028-03-10"),
        ("Support 2027", "2y", "Support 2029", "2028-03-10"),
        ("Support 2026", "18m", "Support 2027", "2027-09-10"),  # its whole years
        ("Support 2026", "6m", "Support 2026 (due 2026-09)", "2026-09-10"),
        ("Support Q1 2026", "1q", "Support Q1 2026 (due 2026-06)", "2026-06-10"),
        ("Licence Mar 2026", "1m", "Licence Mar 2026 (due 2026-04)", "2026-04-10"),
        ("Model 3000", "2w", "Model 3000 2026", "2026-03-24"),  # not a year
    ],
)
def test_a_renewal_is_named_with_the_year_it_is_due(at, rows, name, period, renewal, due):
    """Never as the deal it renews: a name that would be gets the month the renewal is due."""
    at("2026-03-01", "account", "add", "ACME")
    at("2026-03-01", "opp", "create", name, "--account", "ACME", "--amount", "500",
       "--due", "2026-03-31", "--status", "quote")  # fmt: skip

    at("2026-03-10", "opp", "status", "1", "won", "--renew", period, "--no-follow-up")

    assert rows("SELECT name, due_date FROM opportunities WHERE id = 2") == [
        {"name": renewal, "due_date": due}
    ]


def test_the_renewal_is_named_apart_from_every_deal_of_its_account(at, rows):
    """The deal named by a task's --opp is then the one meant; the trash, and the other
    accounts' deals, which such a name does not find, do not count."""
    at("2026-12-04", "account", "add", "ACME")
    at("2026-12-04", "account", "add", "Globex")
    for name, account in [
        ("Support 2027", "ACME"),
        ("Support 2028", "ACME"),
        ("Support 2028 (due 2027-12)", "ACME"),
        ("Support 2028 (due 2027-12, 2)", "ACME"),
        ("Support 2028 (due 2027-12, 3)", "Globex"),
        ("Support 2028 (due 2027-12, 4)", "ACME"),
    ]:
        at("2026-12-04", "opp", "create", name, "--account", account, "--amount", "500",
           "--due", "2026-12-31", "--status", "quote")  # fmt: skip
    at("2026-12-04", "opp", "delete", "6", "--yes")

    result = at("2026-12-04", "opp", "status", "1", "won", "--renew", "12m", "--no-follow-up")
    at("2026-12-04", "task", "add", "Call", "--opp", "Support 2027", "--due", "2026-12-10")

    assert result.stderr.splitlines()[-1] == (
        "Renewal: opportunity 7, Support 2028 (due 2027-12, 3), due 2027-12-04."
    )
    assert rows("SELECT id, name, account_id, renewal_of FROM opportunities WHERE id = 7") == [
        {"id": 7, "name": "Support 2028 (due 2027-12, 3)", "account_id": 1, "renewal_of": 1}
    ]
    assert rows("SELECT title, opportunity_id FROM tasks") == [
        {"title": "Call", "opportunity_id": 1}
    ]


def test_a_renewal_named_apart_in_french_says_its_month_in_french(at, cli, rows):
    at("2026-11-26", "account", "add", "ACME")
    at("2026-11-26", "opp", "create", "Licence Dec 2026", "--account", "ACME", "--amount", "500",
       "--due", "2026-11-30", "--status", "quote")  # fmt: skip

    result = cli(
        "opp", "status", "1", "gagnée", "--renew", "1m", "--no-follow-up",
        env={"COLIBRI_TODAY": "2026-11-26", "COLIBRI_LANG": "fr"},
    )  # fmt: skip

    assert result.stderr.splitlines()[-1] == (
        "Renouvellement : opportunité 2, Licence Dec 2026 (échéance 2026-12), échéance 2026-12-26."
    )
    assert rows("SELECT name FROM opportunities WHERE id = 2") == [
        {"name": "Licence Dec 2026 (échéance 2026-12)"}
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


PREPARE = (
    "No follow-up task was scheduled. Add one with: colibri task add "
    "'Prepare the renewal {name} with ACME' --opp 2 --due {day}"
)


@pytest.mark.parametrize(
    ("arguments", "renewal", "follow_up"),
    [
        (("--renew", "1m"), "Hosting 2026 (due 2026-12), due 2026-12-30", "2026-12-30"),
        (("--renew", "4m"), "Hosting 2027, due 2027-03-30", "2027-02-28"),  # the delay first
        (("--on", "2026-11-20", "--renew", "12m"), "Hosting 2027, due 2027-11-20", "2027-02-20"),
        (("--on", "2026-11-20", "--renew", "2w"), "Hosting 2026 (due 2026-12), due 2026-12-04",
         "2026-12-04"),
        (("--on", "2026-06-01", "--renew", "12m"), "Hosting 2027, due 2027-06-01",
         "2026-11-30"),  # 2026-09-01 is past: today
        (("--on", "2026-06-01", "--renew", "1m"), "Hosting 2026 (due 2026-07), due 2026-07-01",
         "2026-11-30"),  # never in the past, even for a renewal due already
    ],
)  # fmt: skip
def test_the_follow_up_proposed_is_due_by_the_renewal_at_the_latest(
    hosting, at, rows, arguments, renewal, follow_up
):
    """follow-up-delay (3m) after the close, as the renewal, unless the renewal is due
    first; never before today."""
    result = at("2026-11-30", "opp", "status", "1", "won", *arguments)

    name = renewal.split(", due")[0]
    assert result.stderr.splitlines()[1:] == [
        f"Renewal: opportunity 2, {renewal}.",
        PREPARE.format(name=name, day=follow_up),
    ]
    assert rows("SELECT count(*) AS n FROM tasks") == [{"n": 0}]


def test_the_follow_up_delay_set_shorter_than_the_period_comes_first(hosting, at):
    at("2026-11-30", "config", "set", "follow-up-delay", "2w")

    result = at("2026-11-30", "opp", "status", "1", "won", "--renew", "1m")

    assert result.stderr.splitlines()[-1] == PREPARE.format(
        name="Hosting 2026 (due 2026-12)", day="2026-12-14"
    )


@pytest.mark.parametrize(
    ("won_on", "period", "name", "follow_up"),
    [
        ("2026-11-20", "1m", "Support 2026 (due 2026-12)", "2026-12-20"),
        ("2026-11-20", "12m", "Support 2027", "2027-02-20"),
        ("2026-06-01", "12m", "Support 2027", "2026-11-30"),
    ],
)
def test_a_renewal_made_afterwards_proposes_its_follow_up_from_the_closing_day(
    support, at, rows, won_on, period, name, follow_up
):
    at(won_on, "opp", "status", "1", "won", "--no-follow-up")

    result = at("2026-11-30", "opp", "status", "1", "won", "--renew", period)

    assert result.stderr.splitlines()[-1] == PREPARE.format(name=name, day=follow_up)
    assert rows("SELECT count(*) AS n FROM tasks") == [{"n": 0}]


def test_a_deal_created_won_proposes_its_renewals_follow_up_by_the_renewal(acme, at, rows):
    result = create_won(at, "--type", "Support", "--renew", "1m")

    assert result.stderr.splitlines()[-2:] == [
        "Renewal: opportunity 2, Support 2026 (due 2026-12), due 2026-12-20.",
        PREPARE.format(name="Support 2026 (due 2026-12)", day="2026-12-20"),
    ]
    assert rows("SELECT count(*) AS n FROM tasks") == [{"n": 0}]


# --- renew-after.TYPE: a win of a deal of that type proposes its renewal -----------------------

NOT_RENEWED = (
    "Its renewal was not created. Create it with: colibri opp status 1 won --renew {period} "
    "(or give --no-renew with the win to go without).\n"
)


@pytest.fixture
def support(at):
    """ACME's support of 2026, of type Support, in quote; support renews after 6 months."""
    at("2026-01-05", "account", "add", "ACME")
    at("2026-01-05", "opp", "create", "Support 2026", "--account", "ACME", "--amount", "800",
       "--due", "2026-12-15", "--status", "quote", "--type", "Support")  # fmt: skip
    at("2026-01-05", "config", "set", "renew-after.support", "6m")


def test_in_a_script_a_win_of_a_type_with_renew_after_says_how_to_renew(support, at, rows):
    result = at("2026-11-30", "opp", "status", "1", "won", "--no-follow-up", "-f", "json")

    assert result.stderr == (
        "Opportunity 1 (Support 2026): quote -> won, closed on 2026-11-30.\n"
        + NOT_RENEWED.format(period="6m")
    )
    assert json.loads(result.stdout)["renewal"] is None
    assert rows("SELECT id, status FROM opportunities") == [{"id": 1, "status": "won"}]


def test_in_a_script_a_win_of_type_renewal_says_how_to_renew_after_12_months(hosting, at, rows):
    result = at("2026-11-30", "opp", "status", "1", "won")

    assert result.stderr == (
        "Opportunity 1 (Hosting 2026): quote -> won, closed on 2026-11-30.\n"
        + NOT_RENEWED.format(period="12m")
        + "No follow-up task was scheduled. Add one with: colibri task add "
        "'Check in with ACME for a new order' --opp 1 --due 2027-02-28\n"
    )
    assert rows("SELECT count(*) AS n FROM opportunities") == [{"n": 1}]


def test_the_renew_after_of_a_type_replaces_the_12_months_of_a_renewal(hosting, at):
    at("2026-11-30", "config", "set", "renew-after.RENEWAL", "2y")

    result = at("2026-11-30", "opp", "status", "1", "won", "--no-follow-up")

    assert result.stderr.splitlines()[-1] == NOT_RENEWED.format(period="2y").strip()


@pytest.mark.parametrize("fixture", ["support", "hosting"])
def test_no_renew_creates_nothing_and_says_nothing_of_it(request, at, rows, fixture):
    request.getfixturevalue(fixture)

    result = at("2026-11-30", "opp", "status", "1", "won", "--no-renew", "--no-follow-up")

    assert result.stderr == (
        f"Opportunity 1 ({'Support' if fixture == 'support' else 'Hosting'} 2026): "
        "quote -> won, closed on 2026-11-30.\n"
    )
    assert rows("SELECT count(*) AS n FROM opportunities") == [{"n": 1}]


def test_renew_creates_the_renewal_of_a_type_with_renew_after(support, at, rows):
    result = at("2026-11-30", "opp", "status", "1", "won", "--renew", "6m", "--no-follow-up")

    assert result.stderr.splitlines()[-1] == (
        "Renewal: opportunity 2, Support 2027, due 2027-05-30."
    )
    assert rows("SELECT id, type, renewal_of FROM opportunities WHERE id = 2") == [
        {"id": 2, "type": "Support", "renewal_of": 1}
    ]


@pytest.mark.parametrize(
    ("deal_type", "new_status"),
    [("Support", "lost"), ("Support", "negotiation"), ("Licence", "won"), ("", "won")],
)
def test_a_move_that_proposes_no_renewal_says_nothing_of_it(support, at, deal_type, new_status):
    at("2026-11-30", "opp", "edit", "1", "--type", deal_type)

    result = at("2026-11-30", "opp", "status", "1", new_status, "--no-follow-up")

    assert "renewal" not in result.stderr
    assert result.stderr.startswith(f"Opportunity 1 (Support 2026): quote -> {new_status}")


def test_a_renew_after_removed_proposes_nothing_any_more(support, at):
    at("2026-11-30", "config", "unset", "renew-after.Support")

    result = at("2026-11-30", "opp", "status", "1", "won", "--no-follow-up")

    assert result.stderr == "Opportunity 1 (Support 2026): quote -> won, closed on 2026-11-30.\n"


def test_a_deal_renewed_already_proposes_no_second_renewal(support, at):
    at("2026-11-30", "opp", "status", "1", "won", "--renew", "6m", "--no-follow-up")
    at("2026-11-30", "opp", "status", "1", "negotiation")

    result = at("2026-12-01", "opp", "status", "1", "won", "--no-follow-up")

    assert (
        result.stderr == "Opportunity 1 (Support 2026): negotiation -> won, closed on 2026-12-01.\n"
    )


def test_a_renew_after_stored_unreadable_by_another_program_proposes_nothing(support, at, db_path):
    import sqlite3

    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE settings SET value = 'soon' WHERE key = 'renew-after.support'")
    conn.close()

    result = at("2026-11-30", "opp", "status", "1", "won", "--no-follow-up")

    assert result.stderr == "Opportunity 1 (Support 2026): quote -> won, closed on 2026-11-30.\n"


def test_no_renew_excludes_renew(support, at, rows):
    result = at("2026-11-30", "opp", "status", "1", "won", "--renew", "6m", "--no-renew", code=2)

    assert result.stderr == (
        "Error: Invalid value: --no-renew excludes --renew. See 'colibri opp status --help'.\n"
    )
    assert rows("SELECT id, status FROM opportunities") == [{"id": 1, "status": "quote"}]


def test_export_all_moves_the_renew_after_of_each_type(support, at, tmp_path):
    text = at("2026-11-30", "export", "all").stdout
    moved = tmp_path / "moved.db"
    at("2026-11-30", "--db", str(moved), "import", "all", "-", input=text)

    result = at("2026-11-30", "--db", str(moved), "opp", "status", "1", "won", "--no-follow-up")

    assert result.stderr.splitlines()[-1] == NOT_RENEWED.format(period="6m").strip()


def test_the_renewal_proposed_in_a_script_is_said_in_french(support, cli):
    result = cli(
        "opp", "status", "1", "gagnée", "--no-follow-up",
        env={"COLIBRI_TODAY": "2026-11-30", "COLIBRI_LANG": "fr"},
    )  # fmt: skip

    assert result.stderr.splitlines()[-1] == (
        "Son renouvellement n'a pas été créé. Créez-le avec : colibri opp status 1 won "
        "--renew 6m (ou donnez --no-renew avec le gain pour vous en passer)."
    )


# --- a deal won in a script without its renewal is renewed afterwards --------------------------


def test_a_deal_won_without_its_renewal_is_renewed_from_its_closing_day(support, at, rows):
    at("2026-11-20", "opp", "status", "1", "won", "--no-follow-up")
    won_before = rows("SELECT * FROM opportunities")
    history_before = rows("SELECT * FROM opportunity_history")

    result = at("2026-11-30", "opp", "status", "1", "won", "--renew", "6m")

    assert result.stderr == (
        "Renewal: opportunity 2, Support 2027, due 2027-05-20.\n"
        "No follow-up task was scheduled. Add one with: colibri task add "
        "'Prepare the renewal Support 2027 with ACME' --opp 2 --due 2027-02-20\n"
    )  # the follow-up-delay counted from the closing day, as the renewal's period
    assert rows("SELECT * FROM opportunities WHERE id = 1") == won_before
    assert rows(
        "SELECT account_id, contact_id, name, amount, currency, type, due_date, status, "
        "created_on, closed_on, renewal_of FROM opportunities WHERE id = 2"
    ) == [
        {"account_id": 1, "contact_id": None, "name": "Support 2027", "amount": 800,
         "currency": "EUR", "type": "Support", "due_date": "2027-05-20", "status": "analysis",
         "created_on": "2026-11-20", "closed_on": None, "renewal_of": 1}
    ]  # fmt: skip
    assert rows("SELECT * FROM opportunity_history WHERE opportunity_id = 1") == history_before
    assert rows("SELECT changed_at, status FROM opportunity_history WHERE opportunity_id = 2") == [
        {"changed_at": "2026-11-20T00:00:00", "status": "analysis"}
    ]
    assert rows("SELECT count(*) AS n FROM tasks") == [{"n": 0}]


def test_the_renewal_of_a_deal_won_takes_its_contact_and_its_follow_up(hosting, at, rows):
    at("2026-11-20", "opp", "status", "1", "won", "--no-follow-up")

    result = at(
        "2026-11-30", "opp", "status", "Hosting", "gagnée", "--renew", "1y",
        "--follow-up-due", "+2w", "--format", "json",
    )  # fmt: skip

    written = json.loads(result.stdout)
    assert (written["id"], written["status"], written["closed_on"]) == (1, "won", "2026-11-20")
    assert (written["renewal"]["id"], written["renewal"]["due_date"]) == (2, "2027-11-20")
    assert written["follow_up"]["title"] == "Prepare the renewal Hosting 2027 with ACME"
    assert result.stderr.splitlines() == [
        "Renewal: opportunity 2, Hosting 2027, due 2027-11-20.",
        "Follow-up task 1 due 2026-12-14: Prepare the renewal Hosting 2027 with ACME",
    ]
    assert rows("SELECT id, contact_id, currency, renewal_of FROM opportunities") == [
        {"id": 1, "contact_id": 1, "currency": "USD", "renewal_of": None},
        {"id": 2, "contact_id": 1, "currency": "USD", "renewal_of": 1},
    ]
    assert rows("SELECT title, due_date, opportunity_id FROM tasks") == [
        {"title": "Prepare the renewal Hosting 2027 with ACME", "due_date": "2026-12-14",
         "opportunity_id": 2}
    ]  # fmt: skip


def test_the_command_the_notice_gives_creates_the_renewal(support, at, rows):
    notice = at("2026-11-30", "opp", "status", "1", "won", "--no-follow-up").stderr
    command = notice.splitlines()[-1].split("Create it with: colibri ")[1].split(" (or")[0]

    at("2026-11-30", *command.split(), "--no-follow-up")

    assert rows("SELECT id, name, renewal_of FROM opportunities WHERE id = 2") == [
        {"id": 2, "name": "Support 2027", "renewal_of": 1}
    ]


def test_a_deal_won_and_renewed_already_is_refused_naming_its_renewal(support, at, rows):
    at("2026-11-30", "opp", "status", "1", "won", "--renew", "6m", "--no-follow-up")
    before = rows("SELECT * FROM opportunities")

    result = at("2026-12-01", "opp", "status", "1", "won", "--renew", "6m", code=4)

    assert result.stderr == "Error: Opportunity 1 is already renewed by opportunity 2.\n"
    assert rows("SELECT * FROM opportunities") == before
    assert rows("SELECT count(*) AS n FROM tasks") == [{"n": 0}]


@pytest.mark.parametrize(
    ("arguments", "code", "message"),
    [
        (("--renew", "0m"), 2,
         "Invalid renewal period '0m': the renewal is due after the close."),
        (("--renew", "6m", "--on", "2026-11-25"), 4,
         "Opportunity 1 is already 'won', since 2026-11-20: nothing to change. To correct its "
         "closing date: colibri opp edit 1 --closed-on 2026-11-25"),
        (("--renew", "6m", "--reason", "price"), 4,
         "Opportunity 1 is already 'won', since 2026-11-20: nothing to change."),
        (("--renew", "6m", "--probability", "50"), 4,
         "Opportunity 1 is already 'won', since 2026-11-20: nothing to change."),
        (("--no-renew",), 4,
         "Opportunity 1 is already 'won', since 2026-11-20: nothing to change."),
    ],
)  # fmt: skip
def test_a_deal_won_is_renewed_by_renew_alone(support, at, rows, arguments, code, message):
    """What would change the win itself is still refused: the deal is won already."""
    at("2026-11-20", "opp", "status", "1", "won", "--no-follow-up")
    before = rows("SELECT * FROM opportunities")

    result = at("2026-11-30", "opp", "status", "1", "won", *arguments, "--no-follow-up", code=code)

    assert result.stderr == f"Error: {message}\n"
    assert rows("SELECT * FROM opportunities") == before


def test_a_deal_lost_is_not_renewed_by_won_renew(support, at, rows):
    at("2026-11-20", "opp", "status", "1", "lost", "--no-follow-up")

    result = at("2026-11-30", "opp", "status", "1", "won", "--renew", "6m", "--no-follow-up")

    assert result.stderr.splitlines() == [
        "Opportunity 1 (Support 2026): lost -> won, closed on 2026-11-30.",
        "Renewal: opportunity 2, Support 2027, due 2027-05-30.",
    ]
    assert rows("SELECT id, status, renewal_of FROM opportunities") == [
        {"id": 1, "status": "won", "renewal_of": None},
        {"id": 2, "status": "analysis", "renewal_of": 1},
    ]


def test_a_won_deal_without_a_closing_day_is_not_renewed(support, at, rows, db_path):
    """Written so by another program, it has no day to renew from."""
    import sqlite3

    at("2026-11-20", "opp", "status", "1", "won", "--no-follow-up")
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE opportunities SET closed_on = NULL")
    conn.close()

    result = at("2026-11-30", "opp", "status", "1", "won", "--renew", "6m", code=4)

    assert result.stderr == "Error: Opportunity 1 is already 'won': nothing to change.\n"
    assert rows("SELECT count(*) AS n FROM opportunities") == [{"n": 1}]


# --- a deal created already won is offered its renewal, as at a win ----------------------------


def create_won(at, *options: str, code: int = 0):
    """Create at ACME, on 30 November, a deal of type Support won on the 20th."""
    return at(
        "2026-11-30", "opp", "create", "Support 2026", "--account", "ACME", "--amount", "800",
        "--due", "2026-12-15", "--status", "won", "--closed-on", "2026-11-20", *options,
        code=code,
    )  # fmt: skip


@pytest.fixture
def acme(at):
    at("2026-01-05", "account", "add", "ACME")
    at("2026-01-05", "config", "set", "renew-after.support", "6m")


@pytest.mark.parametrize(("deal_type", "period"), [("Support", "6m"), ("renouvellement", "12m")])
def test_in_a_script_a_deal_created_won_says_how_to_renew(acme, at, rows, deal_type, period):
    result = create_won(at, "--type", deal_type, "--no-follow-up")

    assert result.stderr == (
        "Created opportunity 1: Support 2026 (ACME), 800 EUR, due 2026-12-15, won (100%).\n"
        + NOT_RENEWED.format(period=period)
    )
    assert rows("SELECT id, status FROM opportunities") == [{"id": 1, "status": "won"}]


def test_renew_with_a_deal_created_won_creates_its_renewal(acme, at, rows):
    result = create_won(at, "--type", "Support", "--renew", "1y", "--follow-up-due", "+1w")

    assert result.stderr == (
        "Created opportunity 1: Support 2026 (ACME), 800 EUR, due 2026-12-15, won (100%).\n"
        "Renewal: opportunity 2, Support 2027, due 2027-11-20.\n"
        "Follow-up task 1 due 2026-12-07: Prepare the renewal Support 2027 with ACME\n"
    )
    assert rows(
        "SELECT id, name, amount, type, due_date, status, created_on, closed_on, renewal_of "
        "FROM opportunities"
    ) == [
        {"id": 1, "name": "Support 2026", "amount": 800, "type": "Support",
         "due_date": "2026-12-15", "status": "won", "created_on": "2026-11-20",
         "closed_on": "2026-11-20", "renewal_of": None},
        {"id": 2, "name": "Support 2027", "amount": 800, "type": "Support",
         "due_date": "2027-11-20", "status": "analysis", "created_on": "2026-11-20",
         "closed_on": None, "renewal_of": 1},
    ]  # fmt: skip
    assert rows("SELECT title, due_date, opportunity_id FROM tasks") == [
        {"title": "Prepare the renewal Support 2027 with ACME", "due_date": "2026-12-07",
         "opportunity_id": 2}
    ]  # fmt: skip


def test_a_deal_created_won_without_its_renewal_is_renewed_afterwards(acme, at, rows):
    create_won(at, "--type", "Support", "--no-follow-up")

    at("2026-11-30", "opp", "status", "1", "won", "--renew", "6m", "--no-follow-up")

    assert rows("SELECT id, due_date, created_on, renewal_of FROM opportunities") == [
        {"id": 1, "due_date": "2026-12-15", "created_on": "2026-11-20", "renewal_of": None},
        {"id": 2, "due_date": "2027-05-20", "created_on": "2026-11-20", "renewal_of": 1},
    ]


def test_no_renew_with_a_deal_created_won_says_nothing_of_it(acme, at, rows):
    result = create_won(at, "--type", "Support", "--no-renew", "--no-follow-up")

    assert result.stderr == (
        "Created opportunity 1: Support 2026 (ACME), 800 EUR, due 2026-12-15, won (100%).\n"
    )
    assert rows("SELECT count(*) AS n FROM opportunities") == [{"n": 1}]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (("--status", "lost"), "--renew goes with a win: only a won deal is renewed."),
        (("--status", "quote"), "--renew goes with a win: only a won deal is renewed."),
        (("--status", "won", "--renew", "0m"),
         "Invalid renewal period '0m': the renewal is due after the close."),
        (("--status", "quote", "--account", "Nope"),  # the deal's own problem first
         "Cannot create the opportunity: no account 'Nope'. See `colibri account list`."),
        (("--status", "won", "--no-renew"), "Invalid value: --no-renew excludes --renew. See "
         "'colibri opp create --help'."),
    ],
)  # fmt: skip
def test_a_renewal_refused_at_creation_creates_nothing(acme, at, rows, options, message):
    result = at(
        "2026-11-30", "opp", "create", "Support 2026", "--account", "ACME", "--amount", "800",
        "--due", "2026-12-15", "--renew", "6m", *options, "--no-follow-up", code=2,
    )  # fmt: skip

    assert result.stderr == f"Error: {message}\n"
    assert rows("SELECT count(*) AS n FROM opportunities") == [{"n": 0}]
    assert rows("SELECT count(*) AS n FROM opportunity_history") == [{"n": 0}]


@pytest.mark.parametrize("status", ["lost", "quote"])
def test_a_deal_created_not_won_proposes_no_renewal(acme, at, status):
    result = at(
        "2026-11-30", "opp", "create", "Support 2026", "--account", "ACME", "--amount", "800",
        "--due", "2026-12-15", "--status", status, "--type", "Support", "--no-follow-up",
    )  # fmt: skip

    assert "renewal" not in result.stderr
