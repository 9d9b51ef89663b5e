"""`colibri contact add|list|show|edit|delete` through the real CLI, then the database reread."""

import json
import sqlite3

import pytest

COLUMNS = [
    "id",
    "account_id",
    "name",
    "email",
    "phone",
    "role",
    "notes",
    "external_id",
    "created_at",
    "updated_at",
]
LISTED_COLUMNS = [COLUMNS[0], COLUMNS[1], "account_name", *COLUMNS[2:]]
"""What listings and records give scripts: the account's name beside its id."""
JEANNE_OPTIONS = (
    "--email",
    "jeanne@acme.example",
    "--phone",
    "06 12 34 56 78",
    "--role",
    "Buyer",
    "--notes",
    "Prefers email",
    "--external-id",
    "P-1",
)


@pytest.fixture
def accounts(ok):
    ok("account", "add", "ACME Industries")
    ok("account", "add", "Société Générale")


@pytest.fixture
def people(accounts, ok):
    """Jeanne (1) and Paul (2) at ACME, Élodie (3) at Société Générale."""
    ok("contact", "add", "Jeanne Martin", "--account", "ACME Industries", *JEANNE_OPTIONS)
    ok("contact", "add", "Paul Durand", "-a", "1", "--role", "CEO")
    ok("contact", "add", "Élodie Roux", "-a", "société générale", "--email", "er@sg.example")


def stamp(rows, contact_id: int) -> str:
    [row] = rows("SELECT created_at, updated_at FROM contacts WHERE id = ?", (contact_id,))
    assert row["created_at"] == row["updated_at"]
    return row["created_at"]


def count(rows, table: str) -> int:
    return rows(f"SELECT count(*) AS n FROM {table}")[0]["n"]


# --- add ---------------------------------------------------------------------------------


def test_add_with_every_option_writes_every_field(accounts, ok, rows):
    result = ok(
        "contact", "add", " Jeanne Martin ", "--account", "acme industries", *JEANNE_OPTIONS
    )

    assert result.stdout == ""
    assert result.stderr == "Added contact Jeanne Martin (id 1) at ACME Industries.\n"
    created = stamp(rows, 1)
    assert rows("SELECT * FROM contacts") == [
        {
            "id": 1,
            "account_id": 1,
            "name": "Jeanne Martin",
            "email": "jeanne@acme.example",
            "phone": "06 12 34 56 78",
            "role": "Buyer",
            "notes": "Prefers email",
            "external_id": "P-1",
            "created_at": created,
            "updated_at": created,
        }
    ]


def test_add_with_format_json_prints_the_saved_contact(accounts, ok, rows):
    result = ok("contact", "add", "Paul Durand", "--account", "2", "--role", "CEO", "-f", "json")

    created = stamp(rows, 1)
    assert result.stderr == "Added contact Paul Durand (id 1) at Société Générale.\n"
    assert result.stdout == (
        "{\n"
        '  "id": 1,\n'
        '  "account_id": 2,\n'
        '  "account_name": "Société Générale",\n'
        '  "name": "Paul Durand",\n'
        '  "email": null,\n'
        '  "phone": null,\n'
        '  "role": "CEO",\n'
        '  "notes": null,\n'
        '  "external_id": null,\n'
        f'  "created_at": "{created}",\n'
        f'  "updated_at": "{created}"\n'
        "}\n"
    )


def test_add_requires_an_account(accounts, cli, rows):
    result = cli("contact", "add", "Paul Durand", "--role", "CEO")

    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "Error: Missing option '--account' / '-a'. See 'colibri contact add --help'.\n"
    )
    assert count(rows, "contacts") == 0


@pytest.mark.parametrize(
    ("account", "message"),
    [
        ("ACME Indutries", "No account 'ACME Indutries'. Did you mean 'ACME Industries'?"),
        (
            "Societe Generale SA",
            "No account 'Societe Generale SA'. Did you mean 'Société Générale'?",
        ),
        ("Initech", "No account 'Initech'. See `colibri account list`."),
        ("7", "No account '7'. See `colibri account list`."),
    ],
)
def test_add_to_an_unknown_account_is_not_found(accounts, cli, rows, account, message):
    result = cli("contact", "add", "Paul Durand", "--account", account)

    assert result.exit_code == 3
    assert result.stdout == ""
    assert result.stderr == f"Error: {message}\n"
    assert count(rows, "contacts") == 0


@pytest.mark.parametrize("name", ["", "  "])
def test_add_refuses_an_empty_name(accounts, cli, rows, name):
    result = cli("contact", "add", name, "--account", "1")

    assert result.exit_code == 2
    assert result.stderr == "Error: The contact name cannot be empty.\n"
    assert count(rows, "contacts") == 0


def test_add_refuses_a_bad_email(accounts, cli, rows):
    result = cli("contact", "add", "Paul Durand", "-a", "1", "--email", "paul(at)acme")

    assert result.exit_code == 2
    assert result.stderr == (
        "Error: The email 'paul(at)acme' is not an email address (name@example.com).\n"
    )
    assert count(rows, "contacts") == 0


def test_add_refuses_an_external_id_another_contact_has(people, cli, rows):
    result = cli("contact", "add", "Jeanne Other", "-a", "2", "--external-id", "P-1")

    assert result.exit_code == 4
    assert result.stderr == (
        "Error: The external id 'P-1' already belongs to contact 'Jeanne Martin' (id 1).\n"
    )
    assert count(rows, "contacts") == 3


def test_two_contacts_may_share_a_name_but_then_need_their_id(people, ok, cli):
    ok("contact", "add", "Paul Durand", "-a", "2")

    result = cli("contact", "show", "paul durand")

    assert result.exit_code == 2
    assert result.stderr == (
        "Error: Several contacts are named 'Paul Durand' (ids 2, 4): give the id.\n"
    )
    assert json.loads(ok("contact", "show", "4", "-f", "json").stdout)["account_id"] == 2


# --- list ----------------------------------------------------------------------------------


def test_list_table_is_by_account_then_name(people, ok):
    result = ok("contact", "list")

    assert result.stderr == ""
    assert result.stdout == "\n".join(
        [
            "ID  Name           Account           Role   Email                Phone",
            " 1  Jeanne Martin  ACME Industries   Buyer  jeanne@acme.example  06 12 34 56 78",
            " 2  Paul Durand    ACME Industries   CEO",
            " 3  Élodie Roux    Société Générale         er@sg.example",
            "",
        ]
    )


def test_list_json_is_exact_and_keyed_by_the_column_names(people, ok, rows):
    result = ok("contact", "list", "--format", "json")

    jeanne, paul, elodie = stamp(rows, 1), stamp(rows, 2), stamp(rows, 3)
    assert result.stdout == (
        "[\n"
        '  {"id": 1, "account_id": 1, "account_name": "ACME Industries", '
        '"name": "Jeanne Martin", "email": "jeanne@acme.example", '
        '"phone": "06 12 34 56 78", "role": "Buyer", "notes": "Prefers email", '
        f'"external_id": "P-1", "created_at": "{jeanne}", "updated_at": "{jeanne}"}},\n'
        '  {"id": 2, "account_id": 1, "account_name": "ACME Industries", "name": "Paul Durand", '
        '"email": null, "phone": null, "role": "CEO", "notes": null, "external_id": null, '
        f'"created_at": "{paul}", "updated_at": "{paul}"}},\n'
        '  {"id": 3, "account_id": 2, "account_name": "Société Générale", "name": "Élodie Roux", '
        '"email": "er@sg.example", "phone": null, "role": null, "notes": null, '
        f'"external_id": null, "created_at": "{elodie}", "updated_at": "{elodie}"}}\n'
        "]\n"
    )
    table_columns = [row["name"] for row in rows("PRAGMA table_info(contacts)")]
    assert table_columns == COLUMNS
    assert {tuple(item) for item in json.loads(result.stdout)} == {tuple(LISTED_COLUMNS)}


def test_list_csv_is_exact(people, ok, rows):
    result = ok("contact", "list", "--account", "2", "--format", "csv")

    elodie = stamp(rows, 3)
    assert result.stdout == (
        f"{','.join(LISTED_COLUMNS)}\n"
        f"3,2,Société Générale,Élodie Roux,er@sg.example,,,,,{elodie},{elodie}\n"
    )


@pytest.mark.parametrize(
    ("options", "ids"),
    [
        (["--account", "1"], [1, 2]),
        (["-a", "acme INDUSTRIES"], [1, 2]),
        (["--account", "Société Générale"], [3]),
        (["--search", "BUYER"], [1]),  # role
        (["--search", "sg.EXAMPLE"], [3]),  # email
        (["--search", "34 56"], [1]),  # phone
        (["--search", "prefers"], [1]),  # notes
        (["--search", "p-1"], [1]),  # external id
        (["--search", "élodie"], [3]),  # name, non-ASCII
        (["--search", "ÉLODIE"], [3]),
        (["-s", "r"], [1, 2, 3]),
        (["-s", "r", "-a", "2"], [3]),
    ],
)
def test_list_filters_by_account_and_search(people, ok, options, ids):
    result = ok("contact", "list", *options, "--format", "json")

    assert [contact["id"] for contact in json.loads(result.stdout)] == ids


def test_list_with_no_match_says_so_on_stderr(people, ok):
    result = ok("contact", "list", "--search", "nobody", "--account", "1")

    assert result.stdout == ""
    assert result.stderr == "No contact matches.\n"


@pytest.mark.parametrize("options", [["--search", ""], ["-s", "  ", "--account", "1"]])
def test_list_refuses_an_empty_search_that_would_list_everything(people, cli, options):
    result = cli("contact", "list", *options)

    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "Error: Invalid value for '--search' / '-s': give some text to look for, or leave "
        "--search out. See 'colibri contact list --help'.\n"
    )


def test_list_of_an_account_without_contacts_is_empty(people, ok):
    ok("account", "add", "Zeta")

    result = ok("contact", "list", "--account", "Zeta", "--format", "json")

    assert result.stdout == "[]\n"


def test_list_without_contacts_tells_how_to_add_one(accounts, ok):
    result = ok("contact", "list")

    assert result.stdout == ""
    assert result.stderr == (
        "No contacts yet. Add one with: colibri contact add NAME --account ACCOUNT\n"
    )


def test_list_of_an_unknown_account_is_not_found(people, cli):
    result = cli("contact", "list", "--account", "ACME Indutries")

    assert result.exit_code == 3
    assert result.stdout == ""
    assert result.stderr == "Error: No account 'ACME Indutries'. Did you mean 'ACME Industries'?\n"


# --- show ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ref", ["1", "Jeanne Martin", "JEANNE MARTIN", " jeanne martin ", "jeanne", "JEAN"]
)
def test_show_table_finds_a_contact_by_id_name_or_start_of_name(people, ok, rows, ref):
    result = ok("contact", "show", ref)

    created = stamp(rows, 1)[:16].replace("T", " ")  # to the minute
    assert result.stderr == ""
    assert result.stdout == "\n".join(
        [
            "ID           1",
            "Name         Jeanne Martin",
            "Account      ACME Industries",
            "Role         Buyer",
            "Email        jeanne@acme.example",
            "Phone        06 12 34 56 78",
            "Notes        Prefers email",
            "External id  P-1",
            f"Created      {created}",
            f"Updated      {created}",
            "",
            "Opportunities (0)",
            "",
            "Tasks (0)",
            "",
            "Timeline (0)",
            "",
        ]
    )


def test_show_json_and_csv_use_the_column_names(people, ok, rows):
    created = stamp(rows, 2)

    as_json = ok("contact", "show", "élodie roux", "--format", "json")
    as_csv = ok("contact", "show", "2", "--format", "csv")

    assert json.loads(as_json.stdout)["name"] == "Élodie Roux"
    assert list(json.loads(as_json.stdout)) == [
        *LISTED_COLUMNS,
        "opportunities",
        "tasks",
        "timeline",
    ]
    assert as_csv.stdout == (
        f"{','.join(LISTED_COLUMNS)}\n2,1,ACME Industries,Paul Durand,,,CEO,,,{created},{created}\n"
    )


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("Jeane Martin", "No contact 'Jeane Martin'. Did you mean 'Jeanne Martin'?"),
        ("elodie rou x", "No contact 'elodie rou x'. Did you mean 'Élodie Roux'?"),
        ("Martin", "No contact 'Martin'. Did you mean 'Jeanne Martin'?"),
        ("Zorro", "No contact 'Zorro'. See `colibri contact list`."),
        ("42", "No contact '42'. See `colibri contact list`."),
    ],
)
@pytest.mark.parametrize("command", [["show"], ["edit", "--role", "Boss"], ["delete", "--yes"]])
def test_an_unknown_contact_is_not_found(people, cli, rows, ref, message, command):
    verb, *options = command
    before = rows("SELECT * FROM contacts")

    result = cli("contact", verb, ref, *options)

    assert result.exit_code == 3
    assert result.stdout == ""
    assert result.stderr == f"Error: {message}\n"
    assert rows("SELECT * FROM contacts") == before


# --- edit ----------------------------------------------------------------------------------


def test_edit_changes_a_field_and_clears_another(people, ok, rows):
    created = stamp(rows, 1)

    result = ok("contact", "edit", "jeanne martin", "--role", "Head of purchasing", "--phone", "")

    assert result.stdout == ""
    assert result.stderr == "Updated contact Jeanne Martin (id 1) at ACME Industries.\n"
    [saved] = rows("SELECT * FROM contacts WHERE id = 1")
    assert (saved["role"], saved["phone"], saved["email"]) == (
        "Head of purchasing",
        None,
        "jeanne@acme.example",
    )
    assert saved["created_at"] == created
    assert saved["updated_at"] > created


def test_edit_moves_a_contact_to_another_account(people, ok, rows):
    result = ok("contact", "edit", "2", "--account", "SOCIÉTÉ GÉNÉRALE", "--format", "json")

    assert result.stderr == "Updated contact Paul Durand (id 2) at Société Générale.\n"
    assert json.loads(result.stdout)["account_id"] == 2
    assert rows("SELECT id, account_id, role FROM contacts ORDER BY id") == [
        {"id": 1, "account_id": 1, "role": "Buyer"},
        {"id": 2, "account_id": 2, "role": "CEO"},
        {"id": 3, "account_id": 2, "role": None},
    ]


def test_edit_renames_a_contact(people, ok, rows):
    ok("contact", "edit", "3", "--name", "Élodie Roux-Blanc")

    assert rows("SELECT name FROM contacts WHERE id = 3") == [{"name": "Élodie Roux-Blanc"}]


@pytest.mark.parametrize(
    ("options", "code", "message"),
    [
        (
            ["--account", "Initech", "--role", "Boss"],
            3,
            "No account 'Initech'. See `colibri account list`.",
        ),
        (
            ["--account", "ACME Indutries"],
            3,
            "No account 'ACME Indutries'. Did you mean 'ACME Industries'?",
        ),
        (["--name", ""], 2, "The contact name cannot be empty."),
        (["--email", "x@y"], 2, "The email 'x@y' is not an email address (name@example.com)."),
        (
            ["--external-id", "P-1"],
            4,
            "The external id 'P-1' already belongs to contact 'Jeanne Martin' (id 1).",
        ),
        (
            [],
            2,
            "Invalid value: give at least one field to change, e.g. --role Buyer. "
            "See 'colibri contact edit --help'.",
        ),
    ],
)
def test_edit_refuses_bad_input_and_changes_nothing(people, cli, rows, options, code, message):
    before = rows("SELECT * FROM contacts")

    result = cli("contact", "edit", "Paul Durand", *options)

    assert result.exit_code == code
    assert result.stdout == ""
    assert result.stderr == f"Error: {message}\n"
    assert rows("SELECT * FROM contacts") == before


def test_edit_keeps_its_own_external_id(people, ok, rows):
    ok("contact", "edit", "1", "--external-id", "P-1", "--notes", "")

    assert rows("SELECT external_id, notes FROM contacts WHERE id = 1") == [
        {"external_id": "P-1", "notes": None}
    ]


# --- delete --------------------------------------------------------------------------------


def test_delete_without_yes_off_a_terminal_refuses_and_deletes_nothing(people, cli, rows):
    result = cli("contact", "delete", "Jeanne Martin", input="y\n")

    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "Error: Delete contact Jeanne Martin (id 1) at ACME Industries? "
        "Not on a terminal: pass --yes to confirm.\n"
    )
    assert count(rows, "contacts") == 3


def test_delete_with_yes_keeps_the_account_and_its_opportunities(people, ok, rows, db_path):
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute(
            "INSERT INTO opportunities (account_id, contact_id, name, amount, currency, due_date, "
            "status, created_on, created_at, updated_at) VALUES (1, 1, 'Deal', 5000, 'EUR', "
            "'2026-12-31', 'quote', '2026-11-01', '2026-11-01T09:00:00', '2026-11-01T09:00:00')"
        )
    conn.close()

    result = ok("contact", "delete", "jeanne martin", "--yes")

    assert result.stdout == ""
    assert result.stderr == "Deleted contact Jeanne Martin (id 1) at ACME Industries.\n"
    assert rows("SELECT id FROM contacts ORDER BY id") == [{"id": 2}, {"id": 3}]
    assert rows("SELECT id FROM accounts ORDER BY id") == [{"id": 1}, {"id": 2}]
    assert rows("SELECT name, account_id, contact_id FROM opportunities") == [
        {"name": "Deal", "account_id": 1, "contact_id": None}
    ]


def test_delete_by_id_with_short_yes(people, ok, rows):
    result = ok("contact", "delete", "3", "-y")

    assert result.stderr == "Deleted contact Élodie Roux (id 3) at Société Générale.\n"
    assert rows("SELECT id FROM contacts ORDER BY id") == [{"id": 1}, {"id": 2}]


def test_a_contact_of_deals_cannot_move_away_from_them(ok, cli, rows):
    ok("account", "add", "ACME Industries")
    ok("account", "add", "Nordwind GmbH")
    ok("contact", "add", "Jeanne Martin", "--account", "ACME")
    ok(
        "opp",
        "create",
        "Deal",
        "-a",
        "ACME",
        "--contact",
        "Jeanne",
        "--amount",
        "1k",
        "--due",
        "+1m",
        "--status",
        "quote",
    )

    result = cli("contact", "edit", "Jeanne Martin", "--account", "Nordwind")

    assert result.exit_code == 4
    assert result.stderr == (
        "Error: Jeanne Martin is the contact of opportunities 1 at ACME Industries: give them "
        "another contact first (colibri opp edit ID --contact …).\n"
    )
    assert rows("SELECT account_id FROM contacts") == [{"account_id": 1}]
    ok("opp", "edit", "1", "--contact", "")
    ok("contact", "edit", "Jeanne Martin", "--account", "Nordwind")
    assert rows("SELECT account_id FROM contacts") == [{"account_id": 2}]


def test_an_opportunity_finds_its_contact_among_its_account_s_people_first(ok, cli, rows):
    ok("account", "add", "ACME Industries")
    ok("account", "add", "Nordwind GmbH")
    ok("account", "add", "Atelier Dubois")
    ok("contact", "add", "Paul Girard", "--account", "ACME")
    ok("contact", "add", "Paul Girard", "--account", "Nordwind")
    essentials = ("--amount", "1k", "--due", "+1m", "--status", "quote")

    ok("opp", "create", "At ACME", "-a", "ACME", "--contact", "Paul Girard", *essentials)
    ok("opp", "create", "At Nordwind", "-a", "Nordwind", "--contact", "paul", *essentials)
    elsewhere = cli("opp", "create", "Elsewhere", "-a", "Atelier", "--contact", "paul", *essentials)

    assert rows("SELECT name, contact_id FROM opportunities ORDER BY id") == [
        {"name": "At ACME", "contact_id": 1},
        {"name": "At Nordwind", "contact_id": 2},
    ]
    assert elsewhere.exit_code == 2
    assert elsewhere.stderr == (
        "Error: Cannot create the opportunity: several contacts are named 'Paul Girard' "
        "(ids 1, 2): give the id.\n"
    )
