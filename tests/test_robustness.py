"""Whatever a person types, colibri answers with a message and an exit code, never a crash.

Hypothesis feeds arbitrary text — brackets that look like markup, digits of other
alphabets, 25-digit numbers, years 0 and 9999 — to the arguments of the main commands, then
checks that the reports still work on what was written.
"""

import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from colibri_cli.cli.app import app

EXPECTED_CODES = {0, 2, 3, 4}
TRICKY = st.sampled_from(
    [
        "[/]",
        "[bold]x",
        "[red]",
        "²",
        "①",
        "٣",
        "9" * 25,
        "-1",
        "0",
        "",
        " ",
        "\t",
        "€",
        "9999-12-31",
        "0000-01-01",
        "10000-01-01",
        "31/02",
        "+99999y",
        "-99999y",
        "1e9",
        "2027-Q5",
        "2027-00",
        "Hôtel",
        "ACME",
        "quote",
        "nan",
        "inf",
        "%",
        "'",
        '"',
        "\\",
        "NULL",
    ]
)
TEXT = st.one_of(TRICKY, st.text(max_size=12))
COMMANDS = [
    lambda x, y: ["account", "add", x, "--city", y],
    lambda x, y: ["account", "show", x],
    lambda x, y: ["account", "list", "--search", x],
    lambda x, y: ["contact", "add", x, "--account", y],
    lambda x, y: ["opp", "create", x, "-a", "ACME", "--amount", y, "--due", "+1m", "-s", "quote"],
    lambda x, y: ["opp", "create", "Deal", "-a", "ACME", "--amount", "1k", "--due", x, "-s", y],
    lambda x, y: ["opp", "show", x],
    lambda x, y: ["opp", "edit", "1", "--probability", x, "--due", y],
    lambda x, y: ["opp", "status", "1", x, "--on", y, "--no-follow-up"],
    lambda x, y: ["opp", "list", "--due-before", x, "--search", y],
    lambda x, y: ["task", "add", x, "--due", y],
    lambda x, y: ["task", "show", x],
    lambda x, y: ["task", "done", x, "--on", y],
    lambda x, y: ["target", "set", x, y],
    lambda x, y: ["forecast", "--from", x],
    lambda x, y: ["forecast", "--as-of", x],
    lambda x, y: ["stats", "--since", x],
    lambda x, y: ["statuses", "add", x, "--label", y, "--probability", "5"],
    lambda x, y: ["config", "set", x, y],
]
REPORTS = [
    ["account", "list"],
    ["opp", "list"],
    ["task", "list", "--all"],
    ["pipeline", "--by", "quarter"],
    ["pipeline", "--by", "account"],
    ["forecast", "--period", "quarter"],
    ["forecast", "accuracy"],
    ["stats"],
    ["agenda"],
    ["statuses", "list"],
]


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    path = tmp_path_factory.mktemp("robust") / "colibri.db"
    runner = CliRunner()
    env = {"COLIBRI_DB": str(path), "COLIBRI_TODAY": "2026-11-26", "COLUMNS": "80"}
    for args in (
        ["account", "add", "ACME Industries"],
        ["opp", "create", "First", "-a", "ACME", "--amount", "1k", "--due", "+1m", "-s", "quote"],
    ):
        assert runner.invoke(app, args, env=env).exit_code == 0
    return path, env


def check(runner: CliRunner, args: list[str], env: dict) -> None:
    result = runner.invoke(app, args, env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        args,
        result.exception,
    )
    assert result.exit_code in EXPECTED_CODES, (args, result.output)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(command=st.sampled_from(COMMANDS), first=TEXT, second=TEXT)
def test_no_input_crashes_colibri(database, command, first, second):
    _, env = database
    check(CliRunner(), command(first, second), env)


def test_the_reports_still_work_on_whatever_was_written(database, tmp_path):
    """Runs after the fuzzing (same module database): every listing and report answers."""
    path, env = database
    runner = CliRunner()
    for args in REPORTS:
        for output in ("table", "json", "csv"):
            result = runner.invoke(app, [*args, "--format", output], env=env)
            assert result.exception is None or isinstance(result.exception, SystemExit), (
                args,
                result.exception,
            )
            assert result.exit_code == 0, (args, result.output)
    shutil.copyfile(path, tmp_path / "kept.db")
