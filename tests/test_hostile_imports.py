"""Hostile import files: each is refused with exit 2 and one line naming the problem (and
where it is), the database left exactly as it was; or survived as docs/errors.md says. And
whatever the input, an import holds at most one bounded record at a time: peak memory
stays that of a small valid file."""

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from colibri_cli.core.transfer import engine, sources
from test_import_files import dump

HEADER = "name,account,amount,due_date,status\n"
ROW = "Website,ACME,1500,2027-01-15,quote\n"
DEAL = {"name": "Website", "account": "ACME", "amount": 1500, "due_date": "2027-01-15",
        "status": "quote"}  # fmt: skip
HUGE_INTEGER = "1" + "0" * 4999
"""More digits than Python converts to an int (4,300)."""
NOT_TEXT = "is not a text encoding: use utf-8, cp1252 (Windows spreadsheets) or latin-1."
TOO_LONG = (
    ": longer than 1,000,000 characters, the most one record may have: is it the file you meant?"
)


@pytest.fixture
def acme(ok, tmp_path, monkeypatch):
    """A database with one account, the import files in the current directory."""
    monkeypatch.chdir(tmp_path)
    ok("account", "add", "ACME")


def write(name: str, content: str | bytes) -> str:
    data = content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content
    Path(name).write_bytes(data)
    return name


def deals_json(*records, after: str = "") -> str:
    return "[\n" + ",\n".join(json.dumps(record) for record in records) + "\n]" + after


REFUSED = {
    # --encoding names a codec that does not decode bytes to text
    **{
        f"encoding-{codec}": ("in.csv", HEADER + ROW, ["--encoding", codec],
                              f"Error: '{codec}' {NOT_TEXT}")
        for codec in ("rot13", "base64", "zlib", "hex", "bz2", "uu", "quopri")
    },
    "utf-16-without-bom": (
        "in.csv", HEADER + ROW, ["--encoding", "utf-16"],
        "Error: in.csv has no BOM, which tells the byte order of utf-16: give --encoding "
        "utf-16-le or utf-16-be.",
    ),
    "decoder-refusal": (
        "in.csv", HEADER + ROW, ["--encoding", "undefined"],
        "Error: in.csv cannot be read as UNDEFINED (near line 1). Give its encoding with "
        "--encoding.",
    ),
    "bad-byte-far-in-the-file": (
        "in.csv", (HEADER + ROW * 5000).encode() + b"Caf\xe9,ACME,1,2027-01-15,quote\n", [],
        "Error: in.csv is not valid UTF-8 (byte 0xe9 near line 5002). It was probably saved by "
        "a spreadsheet in the Windows encoding: import it with --encoding cp1252.",
    ),
    "csv-lone-surrogate": (
        "in.csv", HEADER + ROW + "Audit\\ud800,ACME,1,2027-01-15,quote\n",
        ["--encoding", "unicode_escape"],
        "Error: in.csv, line 3: \\ud800 is half of a UTF-16 pair, alone: no character. "
        "Fix the file where it was made.",
    ),
    # JSON that Python's decoder cannot take, or would take wrongly
    "json-nested-1000-deep": (
        "in.json", "[" + "[" * 1000 + "]" * 1000 + "]", [],
        "Error: in.json, record 1 (line 1): not valid here, its JSON values are nested too deep.",
    ),
    "json-lines-nested-deep": (
        "in.jsonl", json.dumps(DEAL) + '\n{"name": ' + "[" * 5000 + "]" * 5000 + "}\n", [],
        "Error: in.jsonl, line 2: not valid here, its JSON values are nested too deep.",
    ),
    "json-data-after-the-array": (
        "in.json", deals_json(DEAL, after='\n{"name": "Lost"}\n'), [],
        "Error: in.json, line 4: more data after the end of the JSON array "
        "('{\"name\": \"Lost\"}\\n'): a JSON file holds one array.",
    ),
    "json-data-after-an-empty-array": (
        "in.json", "[] []", [],
        "Error: in.json, line 1: more data after the end of the JSON array ('[]'): a JSON "
        "file holds one array.",
    ),
    "json-lone-surrogate": (
        "in.json", deals_json(DEAL, {**DEAL, "name": "Audit\ud800"}), [],
        "Error: in.json, record 2 (line 3): \\ud800 is half of a UTF-16 pair, alone: no "
        "character. Fix the file where it was made.",
    ),
    "json-lone-surrogate-in-a-key": (
        "in.json", deals_json({**DEAL, "note\udc00": "x"}), [],
        "Error: in.json, record 1 (line 2): \\udc00 is half of a UTF-16 pair, alone: no "
        "character. Fix the file where it was made.",
    ),
    "json-lines-lone-surrogate": (
        "in.jsonl", json.dumps(DEAL) + "\n" + json.dumps({**DEAL, "name": "\udbff"}) + "\n", [],
        "Error: in.jsonl, line 2: \\udbff is half of a UTF-16 pair, alone: no character. "
        "Fix the file where it was made.",
    ),
    "json-too-many-keys": (
        "in.jsonl",
        "".join(json.dumps({**DEAL, f"extra {number}": 1}) + "\n" for number in range(10_001)),
        [],
        "Error: in.jsonl, record 9996: more than 10,000 different keys in the records, which "
        "colibri does not keep track of: is it a list of records?",
    ),
    # --date-format patterns that cannot read a date
    **{
        f"date-format-{pattern}": (
            "in.csv", HEADER + ROW, ["--date-format", pattern],
            f"Error: Invalid --date-format '{pattern}': it cannot read a date back. Give the "
            "day, the month and the year, e.g. %d/%m/%Y or %m/%d/%Y.",
        )
        for pattern in ("%Y%Y", "%d/%m", "%H:%M", "%Q", "")
    },
    # sep= that would make the quote the delimiter
    "sep-quote": (
        "in.csv", 'sep="\n' + HEADER + ROW, [],
        "Error: in.csv, line 1: sep=\" would make the quote the delimiter.",
    ),
    # the bound on a line and a record
    "csv-line-over-the-bound": (
        "in.csv", HEADER + ROW + "x" * 1_000_001, [], f"Error: in.csv, line 3{TOO_LONG}",
    ),
    "csv-header-over-the-bound": (
        "in.csv", "\0" * 1_200_000, [], f"Error: in.csv, line 1{TOO_LONG}",
    ),
    "csv-record-of-lines-over-the-bound": (
        "in.csv", HEADER + ROW + ",".join(['"' + "x\n" * 50_000 + '"'] * 11) + "\n", [],
        f"Error: in.csv, line 3{TOO_LONG}",
    ),
    "json-value-over-the-bound": (
        "in.json", deals_json(DEAL, {**DEAL, "notes": "x" * 1_000_000}), [],
        f"Error: in.json, record 2 (line 3){TOO_LONG}",
    ),
    "json-value-over-the-bound-unterminated": (
        "in.json", '[{"name": "' + "x" * 3_000_000, [],
        f"Error: in.json, record 1 (line 1){TOO_LONG}",
    ),
    "json-lines-value-over-the-bound": (
        "in.jsonl", json.dumps(DEAL) + "\n" + json.dumps({**DEAL, "notes": "x" * 1_000_000}),
        [], f"Error: in.jsonl, line 2{TOO_LONG}",
    ),
}  # fmt: skip


@pytest.mark.parametrize(("name", "content", "options", "message"), REFUSED.values(), ids=REFUSED)
def test_a_hostile_file_is_refused_and_nothing_is_written(
    cli, db_path, acme, name, content, options, message
):
    before = dump(db_path)

    result = cli("import", "opps", write(name, content), *options)

    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines()[-1] == message
    assert dump(db_path) == before


REJECTED = {
    "json-record-with-no-fields": (
        "in.json", deals_json(DEAL, {}), "record 2 (line 3): This record has no fields.",
    ),
    "json-integer-of-5000-digits": (
        "in.json", f"[{json.dumps(DEAL)},\n{json.dumps(DEAL)[:-1]}, "
        f'"name": "Audit", "amount": {HUGE_INTEGER}}}]',
        f"record 2 (line 2), amount: Invalid amount '{HUGE_INTEGER}': it is more than "
        "1,000,000,000,000,000; check the number of digits.",
    ),
    "date-before-1900": (
        "in.csv", HEADER + ROW + "Audit,ACME,1,1899-12-31,quote\n",
        "line 3, due_date: Invalid due date '1899-12-31': a date's year goes from 1900 to 2999.",
    ),
    "date-in-3000": (
        "in.csv", HEADER + ROW + "Audit,ACME,1,3000-01-01,quote\n",
        "line 3, due_date: Invalid due date '3000-01-01': a date's year goes from 1900 to 2999.",
    ),
    "created-on-in-year-1": (
        "in.csv", "name,account,amount,due_date,status,created_on\n"
        "Website,ACME,1500,2027-01-15,quote,2026-01-02\nAudit,ACME,1,2027-01-15,quote,0001-01-01\n",
        "line 3, created_on: Invalid creation date '0001-01-01': a date's year goes from 1900 "
        "to 2999.",
    ),
    "name-with-a-nul": (
        "in.csv", HEADER + ROW + "Au\0dit,ACME,1,2027-01-15,quote\n",
        "line 3, name: It holds a NUL character, which colibri does not store: remove it.",
    ),
    "json-account-with-a-nul": (
        "in.json", deals_json(DEAL, {**DEAL, "name": "Audit", "account": "AC\0ME"}),
        "record 2 (line 3), account: It holds a NUL character, which colibri does not store: "
        "remove it.",
    ),
}  # fmt: skip


@pytest.mark.parametrize(("name", "content", "problem"), REJECTED.values(), ids=REJECTED)
def test_a_hostile_row_is_rejected_with_its_line(cli, db_path, rows, acme, name, content, problem):
    before = dump(db_path)
    path = write(name, content)

    refused = cli("import", "opps", path)

    assert refused.exit_code == 2, refused.output
    assert refused.stderr.splitlines() == [
        problem,
        "Error: Nothing was imported: 1 of 2 rows is invalid (listed above). Fix it, or import "
        "the 1 valid row with --skip-invalid (and --rejects FILE to keep the others).",
    ]
    assert dump(db_path) == before

    skipped = cli("import", "opps", path, "--skip-invalid", "--rejects", f"rejects-{path}")

    assert skipped.exit_code == 0, skipped.output
    assert skipped.stderr.splitlines()[0] == problem
    assert rows("SELECT name FROM opportunities") == [{"name": "Website"}]
    assert rejected_rows(f"rejects-{path}") == 1


def rejected_rows(path: str) -> int:
    with Path(path).open(encoding="utf-8", newline="") as file:
        if path.endswith(".json"):
            return len(json.load(file))
        return sum(1 for _row in csv.reader(file)) - 1


def test_names_alike_but_for_a_nul_are_refused_not_a_crash(cli, db_path, acme):
    """SQLite compares text up to a NUL: 'Ac\\0me' and 'Ac\\0xy' would be one name to its
    UNIQUE index, two to colibri's check."""
    before = dump(db_path)

    result = cli("import", "accounts", write("in.csv", "name\nAc\0me\nAc\0xy\n"))

    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "line 2, name: It holds a NUL character, which colibri does not store: remove it.",
        "line 3, name: It holds a NUL character, which colibri does not store: remove it.",
        "Error: Nothing was imported: 2 of 2 rows are invalid (listed above). Fix them.",
    ]
    assert dump(db_path) == before


def test_names_alike_but_for_stripped_control_characters_are_one_name(cli, db_path, rows, acme):
    result = cli(
        "import", "accounts", write("in.csv", "name,city\n\x1cacme\x1f,Lyon\n"), "--upsert"
    )

    assert result.exit_code == 0, result.output
    assert rows("SELECT name, city FROM accounts") == [{"name": "acme", "city": "Lyon"}]


def test_excel_s_separator_line_is_honoured_whatever_the_character(cli, rows, acme):
    text = "sep=|\r\n" + HEADER.replace(",", "|") + ROW.replace(",", "|")

    result = cli("import", "opps", write("in.csv", text))

    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[-1] == (
        "Imported opportunities from in.csv (CSV separated by '|', UTF-8): "
        "1 created, 0 updated, 0 skipped, 0 rejected."
    )
    assert rows("SELECT name, amount FROM opportunities") == [{"name": "Website", "amount": 1500}]


def test_a_utf_32_file_is_read_by_its_bom_not_as_utf_16(cli, rows, acme):
    result = cli("import", "accounts", write("in.csv", "name,city\nBeta,Lyon\n".encode("utf-32")))

    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[-1] == (
        "Imported accounts from in.csv (comma-separated CSV, UTF-32): "
        "1 created, 0 updated, 0 skipped, 0 rejected."
    )
    assert rows("SELECT name, city FROM accounts WHERE name = 'Beta'") == [
        {"name": "Beta", "city": "Lyon"}
    ]


def test_the_rejects_of_a_sep_file_keep_its_separator_line(cli, rows, acme):
    text = "sep=|\n" + (HEADER + ROW + "Audit,Globex,1,2027-01-15,quote\n").replace(",", "|")

    first = cli("import", "opps", write("in.csv", text), "--skip-invalid", "--rejects", "r.csv")
    again = cli("import", "opps", "r.csv", "--create-accounts")

    assert first.exit_code == 0, first.output
    assert Path("r.csv").read_text() == (
        "sep=|\nreject_reason|name|account|amount|due_date|status\n"
        "account: No account 'Globex'. See `colibri account list`."
        "|Audit|Globex|1|2027-01-15|quote\n"
    )
    assert again.exit_code == 0, again.output
    assert rows("SELECT name FROM opportunities ORDER BY id") == [
        {"name": "Website"},
        {"name": "Audit"},
    ]


@pytest.mark.parametrize("failing", ["notices", "describe"])
def test_a_failure_after_the_rows_are_written_leaves_none(cli, db_path, acme, monkeypatch, failing):
    """An unexpected exception once the rows are inserted rolls the import back."""

    def fail(*_args):
        raise RuntimeError("unexpected")

    target = engine.Importer if failing == "notices" else sources.Source
    monkeypatch.setattr(target, failing, fail)
    before = dump(db_path)

    result = cli("import", "opps", write("in.csv", HEADER + ROW))

    assert isinstance(result.exception, RuntimeError)
    assert dump(db_path) == before


def test_more_one_cell_lines_than_a_footer_has_are_rows(cli, rows, acme):
    """A report's footer is a few lines: held back, more than FOOTER_LINES are rows."""
    lines = "".join(f"Account {number}\n" for number in range(sources.FOOTER_LINES + 1))

    result = cli("import", "accounts", write("in.csv", "name\nBeta\n\n" + lines))

    assert result.exit_code == 0, result.output
    assert rows("SELECT count(*) AS n FROM accounts") == [{"n": sources.FOOTER_LINES + 3}]


# Bounded memory -----------------------------------------------------------------------

MEMORY_LIMIT = 1024 * 1024 * 1024
"""A safety net for the machine: an import that would hold its input whole fails there."""
PEAK_BOUND_KIB = 60 * 1024
"""Python, colibri and SQLite take about 30 MB; a valid file of a few MB stays under 60."""


CHILD = """
import atexit, resource, runpy, sys
from pathlib import Path

limit, peak_file = int(sys.argv.pop(1)), Path(sys.argv.pop(1))
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

@atexit.register
def write_peak():
    status = Path("/proc/self/status").read_text().splitlines()
    peak_file.write_text(next(line.split()[1] for line in status if line.startswith("VmHWM:")))

sys.argv[0] = "colibri"
runpy.run_module("colibri_cli", run_name="__main__")
"""
"""colibri in a child that writes its peak RSS (VmHWM: that of this program only, where
ru_maxrss would count the test process it was forked from) under a memory limit."""


def peak_of_import(tmp_path, *args: str, stdin=subprocess.DEVNULL) -> tuple[int, str, int]:
    """Run `colibri import ...` in a child; its exit code, stderr and peak RSS in KiB."""
    env = {**os.environ, "COLIBRI_DB": str(tmp_path / "colibri.db")}
    env.pop("COLIBRI_DEBUG", None)
    peak = tmp_path / "peak"
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(MEMORY_LIMIT), str(peak), "import", *args],
        stdin=stdin,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    return child.returncode, child.stderr.decode(), int(peak.read_text())


def test_blank_lines_hold_no_memory(tmp_path, acme):
    """400,000 blank or blank-looking lines after the rows: none is kept."""
    write("in.csv", HEADER + ROW + "\n" + " \n" * 200_000 + "\n" * 200_000)

    code, stderr, peak = peak_of_import(tmp_path, "opps", "in.csv")

    assert code == 0, stderr
    assert stderr.splitlines()[-1] == (
        "Imported opportunities from in.csv (comma-separated CSV, UTF-8): "
        "1 created, 0 updated, 0 skipped, 0 rejected."
    )
    assert peak < PEAK_BOUND_KIB


def test_a_stream_without_a_newline_is_refused_at_the_bound(tmp_path, acme):
    with Path("/dev/zero").open("rb") as zeros:
        code, stderr, peak = peak_of_import(tmp_path, "opps", "-", stdin=zeros)

    assert code == 2
    assert stderr == f"Error: stdin, line 1{TOO_LONG}\n"
    assert peak < PEAK_BOUND_KIB


@pytest.mark.parametrize("name", ["in.json", "in.jsonl"])
def test_a_huge_cell_in_one_line_of_json_is_refused_at_the_bound(tmp_path, acme, name):
    where = "record 1 (line 1)" if name == "in.json" else "line 1"
    cell = json.dumps({**DEAL, "notes": "x" * 30_000_000})
    write(name, f"[{cell}]" if name == "in.json" else cell + "\n")

    code, stderr, peak = peak_of_import(tmp_path, "opps", name)

    assert code == 2
    assert stderr == f"Error: {name}, {where}{TOO_LONG}\n"
    assert peak < PEAK_BOUND_KIB


# A whole database -----------------------------------------------------------------------

WHOLE = {
    "nested-too-deep": (
        '{"format": ' + "[" * 100_000 + "]" * 100_000 + "}",
        "Error: in.json is not a file of colibri export all: it is not JSON (line 1, column "
        "12: values nested too deep). Make one with: colibri export all -o FILE",
    ),
    "integer-of-5000-digits": (
        '{"format": "colibri", "version": ' + HUGE_INTEGER + "}",
        "Error: in.json is not a file of colibri export all: it is not JSON (line 1, column "
        "34: a number of 5000 digits). Make one with: colibri export all -o FILE",
    ),
    "lone-surrogate": (
        "accounts",
        "Error: in.json, table accounts, row 1, column name: a value holds half of a UTF-16 "
        "pair alone (\\ud800), no character; nothing was imported.",
    ),
}


@pytest.fixture
def empty_database(ok, db_path):
    """A database with no record, as import all wants it."""
    ok("account", "add", "Passing")
    ok("account", "delete", "Passing", "--yes")


@pytest.mark.parametrize(("content", "message"), WHOLE.values(), ids=WHOLE)
def test_a_hostile_export_all_is_refused(cli, ok, db_path, tmp_path, monkeypatch, empty_database,
                                         content, message):  # fmt: skip
    monkeypatch.chdir(tmp_path)
    if content == "accounts":  # a real export, with a lone surrogate in a name
        ok("--db", "other.db", "account", "add", "ACME")
        ok("--db", "other.db", "export", "all", "-o", "all.json")
        content = Path("all.json").read_text().replace('"ACME"', '"AC\\ud800"')
    before = dump(db_path)

    result = cli("import", "all", write("in.json", content))

    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines()[-1] == message
    assert dump(db_path) == before
