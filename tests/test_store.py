"""The SQLite store: where the file lives, how it is created and opened, what it refuses."""

import datetime as dt
import os
import re
import sqlite3
import stat
import subprocess
import sys

import platformdirs
import pytest

from colibri_cli.core import migrations, store
from colibri_cli.core.errors import DatabaseProblem

DESIGN_TABLES = {
    # design.md §3: every table, with the columns the brief names.
    "accounts": {
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
    },
    "contacts": {"id", "account_id", "name", "email", "phone", "role", "notes"},
    "statuses": {"key", "label", "probability", "kind", "position"},
    "opportunities": {
        "id",
        "account_id",
        "contact_id",
        "name",
        "amount",
        "currency",
        "due_date",
        "status",
        "probability",
        "source",
        "type",
        "description",
        "tags",
        "notes",
        "created_on",
        "closed_on",
        "close_reason",
        "external_id",
        "created_at",
        "updated_at",
    },
    "opportunity_history": {
        "opportunity_id",
        "changed_at",
        "status",
        "amount",
        "due_date",
        "probability",
        "currency",
    },
    "tasks": {
        "id",
        "title",
        "due_date",
        "opportunity_id",
        "account_id",
        "done_on",
        "notes",
        "created_at",
    },
    "targets": {"period", "currency", "amount"},
    "settings": {"key", "value"},
}


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def connect(db_path) -> sqlite3.Connection:
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


@pytest.fixture
def colibri_db(ok, db_path):
    """A real colibri database, created and migrated by the CLI, with one account."""
    ok("account", "add", "ACME")
    return db_path


@pytest.fixture
def no_umask():
    """Run with umask 0, so that only colibri's own modes protect what it creates."""
    previous = os.umask(0)
    yield
    os.umask(previous)


# --- where the database is -------------------------------------------------------------------


def test_colibri_db_chooses_the_file(ok, rows, db_path):
    ok("account", "add", "ACME")

    assert rows("SELECT name FROM accounts") == [{"name": "ACME"}]


def test_db_option_wins_over_colibri_db(ok, db_path, tmp_path):
    chosen = tmp_path / "chosen.db"

    ok("--db", str(chosen), "account", "add", "ACME")

    assert not db_path.exists()
    conn = sqlite3.connect(chosen)
    assert conn.execute("SELECT name FROM accounts").fetchall() == [("ACME",)]
    conn.close()


def test_db_option_expands_the_home_directory(ok, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))

    ok("--db", "~/crm.db", "account", "add", "ACME")

    assert (tmp_path / "home" / "crm.db").is_file()


def test_default_is_the_platform_user_data_directory(ok, tmp_path, monkeypatch, no_umask):
    monkeypatch.delenv("COLIBRI_DB")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "home" / "data"))
    (tmp_path / "home").mkdir(mode=0o755)
    expected = tmp_path / "home" / "data" / "colibri" / "colibri.db"
    assert platformdirs.user_data_dir("colibri", appauthor=False) == str(expected.parent)

    ok("account", "add", "ACME")

    assert expected.is_file()
    # Every directory colibri had to create is private, and so is the file.
    assert mode(tmp_path / "home" / "data") == 0o700
    assert mode(expected.parent) == 0o700
    assert mode(expected) == 0o600
    assert mode(tmp_path / "home") == 0o755  # not created by colibri: left alone


def test_default_location_comes_from_platformdirs(ok, tmp_path, monkeypatch):
    monkeypatch.delenv("COLIBRI_DB")
    asked = []

    def user_data_dir(appname, appauthor=None, **kwargs):
        asked.append((appname, appauthor))
        return str(tmp_path / "platform-data" / appname)

    monkeypatch.setattr(platformdirs, "user_data_dir", user_data_dir)

    ok("account", "add", "ACME")

    assert asked == [("colibri", False)]
    assert (tmp_path / "platform-data" / "colibri" / "colibri.db").is_file()


def test_a_new_file_is_readable_by_its_owner_only(ok, db_path, no_umask):
    ok("account", "add", "ACME")

    assert mode(db_path) == 0o600


def test_an_existing_directory_keeps_its_mode(ok, tmp_path, no_umask):
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)

    ok("--db", str(shared / "deep" / "crm.db"), "account", "add", "ACME")

    assert mode(shared) == 0o755
    assert mode(shared / "deep") == 0o700
    assert mode(shared / "deep" / "crm.db") == 0o600


# --- how it is opened --------------------------------------------------------------------------


def test_the_file_is_in_wal_mode(colibri_db, rows):
    assert rows("PRAGMA journal_mode") == [{"journal_mode": "wal"}]


def test_connections_enforce_foreign_keys_and_wait_when_busy(colibri_db):
    conn = store.open_database(colibri_db, write=False)
    try:
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 30_000
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL: durable commits
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
            conn.execute(
                "INSERT INTO contacts (account_id, name, created_at, updated_at) "
                "VALUES (99, 'Ghost', 'x', 'x')"
            )
    finally:
        conn.close()


def test_the_schema_has_every_table_of_the_design_and_the_open_pipeline_view(colibri_db, rows):
    objects = rows("SELECT type, name FROM sqlite_schema WHERE type IN ('table', 'view')")
    tables = {row["name"] for row in objects if row["type"] == "table"}
    views = {row["name"] for row in objects if row["type"] == "view"}

    assert set(DESIGN_TABLES) | {"_sqlite_migrations"} <= tables
    assert "open_pipeline" in views
    for table, columns in DESIGN_TABLES.items():
        actual = {row["name"] for row in rows(f"PRAGMA table_info({table})")}
        assert columns <= actual, (table, columns - actual)


def test_the_default_statuses(colibri_db, rows):
    assert rows("SELECT key, label, probability, kind FROM statuses ORDER BY position") == [
        {"key": "analysis", "label": "Needs analysis", "probability": 10, "kind": "open"},
        {"key": "quote", "label": "Quote sent", "probability": 40, "kind": "open"},
        {"key": "negotiation", "label": "Negotiation", "probability": 70, "kind": "open"},
        {"key": "won", "label": "Won", "probability": 100, "kind": "won"},
        {"key": "lost", "label": "Lost", "probability": 0, "kind": "lost"},
        {"key": "cancelled", "label": "Cancelled", "probability": 0, "kind": "cancelled"},
    ]


def test_the_open_pipeline_view_weights_open_opportunities(colibri_db, rows):
    conn = connect(colibri_db)
    for name, status, probability in [
        ("Open deal", "quote", None),
        ("Sure deal", "negotiation", 90),
        ("Done deal", "won", None),
    ]:
        conn.execute(
            "INSERT INTO opportunities (account_id, name, amount, currency, due_date, status, "
            "probability, created_on, created_at, updated_at) VALUES (1, ?, 15000, 'EUR', "
            "'2026-12-31', ?, ?, '2026-11-01', '2026-11-01T09:00:00', '2026-11-01T09:00:00')",
            (name, status, probability),
        )
    conn.close()

    assert rows("SELECT * FROM open_pipeline ORDER BY id") == [
        {
            "id": 1,
            "name": "Open deal",
            "account": "ACME",
            "amount": 15000,
            "currency": "EUR",
            "due_date": "2026-12-31",
            "status": "quote",
            "status_label": "Quote sent",
            "probability": 40,
            "weighted_amount": 6000.0,
        },
        {
            "id": 2,
            "name": "Sure deal",
            "account": "ACME",
            "amount": 15000,
            "currency": "EUR",
            "due_date": "2026-12-31",
            "status": "negotiation",
            "status_label": "Negotiation",
            "probability": 90,
            "weighted_amount": 13500.0,
        },
    ]


OPPORTUNITY = {
    "account_id": 1,
    "name": "Deal",
    "amount": 15000,
    "currency": "EUR",
    "due_date": "2026-12-31",
    "status": "quote",
    "probability": None,
    "created_on": "2026-11-01",
    "closed_on": None,
    "created_at": "2026-11-01T09:00:00",
    "updated_at": "2026-11-01T09:00:00",
}


def insert(conn, table: str, values: dict) -> None:
    marks = ", ".join("?" for _ in values)
    conn.execute(
        f"INSERT INTO {table} ({', '.join(values)}) VALUES ({marks})", tuple(values.values())
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"amount": -1},
        {"amount": 1.5},
        {"amount": "15k"},
        {"amount": None},
        {"due_date": "2026-02-32"},
        {"due_date": "31/12/2026"},
        {"due_date": "2026-12-31T10:00"},
        {"due_date": None},
        {"created_on": "yesterday"},
        {"closed_on": "2026-13-01"},
        {"status": None},
        {"status": "maybe"},  # not a status: the foreign key refuses it
        {"currency": "eur"},
        {"currency": "EURO"},
        {"probability": 101},
        {"probability": -5},
        {"name": " Deal"},
        {"name": ""},
        {"account_id": 99},
        {"account_id": None},
    ],
    ids=str,
)
def test_constraints_refuse_what_the_code_refuses(colibri_db, changes):
    conn = connect(colibri_db)
    try:
        insert(conn, "opportunities", OPPORTUNITY)  # the valid row passes
        with pytest.raises(sqlite3.IntegrityError):
            insert(conn, "opportunities", {**OPPORTUNITY, **changes})
    finally:
        conn.close()


GOOD_ROWS = {
    "statuses": {
        "key": "on-hold",
        "label": "On hold",
        "probability": 5,
        "kind": "open",
        "position": 7,
    },
    "targets": {"period": "2027-Q1", "currency": "EUR", "amount": 1000},
    "accounts": {"name": "Zeta", "created_at": "x", "updated_at": "x"},
    "tasks": {"title": "Call", "due_date": "2026-12-01", "created_at": "x", "updated_at": "x"},
}


@pytest.mark.parametrize(
    ("table", "changes"),
    [
        ("statuses", {"kind": "maybe"}),
        ("statuses", {"probability": 150}),
        ("statuses", {"key": "On-hold"}),
        ("statuses", {"label": ""}),
        ("targets", {"period": "2027-13"}),
        ("targets", {"period": "2027-Q5"}),
        ("targets", {"amount": -1}),
        ("targets", {"amount": 10.5}),
        ("targets", {"currency": "eur"}),
        ("accounts", {"name": "  "}),
        ("accounts", {"name": " Zeta"}),
        ("accounts", {"name": "acme"}),  # ACME exists: unique ignoring (ASCII) case
        ("tasks", {"due_date": "soon"}),
        ("tasks", {"title": ""}),
        ("tasks", {"account_id": 99}),
    ],
    ids=str,
)
def test_constraints_of_the_other_tables(colibri_db, table, changes):
    conn = connect(colibri_db)
    try:
        with pytest.raises(sqlite3.IntegrityError):
            insert(conn, table, {**GOOD_ROWS[table], **changes})
    finally:
        conn.close()


@pytest.mark.parametrize("table", GOOD_ROWS)
def test_constraints_accept_good_rows(colibri_db, rows, table):
    conn = connect(colibri_db)
    before = rows(f"SELECT count(*) AS n FROM {table}")[0]["n"]
    insert(conn, table, GOOD_ROWS[table])
    conn.close()

    assert rows(f"SELECT count(*) AS n FROM {table}") == [{"n": before + 1}]


def test_migrations_are_recorded_once(colibri_db, ok, rows):
    ok("account", "add", "Other")

    recorded = rows("SELECT migration_set, name FROM _sqlite_migrations ORDER BY id")
    assert recorded == [{"migration_set": "colibri", "name": name} for name in migrations.KNOWN]
    assert recorded[0]["name"] == "m001_initial_schema"


FIRST_RELEASE_DATA = """
    PRAGMA foreign_keys = ON;
    INSERT INTO accounts (name, created_at, updated_at) VALUES ('ACME', 'x', 'x');
    INSERT INTO contacts (account_id, name, created_at, updated_at) VALUES (1, 'Ann', 'x', 'x');
    INSERT INTO opportunities (account_id, contact_id, name, amount, currency, due_date,
        status, created_on, created_at, updated_at)
        VALUES (1, 1, 'Deal', 5, 'EUR', '2027-01-31', 'quote', '2026-11-01',
            '2026-11-01T09:00:00', '2026-11-01T09:00:00');
    INSERT INTO tasks (title, opportunity_id, account_id, created_at, updated_at)
        VALUES ('Call', 1, 1, 'x', 'x');
"""
REBUILT = ("accounts", "contacts", "opportunities", "tasks")


def first_release(db_path, extra_sql: str = "") -> None:
    """A database file as the first release wrote it (steps m001 and m002), with data, and
    what another program may have done to it."""
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations

    steps = Migrations(migrations.MIGRATION_SET)
    for step in migrations.STEPS[:2]:
        steps()(step)
    database = Database(db_path)
    steps.apply(database)
    database.conn.executescript(FIRST_RELEASE_DATA + extra_sql)
    database.conn.close()


def test_a_database_of_the_first_release_is_brought_up_to_date(db_path, ok, rows):
    """It gains its identity and ids that are never reused, and keeps its records, links,
    history, triggers and view."""
    first_release(db_path)
    tables = (*REBUILT, "opportunity_history")
    before = {table: rows(f"SELECT * FROM {table}") for table in tables}

    ok("upgrade")

    [identity] = rows("SELECT single, id FROM database_identity")
    assert identity["single"] == 1 and re.fullmatch("[0-9a-f]{8}", identity["id"])
    assert [row["name"] for row in rows("SELECT name FROM _sqlite_migrations")] == list(
        migrations.KNOWN
    )
    added = {
        "opportunities": {"deleted_at": None, "renewal_of": None},
        "opportunity_history": {"deleted": 0},
        "tasks": {
            "contact_id": None,
            "due_time": None,
            "every": None,
            "every_from": None,
            "revision": 0,
        },
    }
    assert {table: rows(f"SELECT * FROM {table}") for table in tables} == {
        table: [{**row, **added.get(table, {})} for row in table_rows]
        for table, table_rows in before.items()
    }  # nothing lost; the trash, the deletions in history and the tasks' new columns, empty
    assert rows("SELECT name, seq FROM sqlite_sequence ORDER BY name") == [
        {"name": table, "seq": 1} for table in REBUILT
    ]  # from now on, ids count on from the highest ever given
    ok("opp", "status", "1", "negotiation")
    assert rows("SELECT count(*) AS n FROM opportunity_history") == [{"n": 2}]  # triggers
    assert rows("SELECT count(*) AS n FROM open_pipeline") == [{"n": 1}]  # the view
    assert rows("PRAGMA foreign_key_check") == []


@pytest.mark.parametrize("command", [["account", "list"], ["pipeline"], ["export", "all"]])
def test_a_read_leaves_a_database_of_an_older_colibri_as_it_is(cli, ok, db_path, command):
    first_release(db_path)
    before = db_path.read_bytes()

    result = cli(*command)

    assert result.exit_code == 5
    assert result.stderr == (
        f"Error: {db_path} was made by an older version of colibri and a command that reads "
        f"does not change it: bring it up to date with colibri --db {db_path} upgrade (any "
        "command that writes does it too).\n"
    )
    assert db_path.read_bytes() == before
    assert ok("upgrade").stderr == f"The database {db_path} is up to date.\n"
    assert cli(*command).exit_code == 0


@pytest.mark.parametrize(
    "extra_sql",
    [
        "CREATE VIEW big_accounts AS SELECT name FROM accounts;",
        "CREATE VIEW changes AS SELECT * FROM opportunity_history;",
        "DROP VIEW open_pipeline;",
        "CREATE TABLE audit (what TEXT); CREATE TRIGGER audit_statuses AFTER UPDATE ON statuses "
        "BEGIN INSERT INTO audit SELECT name FROM accounts LIMIT 1; END;",
        # Another program, foreign keys off, deleted an account its contact still names.
        "PRAGMA foreign_keys = OFF; INSERT INTO accounts (name, created_at, updated_at) "
        "VALUES ('Gone', 'x', 'x'); INSERT INTO contacts (account_id, name, created_at, "
        "updated_at) VALUES (2, 'Orphan', 'x', 'x'); DELETE FROM accounts WHERE id = 2;",
        # A table renamed and back: SQLite now writes its name in quotes.
        "ALTER TABLE tasks RENAME TO tasks_old; ALTER TABLE tasks_old RENAME TO tasks;",
        "CREATE VIEW names AS SELECT name FROM accounts; CREATE TRIGGER names_insert "
        "INSTEAD OF INSERT ON names BEGIN INSERT INTO accounts (name, created_at, updated_at) "
        "VALUES (NEW.name, 'x', 'x'); END;",
    ],
    ids=[
        "view",
        "view-on-history",
        "no-pipeline-view",
        "user-trigger",
        "broken-reference",
        "renamed-back",
        "trigger-on-a-view",
    ],
)
def test_what_other_programs_did_to_a_database_survives_the_upgrade(db_path, ok, rows, extra_sql):
    first_release(db_path, extra_sql)
    views_and_triggers = (
        "SELECT type, name, sql FROM sqlite_schema WHERE type IN ('view', 'trigger') ORDER BY name"
    )
    schema = rows(views_and_triggers)

    ok("account", "add", "Globex")

    ours = {"open_pipeline", *(name for name in migrations.OWN_TRIGGERS)}
    assert [row for row in rows(views_and_triggers) if row["name"] not in ours] == [
        row for row in schema if row["name"] not in ours
    ]  # the user's own, untouched
    assert {row["name"] for row in rows(views_and_triggers)} >= {
        *migrations.OWN_TRIGGERS,
        *(row["name"] for row in schema if row["name"] == "open_pipeline"),
    }  # colibri's, brought up to date; a view the user dropped stays dropped
    assert [row["name"] for row in rows("SELECT name FROM _sqlite_migrations")] == list(
        migrations.KNOWN
    )


def test_a_table_colibri_did_not_make_stops_the_upgrade_and_changes_nothing(cli, db_path):
    first_release(
        db_path,
        "PRAGMA foreign_keys = OFF; DROP TABLE tasks; "
        "CREATE TABLE tasks (task_id INTEGER PRIMARY KEY, title TEXT);",
    )
    before = list(sqlite3.connect(db_path).iterdump())

    result = cli("upgrade")

    assert result.exit_code == 5
    assert result.stderr == (
        "Error: Cannot bring this database up to date: its tasks table is not as colibri made "
        "it. Nothing was changed.\n"
    )
    assert list(sqlite3.connect(db_path).iterdump()) == before


def test_the_id_of_a_deleted_record_is_never_given_again(ok, rows):
    for name in ("ACME", "Globex"):
        ok("account", "add", name)
    ok("account", "delete", "Globex", "--yes")

    assert ok("account", "add", "Initech").stderr == "Added account Initech (id 3).\n"
    assert rows("SELECT id, name FROM accounts ORDER BY id") == [
        {"id": 1, "name": "ACME"},
        {"id": 3, "name": "Initech"},
    ]


# --- what is refused, and left untouched --------------------------------------------------------


def files_in(directory) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in directory.iterdir() if path.is_file()}


@pytest.mark.parametrize("command", [["account", "list"], ["account", "add", "ACME"]])
def test_a_file_that_is_not_sqlite_is_refused_and_left_untouched(cli, tmp_path, command):
    path = tmp_path / "notes.db"
    path.write_bytes(b"name,city\nACME,Lyon\n")
    before = files_in(tmp_path)

    result = cli("--db", str(path), *command)

    assert result.exit_code == 5
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: {path} is not a SQLite database; colibri left it untouched. "
        "Point --db or COLIBRI_DB at a colibri database or at a new file.\n"
    )
    assert files_in(tmp_path) == before


FOREIGN_DATABASES = {
    "a table": [
        "CREATE TABLE photos (id INTEGER PRIMARY KEY, title TEXT)",
        "INSERT INTO photos (title) VALUES ('Lyon')",
    ],
    "another program's migrations": [
        "CREATE TABLE _sqlite_migrations "
        "(id INTEGER PRIMARY KEY, migration_set TEXT, name TEXT, applied_at TEXT)",
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('photos', 'm001_initial', '2026-01-01 00:00:00+00:00')",
    ],
}


@pytest.mark.parametrize("statements", FOREIGN_DATABASES.values(), ids=FOREIGN_DATABASES)
@pytest.mark.parametrize("command", [["account", "list"], ["account", "add", "ACME"]])
def test_a_database_of_another_program_is_refused_and_left_untouched(
    cli, tmp_path, command, statements
):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()
    before = files_in(tmp_path)

    result = cli("--db", str(path), *command)

    assert result.exit_code == 5
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: {path} is a SQLite database of another program, not a colibri one; it was left "
        "untouched. Point --db or COLIBRI_DB at a colibri database or a new file.\n"
    )
    assert files_in(tmp_path) == before


@pytest.mark.parametrize(
    "command",
    [["account", "list"], ["account", "add", "Other"], ["config", "set", "currency", "USD"]],
)
def test_a_database_from_a_newer_colibri_is_refused_and_left_untouched(
    colibri_db, cli, tmp_path, command
):
    conn = sqlite3.connect(colibri_db)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('colibri', 'm999_future', '2030-01-01 00:00:00+00:00')"
    )
    conn.commit()
    conn.close()
    before = files_in(tmp_path)
    assert set(before) == {"colibri.db"}

    result = cli(*command)

    assert result.exit_code == 5
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: {colibri_db} was written by a newer version of colibri (it records migration "
        "'m999_future', unknown to this version); it was left untouched. "
        "Upgrade colibri to use it.\n"
    )
    assert files_in(tmp_path) == before


def test_migrations_of_another_set_do_not_matter(colibri_db, ok):
    conn = sqlite3.connect(colibri_db)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('my-plugin', 'm001_extra', '2030-01-01 00:00:00+00:00')"
    )
    conn.commit()
    conn.close()

    assert ok("account", "list", "--format", "csv").stdout.splitlines()[1].startswith("1,ACME,")


def test_an_empty_file_becomes_a_colibri_database(ok, db_path, rows):
    db_path.touch()

    ok("account", "add", "ACME")

    assert rows("SELECT name FROM accounts") == [{"name": "ACME"}]


def test_a_directory_is_not_a_database(cli, tmp_path):
    result = cli("--db", str(tmp_path), "account", "list")

    assert result.exit_code == 5
    assert result.stderr == (
        f"Error: {tmp_path} is a directory, not a database file. Give a file path with --db.\n"
    )


@pytest.mark.parametrize(
    ("where", "reason"),
    [("afile/x.db", "Not a directory"), ("afile/deeper/x.db", "Not a directory")],
)
def test_an_unwritable_location_is_a_database_problem(cli, tmp_path, where, reason):
    (tmp_path / "afile").write_text("just a file\n")
    path = tmp_path / where

    result = cli("--db", str(path), "account", "add", "ACME")

    assert result.exit_code == 5
    assert isinstance(result.exception, SystemExit)  # no traceback
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: Cannot use {path} as the database: {reason}. "
        "Choose another path with --db or COLIBRI_DB.\n"
    )
    assert (tmp_path / "afile").read_text() == "just a file\n"


def test_a_read_on_a_db_path_that_is_not_there_creates_nothing(cli, tmp_path):
    mistyped = tmp_path / "colibr.db"

    result = cli("--db", str(mistyped), "pipeline")

    assert result.exit_code == 3
    assert result.stderr == (
        f"Error: No database at {mistyped}: check the path. A command that adds records "
        f"creates it (colibri --db {mistyped} account add NAME), and so does colibri --db "
        f"{mistyped} demo.\n"
    )
    assert not mistyped.exists()


def test_a_write_on_a_new_db_path_says_it_made_a_database(cli, tmp_path):
    new = tmp_path / "crm.db"

    first = cli("--db", str(new), "account", "add", "ACME")
    second = cli("--db", str(new), "account", "add", "Globex")

    assert first.stderr == f"New database: {new}\nAdded account ACME (id 1).\n"
    assert second.stderr == "Added account Globex (id 2).\n"


def test_a_dry_run_on_a_db_path_that_is_not_there_creates_nothing(cli, tmp_path):
    missing = tmp_path / "new" / "crm.db"

    result = cli("--db", str(missing), "import", "accounts", "-", "--dry-run", input="name\nA\n")

    assert result.exit_code == 3
    assert not missing.parent.exists()


@pytest.mark.parametrize("command", [["account", "list"], ["pipeline"], ["export", "all"]])
def test_a_first_read_on_the_colibri_db_of_a_profile_creates_nothing(cli, db_path, command):
    result = cli(*command)  # COLIBRI_DB, as a profile sets it

    assert result.exit_code == 3
    assert result.stderr == (
        f"Error: No database at {db_path}: check the path. A command that adds records "
        f"creates it (colibri --db {db_path} account add NAME), and so does colibri --db "
        f"{db_path} demo.\n"
    )
    assert list(db_path.parent.iterdir()) == []


def test_a_first_write_on_the_colibri_db_of_a_profile_creates_it(ok, db_path, rows):
    ok("account", "add", "ACME")  # COLIBRI_DB, as a profile sets it

    assert rows("SELECT name FROM accounts") == [{"name": "ACME"}]


def test_a_first_write_on_the_colibri_db_of_a_profile_says_it_made_a_database(cli, db_path):
    first = cli("account", "add", "ACME")
    second = cli("account", "add", "Globex")

    assert first.stderr == f"New database: {db_path}\nAdded account ACME (id 1).\n"
    assert second.stderr == "Added account Globex (id 2).\n"


@pytest.fixture
def default_location(tmp_path, monkeypatch):
    """No --db, no COLIBRI_DB: the database of a first run, in the user data directory."""
    monkeypatch.delenv("COLIBRI_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return tmp_path / "data" / "colibri" / "colibri.db"


def test_the_first_run_says_where_the_database_is(cli, default_location):
    first = cli("account", "add", "ACME")
    second = cli("account", "add", "Globex")

    assert first.exit_code == 0
    assert first.stderr == f"New database: {default_location}\nAdded account ACME (id 1).\n"
    assert second.stderr == "Added account Globex (id 2).\n"
    assert default_location.is_file()


@pytest.mark.parametrize(
    ("command", "said"),
    [
        (["account", "list"], "No accounts yet. Add one with: colibri account add NAME\n"),
        (["pipeline"], "No open opportunities. Create one with: colibri opp create\n"),
        (["opp", "list"], "No opportunities yet. Create one with: colibri opp create\n"),
    ],
)
def test_a_read_before_the_first_run_shows_an_empty_crm_and_creates_nothing(
    cli, tmp_path, default_location, command, said
):
    result = cli(*command)

    assert result.exit_code == 0, result.output
    assert (result.stdout, result.stderr) == ("", said)
    assert not (tmp_path / "data").exists()


def test_a_refused_import_into_a_new_path_leaves_nothing_behind(cli, tmp_path):
    new = tmp_path / "new" / "deeper" / "crm.db"

    result = cli("--db", str(new), "import", "accounts", "-", input="name,email\nA,not-an-email\n")

    assert result.exit_code == 2, result.output
    assert "New database" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_refused_first_write_in_an_existing_folder_leaves_it_as_it_was(cli, tmp_path):
    folder = tmp_path / "crm"
    folder.mkdir()

    result = cli("--db", str(folder / "crm.db"), "account", "add", "ACME", "--email", "nope")

    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ")
    assert list(tmp_path.iterdir()) == [folder]
    assert list(folder.iterdir()) == []


def test_a_location_the_system_refuses_is_a_database_problem(cli):
    result = cli("--db", "/proc/colibri.db", "account", "add", "ACME")

    assert result.exit_code == 5
    assert isinstance(result.exception, SystemExit)
    assert result.stderr == (
        "Error: Cannot create the database at /proc/colibri.db: No such file or directory. "
        "Choose a writable place with --db PATH or COLIBRI_DB.\n"
    )


def test_a_locked_database_is_a_database_problem(colibri_db, cli, rows, monkeypatch):
    monkeypatch.setattr(store, "BUSY_TIMEOUT_SECONDS", 0.2)
    holder = sqlite3.connect(colibri_db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = cli("account", "add", "Other")
    finally:
        holder.execute("ROLLBACK")
        holder.close()

    assert result.exit_code == 5
    assert result.stderr == (
        f"Error: The database {colibri_db} stayed locked by another process for 0 s; "
        "try again when it has finished.\n"
    )
    assert rows("SELECT name FROM accounts") == [{"name": "ACME"}]


# --- the clock and debugging --------------------------------------------------------------------


@pytest.mark.parametrize("today", ["garbage", "2026-02-30", "26/11/2026"])
@pytest.mark.parametrize("command", [["account", "add", "ACME"], ["account", "list"]])
def test_a_bad_colibri_today_is_refused_before_anything_is_written(
    cli, db_path, monkeypatch, today, command
):
    monkeypatch.setenv("COLIBRI_TODAY", today)

    result = cli(*command)

    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: COLIBRI_TODAY={today!r} is not a date: use the form YYYY-MM-DD, or unset it.\n"
    )
    assert not db_path.exists()


def test_colibri_today_dates_the_changes(ok, rows, monkeypatch):
    monkeypatch.setenv("COLIBRI_TODAY", "2027-03-04")

    ok("account", "add", "ACME")

    assert rows("SELECT substr(created_at, 1, 11) AS day FROM accounts") == [{"day": "2027-03-04T"}]


def test_colibri_debug_lets_the_exception_through(cli, tmp_path, monkeypatch):
    path = tmp_path / "notes.db"
    path.write_text("not a database\n")
    monkeypatch.setenv("COLIBRI_DEBUG", "1")

    result = cli("--db", str(path), "account", "list")

    assert isinstance(result.exception, DatabaseProblem)
    assert str(result.exception) == (
        f"{path} is not a SQLite database; colibri left it untouched. "
        "Point --db or COLIBRI_DB at a colibri database or at a new file."
    )


def test_without_colibri_debug_there_is_no_traceback(cli, tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("not a database\n")

    result = cli("--db", str(path), "account", "list")

    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.stderr


# --- concurrency ---------------------------------------------------------------------------------

WORKER = """
import runpy, sys
worker = sys.argv[1]
for number in range(25):
    # Exactly `python -m colibri_cli account add NAME`, 25 times in this process.
    sys.argv = ["colibri", "account", "add", f"Worker {worker} account {number}"]
    try:
        runpy.run_module("colibri_cli", run_name="__main__")
    except SystemExit as done:
        if done.code:
            sys.exit(done.code)
"""


def test_concurrent_writers_wait_for_each_other(db_path, rows):
    env = {**os.environ, "COLIBRI_DB": str(db_path)}
    assert not db_path.exists()  # the four also race to create and migrate it

    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(worker)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for worker in range(4)
    ]
    outputs = [worker.communicate(timeout=60) for worker in workers]

    assert [worker.returncode for worker in workers] == [0, 0, 0, 0], outputs
    assert rows("SELECT count(*) AS n FROM accounts") == [{"n": 100}]
    assert rows("SELECT count(DISTINCT name) AS n FROM accounts") == [{"n": 100}]
    said_new = [stderr.startswith("New database: ") for _, stderr in outputs]
    assert said_new.count(True) == 1  # only the command that made it says so
    lines = [len(stderr.splitlines()) for _, stderr in outputs]
    assert lines == [26 if said else 25 for said in said_new]
    recorded = rows("SELECT name FROM _sqlite_migrations")
    assert [row["name"] for row in recorded] == list(migrations.KNOWN)


def test_the_module_entry_point_runs(db_path):
    done = subprocess.run(
        [sys.executable, "-m", "colibri_cli", "account", "add", "ACME"],
        env={**os.environ, "COLIBRI_DB": str(db_path)},
        capture_output=True,
        text=True,
        timeout=30,
    )

    said = f"New database: {db_path}\nAdded account ACME (id 1).\n"
    assert (done.returncode, done.stdout, done.stderr) == (0, "", said)


def test_a_damaged_database_is_one_line_and_exit_5(ok, cli, db_path):
    ok("demo")
    ok("account", "list")  # checkpointed: the data is in the file, not in the -wal
    size = db_path.stat().st_size
    with db_path.open("r+b") as file:
        file.seek(4096 * 3)
        file.write(b"\xff" * (size - 4096 * 3))
    for name in ("colibri.db-wal", "colibri.db-shm"):
        (db_path.parent / name).unlink(missing_ok=True)

    result = cli("pipeline", "--format", "csv")

    assert result.exit_code == 5
    assert result.stderr == (
        f"Error: The database {db_path} cannot be used: database disk image is malformed. "
        "Restore it from a backup or point --db at another file.\n"
    )


def test_stamps_of_one_process_always_move_forward(monkeypatch):
    """Two writes within one tick of a coarse clock still get two stamps, the second later:
    an update stamped like the change before it would be taken for another program's."""
    from colibri_cli.core import clock

    frozen = dt.datetime(2026, 11, 26, 10, 0, 0)

    class FrozenDatetime(dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return frozen

    monkeypatch.setattr(clock.dt, "datetime", FrozenDatetime)
    stamps = clock.Clock.from_environment()

    assert [stamps.now(), stamps.now()] == [
        "2026-11-26T10:00:00.000000",
        "2026-11-26T10:00:00.000001",
    ]
    stamps.fixed = "2026-11-20"  # a clock put back: its own day
    assert stamps.now() == "2026-11-20T10:00:00.000000"
