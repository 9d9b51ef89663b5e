"""Every test drives the real CLI against a real SQLite file in tmp_path, with a fixed clock."""

import sqlite3
import subprocess

import pytest
from typer.testing import CliRunner

from colibri_cli.cli.app import app
from colibri_cli.core import store

TODAY = "2026-11-26"


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


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "colibri.db"


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
