"""Bytes that are not UTF-8, clocks and numbers out of range: refused with exit 2, one line,
nothing written (issue: nothing lost, nothing crashes)."""

import os
import sqlite3
import subprocess
import sys

import pytest

# What Python makes of the byte 0xff in a command line or the environment.
NOT_UTF8 = os.fsdecode(b"Evil\xff")


def dump(db_path) -> list[str]:
    conn = sqlite3.connect(db_path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


@pytest.mark.parametrize(
    "arguments",
    [
        ("account", "add", NOT_UTF8),
        ("account", "show", NOT_UTF8),
        ("opp", "create", "Deal", "--account", "ACME", "--amount", "10", "--due", NOT_UTF8),
        ("opp", "list", "--search", NOT_UTF8),
        ("contact", "add", "Jeanne", "--account", "ACME", "--email", NOT_UTF8),
        ("import", "opps", NOT_UTF8),
        ("config", "set", "currency", NOT_UTF8),
    ],
)
def test_an_argument_that_is_not_utf8_is_refused_before_any_command(ok, cli, db_path, arguments):
    ok("account", "add", "ACME")
    before = dump(db_path)

    result = cli(*arguments)

    number = len(arguments)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: Argument {number} is not valid UTF-8: Evil\\xff. Write it again in UTF-8, "
        "or set your terminal or script to UTF-8.\n"
    )
    assert dump(db_path) == before


def test_a_db_path_that_is_not_utf8_creates_nothing(cli, tmp_path):
    result = cli("--db", str(tmp_path) + "/" + NOT_UTF8, "account", "list")

    assert result.exit_code == 2
    assert "Argument 2 is not valid UTF-8" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_colibri_variable_that_is_not_utf8_is_refused(cli, db_path):
    result = cli("account", "add", "ACME", env={"COLIBRI_TODAY": NOT_UTF8})

    assert result.exit_code == 2
    assert result.stderr == (
        "Error: COLIBRI_TODAY is not valid UTF-8: Evil\\xff. Write it again in UTF-8, "
        "or set your terminal or script to UTF-8.\n"
    )
    assert not db_path.exists()


def test_the_refusal_speaks_french(cli):
    result = cli("account", "add", NOT_UTF8, env={"COLIBRI_LANG": "fr"})

    assert result.exit_code == 2
    assert result.stderr == (
        "Erreur : L'argument 3 n'est pas de l'UTF-8 valide : Evil\\xff. Écrivez-le de nouveau "
        "en UTF-8, ou réglez votre terminal ou votre script en UTF-8.\n"
    )


def test_the_installed_command_refuses_a_raw_byte(db_path):
    """The real path: the kernel hands over bytes, Python decodes them with surrogates."""
    done = subprocess.run(
        [sys.executable, "-m", "colibri_cli", "account", "add", b"Evil\xff\xfe"],
        env={**os.environ, "COLIBRI_DB": str(db_path)},
        capture_output=True,
        timeout=30,
    )
    assert done.returncode == 2
    assert done.stderr.startswith(b"Error: Argument 3 is not valid UTF-8: Evil\\xff\\xfe.")
    assert not db_path.exists()


@pytest.mark.parametrize("today", ["0001-01-01", "1899-12-31", "3000-01-01", "9999-12-31"])
def test_colibri_today_outside_the_calendar_is_refused(cli, db_path, today):
    result = cli("account", "add", "ACME", env={"COLIBRI_TODAY": today})

    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: COLIBRI_TODAY='{today}' is outside the years 1900 to 2999: use a date in "
        "between, or unset it.\n"
    )
    assert not db_path.exists()


@pytest.mark.parametrize("today", ["1900-01-01", "2999-12-31"])
def test_colibri_today_at_the_calendar_edges_works(cli, today):
    assert cli("account", "add", "ACME", env={"COLIBRI_TODAY": today}).exit_code == 0
    assert cli("pipeline", env={"COLIBRI_TODAY": today}).exit_code == 0
    assert cli("forecast", env={"COLIBRI_TODAY": today}).exit_code == 0


@pytest.mark.parametrize("position", ["99999999999999999999", "0", "-1", "7"])
def test_a_status_position_out_of_range_is_refused(empty_db, cli, rows, position):
    before = rows("SELECT * FROM statuses ORDER BY key")

    result = cli("statuses", "edit", "quote", "--position", position)

    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: Position {int(position):,} is out of range: use a number from 1 to 6.\n"
    )
    assert rows("SELECT * FROM statuses ORDER BY key") == before
