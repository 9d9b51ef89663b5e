"""What an import reads: CSV with any of the usual delimiters, JSON arrays and JSON lines,
UTF-8 with or without BOM, UTF-16, Windows encodings; headers as people write them."""

import json

import pytest

from colibri_cli.cli.output import FORMULA_STARTS, _csv_cell
from colibri_cli.core.errors import InvalidInput
from colibri_cli.core.transfer import columns, sources

OPPS = "SELECT external_id, name, amount, due_date, status FROM opportunities ORDER BY id"
EXPECTED = [
    {"external_id": "X1", "name": "Website", "amount": 1500, "due_date": "2027-01-15",
     "status": "quote"},
    {"external_id": "X2", "name": "Audit", "amount": 800, "due_date": "2027-02-01",
     "status": "analysis"},
]  # fmt: skip


@pytest.fixture
def acme(ok):
    ok("account", "add", "ACME")


def csv_text(delimiter: str) -> str:
    rows = [
        ["id", "name", "account", "amount", "due_date", "status"],
        ["X1", "Website", "ACME", "1500", "15/01/2027", "devis"],
        ["X2", "Audit", "ACME", "800", "2027-02-01", "analysis"],
    ]
    return "".join(delimiter.join(row) + "\n" for row in rows)


@pytest.mark.parametrize("delimiter", [",", ";", "\t"], ids=["comma", "semicolon", "tab"])
def test_the_delimiter_is_found(ok, rows, acme, delimiter):
    name = {",": "comma", ";": "semicolon", "\t": "tab"}[delimiter]

    result = ok("import", "opps", "-", input=csv_text(delimiter))

    assert rows(OPPS) == EXPECTED
    assert f"from stdin ({name}-separated CSV, UTF-8): 2 created" in result.stderr


def test_excels_sep_line_and_quoted_delimiters(ok, rows, acme):
    text = (
        "sep=;\nid;name;account;amount;due_date;status\n"
        'X1;"Website; phase 1";ACME;"1 500";2027-01-15;quote\n'
    )

    ok("import", "opps", "-", input=text)

    assert rows("SELECT name, amount FROM opportunities") == [
        {"name": "Website; phase 1", "amount": 1500}
    ]


def test_a_header_with_quoted_commas_does_not_fool_the_sniffer():
    assert sources.sniff_delimiter('"Name, full";Amount;Due\n') == ";"
    assert sources.sniff_delimiter("name\n") == ","


def test_utf16_from_excels_unicode_text(ok, rows, acme):
    data = csv_text("\t").encode("utf-16")  # with its BOM, as Excel saves "Unicode text"

    result = ok("import", "opps", "-", input=data)

    assert rows(OPPS) == EXPECTED
    assert "(tab-separated CSV, UTF-16)" in result.stderr


def test_latin1_with_the_encoding_option(ok, rows, acme):
    text = "id;name;account;amount;due_date;status\nX1;Réseau;ACME;100;2027-01-15;négociation\n"

    ok("import", "opps", "-", "--encoding", "latin-1", input=text.encode("latin-1"))

    assert rows("SELECT name, status FROM opportunities") == [
        {"name": "Réseau", "status": "negotiation"}
    ]


def test_an_unknown_encoding_is_refused(cli):
    result = cli("import", "opps", "-", "--encoding", "klingon", input="a,b\n")

    assert result.exit_code == 2
    assert result.stderr == (
        "Error: Unknown encoding 'klingon': use utf-8, cp1252 (Windows spreadsheets) or latin-1.\n"
    )


def test_a_missing_file_is_refused(cli, tmp_path):
    missing = tmp_path / "nope.csv"

    result = cli("import", "opps", str(missing))

    assert result.exit_code == 2
    assert result.stderr == f"Error: Cannot read {missing}: No such file or directory.\n"


def test_a_json_array(ok, rows, acme):
    records = [
        {"external_id": "X1", "name": "Website", "account": "ACME", "amount": 1500,
         "due_date": "2027-01-15", "status": "quote", "probability": None,
         "tags": ["Hot", "q1"]},
        {"external_id": "X2", "name": "Audit", "account": "ACME", "amount": 800.0,
         "due_date": "2027-02-01", "status": "analysis"},
    ]  # fmt: skip

    result = ok("import", "opps", "-", input=json.dumps(records, indent=2))

    assert rows(OPPS) == EXPECTED
    assert rows("SELECT tags FROM opportunities WHERE tags IS NOT NULL") == [{"tags": "hot,q1"}]
    assert "from stdin (JSON, UTF-8): 2 created" in result.stderr


def test_json_lines_report_problems_by_line(cli, acme):
    lines = [
        {"id": "X1", "name": "Website", "account": "ACME", "amount": "abc",
         "due_date": "2027-01-15", "status": "quote"},
        {},
        {"id": "X2", "name": "Audit", "account": "ACME", "amount": 800,
         "due_date": "2027-02-01", "status": "analysis", "owner": {"name": "Jane"}},
    ]  # fmt: skip
    text = "\n".join(json.dumps(line) for line in lines) + "\n\n"

    result = cli("import", "opps", "-", input=text)

    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "Columns: 'id' -> external_id",
        "line 1, amount: Invalid amount 'abc': write a whole number such as 15000, 15 000, "
        "15k or 1.5M.",
        "line 2: This record has no fields.",
        "Ignored columns (no opportunity field matches them): 'owner.name'. Import one with "
        "--map COLUMN=FIELD.",
        "Error: Nothing was imported: 2 of 3 rows are invalid (listed above). Fix them, or "
        "import the 1 valid row with --skip-invalid (and --rejects FILE to keep the others).",
    ]


def test_a_json_array_reports_problems_by_record_and_line(cli, acme):
    text = (
        '[{"name": "A", "account": "ACME", "amount": 1, "due_date": "2027-01-01", '
        '"status": "quote"},\n {"name": "B", "account": "ACME", "amount": {"value": 2}, '
        '"due_date": "2027-01-01", "status": "quote"}]'
    )

    result = cli("import", "opps", "-", input=text)

    assert result.stderr.splitlines()[0] == (
        "record 2 (line 2), amount: The value of 'amount' is a JSON dict: give text or a number."
    )


BROKEN_JSON = {
    "truncated": ('[{"name": "A"}, {"name": ', "line 1: not valid JSON (Expecting value)."),
    "no comma": (
        '[{"name": "A"} {"name": "B"}]',
        "line 1: not valid JSON (expected ']', found '{').",
    ),
    "not objects": (
        "[1, 2]",
        'record 1 (line 1): a JSON file must be an array of objects ({"name": ...}).',
    ),
    "bad line": (
        '{"name": "A"}\n{"name": \n',
        "line 2: not valid JSON (Expecting value, column 10).",
    ),
    "line not an object": (
        '{"name": "A"}\n[1]\n',
        'line 2: each line of JSON lines must be an object ({"name": ...}), not list.',
    ),
}


@pytest.mark.parametrize(("text", "message"), BROKEN_JSON.values(), ids=BROKEN_JSON)
def test_a_broken_json_file_is_refused_whole(cli, db_path, text, message):
    result = cli("import", "accounts", "-", input=text)

    assert result.exit_code == 2
    assert result.stderr == f"Error: stdin, {message}\n"


def test_a_big_json_array_streams_across_chunks(ok, rows, monkeypatch):
    monkeypatch.setattr(sources, "CHUNK_CHARS", 7)
    records = [{"name": f"Account {number}", "city": "Lyon", "notes": "é" * number}
               for number in range(1, 30)]  # fmt: skip

    ok("import", "accounts", "-", input=json.dumps(records, ensure_ascii=False, indent=1))

    assert rows("SELECT count(*) AS n, max(length(notes)) AS longest FROM accounts") == [
        {"n": 29, "longest": 29}
    ]


def test_short_rows_blank_rows_and_extra_cells(cli, rows, acme):
    text = (
        "name,account,amount,due_date,status,notes\n"
        "Short,ACME,100,2027-01-01,quote\n"  # a cell left out: which one, who knows
        "\n"
        ",,,,,\n"  # a blank row: skipped
        "Trailing,ACME,100,2027-01-01,quote,,,\n"  # empty cells past the header: fine
        "Extra,ACME,100,2027-01-01,quote,note,surprise\n"
    )

    result = cli("import", "opps", "-", "--skip-invalid", input=text)

    assert result.exit_code == 0
    assert result.stderr.splitlines()[:2] == [
        "line 2: This row has 5 cells but the header has 6: check the delimiter and the quotes.",
        "line 6: This row has 7 cells but the header has 6: check the delimiter and the quotes.",
    ]
    assert [row["name"] for row in rows("SELECT name FROM opportunities")] == ["Trailing"]


def test_a_file_without_a_required_column_is_refused_before_any_row(cli):
    text = "Nom;Compte;Montant\nSite;ACME;100\n"

    result = cli("import", "opps", "-", input=text)

    assert result.exit_code == 2
    assert result.stderr == (
        "Error: Cannot import opportunities from stdin: no column for the due date: map one "
        "with --map COLUMN=due_date or give --default due_date=VALUE; no column for the status: "
        "map one with --map COLUMN=status or give --default status=VALUE. "
        "Its columns: 'Nom', 'Compte', 'Montant'.\n"
    )


# Headers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Nom", "name"),
        ("Opportunité", "name"),
        ("OPPORTUNITE", "name"),
        ("Montant", "amount"),
        ("Montant (€)", "amount"),
        ("Date d'échéance", "due_date"),
        ("date_d\u2019echeance", "due_date"),
        ("Statut", "status"),
        ("Compte", "account"),
        ("close_date", "due_date"),
        ("Close-Date", "due_date"),
        ("amount", "amount"),
        ("account_name", "account"),
        ("Account Name", "account"),
        ("stage", "status"),
        ("Deal - Value", "amount"),
        ("Deal - ID", "external_id"),
        ("Référence", "external_id"),
        ("Date de clôture effective", "closed_on"),
        ("Motif de perte", "close_reason"),
        ("Deal Owner", None),
        # Salesforce API names, Odoo, HubSpot, vTiger, Bitrix24
        ("CurrencyIsoCode", "currency"),
        ("Currency", "currency"),
        ("Deal - Currency", "currency"),
        ("currency_id", "currency"),
        ("CURRENCY_ID", "currency"),
        ("Devise", "currency"),
        ("Monnaie", "currency"),
        ("StageName", "status"),
        ("CloseDate", "due_date"),
        ("AccountId", "account_external_id"),
        ("Account.Name", "account"),
        ("CreatedDate", "created_on"),
        ("LossReason", "close_reason"),
        ("partner_name", "account"),
        ("expected_revenue", "amount"),
        ("planned_revenue", "amount"),
        ("date_deadline", "due_date"),
        ("stage_id", "status"),
        ("date_closed", "closed_on"),
        ("lost_reason_id", "close_reason"),
        ("dealstage", "status"),
        ("closedate", "due_date"),
        ("createdate", "created_on"),
        ("hs_object_id", "external_id"),
        ("potentialname", "name"),
        ("potential_no", "external_id"),
        ("closingdate", "due_date"),
        ("sales_stage", "status"),
        ("related_to", "account"),
        ("createdtime", "created_on"),
        ("TITLE", "name"),
        ("STAGE_ID", "status"),
        ("CLOSEDATE", "due_date"),
        ("DATE_CREATE", "created_on"),
        # Yes/no columns are no dates
        ("CLOSED", None),
        ("IsClosed", None),
        ("IsWon", None),
        ("hs_is_closed", None),
    ],
)
def test_opportunity_headers(header, field):
    assert columns.OPPORTUNITIES.field_for(header) == field


@pytest.mark.parametrize(
    ("kind", "header", "field"),
    [
        (columns.ACCOUNTS, "Raison sociale", "name"),
        (columns.ACCOUNTS, "Ville", "city"),
        (columns.ACCOUNTS, "BillingCity", "city"),
        (columns.ACCOUNTS, "BillingCountry", "country"),
        (columns.ACCOUNTS, "TITLE", "name"),
        (columns.ACCOUNTS, "Organization - ID", "external_id"),
        (columns.CONTACTS, "Prénom", "first_name"),
        (columns.CONTACTS, "Nom de famille", "last_name"),
        (columns.CONTACTS, "Société", "account"),
        (columns.CONTACTS, "Fonction", "role"),
        (columns.TASKS, "Tâche", "title"),
        (columns.TASKS, "Échéance", "due_date"),
        (columns.TASKS, "Opportunité", "opportunity"),
        (columns.TASKS, "Fait le", "done_on"),
    ],
)
def test_other_kinds_headers(kind, header, field):
    assert kind.field_for(header) == field


def test_a_weighted_amount_gives_way_to_the_amount():
    found = columns.match(columns.OPPORTUNITIES, ["Id", "ExpectedRevenue", "Amount", "StageName"])

    assert found.fields == {"Id": "external_id", "Amount": "amount", "StageName": "status"}
    assert found.ignored == ["ExpectedRevenue"]


def test_two_columns_for_one_field_name_the_closer_one():
    with pytest.raises(InvalidInput) as refused:
        columns.match(columns.OPPORTUNITIES, ["Deal Value", "Amount"])

    assert str(refused.value) == (
        "The columns 'Deal Value' and 'Amount' are both read as amount: keep 'Amount', the "
        "closer match, with --map 'Deal Value'= to ignore 'Deal Value'."
    )


def test_map_reads_a_column_as_a_field_or_ignores_it():
    found = columns.match(
        columns.OPPORTUNITIES,
        ["Ref", "Intitulé", "Valeur HT", "Notes"],
        [("valeur ht", "amount"), ("Notes", ""), ("Ref", "Due Date")],
    )

    assert found.fields == {"Ref": "due_date", "Intitulé": "name", "Valeur HT": "amount"}
    assert found.ignored == []


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        (
            [("Prix", "amount")],
            "Invalid --map Prix=amount: the file has no column 'Prix'. Its columns: 'Nom', 'Name'.",
        ),
        (
            [("Nom", "montant")],
            "Invalid --map: opportunities have no field 'montant'. Fields: name, account, "
            "contact, contact_external_id, amount, currency, due_date, status, probability, "
            "created_on, closed_on, "
            "close_reason, source, type, description, tags, notes, external_id, "
            "account_external_id, outcome, won_closed_on, lost_closed_on, won_close_reason, "
            "lost_close_reason.",
        ),
        (
            [],
            "The columns 'Nom' and 'Name' are both read as name: keep 'Name', the closer "
            "match, with --map Nom= to ignore 'Nom'.",
        ),
    ],
)
def test_column_mistakes_are_explained(mapping, message):
    with pytest.raises(InvalidInput) as refused:
        columns.match(columns.OPPORTUNITIES, ["Nom", "Name"], mapping)

    assert str(refused.value) == message


def test_map_and_default_on_the_command_line(ok, rows, acme):
    text = "Ref;Intitulé;Valeur HT;Client;Commercial\nR1;Site;2 000;ACME;Julie\n"

    result = ok(
        "import", "opps", "-",
        "--map", "Ref=external_id", "--map", "Valeur HT=amount", "--map", "Commercial=",
        "--default", "due_date=eoq", "--default", "status=devis",
        input=text,
    )  # fmt: skip

    assert result.stderr.splitlines()[0] == (
        "Columns: 'Ref' -> external_id, 'Intitulé' -> name, 'Valeur HT' -> amount, "
        "'Client' -> account"
    )
    assert rows(OPPS) == [
        {"external_id": "R1", "name": "Site", "amount": 2000, "due_date": "2026-12-31",
         "status": "quote"}
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--default", "amount=lots"], "Invalid --default amount=lots: Invalid amount 'lots': "
         "write a whole number such as 15000, 15 000, 15k or 1.5M."),
        (["--default", "amount"], "Invalid --default 'amount': write it as FIELD=VALUE."),
        (["--default", "colour=red"], "Invalid --default: opportunities have no field "),
        (["--status-map", "Signed=signed"], "Invalid --status-map Signed=signed: Unknown status "
         "'signed'. Choose one of: analysis, quote, negotiation, won, lost, cancelled."),
        (["--rejects", "r.csv"], "--rejects FILE goes with --skip-invalid: it keeps the "
         "skipped rows."),
        (["--skip-invalid", "--rejects", "."], "Cannot write the rejects file .: it is a "
         "directory."),
    ],
)  # fmt: skip
def test_bad_options_are_refused_before_any_row(cli, rows, acme, option, message):
    text = "name,account,amount,due_date,status\nA,ACME,1,2027-01-01,quote\n"

    result = cli("import", "opps", "-", *option, input=text)

    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {message}")
    assert rows("SELECT count(*) AS n FROM opportunities") == [{"n": 0}]


def test_every_kinds_synonyms_are_unambiguous():
    for kind in columns.KINDS.values():
        assert set(kind.lookup.values()) == set(kind.fields)


# Formula neutralisation -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["=1+1", "+33 1 23 45 67 89", "-5", "@SUM(A1)", "\tx", "'=x", "''=x", "'hello", "plain", "'"],
)
def test_reading_undoes_exactly_what_the_export_did(text):
    assert sources.unneutralize(_csv_cell(text)) == text


def test_the_core_and_the_renderer_agree_on_what_starts_a_formula():
    assert sources.FORMULA_STARTS == FORMULA_STARTS
