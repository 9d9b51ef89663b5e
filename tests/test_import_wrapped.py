"""JSON as tools write it: the records wrapped in an object (sfdx tree files, `sf data
query --json`, HubSpot's and other APIs), pretty-printed or not, with objects inside the
records; and a JSON file that cannot be read says where and why."""

import json
from pathlib import Path

import pytest

from colibri_cli.core.transfer import sources

EXPORTS = Path(__file__).parent / "fixtures" / "exports"
SFDX_ACCOUNTS = EXPORTS / "sfdx_Account.json"
SFDX_OPPORTUNITIES = EXPORTS / "sfdx_Opportunity.json"
HUBSPOT_API = EXPORTS / "hubspot_deals_api.json"
DEALS = """
    SELECT o.external_id, o.name, a.name AS account, o.amount, o.status, o.due_date,
        o.created_on, o.closed_on
    FROM opportunities AS o JOIN accounts AS a ON a.id = o.account_id ORDER BY o.id
"""


def test_sfdx_tree_files_link_opportunities_to_accounts_by_reference(empty_db, ok, rows):
    """A tree file gives each record a referenceId, by which the other files refer to it
    ("AccountId": "@AccountRef1"); its second Edge Communications is another company."""
    accounts = ok("import", "accounts", str(SFDX_ACCOUNTS))
    deals = ok("import", "opps", str(SFDX_OPPORTUNITIES))

    assert accounts.stderr == (
        "Columns: 'BillingCity' -> city\n"
        "Read the records under 'records' of the JSON object.\n"
        "1 account has the name of another with a different external id: named apart as "
        "'Edge Communications (Lima)' (line 93).\n"
        f"Imported accounts from {SFDX_ACCOUNTS} (JSON, UTF-8): 11 created, 0 updated, "
        "0 skipped, 0 rejected.\n"
    )
    assert deals.stderr.startswith(
        "Columns: 'StageName' -> status, 'CloseDate' -> due_date, 'AccountId' -> "
        "account_external_id, 'attributes.referenceId' -> external_id\n"
        "Read the records under 'records' of the JSON object.\n"
    )
    assert "30 created, 0 updated, 0 skipped, 0 rejected.\n" in deals.stderr
    assert rows("SELECT name, city, external_id FROM accounts WHERE name LIKE 'Edge%'") == [
        {"name": "Edge Communications", "city": "Lyon", "external_id": "@AccountRef1"},
        {"name": "Edge Communications (Lima)", "city": "Lima", "external_id": "@AccountRef11"},
    ]
    read = rows(DEALS)
    assert read[0] == {
        "external_id": "@OpportunityRef1",
        "name": "Edge Communications deal 1",
        "account": "Edge Communications",
        "amount": 1000,
        "status": "analysis",
        "due_date": "2027-02-10",
        "created_on": "2026-11-26",
        "closed_on": None,
    }
    assert read[7]["account"] == "University of Arizona"  # deal 8, AccountRef8
    assert read[7]["status"] == "won"


def test_references_to_accounts_not_imported_yet_are_counted_by_id(empty_db, cli, rows):
    result = cli("import", "opps", str(SFDX_OPPORTUNITIES), "--create-accounts")

    assert result.exit_code == 2
    assert result.stderr.splitlines()[1] == (
        "record 1 (line 3), AccountId: No account has the external id '@AccountRef1', and "
        "without its name --create-accounts cannot create it."
    )
    assert (
        "Hint: 10 account external ids not found ('@AccountRef1', '@AccountRef2', "
        "'@AccountRef3', …): --create-accounts cannot create an account from its id alone. "
        "Import the accounts file first (colibri import accounts), or map the column of the "
        "account's name (--map COLUMN=account).\n"
    ) in result.stderr
    assert rows("SELECT count(*) AS n FROM opportunities") == [{"n": 0}]


def test_a_sf_data_query_result_on_one_line_reads_the_nested_account_name(empty_db, ok, rows):
    records = [
        {"attributes": {"type": "Opportunity", "url": f"/services/data/v60.0/sobjects/{n}"},
         "Name": f"Deal {n}", "StageName": "Prospecting", "CloseDate": "2027-01-31",
         "Amount": 1000 * n,
         "Account": {"attributes": {"type": "Account", "url": "/x"}, "Name": "ACME"}}
        for n in (1, 2)
    ]  # fmt: skip
    text = json.dumps(
        {"status": 0, "result": {"records": records, "totalSize": 2, "done": True}, "warnings": []}
    )

    result = ok("import", "opps", "-", "--create-accounts", input=text)

    assert result.stderr == (
        "Columns: 'StageName' -> status, 'CloseDate' -> due_date, 'Account.Name' -> account\n"
        "Read the records under 'result.records' of the JSON object.\n"
        "Stages read as the nearest colibri status: 'Prospecting' -> analysis. Give another "
        "with --status-map STAGE=STATUS.\n"
        "Imported opportunities from stdin (JSON, UTF-8): 2 created, 0 updated, 0 skipped, "
        "0 rejected; 1 new account.\n"
    )
    assert [(row["name"], row["account"], row["amount"]) for row in rows(DEALS)] == [
        ("Deal 1", "ACME", 1000),
        ("Deal 2", "ACME", 2000),
    ]


def test_hubspot_api_results_read_their_properties(empty_db, ok, rows):
    """Each deal's fields are in its "properties"; hs_object_id repeats its id."""
    result = ok("import", "opps", str(HUBSPOT_API), "--default", "account=ACME",
                "--create-accounts")  # fmt: skip

    assert result.stderr.startswith(
        "Columns: 'id' -> external_id, 'closedate' -> due_date, 'createdate' -> created_on, "
        "'dealname' -> name, 'dealstage' -> status\n"
        "Ignored columns (no opportunity field matches them): 'createdAt', 'updatedAt', "
        "'archived', 'hs_lastmodifieddate', 'hs_object_id', 'pipeline'. Import one with --map "
        "COLUMN=FIELD.\n"
        "Read the records under 'results' of the JSON object.\n"
    )
    assert "24 created, 0 updated, 0 skipped, 0 rejected; 1 new account.\n" in result.stderr
    read = rows(DEALS)
    assert read[4] == {
        "external_id": "9005",
        "name": "HubSpot deal 5",
        "account": "ACME",
        "amount": 2500,  # 2500.25, rounded
        "status": "won",
        "due_date": "2026-06-20",
        "created_on": "2026-01-06",
        "closed_on": "2026-06-20",
    }
    assert read[0]["amount"] == 500 and read[0]["status"] == "analysis"


def test_an_empty_list_of_records_imports_nothing(empty_db, ok, rows):
    result = ok("import", "accounts", "-", input='{"records": [], "totalSize": 0}')

    assert result.stderr == (
        "Read the records under 'records' of the JSON object.\n"
        "Imported accounts from stdin (JSON, UTF-8): 0 created, 0 updated, 0 skipped, "
        "0 rejected.\n"
    )


def test_an_object_that_is_a_value_of_a_field_is_refused_as_such(cli):
    text = '[{"name": "B", "account": "ACME", "amount": {"value": 2}, "due_date": "2027-01-01"}]'

    result = cli("import", "opps", "-", "--default", "status=quote", input=text)

    assert result.stderr.splitlines()[0] == (
        "record 1 (line 1), amount: The value of 'amount' is a JSON dict: give text or a number."
    )


def test_json_lines_stay_json_lines(empty_db, ok, rows):
    text = '{"name": "ACME", "owner": {"name": "Jane"}}\n{"name": "Globex"}\n'

    result = ok("import", "accounts", "-", input=text)

    assert result.stderr == (
        "Ignored columns (no account field matches them): 'owner.name'. Import one with "
        "--map COLUMN=FIELD.\n"
        "Imported accounts from stdin (JSON lines, UTF-8): 2 created, 0 updated, 0 skipped, "
        "0 rejected.\n"
    )


WRAPPED_REFUSED = {
    "no list": (
        '{\n  "name": "ACME",\n  "city": "Lyon"\n}\n',
        ": this JSON object holds no list of records: give an array of objects "
        '([{"name": ...}, ...]), one object a line, or an object with the list under a key '
        '({"records": [...]}).',
    ),
    "two lists": (
        '{"records": [{"name": "A"}], "errors": [{"name": "B"}]}',
        ", line 1: two lists of records in one JSON object, under 'records' and 'errors': give "
        "them one file each.",
    ),
    "more after": (
        '{\n"records": [{"name": "A"}]\n}\n{"records": []}\n',
        ", line 4: more data after the end of the JSON object ('{\"records\": []}\\n'): a JSON "
        "file holds one object.",
    ),
    "key not quoted": (
        '{\n  records: [{"name": "A"}]\n}\n',
        ", line 2: not valid JSON (expected '\"', found 'r').",
    ),
    "broken inside": (
        '{\n  "records": [\n    {"name": "A"},\n    {"name": }\n  ]\n}\n',
        ", line 4: not valid JSON (Expecting value).",
    ),
}


@pytest.mark.parametrize(("text", "message"), WRAPPED_REFUSED.values(), ids=WRAPPED_REFUSED)
def test_a_wrapping_object_that_cannot_be_read_says_where_and_why(cli, rows, text, message):
    result = cli("import", "accounts", "-", input=text)

    assert result.exit_code == 2
    assert result.stderr == f"Error: stdin{message}\n"


def test_a_wrapped_list_streams_across_chunks(ok, rows, monkeypatch):
    monkeypatch.setattr(sources, "CHUNK_CHARS", 5)
    records = [{"attributes": {"type": "Account", "referenceId": f"Ref{n}"}, "Name": f"A{n}"}
               for n in range(40)]  # fmt: skip
    text = json.dumps({"status": 0, "result": {"done": True, "records": records}}, indent=3)

    ok("import", "accounts", "-", input=text)

    assert rows("SELECT count(*) AS n, max(external_id) AS last FROM accounts") == [
        {"n": 40, "last": "@Ref9"}
    ]


def test_the_line_of_a_byte_that_does_not_decode_is_exact_far_into_a_json_file(
    cli, tmp_path, monkeypatch
):
    """The decoder reads ahead of the records: the line is counted in the bytes it read."""
    monkeypatch.setattr(sources, "CHUNK_CHARS", 1000)
    lines = [b'{"records": ['] + [b'{"name": "A%d"},' % n for n in range(5000)]
    lines[3210] = b'{"name": "Caf\xe9"},'
    path = tmp_path / "accounts.json"
    path.write_bytes(b"\n".join(lines) + b'\n{"name": "Z"}]}\n')

    result = cli("import", "accounts", str(path))

    assert result.stderr == (
        f"Error: {path} is not valid UTF-8 (byte 0xe9 near line 3211). It was probably saved "
        "by a spreadsheet in the Windows encoding: import it with --encoding cp1252.\n"
    )
