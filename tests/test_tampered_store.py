"""Databases another program changed, and files that are not a colibri database.

A schema that is not the one the migrations made is refused on open (exit 5, the problem
named, the file unchanged); odd values another program wrote are shown, never a traceback;
a read never creates, fills or migrates a file, and what is not a regular file is refused
at once.
"""

import hashlib
import os
import socket
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from colibri_cli.core import migrations, store

RESTORE_HINT = "Nothing was changed; restore a backup of it with colibri restore BACKUP."


def snapshot(path: Path) -> tuple[str, int]:
    """What must not change: the file's bytes and its mode."""
    return hashlib.sha256(path.read_bytes()).hexdigest(), stat.S_IMODE(path.stat().st_mode)


def tamper(path: Path, *statements: str) -> None:
    """Change the database as another program would, with sqlite3, and close it."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        for statement in statements:
            conn.execute(statement)
    finally:
        conn.close()


def error_line(result) -> str:
    return result.output.strip().splitlines()[-1]


@pytest.fixture
def colibri_db(ok, db_path, built_once):
    def build():
        ok("account", "add", "ACME")
        ok("opp", "create", "Deal", "-a", "ACME", "--amount", "1000", "--due", "+1m",
           "-s", "analysis")  # fmt: skip

    built_once(build)
    return db_path


# --- the schema the migrations made ----------------------------------------------------------


def test_the_expected_schema_is_what_the_migrations_make():
    """One source of truth: the constant colibri checks against is what the migrations
    make, in a new database, table by table and column by column, with every trigger."""
    conn = store.empty_database()
    try:
        made = {
            name: tuple(
                row[1] for row in conn.execute("SELECT * FROM pragma_table_xinfo(?)", (name,))
            )
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_schema WHERE type = 'table' "
                "AND name NOT IN ('sqlite_sequence', ?)",
                (migrations.MIGRATIONS_TABLE,),
            )
        }
        triggers = {
            name
            for (name,) in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'trigger'")
        }
    finally:
        conn.close()
    assert made == migrations.SCHEMA
    assert triggers == set(migrations.OWN_TRIGGERS)


TAMPERED = {
    "dropped table": (
        ["DROP TABLE opportunity_history"],
        "the table opportunity_history is missing",
    ),
    "renamed table": (["ALTER TABLE targets RENAME TO goals"], "the table targets is missing"),
    "renamed column": (
        ["ALTER TABLE accounts RENAME COLUMN city TO town"],
        "the column city of the table accounts is missing",
    ),
    "dropped column": (
        ["ALTER TABLE tasks DROP COLUMN notes"],
        "the column notes of the table tasks is missing",
    ),
    "deleted identity": (
        ["DELETE FROM database_identity"],
        "its identity, the row of the table database_identity, is missing or damaged",
    ),
    "damaged identity": (
        ["PRAGMA ignore_check_constraints = ON", "UPDATE database_identity SET id = x'00ff'"],
        "its identity, the row of the table database_identity, is missing or damaged",
    ),
    "dropped history trigger": (
        ["DROP TRIGGER opportunity_history_on_update"],
        "the trigger opportunity_history_on_update is missing: "
        "the history of opportunities would stop",
    ),
    "dropped stamp trigger": (
        ["DROP TRIGGER opportunity_stamp_unstamped_change"],
        "the trigger opportunity_stamp_unstamped_change is missing: "
        "the history of opportunities would stop",
    ),
    "dropped revision trigger": (
        ["DROP TRIGGER tasks_are_revised_on_update"],
        "the trigger tasks_are_revised_on_update is missing: "
        "calendar applications would not take the changes of tasks",
    ),
}


@pytest.mark.parametrize("statements, problem", TAMPERED.values(), ids=TAMPERED.keys())
@pytest.mark.parametrize(
    "command",
    [
        ["account", "list"],
        ["pipeline"],
        ["export", "all"],
        ["account", "add", "Globex"],
        ["opp", "status", "1", "won", "--no-follow-up"],
    ],
    ids=" ".join,
)
def test_a_tampered_schema_is_refused_on_open_and_left_untouched(
    cli, colibri_db, statements, problem, command
):
    tamper(colibri_db, *statements)
    before = snapshot(colibri_db)
    result = cli(*command)
    assert result.exit_code == 5, result.output
    assert error_line(result) == (
        f"Error: The database {colibri_db} is not as colibri made it: {problem}. {RESTORE_HINT}"
    )
    assert snapshot(colibri_db) == before


def test_a_dropped_index_is_no_problem(ok, colibri_db, rows):
    """Indexes only make reports fast: a database without one is used as it is."""
    tamper(colibri_db, "DROP INDEX opportunities_open_state")
    assert "Needs analysis      1  1,000 EUR   100 EUR" in ok("pipeline").output
    ok("opp", "status", "1", "won", "--no-follow-up")
    assert rows("SELECT status FROM opportunity_history ORDER BY id") == [
        {"status": "analysis"},
        {"status": "won"},
    ]


def test_what_another_program_added_is_no_problem(ok, colibri_db):
    tamper(
        colibri_db,
        "ALTER TABLE accounts ADD COLUMN segment TEXT",
        "CREATE TABLE notes_of_mine (id INTEGER PRIMARY KEY, body TEXT)",
        "CREATE TRIGGER mine AFTER INSERT ON accounts BEGIN SELECT 1; END",
        "DROP VIEW open_pipeline",
    )
    ok("account", "add", "Globex")
    assert "Globex" in ok("account", "list").output


def test_restore_brings_back_a_tampered_database(ok, cli, colibri_db, tmp_path):
    """The remedy the refusal names works on the database it refuses."""
    backup = tmp_path / "backup.db"
    ok("backup", str(backup))
    tamper(colibri_db, "DROP TABLE opportunity_history")
    assert cli("account", "list").exit_code == 5
    result = ok("restore", str(backup), "--yes")
    assert f"Restored {backup} into {colibri_db}" in result.output
    assert "Deal" in ok("opp", "list").output


# --- files that are not a colibri database ---------------------------------------------------

READS = [
    ["account", "list"],
    ["account", "show", "1"],
    ["opp", "list"],
    ["task", "list"],
    ["pipeline"],
    ["forecast"],
    ["stats"],
    ["agenda"],
    ["config", "show"],
    ["export", "opps"],
    ["export", "all"],
    ["backup", "copy.db"],
]


def no_database(path: Path) -> str:
    return (
        f"Error: No database at {path}: check the path. A command that adds records creates it "
        f"(colibri --db {path} account add NAME), and so does colibri --db {path} demo."
    )


@pytest.mark.parametrize("command", READS, ids=" ".join)
def test_a_read_where_there_is_no_database_creates_nothing(cli, tmp_path, command):
    missing = tmp_path / "crm.db"

    result = cli("--db", str(missing), *command)

    assert result.exit_code == 3, result.output
    assert error_line(result) == no_database(missing)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", READS, ids=" ".join)
def test_a_read_leaves_an_empty_file_as_it_is(cli, tmp_path, command):
    empty = tmp_path / "crm.db"
    empty.touch(mode=0o644)
    empty.chmod(0o644)
    before = snapshot(empty)

    result = cli("--db", str(empty), *command)

    assert result.exit_code == 5, result.output
    assert error_line(result) == (
        f"Error: {empty} is empty, not a colibri database yet; it was left untouched. A command "
        f"that adds records makes it one (colibri --db {empty} account add NAME)."
    )
    assert snapshot(empty) == before
    assert list(tmp_path.iterdir()) == [empty]


def test_a_write_makes_an_empty_file_a_database(ok, tmp_path):
    empty = tmp_path / "crm.db"
    empty.touch()

    ok("--db", str(empty), "account", "add", "ACME")

    assert "ACME" in ok("--db", str(empty), "account", "list").output


@pytest.mark.parametrize("command", [["account", "list"], ["account", "add", "ACME"]])
def test_a_database_of_another_program_holding_only_a_view_is_refused(cli, tmp_path, command):
    other = tmp_path / "other.db"
    tamper(other, "CREATE VIEW answer AS SELECT 42")
    before = snapshot(other)

    result = cli("--db", str(other), *command)

    assert result.exit_code == 5
    assert error_line(result) == (
        f"Error: {other} is a SQLite database of another program, not a colibri one; it was "
        "left untouched. Point --db or COLIBRI_DB at a colibri database or a new file."
    )
    assert snapshot(other) == before
    assert list(tmp_path.iterdir()) == [other]


NOT_REGULAR = (
    "is not a regular file (a pipe, a device or a socket): it cannot be a database. "
    "Give the path of a database file with --db."
)


def run_colibri(*args: str, env: dict | None = None, timeout: float = 20):
    """The installed command in its own process: a hang is a failure, not a stuck suite."""
    colibri = Path(sys.executable).with_name("colibri")
    return subprocess.run(
        [str(colibri), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env={**os.environ, **(env or {})},
    )


@pytest.mark.parametrize("command", [["account", "list"], ["account", "add", "ACME"]])
def test_a_fifo_is_refused_at_once(tmp_path, command):
    fifo = tmp_path / "crm.db"
    os.mkfifo(fifo)

    result = run_colibri("--db", str(fifo), *command)

    assert result.returncode == 5
    assert result.stderr == f"Error: {fifo} {NOT_REGULAR}\n"
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert list(tmp_path.iterdir()) == [fifo]


def test_restore_from_a_fifo_or_a_device_is_refused_at_once(ok, colibri_db, tmp_path):
    fifo = tmp_path / "backup.db"
    os.mkfifo(fifo)
    before = snapshot(colibri_db)

    for source in (fifo, Path("/dev/zero")):
        result = run_colibri("--db", str(colibri_db), "restore", str(source), "--yes")
        assert result.returncode == 2
        assert result.stderr == (
            f"Error: {source} is not a regular file (a pipe, a device or a socket): give the "
            "path of a backup file.\n"
        )
    assert snapshot(colibri_db) == before


@pytest.mark.parametrize("command", [["account", "list"], ["account", "add", "ACME"]])
def test_a_device_and_a_socket_are_refused(cli, tmp_path, command):
    listening = socket.socket(socket.AF_UNIX)
    listening.bind(str(tmp_path / "crm.sock"))
    try:
        for path in ("/dev/zero", str(tmp_path / "crm.sock")):
            result = cli("--db", path, *command)
            assert result.exit_code == 5
            assert error_line(result) == f"Error: {path} {NOT_REGULAR}"
    finally:
        listening.close()
    assert list(tmp_path.iterdir()) == [tmp_path / "crm.sock"]


@pytest.mark.parametrize("command", [["account", "list"], ["account", "add", "ACME"]])
def test_a_directory_is_refused(cli, tmp_path, command):
    result = cli("--db", str(tmp_path), *command)

    assert result.exit_code == 5
    assert error_line(result) == (
        f"Error: {tmp_path} is a directory, not a database file. Give a file path with --db."
    )
    assert list(tmp_path.iterdir()) == []


def cannot_use(path, reason: str) -> str:
    return (
        f"Error: Cannot use {path} as the database: {reason}. "
        "Choose another path with --db or COLIBRI_DB."
    )


@pytest.mark.parametrize("command", [["account", "list"], ["account", "add", "ACME"]])
def test_a_path_the_system_refuses_is_a_database_problem_naming_it(cli, tmp_path, command):
    too_long = tmp_path / ("x" * 300) / "crm.db"
    (tmp_path / "afile").write_text("just a file\n")
    through_a_file = tmp_path / "afile" / "crm.db"

    for path, reason in ((too_long, "File name too long"), (through_a_file, "Not a directory")):
        result = cli("--db", str(path), *command)
        assert result.exit_code == 5, result.output
        assert error_line(result) == cannot_use(path, reason)
    assert (tmp_path / "afile").read_text() == "just a file\n"
    assert list(tmp_path.iterdir()) == [tmp_path / "afile"]


@pytest.mark.parametrize("command", [["account", "list"], ["account", "add", "ACME"]])
def test_a_link_to_nothing_is_refused_naming_where_it_leads(cli, tmp_path, command):
    link = tmp_path / "crm.db"
    link.symlink_to(tmp_path / "gone.db")

    result = cli("--db", str(link), *command)

    assert result.exit_code == 5
    assert error_line(result) == cannot_use(
        link, f"it is a link to {tmp_path / 'gone.db'}, which does not exist"
    )
    assert list(tmp_path.iterdir()) == [link]


def test_a_path_not_permitted_is_a_database_problem_naming_it(cli, tmp_path, monkeypatch):
    """Permission denied on the way to the file (as root, only a stat that says so shows it)."""
    secret = tmp_path / "locked" / "crm.db"
    real_stat = os.stat

    def stat_of(path, *args, **kwargs):
        if Path(path) == secret:
            raise PermissionError(13, "Permission denied", str(path))
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", stat_of)
    result = cli("--db", str(secret), "account", "list")

    assert result.exit_code == 5
    assert error_line(result) == cannot_use(secret, "Permission denied")


def test_completion_on_a_path_that_cannot_be_a_database_suggests_nothing(tmp_path):
    too_long = tmp_path / ("x" * 300) / "crm.db"
    words = f"colibri --db {too_long} account show A"

    result = run_colibri(
        env={"_COLIBRI_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": "5"}
    )

    assert (result.returncode, result.stdout, result.stderr) == (0, "\n", "")  # no suggestion


def test_a_failed_first_write_leaves_no_database(cli, tmp_path):
    new = tmp_path / "crm.db"

    result = cli("--db", str(new), "account", "add", "ACME", "--email", "not-an-email")

    assert result.exit_code == 2
    assert list(tmp_path.iterdir()) == []


def test_a_first_write_to_a_full_disk_leaves_no_database(cli, full_disk):
    new = full_disk / "crm.db"

    result = cli("--db", str(new), "account", "add", "ACME")

    assert result.exit_code == 5, result.output
    assert error_line(result) == (
        f"Error: The disk holding {new} is full: free some space and try again."
    )
    assert list(full_disk.iterdir()) == []


def test_a_new_database_appears_only_once_complete(ok, tmp_path, monkeypatch):
    """While the first command runs, the path has no file: a reader beside it finds no
    database rather than a half-made one; once it has committed, the whole database."""
    new = tmp_path / "crm.db"
    seen = []
    real_publish = store._publish

    def publish(staged, path):
        seen.append(sorted(child.name for child in tmp_path.iterdir()))
        real_publish(staged, path)

    monkeypatch.setattr(store, "_publish", publish)
    ok("--db", str(new), "account", "add", "ACME")

    [before] = seen
    assert len(before) == 1 and before[0].startswith(".crm.db.new-")
    assert sorted(child.name for child in tmp_path.iterdir()) == ["crm.db"]
    assert stat.S_IMODE(new.stat().st_mode) == 0o600
    assert "ACME" in ok("--db", str(new), "account", "list").output


# --- odd values another program wrote ----------------------------------------------------------

ODD_VALUES = [
    # A BLOB, a number, NULL where text belongs.
    "UPDATE accounts SET name = x'ff00fe' WHERE id = 1",
    "UPDATE accounts SET name = x'4f6464' WHERE id = 3",  # text stored as a BLOB: 'Odd'
    "UPDATE accounts SET city = 42, notes = 3.5, email = x'00', created_at = 'garbage' "
    "WHERE id = 2",
    "UPDATE contacts SET name = 7, email = x'01' WHERE id = 1",
    "UPDATE contacts SET name = NULL WHERE id = 2",
    "UPDATE opportunities SET status = 'ghost', name = 12345 WHERE id = 7",
    "UPDATE opportunities SET status = NULL, name = NULL WHERE id = 8",
    "UPDATE tasks SET title = x'00', due_date = 'garbage' WHERE id = 1",
    "UPDATE tasks SET title = NULL, created_at = NULL WHERE id = 3",
    # Text, a fraction, a BLOB, NULL where an amount belongs; a number where a currency does.
    "UPDATE opportunities SET amount = 'abc' WHERE id = 1",
    "UPDATE opportunities SET amount = NULL, currency = NULL WHERE id = 2",
    "UPDATE opportunities SET amount = 1.5, due_date = '0001-01-01' WHERE id = 3",
    "UPDATE opportunities SET amount = x'01', due_date = 'garbage' WHERE id = 4",
    "UPDATE opportunities SET due_date = 20261126, currency = 123, probability = 500 WHERE id = 5",
    "UPDATE opportunities SET currency = 'x', probability = -5 WHERE id = 11",
    # References to what another program deleted, foreign keys off.
    "UPDATE contacts SET account_id = 999 WHERE id = 3",
    "UPDATE opportunities SET account_id = 999, contact_id = 999 WHERE id = 12",
    "UPDATE tasks SET opportunity_id = 99999, account_id = 999 WHERE id = 5",
    # Dates that are not dates, or out of range.
    "UPDATE opportunities SET due_date = NULL, probability = 'high', created_on = 'garbage' "
    "WHERE id = 6",
    "UPDATE opportunities SET updated_at = 'garbage' WHERE id = 9",
    "UPDATE opportunities SET updated_at = NULL, tags = x'00', closed_on = '9999-99-99' "
    "WHERE id = 10",
    "UPDATE opportunities SET due_date = x'00', created_on = NULL, closed_on = 'x' WHERE id = 14",
    "UPDATE opportunities SET due_date = '2026-13-45', created_on = '0001-01-01' WHERE id = 15",
    "UPDATE tasks SET due_date = '0001-01-01', done_on = 'x' WHERE id = 2",
    "UPDATE tasks SET due_date = 20261126 WHERE id = 4",
    # The history, written by the triggers above and by hand.
    "UPDATE opportunity_history SET changed_at = 'garbage' WHERE id = 1",
    "UPDATE opportunity_history SET amount = 'abc', due_date = '0001-01-01' WHERE id = 2",
    "UPDATE opportunity_history SET status_probability = 'x', deleted = 5, currency = NULL "
    "WHERE id = 3",
    "UPDATE opportunity_history SET changed_at = NULL, status = 'ghost', amount = NULL "
    "WHERE id = 4",
    "UPDATE opportunity_history SET changed_at = x'00', closed_on = 'garbage', probability = 'x' "
    "WHERE id = 5",
    # Targets, settings and statuses colibri would have refused.
    "UPDATE targets SET amount = 'lots' WHERE rowid = 1",
    "UPDATE targets SET period = 'garbage', currency = 1 WHERE rowid = 2",
    "UPDATE targets SET amount = NULL, currency = NULL WHERE rowid = 3",
    "UPDATE settings SET value = 'xx' WHERE key = 'currency'",
    "UPDATE settings SET value = 'high' WHERE key = 'commit-threshold'",
    "UPDATE settings SET value = '-1' WHERE key = 'stale-days'",
    "UPDATE settings SET value = '13' WHERE key = 'fiscal-year-start'",
    "UPDATE settings SET value = 'zz' WHERE key = 'date-order'",
    "UPDATE settings SET value = x'00' WHERE key = 'follow-up-delay'",
    "UPDATE settings SET value = 'zz' WHERE key = 'language'",
    "UPDATE statuses SET probability = 'x', label = x'00' WHERE key = 'quote'",
    "UPDATE statuses SET position = 'x', probability = 500 WHERE key = 'negotiation'",
    "INSERT INTO statuses (key, label, probability, kind, position) "
    "VALUES ('weird', 'Weird', NULL, 'strange', NULL)",
]


def write_odd_values(path: Path) -> None:
    """What a program that rebuilt colibri's tables without NOT NULL (writable_schema does
    it in place), then ignored their CHECK constraints, could leave."""
    tamper(
        path,
        "PRAGMA writable_schema = ON",
        "UPDATE sqlite_schema SET sql = replace(sql, ' NOT NULL', '') WHERE type = 'table' "
        "AND name IN ('accounts', 'contacts', 'opportunities', 'opportunity_history', "
        "'tasks', 'targets', 'settings', 'statuses')",
        "PRAGMA schema_version = 1000",
    )
    tamper(path, "PRAGMA ignore_check_constraints = ON", *ODD_VALUES)


@pytest.fixture(scope="module")
def odd_database(tmp_path_factory) -> bytes:
    """The demo database, then odd values written into it: its bytes, made once."""
    path = tmp_path_factory.mktemp("odd") / "odd.db"
    made = run_colibri("--db", str(path), "demo", env={"COLIBRI_TODAY": "2026-11-26"})
    assert made.returncode == 0, made.stderr
    write_odd_values(path)
    return path.read_bytes()


READ_EVERYTHING = [
    *(
        [noun, *verb]
        for noun in ("account", "contact", "opp", "task")
        for verb in (["list"], ["list", "-f", "json"], ["list", "-f", "csv"])
    ),
    *(["account", "show", ref] for ref in ("1", "2", "3")),
    *(["contact", "show", ref] for ref in ("1", "2", "3")),
    *(["opp", "show", str(ref)] for ref in (1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 14, 15)),
    ["opp", "show", "4", "-f", "json"],
    *(["opp", "history", str(ref)] for ref in (1, 2, 3, 8)),
    *(["task", "show", ref] for ref in ("1", "2", "3", "4", "5")),
    ["task", "list", "--all"],
    *(
        [report, *form]
        for report in ("pipeline", "forecast", "stats", "agenda")
        for form in ([], ["-f", "json"], ["-f", "csv"])
    ),
    ["forecast", "accuracy"],
    ["forecast", "accuracy", "-f", "json"],
    *(["export", kind] for kind in ("accounts", "contacts", "opps", "tasks", "history", "all")),
    ["export", "opps", "-f", "json"],
    ["task", "export"],
    ["target", "list"],
    ["target", "list", "-f", "json"],
    ["statuses", "list"],
    ["statuses", "list", "-f", "json"],
    ["config", "show"],
    ["config", "show", "-f", "json"],
]


@pytest.mark.parametrize("command", READ_EVERYTHING, ids=" ".join)
def test_odd_values_are_shown_never_a_traceback(cli, db_path, odd_database, command):
    db_path.write_bytes(odd_database)
    db_path.chmod(0o600)
    before = snapshot(db_path)

    result = cli(*command)

    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert snapshot(db_path) == before


def test_odd_values_are_shown_as_they_are(ok, db_path, odd_database):
    db_path.write_bytes(odd_database)

    accounts = ok("account", "list", "-f", "csv").stdout
    deal = ok("opp", "show", "3").stdout

    assert "x'ff00fe'" in accounts  # a BLOB that is not text, as SQLite writes it
    assert "\n3,Odd," in accounts  # one that holds text, as that text
    assert "Amount           1.5 EUR" in deal
    assert "Due              0001-01-01" in deal
    assert "Amount           abc EUR" in ok("opp", "show", "1").stdout


@pytest.mark.parametrize("command", [["pipeline"], ["forecast"]])
def test_amounts_too_large_to_add_up_are_one_line(cli, colibri_db, command):
    tamper(
        colibri_db,
        "INSERT INTO opportunities (account_id, name, amount, currency, due_date, status, "
        "created_on, created_at, updated_at) SELECT account_id, 'Huge', 9223372036854775807, "
        "currency, due_date, status, created_on, created_at, updated_at FROM opportunities",
    )
    before = snapshot(colibri_db)

    result = cli(*command)

    assert result.exit_code == 5, result.output
    assert error_line(result) == (
        f"Error: The amounts in the database {colibri_db} add up to more than SQLite can count: "
        "another program stored some that colibri would refuse (over 1,000,000,000,000,000). "
        "Correct them."
    )
    assert snapshot(colibri_db) == before
