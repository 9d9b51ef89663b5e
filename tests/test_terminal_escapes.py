"""Control characters stored in data never reach the terminal raw, and data is never read
as Rich markup: tables, record views, reports, messages and prompts show them escaped
(`\\x1b`, `\\u202e`), while the database, JSON and piped CSV keep the text exactly."""

import csv
import io
import json
import os
import sys

import pexpect
import pytest

from colibri_cli.cli import context
from conftest import TODAY

EVIL = "Evil\x1b]0;pwned\x07Corp"
"""An account name that, printed raw, sets the terminal's window title to "pwned"."""
EVIL_SHOWN = "Evil\\x1b]0;pwned\\x07Corp"
MARKUP = "[bold]x[/] [link=https://e.example]y[/link] :smile:"
HOSTILE = [
    (EVIL, EVIL_SHOWN),
    ("Back\rspace\bdel\x7fete", "Back\\x0dspace\\x08del\\x7fete"),
    ("C1\x9b31mred\x85!", "C1\\x9b31mred\\x85!"),
    ("Bidi\u202edrow\u202c\u2066x\u2069", "Bidi\\u202edrow\\u202c\\u2066x\\u2069"),
    (MARKUP, MARKUP),
]


@pytest.fixture
def evil(ok):
    ok("account", "add", EVIL)
    ok("opp", "create", "Deal", "-a", "Evil", "--amount", "1k", "--due", "+1m", "-s", "quote")


@pytest.mark.parametrize(("name", "shown"), HOSTILE)
def test_a_table_and_a_record_show_stored_controls_escaped(ok, rows, empty_db, name, shown):
    added = ok("account", "add", name)
    assert added.stderr == f"Added account {shown} (id 1).\n"
    assert ok("account", "list").stdout.splitlines()[1].split("  ")[1].strip() == shown
    assert ok("account", "show", "1").stdout.splitlines()[1] == f"Name     {shown}"
    assert rows("SELECT name FROM accounts") == [{"name": name}]


def test_reports_show_names_escaped_and_markup_literally(ok):
    ok("account", "add", EVIL)
    ok("account", "add", MARKUP)
    for account in ("1", "2"):
        ok("opp", "create", "Late", "-a", account, "--amount", "1k", "--due", "-1d", "-s", "quote")
    pipeline = ok("pipeline", "--by", "account").stdout.splitlines()
    assert [line.split("  ")[0] for line in pipeline[2:4]] == [MARKUP, EVIL_SHOWN]
    overdue = ok("pipeline").stdout.split("Overdue: ")[1].splitlines()
    assert overdue[0] == "2 (2,000 EUR)"
    assert [line.split("  ")[2].strip() for line in overdue[2:4]] == [EVIL_SHOWN, MARKUP]


def test_an_error_quoting_a_name_shows_it_escaped(evil, cli):
    result = cli("account", "add", EVIL)
    assert result.exit_code == 4
    assert result.stderr == (
        f"Error: Account '{EVIL_SHOWN}' (id 1) already exists: choose another name, "
        "or edit that account.\n"
    )


def test_a_usage_error_quoting_an_argument_shows_it_escaped(cli):
    result = cli("account", "frobnicate\x1b[2J")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: No such command 'frobnicate\\x1b[2J'.")


def test_json_and_piped_csv_keep_the_exact_text(evil, ok):
    ok("account", "add", "C1\x9b31m\u202eeno")
    listed = ok("account", "list", "--format", "json").stdout
    assert [account["name"] for account in json.loads(listed)] == ["C1\x9b31m\u202eeno", EVIL]
    assert "\x1b" not in listed  # JSON escapes them all, C1 and bidi controls too
    assert "\x9b" not in listed
    assert "\u202e" not in listed
    assert '"C1\\u009b31m\\u202eeno"' in listed
    shown = ok("account", "show", "1", "--format", "json").stdout
    assert json.loads(shown)["name"] == EVIL
    piped = ok("account", "list", "--format", "csv").stdout
    assert [row["name"] for row in csv.DictReader(io.StringIO(piped))] == [
        "C1\x9b31m\u202eeno",
        EVIL,
    ]


def test_export_all_escapes_what_a_terminal_would_act_on_and_moves_it_back(ok, tmp_path):
    ok("account", "add", "C1\x9b31m\u202eeno\x7f")
    exported = ok("export", "all").stdout

    assert not any(char in exported for char in "\x1b\x9b\u202e\x7f")
    assert '"C1\\u009b31m\\u202eeno\\u007f"' in exported
    moved = tmp_path / "moved.db"
    ok("--db", str(moved), "import", "all", "-", input=exported)
    listed = json.loads(ok("--db", str(moved), "account", "list", "-f", "json").stdout)
    assert [account["name"] for account in listed] == ["C1\x9b31m\u202eeno\x7f"]


def test_a_prompt_shows_a_default_from_data_escaped_and_enter_keeps_it(evil, ok, rows, monkeypatch):
    monkeypatch.setattr("colibri_cli.cli.opportunities.interactive", lambda: True)
    result = ok("opp", "status", "1", "won", input="\n\n\n")
    assert f"  Task [Check in with {EVIL_SHOWN} for a new order]: " in result.stderr
    assert "\x1b" not in result.stderr
    assert rows("SELECT title FROM tasks") == [{"title": f"Check in with {EVIL} for a new order"}]


def test_a_confirmation_quoting_a_name_shows_it_escaped(ok, cli, rows, monkeypatch):
    ok("account", "add", EVIL)
    monkeypatch.setattr(context, "interactive", lambda: True)
    result = cli("account", "delete", "1", input="n\n")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Delete account '{EVIL_SHOWN}' (id 1)")
    assert "\x1b" not in result.stderr
    assert rows("SELECT name FROM accounts") == [{"name": EVIL}]


def test_on_a_real_terminal_the_window_title_is_not_changed(evil, db_path):
    """Every byte the terminal receives: the ESC ] sequence that sets the title is absent;
    on a terminal, CSV is shown escaped too."""
    environment = {**os.environ, "COLIBRI_DB": str(db_path), "COLIBRI_TODAY": TODAY}
    for arguments in (
        ["account", "list"],
        ["account", "show", "1"],
        ["opp", "list"],
        ["account", "list", "--format", "csv"],
        ["account", "add", EVIL],
    ):
        child = pexpect.spawn(
            sys.executable, ["-m", "colibri_cli", *arguments], env=environment, timeout=10
        )
        child.expect(pexpect.EOF)
        child.close()
        received = child.before
        assert b"\x1b]" not in received, arguments
        assert b"\x07" not in received, arguments
        assert EVIL_SHOWN.encode() in received, arguments
