"""Every test drives the real CLI against a real SQLite file in tmp_path, with a fixed clock."""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from colibri_cli.cli.app import app
from colibri_cli.core import migrations, store

TODAY = "2026-11-26"
MEMORY_FOLDER = "/dev/shm"
TERMINAL_TIMEOUT = 30
"""How long a test on a real terminal waits for what it expects: a ceiling, never a pause,
generous because the suite runs on every core at once."""


def pytest_configure(config):
    """Test databases live in memory where the system has a memory file system: every write
    colibri makes is synced to disk, and on a disk those syncs are half of the suite's time."""
    if Path(MEMORY_FOLDER).is_dir() and os.access(MEMORY_FOLDER, os.W_OK | os.X_OK):
        os.environ.setdefault("PYTEST_DEBUG_TEMPROOT", MEMORY_FOLDER)


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path, monkeypatch):
    """No test touches the real data directory; today is fixed; tables are 100 columns wide;
    colibri speaks English unless a test asks for French."""
    monkeypatch.setenv("COLIBRI_DB", str(tmp_path / "colibri.db"))
    monkeypatch.setenv("COLIBRI_TODAY", TODAY)
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.delenv("COLIBRI_DEBUG", raising=False)
    monkeypatch.delenv("COLIBRI_LANG", raising=False)
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):  # English, whatever the machine's
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


@pytest.fixture(autouse=True)
def terminals_typed_at_once(monkeypatch):
    """A test on a real terminal types each answer once it has seen the prompt, so pexpect's
    pause of 50 ms before every keystroke sent is only time lost."""
    import pexpect

    start = pexpect.spawn.__init__

    def spawn(self, *arguments, **options):
        start(self, *arguments, **options)
        self.delaybeforesend = None

    monkeypatch.setattr(pexpect.spawn, "__init__", spawn)


@pytest.fixture(autouse=True)
def terminals_closed_once_their_program_ended(monkeypatch):
    """ptyprocess pauses 100 ms after closing a terminal before it asks whether the program
    on it has ended, and kills it if not. The suite closes over a hundred terminals, mostly
    on programs that have ended already: it asks every millisecond instead, for up to the
    same 100 ms, and only then goes on as ptyprocess does."""
    import time

    from ptyprocess import PtyProcess

    close = PtyProcess.close

    def close_once_ended(self, force=True):
        if not self.closed:
            self.fileobj.close()  # what ptyprocess does first; closing it again is nothing
            deadline = time.monotonic() + self.delayafterclose
            while self.isalive() and time.monotonic() < deadline:
                time.sleep(0.001)
            self.delayafterclose = 0
        close(self, force)

    monkeypatch.setattr(PtyProcess, "close", close_once_ended)


@pytest.fixture(scope="session")
def migrated_schema():
    """An empty database brought up to date by the real migrations, once per test process."""
    return store.empty_database()


@pytest.fixture(autouse=True)
def new_databases_from_one_migration(migrated_schema, monkeypatch):
    """A database made from nothing gets a copy of the one migrated at the start, with an
    identity of its own, instead of replaying every migration: 15 ms instead of 50 for each
    of the suite's thousands of new databases. Databases that exist, older ones included,
    are migrated for real, as are those made by colibri run as a process."""
    migrate = migrations.apply

    def apply(conn, verify=None):
        if conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            migrate(conn, verify=verify)
            return
        migrated_schema.backup(conn)
        conn.execute("UPDATE database_identity SET id = lower(hex(randomblob(4)))")
        if verify is not None:
            verify()

    monkeypatch.setattr(migrations, "apply", apply)


def database_before(db_path, migration):
    """The database file as colibri made it before `migration` (one of `migrations.STEPS`):
    the steps before it applied, as sqlite-utils' Database, for tests of an older file."""
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations

    steps = Migrations(migrations.MIGRATION_SET)
    for step in migrations.STEPS[: migrations.STEPS.index(migration)]:
        steps()(step)
    database = Database(db_path)
    steps.apply(database)
    return database


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "colibri.db"


@pytest.fixture(scope="session")
def built_databases(tmp_path_factory):
    """Where `built_once` keeps each database it built."""
    return tmp_path_factory.mktemp("built")


@pytest.fixture
def built_once(built_databases, db_path):
    """`built_once(build)`: the test's database as `build` (a fixture's own function, which
    runs commands on it) leaves it. The first test of a process runs it; later ones get a
    copy of the file instead of running the same commands again."""

    def run(build) -> None:
        built = built_databases / f"{build.__module__}.{build.__qualname__}.db"
        assert not db_path.exists(), "built_once starts from no database"
        if built.exists():
            shutil.copyfile(built, db_path)
            return
        build()
        assert not db_path.with_name(db_path.name + "-wal").exists()  # all of it in the file
        shutil.copyfile(db_path, built)

    return run


@pytest.fixture
def empty_db(db_path):
    """A new database with no records, as the first command that writes makes it (a command
    that reads finds no database where there is none)."""
    with store.session(db_path, write=True):
        pass
    return db_path


@pytest.fixture
def cli():
    """Run colibri with arguments (and optional stdin); returns the click Result."""
    runner = CliRunner()

    def run(*args: str, input: str | None = None, env: dict | None = None):
        return runner.invoke(app, list(args), input=input, env=env)

    return run


@pytest.fixture
def ok(cli):
    """Run colibri and insist that it succeeded, showing its output if it did not."""

    def run(*args: str, input: str | None = None):
        result = cli(*args, input=input)
        assert result.exit_code == 0, result.output
        return result

    return run


@pytest.fixture
def rows(db_path):
    """Reread the database from a fresh connection: what was really written."""

    def query(sql: str, params: tuple = ()) -> list[dict]:
        conn = sqlite3.connect(db_path)
        conn.row_factory = sqlite3.Row
        try:
            return [dict(row) for row in conn.execute(sql, params)]
        finally:
            conn.close()

    return query


@pytest.fixture
def statements(monkeypatch) -> list[str]:
    """Every SQL statement the commands run from now on, in order: to count the queries."""
    run: list[str] = []
    connect = store.sqlite3.connect

    def traced(*args, **kwargs):
        conn = connect(*args, **kwargs)
        conn.set_trace_callback(run.append)
        return conn

    monkeypatch.setattr(store.sqlite3, "connect", traced)
    return run


@pytest.fixture
def full_disk(tmp_path):
    """A folder on a tiny file system that a database does not fit in."""
    folder = tmp_path / "full"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tiny tmpfs here (needs root)")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


@pytest.fixture
def at(cli):
    """Run colibri on a given day (COLIBRI_TODAY); insist on the exit code, 0 by default."""

    def run(day: str, *arguments: str, code: int = 0, input: str | None = None):
        result = cli(*arguments, input=input, env={"COLIBRI_TODAY": day})
        assert result.exit_code == code, result.output
        return result

    return run
