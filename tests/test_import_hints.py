"""Hints that lead to the fix, and rows that are not what they seem: what an import says
when a real export trips it, each the message that names the way out."""

import pytest

HEADER = "name,account,amount,due_date,status\n"


@pytest.fixture
def acme(ok):
    ok("account", "add", "ACME")


def test_accounts_of_one_name_and_different_external_ids_are_named_apart(empty_db, ok, rows):
    """Names are unique in colibri: the second company of a name takes its city, else its
    id; a row with no external id is the same account as before."""
    text = (
        "Id,Name,BillingCity\n"
        "001A,Acme Corp,Paris\n"
        "001B,Acme Corp,Lyon\n"
        "001C,Acme Corp,Lyon\n"
        "001D,Globex,\n"
    )

    result = ok("import", "accounts", "-", input=text)
    again = ok("import", "accounts", "-", input="Name,City\nAcme Corp,Paris\n")

    assert result.stderr == (
        "Columns: 'Id' -> external_id, 'BillingCity' -> city\n"
        "2 accounts have the name of another with a different external id: named apart as "
        "'Acme Corp (Lyon)' (line 3), 'Acme Corp (001C)' (line 4).\n"
        "Imported accounts from stdin (comma-separated CSV, UTF-8): 4 created, 0 updated, "
        "0 skipped, 0 rejected.\n"
    )
    assert "0 created, 0 updated, 1 skipped" in again.stderr
    assert rows("SELECT name, city, external_id FROM accounts ORDER BY id") == [
        {"name": "Acme Corp", "city": "Paris", "external_id": "001A"},
        {"name": "Acme Corp (Lyon)", "city": "Lyon", "external_id": "001B"},
        {"name": "Acme Corp (001C)", "city": "Lyon", "external_id": "001C"},
        {"name": "Globex", "city": None, "external_id": "001D"},
    ]


def test_a_namesake_whose_names_apart_are_taken_is_refused(cli, ok, rows):
    ok("import", "accounts", "-", input="Id,Name\n1,Acme\n2,Acme (2b)\n")

    result = cli("import", "accounts", "-", input="Id,Name\n2b,Acme\n")

    assert result.stderr.splitlines()[1] == (
        "line 2, Name: Another account is named 'Acme', with another external id, and so are "
        "the names colibri would give this one apart: give it a name of its own."
    )
    assert rows("SELECT count(*) AS n FROM accounts") == [{"n": 2}]


def test_missing_contacts_point_at_create_contacts(cli, acme, rows):
    text = (
        HEADER.replace("\n", ",contact\n") + "A,ACME,10,2027-01-01,quote,Paul\n"
        "B,ACME,10,2027-01-01,quote,Jeanne\n"
        "C,ACME,10,2027-01-01,quote,paul\n"
    )

    result = cli("import", "opps", "-", input=text)

    assert result.stderr.splitlines()[-3:-1] == [
        "line 4, contact: No contact 'paul' at ACME: add it, import contacts first, or give "
        "--create-contacts.",
        "Hint: 2 contacts not found; --create-contacts creates the missing ones at their "
        "opportunity's account.",
    ]
    assert rows("SELECT count(*) AS n FROM contacts") == [{"n": 0}]


def test_every_unknown_stage_is_listed_with_one_line_to_map_them_all(cli, acme):
    stages = [f"Stage {number}" for number in range(1, 11)] + ["Won't do", "Signé"]
    text = HEADER + "".join(
        f"D{number},ACME,10,2027-01-01,{stage}\n"
        for number, stage in enumerate([*stages, "Stage 3"])
    )

    result = cli("import", "opps", "-", input=text)

    shown = ", ".join(f"{stage!r} (1)" for stage in stages if stage != "Stage 3")
    options = " ".join(
        f"--status-map {word}=STATUS"
        for word in ["'Stage 3", *(f"'Stage {n}" for n in (1, 2, 4, 5, 6, 7, 8, 9, 10))]
    ).replace("=STATUS", "=STATUS'")
    hints = [line for line in result.stderr.splitlines() if line.startswith("Hint: Unknown")]
    assert hints == [
        f"Hint: Unknown statuses: 'Stage 3' (2), {shown}. Map each to a colibri status (see "
        f"`colibri statuses list`), putting it in place of STATUS: {options} --status-map "
        '"Won\'t do=STATUS" --status-map Signé=STATUS'
    ]


def test_date_times_get_the_same_date_format_advice_as_dates(cli, ok, acme, rows):
    """3/8/2027 19:41 is the day 3/8/2027: the day first under the date-order setting, until
    a 3/19/2027 19:41 proves the file puts the month first."""
    text = HEADER + "A,ACME,10,3/8/2027 19:41,quote\nB,ACME,10,3/19/2027 7:05 PM,quote\n"

    refused = cli("import", "opps", "-", input=text)
    done = ok("import", "opps", "-", "--date-format", "%m/%d/%Y", input=text)

    assert refused.stderr.splitlines()[0] == (
        "line 3, due_date: Invalid due date '3/19/2027': use YYYY-MM-DD, DD/MM/YYYY, today, "
        "tomorrow, a weekday, +3d, +2w, +1m or eom. If the file writes the month first, import "
        "it with --date-format %m/%d/%Y."
    )
    assert "2 created" in done.stderr
    assert rows("SELECT due_date FROM opportunities ORDER BY id") == [
        {"due_date": "2027-03-08"},
        {"due_date": "2027-03-19"},
    ]


def test_a_default_closing_date_is_offered_for_the_rows_that_need_it(cli, ok, acme, rows):
    text = HEADER + (
        "A,ACME,10,2026-03-08,won\n"  # due in the past: the closing date it takes
        "B,ACME,10,2027-03-19,quote\n"
        "C,ACME,10,2027-03-08,lost\n"
        "D,ACME,10,2027-04-08,lost\n"
    )

    refused = cli("import", "opps", "-", input=text)
    done = ok("import", "opps", "-", "--default", "closed_on=2026-11-01", input=text)

    assert refused.stderr.splitlines()[:2] == [
        "line 4, due_date: The closing date 2027-03-08 (its due date, as the row has none) is "
        "in the future: give the row the day it closed.",
        "line 5, due_date: The closing date 2027-04-08 (its due date, as the row has none) is "
        "in the future: give the row the day it closed.",
    ]
    assert (
        "Hint: 2 closed rows have no closing date, and their due date, taken instead, is in "
        "the future. --default closed_on=DATE gives that date to the closed rows without a "
        "closing date (3 in the file), and to no other row.\n"
    ) in refused.stderr
    assert "--default closed_on=2026-11-01 filled 3 rows.\n" in done.stderr
    assert rows("SELECT name, closed_on FROM opportunities ORDER BY id") == [
        {"name": "A", "closed_on": "2026-11-01"},
        {"name": "B", "closed_on": None},
        {"name": "C", "closed_on": "2026-11-01"},
        {"name": "D", "closed_on": "2026-11-01"},
    ]


# Rows that are not what they seem ---------------------------------------------------------


def test_a_short_row_is_refused_never_padded(cli, acme, rows):
    text = HEADER.replace("\n", ",probability\n") + "A,ACME,10,2027-01-01,quote\n"

    result = cli("import", "opps", "-", input=text)

    assert result.stderr.splitlines()[0] == (
        "line 2: This row has 5 cells but the header has 6: check the delimiter and the quotes."
    )
    assert rows("SELECT count(*) AS n FROM opportunities") == [{"n": 0}]


QUOTES_REFUSED = {
    "goes on after its quote": (
        'A,ACME,"10"0,2027-01-01,quote\n',
        'line 2: a quoted cell goes on after its closing quote (as in "10"0): inside quotes, '
        'write a quote twice (""), or quote the whole cell.',
    ),
    "never closed": (
        'A,ACME,10,2027-01-01,quote\nB,"ACME,10,2027-01-01,quote\nC,ACME,10,2027-01-01,quote\n',
        "line 3: a quote opens a cell that no quote closes, down to the end of the file: check "
        "the quotes of that line.",
    ),
    "closed rows later": (
        'A,"ACME,10,2027-01-01,quote\nB,ACME,10,2027-01-01,quote\nC,"ACME,10,2027-01-01,quote\n',
        "line 2: a quote opens a cell there that a quote closes only on line 4, where the cell "
        "goes on: check the quotes of line 2.",
    ),
}


@pytest.mark.parametrize(("rows_text", "message"), QUOTES_REFUSED.values(), ids=QUOTES_REFUSED)
def test_malformed_quoting_is_named(cli, acme, rows, rows_text, message):
    result = cli("import", "opps", "-", input=HEADER + rows_text)

    assert result.exit_code == 2
    assert result.stderr == f"Error: stdin, {message}\n"
    assert rows("SELECT count(*) AS n FROM opportunities") == [{"n": 0}]


def test_a_quote_that_takes_in_whole_rows_is_named_and_a_note_of_two_lines_is_not(cli, acme, rows):
    text = HEADER.replace("\n", ",notes\n") + (
        'A,ACME,"10,2027-01-01,quote,\n'
        "B,ACME,10,2027-01-01,quote,\n"
        'C,ACME",10,2027-01-01,quote,\n'
        'D,ACME,10,2027-01-01,quote,"Called Paul,\nhe calls back"\n'
    )

    result = cli("import", "opps", "-", "--skip-invalid", input=text)

    assert result.stderr.splitlines()[0] == (
        "line 2: A quote opens a cell on this line that a quote closes only on line 4, taking "
        "in the rows between: check the quotes of this line."
    )
    assert rows("SELECT name, notes FROM opportunities") == [
        {"name": "D", "notes": "Called Paul,\nhe calls back"}
    ]


def test_values_in_messages_are_shown_as_the_file_has_them(cli, acme):
    text = HEADER + "A,ACME,\\N,2027-01-01,quote\nB,ACME,10,2027-01-01,a\\\\b\n"

    result = cli("import", "opps", "-", input=text)

    assert result.stderr.splitlines()[:2] == [
        "line 2, amount: Invalid amount '\\N': write a whole number such as 15000, 15 000, 15k "
        "or 1.5M.",
        "line 3, status: Unknown status 'a\\\\b'. Choose one of: analysis, quote, negotiation, "
        "won, lost, cancelled.",
    ]


def test_a_file_without_a_header_is_refused_with_the_header_to_give(cli, ok, acme, rows):
    text = "Big deal,ACME,15000,2027-03-08,quote\nSmall one,ACME,10,27/03/2027,quote\n"

    refused = cli("import", "opps", "-", input=text)
    done = ok("import", "opps", "-", "--columns", "name,account,amount,due_date,status",
              input=text)  # fmt: skip

    assert refused.exit_code == 2
    assert refused.stderr == (
        "Error: stdin: its first line looks like a row, not a header ('15000', '2027-03-08'). "
        "Add a header line naming its columns, or name them with --columns, one name per "
        "column in the file's order (its first line has 5), e.g. --columns "
        "name,account,amount,due_date,status.\n"
    )
    assert "2 created" in done.stderr
    assert rows("SELECT name, amount, due_date FROM opportunities ORDER BY id") == [
        {"name": "Big deal", "amount": 15000, "due_date": "2027-03-08"},
        {"name": "Small one", "amount": 10, "due_date": "2027-03-27"},
    ]


def test_columns_can_leave_a_column_out_and_are_for_csv_only(cli, ok, rows):
    ok("import", "accounts", "-", "--columns", "name,,city", input="ACME,x,Lyon\n")
    refused = cli("import", "accounts", "-", "--columns", "name", input='[{"name": "A"}]')

    assert rows("SELECT name, city FROM accounts") == [{"name": "ACME", "city": "Lyon"}]
    assert refused.stderr == (
        "Error: --columns names the columns of a CSV file without a header line: the keys of "
        "stdin's records name its own.\n"
    )


def test_a_header_with_a_year_in_it_is_still_a_header(ok, rows):
    ok("import", "accounts", "-", input="name,2026\nACME,x\n")

    assert rows("SELECT name FROM accounts") == [{"name": "ACME"}]
