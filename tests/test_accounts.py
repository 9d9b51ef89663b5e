"""`colibri account add|list|show|edit|delete` through the real CLI, then the database reread."""

import json
import re
import sqlite3

import pytest

from conftest import TODAY

ACME_OPTIONS = (
    "--industry",
    "Manufacturing",
    "--email",
    "info@acme.example",
    "--phone",
    "04 72 00 00 00",
    "--website",
    "acme.example",
    "--city",
    "Lyon",
    "--country",
    "France",
    "--notes",
    "Key account",
    "--external-id",
    "CRM-1",
)
COLUMNS = [
    "id",
    "name",
    "industry",
    "email",
    "phone",
    "website",
    "city",
    "country",
    "notes",
    "external_id",
    "created_at",
    "updated_at",
]
STAMP = re.compile(rf"{TODAY}T\d\d:\d\d:\d\d\.\d{{6}}")


def execute(db_path, sql: str, params: tuple = ()) -> None:
    """Write behind colibri's back, as another program would (foreign keys on)."""
    conn = sqlite3.connect(db_path)
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute(sql, params)
        conn.commit()
    finally:
        conn.close()


def add_opportunity(db_path, account_id: int, name: str = "Deal") -> None:
    execute(
        db_path,
        "INSERT INTO opportunities (account_id, name, amount, currency, due_date, status, "
        "created_on, created_at, updated_at) VALUES (?, ?, 15000, 'EUR', '2026-12-31', 'quote', "
        "'2026-11-01', '2026-11-01T09:00:00', '2026-11-01T09:00:00')",
        (account_id, name),
    )


def add_history(db_path, opportunity_id: int) -> None:
    execute(
        db_path,
        "INSERT INTO opportunity_history (opportunity_id, changed_at, status, amount, due_date, "
        "probability, currency) VALUES (?, '2026-11-02T09:00:00', 'negotiation', 15000, "
        "'2026-12-31', NULL, 'EUR')",
        (opportunity_id,),
    )


def add_task(db_path, account_id: int | None, title: str = "Call back", opportunity_id=None):
    execute(
        db_path,
        "INSERT INTO tasks (title, account_id, opportunity_id, created_at, updated_at) "
        "VALUES (?, ?, ?, '2026-11-01T09:00:00', '2026-11-01T09:00:00')",
        (title, account_id, opportunity_id),
    )


@pytest.fixture
def acme(ok):
    """ACME (id 1) with every field, Société Générale (id 2) with some."""
    ok("account", "add", "ACME Industries", *ACME_OPTIONS)
    ok(
        "account",
        "add",
        "Société Générale",
        "--industry",
        "Banking",
        "--city",
        "Paris",
        "--country",
        "France",
        "--email",
        "contact@sg.example",
    )


def stamps(rows, account_id: int) -> tuple[str, str]:
    [row] = rows("SELECT created_at, updated_at FROM accounts WHERE id = ?", (account_id,))
    return row["created_at"], row["updated_at"]


# --- add ---------------------------------------------------------------------------------


def test_add_with_every_option_writes_every_field(ok, rows, empty_db):
    result = ok("account", "add", "ACME Industries", *ACME_OPTIONS)

    assert result.stdout == ""
    assert result.stderr == "Added account ACME Industries (id 1).\n"
    [saved] = rows("SELECT * FROM accounts")
    created_at, updated_at = saved.pop("created_at"), saved.pop("updated_at")
    assert saved == {
        "id": 1,
        "name": "ACME Industries",
        "industry": "Manufacturing",
        "email": "info@acme.example",
        "phone": "04 72 00 00 00",
        "website": "acme.example",
        "city": "Lyon",
        "country": "France",
        "notes": "Key account",
        "external_id": "CRM-1",
    }
    assert STAMP.fullmatch(created_at), created_at
    assert updated_at == created_at


def test_add_strips_text_and_leaves_missing_fields_null(ok, rows, empty_db):
    result = ok("account", "add", "  Zeta  ", "--city", " Nantes ", "--phone", "  ")

    assert result.stderr == "Added account Zeta (id 1).\n"
    assert rows("SELECT name, city, phone, email, external_id FROM accounts") == [
        {"name": "Zeta", "city": "Nantes", "phone": None, "email": None, "external_id": None}
    ]


def test_add_with_format_json_prints_the_saved_account(ok, rows, empty_db):
    result = ok("account", "add", "Zeta", "--city", "Nantes", "--format", "json")

    created, updated = stamps(rows, 1)
    assert result.stderr == "Added account Zeta (id 1).\n"
    assert result.stdout == (
        "{\n"
        '  "id": 1,\n'
        '  "name": "Zeta",\n'
        '  "industry": null,\n'
        '  "email": null,\n'
        '  "phone": null,\n'
        '  "website": null,\n'
        '  "city": "Nantes",\n'
        '  "country": null,\n'
        '  "notes": null,\n'
        '  "external_id": null,\n'
        f'  "created_at": "{created}",\n'
        f'  "updated_at": "{updated}"\n'
        "}\n"
    )


@pytest.mark.parametrize("name", ["", "   "])
def test_add_refuses_an_empty_name(cli, db_path, name):
    result = cli("account", "add", name)

    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "Error: The account name cannot be empty.\n"
    assert list(db_path.parent.iterdir()) == []  # a failed first write leaves no database


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Société Générale", "SOCIÉTÉ GÉNÉRALE"),
        ("Société Générale", "  société générale "),
        ("ACME", "acme"),
        ("Straße Bau", "STRASSE BAU"),
        ("Σοφία", "ΣΟΦΊΑ"),
    ],
)
def test_add_refuses_a_name_that_exists_ignoring_case(ok, cli, rows, first, second):
    ok("account", "add", first)

    result = cli("account", "add", second, "--city", "Lyon")

    assert result.exit_code == 4
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: Account {first!r} (id 1) already exists: "
        "choose another name, or edit that account.\n"
    )
    assert rows("SELECT id, name, city FROM accounts") == [{"id": 1, "name": first, "city": None}]


def test_add_refuses_an_external_id_another_account_has(acme, cli, rows):
    result = cli("account", "add", "Zeta", "--external-id", "CRM-1")

    assert result.exit_code == 4
    assert result.stderr == (
        "Error: The external id 'CRM-1' already belongs to account 'ACME Industries' (id 1).\n"
    )
    assert rows("SELECT count(*) AS n FROM accounts") == [{"n": 2}]


@pytest.mark.parametrize("email", ["bad", "name@example", "a b@example.com", "@example.com"])
def test_add_refuses_a_bad_email(cli, db_path, email):
    result = cli("account", "add", "Zeta", "--email", email)

    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: The email {email!r} is not an email address (name@example.com).\n"
    )
    assert list(db_path.parent.iterdir()) == []  # a failed first write leaves no database


# --- show: by id or name, and what is not found -------------------------------------------


@pytest.mark.parametrize(
    ("ref", "account_id"),
    [
        ("1", 1),
        (" 2 ", 2),
        ("ACME Industries", 1),
        ("acme industries", 1),
        ("  ACME INDUSTRIES  ", 1),
        ("SOCIÉTÉ GÉNÉRALE", 2),
        ("société générale", 2),
        ("acme", 1),  # the start of one name
        ("SOCIÉTÉ", 2),
    ],
)
def test_show_finds_an_account_by_id_or_by_name_ignoring_case(acme, ok, rows, ref, account_id):
    result = ok("account", "show", ref, "--format", "json")

    assert json.loads(result.stdout)["id"] == account_id
    assert result.stderr == ""


def test_show_json_has_the_columns_and_the_related_records(acme, ok, rows, db_path):
    ok("contact", "add", "Jeanne Martin", "--account", "1", "--role", "Buyer")
    add_opportunity(db_path, 1)
    add_task(db_path, 1)
    add_task(db_path, 1, "Done already")
    execute(db_path, "UPDATE tasks SET done_on = '2026-11-20' WHERE title = 'Done already'")

    result = ok("account", "show", "ACME Industries", "--format", "json")

    created, updated = stamps(rows, 1)
    [contact] = rows("SELECT created_at FROM contacts")
    assert json.loads(result.stdout) == {
        "id": 1,
        "name": "ACME Industries",
        "industry": "Manufacturing",
        "email": "info@acme.example",
        "phone": "04 72 00 00 00",
        "website": "acme.example",
        "city": "Lyon",
        "country": "France",
        "notes": "Key account",
        "external_id": "CRM-1",
        "created_at": created,
        "updated_at": updated,
        "last_touch": "2026-11-20",  # the task done
        "contacts": [
            {
                "id": 1,
                "account_id": 1,
                "name": "Jeanne Martin",
                "email": None,
                "phone": None,
                "role": "Buyer",
                "notes": None,
                "external_id": None,
                "created_at": contact["created_at"],
                "updated_at": contact["created_at"],
            }
        ],
        "opportunities": [
            {
                "id": 1,
                "name": "Deal",
                "amount": 15000,
                "currency": "EUR",
                "due_date": "2026-12-31",
                "status": "quote",
                "probability": None,
                "closed_on": None,
            }
        ],
        "tasks": [
            {
                "id": 1,
                "title": "Call back",
                "due_date": None,
                "due_time": None,
                "opportunity_id": None,
                "done_on": None,
            }
        ],
        "won": [],
        "pipeline": [{"currency": "EUR", "count": 1, "amount": 15000, "weighted": 6000}],
        "timeline": [  # newest first: the task done, then the deal created
            {
                "date": "2026-11-20",
                "time": None,
                "kind": "task",
                "opportunity_id": None,
                "opportunity": None,
                "text": "Done already",
                "was": None,
                "now": None,
            },
            {
                "date": "2026-11-01",
                "time": None,
                "kind": "created",
                "opportunity_id": 1,
                "opportunity": "Deal",
                "text": None,
                "was": None,
                "now": {
                    "status": "quote",
                    "amount": 15000,
                    "currency": "EUR",
                    "due_date": "2026-12-31",
                },
            },
        ],
    }


def deals_of_every_kind(ok) -> None:
    """At ACME: won 12,000 EUR and 3,000 USD; open 15,000 EUR at 40%, 4,001 EUR at 70% and
    1,000 USD at its own 25%; lost, and one in the trash, which count in neither."""
    deals = (
        ("Won", "12000", "EUR", "won"),
        ("Won too", "3000", "USD", "won"),
        ("Quote", "15000", "EUR", "quote"),
        ("Nego", "4001", "EUR", "negotiation"),
        ("Audit", "1000", "USD", "analysis", "--probability", "25"),
        ("Lost", "9000", "EUR", "lost"),
        ("Trashed", "50000", "EUR", "quote"),
    )
    for name, amount, currency, status, *more in deals:
        ok(
            "opp", "create", name, "-a", "1", "--amount", amount, "--currency", currency,
            "--due", "2026-12-31", "--status", status, "--no-follow-up", *more,
        )  # fmt: skip
    ok("opp", "delete", "Trashed", "--yes")


def test_show_json_has_won_to_date_and_the_open_pipeline_per_currency(acme, ok):
    deals_of_every_kind(ok)

    shown = json.loads(ok("account", "show", "1", "--format", "json").stdout)

    assert shown["won"] == [
        {"currency": "EUR", "count": 1, "amount": 12000},
        {"currency": "USD", "count": 1, "amount": 3000},
    ]
    assert shown["pipeline"] == [  # 6,000 + 2,800.7 rounded once; 250
        {"currency": "EUR", "count": 2, "amount": 19001, "weighted": 8801},
        {"currency": "USD", "count": 1, "amount": 1000, "weighted": 250},
    ]


def test_show_table_has_won_to_date_and_the_open_pipeline_on_the_card(acme, ok):
    deals_of_every_kind(ok)

    card = ok("account", "show", "1").stdout.splitlines()

    assert card[8:10] == [
        "Won to date    12,000 EUR in 1 deal; 3,000 USD in 1 deal",
        "Open pipeline  19,001 EUR in 2 deals, weighted 8,801 EUR; "
        "1,000 USD in 1 deal, weighted 250 USD",
    ]


def test_show_table_is_a_card_without_empty_fields(acme, ok, rows):
    ok("account", "add", "Zeta")

    result = ok("account", "show", "zeta")

    created, updated = (stamp[:16].replace("T", " ") for stamp in stamps(rows, 3))
    assert result.stderr == ""
    assert result.stdout == "\n".join(
        [
            "ID       3",
            "Name     Zeta",
            f"Created  {created}",  # to the minute
            f"Updated  {updated}",
            "",
            "Contacts (0)",
            "",
            "Opportunities (0)",
            "",
            "Tasks (0)",
            "",
            "Timeline (0)",
            "",
        ]
    )


def test_show_csv_is_one_row_under_the_column_names(acme, ok, rows):
    result = ok("account", "show", "2", "--format", "csv")

    created, updated = stamps(rows, 2)
    assert result.stdout == (
        f"{','.join(COLUMNS)},last_touch\n"
        f"2,Société Générale,Banking,contact@sg.example,,,Paris,France,,,{created},{updated},\n"
    )


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("ACME Industires", "No account 'ACME Industires'. Did you mean 'ACME Industries'?"),
        ("industries", "No account 'industries'. Did you mean 'ACME Industries'?"),
        (
            "Societe Generale SA",
            "No account 'Societe Generale SA'. Did you mean 'Société Générale'?",
        ),
        ("France", "No account 'France'. See `colibri account list`."),
        ("99", "No account '99'. See `colibri account list`."),
    ],
)
@pytest.mark.parametrize("command", [["show"], ["edit", "--city", "Paris"], ["delete", "--yes"]])
def test_an_unknown_account_is_not_found(acme, cli, rows, ref, message, command):
    verb, *options = command

    result = cli("account", verb, ref, *options)

    assert result.exit_code == 3
    assert result.stdout == ""
    assert result.stderr == f"Error: {message}\n"
    assert rows("SELECT id, city FROM accounts") == [
        {"id": 1, "city": "Lyon"},
        {"id": 2, "city": "Paris"},
    ]


def test_did_you_mean_offers_every_close_name(ok, cli):
    for name in ("ACME Industries", "ACME Logistics", "Zeta"):
        ok("account", "add", name)

    result = cli("account", "show", "CME")

    assert result.exit_code == 3
    assert result.stderr == (
        "Error: No account 'CME'. Did you mean 'ACME Industries' or 'ACME Logistics'?\n"
    )


def test_the_start_of_several_names_is_ambiguous(ok, cli, rows):
    for name in ("ACME Industries", "ACME Logistics", "Zeta"):
        ok("account", "add", name)

    result = cli("account", "edit", "Acme", "--city", "Lyon")

    assert result.exit_code == 2
    assert result.stderr == (
        "Error: 'Acme' could be several accounts: ACME Industries (id 1), ACME Logistics (id 2). "
        "Give more of the name, or the id.\n"
    )
    assert rows("SELECT count(*) AS n FROM accounts WHERE city IS NOT NULL") == [{"n": 0}]


def test_delete_wants_the_whole_name_not_its_start(ok, cli, rows):
    ok("account", "add", "ACME Industries")

    result = cli("account", "delete", "acme", "--yes")

    assert result.exit_code == 3
    assert result.stderr == (
        "Error: No account 'acme'. Give the whole name or the id: 'ACME Industries' (id 1).\n"
    )
    assert rows("SELECT name FROM accounts") == [{"name": "ACME Industries"}]
    ok("account", "delete", "acme industries", "--yes")
    assert rows("SELECT name FROM accounts") == []


# --- list ----------------------------------------------------------------------------------


def test_list_table_shows_accounts_by_name(acme, ok):
    ok("account", "add", "bêta")

    result = ok("account", "list")

    assert result.stderr == ""
    assert result.stdout == "\n".join(
        [
            "ID  Name              Industry       City   Country  Phone           Email",
            " 1  ACME Industries   Manufacturing  Lyon   France   04 72 00 00 00"
            "  info@acme.example",
            " 3  bêta",
            " 2  Société Générale  Banking        Paris  France                 "
            "  contact@sg.example",
            "",
        ]
    )


def test_list_json_is_exact_and_keyed_by_the_column_names(acme, ok, rows):
    result = ok("account", "list", "--format", "json")

    acme_created, acme_updated = stamps(rows, 1)
    sg_created, sg_updated = stamps(rows, 2)
    assert result.stderr == ""
    assert result.stdout == (
        "[\n"
        '  {"id": 1, "name": "ACME Industries", "industry": "Manufacturing", '
        '"email": "info@acme.example", "phone": "04 72 00 00 00", "website": "acme.example", '
        '"city": "Lyon", "country": "France", "notes": "Key account", "external_id": "CRM-1", '
        f'"created_at": "{acme_created}", "updated_at": "{acme_updated}", "last_touch": null}},\n'
        '  {"id": 2, "name": "Société Générale", "industry": "Banking", '
        '"email": "contact@sg.example", "phone": null, "website": null, '
        '"city": "Paris", "country": "France", "notes": null, "external_id": null, '
        f'"created_at": "{sg_created}", "updated_at": "{sg_updated}", "last_touch": null}}\n'
        "]\n"
    )
    table_columns = [row["name"] for row in rows("PRAGMA table_info(accounts)")]
    listed = [*table_columns, "last_touch"]
    assert [list(item) for item in json.loads(result.stdout)] == [listed] * 2
    assert table_columns == COLUMNS


def test_list_csv_is_exact(acme, ok, rows):
    ok("account", "edit", "2", "--notes", 'Said "call me, later"')

    result = ok("account", "list", "--format", "csv")

    acme_created, acme_updated = stamps(rows, 1)
    sg_created, sg_updated = stamps(rows, 2)
    assert result.stderr == ""
    assert result.stdout == (
        "id,name,industry,email,phone,website,city,country,notes,external_id,"
        "created_at,updated_at,last_touch\n"
        "1,ACME Industries,Manufacturing,info@acme.example,04 72 00 00 00,acme.example,Lyon,"
        f"France,Key account,CRM-1,{acme_created},{acme_updated},\n"
        "2,Société Générale,Banking,contact@sg.example,,,Paris,France,"
        f'"Said ""call me, later""",,{sg_created},{sg_updated},\n'
    )


@pytest.mark.parametrize(
    ("search", "names"),
    [
        ("lyon", ["ACME Industries"]),  # city
        ("MANUFACT", ["ACME Industries"]),  # industry
        ("sg.example", ["Société Générale"]),  # email
        ("04 72", ["ACME Industries"]),  # phone
        ("ACME.EXAMPLE", ["ACME Industries"]),  # website and email
        ("key ACCOUNT", ["ACME Industries"]),  # notes
        ("crm-1", ["ACME Industries"]),  # external id
        ("GÉNÉRALE", ["Société Générale"]),  # name, non-ASCII
        ("france", ["ACME Industries", "Société Générale"]),  # country
    ],
)
def test_list_search_matches_any_text_field_ignoring_case(acme, ok, search, names):
    result = ok("account", "list", "--search", search, "--format", "json")

    assert [account["name"] for account in json.loads(result.stdout)] == names


def test_list_search_table_shows_only_the_matches(acme, ok):
    result = ok("account", "list", "-s", "PARIS")

    assert result.stdout == "\n".join(
        [
            "ID  Name              Industry  City   Country  Phone  Email",
            " 2  Société Générale  Banking   Paris  France          contact@sg.example",
            "",
        ]
    )


def test_list_search_without_a_match_says_so_on_stderr(acme, ok):
    result = ok("account", "list", "--search", "Tokyo")

    assert result.stdout == ""
    assert result.stderr == "No account matches 'Tokyo'.\n"


@pytest.mark.parametrize("option", ["--search", "-s"])
@pytest.mark.parametrize("text", ["", "   "])
def test_list_refuses_an_empty_search_that_would_list_everything(acme, cli, option, text):
    result = cli("account", "list", option, text)

    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "Error: Invalid value for '--search' / '-s': give some text to look for, or leave "
        "--search out. See 'colibri account list --help'.\n"
    )


@pytest.mark.parametrize(
    "command",
    [
        ["account", "list"],
        ["account", "show", "1"],
        ["account", "add", "Zeta"],
        ["account", "edit", "1", "--city", "Paris"],
    ],
)
def test_a_bad_format_is_a_usage_error_in_one_line(acme, cli, rows, command):
    result = cli(*command, "--format", "xml")

    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "Error: Invalid value for '--format' / '-f': 'xml' is not one of "
        f"'table', 'csv', 'json'. See 'colibri {' '.join(command[:2])} --help'.\n"
    )
    assert rows("SELECT name, city FROM accounts") == [
        {"name": "ACME Industries", "city": "Lyon"},
        {"name": "Société Générale", "city": "Paris"},
    ]


def test_the_format_name_ignores_case(acme, ok):
    result = ok("account", "list", "-f", "JSON")

    assert [account["id"] for account in json.loads(result.stdout)] == [1, 2]


# --- edit ----------------------------------------------------------------------------------


def test_edit_changes_a_field_and_clears_another(acme, ok, rows):
    created, _ = stamps(rows, 1)

    result = ok("account", "edit", "acme industries", "--city", "Paris", "--phone", "")

    assert result.stdout == ""
    assert result.stderr == "Updated account ACME Industries (id 1).\n"
    [saved] = rows("SELECT * FROM accounts WHERE id = 1")
    assert (saved["city"], saved["phone"], saved["country"]) == ("Paris", None, "France")
    assert saved["created_at"] == created
    assert STAMP.fullmatch(saved["updated_at"])
    assert saved["updated_at"] > created


def test_edit_json_prints_the_updated_account(acme, ok, rows):
    result = ok("account", "edit", "2", "--notes", "Bank", "--industry", "", "--format", "json")

    created, updated = stamps(rows, 2)
    assert json.loads(result.stdout) == {
        "id": 2,
        "name": "Société Générale",
        "industry": None,
        "email": "contact@sg.example",
        "phone": None,
        "website": None,
        "city": "Paris",
        "country": "France",
        "notes": "Bank",
        "external_id": None,
        "created_at": created,
        "updated_at": updated,
    }


def test_edit_renames_and_may_change_the_case_of_its_own_name(acme, ok, rows):
    ok("account", "edit", "1", "--name", "Acme Industries")
    ok("account", "edit", "société générale", "--name", "SG")

    assert rows("SELECT id, name FROM accounts ORDER BY id") == [
        {"id": 1, "name": "Acme Industries"},
        {"id": 2, "name": "SG"},
    ]


def test_edit_refuses_to_rename_to_another_accounts_name(acme, cli, rows):
    result = cli("account", "edit", "1", "--name", "SOCIÉTÉ GÉNÉRALE", "--city", "Nice")

    assert result.exit_code == 4
    assert result.stderr == (
        "Error: Account 'Société Générale' (id 2) already exists: "
        "choose another name, or edit that account.\n"
    )
    assert rows("SELECT name, city FROM accounts WHERE id = 1") == [
        {"name": "ACME Industries", "city": "Lyon"}
    ]


def test_edit_refuses_an_external_id_another_account_has(acme, cli, rows):
    result = cli("account", "edit", "2", "--external-id", "CRM-1")

    assert result.exit_code == 4
    assert result.stderr == (
        "Error: The external id 'CRM-1' already belongs to account 'ACME Industries' (id 1).\n"
    )
    assert rows("SELECT external_id FROM accounts WHERE id = 2") == [{"external_id": None}]


def test_edit_keeps_its_own_external_id_and_can_clear_it(acme, ok, rows):
    ok("account", "edit", "1", "--external-id", "CRM-1")
    assert rows("SELECT external_id FROM accounts WHERE id = 1") == [{"external_id": "CRM-1"}]

    ok("account", "edit", "1", "--external-id", "")
    assert rows("SELECT external_id FROM accounts WHERE id = 1") == [{"external_id": None}]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--name", " "], "The account name cannot be empty."),
        (["--email", "nope"], "The email 'nope' is not an email address (name@example.com)."),
        (
            [],
            "Invalid value: give at least one field to change, e.g. --city Paris. "
            "See 'colibri account edit --help'.",
        ),
    ],
)
def test_edit_refuses_bad_input_and_changes_nothing(acme, cli, rows, options, message):
    before = rows("SELECT * FROM accounts")

    result = cli("account", "edit", "1", *options)

    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"Error: {message}\n"
    assert rows("SELECT * FROM accounts") == before


# --- delete --------------------------------------------------------------------------------


@pytest.fixture
def acme_with_dependents(acme, ok, db_path):
    """ACME has two contacts and a task; Société Générale has a contact and a task."""
    ok("contact", "add", "Jeanne Martin", "--account", "1")
    ok("contact", "add", "Paul Durand", "--account", "1")
    ok("contact", "add", "Marie Curie", "--account", "2")
    add_task(db_path, 1)
    add_task(db_path, 2, "Send the brochure")


def test_delete_without_yes_off_a_terminal_refuses_and_deletes_nothing(
    acme_with_dependents, cli, rows
):
    result = cli("account", "delete", "ACME Industries", input="y\n")

    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "Error: Delete account 'ACME Industries' (id 1) with 2 contacts, 1 task? "
        "Not on a terminal: pass --yes to confirm.\n"
    )
    assert rows("SELECT count(*) AS n FROM accounts") == [{"n": 2}]
    assert rows("SELECT count(*) AS n FROM contacts") == [{"n": 3}]
    assert rows("SELECT count(*) AS n FROM tasks") == [{"n": 2}]


def test_delete_with_yes_deletes_the_account_its_contacts_and_tasks(acme_with_dependents, ok, rows):
    result = ok("account", "delete", "acme industries", "--yes")

    assert result.stdout == ""
    assert result.stderr == "Deleted account 'ACME Industries' (id 1) with 2 contacts, 1 task.\n"
    assert rows("SELECT id FROM accounts") == [{"id": 2}]
    assert rows("SELECT name, account_id FROM contacts") == [
        {"name": "Marie Curie", "account_id": 2}
    ]
    assert rows("SELECT title, account_id FROM tasks") == [
        {"title": "Send the brochure", "account_id": 2}
    ]


def test_delete_an_account_with_nothing_attached(acme, ok, rows):
    result = ok("account", "delete", "2", "-y")

    assert result.stderr == "Deleted account 'Société Générale' (id 2).\n"
    assert rows("SELECT id FROM accounts") == [{"id": 1}]


@pytest.mark.parametrize(("count", "noun"), [(1, "opportunity"), (2, "opportunities")])
def test_delete_refuses_while_opportunities_reference_the_account(
    acme_with_dependents, cli, rows, db_path, count, noun
):
    for number in range(count):
        add_opportunity(db_path, 1, f"Deal {number}")

    result = cli("account", "delete", "1", "--yes")

    assert result.exit_code == 4
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: Account 'ACME Industries' has {count} {noun} (in the trash too): move "
        f"{'it' if count == 1 else 'them'} to another account first, or use --force to purge "
        f"{'it' if count == 1 else 'them'} with the account.\n"
    )
    assert rows("SELECT count(*) AS n FROM accounts") == [{"n": 2}]
    assert rows("SELECT count(*) AS n FROM opportunities") == [{"n": count}]
    assert rows("SELECT count(*) AS n FROM contacts") == [{"n": 3}]


FORCE_WARNING = (
    "Warning: --force purges the account's opportunities and their history: forecasts and "
    "accuracy of past periods will change.\n"
)


def test_a_deal_in_the_trash_still_holds_its_account(acme_with_dependents, ok, cli, rows):
    ok("opp", "create", "Deal", "-a", "1", "--amount", "1k", "--due", "eom", "-s", "quote")
    ok("opp", "delete", "1", "--yes")

    result = cli("account", "delete", "1", "--yes")

    assert result.exit_code == 4
    assert "has 1 opportunity (in the trash too)" in result.stderr
    assert rows("SELECT count(*) AS n FROM opportunity_history") == [{"n": 2}]


def test_delete_force_still_asks_for_confirmation(acme_with_dependents, cli, rows, db_path):
    add_opportunity(db_path, 1)

    result = cli("account", "delete", "1", "--force")

    assert result.exit_code == 2
    assert result.stderr == (
        f"{FORCE_WARNING}"
        "Error: Delete account 'ACME Industries' (id 1) with 1 opportunity, 2 contacts, 1 task? "
        "Not on a terminal: pass --yes to confirm.\n"
    )
    assert rows("SELECT count(*) AS n FROM opportunities") == [{"n": 1}]


def test_delete_force_yes_deletes_the_opportunities_and_their_history(
    acme_with_dependents, ok, rows, db_path
):
    add_opportunity(db_path, 1, "ACME deal")
    add_opportunity(db_path, 1, "ACME second deal")
    add_opportunity(db_path, 2, "SG deal")
    for opportunity_id in (1, 2, 3):
        add_history(db_path, opportunity_id)
    add_task(db_path, 2, "Follow the SG deal", opportunity_id=3)
    sg_history = rows("SELECT * FROM opportunity_history WHERE opportunity_id = 3")
    assert rows("SELECT count(*) AS n FROM opportunity_history WHERE opportunity_id < 3") != [
        {"n": 0}
    ]

    result = ok("account", "delete", "ACME Industries", "--force", "--yes")

    assert result.stderr == (
        f"{FORCE_WARNING}"
        "Deleted account 'ACME Industries' (id 1) with 2 opportunities, 2 contacts, 1 task.\n"
    )
    assert rows("SELECT id FROM accounts") == [{"id": 2}]
    assert rows("SELECT id, name FROM opportunities") == [{"id": 3, "name": "SG deal"}]
    assert rows("SELECT * FROM opportunity_history") == sg_history
    assert rows("SELECT name FROM contacts") == [{"name": "Marie Curie"}]
    assert rows("SELECT title, opportunity_id FROM tasks ORDER BY id") == [
        {"title": "Send the brochure", "opportunity_id": None},
        {"title": "Follow the SG deal", "opportunity_id": 3},
    ]


def test_names_are_found_ignoring_case_and_accents(ok, cli, rows):
    ok("account", "add", "Société Générale")
    ok("account", "add", "Hôtel Beau Rivage")

    assert ok("account", "show", "societe generale", "-f", "json").stdout.count('"id": 1') == 1
    assert ok("account", "show", "HOTEL BEAU", "-f", "json").stdout.count('"id": 2') == 1
    duplicate = cli("account", "add", "SOCIETE GENERALE")
    assert duplicate.exit_code == 4
    assert duplicate.stderr == (
        "Error: Account 'Société Générale' (id 1) already exists: choose another name, "
        "or edit that account.\n"
    )
    assert rows("SELECT count(*) AS n FROM accounts") == [{"n": 2}]


def test_a_typo_in_the_beginning_of_a_long_name_gets_a_suggestion(ok, cli):
    ok("account", "add", "Garage Dupont")

    result = cli("account", "show", "garaje")

    assert result.exit_code == 3
    assert result.stderr == "Error: No account 'garaje'. Did you mean 'Garage Dupont'?\n"
