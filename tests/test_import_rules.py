"""The rules of an import: those of the single-record commands, row by row; matching and
--upsert; closed opportunities and their history; contacts, tasks and accounts."""

import sqlite3

import pytest

from colibri_cli.core.transfer import deals, engine, kinds

HEADER = "external_id,name,account,amount,due_date,status,created_on,closed_on,probability\n"


def opps(*lines: str) -> str:
    return HEADER + "".join(line + "\n" for line in lines)


@pytest.fixture
def acme(ok):
    ok("account", "add", "ACME")


# The rules of the single-record commands ---------------------------------------------------


@pytest.mark.parametrize(
    ("option", "column", "value"),
    [
        ("--amount", "amount", "abc"),
        ("--amount", "amount", "-5"),
        ("--amount", "amount", "99999999999999999"),
        ("--due", "due_date", "31/02/2027"),
        ("--due", "due_date", "someday"),
        ("--status", "status", "signed"),
        ("--status", "status", "n"),
        ("--created-on", "created_on", "2027-01-01"),
        ("--currency", "currency", "EURO"),
    ],
)
def test_a_bad_value_gets_the_message_opp_create_gives(cli, acme, option, column, value):
    given = {
        "--amount": "1000",
        "--due": "2027-01-31",
        "--status": "quote",
        "--probability": "",
        "--created-on": "",
        "--currency": "",
    }
    given[option] = value
    options = [part for key, text in given.items() if text for part in (key, text)]
    created = cli("opp", "create", "X", "--account", "ACME", "--no-input", *options)
    header = ["name", "account", "amount", "due_date", "status", "probability", "created_on"]
    cells = {
        "name": "X",
        "account": "ACME",
        "amount": given["--amount"],
        "due_date": given["--due"],
        "status": given["--status"],
        "probability": given["--probability"],
        "created_on": given["--created-on"],
    }
    if column == "currency":
        header.append("currency")
        cells["currency"] = value
    text = ",".join(header) + "\n" + ",".join(cells[name] for name in header) + "\n"

    imported = cli("import", "opps", "-", input=text)

    assert created.exit_code == imported.exit_code == 2
    single = created.stderr.removeprefix("Error: Cannot create the opportunity: ").strip()
    line = imported.stderr.splitlines()[0]
    message = line.removeprefix(f"line 2, {column}: ")
    assert single.rstrip(".") == (message[:1].lower() + message[1:]).rstrip(".")


def test_an_email_gets_the_message_account_add_gives(cli):
    added = cli("account", "add", "ACME", "--email", "not-an-email")

    imported = cli("import", "accounts", "-", input="name,email\nACME,not-an-email\n")

    assert (
        added.stderr.removeprefix("Error: ")
        == imported.stderr.splitlines()[0].removeprefix("line 2, email: ") + "\n"
    )


def test_a_missing_account_gets_did_you_mean(cli, acme):
    result = cli("import", "opps", "-", input=opps(",Site,ACMEE,100,2027-01-01,quote,,,"))

    assert (
        result.stderr.splitlines()[0] == "line 2, account: No account 'ACMEE'. Did you mean 'ACME'?"
    )


# Closed opportunities -----------------------------------------------------------------------


def test_a_closed_opportunity_without_creation_date_was_created_when_it_closed(ok, rows, acme):
    ok("import", "opps", "-", input=opps("W1,Won deal,ACME,100,2026-10-01,won,,2026-09-20,"))

    assert rows("SELECT created_on, closed_on, due_date FROM opportunities") == [
        {"created_on": "2026-09-20", "closed_on": "2026-09-20", "due_date": "2026-10-01"}
    ]
    assert rows("SELECT changed_at, status FROM opportunity_history ORDER BY id") == [
        {"changed_at": "2026-09-20T00:00:00", "status": "analysis"},
        {"changed_at": "2026-09-20T00:00:00", "status": "won"},
    ]


def test_closing_dates_are_checked(cli, acme):
    result = cli(
        "import", "opps", "-",
        input=opps(
            "C1,Closed before created,ACME,100,2026-10-01,lost,2026-09-01,2026-08-01,",
            "C2,Open but closed,ACME,100,2027-10-01,quote,,2026-08-01,",
            "C3,Closed in the future,ACME,100,2026-10-01,won,,2026-12-01,",
        ),
    )  # fmt: skip

    assert result.stderr.splitlines()[:3] == [
        "line 2, closed_on: The closing date 2026-08-01 is before the opportunity was created "
        "(2026-09-01).",
        "line 3, closed_on: The closing date '2026-08-01' is for a closed opportunity, but its "
        "status 'quote' is open.",
        "line 4, closed_on: The closing date 2026-12-01 is in the future: close it on the day "
        "it happens.",
    ]


def test_an_update_cannot_close_a_deal_before_its_creation(ok, cli, rows, acme):
    ok("import", "opps", "-", input=opps("C1,Deal,ACME,100,2026-12-01,quote,2026-10-01,,"))
    ok("import", "opps", "-", input=opps("C2,Won,ACME,100,2026-12-01,won,2026-10-01,2026-10-20,"))

    result = cli(
        "import", "opps", "-", "--upsert",
        input=opps(
            "C1,Deal,ACME,100,2026-12-01,lost,2026-10-01,2026-09-01,",
            "C2,Won,ACME,100,2026-11-20,won,2026-11-01,,",
        ),
    )  # fmt: skip

    assert result.stderr.splitlines()[:2] == [
        "line 2, closed_on: The closing date 2026-09-01 is before the opportunity was created "
        "(2026-10-01).",
        "line 3, created_on: The closing date 2026-10-20 is before the opportunity was created "
        "(2026-11-01).",
    ]
    assert rows("SELECT status, created_on, closed_on FROM opportunities ORDER BY id") == [
        {"status": "quote", "created_on": "2026-10-01", "closed_on": None},
        {"status": "won", "created_on": "2026-10-01", "closed_on": "2026-10-20"},
    ]


def test_a_custom_first_open_status_opens_the_history(ok, rows, acme):
    ok("statuses", "add", "lead", "--label", "Lead", "--probability", "5")
    ok("statuses", "edit", "lead", "--position", "1")

    ok("import", "opps", "-", input=opps("W1,Won,ACME,100,2026-10-01,won,2026-01-05,,"))

    assert rows("SELECT changed_at, status FROM opportunity_history ORDER BY id") == [
        {"changed_at": "2026-01-05T00:00:00", "status": "lead"},
        {"changed_at": "2026-10-01T00:00:00", "status": "won"},
    ]


# Matching, --upsert --------------------------------------------------------------------------


def test_upsert_updates_with_history_and_plain_runs_skip(ok, rows, acme):
    ok("import", "opps", "-", input=opps("U1,Site,ACME,1000,2027-01-31,quote,2026-10-01,,"))
    changed = opps("U1,Site,ACME,1500,2027-02-28,negotiation,,,75")

    skipped = ok("import", "opps", "-", input=changed)
    assert skipped.stderr.endswith("0 created, 0 updated, 1 skipped, 0 rejected.\n")
    assert rows("SELECT amount FROM opportunities") == [{"amount": 1000}]

    updated = ok("import", "opps", "-", "--upsert", input=changed)
    assert updated.stderr.endswith("0 created, 1 updated, 0 skipped, 0 rejected.\n")
    assert rows("SELECT amount, due_date, status, probability, created_on FROM opportunities") == [
        {"amount": 1500, "due_date": "2027-02-28", "status": "negotiation", "probability": 75,
         "created_on": "2026-10-01"}  # the empty created_on cell changes nothing
    ]  # fmt: skip
    history = rows(
        "SELECT substr(changed_at, 1, 10) AS day, status, amount FROM opportunity_history"
    )
    assert history == [
        {"day": "2026-10-01", "status": "quote", "amount": 1000},
        {"day": "2026-11-26", "status": "negotiation", "amount": 1500},
    ]

    again = ok("import", "opps", "-", "--upsert", input=changed)
    assert again.stderr.endswith("0 created, 0 updated, 1 skipped, 0 rejected.\n")


def test_a_probability_equal_to_the_statuss_follows_the_status(ok, rows, acme):
    text = opps(
        "P1,Site,ACME,1000,2027-01-31,quote,,,40", "P2,Audit,ACME,1000,2027-01-31,quote,,,60"
    )

    result = ok("import", "opps", "-", input=text)
    ok("opp", "status", "1", "negotiation")

    assert "1 open opportunity has a probability of its own, not its status's (line 3)" in (
        result.stderr
    )
    assert rows("SELECT external_id, status, probability FROM opportunities ORDER BY id") == [
        {"external_id": "P1", "status": "negotiation", "probability": None},  # 70% now
        {"external_id": "P2", "status": "quote", "probability": 60},
    ]


def test_upsert_closes_and_reopens(ok, rows, acme):
    ok("import", "opps", "-", input=opps("U1,Site,ACME,1000,2026-11-01,quote,2026-10-01,,"))

    ok(
        "import",
        "opps",
        "-",
        "--upsert",
        input=opps("U1,Site,ACME,1000,2026-11-01,won,,2026-11-20,"),
    )
    assert rows("SELECT status, closed_on FROM opportunities") == [
        {"status": "won", "closed_on": "2026-11-20"}
    ]

    ok("import", "opps", "-", "--upsert", input=opps("U1,Site,ACME,1000,2027-01-31,quote,,,"))
    assert rows("SELECT status, closed_on, close_reason FROM opportunities") == [
        {"status": "quote", "closed_on": None, "close_reason": None}
    ]
    assert [row["status"] for row in rows("SELECT status FROM opportunity_history")] == [
        "quote",
        "won",
        "quote",
    ]


def test_rows_without_external_id_match_on_account_and_name(cli, ok, rows, acme):
    text = "name,account,amount,due_date,status\nSite,ACME,100,2027-01-01,quote\n"
    ok("import", "opps", "-", input=text)

    again = ok("import", "opps", "-", input=text.replace("Site,ACME", "SITE,acme"))

    assert again.stderr.endswith("0 created, 0 updated, 1 skipped, 0 rejected.\n")
    twice = cli("import", "opps", "-", input=text + "Audit,ACME,1,2027-01-01,quote\n" * 2)
    assert twice.stderr.splitlines()[0] == (
        "line 4, name: An earlier row of this file has the same account and name ('Audit'): "
        "remove the duplicate, or give each opportunity its own external id."
    )
    assert rows("SELECT count(*) AS n FROM opportunities") == [{"n": 1}]


def test_a_duplicate_across_batches_is_caught(cli, rows, acme, monkeypatch):
    monkeypatch.setattr(engine, "BATCH_ROWS", 2)
    lines = [f"D{n},Deal {n},ACME,100,2027-01-01,quote,,," for n in range(5)] + [
        "D1,Again,ACME,100,2027-01-01,quote,,,"
    ]

    result = cli("import", "opps", "-", input=opps(*lines))

    assert result.stderr.splitlines()[0] == (
        "line 7, external_id: An earlier row of this file has the same external id 'D1': "
        "remove the duplicate, or give each opportunity its own external id."
    )
    assert rows("SELECT count(*) AS n FROM opportunities") == [{"n": 0}]


def test_rows_without_external_id_match_across_batches(cli, ok, rows, acme, monkeypatch):
    monkeypatch.setattr(engine, "BATCH_ROWS", 2)
    header = "name,account,amount,due_date,status\n"
    lines = "".join(f"Deal {n},ACME,1,2027-01-01,quote\n" for n in range(5))

    twice = cli("import", "opps", "-", input=header + lines + "DEAL 1,acme,1,2027-01-01,quote\n")
    assert twice.stderr.splitlines()[0] == (
        "line 7, name: An earlier row of this file has the same account and name ('DEAL 1'): "
        "remove the duplicate, or give each opportunity its own external id."
    )
    ok("import", "opps", "-", input=header + lines)
    again = ok("import", "opps", "-", input=header + lines)

    assert again.stderr.endswith("0 created, 0 updated, 5 skipped, 0 rejected.\n")
    assert rows("SELECT count(*) AS n FROM opportunities") == [{"n": 5}]


def test_a_big_import_rebuilds_the_indexes_it_set_aside(ok, cli, rows, db_path, monkeypatch):
    monkeypatch.setattr(engine, "BATCH_ROWS", 3)
    monkeypatch.setattr(deals, "BULK_ROWS", 3)
    ok("account", "add", "ACME")
    indexes = "SELECT name, sql FROM sqlite_schema WHERE type = 'index' ORDER BY name"
    before = rows(indexes)
    lines = [f"B{n},Deal {n},ACME,{n},2027-01-01,quote,,," for n in range(10)]

    refused = cli("import", "opps", "-", input=opps(*lines, "Bad,,ACME,1,2027-01-01,quote,,,"))
    assert refused.exit_code == 2
    assert rows(indexes) == before
    ok("import", "opps", "-", input=opps(*lines))

    assert rows(indexes) == before
    assert rows("SELECT count(*) AS n FROM opportunities") == [{"n": 10}]
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    conn.close()


def test_status_map_and_closed_stage_names(ok, rows, acme):
    text = opps(
        "S1,A,ACME,1,2026-10-01,Closed Won,2026-09-01,,",
        "S2,B,ACME,1,2026-10-01,closed-lost,2026-09-01,,",
        "S3,C,ACME,1,2027-10-01,Proposal Made,,,",
    )

    ok("import", "opps", "-", "--status-map", "proposal made=quote", input=text)

    assert [row["status"] for row in rows("SELECT status FROM opportunities ORDER BY id")] == [
        "won",
        "lost",
        "quote",
    ]


def test_other_crms_default_stages_go_to_the_nearest_status_with_their_probability(ok, rows, acme):
    text = opps(
        "S1,A,ACME,1,2027-01-10,Value Proposition,,,50",
        "S2,B,ACME,1,2027-01-10,Id. Decision Makers,,,60",
        "S3,C,ACME,1,2027-01-10,Id. Decision Makers,,,55",
        "S4,D,ACME,1,2027-01-10,Perception Analysis,,,",
        "S5,E,ACME,1,2027-01-10,Proposal or Price Quote,,,75",
        "S6,F,ACME,1,2027-01-10,Negotiation/Review,,,90",
        "S7,G,ACME,1,2027-01-10,PREPAYMENT_INVOICE,,,",
        "S8,H,ACME,1,2027-01-10,NEW,,,",
        "S9,I,ACME,1,2026-11-02,LOSE,2026-10-01,,",
    )

    result = ok("import", "opps", "-", input=text)

    assert (
        "Stages read as the nearest colibri status: 'Value Proposition' (50%) -> quote, "
        "'Id. Decision Makers' (55-60%) -> quote, 'Perception Analysis' -> quote, "
        "'Proposal or Price Quote' (75%) -> quote, 'Negotiation/Review' (90%) -> negotiation, "
        "'PREPAYMENT_INVOICE' -> negotiation, 'NEW' -> analysis. Give another with "
        "--status-map STAGE=STATUS.\n"
    ) in result.stderr
    found = rows("SELECT status, probability FROM opportunities ORDER BY id")
    assert [(row["status"], row["probability"]) for row in found] == [
        ("quote", 50),
        ("quote", 60),
        ("quote", 55),
        ("quote", None),
        ("quote", 75),
        ("negotiation", 90),
        ("negotiation", None),
        ("analysis", None),
        ("lost", None),
    ]


CURRENCIES_IGNORED = (
    "Name,Account,Amount,Close Date,Stage,Moneda\n"
    "A,ACME,1500,2027-01-10,quote,MXN\n"
    "B,ACME,2500,2027-01-10,quote,COP\n"
    "C,ACME,3500,2027-01-10,quote,\n"
)


def test_an_ignored_column_of_currency_codes_refuses_the_import(cli, rows, acme):
    result = cli("import", "opps", "-", input=CURRENCIES_IGNORED)

    assert result.exit_code == 2
    assert result.stderr == (
        "Columns: 'Close Date' -> due_date, 'Stage' -> status\n"
        "Ignored columns (no opportunity field matches them): 'Moneda'. Import one with "
        "--map COLUMN=FIELD.\n"
        "Error: Nothing was imported: the column 'Moneda' holds currency codes (COP, MXN) but "
        "is ignored, so every amount would be taken in EUR, the currency setting. Import it "
        "with --map Moneda=currency (or --map Moneda= if it is not the currency of the "
        "amounts).\n"
    )
    assert rows("SELECT * FROM opportunities") == []


@pytest.mark.parametrize(
    ("options", "currencies"),
    [
        (("--map", "Moneda=currency"), ["MXN", "COP", "EUR"]),
        (("--map", "Moneda="), ["EUR", "EUR", "EUR"]),
        (("--default", "currency=USD"), ["USD", "USD", "USD"]),
    ],
)
def test_a_column_of_currency_codes_is_read_or_ignored_as_told(ok, rows, acme, options, currencies):
    ok("import", "opps", "-", *options, input=CURRENCIES_IGNORED)

    assert [row["currency"] for row in rows("SELECT currency FROM opportunities")] == currencies


def test_a_column_of_the_settings_currency_alone_misleads_nobody(ok, rows, acme):
    text = "Name,Account,Amount,Close Date,Stage,Moneda\nA,ACME,1500,2027-01-10,quote,EUR\n"

    ok("import", "opps", "-", input=text)

    assert rows("SELECT currency FROM opportunities") == [{"currency": "EUR"}]


def test_salesforces_currency_iso_code_is_the_currency(ok, rows, acme):
    text = (
        "Name,Account,Amount,CloseDate,StageName,CurrencyIsoCode,IsClosed\n"
        "A,ACME,1500,2027-01-10,Prospecting,MXN,false\n"
        "B,ACME,2500,2027-01-10,Prospecting,PEN,false\n"
    )

    ok("import", "opps", "-", input=text)

    assert rows("SELECT currency FROM opportunities") == [{"currency": "MXN"}, {"currency": "PEN"}]


def test_create_accounts_by_name_and_external_id(ok, rows):
    text = (
        "name,account,account_external_id,amount,due_date,status\n"
        "A,Initech,ACC-1,1,2027-01-01,quote\n"
        "B,Initech Inc.,ACC-1,1,2027-01-01,quote\n"  # the external id wins over the name
        "C,initech,,1,2027-01-01,quote\n"
    )

    result = ok("import", "opps", "-", "--create-accounts", input=text)

    assert result.stderr.endswith("3 created, 0 updated, 0 skipped, 0 rejected; 1 new account.\n")
    assert rows("SELECT name, external_id FROM accounts") == [
        {"name": "Initech", "external_id": "ACC-1"}
    ]


# Contacts, tasks, accounts ------------------------------------------------------------------


def test_contacts_with_french_first_and_last_names(ok, rows, acme):
    text = (
        "Prénom;Nom;Société;E-mail;Fonction\n"
        "Jeanne;Martin;ACME;jeanne@acme.example;Acheteuse\n"
        "Paul;Durand;Globex;paul@globex.example;\n"
    )

    result = ok("import", "contacts", "-", "--create-accounts", input=text)

    assert result.stderr.endswith("2 created, 0 updated, 0 skipped, 0 rejected; 1 new account.\n")
    assert rows(
        "SELECT c.name, a.name AS account, c.email, c.role FROM contacts AS c "
        "JOIN accounts AS a ON a.id = c.account_id ORDER BY c.id"
    ) == [
        {"name": "Jeanne Martin", "account": "ACME", "email": "jeanne@acme.example",
         "role": "Acheteuse"},
        {"name": "Paul Durand", "account": "Globex", "email": "paul@globex.example",
         "role": None},
    ]  # fmt: skip
    again = ok("import", "contacts", "-", "--create-accounts", input=text)
    assert again.stderr.endswith("0 created, 0 updated, 2 skipped, 0 rejected.\n")


def test_tasks_find_their_opportunity(cli, ok, rows, acme):
    ok("account", "add", "Globex")
    ok("import", "opps", "-", input=opps("O1,Site,ACME,1,2027-01-01,quote,,,"))
    text = (
        "title,due_date,done_on,account,opportunity,opportunity_external_id\n"
        "Call,2026-12-01,,,,O1\n"
        "Send quote,none,2026-11-20,ACME,Site,\n"
        "Wrong account,2026-12-01,,Globex,,O1\n"
        "Done tomorrow,,2026-11-27,,,\n"
        "Nowhere,,,ACME,Website,\n"
    )

    result = cli("import", "tasks", "-", input=text)

    assert result.stderr.splitlines()[:3] == [
        "line 4, account: Opportunity 1 belongs to another account: give the opportunity alone, "
        "its account goes with it.",
        "line 5, done_on: The done date 2026-11-27 is in the future: mark it done when it is.",
        "line 6, opportunity: No opportunity 'Website' at ACME.",
    ]
    ok("import", "tasks", "-", "--skip-invalid", input=text)
    assert rows("SELECT title, due_date, done_on, opportunity_id, account_id FROM tasks") == [
        {"title": "Call", "due_date": "2026-12-01", "done_on": None, "opportunity_id": 1,
         "account_id": 1},
        {"title": "Send quote", "due_date": None, "done_on": "2026-11-20", "opportunity_id": 1,
         "account_id": 1},
    ]  # fmt: skip


def test_the_tasks_of_a_group_are_read_once_not_once_a_row(ok, rows, acme, statements):
    """10,000 tasks at one account and due date took 16 s when each row folded the title of
    every task already imported for that account and date."""
    text = "title,due_date,account\n" + "".join(
        f"Call {number},2026-12-01,ACME\n" for number in range(20)
    )

    ok("import", "tasks", "-", input=text)

    assert sum("SELECT id, title FROM tasks" in statement for statement in statements) == 1
    assert rows("SELECT count(*) AS n FROM tasks") == [{"n": 20}]


TASK_TWICE = (
    "line {line}, title: An earlier row of this file has the same title ('ring'), account, "
    "opportunity and due date: remove the duplicate, or give each task its own external id."
)


def test_a_task_moved_by_its_external_id_is_matched_by_its_new_title(cli, ok, rows, acme):
    ok("import", "tasks", "-", input="external_id,title,due_date,account\nT-1,Visit,,ACME\n")
    text = (
        "title,due_date,external_id,account\n"
        "Call,2026-12-01,,ACME\n"  # reads the tasks of ACME due that day
        "Ring,2026-12-01,T-1,ACME\n"  # T-1 joins them
        "ring,2026-12-01,,ACME\n"
    )

    result = cli("import", "tasks", "-", "--upsert", input=text)

    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == TASK_TWICE.format(line=4)
    assert rows("SELECT title, due_date FROM tasks") == [{"title": "Visit", "due_date": None}]


def test_tasks_are_matched_when_their_group_was_let_go(cli, ok, rows, acme, monkeypatch):
    monkeypatch.setattr(kinds.ByText, "LIMIT", 1)  # one group kept at a time
    ok("import", "tasks", "-", input="title,due_date,account\nCall,2026-12-02,ACME\n")
    text = (
        "title,due_date,account\n"
        "Ring,2026-12-01,ACME\n"
        "CALL,2026-12-02,ACME\n"  # lets the tasks due on the 1st go
        "ring,2026-12-01,ACME\n"
    )

    refused = cli("import", "tasks", "-", "--upsert", input=text)
    result = ok("import", "tasks", "-", "--upsert", "--skip-invalid", input=text)

    assert refused.stderr.splitlines()[0] == TASK_TWICE.format(line=4)
    assert result.stderr.endswith("1 created, 1 updated, 0 skipped, 1 rejected.\n")
    assert rows("SELECT title, due_date FROM tasks ORDER BY id") == [
        {"title": "CALL", "due_date": "2026-12-02"},
        {"title": "Ring", "due_date": "2026-12-01"},
    ]


def test_opportunities_find_their_contact_by_its_external_id(cli, ok, rows, acme):
    ok("account", "add", "Globex")
    contacts = (
        "name,account,external_id\n"
        "Jean Martin,ACME,C-1\nJean Martin,ACME,C-2\nPaul Roy,Globex,C-3\n"
    )
    ok("import", "contacts", "-", input=contacts)
    text = (
        "name,account,contact,contact id,amount,due_date,status\n"
        "First,ACME,Jean Martin,C-2,100,2027-01-31,quote\n"
        "Second,ACME,,C-1,200,2027-01-31,quote\n"
        "Elsewhere,ACME,,C-3,300,2027-01-31,quote\n"
        "Unknown,ACME,Jean Martin,C-9,400,2027-01-31,quote\n"
        "By name,ACME,Jean Martin,,500,2027-01-31,quote\n"
    )

    result = cli("import", "opps", "-", input=text)

    assert result.exit_code == 2
    assert result.stderr.splitlines()[:4] == [
        "Columns: 'contact id' -> contact_external_id",
        "line 4, contact id: Contact 'C-3' works at Globex, not at this opportunity's account.",
        "line 5, contact id: No contact has the external id 'C-9'.",
        "line 6, contact: Several contacts are named 'Jean Martin' at ACME.",
    ]
    ok("import", "opps", "-", "--skip-invalid", input=text)
    assert rows(
        "SELECT o.name, c.external_id FROM opportunities AS o "
        "JOIN contacts AS c ON c.id = o.contact_id ORDER BY o.id"
    ) == [{"name": "First", "external_id": "C-2"}, {"name": "Second", "external_id": "C-1"}]


CONTACT_DEALS = (
    "name,account,contact,amount,due_date,status\n"
    "Site,ACME,Jeanne Martin,100,2027-01-31,quote\n"
    "Audit,ACME,jeanne martin,200,2027-01-31,quote\n"
    "Training,Globex,Paul Roy,300,2027-01-31,quote\n"
    "Hosting,ACME,Paul Roy,400,2027-01-31,quote\n"
    "Support,ACME,,500,2027-01-31,quote\n"
)


def test_create_contacts_adds_each_once_at_its_deals_account(cli, ok, rows, acme):
    refused = cli("import", "opps", "-", "--create-accounts", input=CONTACT_DEALS)
    dry = ok("import", "opps", "-", "--create-accounts", "--create-contacts", "--dry-run",
             input=CONTACT_DEALS)  # fmt: skip
    result = ok("import", "opps", "-", "--create-accounts", "--create-contacts",
                input=CONTACT_DEALS)  # fmt: skip
    again = ok("import", "opps", "-", "--create-accounts", "--create-contacts",
               input=CONTACT_DEALS)  # fmt: skip

    assert refused.stderr.splitlines()[:4] == [
        "line 2, contact: No contact 'Jeanne Martin' at ACME: add it, import contacts first, or "
        "give --create-contacts.",
        "line 3, contact: No contact 'jeanne martin' at ACME: add it, import contacts first, or "
        "give --create-contacts.",
        "line 4, contact: No contact 'Paul Roy' at the new account: import contacts first, or give "
        "--create-contacts.",
        "line 5, contact: No contact 'Paul Roy' at ACME: add it, import contacts first, or "
        "give --create-contacts.",
    ]
    counts = "5 created, 0 updated, 0 skipped, 0 rejected; 1 new account; 3 new contacts."
    assert dry.stderr.endswith(f"would give: {counts}\n")
    assert result.stderr.endswith(counts + "\n")
    assert again.stderr.endswith("0 created, 0 updated, 5 skipped, 0 rejected.\n")
    assert rows(
        "SELECT o.name, c.name AS contact, a.name AS account FROM opportunities AS o "
        "LEFT JOIN contacts AS c ON c.id = o.contact_id JOIN accounts AS a ON a.id = o.account_id "
        "ORDER BY o.id"
    ) == [
        {"name": "Site", "contact": "Jeanne Martin", "account": "ACME"},
        {"name": "Audit", "contact": "Jeanne Martin", "account": "ACME"},
        {"name": "Training", "contact": "Paul Roy", "account": "Globex"},
        {"name": "Hosting", "contact": "Paul Roy", "account": "ACME"},
        {"name": "Support", "contact": None, "account": "ACME"},
    ]
    assert rows("SELECT count(*) AS n FROM contacts") == [{"n": 3}]


def test_create_contacts_adds_none_for_rows_not_written(ok, rows, acme):
    ok(
        "import",
        "opps",
        "-",
        input="name,account,amount,due_date,status\nOld,ACME,1,2027-01-31,quote\n",
    )
    text = (
        "external_id,name,account,contact,amount,due_date,status\n"
        ",Old,ACME,Skipped Sam,1,2027-01-31,quote\n"
        "X-1,New,ACME,Written Wendy,1,2027-01-31,quote\n"
        "X-1,Twin,ACME,Duplicate Dan,1,2027-01-31,quote\n"
    )

    result = ok("import", "opps", "-", "--create-contacts", "--skip-invalid", input=text)

    assert result.stderr.endswith("1 created, 0 updated, 1 skipped, 1 rejected; 1 new contact.\n")
    assert rows("SELECT name FROM contacts") == [{"name": "Written Wendy"}]


def test_a_default_closing_date_is_for_the_closed_rows(ok, rows, acme):
    text = (
        "name,account,amount,due_date,status\n"
        "Open,ACME,1,2027-01-31,quote\n"
        "Signed,ACME,1,2026-12-20,won\n"
    )

    result = ok("import", "opps", "-", "--default", "closed_on=2026-11-20", input=text)

    assert result.stderr.splitlines()[0] == "--default closed_on=2026-11-20 filled 1 row."
    assert rows("SELECT name, status, closed_on FROM opportunities ORDER BY id") == [
        {"name": "Open", "status": "quote", "closed_on": None},
        {"name": "Signed", "status": "won", "closed_on": "2026-11-20"},
    ]


def test_rows_not_written_create_no_account(ok, rows, acme):
    text = (
        "external_id,name,account,amount,due_date,status\n"
        "N1,Site,ACME,1,2027-01-31,quote\n"
        "N1,Site,NewCo,1,2027-01-31,quote\n"
    )

    result = ok("import", "opps", "-", "--create-accounts", "--skip-invalid", input=text)

    assert result.stderr.endswith("1 created, 0 updated, 0 skipped, 1 rejected.\n")
    assert rows("SELECT name FROM accounts") == [{"name": "ACME"}]


def test_a_currency_the_row_writes_beats_a_default_one(ok, rows, acme):
    text = (
        "name,account,amount,due_date,status\n"
        "A,ACME,$100,2027-01-31,quote\n"
        "B,ACME,300 €,2027-01-31,quote\n"
        "C,ACME,200,2027-01-31,quote\n"
    )

    ok("import", "opps", "-", "--default", "currency=USD", input=text)

    assert rows("SELECT name, currency FROM opportunities ORDER BY id") == [
        {"name": "A", "currency": "USD"},
        {"name": "B", "currency": "EUR"},
        {"name": "C", "currency": "USD"},
    ]


def test_a_footer_uses_no_default(ok, rows, acme):
    text = (
        "name,account,amount,due_date,status\n"
        "A,ACME,,2027-01-31,quote\n"
        "B,ACME,5,2027-01-31,quote\n\n"
        "Grand Totals (2 records)\n"
    )

    result = ok("import", "opps", "-", "--default", "amount=0", input=text)

    assert result.stderr.splitlines()[:2] == [
        "Left out line 5, after the last row: a report's footer ('Grand Totals (2 records)').",
        "--default amount=0 filled 1 row.",
    ]


def test_every_problem_of_a_row_is_named_at_once(cli, acme):
    text = (
        "name,account,contact,amount,due_date,status,created_on\n"
        "Site,ACME,Nobody,-2\xa0000,2027-01-31,quote,2027-01-01\n"
    )

    result = cli("import", "opps", "-", input=text)

    assert result.stderr.splitlines()[:3] == [
        "line 2, amount: Invalid amount '-2 000': it cannot be negative; write 0 or more, such "
        "as 15000.",
        "line 2, contact: No contact 'Nobody' at ACME: add it, import contacts first, or "
        "give --create-contacts.",
        "line 2, created_on: Invalid creation date '2027-01-01': it is in the future (2027-01-01).",
    ]


def test_accounts_match_on_external_id_then_name_and_upsert(cli, ok, rows):
    ok("import", "accounts", "-", input="Code client,Raison sociale,Ville\nC1,ACME,Lyon\n")
    ok("account", "add", "Globex")

    result = cli(
        "import", "accounts", "-", "--upsert",
        input="Code client,Raison sociale,Ville\nC1,ACME SA,Paris\nC2,globex,Nantes\nC3,Globex,\n",
    )  # fmt: skip

    # C2 takes Globex, which had no external id; C3, another Globex, is named apart.
    assert result.stderr.splitlines() == [
        "Columns: 'Code client' -> external_id, 'Raison sociale' -> name, 'Ville' -> city",
        "1 account has the name of another with a different external id: named apart as "
        "'Globex (C3)' (line 4).",
        "Imported accounts from stdin (comma-separated CSV, UTF-8): 1 created, 2 updated, "
        "0 skipped, 0 rejected.",
    ]
    assert rows("SELECT name, city, external_id FROM accounts ORDER BY id") == [
        {"name": "ACME SA", "city": "Paris", "external_id": "C1"},
        {"name": "globex", "city": "Nantes", "external_id": "C2"},
        {"name": "Globex (C3)", "city": None, "external_id": "C3"},
    ]
