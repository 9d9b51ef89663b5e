"""The same deal or person typed twice at an account is refused, naming the one there."""

import pytest

DEAL = ("--amount", "10k", "--due", "eoq", "--status", "quote")


@pytest.fixture
def acme(ok):
    ok("account", "add", "ACME")
    ok("account", "add", "Globex")
    ok("opp", "create", "Website redesign", "-a", "ACME", *DEAL)
    ok("contact", "add", "Jeanne Martin", "-a", "ACME")


@pytest.mark.parametrize("name", ["Website redesign", "website REDESIGN", "  Website redesign "])
def test_an_open_deal_of_the_same_name_at_the_account_is_refused(acme, cli, rows, name):
    result = cli("opp", "create", name, "-a", "acme", *DEAL)

    assert result.exit_code == 4
    assert result.stdout == ""
    assert result.stderr == (
        "Error: ACME already has an open opportunity 'Website redesign' (id 1): see colibri "
        "opp show 1, or give --allow-duplicate to create another.\n"
    )
    assert rows("SELECT id FROM opportunities") == [{"id": 1}]


def test_allow_duplicate_creates_the_second_deal(acme, ok, rows):
    ok("opp", "create", "Website redesign", "-a", "ACME", *DEAL, "--allow-duplicate")

    assert rows("SELECT id, name FROM opportunities ORDER BY id") == [
        {"id": 1, "name": "Website redesign"},
        {"id": 2, "name": "Website redesign"},
    ]


@pytest.mark.parametrize(
    "arguments",
    [
        ("Website redesign", "-a", "Globex"),  # another account
        ("Website redesign 2", "-a", "ACME"),  # another name
    ],
)
def test_another_account_or_name_is_no_duplicate(acme, ok, rows, arguments):
    ok("opp", "create", *arguments, *DEAL)

    assert len(rows("SELECT id FROM opportunities")) == 2


@pytest.mark.parametrize(
    "close", [("opp", "status", "1", "won", "--no-follow-up"), ("opp", "delete", "1", "--yes")]
)
def test_a_closed_or_deleted_namesake_is_no_duplicate(acme, ok, rows, close):
    ok(*close)

    ok("opp", "create", "Website redesign", "-a", "ACME", *DEAL)

    assert len(rows("SELECT id FROM opportunities")) == 2


def test_a_deal_created_closed_is_refused_beside_an_open_namesake(acme, cli, rows):
    result = cli(
        "opp",
        "create",
        "Website redesign",
        "-a",
        "ACME",
        "--amount",
        "5k",
        "--due",
        "today",
        "--status",
        "won",
        "--no-follow-up",
    )

    assert result.exit_code == 4
    assert "(id 1)" in result.stderr
    assert len(rows("SELECT id FROM opportunities")) == 1


@pytest.mark.parametrize("name", ["Jeanne Martin", "jeanne martin", "Jeanne MARTIN "])
def test_a_contact_of_the_same_name_at_the_account_is_refused(acme, cli, rows, name):
    result = cli("contact", "add", name, "-a", "ACME", "--email", "j@acme.example")

    assert result.exit_code == 4
    assert result.stdout == ""
    assert result.stderr == (
        "Error: ACME already has a contact 'Jeanne Martin' (id 1): see colibri contact show 1, "
        "or give --allow-duplicate to add another.\n"
    )
    assert rows("SELECT id, email FROM contacts") == [{"id": 1, "email": None}]


def test_allow_duplicate_adds_the_second_contact(acme, ok, rows):
    ok("contact", "add", "Jeanne Martin", "-a", "ACME", "--allow-duplicate")

    assert rows("SELECT account_id, name FROM contacts ORDER BY id") == [
        {"account_id": 1, "name": "Jeanne Martin"},
        {"account_id": 1, "name": "Jeanne Martin"},
    ]


def test_a_contact_of_the_same_name_at_another_account_is_added(acme, ok, rows):
    ok("contact", "add", "Jeanne Martin", "-a", "Globex")

    assert rows("SELECT account_id FROM contacts ORDER BY id") == [
        {"account_id": 1},
        {"account_id": 2},
    ]


def test_the_refusal_in_french(acme, ok, cli):
    ok("config", "set", "language", "fr")

    result = cli("contact", "add", "Jeanne Martin", "-a", "ACME")

    assert result.exit_code == 4
    assert "--allow-duplicate" in result.stderr
    assert "already" not in result.stderr


def test_imports_keep_their_own_matching(acme, ok, rows):
    """An import matches a row to the record of the same account and name: skipped, or
    updated with --upsert, never refused as a duplicate."""
    contact = "name,account,email\nJeanne Martin,ACME,j@acme.example\n"
    deal = "name,account,amount,due_date,status\nWebsite redesign,ACME,5000,2026-12-31,quote\n"

    skipped = ok("import", "contacts", "-", input=contact)
    ok("import", "opps", "-", "--upsert", input=deal)

    assert "0 created, 0 updated, 1 skipped" in skipped.stderr
    assert rows("SELECT id, email FROM contacts") == [{"id": 1, "email": None}]
    assert rows("SELECT id, amount FROM opportunities") == [{"id": 1, "amount": 5000}]


def test_the_demo_still_builds(ok, rows):
    ok("demo")

    assert rows("SELECT count(*) AS n FROM opportunities") == [{"n": 60}]
