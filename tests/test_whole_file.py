"""`colibri export all` and `colibri import all`: the whole database moves as one JSON file,
and the new file's reports, about any past day, say what the old one's said."""

import json
import sqlite3

import pytest

from colibri_cli.core import migrations
from colibri_cli.core.transfer import whole

DATA_TABLES = (
    "accounts",
    "contacts",
    "opportunities",
    "opportunity_history",
    "tasks",
    "activities",
    "targets",
)
TRASHED = (6, 7, 44)
"""Demo deals put in the trash: a won one and two open ones, overdue."""
REPORTS = [
    ["pipeline"],
    ["pipeline", "--by", "account"],
    ["forecast", "--as-of", "2026-03-31"],
    ["forecast", "--as-of", "2026-07-15", "--period", "quarter"],
    ["forecast", "--as-of", "2026-10-31"],
    ["forecast", "accuracy", "--last", "12"],
    ["stats"],
    ["opp", "history", "3"],
    ["opp", "history", "21"],
    ["opp", "history", "38"],
    ["export", "history"],
    ["export", "opps"],
]
MOVED = (
    "10 accounts, 10 contacts, 60 opportunities, 221 history rows, 49 tasks, 0 activities, "
    "5 targets, 0 forecast calls, 0 exchange rates"
)


def dump(path) -> dict[str, list]:
    """Every row of every table the file holds, SQLite's last ids, and the triggers."""
    conn = sqlite3.connect(path)
    try:
        found = {
            table.name: conn.execute(
                f"SELECT * FROM {table.name} ORDER BY {table.order}"
            ).fetchall()
            for table in whole.TABLES
        }
        found["sqlite_sequence"] = conn.execute(
            "SELECT name, seq FROM sqlite_sequence ORDER BY name"
        ).fetchall()
        found["triggers"] = conn.execute(
            "SELECT name, tbl_name, sql FROM sqlite_schema WHERE type = 'trigger' ORDER BY name"
        ).fetchall()
        return found
    finally:
        conn.close()


def execute(path, sql: str, params: tuple = ()) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.execute(sql, params)
        conn.commit()
    finally:
        conn.close()


@pytest.fixture
def demo(ok, db_path):
    """The demo, with three deals in the trash (as `opp delete` puts them there)."""
    ok("demo")
    marks = ", ".join("?" * len(TRASHED))
    execute(
        db_path,
        "UPDATE opportunities SET deleted_at = '2026-11-20T10:00:00.000000', "
        f"updated_at = '2026-11-20T10:00:00.000000' WHERE id IN ({marks})",
        TRASHED,
    )
    return db_path


def test_the_whole_demo_moves_and_every_report_stays_the_same(ok, cli, demo, tmp_path):
    exported = tmp_path / "all.json"
    moved = tmp_path / "moved.db"

    out = ok("export", "all", "-o", str(exported))
    back = ok("--db", str(moved), "import", "all", str(exported))

    assert out.stdout == ""
    assert out.stderr == f"Exported the whole database to {exported}: {MOVED}.\n"
    assert back.stderr == (
        f"New database: {moved}\nImported the whole database from {exported}: {MOVED}.\n"
    )
    assert oct(exported.stat().st_mode & 0o777) == "0o600"
    assert not list(tmp_path.glob(".all.json*"))  # written beside, then renamed into place
    assert dump(moved) == dump(demo)
    for report in REPORTS:
        before = ok(*report)
        after = ok("--db", str(moved), *report)
        assert (after.stdout, after.stderr) == (before.stdout, before.stderr), report
    again = cli("--db", str(moved), "export", "all").stdout
    assert json.loads(again)["tables"] == json.loads(exported.read_text("utf-8"))["tables"]


def test_the_file_is_documented_json_in_utf8(ok, demo):
    result = ok("export", "all")
    text = result.stdout
    document = json.loads(text)

    assert result.stderr == ""
    assert list(document) == ["format", "version", "exported_at", "schema", "sequences", "tables"]
    assert document["format"] == "colibri" and document["version"] == 1
    assert document["exported_at"].startswith("2026-11-26T")
    assert document["schema"] == migrations.KNOWN[-1] == "m013_opportunity_stays"
    assert document["sequences"] == {
        "accounts": 10,
        "contacts": 10,
        "opportunities": 60,
        "tasks": 49,
    }
    assert list(document["tables"]) == [table.name for table in whole.TABLES]
    assert "Hôtel Beau Rivage" in text  # UTF-8, not \u escapes
    tables = document["tables"]
    identity = sqlite3.connect(demo).execute("SELECT id FROM database_identity").fetchone()[0]
    assert tables["database_identity"] == [{"single": 1, "id": identity}]
    assert {row["key"] for row in tables["settings"]} >= {"currency", "language"}
    assert [row["key"] for row in tables["statuses"]][:3] == ["analysis", "quote", "negotiation"]
    trashed = [row for row in tables["opportunities"] if row["deleted_at"]]
    assert [row["id"] for row in trashed] == list(TRASHED)
    assert len(tables["opportunity_history"]) == 221
    assert sum(row["deleted"] for row in tables["opportunity_history"]) == 3
    assert tables["opportunity_history"][0] == {
        "id": 1,
        "opportunity_id": 1,
        "changed_at": tables["opportunity_history"][0]["changed_at"],
        "status": "analysis",
        "amount": 22000,
        "due_date": tables["opportunity_history"][0]["due_date"],
        "probability": None,
        "currency": "EUR",
        "closed_on": None,
        "status_probability": 10,
        "deleted": 0,
    }
    assert len(tables["targets"]) == 5
    # One row a line: readable, and a diff of two exports shows the rows that changed.
    # a line a row, two around a table's rows (an empty one is "[]"), nine around them all
    framing = sum(2 if rows else 1 for rows in tables.values())
    assert text.count("\n") == sum(len(rows) for rows in tables.values()) + framing + 9


def test_the_file_reads_from_stdin_and_ids_are_never_given_again(ok, cli, tmp_path):
    ok("account", "add", "ACME")
    ok("account", "add", "Globex")
    ok("account", "delete", "Globex", "--yes")
    moved = tmp_path / "moved.db"
    text = ok("export", "all").stdout

    result = cli("--db", str(moved), "import", "all", "-", input=text)

    assert result.exit_code == 0, result.output
    assert result.stderr.endswith(
        "Imported the whole database from stdin: 1 account, 0 contacts, 0 opportunities, "
        "0 history rows, 0 tasks, 0 activities, 0 targets, 0 forecast calls, 0 exchange rates.\n"
    )
    added = ok("--db", str(moved), "account", "add", "Initech")
    assert added.stderr == "Added account Initech (id 3).\n"  # 2 was Globex's


def test_an_empty_database_takes_the_files_statuses_and_settings(ok, cli, tmp_path):
    ok("statuses", "add", "pilot", "--label", "Pilot project", "--probability", "50")
    ok("config", "set", "currency", "USD")
    text = ok("export", "all").stdout
    moved = tmp_path / "moved.db"
    ok("--db", str(moved), "config", "set", "stale-days", "10")  # empty, but not new

    ok("--db", str(moved), "import", "all", "-", input=text)

    assert dump(moved) == dump(tmp_path / "colibri.db")
    assert "pilot" in ok("--db", str(moved), "statuses", "list", "-f", "csv").stdout


@pytest.mark.parametrize(
    ("setup", "what"),
    [
        (
            ["account add ACME", "opp create Deal --account ACME --amount 1k --due eom -s quote"],
            "1 account and 1 opportunity",
        ),
        (["target set 2027-Q1 10k"], "1 target"),
        (
            ["account add A", "account add B", "contact add Ann --account A", "task add Call"],
            "2 accounts, 1 contact and 1 task",
        ),
    ],
)
def test_a_database_with_records_is_refused(ok, cli, demo, tmp_path, setup, what):
    exported = tmp_path / "all.json"
    ok("export", "all", "-o", str(exported))
    target = tmp_path / "target.db"
    for command in setup:
        ok("--db", str(target), *command.split())
    before = dump(target)

    result = cli("--db", str(target), "import", "all", str(exported))

    assert result.exit_code == 4
    assert result.stderr == (
        f"Error: This database has {what}: import all loads into an empty one; use --db NEW.db.\n"
    )
    assert dump(target) == before


@pytest.fixture
def document(ok, demo) -> dict:
    return json.loads(ok("export", "all").stdout)


def refused(cli, tmp_path, content: str | bytes) -> tuple[int, str, str]:
    """Import `content` into an empty database; (exit code, stderr, file) and check that
    nothing was written: the database is still as a new one is."""
    target = tmp_path / "target.db"
    cli("--db", str(target), "config", "set", "currency", "EUR")  # an empty database, made
    source = tmp_path / "file.json"
    if isinstance(content, str):
        content = content.encode("utf-8")
    source.write_bytes(content)
    before = dump(target)

    result = cli("--db", str(target), "import", "all", str(source))

    assert result.stdout == ""
    assert dump(target) == before
    assert all(not before[table] for table in DATA_TABLES)
    assert len(before["triggers"]) == 11  # the history's three, two for calls, two rates,
    # tasks, the stays' three
    return result.exit_code, result.stderr, str(source)


def test_a_file_that_is_not_an_export_is_refused(cli, tmp_path):
    assert refused(cli, tmp_path, "name,amount\nDeal,100\n") == (
        2,
        f"Error: {tmp_path / 'file.json'} is not a file of colibri export all: it is not JSON "
        "(line 1, column 1: Expecting value). Make one with: colibri export all -o FILE\n",
        str(tmp_path / "file.json"),
    )
    code, stderr, source = refused(cli, tmp_path, '[{"name": "ACME"}]')
    assert (code, stderr) == (
        2,
        f'Error: {source} is not a file of colibri export all: it has no "format": '
        '"colibri". Make one with: colibri export all -o FILE\n',
    )
    code, stderr, source = refused(cli, tmp_path, b"\xff\xfe{")
    assert stderr == (
        f"Error: {source} is not a file of colibri export all: it is not UTF-8 text. "
        "Make one with: colibri export all -o FILE\n"
    )


def test_a_missing_file_is_refused_and_no_database_is_made(cli, tmp_path):
    target = tmp_path / "target.db"

    result = cli("--db", str(target), "import", "all", str(tmp_path / "nope.json"))

    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: Cannot read {tmp_path / 'nope.json'}: No such file or directory.\n"
    )
    assert not target.exists()


def test_a_newer_format_or_schema_is_refused(cli, tmp_path, document):
    code, stderr, source = refused(cli, tmp_path, json.dumps({**document, "version": 2}))
    assert (code, stderr) == (
        2,
        f"Error: {source} was written by a newer colibri (export format version 2; this one "
        "reads version 1): upgrade colibri to import it.\n",
    )
    code, stderr, source = refused(cli, tmp_path, json.dumps({**document, "schema": "m999_x"}))
    assert (code, stderr) == (
        2,
        f"Error: {source} comes from a database of a newer colibri (schema 'm999_x', unknown "
        "to this version): upgrade colibri to import it.\n",
    )


def test_an_unknown_table_key_or_column_is_refused(cli, tmp_path, document):
    tables = {**document["tables"], "meetings": []}
    code, stderr, source = refused(cli, tmp_path, json.dumps({**document, "tables": tables}))
    assert (code, stderr) == (
        2,
        f"Error: {source} has a table 'meetings' that colibri does not know; nothing was "
        "imported. Its tables can be: database_identity, settings, statuses, accounts, "
        "contacts, opportunities, opportunity_history, tasks, deleted_tasks, activities, targets, "
        "forecast_calls, exchange_rates.\n",
    )

    code, stderr, source = refused(cli, tmp_path, json.dumps({**document, "comment": "hi"}))
    assert stderr == (
        f"Error: {source} is not a file of colibri export all: it has an unknown key "
        "'comment'. Make one with: colibri export all -o FILE\n"
    )

    document["tables"]["accounts"][1]["vat_number"] = "FR123"
    code, stderr, source = refused(cli, tmp_path, json.dumps(document))
    assert (code, stderr) == (
        2,
        f"Error: {source}, table accounts, row 2: unknown column 'vat_number'; nothing was "
        "imported. The columns of accounts are: city, country, created_at, email, "
        "external_id, id, industry, name, notes, phone, updated_at, website.\n",
    )


def test_a_row_the_schema_refuses_is_refused_and_nothing_is_written(cli, tmp_path, document):
    document["tables"]["opportunities"][4]["amount"] = -5

    code, stderr, source = refused(cli, tmp_path, json.dumps(document))

    assert (code, stderr) == (
        2,
        f"Error: {source}, table opportunities, row 5 (id 5): the database refuses it (CHECK "
        "constraint failed: typeof(amount) = 'integer' AND amount >= 0); nothing was "
        "imported.\n",
    )


def test_a_duplicate_id_a_missing_value_or_a_nested_value_is_refused(cli, tmp_path, document):
    accounts = document["tables"]["accounts"]
    twice = {**document, "tables": {**document["tables"], "accounts": [*accounts, accounts[0]]}}
    code, stderr, source = refused(cli, tmp_path, json.dumps(twice))
    assert (code, stderr) == (
        2,
        f"Error: {source}, table accounts, row 11 (id 1): the database refuses it (UNIQUE "
        "constraint failed: accounts.id); nothing was imported.\n",
    )

    del document["tables"]["tasks"][0]["created_at"]
    code, stderr, source = refused(cli, tmp_path, json.dumps(document))
    assert stderr == (
        f"Error: {source}, table tasks, row 1 (id 1): the database refuses it (NOT NULL "
        "constraint failed: tasks.created_at); nothing was imported.\n"
    )

    document["tables"]["contacts"][2]["notes"] = {"text": "hi"}
    code, stderr, source = refused(cli, tmp_path, json.dumps(document))
    assert stderr == (
        f"Error: {source}, table contacts, row 3, column notes: a value is text, a number "
        "or null; nothing was imported.\n"
    )


def test_a_reference_to_a_missing_row_is_refused(cli, tmp_path, document):
    document["tables"]["opportunities"][9]["account_id"] = 99

    code, stderr, source = refused(cli, tmp_path, json.dumps(document))

    assert (code, stderr) == (
        2,
        f"Error: {source}, table opportunities: the row of id 10 refers to a row of accounts "
        "that the file does not have; nothing was imported.\n",
    )


def test_export_all_needs_a_database(cli, tmp_path):
    missing = tmp_path / "missing.db"

    result = cli("--db", str(missing), "export", "all")

    assert result.exit_code == 3
    assert result.stderr.startswith(f"Error: No database at {missing}: check the path.")
    assert not missing.exists()


def test_in_french(ok, cli, tmp_path, monkeypatch):
    ok("account", "add", "ACME")
    exported = tmp_path / "tout.json"
    monkeypatch.setenv("COLIBRI_LANG", "fr")

    out = ok("export", "all", "-o", str(exported))
    refusal = cli("import", "all", str(exported))

    assert out.stderr == (
        f"Base entière exportée dans {exported} : 1 compte, 0 contact, 0 opportunité, "
        "0 ligne d'historique, 0 tâche, 0 activité, 0 objectif, 0 prévision annoncée, "
        "0 taux de change.\n"
    )
    assert refusal.exit_code == 4
    assert refusal.stderr == (
        "Erreur : Cette base contient 1 compte : import all charge une base vide ; "
        "utilisez --db NOUVELLE.db.\n"
    )


def test_the_file_is_read_as_it_streams_whatever_its_layout(ok, cli, demo, tmp_path, monkeypatch):
    """Rows cut by the end of every chunk, a file written on one line or indented by another
    tool, the sequences after the tables: the same database each time."""
    document = json.loads(ok("export", "all").stdout)
    tables = document.pop("tables")
    layouts = {
        "compact": json.dumps({**document, "tables": tables}, separators=(",", ":")),
        "indented": json.dumps({**document, "tables": tables}, indent=2),
        "sequences last": json.dumps(
            {
                **{k: v for k, v in document.items() if k != "sequences"},
                "tables": tables,
                "sequences": document["sequences"],
            }
        ),
    }
    monkeypatch.setattr(whole, "CHUNK_CHARS", 7)
    for number, (layout, text) in enumerate(layouts.items()):
        moved = tmp_path / f"moved-{number}.db"
        result = cli("--db", str(moved), "import", "all", "-", input=text)
        assert result.exit_code == 0, (layout, result.output)
        assert dump(moved) == dump(demo), layout


def test_a_file_cut_short_or_out_of_shape_is_refused(cli, tmp_path, document):
    text = json.dumps(document, indent=1)
    lines = text.splitlines()
    cut = "\n".join(lines[: len(lines) // 2])
    code, stderr, source = refused(cli, tmp_path, cut)
    assert code == 2
    assert stderr.startswith(
        f"Error: {source} is not a file of colibri export all: it is not JSON (line "
    )
    assert stderr.endswith("). Make one with: colibri export all -o FILE\n")

    code, stderr, source = refused(cli, tmp_path, text + "\n{}")
    assert stderr == (
        f"Error: {source} is not a file of colibri export all: it is not JSON (line "
        f"{len(lines) + 1}, column 1: Extra data). Make one with: colibri export all -o FILE\n"
    )

    tables_first = json.dumps({"tables": document["tables"], **document})
    code, stderr, source = refused(cli, tmp_path, tables_first)
    assert stderr == (
        f'Error: {source} is not a file of colibri export all: it has no "format": '
        '"colibri". Make one with: colibri export all -o FILE\n'
    )

    no_tables = json.dumps({k: v for k, v in document.items() if k != "tables"})
    code, stderr, source = refused(cli, tmp_path, no_tables)
    assert stderr == (
        f'Error: {source} is not a file of colibri export all: its "tables" is not an '
        "object of tables. Make one with: colibri export all -o FILE\n"
    )

    twice = text.replace('"targets": [', '"accounts": [], "targets": [', 1)
    code, stderr, source = refused(cli, tmp_path, twice)
    assert (code, stderr) == (
        2,
        f"Error: {source} has the table accounts twice; nothing was imported.\n",
    )
