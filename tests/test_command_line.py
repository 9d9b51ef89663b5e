"""The command line itself: the global --db anywhere, before the command or after it, and
--version (-V)."""

import pytest


@pytest.fixture
def week(tmp_path, cli):
    path = tmp_path / "week.db"
    assert cli("--db", str(path), "account", "add", "ACME").exit_code == 0
    return path


@pytest.mark.parametrize(
    "arguments",
    [
        ("--db", "{db}", "account", "list", "--format", "csv"),
        ("account", "list", "--db", "{db}", "--format", "csv"),
        ("account", "list", "--format", "csv", "--db={db}"),
        ("account", "--db", "{db}", "list", "--format", "csv"),
    ],
)
def test_db_is_accepted_before_or_after_the_command(week, cli, db_path, arguments):
    result = cli(*(argument.format(db=week) for argument in arguments))

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1].startswith("1,ACME,")
    assert not db_path.exists()  # COLIBRI_DB's database was not the one used


def test_a_command_after_db_on_a_group_with_options(week, cli):
    result = cli("forecast", "accuracy", "--db", str(week), "--last", "2")

    assert result.exit_code == 0, result.output


def test_the_same_db_twice_is_one_db(week, cli):
    assert cli("--db", str(week), "account", "list", "--db", str(week)).exit_code == 0


def test_two_different_dbs_are_refused(week, cli, tmp_path):
    other = tmp_path / "other.db"

    result = cli("--db", str(week), "account", "add", "Initech", "--db", str(other))

    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: --db is given twice, as {week} and {other}: give one database.\n"
    )
    assert not other.exists()


def test_after_a_double_dash_db_is_text(week, cli, rows):
    result = cli("--db", str(week), "account", "add", "--", "--db")

    assert result.exit_code == 0, result.output
    assert "Added account --db (id 2)." in result.stderr


@pytest.mark.parametrize("option", ["--version", "-V"])
def test_the_version_needs_no_database(cli, db_path, option):
    from colibri_cli import __version__

    result = cli(option)

    assert (result.exit_code, result.stdout) == (0, f"colibri {__version__}\n")
    assert not db_path.exists()


@pytest.mark.parametrize(
    "command",
    ["pipeline", "forecast", "forecast accuracy", "stats", "opp show 38", "account show ACME",
     "agenda"],
)  # fmt: skip
def test_a_report_drawn_for_a_reader_that_reads_nothing_is_no_error(ok, db_path, command):
    """The tables Rich draws too: `colibri pipeline | true` under `set -o pipefail` is 0."""
    import os
    import subprocess
    import sys

    ok("demo")
    done = subprocess.run(
        ["bash", "-c", f"set -o pipefail; {sys.executable} -m colibri_cli {command} | true"],
        env={**os.environ, "COLIBRI_DB": str(db_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


@pytest.mark.parametrize("output", ["csv", "json"])
def test_a_reader_that_stops_reading_is_no_error(tmp_path, cli, output):
    """`colibri account list -f csv | head -1` under `set -o pipefail`: exit 0, no message."""
    import os
    import subprocess
    import sys

    db = tmp_path / "many.db"
    names = "".join(f"Account number {number:05}\n" for number in range(4000))
    source = tmp_path / "names.csv"
    source.write_text("name\n" + names, encoding="utf-8")
    assert cli("--db", str(db), "import", "accounts", str(source)).exit_code == 0

    script = f"{sys.executable} -m colibri_cli account list -f {output} | head -c 10 >/dev/null"
    done = subprocess.run(
        ["bash", "-c", f"set -o pipefail; {script}; echo ${{PIPESTATUS[0]}}"],
        env={**os.environ, "COLIBRI_DB": str(db)},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert (done.stdout, done.stderr) == ("0\n", "")
