"""The sales history shared by the report tests, built day by day through the real CLI.

Each command runs with COLIBRI_TODAY set to its day, so history rows and `updated_at` carry
the day the change was made. The database is built once per test session and each test
copies it (`copy_into`). Every figure the report tests expect is computed by hand from the
story below; nothing here is read back from the code under test.

Accounts (2026-06-15): 1 ACME Industries, 2 Beta Corp, 3 alpine Tours, 4 Castor SA.
Statuses: analysis 10 %, quote 40 %, negotiation 70 % (open); won, lost, cancelled.

 id  name                 account   amount  cur  created  story
  1  Fleet renewal        ACME       1,250  EUR  06-15    quote, due 09-15; slips to 10-20
                                                          on 09-10, then to 12-10 on 10-02
  2  Website              ACME       4,200  EUR  06-20    quote, due 07-31; negotiation and
                                                          due 08-31 on 07-15; won 08-25
  3  Redesign             Beta       5,000  EUR  07-01    quote, due 09-30; lost 09-20 "Price"
  4  Support contract     Beta         333  EUR  08-03    quote, due 11-30; amount 1,335 on
                                                          10-28
  5  Mobile app           ACME         800  EUR  08-05    analysis, due 10-31; lost 10-10
                                                          "budget"
  6  Hosting              Beta       1,500  EUR  08-10    analysis, due 09-30; quote on 09-01;
                                                          won 09-28
  7  Chatbot              alpine     1,100  EUR  08-12    analysis, due 12-31; cancelled 10-15
                                                          "Budget frozen"
  8  Training days        alpine     2,000  EUR  08-20    negotiation, due 10-15; won 10-12;
                                                          reopened (negotiation) and due
                                                          2027-01-15 on 11-05
  9  Export licence       Castor     8,000  USD  09-01    negotiation, due 12-20
 10  Kiosk                Castor       700  EUR  09-02    analysis, due 11-30; lost 11-03
                                                          "price "
 11  US licences          Castor     2,500  USD  09-05    negotiation, due 10-31; won 10-20
 12  Audit                Beta       2,005  EUR  09-15    analysis, due 11-20 (overdue, stale)
 13  Upgrade              ACME       2,001  EUR  09-21    quote, due 10-30; won 10-26
 14  Data migration       Beta       1,200  EUR  10-01    quote, due 12-15; lost 11-18 "Timing"
 15  Maintenance          alpine     3,000  EUR  10-05    negotiation, due 11-15; won 11-12
 16  Consulting retainer  Castor     4,010  EUR  10-27    analysis with probability 75 %,
                                                          due 2027-01-29
 17  Workshop             ACME         995  EUR  11-02    quote, due 11-25 (overdue)
 18  Sample kit A         ACME           5  EUR  11-20    analysis, due 2027-02-10
 19  Sample kit B         ACME           5  EUR  11-20    analysis, due 2027-02-10
 20  Sample kit C         ACME           5  EUR  11-20    analysis, due 2027-02-10

All dates are in 2026 unless a year is written. Targets, set on 2026-11-26: EUR 2026-11
4,000; 2026-12 5,000; 2027-01 6,000; 2027-02 2,000; 2027-Q1 15,000; USD 2026-12 6,000.

Open on 2026-11-26 (today), with amount * probability:
  1 quote 1,250 due 12-10 (50,000), updated 10-02      9 USD negotiation 8,000 due 12-20
  4 quote 1,335 due 11-30 (53,400), updated 10-28        (560,000), updated 09-01
  8 negotiation 2,000 due 2027-01-15 (140,000), 11-05   12 analysis 2,005 due 11-20
 16 analysis@75 4,010 due 2027-01-29 (300,750), 10-27      (20,050), updated 09-15
 17 quote 995 due 11-25 (39,800), updated 11-02      18-20 analysis 5 due 2027-02-10
                                                            (50 each), updated 11-20
"""

import json
import shutil

import pytest
from typer.testing import CliRunner

from colibri_cli.cli.app import app
from conftest import TERMINAL_TIMEOUT


def create(name, account, amount, due, status, *more):
    return (
        "opp",
        "create",
        name,
        "--account",
        account,
        "--amount",
        amount,
        "--due",
        due,
        "--status",
        status,
        *more,
    )


def close(opportunity, status, *more):
    return ("opp", "status", opportunity, status, "--no-follow-up", *more)


def edit(opportunity, *changes):
    return ("opp", "edit", opportunity, *changes)


STORY = (
    (
        "2026-06-15",
        ("account", "add", "ACME Industries"),
        ("account", "add", "Beta Corp"),
        ("account", "add", "alpine Tours"),
        ("account", "add", "Castor SA"),
        create("Fleet renewal", "ACME Industries", "1250", "2026-09-15", "quote"),
    ),
    ("2026-06-20", create("Website", "ACME Industries", "4200", "2026-07-31", "quote")),
    ("2026-07-01", create("Redesign", "Beta Corp", "5000", "2026-09-30", "quote")),
    ("2026-07-15", ("opp", "status", "2", "negotiation"), edit("2", "--due", "2026-08-31")),
    ("2026-08-03", create("Support contract", "Beta Corp", "333", "2026-11-30", "quote")),
    ("2026-08-05", create("Mobile app", "ACME Industries", "800", "2026-10-31", "analysis")),
    ("2026-08-10", create("Hosting", "Beta Corp", "1500", "2026-09-30", "analysis")),
    ("2026-08-12", create("Chatbot", "alpine Tours", "1100", "2026-12-31", "analysis")),
    ("2026-08-20", create("Training days", "alpine Tours", "2000", "2026-10-15", "negotiation")),
    ("2026-08-25", close("2", "won")),
    (
        "2026-09-01",
        create(
            "Export licence", "Castor SA", "8000", "2026-12-20", "negotiation", "--currency", "USD"
        ),
        ("opp", "status", "6", "quote"),
    ),
    ("2026-09-02", create("Kiosk", "Castor SA", "700", "2026-11-30", "analysis")),
    (
        "2026-09-05",
        create(
            "US licences", "Castor SA", "2500", "2026-10-31", "negotiation", "--currency", "USD"
        ),
    ),
    ("2026-09-10", edit("1", "--due", "2026-10-20")),
    ("2026-09-15", create("Audit", "Beta Corp", "2005", "2026-11-20", "analysis")),
    ("2026-09-20", close("3", "lost", "--reason", "Price")),
    ("2026-09-21", create("Upgrade", "ACME Industries", "2001", "2026-10-30", "quote")),
    ("2026-09-28", close("6", "won")),
    ("2026-10-01", create("Data migration", "Beta Corp", "1200", "2026-12-15", "quote")),
    ("2026-10-02", edit("1", "--due", "2026-12-10")),
    ("2026-10-05", create("Maintenance", "alpine Tours", "3000", "2026-11-15", "negotiation")),
    ("2026-10-10", close("5", "lost", "--reason", "budget")),
    ("2026-10-12", close("8", "won")),
    ("2026-10-15", close("7", "cancelled", "--reason", "Budget frozen")),
    ("2026-10-20", close("11", "won")),
    ("2026-10-26", close("13", "won")),
    (
        "2026-10-27",
        create(
            "Consulting retainer",
            "Castor SA",
            "4010",
            "2027-01-29",
            "analysis",
            "--probability",
            "75",
        ),
    ),
    ("2026-10-28", edit("4", "--amount", "1,335")),
    ("2026-11-02", create("Workshop", "ACME Industries", "995", "2026-11-25", "quote")),
    ("2026-11-03", close("10", "lost", "--reason", "price ")),
    ("2026-11-05", ("opp", "status", "8", "negotiation"), edit("8", "--due", "2027-01-15")),
    ("2026-11-12", close("15", "won")),
    ("2026-11-18", close("14", "lost", "--reason", "Timing")),
    (
        "2026-11-20",
        create("Sample kit A", "ACME Industries", "5", "2027-02-10", "analysis"),
        create("Sample kit B", "ACME Industries", "5", "2027-02-10", "analysis"),
        create("Sample kit C", "ACME Industries", "5", "2027-02-10", "analysis"),
    ),
    (
        "2026-11-26",
        ("target", "set", "2026-11", "4000"),
        ("target", "set", "2026-12", "5 000"),
        ("target", "set", "2027-01", "6k"),
        ("target", "set", "2027-02", "2000"),
        ("target", "set", "2027-Q1", "15000"),
        ("target", "set", "2026-12", "6000", "--currency", "usd"),
    ),
)

_built: dict[str, str] = {}


def scenario_file(tmp_path_factory) -> str:
    """The database of the story, built once per session."""
    if "path" not in _built:
        path = tmp_path_factory.mktemp("scenario") / "colibri.db"
        runner = CliRunner()
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("COLIBRI_DB", str(path))
            for day, *commands in STORY:
                patch.setenv("COLIBRI_TODAY", day)
                for command in commands:
                    result = runner.invoke(app, list(command))
                    assert result.exit_code == 0, (day, command, result.output)
        assert not path.with_name("colibri.db-wal").exists()  # all of it is in the one file
        _built["path"] = str(path)
    return _built["path"]


def copy_into(tmp_path_factory, db_path) -> None:
    shutil.copyfile(scenario_file(tmp_path_factory), db_path)


def report(cli, *args: str, today: str | None = None, stderr: str = "") -> dict:
    """Run a report with --format json (on `today`, when given) and return its document,
    checking what it said on stderr."""
    result = cli(*args, "--format", "json", env={"COLIBRI_TODAY": today} if today else None)
    assert result.exit_code == 0, result.output
    assert result.stderr == stderr
    return json.loads(result.stdout)


def table(cli, *args: str, width: int = 80) -> list[str]:
    """Run a command drawing a table `width` columns wide; its stdout lines, right-stripped
    (Rich pads cells), after checking that none is wider than the terminal."""
    result = cli(*args, env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= width
    return [line.rstrip() for line in lines]


def fails(cli, *args: str, code: int, message: str) -> None:
    """The command fails with exit `code`, one `Error: message` line, and no output."""
    result = cli(*args)
    assert (result.exit_code, result.stdout) == (code, ""), result.output
    assert result.stderr == f"Error: {message}\n"


def on_terminal(
    db_path,
    *args: str,
    width: int = 80,
    columns: str | None = None,
    term: str = "dumb",
    stripped: bool = True,
) -> list[str]:
    """Run colibri on a pseudo-terminal `width` columns wide (COLUMNS says so too, unless
    `columns` is given; no colours, styles left out): what it shows, stdout and stderr
    together, as lines, right-stripped unless not `stripped`. Rich draws a `dumb` terminal
    at the width COLUMNS gives; `term="xterm"` has it measure the terminal itself."""
    import os
    import re
    import sys

    import pexpect

    env = {
        **os.environ,
        "COLIBRI_DB": str(db_path),
        "COLUMNS": str(width) if columns is None else columns,
        "TERM": term,
        "NO_COLOR": "1",
    }
    child = pexpect.spawn(
        sys.executable,
        ["-m", "colibri_cli", *args],
        env=env,
        encoding="utf-8",
        timeout=TERMINAL_TIMEOUT,
        dimensions=(50, width),
    )
    try:
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0, child.before
    lines = re.sub(r"\x1b\[[0-9;]*m", "", child.before).split("\r\n")
    return [line.rstrip() for line in lines] if stripped else lines
