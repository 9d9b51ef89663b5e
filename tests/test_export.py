"""`colibri export`: stable columns, CSV that a spreadsheet cannot run, and files that import
back: export, import into an empty database, export again gives the same file."""

import csv
import io
import json
import shlex

import pytest

ACCOUNTS = "name,industry,email,phone,website,city,country,notes,external_id"
CONTACTS = "name,account,email,phone,role,notes,external_id"
OPPS = (
    "name,account,contact,amount,currency,due_date,status,probability,created_on,closed_on,"
    "close_reason,source,type,description,tags,notes,external_id"
)
TASKS = "title,due_date,done_on,account,opportunity,opportunity_external_id,notes,external_id"
HISTORY_LEADING = ["opportunity_id", "opportunity_external_id", "opportunity", "account"]


SAMPLE = [
    "account add 'ACME Industries' --city Lyon --notes =1+1 --external-id A-1",
    "account add 'Café du Commerce' --phone '+33 1 23 45 67 89'",
    "contact add 'Jeanne Martin' --account ACME --role @buyer --email jeanne@acme.example",
    "opp create 'Website, phase 1' --account ACME --amount 15k --due 2027-01-31 --status quote"
    " --contact 'Jeanne Martin' --tags web,hot --created-on 2026-10-01 --external-id O-1"
    " --description 'Say \"hello\"\nthen -2 lines'",
    "opp create Audit --account Café --amount 800 --due 2026-12-15 --status negotiation"
    " --probability 80 --created-on 2026-11-01",
    "opp status 2 lost --on 2026-11-20 --reason price --no-follow-up",
    "task add 'Call Jeanne' --opp 1 --due 2026-12-01",
    "task add 'Christmas card' --account Café --due 2026-12-15 --notes \"'=quoted\"",
    "task add 'Read the news'",
    "task done 3",
]


@pytest.fixture
def sample(ok):
    """A little of everything, including text a spreadsheet would run as a formula."""
    for command in SAMPLE:
        args = shlex.split(command)
        ok(*(arg.replace("\\n", "\n") for arg in args))


def test_csv_columns_are_stable_and_formulas_neutralised(ok, sample):
    assert ok("export", "accounts").stdout == (
        f"{ACCOUNTS}\n"
        "ACME Industries,,,,,Lyon,,'=1+1,A-1\n"
        "Café du Commerce,,,'+33 1 23 45 67 89,,,,,\n"
    )
    assert ok("export", "contacts").stdout == (
        f"{CONTACTS}\nJeanne Martin,ACME Industries,jeanne@acme.example,,'@buyer,,\n"
    )
    assert ok("export", "opps").stdout == (
        f"{OPPS}\n"
        '"Website, phase 1",ACME Industries,Jeanne Martin,15000,EUR,2027-01-31,quote,,'
        '2026-10-01,,,,,"Say ""hello""\nthen -2 lines","web,hot",,O-1\n'
        "Audit,Café du Commerce,,800,EUR,2026-12-15,lost,80,2026-11-01,2026-11-20,price,,,,,,\n"
    )
    assert ok("export", "tasks").stdout == (
        f"{TASKS}\n"
        'Call Jeanne,2026-12-01,,ACME Industries,"Website, phase 1",O-1,,\n'
        "Christmas card,2026-12-15,,Café du Commerce,,,''=quoted,\n"
        "Read the news,,2026-11-26,,,,,\n"
    )


def test_history_export(ok, rows, sample):
    text = ok("export", "history").stdout
    header = text.splitlines()[0].split(",")

    # Who it is about, then every column of the history table, in the table's order.
    own = [row["name"] for row in rows("PRAGMA table_info(opportunity_history)")]
    assert header == [
        *HISTORY_LEADING,
        *(name for name in own if name not in ("id", "opportunity_id")),
    ]
    shown = [
        "opportunity_id",
        "opportunity_external_id",
        "opportunity",
        "account",
        "changed_at",
        "status",
        "amount",
        "due_date",
        "probability",
        "currency",
        "closed_on",
    ]
    found = [[row[name] for name in shown] for row in csv.DictReader(io.StringIO(text))]
    for row in found:
        row[4] = row[4][:10]  # the time of day of a change made today is the real one
    assert found == [
        ["1", "O-1", "Website, phase 1", "ACME Industries", "2026-10-01", "quote", "15000",
         "2027-01-31", "", "EUR", ""],
        ["2", "", "Audit", "Café du Commerce", "2026-11-01", "negotiation", "800",
         "2026-12-15", "80", "EUR", ""],
        ["2", "", "Audit", "Café du Commerce", "2026-11-26", "lost", "800", "2026-12-15", "80",
         "EUR", "2026-11-20"],
    ]  # fmt: skip


def test_json_and_json_lines(ok, sample):
    array = json.loads(ok("export", "opps", "--format", "json").stdout)
    lines = ok("export", "opps", "-f", "jsonl").stdout.splitlines()

    assert [json.loads(line) for line in lines] == array
    assert list(array[0]) == OPPS.split(",")
    assert array[1] == {
        "name": "Audit", "account": "Café du Commerce", "contact": None, "amount": 800,
        "currency": "EUR", "due_date": "2026-12-15", "status": "lost", "probability": 80,
        "created_on": "2026-11-01", "closed_on": "2026-11-20", "close_reason": "price",
        "source": None, "type": None, "description": None, "tags": None, "notes": None,
        "external_id": None,
    }  # fmt: skip
    assert json.loads(ok("export", "accounts", "-f", "json").stdout)[0]["notes"] == "=1+1"


def test_an_empty_database_exports_just_the_columns(ok):
    assert ok("export", "tasks").stdout == TASKS + "\n"
    assert ok("export", "tasks", "-f", "json").stdout == "[]\n"
    assert ok("export", "tasks", "-f", "jsonl").stdout == ""


def test_output_file(ok, sample, tmp_path):
    target = tmp_path / "opps.csv"

    result = ok("export", "opps", "-o", str(target))

    assert result.stdout == ""
    assert result.stderr == f"Exported 2 opportunities to {target}.\n"
    assert target.read_text(encoding="utf-8").startswith(OPPS + "\n")
    assert target.stat().st_mode & 0o777 == 0o600  # customer data: private, like the database
    assert [path.name for path in tmp_path.iterdir() if path.name.startswith(".")] == []


def test_an_output_file_that_cannot_be_written(cli, tmp_path):
    result = cli("export", "opps", "-o", str(tmp_path / "missing" / "opps.csv"))
    directory = cli("export", "opps", "-o", str(tmp_path))

    assert result.exit_code == directory.exit_code == 2
    assert result.stderr == (
        f"Error: Cannot write {tmp_path / 'missing' / 'opps.csv'}: No such file or directory.\n"
    )
    assert directory.stderr == f"Error: Cannot write {tmp_path}: it is a directory.\n"


@pytest.mark.parametrize("output_format", ["csv", "json", "jsonl"])
def test_export_import_export_gives_the_same_files(cli, ok, sample, tmp_path, output_format):
    first = {}
    for kind in ("accounts", "contacts", "opps", "tasks"):
        first[kind] = tmp_path / f"{kind}.{output_format}"
        ok("export", kind, "-f", output_format, "-o", str(first[kind]))

    empty = tmp_path / "empty.db"
    for kind in ("accounts", "contacts", "opps", "tasks"):
        result = cli("--db", str(empty), "import", kind, str(first[kind]))
        assert result.exit_code == 0, result.output

    for kind, path in first.items():
        again = cli("--db", str(empty), "export", kind, "-f", output_format)
        assert again.stdout == path.read_text(encoding="utf-8"), kind

    # And importing the same files again, into either database, adds nothing.
    for database in (str(empty), str(tmp_path / "colibri.db")):
        for kind, path in first.items():
            result = cli("--db", database, "import", kind, str(path))
            assert "0 created, 0 updated" in result.stderr, (database, kind, result.stderr)
