"""What start-up imports: heavy modules stay out of `--help` and of a simple listing.

Deterministic, not timed (speed goals live in benchmarks/startup.py). Each check runs the
CLI in a fresh interpreter, exactly as the console script does, then lists sys.modules.
"""

import os
import subprocess
import sys

import pytest

from colibri_cli.cli.app import COMMANDS

MARKER = "--- sys.modules ---"
RUN_CLI_THEN_LIST_MODULES = f"""
import sys
from colibri_cli.__main__ import main
sys.argv = ["colibri", *sys.argv[1:]]
try:
    main()
    code = 0
except SystemExit as done:
    code = done.code or 0
print({MARKER!r})
print(code)
print("\\n".join(sorted(sys.modules)))
"""

HELP_MUST_NOT_IMPORT = ("sqlite_utils", "rich.table", "pydantic", "dateutil.parser")
LIST_MUST_NOT_IMPORT = ("sqlite_utils", "pydantic")
DEAL = ("--amount", "5000", "--due", "2027-01-31", "--status", "quote")
COMMAND_MODULES = {f"colibri_cli.cli.{command.module}" for command in COMMANDS.values()}
"""The modules of the commands, which are imported only for the command that runs."""


def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("COLIBRI_")}


def modules_after(*args: str) -> tuple[str, set[str]]:
    """Run `colibri ARGS` in a new interpreter; its output and the modules it imported."""
    done = subprocess.run(
        [sys.executable, "-c", RUN_CLI_THEN_LIST_MODULES, *args],
        env=clean_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    output, _, listing = done.stdout.partition(MARKER + "\n")
    code, *modules = listing.splitlines()
    assert code == "0", done.stdout + done.stderr
    return output, set(modules)


@pytest.fixture(scope="module")
def help_run():
    return modules_after("--help")


@pytest.fixture
def list_run(tmp_path):
    db = str(tmp_path / "startup.db")
    modules_after("--db", db, "config", "set", "currency", "EUR")  # creates and migrates it
    return modules_after("--db", db, "account", "list")


def test_help_really_ran(help_run):
    output, modules = help_run
    assert "Usage:" in output
    assert "colibri_cli.cli.app" in modules


@pytest.mark.parametrize("module", HELP_MUST_NOT_IMPORT)
def test_help_does_not_import(help_run, module):
    _, modules = help_run
    assert module not in modules


def test_help_imports_no_command_nor_what_completes_them(help_run):
    _, modules = help_run
    assert sorted(COMMAND_MODULES & modules) == []
    assert "colibri_cli.cli.completion" not in modules


def test_the_help_of_a_command_imports_that_command_alone():
    output, modules = modules_after("demo", "--help")
    assert output.startswith("Usage: colibri demo [OPTIONS]\n")
    assert sorted(COMMAND_MODULES & modules) == ["colibri_cli.cli.demo"]


def test_listing_an_empty_database_really_ran(list_run):
    output, modules = list_run
    assert output == ""  # the "no accounts yet" message goes to stderr
    assert "colibri_cli.core.store" in modules


def test_listing_an_empty_database_imports_nothing_heavy(list_run):
    _, modules = list_run
    assert [module for module in LIST_MUST_NOT_IMPORT if module in modules] == []


def test_listing_imports_the_commands_of_accounts_alone(list_run):
    """Not those of the reports, of import and export, or of the statistics, nor the forms
    that ask what `account add` misses, nor dateutil: no date is computed."""
    _, modules = list_run
    assert sorted(COMMAND_MODULES & modules) == ["colibri_cli.cli.accounts"]
    heavy = ("colibri_cli.cli.forms", "colibri_cli.core.reports", "colibri_cli.core.stats")
    assert [module for module in (*heavy, "dateutil") if module in modules] == []


@pytest.mark.parametrize("command", [("agenda",), ("opp", "show", "1")])
def test_everyday_commands_import_neither_forms_nor_reports(tmp_path, command):
    db = str(tmp_path / "startup.db")
    modules_after("--db", db, "account", "add", "ACME")
    modules_after("--db", db, "opp", "create", "Site web", "--account", "ACME", *DEAL)
    _, modules = modules_after("--db", db, *command)
    assert "colibri_cli.cli.forms" not in modules
    assert "colibri_cli.core.reports" not in modules
