"""Importing the files real people have: a French spreadsheet export, another CRM's export,
and a file with bad rows scattered through it. Each run checks the exact report on stderr
and rereads the database: what a refused import leaves (nothing), what a second run adds
(nothing), and what a dry run announces (what the real run then does)."""

import json
import re
import shlex
import shutil
import sqlite3
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures" / "import"
FRENCH_BOM = FIXTURES / "french_spreadsheet_bom.csv"
FRENCH_CP1252 = FIXTURES / "french_spreadsheet_cp1252.csv"
OTHER_CRM = FIXTURES / "other_crm_deals.csv"
PIPEDRIVE = FIXTURES / "pipedrive_deals.csv"
SALESFORCE_REPORT = FIXTURES / "salesforce_report.csv"
BAD_ROWS = FIXTURES / "bad_rows.csv"

OPPORTUNITIES = """
    SELECT o.external_id, o.name, a.name AS account, o.amount, o.currency, o.due_date, o.status,
        o.probability, o.created_on, o.closed_on, o.close_reason, o.notes
    FROM opportunities AS o JOIN accounts AS a ON a.id = o.account_id ORDER BY o.id
"""
HISTORY = """
    SELECT o.external_id, h.changed_at, h.status, h.amount, h.due_date, h.closed_on
    FROM opportunity_history AS h JOIN opportunities AS o ON o.id = h.opportunity_id
    ORDER BY o.id, h.changed_at, h.id
"""


def dump(db_path: Path) -> list[str]:
    """Everything in the database, as SQL: two equal dumps are two equal databases."""
    conn = sqlite3.connect(db_path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def opportunity(ext, name, account, amount, due, status, created, closed=None, **more) -> dict:
    return {
        "external_id": ext,
        "name": name,
        "account": account,
        "amount": amount,
        "currency": more.get("currency", "EUR"),
        "due_date": due,
        "status": status,
        "probability": None,
        "created_on": created,
        "closed_on": closed,
        "close_reason": more.get("reason"),
        "notes": more.get("notes"),
    }


# A French spreadsheet export --------------------------------------------------------------

FRENCH_COLUMNS = (
    "Columns: 'Réf.' -> external_id, 'Opportunité' -> name, 'Compte' -> account, "
    "'Montant' -> amount, \"Date d'échéance\" -> due_date, 'Statut' -> status, "
    "'Date de création' -> created_on, 'Date de clôture effective' -> closed_on, "
    "'Motif' -> close_reason\n"
)
FRENCH_IGNORED = (
    "Ignored columns (no opportunity field matches them): 'Commercial'. "
    "Import one with --map COLUMN=FIELD.\n"
)
FRENCH_ROWS = [
    opportunity(
        "FR-001",
        "Refonte du site",
        "Boulangerie Martin",
        1500,
        "2027-01-15",
        "quote",
        "2026-10-02",
        notes="Site vitrine + boutique",
    ),
    opportunity(
        "FR-002",
        "Maintenance annuelle",
        "Société Générale des Eaux",
        12000,
        "2026-12-31",
        "negotiation",
        "2026-09-15",
    ),
    opportunity(
        "FR-003",
        "Formation équipe",
        "Café du Commerce",
        850,
        "2026-11-20",
        "analysis",
        "2026-11-01",
    ),
    opportunity(
        "FR-004",
        "Audit sécurité",
        "Boulangerie Martin",
        2401,
        "2026-10-30",
        "won",
        "2026-06-01",
        "2026-10-28",
        notes="Signé ; acompte reçu",
    ),
    opportunity(
        "FR-005",
        "Licences 2026",
        "Hôtel Beau Rivage",
        4800,
        "2026-10-15",
        "lost",
        "2026-05-01",
        "2026-10-12",
        reason="Trop cher",
    ),
    opportunity(
        "FR-006",
        "Migration messagerie",
        "Café du Commerce",
        3200,
        "2027-02-28",
        "quote",
        "2026-11-20",
        notes='=HYPERLINK("x")',
    ),
]


def test_a_french_spreadsheet_export_comes_in_with_its_history(ok, rows, empty_db):
    result = ok("import", "opps", str(FRENCH_BOM), "--create-accounts")

    assert result.stdout == ""
    assert result.stderr == (
        FRENCH_COLUMNS
        + FRENCH_IGNORED
        + "1 amount was rounded to a whole unit (line 5).\n"
        + "2 deals this import closed have no follow-up task (a close on the command line asks "
        "for one; --follow-up adds them at the import). Add them with:\n"
        "  colibri task add 'Check in with Boulangerie Martin for a new order' --opp 4 --due "
        "2027-02-26\n"
        "  colibri task add 'Ask Hôtel Beau Rivage what would win the next deal' --opp 5 --due "
        "2027-02-26\n"
        + "Warning: 1 open opportunity is past due (line 4): give it a new due date, "
        "or close it.\n"
        + f"Imported opportunities from {FRENCH_BOM} (semicolon-separated CSV, UTF-8 with BOM): "
        "6 created, 0 updated, 0 skipped, 0 rejected; 4 new accounts.\n"
    )
    assert rows(OPPORTUNITIES) == FRENCH_ROWS
    assert [row["name"] for row in rows("SELECT name FROM accounts ORDER BY id")] == [
        "Boulangerie Martin",
        "Société Générale des Eaux",
        "Café du Commerce",
        "Hôtel Beau Rivage",
    ]
    # Closed deals were open from their creation day and closed from their closing day.
    closed = [row for row in rows(HISTORY) if row["external_id"] in ("FR-004", "FR-005")]
    assert closed == [
        {
            "external_id": "FR-004",
            "changed_at": "2026-06-01T00:00:00",
            "status": "analysis",
            "amount": 2401,
            "due_date": "2026-10-30",
            "closed_on": None,
        },
        {
            "external_id": "FR-004",
            "changed_at": "2026-10-28T00:00:00",
            "status": "won",
            "amount": 2401,
            "due_date": "2026-10-30",
            "closed_on": "2026-10-28",
        },
        {
            "external_id": "FR-005",
            "changed_at": "2026-05-01T00:00:00",
            "status": "analysis",
            "amount": 4800,
            "due_date": "2026-10-15",
            "closed_on": None,
        },
        {
            "external_id": "FR-005",
            "changed_at": "2026-10-12T00:00:00",
            "status": "lost",
            "amount": 4800,
            "due_date": "2026-10-15",
            "closed_on": "2026-10-12",
        },
    ]


def test_the_same_spreadsheet_in_windows_encoding_gives_the_same_database(empty_db, cli, ok, rows):
    refused = cli("import", "opps", str(FRENCH_CP1252), "--create-accounts")
    assert refused.exit_code == 2
    assert refused.stderr == (
        f"Error: {FRENCH_CP1252} is not valid UTF-8 (byte 0xe9 near line 1). It was probably "
        "saved by a spreadsheet in the Windows encoding: import it with --encoding cp1252.\n"
    )
    assert rows("SELECT count(*) AS n FROM accounts") == [{"n": 0}]

    result = ok("import", "opps", str(FRENCH_CP1252), "--create-accounts", "--encoding", "cp1252")

    assert result.stderr.endswith(
        f"Imported opportunities from {FRENCH_CP1252} (semicolon-separated CSV, cp1252): "
        "6 created, 0 updated, 0 skipped, 0 rejected; 4 new accounts.\n"
    )
    assert rows(OPPORTUNITIES) == FRENCH_ROWS


def test_importing_the_spreadsheet_twice_adds_nothing(ok, db_path):
    ok("import", "opps", str(FRENCH_BOM), "--create-accounts")
    before = dump(db_path)

    again = ok("import", "opps", str(FRENCH_BOM), "--create-accounts")

    assert again.stderr == (
        FRENCH_COLUMNS
        + FRENCH_IGNORED
        + f"Imported opportunities from {FRENCH_BOM} (semicolon-separated CSV, UTF-8 with BOM): "
        "0 created, 0 updated, 6 skipped, 0 rejected.\n"
    )
    assert dump(db_path) == before


# Another CRM's export ----------------------------------------------------------------------

DATE_HINT = (
    "use YYYY-MM-DD, DD/MM/YYYY, today, tomorrow, a weekday, +3d, +2w, +1m or eom. "
    "If the file writes the month first, import it with --date-format %m/%d/%Y."
)
CHOICES = "Choose one of: analysis, quote, negotiation, won, lost, cancelled."
OTHER_CRM_COLUMNS = (
    "Columns: 'Deal ID' -> external_id, 'Deal Name' -> name, 'Account Name' -> account, "
    "'Close Date' -> due_date, 'Stage' -> status, 'Created Date' -> created_on\n"
)
OTHER_CRM_IGNORED = (
    "Ignored columns (no opportunity field matches them): 'Deal Owner', 'Pipeline'. "
    "Import one with --map COLUMN=FIELD.\n"
)
OTHER_CRM_STAGES = (
    "Stages read as the nearest colibri status: 'Proposal/Price Quote' -> quote, "
    "'Prospecting' -> analysis, 'Qualification' -> analysis. Give another with "
    "--status-map STAGE=STATUS.\n"
)
OTHER_CRM_OPTIONS = (
    "--create-accounts",
    "--date-format",
    "%m/%d/%Y",
    "--default",
    "amount=0",
    "--default",
    "due_date=+1m",
    "--default",
    "account=Unassigned",
)


def test_another_crms_export_is_refused_with_every_problem_named(empty_db, cli, db_path):
    before = dump(db_path)

    result = cli("import", "opps", str(OTHER_CRM), "--create-accounts")

    assert result.exit_code == 2
    assert result.stderr == (
        OTHER_CRM_COLUMNS + f"line 2, Close Date: Invalid due date '12/15/2026': {DATE_HINT}\n"
        f"line 3, Close Date: Invalid due date '3/31/2027': {DATE_HINT}\n"
        "line 4, Amount: The amount is missing.\n"
        "line 4, Close Date: The due date is missing.\n"
        f"line 5, Close Date: Invalid due date '10/30/2026': {DATE_HINT}\n"
        f"line 5, Created Date: Invalid creation date '06/15/2026': {DATE_HINT}\n"
        f"line 6, Close Date: Invalid due date '1/15/2027': {DATE_HINT}\n"
        "line 6, Account Name: The account is missing.\n"
        f"line 7, Close Date: Invalid due date '9/15/2026': {DATE_HINT}\n"
        "line 8, Amount: The amount is missing.\n"
        "line 8, Close Date: The due date is missing.\n"
        f"line 8, Created Date: Invalid creation date '11/20/2026': {DATE_HINT}\n"
        + OTHER_CRM_IGNORED
        + "Hint: Empty required values: amount (2), due_date (2), account (1). Fill them in, or "
        "give a value for them all with --default FIELD=VALUE (e.g. --default amount=0 "
        "--default due_date=+1m --default account=Unassigned).\n"
        "Error: Nothing was imported: line 2 has '12/15/2026', a date that puts the month "
        "first, but other dates were read with the day first, as the date-order setting says "
        "(line 2: '09/01/2026' as 2026-01-09). Import it with --date-format %m/%d/%Y.\n"
    )
    assert dump(db_path) == before  # not even the accounts it would have created


def test_another_crms_export_comes_in_with_a_few_options(ok, rows, empty_db):
    result = ok("import", "opps", str(OTHER_CRM), *OTHER_CRM_OPTIONS)

    assert result.stderr == (
        OTHER_CRM_COLUMNS + OTHER_CRM_IGNORED + "--default amount=0 filled 2 rows.\n"
        "--default due_date=+1m filled 2 rows.\n"
        "--default account=Unassigned filled 1 row.\n"
        "2 closed opportunities have no closing date: the due date was taken as the closing "
        "date (lines 5 and 7).\n"
        "2 amounts have no currency, unlike others of the file: they were taken in EUR, the "
        "currency setting (lines 4 and 8); give --default currency=CODE if they are in "
        "another.\n"
        "2 deals this import closed have no follow-up task (a close on the command line asks "
        "for one; --follow-up adds them at the import). Add them with:\n"
        "  colibri task add 'Check in with ACME Industries for a new order' --opp 4 --due "
        "2027-02-26\n"
        "  colibri task add 'Ask Umbrella Corp what would win the next deal' --opp 6 --due "
        "2027-02-26\n"
        + OTHER_CRM_STAGES
        + "Warning: 2 open opportunities have an amount of 0 (lines 4 and 8): the pipeline and "
        "forecast "
        "will not count them.\n"
        f"Imported opportunities from {OTHER_CRM} (comma-separated CSV, UTF-8): "
        "7 created, 0 updated, 0 skipped, 0 rejected; 5 new accounts.\n"
    )
    usd = {"currency": "USD"}
    assert rows(OPPORTUNITIES) == [
        opportunity(
            "D-1001",
            "Website redesign",
            "ACME Industries",
            15000,
            "2026-12-15",
            "quote",
            "2026-09-01",
            **usd,
        ),
        opportunity(
            "D-1002",
            "Support contract",
            "Globex",
            1500,
            "2027-03-31",
            "analysis",
            "2026-10-12",
            **usd,
        ),
        opportunity(
            "D-1003", "Hardware refresh", "Initech", 0, "2026-12-26", "analysis", "2026-11-02"
        ),
        opportunity(
            "D-1004",
            "Cloud migration",
            "ACME Industries",
            48500,
            "2026-10-30",
            "won",
            "2026-06-15",
            "2026-10-30",
            **usd,
        ),
        opportunity(
            "D-1005", "Training", "Unassigned", 2000, "2027-01-15", "analysis", "2026-11-10", **usd
        ),
        opportunity(
            "D-1006",
            "Security audit",
            "Umbrella Corp",
            7250,
            "2026-09-15",
            "lost",
            "2026-05-02",
            "2026-09-15",
            **usd,
        ),
        opportunity(
            "D-1007", "Data warehouse", "Globex", 0, "2026-12-26", "analysis", "2026-11-20"
        ),
    ]


def test_reports_work_on_imported_history(ok):
    ok("import", "opps", str(OTHER_CRM), *OTHER_CRM_OPTIONS)

    stats = json.loads(ok("stats", "--format", "json").stdout)
    assert stats["win_rate"] == {"won": 1, "lost": 1, "cancelled": 0, "rate": 50.0}
    assert stats["sales_cycle"] == {"count": 1, "median_days": 137}  # 15 June -> 30 October

    # The day before it was won, the deal was open in its first status (10%).
    forecast = json.loads(ok("forecast", "--as-of", "2026-10-29", "--format", "json").stdout)
    october = next(
        row
        for row in forecast["periods"]
        if row["period"] == "2026-10" and row["currency"] == "USD"
    )
    assert (october["won"], october["weighted"], october["best_case"]) == (0, 4850, 48500)


def test_another_crms_export_twice_adds_nothing(ok, db_path):
    ok("import", "opps", str(OTHER_CRM), *OTHER_CRM_OPTIONS)
    before = dump(db_path)

    again = ok("import", "opps", str(OTHER_CRM), *OTHER_CRM_OPTIONS)

    assert again.stderr.endswith("0 created, 0 updated, 7 skipped, 0 rejected.\n")
    assert dump(db_path) == before


# Pipedrive: a stage for open deals, a status (open, won, lost) for them all -----------------

PIPEDRIVE_COLUMNS = (
    "Columns: 'Deal - ID' -> external_id, 'Deal - Title' -> name, 'Deal - Value' -> amount, "
    "'Deal - Currency' -> currency, 'Deal - Organization' -> account, 'Organization - ID' -> "
    "account_external_id, 'Deal - Contact person' -> contact, 'Deal - Stage' -> status, "
    "'Deal - Status' -> outcome, 'Deal - Deal created' -> created_on, "
    "'Deal - Expected close date' -> due_date, 'Deal - Won time' -> won_closed_on, "
    "'Deal - Lost time' -> lost_closed_on, 'Deal - Deal closed on' -> closed_on, "
    "'Deal - Lost reason' -> close_reason\n"
)
PIPEDRIVE_STAGES = (
    "--status-map", "Qualified=analysis", "--status-map", "Contact Made=analysis",
    "--status-map", "Proposal Made=quote", "--status-map", "Negotiations Started=negotiation",
)  # fmt: skip


def test_pipedrive_stages_and_statuses_are_read_together(empty_db, cli, ok, rows, db_path):
    before = dump(db_path)

    refused = cli("import", "opps", str(PIPEDRIVE), "--create-accounts", *PIPEDRIVE_STAGES)
    assert refused.exit_code == 2
    assert refused.stderr.startswith(
        PIPEDRIVE_COLUMNS + f"line 6, Deal - Status: Unknown status 'deleted'. {CHOICES}\n"
    )
    assert dump(db_path) == before

    ok("import", "opps", str(PIPEDRIVE), "--create-accounts", *PIPEDRIVE_STAGES,
       "--status-map", "deleted=cancelled")  # fmt: skip

    # The stage of an open deal, the outcome of a closed one (whatever stage it was in),
    # and the day of each time.
    assert rows(OPPORTUNITIES) == [
        opportunity("101", "Website redesign", "ACME Industries", 15000, "2026-12-15", "quote",
                    "2026-09-01"),
        opportunity("102", "Support contract", "Globex", 1500, "2027-03-31", "analysis",
                    "2026-10-12"),
        opportunity("103", "Cloud migration", "ACME Industries", 48500, "2026-10-30", "won",
                    "2026-06-15", "2026-10-28"),
        opportunity("104", "Hardware refresh", "Initech", 9000, "2026-09-30", "lost",
                    "2026-07-01", "2026-09-20", reason="Price too high"),
        opportunity("105", "Training", "Globex", 2000, "2026-08-30", "cancelled", "2026-08-01",
                    "2026-08-30"),
    ]  # fmt: skip
    assert rows("SELECT name, external_id FROM accounts ORDER BY id") == [
        {"name": "ACME Industries", "external_id": "7"},
        {"name": "Globex", "external_id": "8"},
        {"name": "Initech", "external_id": "9"},
    ]


def test_colibris_own_french_labels_are_statuses(ok, rows):
    text = (
        "Société;Opportunité;Montant;Échéance;Étape\n"
        "ACME;Site;1 500,00 €;15/12/2026;Devis envoyé\n"
        "ACME;Audit;900;20/12/2026;Analyse des besoins\n"
        "ACME;Formation;700;22/12/2026;Négociation\n"
    )

    ok("import", "opps", "-", "--create-accounts", input=text)

    assert [row["status"] for row in rows("SELECT status FROM opportunities ORDER BY id")] == [
        "quote",
        "analysis",
        "negotiation",
    ]


def test_a_reports_footer_is_left_out_and_said(ok, rows, empty_db):
    result = ok("import", "opps", str(SALESFORCE_REPORT), "--create-accounts")

    assert result.stderr.splitlines()[1:] == [
        "Left out lines 7, 9, 10, 11 and 12, after the last row: a report's footer "
        "('Grand Totals (2 records)', "
        "'Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved.', "
        "'Confidential Information - Do Not Distribute' and 2 more).",
        f"Imported opportunities from {SALESFORCE_REPORT} (comma-separated CSV, UTF-8): "
        "2 created, 0 updated, 0 skipped, 0 rejected; 2 new accounts.",
    ]
    assert rows("SELECT name, amount, currency, external_id FROM opportunities") == [
        {
            "name": "Website redesign",
            "amount": 15000,
            "currency": "USD",
            "external_id": "006A000001",
        },
        {
            "name": "Support contract",
            "amount": 1500,
            "currency": "USD",
            "external_id": "006A000002",
        },
    ]


def test_one_cell_rows_at_the_end_that_are_valid_are_rows(ok, rows, empty_db):
    text = 'name\nAcme\nBeta\n\nGamma\n\n"Grand Totals (3 records)"\nDelta\n© 2026 Initech\n'

    result = ok("import", "accounts", "-", input=text)

    assert result.stderr.splitlines() == [
        "Left out lines 7 and 9, after the last row: a report's footer ('Grand Totals (3 "
        "records)', '© 2026 Initech').",
        "Imported accounts from stdin (comma-separated CSV, UTF-8): 4 created, 0 updated, "
        "0 skipped, 0 rejected.",
    ]
    assert [row["name"] for row in rows("SELECT name FROM accounts ORDER BY id")] == [
        "Acme", "Beta", "Gamma", "Delta",
    ]  # fmt: skip


def test_rows_after_a_blank_line_are_rows_if_they_are_rows(cli, rows):
    text = (
        "name,account,amount,due_date,status\n"
        "A,ACME,1,2027-01-31,quote\n\n"
        "Total\n\n"
        "B,ACME,2,2027-01-31,quote\n\n"
        "C\n"
    )

    result = cli("import", "opps", "-", "--create-accounts", "--skip-invalid", input=text)

    # "Total" is followed by a row: it is a row, and refused.
    assert result.stderr.splitlines()[:1] == [
        "line 4: This row has 1 cell but the header has 5: check the delimiter and the quotes.",
    ]
    assert "Left out line 8, after the last row: a report's footer ('C')." in result.stderr
    assert [row["name"] for row in rows("SELECT name FROM opportunities ORDER BY id")] == ["A", "B"]


def test_a_rejects_file_ends_its_lines_as_the_file_did(ok, tmp_path):
    rejects = tmp_path / "rejects.csv"
    text = (
        "name;account;amount;due_date;status\r\n"
        "A;ACME;1;2027-01-31;quote\r\n"
        "B;ACME;x;2027-01-31;quote\r\n"
    )

    ok("import", "opps", "-", "--create-accounts", "--skip-invalid", "--rejects", str(rejects),
       input=text)  # fmt: skip

    assert (
        rejects.read_bytes()
        == (
            "reject_reason;name;account;amount;due_date;status\r\n"
            f"amount: Invalid amount 'x': {AMOUNT_HINT};B;ACME;x;2027-01-31;quote\r\n"
        ).encode()
    )


# Dates in the other order ------------------------------------------------------------------

MONTH_FIRST = (
    "name,account,amount,due_date,status,created_on\n"
    "A,ACME,10,2/4/2027,quote,2026-11-01 09:30:00\n"
    "B,ACME,10,4/13/2027,quote,2026-11-01T09:30:00Z\n"
    "C,ACME,10,5/5/2027,quote,2026-11-02\n"
)


@pytest.mark.parametrize("options", [(), ("--skip-invalid",), ("--skip-invalid", "--dry-run")])
def test_a_month_first_file_is_never_half_read_day_first(cli, db_path, options):
    cli("account", "add", "ACME")
    before = dump(db_path)

    result = cli("import", "opps", "-", *options, input=MONTH_FIRST)

    start = "The import would be refused" if "--dry-run" in options else "Nothing was imported"
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        f"Error: {start}: line 3 has '4/13/2027', a date that puts the month first, but other "
        "dates were read with the day first, as the date-order setting says (line 2: "
        "'2/4/2027' as 2027-04-02). Import it with --date-format %m/%d/%Y."
    )
    assert dump(db_path) == before


def test_with_its_date_format_a_month_first_file_comes_in(ok, rows):
    ok("account", "add", "ACME")

    ok("import", "opps", "-", "--date-format", "%m/%d/%Y", input=MONTH_FIRST)

    assert rows("SELECT name, due_date, created_on FROM opportunities ORDER BY id") == [
        {"name": "A", "due_date": "2027-02-04", "created_on": "2026-11-01"},
        {"name": "B", "due_date": "2027-04-13", "created_on": "2026-11-01"},
        {"name": "C", "due_date": "2027-05-05", "created_on": "2026-11-02"},
    ]


def test_a_date_format_is_the_order_of_every_numeric_date(cli, rows):
    text = MONTH_FIRST + "D,ACME,10,25/12/2027,quote,2027-01-31\nE,ACME,10,tomorrow,quote,\n"

    result = cli("import", "opps", "-", "--create-accounts", "--date-format", "%m/%d/%Y",
                 "--skip-invalid", input=text)  # fmt: skip

    assert result.stderr.splitlines()[0] == (
        "line 5, due_date: Invalid due date '25/12/2027': it does not match --date-format %m/%d/%Y."
    )
    assert [row["name"] for row in rows("SELECT name FROM opportunities")] == ["A", "B", "C", "E"]


@pytest.mark.parametrize(
    ("date_format", "text", "message"),
    [
        ("%d/%m/%Y", "31/11/2026", "2026-11 has 30 days."),
        ("%d/%m/%y", "31/11/70", "1970-11 has 30 days."),
        ("%m/%d/%Y", "2/29/2027", "2027-02 has 28 days."),
        ("%d/%m/%Y", "30/11/26", "it does not match --date-format %d/%m/%Y."),
    ],
)
def test_a_date_off_its_format_says_why(cli, date_format, text, message):
    file = f"name,account,amount,due_date,status\nA,ACME,1,{text},quote\n"

    result = cli("import", "opps", "-", "--create-accounts", "--date-format", date_format,
                 input=file)  # fmt: skip

    assert (
        result.stderr.splitlines()[0] == f"line 2, due_date: Invalid due date '{text}': {message}"
    )


def test_dates_that_read_alike_either_way_are_not_a_conflict(ok, rows):
    text = (
        "name,account,amount,due_date,status\nA,ACME,10,5/5/2027,quote\nB,ACME,1,01/1/2027,quote\n"
    )

    ok("import", "opps", "-", "--create-accounts", input=text)

    assert rows("SELECT due_date FROM opportunities ORDER BY id") == [
        {"due_date": "2027-05-05"},
        {"due_date": "2027-01-01"},
    ]


# A file with bad rows scattered through it -------------------------------------------------

AMOUNT_HINT = "write a whole number such as 15000, 15 000, 15k or 1.5M."
ISO_HINT = "use YYYY-MM-DD, DD/MM/YYYY, today, tomorrow, a weekday, +3d, +2w, +1m or eom."
BAD_ROW_PROBLEMS = [
    f"line 3, amount: Invalid amount '12abc': {AMOUNT_HINT}",
    "line 5, name: The name is missing.",
    "line 6, due_date: Invalid due date '2027-02-30': 2027-02 has 28 days.",
    f"line 8, status: Unknown status 'signed'. {CHOICES}",
    "line 9, probability: Invalid probability '150': give a percentage from 0 to 100 (70, 70.0, "
    "70 %), or fractions of 1 in the whole column (0.7).",
    "line 10, amount: Invalid amount '-500': it cannot be negative; write 0 or more, "
    "such as 15000.",
    "line 11, account: No account 'Globx'. Did you mean 'Globex'?",
    "line 12, created_on: Invalid creation date '2027-01-01': it is in the future (2027-01-01).",
    "line 14, due_date: The closing date 2027-05-01 (its due date, as the row has none) is in "
    "the future: give the row the day it closed.",
    f"line 15, amount: Invalid amount 'abc': {AMOUNT_HINT}",
    f"line 15, due_date: Invalid due date '31/31/2027': {ISO_HINT}",
    "line 16, external_id: An earlier row of this file has the same external id 'B-01': "
    "remove the duplicate, or give each opportunity its own external id.",
]
BAD_ROW_NOTICES = [
    "1 open opportunity has a probability of its own, not its status's (line 7): it keeps it "
    "until its status changes (opp edit ID --probability '' gives it back to the status).",
    "Hint: Unknown statuses: 'signed' (1). Map each to a colibri status (see `colibri "
    "statuses list`), putting it in place of STATUS: --status-map signed=STATUS",
    "Hint: 1 account not found; --create-accounts creates the missing ones.",
    "Hint: 1 closed row has no closing date, and its due date, taken instead, is in the future. "
    "--default closed_on=DATE gives that date to the closed rows without a closing date (1 in "
    "the file), and to no other row.",
]


@pytest.fixture
def two_accounts(ok):
    ok("account", "add", "ACME")
    ok("account", "add", "Globex")


def test_bad_rows_refuse_the_whole_file_and_each_is_named(cli, db_path, two_accounts):
    before = dump(db_path)

    result = cli("import", "opps", str(BAD_ROWS))

    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        *BAD_ROW_PROBLEMS,
        *BAD_ROW_NOTICES,
        "Error: Nothing was imported: 11 of 15 rows are invalid (listed above). Fix them, or "
        "import the 4 valid rows with --skip-invalid (and --rejects FILE to keep the others).",
    ]
    assert dump(db_path) == before


def test_a_dry_run_announces_what_the_real_run_does(cli, ok, db_path, two_accounts):
    before = dump(db_path)

    dry = cli("import", "opps", str(BAD_ROWS), "--dry-run")
    assert dry.exit_code == 2
    assert dry.stderr.splitlines()[-2:] == [
        f"Dry run, nothing written. Importing opportunities from {BAD_ROWS} would give: "
        "4 created, 0 updated, 0 skipped, 11 rejected.",
        "Error: The import would be refused: 11 of 15 rows are invalid (listed above). Fix "
        "them, or import the 4 valid rows with --skip-invalid (and --rejects FILE to keep the "
        "others).",
    ]
    assert dump(db_path) == before
    real = cli("import", "opps", str(BAD_ROWS))
    assert real.exit_code == dry.exit_code
    assert real.stderr.splitlines()[:-1] == dry.stderr.splitlines()[:-2]

    rejects = db_path.parent / "rejects.csv"
    dry = ok(
        "import", "opps", str(BAD_ROWS), "--dry-run", "--skip-invalid", "--rejects", str(rejects)
    )
    assert dump(db_path) == before
    assert not rejects.exists()  # a dry run writes nothing, not even the rejects
    real = ok("import", "opps", str(BAD_ROWS), "--skip-invalid")
    assert dry.stderr.replace(
        f"Dry run, nothing written. Importing opportunities from {BAD_ROWS} would give:",
        "",
    ) == real.stderr.replace(
        f"Imported opportunities from {BAD_ROWS} (comma-separated CSV, UTF-8):", ""
    )
    assert real.stderr.endswith("4 created, 0 updated, 0 skipped, 11 rejected.\n")


def test_skip_invalid_keeps_the_rejects_to_fix_and_import_again(ok, rows, tmp_path, two_accounts):
    rejects = tmp_path / "rejects.csv"

    result = ok("import", "opps", str(BAD_ROWS), "--skip-invalid", "--rejects", str(rejects))

    assert result.stderr.splitlines() == [
        *BAD_ROW_PROBLEMS,
        *BAD_ROW_NOTICES,
        f"Imported opportunities from {BAD_ROWS} (comma-separated CSV, UTF-8): "
        "4 created, 0 updated, 0 skipped, 11 rejected.",
        f"The 11 rejected rows are in {rejects}, with the reason in reject_reason; fix them "
        "and import that file again.",
    ]
    assert [row["external_id"] for row in rows("SELECT external_id FROM opportunities")] == [
        "B-01",
        "B-03",
        "B-06",
        "B-12",
    ]
    lines = rejects.read_text(encoding="utf-8").splitlines()
    assert lines[0] == (
        "reject_reason,external_id,name,account,amount,due_date,status,probability,created_on"
    )
    assert lines[1] == (
        f"\"amount: Invalid amount '12abc': {AMOUNT_HINT}\",B-02,Bad amount,ACME,12abc,"
        "2027-01-31,quote,,"
    )
    assert lines[-1] == (
        "\"external_id: An earlier row of this file has the same external id 'B-01': remove "
        'the duplicate, or give each opportunity its own external id.",B-01,Duplicate id,ACME,'
        "1000,2027-01-31,quote,,"
    )
    assert len(lines) == 12

    # Fixed by hand, the rejects file imports with the same command; the reason column is ignored.
    fixed = (
        rejects.read_text(encoding="utf-8")
        .replace(",12abc,", ",1200,")
        .replace(",,ACME,3000,", ",No name,ACME,3000,")
        .replace("2027-02-30", "2027-02-28")
        .replace(",signed,", ",quote,")
        .replace(",150,", ",50,")
        .replace(",-500,", ",500,")
        .replace("Globx", "Globex")
        .replace(",2027-01-01", ",2026-01-01")
        .replace(",2027-05-01,won,", ",2026-11-02,won,")
        .replace(",abc,31/31/2027,", ",1k,31/12/2027,")
        .replace("B-01,Duplicate id", "B-15,Duplicate id")
    )
    rejects.write_text(fixed, encoding="utf-8")
    again = ok("import", "opps", str(rejects), "--skip-invalid", "--rejects", str(rejects))
    assert again.stderr.splitlines()[-2:] == [
        f"Imported opportunities from {rejects} (comma-separated CSV, UTF-8): "
        "11 created, 0 updated, 0 skipped, 0 rejected.",
        f"No row was rejected: {rejects} holds just the header.",
    ]
    assert rows("SELECT count(*) AS n FROM opportunities") == [{"n": 15}]
    assert rejects.read_text(encoding="utf-8") == (
        "reject_reason,external_id,name,account,amount,due_date,status,probability,created_on\n"
    )


# The example of docs/import-export.md --------------------------------------------------------

IMPORT_PAGE = Path(__file__).parent.parent / "docs" / "import-export.md"
EXAMPLE = re.compile(r"<!-- import example -->\n```console\n(.*?)```", re.DOTALL)


def test_the_documented_example_is_what_colibri_prints(cli, tmp_path, monkeypatch, empty_db):
    shutil.copy(FIXTURES / "deals.csv", tmp_path / "deals.csv")
    monkeypatch.chdir(tmp_path)
    block = EXAMPLE.search(IMPORT_PAGE.read_text(encoding="utf-8"))[1]

    printed = []
    for line in block.splitlines():
        if line.startswith("$ colibri "):
            printed.append(line)
            printed += cli(*shlex.split(line)[2:]).output.splitlines()

    assert printed == block.splitlines()
    assert (tmp_path / "rejected.csv").read_text(encoding="utf-8").splitlines()[0] == (
        "reject_reason;Réf.;Opportunité;Compte;Montant;Date d'échéance;Statut"
    )
