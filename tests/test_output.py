"""Rendering shared by every listing: the table limit, complete csv/json, CSV neutralisation."""

import csv
import io
import json
import sqlite3

import pytest

from conftest import TODAY

STAMP = "2026-11-26T09:00:00"
HEADER = (
    "id,name,industry,email,phone,website,city,country,notes,external_id,created_at,updated_at,"
    "last_touch"
)
MORE = "… and {} more not shown. Use --format csv or --format json to get them all.\n"


@pytest.fixture
def many_accounts(empty_db):
    """Make `count` accounts named "Account 001"… straight into a colibri database."""
    db_path = empty_db

    def make(count: int) -> None:
        conn = sqlite3.connect(db_path)
        with conn:
            conn.executemany(
                "INSERT INTO accounts (name, created_at, updated_at) VALUES (?, ?, ?)",
                [(f"Account {number:03}", STAMP, STAMP) for number in range(1, count + 1)],
            )
        conn.close()

    return make


def table_line(number: int) -> str:
    return f"{number:>3}  Account {number:03}"


def test_a_table_shows_100_rows_and_says_how_to_get_the_rest(many_accounts, ok):
    many_accounts(150)

    result = ok("account", "list")

    assert result.stdout == "\n".join(
        [
            " ID  Name         Industry  City  Country  Phone  Email",
            *(table_line(number) for number in range(1, 101)),
            "",
        ]
    )
    assert result.stderr == MORE.format(50)


def test_a_table_of_exactly_100_rows_leaves_nothing_out(many_accounts, ok):
    many_accounts(100)

    result = ok("account", "list")

    assert len(result.stdout.splitlines()) == 101
    assert result.stdout.splitlines()[-1] == table_line(100)
    assert result.stderr == ""


def test_the_count_left_out_is_grouped_by_thousands(many_accounts, ok):
    many_accounts(1234)

    result = ok("account", "list")

    assert len(result.stdout.splitlines()) == 101
    assert result.stderr == MORE.format("1,134")


def test_csv_gives_every_row(many_accounts, ok):
    many_accounts(150)

    result = ok("account", "list", "--format", "csv")

    assert result.stderr == ""
    assert result.stdout == "".join(
        [
            f"{HEADER}\n",
            *(
                f"{number},Account {number:03},,,,,,,,,{STAMP},{STAMP},\n"
                for number in range(1, 151)
            ),
        ]
    )


def test_json_gives_every_row(many_accounts, ok):
    many_accounts(150)

    result = ok("account", "list", "--format", "json")

    assert result.stderr == ""
    listed = json.loads(result.stdout)
    assert [account["name"] for account in listed] == [
        f"Account {number:03}" for number in range(1, 151)
    ]
    assert listed[149] == {
        "id": 150,
        "name": "Account 150",
        "industry": None,
        "email": None,
        "phone": None,
        "website": None,
        "city": None,
        "country": None,
        "notes": None,
        "external_id": None,
        "created_at": STAMP,
        "updated_at": STAMP,
        "last_touch": None,
    }
    assert result.stdout.startswith('[\n  {"id": 1, "name": "Account 001", ')
    assert result.stdout.endswith(f'"updated_at": "{STAMP}", "last_touch": null}}\n]\n')
    assert result.stdout.count("\n") == 152  # one object a line, between the brackets


DANGEROUS = [
    ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
    ("+33 4 72 00 00 00", "'+33 4 72 00 00 00"),
    ("-2+3", "'-2+3"),
    ("@SUM(1)", "'@SUM(1)"),
    ('=HYPERLINK("http://x.example","click")', '"\'=HYPERLINK(""http://x.example"",""click"")"'),
]


@pytest.mark.parametrize(("text", "cell"), DANGEROUS)
def test_csv_neutralises_cells_a_spreadsheet_would_run(ok, rows, text, cell):
    ok("account", "add", "Spreadsheet Victims", "--notes", text, "--phone", text)
    [stamps] = rows("SELECT created_at, updated_at FROM accounts")

    result = ok("account", "list", "--format", "csv")

    assert result.stdout == (
        f"{HEADER}\n1,Spreadsheet Victims,,,{cell},,,,{cell},,"
        f"{stamps['created_at']},{stamps['updated_at']},\n"
    )


def test_csv_neutralises_names_too_and_leaves_safe_text_alone(ok):
    for name in ("=1+1", "a=b", "Plus+", "-", "@home"):
        ok("account", "add", name)

    result = ok("account", "list", "--format", "csv")

    names = [row["name"] for row in csv.DictReader(io.StringIO(result.stdout))]
    assert names == ["'-", "'=1+1", "'@home", "a=b", "Plus+"]


def test_json_and_the_database_keep_the_text_as_given(ok, rows):
    ok("account", "add", "=1+1", "--phone", "+33 4 72 00 00 00")

    result = ok("account", "list", "--format", "json")

    assert [(a["name"], a["phone"]) for a in json.loads(result.stdout)] == [
        ("=1+1", "+33 4 72 00 00 00")
    ]
    assert rows("SELECT name, phone FROM accounts") == [
        {"name": "=1+1", "phone": "+33 4 72 00 00 00"}
    ]


def test_an_empty_table_listing_says_so_on_stderr_only(empty_db, ok):
    result = ok("account", "list")

    assert result.stdout == ""
    assert result.stderr == "No accounts yet. Add one with: colibri account add NAME\n"


def test_an_empty_json_listing_is_an_empty_array(empty_db, ok):
    result = ok("account", "list", "--format", "json")

    assert result.stdout == "[]\n"
    assert json.loads(result.stdout) == []
    assert result.stderr == ""


def test_an_empty_csv_listing_is_its_header(empty_db, ok):
    result = ok("contact", "list", "--format", "csv")

    assert result.stdout == (
        "id,account_id,account_name,name,email,phone,role,notes,external_id,created_at,updated_at\n"
    )
    assert result.stderr == ""


SCREENS = [
    ["pipeline"],
    ["pipeline", "--by", "account"],
    ["forecast"],
    ["forecast", "accuracy", "--details"],
    ["stats"],
    ["stats", "slippage"],
    ["opp", "list"],
    ["opp", "show", "38"],
    ["account", "list"],
    ["account", "show", "1"],
    ["contact", "list"],
    ["task", "list", "--all"],
    ["agenda"],
    ["statuses", "list"],
    ["config", "show"],
    ["target", "list"],
]


@pytest.fixture(scope="module")
def demo_copy(tmp_path_factory):
    from typer.testing import CliRunner

    from colibri_cli.cli.app import app

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    done = CliRunner().invoke(app, ["--db", str(path), "demo"], env={"COLIBRI_TODAY": TODAY})
    assert done.exit_code == 0, done.output
    return path


@pytest.mark.parametrize("command", SCREENS, ids=" ".join)
@pytest.mark.parametrize("width", ["60", "100"])
def test_no_line_ends_with_a_space(demo_copy, cli, command, width):
    result = cli("--db", str(demo_copy), *command, env={"COLUMNS": width})

    assert result.exit_code == 0, result.output
    lines = (result.stdout + result.stderr).splitlines()
    assert lines
    assert [line for line in lines if line != line.rstrip()] == []


def test_on_a_real_terminal_no_line_ends_with_a_space(demo_copy):
    """With colours and the charts a terminal gets: spaces before a colour code count too."""
    import os
    import re
    import sys

    import pexpect

    env = {**os.environ, "COLIBRI_DB": str(demo_copy), "COLIBRI_TODAY": TODAY, "TERM": "xterm"}
    env.pop("NO_COLOR", None)
    for command in (["pipeline"], ["forecast"], ["opp", "list"]):
        child = pexpect.spawn(
            sys.executable, ["-m", "colibri_cli", *command], env=env, timeout=30,
            dimensions=(40, 100), encoding="utf-8",
        )  # fmt: skip
        child.expect(pexpect.EOF)
        child.close()
        plain = re.sub(r"\x1b\[[0-9;]*m", "", child.before)
        assert "█" in plain or command == ["opp", "list"]  # the terminal's own drawing
        assert [line for line in plain.split("\r\n") if line != line.rstrip()] == []
